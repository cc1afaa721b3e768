"""Repository info, existence checks, file listings and `resolve_revision` against the local Hub."""

import hashlib
from pathlib import Path

import pytest
import requests

from huggingface_hub.errors import (
    HFValidationError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
    RevisionResolutionError,
)
from huggingface_hub.hf_api import (
    DatasetInfo,
    HfApi,
    ModelInfo,
    RepoFile,
    RepoFolder,
    ResolvedRevision,
    SpaceInfo,
)
from huggingface_hub.local_hub import LocalHub
from tests.e2e._seed import commit, create_repo

WEIGHTS = b"\x00weights" * 1000
WEIGHTS_SHA = hashlib.sha256(WEIGHTS).hexdigest()


def git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@pytest.fixture
def hub(local_hub: LocalHub, alice_token: str) -> dict:
    """`alice/public` with files in folders and one LFS file, and `alice/secret` (private)."""
    create_repo(local_hub.endpoint, alice_token, "alice/public")
    sha = commit(
        local_hub.endpoint, alice_token, "alice/public",
        files={"README.md": b"# hi\n", "a/b/c.txt": b"deep", "a/top.txt": b"top", "x y/z#1.txt": b"odd names"},
        lfs={"weights.bin": WEIGHTS},
    )  # fmt: skip
    create_repo(local_hub.endpoint, alice_token, "alice/secret", private=True)
    bob = local_hub.create_user("bob")
    return {
        "endpoint": local_hub.endpoint,
        "alice": HfApi(endpoint=local_hub.endpoint, token=alice_token),
        "bob": HfApi(endpoint=local_hub.endpoint, token=bob),
        "anonymous": HfApi(endpoint=local_hub.endpoint, token=False),
        "sha": sha,
        "token": alice_token,
    }


def test_model_info(hub: dict) -> None:
    info = hub["anonymous"].model_info("alice/public")
    assert isinstance(info, ModelInfo)
    assert (info.id, info.author, info.sha, info.private) == ("alice/public", "alice", hub["sha"], False)
    assert info.last_modified is not None and info.created_at is not None
    assert sorted(s.rfilename for s in info.siblings or []) == [
        ".gitattributes", "README.md", "a/b/c.txt", "a/top.txt", "weights.bin", "x y/z#1.txt",
    ]  # fmt: skip
    assert all(s.size is None and s.lfs is None for s in info.siblings or [])


def test_model_info_files_metadata(hub: dict) -> None:
    info = hub["alice"].model_info("alice/public", files_metadata=True)
    by_name = {s.rfilename: s for s in info.siblings or []}
    assert by_name["a/top.txt"].size == 3 and by_name["a/top.txt"].blob_id == git_sha1(b"top")
    lfs = by_name["weights.bin"].lfs
    assert lfs is not None and (lfs.sha256, lfs.size) == (WEIGHTS_SHA, len(WEIGHTS)) and lfs.pointer_size > 0


def test_model_info_expand(hub: dict) -> None:
    info = hub["alice"].model_info("alice/public", expand=["sha", "private"])
    assert (info.sha, info.private) == (hub["sha"], False)
    assert info.siblings is None and info.author is None and info.last_modified is None
    with pytest.raises(ValueError, match="`expand` cannot be used"):
        hub["alice"].model_info("alice/public", expand=["sha"], files_metadata=True)


def test_info_at_revision(hub: dict) -> None:
    first = hub["alice"].list_repo_commits("alice/public")[-1].commit_id
    info = hub["alice"].model_info("alice/public", revision=first)
    assert info.sha == first and [s.rfilename for s in info.siblings or []] == [".gitattributes"]
    with pytest.raises(RevisionNotFoundError):
        hub["alice"].model_info("alice/public", revision="no-such-branch")


def test_private_repo_visibility(hub: dict) -> None:
    assert hub["alice"].model_info("alice/secret").private is True
    with pytest.raises(RepositoryNotFoundError):
        hub["bob"].model_info("alice/secret")
    with pytest.raises(RepositoryNotFoundError):
        hub["anonymous"].model_info("alice/secret")
    assert hub["alice"].repo_exists("alice/secret")
    assert not hub["bob"].repo_exists("alice/secret")
    assert not hub["anonymous"].file_exists("alice/secret", ".gitattributes")


def test_missing_repo_and_invalid_id(hub: dict) -> None:
    with pytest.raises(RepositoryNotFoundError):
        hub["alice"].model_info("alice/missing")
    with pytest.raises(HFValidationError):
        hub["alice"].model_info("alice/bad--name")
    with pytest.raises(HFValidationError):
        hub["alice"].list_repo_tree("a/b/c")  # raised when called, before iterating


def test_dataset_and_space_info(hub: dict) -> None:
    create_repo(hub["endpoint"], hub["token"], "alice/data", repo_type="dataset")
    response = requests.post(
        f"{hub['endpoint']}/api/repos/create",
        json={"name": "app", "organization": "alice", "type": "space", "sdk": "gradio"},
        headers={"authorization": f"Bearer {hub['token']}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    dataset = hub["alice"].dataset_info("alice/data")
    assert isinstance(dataset, DatasetInfo) and dataset.id == "alice/data" and dataset.downloads == 0
    space = hub["alice"].space_info("alice/app")
    assert isinstance(space, SpaceInfo) and space.sdk == "gradio"
    assert isinstance(hub["alice"].repo_info("alice/data", repo_type="dataset"), DatasetInfo)
    assert isinstance(hub["alice"].repo_info("alice/app", repo_type="space"), SpaceInfo)
    assert isinstance(hub["alice"].repo_info("alice/public"), ModelInfo)
    with pytest.raises(RepositoryNotFoundError):
        hub["alice"].repo_info("alice/public", repo_type="dataset")
    with pytest.raises(ValueError, match="Unsupported repo type"):
        hub["alice"].repo_info("alice/public", repo_type="bucket")


def test_existence_checks(hub: dict) -> None:
    api = hub["anonymous"]
    assert api.repo_exists("alice/public") and not api.repo_exists("alice/missing")
    assert not api.repo_exists("alice/public", repo_type="dataset")
    assert api.revision_exists("alice/public", "main") and api.revision_exists("alice/public", hub["sha"][:7])
    assert not api.revision_exists("alice/public", "nope") and not api.revision_exists("alice/missing", "main")
    assert api.file_exists("alice/public", "a/b/c.txt") and api.file_exists("alice/public", "weights.bin")
    assert api.file_exists("alice/public", "x y/z#1.txt")
    assert not api.file_exists("alice/public", "a/b") and not api.file_exists("alice/public", "nope.txt")
    assert not api.file_exists("alice/public", "README.md", revision="nope")
    assert not api.file_exists("alice/missing", "README.md")


def test_list_repo_tree(hub: dict) -> None:
    api = hub["anonymous"]
    root = {entry.path: entry for entry in api.list_repo_tree("alice/public")}
    assert set(root) == {".gitattributes", "README.md", "a", "weights.bin", "x y"}
    assert isinstance(root["a"], RepoFolder) and isinstance(root["README.md"], RepoFile)
    weights = root["weights.bin"]
    assert isinstance(weights, RepoFile) and weights.lfs is not None and weights.lfs.sha256 == WEIGHTS_SHA

    # A nested folder travels as one URL segment (`a%2Fb`).
    assert [entry.path for entry in api.list_repo_tree("alice/public", "a/b")] == ["a/b/c.txt"]
    assert [entry.path for entry in api.list_repo_tree("alice/public", "x y")] == ["x y/z#1.txt"]
    assert {e.path for e in api.list_repo_tree("alice/public", "")} == set(root)

    everything = {entry.path for entry in api.list_repo_tree("alice/public", recursive=True)}
    assert {"a", "a/b", "a/b/c.txt", "a/top.txt", "x y/z#1.txt"} <= everything

    expanded = list(api.list_repo_tree("alice/public", "a", expand=True))
    assert all(entry.last_commit is not None and entry.last_commit.oid == hub["sha"] for entry in expanded)

    with pytest.raises(RemoteEntryNotFoundError):
        list(api.list_repo_tree("alice/public", "no/such/folder"))
    with pytest.raises(RevisionNotFoundError):
        list(api.list_repo_tree("alice/public", revision="nope"))
    with pytest.raises(RepositoryNotFoundError):
        list(api.list_repo_tree("alice/missing"))


def test_list_repo_tree_follows_pages(hub: dict) -> None:
    # With expand, the server answers 50 entries per page: 120 files need three pages.
    files = {f"many/{i:03}.txt": str(i).encode() for i in range(120)}
    commit(hub["endpoint"], hub["token"], "alice/public", files=files)
    listed = [entry.path for entry in hub["alice"].list_repo_tree("alice/public", "many", expand=True)]
    assert sorted(listed) == sorted(files)
    assert len(hub["alice"].list_repo_files("alice/public")) == 6 + 120


def test_list_repo_files(hub: dict) -> None:
    assert sorted(hub["anonymous"].list_repo_files("alice/public")) == [
        ".gitattributes", "README.md", "a/b/c.txt", "a/top.txt", "weights.bin", "x y/z#1.txt",
    ]  # fmt: skip
    assert hub["alice"].list_repo_files("alice/secret") == [".gitattributes"]
    with pytest.raises(RepositoryNotFoundError):
        hub["bob"].list_repo_files("alice/secret")


def test_get_paths_info(hub: dict) -> None:
    infos = hub["anonymous"].get_paths_info("alice/public", ["a", "weights.bin", "missing.txt", "x y/z#1.txt"])
    by_path = {info.path: info for info in infos}
    assert set(by_path) == {"a", "weights.bin", "x y/z#1.txt"}
    assert isinstance(by_path["a"], RepoFolder) and isinstance(by_path["weights.bin"], RepoFile)
    single = hub["anonymous"].get_paths_info("alice/public", "README.md", expand=True)
    assert len(single) == 1 and single[0].last_commit is not None
    with pytest.raises(RevisionNotFoundError):
        hub["anonymous"].get_paths_info("alice/public", ["a"], revision="nope")


def test_resolve_revision_caches_and_falls_back(local_hub: LocalHub, alice_token: str, tmp_path: Path) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/pinned")
    sha = commit(local_hub.endpoint, alice_token, "alice/pinned", files={"f.txt": b"1"})
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)

    resolved = api.resolve_revision("alice/pinned", cache_dir=tmp_path)
    assert isinstance(resolved, ResolvedRevision) and resolved == "main" and resolved.resolved == sha
    assert (tmp_path / "models--alice--pinned" / "refs" / "main").read_text() == sha
    assert api.resolve_revision("alice/pinned", revision=resolved) is resolved
    assert api.resolve_revision("alice/pinned", revision=sha).resolved == sha  # no request needed
    cached = api.resolve_revision("alice/pinned", cache_dir=tmp_path, local_files_only=True)
    assert cached.resolved == sha
    with pytest.raises(RevisionNotFoundError):
        api.resolve_revision("alice/pinned", revision="nope", cache_dir=tmp_path)
    with pytest.raises(RevisionResolutionError, match="local_files_only"):
        api.resolve_revision("alice/pinned", revision="v2", cache_dir=tmp_path, local_files_only=True)

    local_hub.stop()
    # The Hub is gone: the cached answer is used; a revision never resolved cannot be.
    assert api.resolve_revision("alice/pinned", cache_dir=tmp_path).resolved == sha
    with pytest.raises(RevisionResolutionError, match="could not be reached"):
        api.resolve_revision("alice/pinned", revision="dev", cache_dir=tmp_path)


def test_module_level_functions_use_the_default_endpoint(hub: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import hf_api

    monkeypatch.setattr(hf_api.api, "endpoint", hub["endpoint"])
    assert hf_api.model_info("alice/public", token=False).sha == hub["sha"]
    assert hf_api.file_exists("alice/public", "README.md", token=False)
