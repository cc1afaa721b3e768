"""The local Hub survives SIGKILL: during an LFS upload and during a commit, the server process is killed, then
restarted on the same data directory. The database must pass SQLite's checks, the branch must show either the old
or the new head (never part of a commit), the blob store must hold only complete blobs, and the client's retry must
succeed with the right content.

Kill points are chosen by how much of the request body the server has received and by a short pause after the last
byte; where the kill lands in the server's work varies from run to run, so every outcome that is allowed is checked
rather than one expected.
"""

import hashlib
import os
import sys
import time
from pathlib import Path

import pytest
import requests

from huggingface_hub.local_hub import LocalHub
from tests.e2e._hub_checks import (
    RawRequest,
    auth,
    blob_path,
    commit_body,
    corrupt_blobs,
    database_problems,
    head,
    lfs_batch_upload,
)
from tests.e2e._seed import commit, create_repo, random_bytes, upload_lfs

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")

REPO = "alice/crash"
TOKEN = "hf_crash_test_token"


def _start(data_dir: Path) -> LocalHub:
    hub = LocalHub(data_dir, subprocess=True)
    hub.create_user("alice", token=TOKEN)  # idempotent across restarts: the same token keeps working
    return hub.start()


def _send_then_kill(hub: LocalHub, request: RawRequest, body: bytes, sent_fraction: float, delay: float) -> int | None:
    """Sends the first `sent_fraction` of `body`, waits `delay` seconds, kills the server; returns the status the
    client saw (None when the server died before answering)."""
    try:
        request.send(body[: int(len(body) * sent_fraction)])
    except OSError:  # the server refused the body early: it answered, read the status below
        pass
    time.sleep(delay)
    hub.kill()
    return request.status()


def _check_storage(data_dir: Path) -> None:
    assert database_problems(data_dir) == []
    assert corrupt_blobs(data_dir) == []


@pytest.mark.parametrize(("sent_fraction", "delay"), [(0.3, 0.0), (1.0, 0.0), (1.0, 0.05), (1.0, 0.5)])
def test_kill_during_lfs_upload(tmp_path: Path, sent_fraction: float, delay: float) -> None:
    data_dir = tmp_path / "hub"
    content = random_bytes(24 * 1024 * 1024, seed=7)
    oid, size = hashlib.sha256(content).hexdigest(), len(content)

    hub = _start(data_dir)
    try:
        create_repo(hub.endpoint, TOKEN, REPO)
        href = lfs_batch_upload(hub.endpoint, TOKEN, REPO, oid, size)["actions"]["upload"]["href"]
        put = RawRequest(href, "PUT", {"content-type": "application/octet-stream"}, size)
        status = _send_then_kill(hub, put, content, sent_fraction, delay)
    finally:
        hub.stop()
    assert status in (None, 200)

    with _start(data_dir) as hub:
        _check_storage(data_dir)
        stored = blob_path(data_dir, oid).is_file()
        if status == 200 or sent_fraction < 1:
            assert stored == (status == 200)
        # The batch API agrees with the disk: an object is offered for upload again unless it is complete.
        assert ("actions" in lfs_batch_upload(hub.endpoint, TOKEN, REPO, oid, size)) != stored

        # The client's retry: upload (or skip) the object, commit it, download it through the redirect.
        assert upload_lfs(hub.endpoint, TOKEN, REPO, content) == (oid, size)
        commit(hub.endpoint, TOKEN, REPO, lfs={"model.bin": content})
        downloaded = requests.get(f"{hub.endpoint}/{REPO}/resolve/main/model.bin", timeout=60)
        assert downloaded.status_code == 200
        assert hashlib.sha256(downloaded.content).hexdigest() == oid
        _check_storage(data_dir)


@pytest.mark.parametrize(("sent_fraction", "delay"), [(0.5, 0.0), (1.0, 0.0), (1.0, 0.1), (1.0, 0.25), (1.0, 1.0)])
def test_kill_during_commit(tmp_path: Path, sent_fraction: float, delay: float) -> None:
    data_dir = tmp_path / "hub"
    # Enough inline content that the server is busy for a while (decoding, writing and fsyncing 40 blobs).
    files = {f"weights/part-{i:02d}.bin": random_bytes(256 * 1024, seed=i) for i in range(40)}
    body = commit_body(files, summary="big commit")
    url_path = f"/api/models/{REPO}/commit/main"

    hub = _start(data_dir)
    try:
        create_repo(hub.endpoint, TOKEN, REPO)
        old_head = commit(hub.endpoint, TOKEN, REPO, files={"keep.txt": b"kept"}, summary="before")
        request = RawRequest(
            hub.endpoint + url_path, "POST", {**auth(TOKEN), "content-type": "application/x-ndjson"}, len(body)
        )
        status = _send_then_kill(hub, request, body, sent_fraction, delay)
    finally:
        hub.stop()
    assert status in (None, 200)

    with _start(data_dir) as hub:
        _check_storage(data_dir)
        history = requests.get(f"{hub.endpoint}/api/models/{REPO}/commits/main", timeout=60).json()
        landed = head(hub.endpoint, TOKEN, REPO) != old_head
        if landed:  # the whole commit, on top of the old head
            assert [c["title"] for c in history[:3]] == ["big commit", "before", "initial commit"]
            assert history[1]["id"] == old_head
        else:
            assert [c["id"] for c in history[:1]] == [old_head]
            assert len(history) == 2
        if status == 200 or sent_fraction < 1:
            assert landed == (status == 200)
        # Either all of the commit's files are there, or none.
        paths_info = requests.post(
            f"{hub.endpoint}/api/models/{REPO}/paths-info/main", data={"paths": list(files)}, timeout=60
        )
        assert len(paths_info.json()) == (len(files) if landed else 0)

        # The client's retry succeeds, and every file has its content.
        retry = requests.post(
            hub.endpoint + url_path,
            data=body,
            headers={**auth(TOKEN), "content-type": "application/x-ndjson"},
            timeout=120,
        )
        assert retry.status_code == 200, retry.text
        session = requests.Session()
        for path, content in {**files, "keep.txt": b"kept"}.items():
            response = session.get(f"{hub.endpoint}/{REPO}/resolve/main/{path}", timeout=60)
            assert (response.status_code, response.content) == (200, content), path
        _check_storage(data_dir)


def test_restart_removes_stale_temporary_files(tmp_path: Path) -> None:
    """An upload cut off by a crash leaves its partial file in DATA_DIR/tmp; the next start removes such files once
    they are old enough that no live upload (of another server on the same directory) can own them."""
    data_dir = tmp_path / "hub"
    content = random_bytes(8 * 1024 * 1024, seed=3)
    oid = hashlib.sha256(content).hexdigest()
    hub = _start(data_dir)
    try:
        create_repo(hub.endpoint, TOKEN, REPO)
        href = lfs_batch_upload(hub.endpoint, TOKEN, REPO, oid, len(content))["actions"]["upload"]["href"]
        put = RawRequest(href, "PUT", {}, len(content))
        assert _send_then_kill(hub, put, content, 0.5, 0.2) is None
    finally:
        hub.stop()
    leftovers = list((data_dir / "tmp").iterdir())
    assert len(leftovers) == 1  # the partial upload, never in the blob store
    assert not blob_path(data_dir, oid).exists()
    an_hour_ago = time.time() - 3600
    os.utime(leftovers[0], (an_hour_ago, an_hour_ago))
    recent = data_dir / "tmp" / "recent.tmp"
    recent.write_bytes(b"in use by another server")

    with _start(data_dir):
        assert sorted((data_dir / "tmp").iterdir()) == [recent]
