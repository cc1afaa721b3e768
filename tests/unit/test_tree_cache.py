"""The tree cache (`trees/<commit>.json`) and `get_cached_repo_tree` read from disk only, no network."""

import json
import os
from pathlib import Path

import pytest

from huggingface_hub import _tree_cache, constants, get_cached_repo_tree
from huggingface_hub._revision import ResolvedRevision
from huggingface_hub._tree_cache import (
    TreeCacheEntry,
    read_tree_cache,
    tree_cache_folder_for_local_dir,
    write_tree_cache,
)
from huggingface_hub.errors import CachedRepoTreeNotFoundError, HFValidationError

COMMIT = "a" * 40
XET = "b" * 64
ENTRIES = {
    "z.txt": TreeCacheEntry(size=3, blob_id="1" * 40),
    "weights/model.bin": TreeCacheEntry(size=135, blob_id="2" * 40, lfs_sha256="c" * 64, lfs_size=10, xet_hash=XET),
    "a b/é.json": TreeCacheEntry(size=0, blob_id="3" * 40, xet_hash=XET),
}


@pytest.fixture(autouse=True)
def _fresh_memory_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # Entries written by one test must be read back from disk by the next, not from this process' memory.
    monkeypatch.setattr(_tree_cache, "_IN_MEMORY_TREE_CACHE", {})


def test_file_format_is_upstreams(tmp_path: Path) -> None:
    write_tree_cache(str(tmp_path), COMMIT, ENTRIES)
    text = (tmp_path / "trees" / f"{COMMIT}.json").read_text(encoding="utf-8")
    # Upstream writes `json.dump(data, f, indent=1)`: ASCII escapes, sorted paths, no final newline.
    files = {path: ENTRIES[path].to_json() for path in sorted(ENTRIES)}
    assert text == json.dumps({"format_version": 1, "files": files}, indent=1)
    assert list(json.loads(text)["files"]) == ["a b/é.json", "weights/model.bin", "z.txt"]
    assert json.loads(text)["files"]["z.txt"] == {"size": 3, "blob_id": "1" * 40}
    assert '"lfs_size": 10' in text and "\\u00e9" in text and not text.endswith("\n")
    assert sorted(os.listdir(tmp_path / "trees")) == [f"{COMMIT}.json"]  # no temporary file left


def test_round_trip_and_memory_cache(tmp_path: Path) -> None:
    write_tree_cache(str(tmp_path), COMMIT, ENTRIES)
    _tree_cache._IN_MEMORY_TREE_CACHE.clear()
    assert read_tree_cache(str(tmp_path), COMMIT) == ENTRIES
    assert TreeCacheEntry.from_json(ENTRIES["weights/model.bin"].to_json()) == ENTRIES["weights/model.bin"]
    assert read_tree_cache(str(tmp_path), "f" * 40) is None


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"format_version": 2, "files": {}}',
        '{"format_version": 1}',
        '{"format_version": 1, "files": {"a": {"size": 1}}}',
        '{"format_version": 1, "files": {"a": {"size": 1, "blob_id": "x", "xet_hash": "short"}}}',
        '{"format_version": 1, "files": {"a": {"size": 1, "blob_id": "x", "xet_hash": 12}}}',
        "[1, 2]",
    ],
)
def test_unusable_files_are_ignored(tmp_path: Path, content: str) -> None:
    (tmp_path / "trees").mkdir()
    (tmp_path / "trees" / f"{COMMIT}.json").write_text(content)
    assert read_tree_cache(str(tmp_path), COMMIT) is None


def test_invalid_xet_hash_is_not_written(tmp_path: Path) -> None:
    write_tree_cache(str(tmp_path), COMMIT, {"a": TreeCacheEntry(size=1, blob_id="x", xet_hash="nope")})
    assert not (tmp_path / "trees").exists()


def test_local_dir_folder() -> None:
    assert tree_cache_folder_for_local_dir("/x/out") == os.path.join("/x/out", ".cache", "huggingface")


def _storage(cache: Path, repo_type: str = "model") -> Path:
    return cache / f"{repo_type}s--alice--demo"


def test_get_cached_repo_tree_by_commit_branch_and_resolved_revision(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    write_tree_cache(str(_storage(cache)), COMMIT, ENTRIES)
    (_storage(cache) / "refs" / "refs" / "pr").mkdir(parents=True)
    (_storage(cache) / "refs" / "main").write_text(COMMIT)
    (_storage(cache) / "refs" / "refs" / "pr" / "1").write_text(COMMIT)

    for revision in (None, "main", "refs/pr/1", COMMIT, ResolvedRevision(COMMIT, "v9")):
        files = get_cached_repo_tree("alice/demo", revision=revision, cache_dir=cache)
        assert [(f.path, f.size, f.blob_id, f.xet_hash, f.lfs) for f in files] == [
            (path, entry.size, entry.blob_id, entry.xet_hash, None) for path, entry in ENTRIES.items()
        ]


def test_get_cached_repo_tree_defaults_to_hf_hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    write_tree_cache(str(_storage(tmp_path, "dataset")), COMMIT, ENTRIES)
    assert len(get_cached_repo_tree("alice/demo", repo_type="dataset", revision=COMMIT)) == 3
    with pytest.raises(CachedRepoTreeNotFoundError):
        get_cached_repo_tree("alice/demo", revision=COMMIT)  # a model of that name was never listed


def test_get_cached_repo_tree_local_dir_resolves_refs_in_main_cache(tmp_path: Path) -> None:
    cache, local_dir = tmp_path / "cache", tmp_path / "out"
    write_tree_cache(tree_cache_folder_for_local_dir(str(local_dir)), COMMIT, ENTRIES)
    with pytest.raises(CachedRepoTreeNotFoundError) as error:
        get_cached_repo_tree("alice/demo", local_dir=local_dir, cache_dir=cache)
    assert str(error.value) == (
        "No cached tree listing found for 'alice/demo' (revision 'main', repo_type 'model'): the revision is not a"
        f" commit hash and no matching ref is cached in '{_storage(cache.resolve())}'. Download the repo (e.g. with"
        " `snapshot_download`) to populate the cache first."
    )
    _storage(cache).joinpath("refs").mkdir(parents=True)
    _storage(cache).joinpath("refs", "main").write_text(COMMIT)
    assert len(get_cached_repo_tree("alice/demo", local_dir=local_dir, cache_dir=cache)) == 3
    # The main cache itself has no tree for that commit.
    with pytest.raises(CachedRepoTreeNotFoundError) as error:
        get_cached_repo_tree("alice/demo", cache_dir=cache)
    assert str(error.value) == (
        f"No cached tree listing found for 'alice/demo' (revision 'main', commit '{COMMIT}', repo_type 'model') in"
        f" '{_storage(cache.resolve())}'. Download the repo (e.g. with `snapshot_download`) to populate the cache"
        " first."
    )


def test_get_cached_repo_tree_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"^Invalid repo type: bucket\. Accepted repo types are: \[None, 'model'"):
        get_cached_repo_tree("alice/demo", repo_type="bucket", cache_dir=tmp_path)
    with pytest.raises(HFValidationError):
        get_cached_repo_tree("alice/../demo", cache_dir=tmp_path)
