"""upload_large_folder's scheduling without a Hub: which job a worker takes next, commit batch sizes, the report."""

import hashlib
import io
import logging
import time
from pathlib import Path

import pytest

from huggingface_hub import _upload_large_folder as ulf
from huggingface_hub._local_folder_upload import LocalUploadFileMetadata, get_local_upload_paths
from huggingface_hub._upload_large_folder import LargeUploadStatus, WorkerJob, _next_job


def _items(tmp_path: Path, states: list[dict], size: int = 10) -> list[ulf.JOB_ITEM_T]:
    items = []
    for i, state in enumerate(states):
        (tmp_path / f"f{i}").write_bytes(b"x" * size)
        items.append((get_local_upload_paths(tmp_path, f"f{i}"), LocalUploadFileMetadata(size=size, **state)))
    return items


HASHED = {"sha256": "ab" * 32}
REGULAR = {**HASHED, "upload_mode": "regular", "should_ignore": False}
LFS = {**HASHED, "upload_mode": "lfs", "should_ignore": False}
UPLOADED = {**LFS, "is_uploaded": True}
DONE = {**REGULAR, "is_committed": True}


def test_initial_queues_follow_the_saved_state(tmp_path: Path) -> None:
    status = LargeUploadStatus(_items(tmp_path, [{}, HASHED, LFS, UPLOADED, REGULAR, DONE]))
    assert [len(q) for q in (status.queue_sha256, status.queue_get_upload_mode)] == [1, 1]
    assert [len(q) for q in (status.queue_preupload_lfs, status.queue_commit)] == [1, 2]


def test_priorities(tmp_path: Path) -> None:
    status = LargeUploadStatus(_items(tmp_path, [{}] * 3 + [HASHED] * 2 + [LFS] * 2 + [REGULAR] * 2))
    # Nobody busy: an LFS upload first, then hashing, then asking the Hub: one worker on each.
    assert _next_job(status)[0] is WorkerJob.PREUPLOAD_LFS
    job, batch = _next_job(status)
    assert job is WorkerJob.SHA256 and len(batch) == 3  # small files: hashed together
    job, batch = _next_job(status)
    assert job is WorkerJob.GET_UPLOAD_MODE and len(batch) == 2
    # Then more of the same, LFS uploads first.
    assert _next_job(status)[0] is WorkerJob.PREUPLOAD_LFS
    # Two files ready to commit, others in flight, no commit attempt yet: wait.
    assert _next_job(status) == (WorkerJob.WAIT, [])
    # Once every other worker is done, the last commit goes.
    status.nb_workers_sha256 = status.nb_workers_get_upload_mode = status.nb_workers_preupload_lfs = 0
    job, batch = _next_job(status)
    assert job is WorkerJob.COMMIT and len(batch) == 2
    # Only one committer.
    status.queue_commit.extend(batch)
    assert _next_job(status) == (WorkerJob.WAIT, [])


def test_commit_when_enough_files_or_time(tmp_path: Path) -> None:
    status = LargeUploadStatus(_items(tmp_path, [REGULAR] * 150 + [{}]))
    job, batch = _next_job(status)  # 150 ready: commit before hashing
    assert job is WorkerJob.COMMIT and len(batch) == 50  # the first batch size
    status.nb_workers_commit = 0
    status.nb_workers_sha256 = 1
    status.queue_sha256.clear()
    status.last_commit_attempt = time.time() - 61  # over a minute ago, nothing else to take
    assert _next_job(status)[0] is WorkerJob.COMMIT


def test_done_when_everything_is_committed_or_ignored(tmp_path: Path) -> None:
    status = LargeUploadStatus(_items(tmp_path, [DONE]))
    (tmp_path / "sub").mkdir()
    status.items += _items(tmp_path / "sub", [{**REGULAR, "should_ignore": True}])  # dropped after preupload
    assert _next_job(status) == (None, [])
    assert status.is_done()


def test_commit_batch_scale() -> None:
    status = LargeUploadStatus([])
    assert status.target_chunk() == 50
    status.update_chunk(True, 50, duration=10)
    assert status.target_chunk() == 75
    status.update_chunk(True, 75, duration=41)  # slow: stays
    status.update_chunk(True, 10, duration=1)  # not a full batch: stays
    assert status.target_chunk() == 75
    for _ in range(3):
        status.update_chunk(False, 75, duration=1)
    assert status.target_chunk() == 20  # bounded
    for _ in range(20):
        status.update_chunk(True, 1000, duration=1)
    assert status.target_chunk() == 1000


def test_hash_batches_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    status = LargeUploadStatus(_items(tmp_path, [{}] * 100))
    assert len(ulf._pop_hash_batch(status.queue_sha256)) == 64
    monkeypatch.setattr(ulf, "_HASH_BATCH_BYTES", 25)
    assert len(ulf._pop_hash_batch(status.queue_sha256)) == 2  # 10 + 10 bytes, a third would exceed 25
    monkeypatch.setattr(ulf, "_HASH_BATCH_BYTES", 1)
    assert len(ulf._pop_hash_batch(status.queue_sha256)) == 1  # always at least one


def test_report(tmp_path: Path) -> None:
    status = LargeUploadStatus(_items(tmp_path, [{}, LFS, UPLOADED, DONE, {**REGULAR, "should_ignore": True}], 1500))
    lines = status.current_report().split("\n")
    assert lines[0] == ""
    assert lines[1].startswith("---------- ") and lines[1].endswith(" (0:00:00) ----------")
    assert lines[2:] == [
        "Files:   hashed 3/4 (4.5K/6.0K) | pre-uploaded: 1/2 (1.5K/6.0K) (+1 unsure) | committed: 1/4 (1.5K/6.0K)"
        " | ignored: 1",
        "Workers: hashing: 0 | get upload mode: 0 | pre-uploading: 0 | committing: 0 | waiting: 0",
        "-" * 51,
    ]


def test_report_overwrites_the_previous_one(monkeypatch: pytest.MonkeyPatch) -> None:
    stdout = io.StringIO()
    monkeypatch.setattr("sys.stdout", stdout)
    monkeypatch.setattr("shutil.get_terminal_size", lambda: type("Size", (), {"columns": 20})())
    ulf._print_overwrite("\nab\n" + "c" * 25)
    # 1 + 1 + 2 terminal lines (25 characters wrap) to go up over, then the report.
    assert stdout.getvalue() == "\r\033[K\033[F" * 4 + "\nab\n" + "c" * 25 + "\n"
    stdout.truncate(0)
    stdout.seek(0)
    ulf._print_overwrite("\nab\n" + "c" * 15)
    # Then as many spaces as the last line is shorter than the terminal (where upstream puts them: after it).
    assert stdout.getvalue() == "\r\033[K\033[F" * 3 + "\nab\n" + "c" * 15 + "\n" + " " * 5


def test_limits_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(ulf, "MAX_FILES_PER_REPO", 3)
    monkeypatch.setattr(ulf, "MAX_FILES_PER_FOLDER", 2)
    (tmp_path / "a" / "b").mkdir(parents=True)
    names = ["x", "y", "a/1", "a/b/2"]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    with caplog.at_level(logging.WARNING, logger="huggingface_hub"):
        ulf._validate_upload_limits([get_local_upload_paths(tmp_path, name) for name in names])
    messages = [record.getMessage() for record in caplog.records]
    assert any(
        m.startswith("You are about to upload 4 files. This exceeds the recommended limit of 3") for m in messages
    )
    assert any(m.startswith("Folder 'root' contains 3 entries (2 files and 1 subdirectories).") for m in messages)
    assert not any("Folder 'a'" in m for m in messages)  # 1 file + 1 sub-folder: within 2


def test_a_file_that_cannot_be_hashed_does_not_hold_back_the_others(tmp_path: Path) -> None:
    items = _items(tmp_path, [{}] * 3)
    items[1][0].file_path.unlink()
    with pytest.raises(OSError):
        ulf._compute_sha256(items)
    assert [metadata.sha256 is not None for _, metadata in items] == [True, False, True]
    assert items[0][0].metadata_path.read_text().split("\n")[3] == hashlib.sha256(b"x" * 10).hexdigest()


def test_a_vanished_file_does_not_hold_back_the_upload_modes_of_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = _items(tmp_path, [HASHED] * 3)
    items[0][0].file_path.unlink()
    asked: list[str] = []

    def fetch(additions, **kwargs):  # type: ignore[no-untyped-def]  # the Hub's answer: all regular
        for addition in additions:
            asked.append(addition.path_in_repo)
            addition._upload_mode, addition._should_ignore, addition._remote_oid = "regular", False, None

    monkeypatch.setattr(ulf, "_fetch_upload_modes", fetch)
    api = type("Api", (), {"endpoint": "http://hub", "_build_hf_headers": lambda self: {}})()
    with pytest.raises(FileNotFoundError):
        ulf._get_upload_mode(items, api, "alice/x", "model", "main")  # type: ignore[arg-type]
    assert asked == ["f1", "f2"]
    assert [metadata.upload_mode for _, metadata in items] == [None, "regular", "regular"]
