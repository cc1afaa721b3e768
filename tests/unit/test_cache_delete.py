"""HFCacheInfo.delete_revisions and DeleteCacheStrategy.execute: what is planned, what is deleted, in which order,
and that nothing outside the cache is ever touched."""

import logging
import os
from pathlib import Path

import pytest

from huggingface_hub import DeleteCacheStrategy, scan_cache_dir
from huggingface_hub.utils import _cache_manager
from tests._cache_trees import RepoTree, build_valid_cache, commit


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    build_valid_cache(tmp_path / "hub")
    return (tmp_path / "hub").resolve()


def test_deleting_some_revisions_keeps_shared_blobs(cache: Path) -> None:
    repo = cache / "models--org--model"
    strategy = scan_cache_dir(cache).delete_revisions(commit("old"), commit("pr"))
    old_config = Path(os.path.realpath(repo / "snapshots" / commit("old") / "config.json"))
    readme = Path(os.path.realpath(repo / "snapshots" / commit("pr") / "README.md"))
    assert strategy.repos == frozenset()
    assert strategy.snapshots == {repo / "snapshots" / commit("old"), repo / "snapshots" / commit("pr")}
    assert strategy.refs == {repo / "refs" / "refs/pr/1"}
    assert strategy.blobs == {old_config, readme}  # weights/model.bin is still used by main
    assert strategy.expected_freed_size == len(b'{"a": 0}') + len(b"# pr\n")
    assert strategy.expected_freed_size_str == "13.0"

    strategy.execute()
    info = scan_cache_dir(cache)
    assert info.warnings == []
    (model,) = [r for r in info.repos if r.repo_path == repo]
    assert {r.commit_hash for r in model.revisions} == {commit("main")}
    assert not old_config.exists() and not readme.exists()
    assert (repo / "refs" / "main").exists() and not (repo / "refs" / "refs" / "pr" / "1").exists()
    assert (repo / ".no_exist" / commit("main")).exists()  # left behind, like upstream


def test_deleting_every_revision_deletes_the_repo(cache: Path) -> None:
    info = scan_cache_dir(cache)
    (space,) = [r for r in info.repos if r.repo_id == "user/demo"]
    strategy = info.delete_revisions(*(r.commit_hash for r in space.revisions))
    assert strategy.repos == {space.repo_path}
    assert strategy.snapshots == strategy.refs == strategy.blobs == frozenset()
    assert strategy.expected_freed_size == space.size_on_disk
    strategy.execute()
    assert not space.repo_path.exists()


def test_copied_files_are_counted_but_go_with_their_snapshot(tmp_path: Path) -> None:
    repo = RepoTree(tmp_path, "models--copies")
    repo.file(commit("a"), "f.txt", b"12345", symlink=False)
    repo.file(commit("b"), "f.txt", b"123", symlink=False)
    strategy = scan_cache_dir(tmp_path).delete_revisions(commit("a"))
    assert strategy.blobs == frozenset()
    assert strategy.snapshots == {tmp_path.resolve() / "models--copies" / "snapshots" / commit("a")}
    assert strategy.expected_freed_size == 5


def test_unknown_revisions_are_logged_and_ignored(cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        strategy = scan_cache_dir(cache).delete_revisions("f" * 40)
    assert "Revision(s) not found - cannot delete them: " + "f" * 40 in caplog.text
    assert strategy == DeleteCacheStrategy(0, frozenset(), frozenset(), frozenset(), frozenset())


def test_blobs_outside_the_repo_are_never_deleted(tmp_path: Path) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_bytes(b"do not delete")
    repo = RepoTree(tmp_path / "hub", "models--hostile")
    repo.file(commit("keep"), "f", b"kept")
    snapshot = repo.empty_revision(commit("drop"))
    os.symlink(outside, snapshot / "evil")
    os.symlink("../../../../precious.txt", snapshot / "evil-relative")
    info = scan_cache_dir(tmp_path / "hub")
    assert info.warnings == []
    strategy = info.delete_revisions(commit("drop"))
    assert strategy.blobs == frozenset()
    assert strategy.expected_freed_size == 0
    strategy.execute()
    assert outside.read_bytes() == b"do not delete"
    assert not snapshot.exists()


def test_linked_repo_and_snapshot_are_unlinked_not_followed(cache: Path) -> None:
    info = scan_cache_dir(cache)
    (linked,) = [r for r in info.repos if r.repo_id == "linked/repo"]
    storage = Path(os.path.realpath(linked.repo_path))
    info.delete_revisions(*(r.commit_hash for r in linked.revisions)).execute()
    assert not os.path.lexists(linked.repo_path)
    assert storage.is_dir()  # the link was in the cache, its target is not ours to delete

    (snapshots,) = [r for r in info.repos if r.repo_id == "linked/snapshot"]
    alias = snapshots.repo_path / "snapshots" / commit("alias")
    info.delete_revisions(commit("alias")).execute()
    assert not os.path.lexists(alias)
    assert (snapshots.repo_path / "snapshots" / commit("real") / "f.txt").exists()


def test_execute_order_and_missing_paths(tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch) -> None:
    calls: list[tuple[str, str]] = []
    real = _cache_manager._try_delete_path
    monkeypatch.setattr(
        _cache_manager,
        "_try_delete_path",
        lambda path, path_type: (calls.append((path_type, path.name)), real(path, path_type)),
    )
    strategy = DeleteCacheStrategy(
        expected_freed_size=2500,
        blobs=frozenset({tmp_path / "blob"}),
        refs=frozenset({tmp_path / "ref"}),
        repos=frozenset({tmp_path / "repo"}),
        snapshots=frozenset({tmp_path / "snapshot"}),
    )
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "x").write_text("x")
    (tmp_path / "blob").write_text("b")
    with caplog.at_level(logging.DEBUG, logger="huggingface_hub"):
        strategy.execute()
    assert [t for t, _ in calls] == ["repo", "snapshot", "ref", "blob"]
    assert not (tmp_path / "repo").exists() and not (tmp_path / "blob").exists()
    assert f"Couldn't delete snapshot: file not found ({tmp_path / 'snapshot'})" in caplog.text
    assert f"Couldn't delete ref: file not found ({tmp_path / 'ref'})" in caplog.text
    assert "Cache deletion done. Saved 2.5K." in caplog.text
