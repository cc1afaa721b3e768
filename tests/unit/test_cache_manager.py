"""scan_cache_dir and the cache data model: every field, every corruption upstream reports, and bad input that
must never crash the scan."""

import copy
import dataclasses
import os
import pickle
import threading
from pathlib import Path

import pytest

from huggingface_hub import (
    CachedFileInfo,
    CachedRepoInfo,
    CachedRevisionInfo,
    CacheNotFound,
    CorruptedCacheException,
    HFCacheInfo,
    constants,
    scan_cache_dir,
)
from huggingface_hub.utils import _format_size
from huggingface_hub.utils._cache_manager import _LazyFiles
from huggingface_hub.utils._parsing import format_timesince, parse_duration, parse_size
from tests._cache_trees import DAY, RepoTree, build_corrupted_cache, build_valid_cache, commit


def by_id(info: HFCacheInfo) -> dict[str, CachedRepoInfo]:
    return {repo.repo_path.name: repo for repo in info.repos}


def revision(repo: CachedRepoInfo, label: str) -> CachedRevisionInfo:
    (found,) = [r for r in repo.revisions if r.commit_hash == commit(label)]
    return found


def messages(info: HFCacheInfo) -> list[str]:
    return [str(warning) for warning in info.warnings]


# --- valid caches -------------------------------------------------------------------------------------------


@pytest.fixture
def valid(tmp_path: Path) -> tuple[Path, HFCacheInfo]:
    cache = tmp_path / "hub"
    build_valid_cache(cache)
    return cache, scan_cache_dir(cache)


def test_a_valid_cache_has_no_warning_and_every_repo(valid: tuple[Path, HFCacheInfo]) -> None:
    cache, info = valid
    assert info.warnings == []
    assert sorted(by_id(info)) == sorted(
        [
            "models--org--model",
            "datasets--org--data",
            "spaces--user--demo",
            "models--nosymlink",
            "models--org--empty",
            "datasets--no--snapshots-yet",
            "models--org--name--with--dashes",
            "modelX--odd--prefix",
            "models--linked--repo",
            "models--linked--snapshot",
        ]
    )
    repos = by_id(info)
    assert (repos["models--org--name--with--dashes"].repo_id, repos["models--org--name--with--dashes"].repo_type) == (
        "org/name/with/dashes",
        "model",
    )
    assert repos["modelX--odd--prefix"].cache_id == "model/odd/prefix"
    assert repos["datasets--org--data"].cache_id == "dataset/org/data"
    assert info.size_on_disk == sum(repo.size_on_disk for repo in info.repos)


def test_sizes_count_each_blob_once_and_times_come_from_blob_stats(valid: tuple[Path, HFCacheInfo]) -> None:
    cache, info = valid
    model = by_id(info)["models--org--model"]
    blobs = {Path(os.path.realpath(path)) for path in (model.repo_path / "snapshots").rglob("*") if path.is_symlink()}
    stats = {blob: blob.stat() for blob in blobs}
    assert model.nb_files == len(blobs) == 4
    assert model.size_on_disk == sum(stat.st_size for stat in stats.values())
    assert model.last_accessed == max(stat.st_atime for stat in stats.values())
    assert model.last_modified == max(stat.st_mtime for stat in stats.values())

    main = revision(model, "main")
    assert main.nb_files == 3
    assert main.size_on_disk == len(b'{"a": 1}') + 5000  # weights/copy.bin is the same blob as model.bin
    assert main.refs == frozenset({"main", "v1.0"})
    assert revision(model, "pr").refs == frozenset({"refs/pr/1"})
    assert revision(model, "old").refs == frozenset()
    assert model.refs == {"main": main, "v1.0": main, "refs/pr/1": revision(model, "pr")}

    for file in main.files:
        assert file.file_path.parent.is_relative_to(main.snapshot_path)
        assert file.file_name == file.file_path.name
        assert file.blob_path == Path(os.path.realpath(file.file_path))
        stat = file.blob_path.stat()
        assert (file.size_on_disk, file.blob_last_accessed, file.blob_last_modified) == (
            stat.st_size,
            stat.st_atime,
            stat.st_mtime,
        )
    assert main.last_modified == max(file.blob_last_modified for file in main.files)
    assert main.snapshot_path == cache.resolve() / "models--org--model" / "snapshots" / commit("main")


def test_unreferenced_blobs_no_exist_trees_and_incomplete_files_are_not_counted(
    valid: tuple[Path, HFCacheInfo],
) -> None:
    cache, info = valid
    model = by_id(info)["models--org--model"]
    unreferenced = model.repo_path / "blobs" / _sha256(b"unreferenced blob")
    assert unreferenced.exists()
    assert unreferenced not in {f.blob_path for r in model.revisions for f in r.files}
    assert model.nb_files == 4 and len(list((model.repo_path / "blobs").iterdir())) == 6
    assert [(f.file_path.name, f.size_on_disk) for f in info.incomplete_files] == [
        ("deadbeef.1234abcd.incomplete", 1234)
    ]
    assert info.incomplete_size_on_disk == 1234


def test_copies_without_symlinks_are_their_own_blobs(valid: tuple[Path, HFCacheInfo]) -> None:
    _, info = valid
    repo = by_id(info)["models--nosymlink"]
    (rev,) = repo.revisions
    assert {f.file_path for f in rev.files} == {f.blob_path for f in rev.files}
    assert rev.size_on_disk == repo.size_on_disk == len(b"copied file") + len(b"another copy")


def test_empty_revision_and_repo_without_blobs_use_folder_times(valid: tuple[Path, HFCacheInfo]) -> None:
    cache, info = valid
    empty = by_id(info)["models--org--empty"]
    stat = empty.repo_path.stat()
    assert (empty.size_on_disk, empty.nb_files) == (0, 0)
    assert (empty.last_accessed, empty.last_modified) == (stat.st_atime, stat.st_mtime)
    (rev,) = empty.revisions
    assert rev.files == frozenset() and rev.nb_files == 0
    assert rev.last_modified == rev.snapshot_path.stat().st_mtime
    assert by_id(info)["datasets--no--snapshots-yet"].revisions == frozenset()


def test_linked_repos_and_snapshots_keep_unresolved_paths(valid: tuple[Path, HFCacheInfo]) -> None:
    cache, info = valid
    linked = by_id(info)["models--linked--repo"]
    assert linked.repo_path == cache.resolve() / "models--linked--repo"
    (file,) = next(iter(linked.revisions)).files
    assert file.file_path.is_relative_to(linked.repo_path)
    assert not file.blob_path.is_relative_to(cache.resolve())

    snapshot = by_id(info)["models--linked--snapshot"]
    alias, real = revision(snapshot, "alias"), revision(snapshot, "real")
    assert [f.file_name for f in alias.files] == [f.file_name for f in real.files] == ["f.txt"]  # folder-link skipped
    assert next(iter(alias.files)).blob_path == next(iter(real.files)).blob_path
    assert snapshot.nb_files == 1


def test_unicode_and_undecodable_names(valid: tuple[Path, HFCacheInfo]) -> None:
    _, info = valid
    files = {f.file_name: f for r in by_id(info)["models--org--name--with--dashes"].revisions for f in r.files}
    assert set(files) == {"caf\u00e9 \U0001f600.txt", os.fsdecode(b"latin1-\xe9.bin")}
    for file in files.values():
        assert os.fsencode(file.file_path).endswith(os.fsencode(file.file_name))
        assert file.file_path.exists() and file.blob_path.stat().st_size == file.size_on_disk


def test_undecodable_repo_folder_names_are_scanned(tmp_path: Path) -> None:
    RepoTree(tmp_path, os.fsdecode(b"models--org--caf\xe9")).file(commit("x"), "f", b"x")
    (repo,) = scan_cache_dir(tmp_path).repos
    assert repo.repo_id == os.fsdecode(b"org/caf\xe9")
    assert repo.size_on_disk == 1


# --- corruptions --------------------------------------------------------------------------------------------


def test_each_corruption_gives_upstreams_message_and_skips_the_repo(tmp_path: Path) -> None:
    cache = tmp_path / "hub"
    build_corrupted_cache(cache)
    info = scan_cache_dir(cache)
    root = cache.resolve()
    assert [repo.repo_path.name for repo in info.repos] == ["models--valid"]
    assert all(isinstance(warning, CorruptedCacheException) for warning in info.warnings)
    missing = f"{{'{commit('absent')}': {{'v2'}}}}"
    expected = {
        f"Repo path is not a directory: {root / 'version.txt'}",
        f"Repo path is not a valid HuggingFace cache directory: {root / 'not-a-repo'}",
        f"Repo type must be `dataset`, `model` or `space`, found `kernel` ({root / 'kernels--org--kernel'}).",
        f"Repo type must be `dataset`, `model` or `space`, found `thing` ({root / 'things--org--x'}).",
        f"Snapshots dir doesn't exist in cached repo: {root / 'models--local-dir--download' / 'snapshots'}",
        f"Refs directory cannot be a file: {root / 'models--refs--file' / 'refs'}",
        f"Snapshots folder corrupted. Found a file: {root / 'datasets--snapshot--file' / 'snapshots' / 'stray.txt'}",
        f"Snapshots dir doesn't exist in cached repo: {root / 'models--snapshots--is-a-file' / 'snapshots'}",
        f"Blob missing (broken symlink): {root / 'models--broken--symlink' / 'blobs' / _sha256(b'gone')}",
        f"Reference(s) refer to missing commit hashes: {missing} ({root / 'spaces--missing--commit'}).",
        f"Reference(s) refer to missing commit hashes: {{'{commit('nl')}\\n': {{'main'}}}}"
        f" ({root / 'models--newline--ref'}).",
        f"Reference(s) refer to missing commit hashes: {{'{commit('crlf')}\\n': {{'main'}}}}"
        f" ({root / 'models--crlf--ref'}).",
        f"Repo path is not a directory: {root / 'models--dangling--repo-link'}",
    }
    assert set(messages(info)) == expected
    assert len(info.warnings) == len(expected)
    # Warnings come in the order the cache folder lists its entries.
    listed = [name for name in os.listdir(root) if name != "models--valid"]
    positions = [next(i for i, m in enumerate(messages(info)) if f"{root / name}" in m) for name in listed]
    assert positions == sorted(positions)


def _sha256(content: bytes) -> str:
    import hashlib

    return hashlib.sha256(content).hexdigest()


def test_missing_cache_file_instead_of_folder_and_unreadable_root(tmp_path: Path) -> None:
    with pytest.raises(CacheNotFound) as error:
        scan_cache_dir(tmp_path / "nope")
    assert error.value.cache_dir == (tmp_path / "nope").resolve()
    assert str(error.value).startswith(f"Cache directory not found: {(tmp_path / 'nope').resolve()}.")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="Scan cache expects a directory but found a file"):
        scan_cache_dir(tmp_path / "file")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(NotADirectoryError):
        scan_cache_dir(tmp_path / "fifo")


def test_default_cache_dir_is_read_at_call_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    RepoTree(tmp_path / "elsewhere", "models--a--b").file(commit("x"), "f", b"xyz")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "elsewhere"))
    (repo,) = scan_cache_dir().repos
    assert repo.size_on_disk == 3


# --- bad input: never a crash -------------------------------------------------------------------------------


def test_symlink_loops_and_links_through_files_are_missing_blobs(tmp_path: Path) -> None:
    loop = RepoTree(tmp_path, "models--loop")
    snapshot = loop.empty_revision(commit("loop"))
    os.symlink("a", snapshot / "b")
    os.symlink("b", snapshot / "a")
    through_file = RepoTree(tmp_path, "models--through--file")
    pointer = through_file.file(commit("f"), "f", b"f")
    os.symlink(os.path.relpath(pointer, pointer.parent) + "/deeper", pointer.parent / "g")
    info = scan_cache_dir(tmp_path)
    assert info.repos == frozenset()
    assert sorted(m.split(":")[0] for m in messages(info)) == ["Blob missing (broken symlink)"] * 2


def test_a_revision_that_is_a_dangling_symlink_is_reported(tmp_path: Path) -> None:
    repo = RepoTree(tmp_path, "models--dangling--revision")
    repo.empty_revision(commit("real"))
    os.symlink("nowhere", repo.path / "snapshots" / commit("dangling"))
    info = scan_cache_dir(tmp_path)
    assert messages(info) == [
        f"Cannot read snapshot: {tmp_path.resolve() / 'models--dangling--revision' / 'snapshots' / commit('dangling')}"
        " (No such file or directory)."
    ]


def test_a_ref_that_is_a_device_or_a_folder_link(tmp_path: Path) -> None:
    device = RepoTree(tmp_path, "models--device--ref")
    device.file(commit("d"), "f", b"f")
    os.makedirs(device.path / "refs")
    os.symlink("/dev/zero", device.path / "refs" / "main")
    folder = RepoTree(tmp_path, "models--folder--ref")
    folder.file(commit("d"), "f", b"f")
    folder.ref("main", commit("d"))
    os.symlink(".", folder.path / "refs" / "loop")  # a link to a folder: skipped, not followed
    info = scan_cache_dir(tmp_path)
    assert [r.repo_path.name for r in info.repos] == ["models--folder--ref"]
    assert messages(info) == [
        f"Cannot read ref: {tmp_path.resolve() / 'models--device--ref' / 'refs' / 'main'} (not a regular file)."
    ]


def test_undecodable_ref_content_matches_nothing(tmp_path: Path) -> None:
    repo = RepoTree(tmp_path, "models--bad--ref")
    repo.file(commit("x"), "f", b"f")
    repo.ref("main", b"\xff\xfe")
    (warning,) = scan_cache_dir(tmp_path).warnings
    assert str(warning).startswith("Reference(s) refer to missing commit hashes: {'\\udcff\\udcfe': {'main'}}")


def test_unreadable_folders(tmp_path: Path) -> None:
    """Folders without permission: skipped inside snapshots and refs (like pathlib's glob), reported otherwise."""
    repo = RepoTree(tmp_path, "models--locked--inside")
    repo.file(commit("a"), "visible.txt", b"v")
    repo.file(commit("a"), "locked/hidden.txt", b"h")
    repo.ref("main", commit("a"))
    locked_snapshots = RepoTree(tmp_path, "models--locked--snapshots")
    locked_snapshots.file(commit("b"), "f", b"f")
    locked_blobs = RepoTree(tmp_path, "models--locked--blobs")
    locked_blobs.file(commit("c"), "f", b"f")
    for path in (
        repo.path / "snapshots" / commit("a") / "locked",
        locked_snapshots.path / "snapshots",
        locked_blobs.path / "blobs",
    ):
        path.chmod(0)
    try:
        result = _scan_without_privileges(tmp_path)
    finally:
        for path in tmp_path.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
    repos, warnings = result
    assert repos == {"models--locked--inside": (1, ["visible.txt"])}
    root = tmp_path.resolve()
    assert sorted(warnings) == sorted(
        [
            f"Cannot read snapshots folder: {root / 'models--locked--snapshots' / 'snapshots'} (Permission denied).",
            f"Blob missing (broken symlink): {root / 'models--locked--blobs' / 'blobs' / _sha256(b'f')}",
        ]
    )


def _scan_without_privileges(cache: Path) -> tuple[dict[str, tuple[int, list[str]]], list[str]]:
    """Scan as an unprivileged user: root ignores permissions, so a forked child drops to `nobody` first."""
    import json

    def scan() -> tuple[dict[str, tuple[int, list[str]]], list[str]]:
        info = scan_cache_dir(cache)
        repos = {
            r.repo_path.name: (r.nb_files, sorted(f.file_name for v in r.revisions for f in v.files))
            for r in info.repos
        }
        return repos, messages(info)

    if os.geteuid() != 0:
        return scan()
    for parent in [cache, *cache.parents]:
        if parent.stat().st_mode & 0o005 != 0o005:
            parent.chmod(parent.stat().st_mode | 0o005)  # let `nobody` reach the cache (test folders only)
            if parent == Path("/tmp") or len(parent.parts) <= 2:
                break
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: no pytest machinery from here on, only os._exit
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            os.write(write_end, json.dumps(scan()).encode())
        except BaseException as error:  # noqa: BLE001
            os.write(write_end, json.dumps({"error": repr(error)}).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        payload = json.loads(pipe.read())
    os.waitpid(pid, 0)
    if isinstance(payload, dict):
        pytest.fail(f"scan as nobody failed: {payload['error']}")
    repos, warnings = payload
    return {name: (count, files) for name, (count, files) in repos.items()}, warnings


def test_folders_vanishing_during_scans_never_crash(tmp_path: Path) -> None:
    for i in range(30):
        RepoTree(tmp_path, f"models--stable--r{i}").file(commit(f"s{i}"), "f", b"s")
    stop = threading.Event()

    def churn() -> None:
        import shutil

        n = 0
        while not stop.is_set():
            tree = RepoTree(tmp_path, f"models--churn--r{n % 5}")
            for k in range(5):
                tree.file(commit(f"c{n}-{k}"), f"sub/f{k}", f"{n}-{k}".encode())
            tree.ref("main", commit(f"c{n}-0"))
            shutil.rmtree(tree.path, ignore_errors=True)
            n += 1

    worker = threading.Thread(target=churn)
    worker.start()
    try:
        for _ in range(40):
            info = scan_cache_dir(tmp_path)
            assert {f"models--stable--r{i}" for i in range(30)} <= {r.repo_path.name for r in info.repos}
            assert all(isinstance(w, CorruptedCacheException) for w in info.warnings)
    finally:
        stop.set()
        worker.join()


# --- the data model -----------------------------------------------------------------------------------------


def test_dataclasses_keep_upstream_fields_and_order() -> None:
    assert [f.name for f in dataclasses.fields(CachedFileInfo)] == [
        "file_name",
        "file_path",
        "blob_path",
        "size_on_disk",
        "blob_last_accessed",
        "blob_last_modified",
    ]
    assert [f.name for f in dataclasses.fields(CachedRevisionInfo)] == [
        "commit_hash",
        "snapshot_path",
        "size_on_disk",
        "files",
        "refs",
        "last_modified",
    ]
    assert [f.name for f in dataclasses.fields(CachedRepoInfo)] == [
        "repo_id",
        "repo_type",
        "repo_path",
        "size_on_disk",
        "nb_files",
        "revisions",
        "last_accessed",
        "last_modified",
    ]
    assert [f.name for f in dataclasses.fields(HFCacheInfo)] == [
        "size_on_disk",
        "repos",
        "incomplete_files",
        "warnings",
    ]


def test_revision_files_are_built_on_demand_and_behave_like_a_frozenset(valid: tuple[Path, HFCacheInfo]) -> None:
    _, info = valid
    main = revision(by_id(info)["models--org--model"], "main")
    assert type(main.__dict__["files"]) is _LazyFiles
    assert main.nb_files == 3 and type(main.__dict__["files"]) is _LazyFiles  # counted without building
    files = main.files
    assert isinstance(files, frozenset) and len(files) == 3 and main.files is files
    with pytest.raises(dataclasses.FrozenInstanceError):
        main.files = frozenset()  # type: ignore[misc]

    clone = pickle.loads(pickle.dumps(main))
    assert clone == main and hash(clone) == hash(main) and clone.files == files
    other = revision(by_id(info)["models--org--model"], "old")
    fresh = copy.deepcopy(other)
    assert fresh == other and fresh.files == other.files
    replaced = dataclasses.replace(main, refs=frozenset())
    assert replaced.files == files and replaced != main
    assert "CachedFileInfo(file_name=" in repr(main)


def test_equal_scans_give_equal_objects(tmp_path: Path) -> None:
    build_valid_cache(tmp_path / "hub")
    first, second = scan_cache_dir(tmp_path / "hub"), scan_cache_dir(tmp_path / "hub")
    assert first.repos == second.repos
    assert {hash(repo) for repo in first.repos} == {hash(repo) for repo in second.repos}


def test_format_size_and_timesince() -> None:
    assert [_format_size(n) for n in (0, 9, 999, 1000, 1_234_567, 10**24, 12 * 10**25)] == [
        "0.0",
        "9.0",
        "999.0",
        "1.0K",
        "1.2M",
        "1.0Y",
        "120.0Y",
    ]
    import time

    now = time.time()
    assert format_timesince(now - 5) == "a few seconds ago"
    assert format_timesince(now - 45) == "45 seconds ago"
    assert format_timesince(now - 90) == "2 minutes ago"
    assert format_timesince(now - 3600) == "60 minutes ago"  # a unit's limit is inclusive
    assert format_timesince(now - 2 * 3600) == "2 hours ago"
    assert format_timesince(now - 3 * DAY) == "3 days ago"
    assert format_timesince(now - 7 * DAY) == "1 week ago"
    assert format_timesince(now - 60 * DAY) == "2 months ago"
    assert format_timesince(now - 400 * DAY) == "1 year ago"


def test_parse_size_and_duration() -> None:
    assert [parse_size(v) for v in ("10", "1k", "2KB", "3m", "1G", "5tb", "1p")] == [
        10,
        1000,
        2000,
        3_000_000,
        10**9,
        5 * 10**12,
        10**15,
    ]
    assert [parse_duration(v) for v in ("30", "30s", "2m", "1h", "7d", "1w", "2mo", "1y")] == [
        30,
        30,
        120,
        3600,
        7 * DAY,
        7 * DAY,
        60 * DAY,
        365 * DAY,
    ]
    for bad, message in (("", "Value cannot be empty."), ("1.5G", "Invalid value"), ("3x", "Unknown unit 'x'")):
        with pytest.raises(ValueError, match=message):
            parse_size(bad)


def test_export_as_table(valid: tuple[Path, HFCacheInfo]) -> None:
    cache, info = valid
    lines = info.export_as_table().splitlines()
    assert lines[0].split() == (
        "REPO ID REPO TYPE SIZE ON DISK NB FILES LAST_ACCESSED LAST_MODIFIED REFS LOCAL PATH".split()
    )
    assert len(lines) == 2 + len(info.repos)
    data_row = next(line for line in lines if line.startswith("org/data "))
    assert "dataset" in data_row and "12.3K" in data_row and "1 year ago" in data_row
    assert data_row.rstrip().endswith(str(cache.resolve() / "datasets--org--data"))
    verbose = info.export_as_table(verbosity=1).splitlines()
    assert verbose[0].split()[:6] == ["REPO", "ID", "REPO", "TYPE", "REVISION", "SIZE"]
    assert len(verbose) == 2 + sum(len(repo.revisions) for repo in info.repos)
