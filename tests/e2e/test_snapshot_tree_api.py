"""`get_cached_repo_tree` after real `snapshot_download`s from the local Hub, and snapshot_download's paths."""

import os
from pathlib import Path

import pytest

from huggingface_hub import HfApi, get_cached_repo_tree, snapshot_download
from huggingface_hub.errors import CachedRepoTreeNotFoundError
from tests.e2e._seed import commit, create_repo, random_bytes

BIG = random_bytes(2 * 1024 * 1024 + 1, seed=7)


@pytest.fixture
def repo(local_hub, alice_token) -> dict:
    create_repo(local_hub.endpoint, alice_token, "alice/demo")
    first = commit(local_hub.endpoint, alice_token, "alice/demo", files={"a.txt": b"a", "dir/b.txt": b"bb"})
    HfApi(endpoint=local_hub.endpoint, token=alice_token).create_tag("alice/demo", tag="v1")
    second = commit(local_hub.endpoint, alice_token, "alice/demo", files={"c.txt": b"ccc"}, lfs={"big.bin": BIG})
    return {"kwargs": {"endpoint": local_hub.endpoint, "token": alice_token}, "first": first, "second": second}


def test_tree_of_each_downloaded_revision(repo: dict, tmp_path: Path) -> None:
    with pytest.raises(CachedRepoTreeNotFoundError):
        get_cached_repo_tree("alice/demo", cache_dir=tmp_path)
    snapshot_download("alice/demo", cache_dir=tmp_path, **repo["kwargs"])
    snapshot_download("alice/demo", revision="v1", cache_dir=tmp_path, **repo["kwargs"])

    latest = {f.path: f for f in get_cached_repo_tree("alice/demo", cache_dir=tmp_path)}
    assert sorted(latest) == [".gitattributes", "a.txt", "big.bin", "c.txt", "dir/b.txt"]
    assert (latest["big.bin"].size, latest["big.bin"].lfs, latest["c.txt"].size) == (len(BIG), None, 3)
    assert latest["a.txt"].blob_id == "2e65efe2a145dda7ee51d1741299f848e5bf752e"  # git blob id of b"a"
    assert {f.path for f in get_cached_repo_tree("alice/demo", revision="v1", cache_dir=tmp_path)} == {
        ".gitattributes",
        "a.txt",
        "dir/b.txt",
    }
    by_commit = get_cached_repo_tree("alice/demo", revision=repo["first"], cache_dir=tmp_path)
    assert len(by_commit) == 3
    # A filtered download still lists (and caches) the whole commit.
    other = tmp_path / "other"
    snapshot_download("alice/demo", cache_dir=other, allow_patterns="a.txt", **repo["kwargs"])
    assert len(get_cached_repo_tree("alice/demo", cache_dir=other)) == 5


def test_tree_of_a_local_dir_download(repo: dict, tmp_path: Path) -> None:
    cache, local_dir = tmp_path / "cache", tmp_path / "out"
    snapshot_download("alice/demo", local_dir=local_dir, cache_dir=cache, **repo["kwargs"])
    files = get_cached_repo_tree("alice/demo", local_dir=local_dir, cache_dir=cache)
    assert len(files) == 5
    assert (local_dir / ".cache" / "huggingface" / "trees" / f"{repo['second']}.json").is_file()
    with pytest.raises(CachedRepoTreeNotFoundError):  # the main cache got the ref, not the tree
        get_cached_repo_tree("alice/demo", cache_dir=cache)


def test_relative_and_home_paths_are_resolved_like_upstream(
    repo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    folder = snapshot_download("alice/demo", cache_dir="rel-cache", **repo["kwargs"])
    assert folder == str(tmp_path / "rel-cache" / "models--alice--demo" / "snapshots" / repo["second"])
    folder = snapshot_download("alice/demo", cache_dir="~/cache", allow_patterns="a.txt", **repo["kwargs"])
    assert folder.startswith(str(tmp_path / "home" / "cache")) and os.path.isfile(os.path.join(folder, "a.txt"))
    assert not (tmp_path / "~").exists()
    assert snapshot_download("alice/demo", local_dir="~/out", **repo["kwargs"]) == str(tmp_path / "home" / "out")
    assert len(get_cached_repo_tree("alice/demo", local_dir="~/out")) == 5
