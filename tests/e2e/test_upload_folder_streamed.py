"""upload_folder reads a listed folder chunk by chunk: the first preupload questions leave while the next files are
read, small contents are kept within one budget shared by all chunks, and every file is read before any commit."""

import threading
from pathlib import Path

import pytest

from huggingface_hub import HfApi, _upload_pipeline
from huggingface_hub._commit_api import CommitOperationAdd
from tests.e2e._repo_reads import commits, read, tree
from tests.e2e._seed import create_repo

REPO = "alice/streamed"


@pytest.fixture
def api(local_hub, alice_token) -> HfApi:
    create_repo(local_hub.endpoint, alice_token, REPO)
    return HfApi(endpoint=local_hub.endpoint, token=alice_token)


def _folder(root: Path, count: int, size: int = 10) -> dict[str, bytes]:
    files = {f"d{i % 3}/f{i:03d}.txt": (f"{i:03d}".encode() * size)[:size] for i in range(count)}
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return files


def test_first_question_leaves_before_the_last_files_are_read(
    api: HfApi, local_hub, alice_token, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_upload_pipeline, "UPLOAD_BATCH_MAX_NUM_FILES", 4)
    files = _folder(tmp_path / "f", 14)  # chunks of 4, 4, 4, 2
    events: list[str] = []
    asked = threading.Event()
    original_read = CommitOperationAdd._from_listed_files.__func__  # type: ignore[attr-defined]
    original_ask = _upload_pipeline._UploadPipeline._fetch_upload_modes

    def reading(cls, listed, **options):
        if len(events) >= 3:  # the last chunk waits for the first question (it never comes if asked only at the end)
            asked.wait(timeout=30)
        events.append(f"read {len(listed)}")
        return original_read(cls, listed, **options)

    def asking(self, chunk):
        events.append(f"ask {len(chunk)}")
        asked.set()
        return original_ask(self, chunk)

    monkeypatch.setattr(CommitOperationAdd, "_from_listed_files", classmethod(reading))
    monkeypatch.setattr(_upload_pipeline._UploadPipeline, "_fetch_upload_modes", asking)
    api.upload_folder(folder_path=tmp_path / "f", repo_id=REPO)

    reads = [event for event in events if event.startswith("read")]
    assert reads == ["read 4", "read 4", "read 4", "read 2"]
    assert events.index("ask 4") < events.index("read 2")
    remote = tree(local_hub.endpoint, alice_token, REPO)
    assert all(name in remote for name in files)


def test_content_budget_is_shared_by_the_chunks(
    api: HfApi, local_hub, alice_token, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Room for 5 whole files of 100 bytes: the first 5 are kept with their sample, the others read again at commit.
    monkeypatch.setattr(_upload_pipeline, "UPLOAD_BATCH_MAX_NUM_FILES", 3)
    monkeypatch.setattr(_upload_pipeline, "LISTED_CONTENT_BUDGET", 500)
    files = _folder(tmp_path / "f", 11, size=100)
    kept: list[bool] = []
    original_read = CommitOperationAdd._from_listed_files.__func__  # type: ignore[attr-defined]

    def reading(cls, listed, **options):
        chunk = original_read(cls, listed, **options)
        kept.extend(op.upload_info._content is not None for op in chunk)
        return chunk

    monkeypatch.setattr(CommitOperationAdd, "_from_listed_files", classmethod(reading))
    api.upload_folder(folder_path=tmp_path / "f", repo_id=REPO)
    assert kept == [True] * 5 + [False] * 6
    for name, content in files.items():
        assert read(local_hub.endpoint, alice_token, REPO, name) == content


def test_a_file_failing_to_read_stops_the_upload_before_any_commit(
    api: HfApi, local_hub, alice_token, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_upload_pipeline, "UPLOAD_BATCH_MAX_NUM_FILES", 2)
    _folder(tmp_path / "f", 9)
    original_read = CommitOperationAdd._from_listed_files.__func__  # type: ignore[attr-defined]
    calls = []

    def reading(cls, listed, **options):
        calls.append(len(listed))
        if len(calls) == 4:
            raise PermissionError(13, "Permission denied", listed[0][1])
        return original_read(cls, listed, **options)

    monkeypatch.setattr(CommitOperationAdd, "_from_listed_files", classmethod(reading))
    before = commits(local_hub.endpoint, alice_token, REPO)
    with pytest.raises(PermissionError):
        api.upload_folder(folder_path=tmp_path / "f", repo_id=REPO)
    assert commits(local_hub.endpoint, alice_token, REPO) == before


def test_missing_repository_fails_with_its_error(api: HfApi, tmp_path: Path) -> None:
    from huggingface_hub.errors import RepositoryNotFoundError

    _folder(tmp_path / "f", 600)
    with pytest.raises(RepositoryNotFoundError):
        api.upload_folder(folder_path=tmp_path / "f", repo_id="alice/does-not-exist")
