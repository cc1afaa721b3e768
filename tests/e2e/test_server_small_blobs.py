"""The local Hub keeps small blobs (up to 64 KiB) in its database, written by the commit that brings them, and bigger
ones as files. Downloads are byte-exact wherever a blob lives (whole, ranged, HEAD), a commit killed half-way leaves
none of its blobs behind, and data directories written before small blobs moved into the database are still served.
"""

import hashlib
import sqlite3
import sys
import time
from pathlib import Path

import pytest
import requests

from huggingface_hub import CommitOperationAdd, HfApi
from huggingface_hub.local_hub import LocalHub
from tests.e2e._hub_checks import (
    RawRequest,
    auth,
    blob_path,
    commit_body,
    corrupt_blobs,
    database_problems,
    head,
    small_blobs,
    stored_blob,
)
from tests.e2e._seed import commit, create_repo, random_bytes

REPO = "alice/small"
INLINE_MAX = 64 * 1024


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_download(endpoint: str, path: str, content: bytes, session: requests.Session) -> None:
    """Whole, HEAD and ranged downloads of `path` at main give exactly `content`."""
    url = f"{endpoint}/{REPO}/resolve/main/{path}"
    whole = session.get(url, timeout=60)
    assert (whole.status_code, whole.content) == (200, content), path
    headed = session.head(url, timeout=60, allow_redirects=True)
    assert headed.status_code == 200
    assert int(headed.headers["content-length"]) == len(content)
    size = len(content)
    if size == 0:
        empty_range = session.get(url, headers={"range": "bytes=0-"}, timeout=60)
        assert empty_range.status_code == 416
        return
    specs = [(0, 0), (size // 3, size // 2), (max(0, size - 10), size - 1), (size - 1, size - 1)]
    ranges = [(f"bytes={a}-{b}", a, b) for a, b in specs]
    ranges.append(("bytes=-10", max(0, size - 10), size - 1))
    ranges.append((f"bytes={size - 1}-{size + 100}", size - 1, size - 1))  # clipped to the end
    for spec, start, end in ranges:
        part = session.get(url, headers={"range": spec}, timeout=60)
        assert part.status_code == 206, (path, spec)
        assert part.content == content[start : end + 1], (path, spec)
        assert part.headers["content-range"] == f"bytes {start}-{end}/{size}", (path, spec)
    beyond = session.get(url, headers={"range": f"bytes={size}-"}, timeout=60)
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"


def test_small_regular_files_round_trip_from_the_database(local_hub: LocalHub, alice_token: str) -> None:
    files = {
        "a.txt": b"hello small world\n",
        "empty.txt": b"",
        "exactly-64k.txt": random_bytes(INLINE_MAX, seed=1),
        "dir/binary.dat": bytes(range(256)) * 40,
    }
    create_repo(local_hub.endpoint, alice_token, REPO)
    commit(local_hub.endpoint, alice_token, REPO, files=files)

    stored = {sha for sha, _, _ in small_blobs(local_hub.data_dir)}
    for content in files.values():
        assert _sha(content) in stored
        assert not blob_path(local_hub.data_dir, _sha(content)).exists()  # no file per small blob
    session = requests.Session()
    for path, content in files.items():
        _check_download(local_hub.endpoint, path, content, session)
    # The metadata endpoints agree with the content.
    info = HfApi(endpoint=local_hub.endpoint, token=alice_token).get_paths_info(REPO, list(files))
    assert {i.path: i.size for i in info} == {p: len(c) for p, c in files.items()}
    assert corrupt_blobs(local_hub.data_dir) == []


def test_mixed_commit_keeps_big_blobs_as_files(local_hub: LocalHub, alice_token: str) -> None:
    small = {f"small/{i}.txt": random_bytes(4096 + i, seed=i) for i in range(30)}
    big = {f"big/{i}.txt": random_bytes(INLINE_MAX + 1 + i * 50_000, seed=100 + i) for i in range(4)}
    lfs = {"model.bin": random_bytes(300_000, seed=7), "tiny.bin": b"tiny lfs object"}
    create_repo(local_hub.endpoint, alice_token, REPO)
    commit(local_hub.endpoint, alice_token, REPO, files={**small, **big}, lfs=lfs)

    inline = {sha for sha, _, _ in small_blobs(local_hub.data_dir)}
    for content in [*small.values(), lfs["tiny.bin"]]:  # a small LFS object (basic PUT) goes inline too
        assert _sha(content) in inline
        assert not blob_path(local_hub.data_dir, _sha(content)).exists()
    for content in [*big.values(), lfs["model.bin"]]:
        assert _sha(content) not in inline
        assert blob_path(local_hub.data_dir, _sha(content)).read_bytes() == content
    assert list((local_hub.data_dir / "tmp").iterdir()) == []
    session = requests.Session()
    for path, content in {**small, **big, **lfs}.items():
        _check_download(local_hub.endpoint, path, content, session)
    assert corrupt_blobs(local_hub.data_dir) == []


def test_card_gitattributes_and_diffs_read_small_blobs(local_hub: LocalHub, alice_token: str) -> None:
    """Readers other than downloads (card metadata, LFS rules of preupload, pull request diffs) find small blobs."""
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    create_repo(local_hub.endpoint, alice_token, REPO)
    readme = b"---\nlicense: mit\ntags:\n- small-blobs\n---\n# Card\n"
    commit(local_hub.endpoint, alice_token, REPO, files={"README.md": readme, ".gitattributes": b"*.txt filter=lfs\n"})
    info = api.model_info(REPO)
    assert info.card_data is not None and info.card_data["license"] == "mit"
    assert "small-blobs" in (info.tags or [])
    answer = requests.post(
        f"{local_hub.endpoint}/api/models/{REPO}/preupload/main",
        json={"files": [{"path": "x.txt", "size": 3, "sample": "eHl6"}]},
        headers=auth(alice_token),
        timeout=60,
    )
    assert answer.json()["files"][0]["uploadMode"] == "lfs"
    pr = api.create_commit(
        REPO,
        operations=[CommitOperationAdd(path_in_repo="notes.md", path_or_fileobj=b"line one\nline two\n")],
        commit_message="pr",
        create_pr=True,
    )
    details = api.get_discussion_details(REPO, pr.pr_num)
    assert "+line two" in (details.diff or "")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize(("sent_fraction", "delay"), [(0.5, 0.0), (1.0, 0.0), (1.0, 0.05), (1.0, 0.2)])
def test_kill_during_a_commit_of_small_files_leaves_no_trace(
    tmp_path: Path, sent_fraction: float, delay: float
) -> None:
    data_dir = tmp_path / "hub"
    token = "hf_small_blobs_crash_token"
    files = {f"d{i % 10}/f{i}.txt": random_bytes(4096, seed=1000 + i) for i in range(1500)}
    files["big.txt"] = random_bytes(200_000, seed=5)
    body = commit_body(files, summary="many small files")
    url = f"/api/models/{REPO}/commit/main"

    def start() -> LocalHub:
        hub = LocalHub(data_dir, subprocess=True)
        hub.create_user("alice", token=token)
        return hub.start()

    hub = start()
    try:
        create_repo(hub.endpoint, token, REPO)
        old_head = commit(hub.endpoint, token, REPO, files={"keep.txt": b"kept"}, summary="before")
        before = {sha for sha, _, _ in small_blobs(data_dir)}
        request = RawRequest(
            hub.endpoint + url, "POST", {**auth(token), "content-type": "application/x-ndjson"}, len(body)
        )
        try:
            request.send(body[: int(len(body) * sent_fraction)])
        except OSError:
            pass
        time.sleep(delay)
        hub.kill()
        status = request.status()
    finally:
        hub.stop()
    assert status in (None, 200)

    with start() as hub:
        assert database_problems(data_dir) == []
        assert corrupt_blobs(data_dir) == []
        landed = head(hub.endpoint, token, REPO) != old_head
        if status == 200 or sent_fraction < 1:
            assert landed == (status == 200)
        inline = {sha for sha, _, _ in small_blobs(data_dir)}
        wanted = {_sha(c) for c in files.values() if len(c) <= INLINE_MAX}
        # The commit's small blobs are all there with it, or none of them (no orphan, nothing partial).
        assert inline - before == (wanted if landed else set())

        retry = requests.post(
            hub.endpoint + url,
            data=body,
            headers={**auth(token), "content-type": "application/x-ndjson"},
            timeout=300,
        )
        assert retry.status_code == 200, retry.text
        session = requests.Session()
        for path in ["keep.txt", "big.txt", "d0/f0.txt", "d9/f1499.txt", "d3/f733.txt"]:
            response = session.get(f"{hub.endpoint}/{REPO}/resolve/main/{path}", timeout=60)
            assert (response.status_code, response.content) == (200, {**files, "keep.txt": b"kept"}[path]), path
        assert {_sha(c) for c in files.values() if len(c) <= INLINE_MAX} <= {
            sha for sha, _, _ in small_blobs(data_dir)
        }
        assert corrupt_blobs(data_dir) == []


def _make_old_data_dir(data_dir: Path) -> None:
    """Turn a data directory into what a server from before small blobs left: every blob a file, and a database at
    schema version 6 (Spaces runtime) without the `small_blobs` table of version 7 (nor what later versions add)."""
    conn = sqlite3.connect(data_dir / "hub.sqlite")
    try:
        for sha, _, data in conn.execute("SELECT sha256, size, data FROM small_blobs").fetchall():
            path = blob_path(data_dir, sha)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(bytes(data))
        for table in ("small_blobs", "xet_files", "xet_xorbs", "space_apps", "space_hot_reloads"):  # versions 7 to 9
            conn.execute(f"DROP TABLE {table}")
        conn.execute("PRAGMA user_version = 6")
        conn.commit()
    finally:
        conn.close()


def test_old_data_dir_with_file_blobs_is_still_served(tmp_path: Path) -> None:
    data_dir = tmp_path / "hub"
    readme = b"---\nlicense: apache-2.0\n---\n# Old card\n"
    files = {"README.md": readme, "old.txt": b"written before the migration", "bytes.dat": random_bytes(5000, seed=9)}
    with LocalHub(data_dir, subprocess=True) as hub:
        token = hub.create_user("alice")
        create_repo(hub.endpoint, token, REPO)
        commit(hub.endpoint, token, REPO, files=files)
    _make_old_data_dir(data_dir)
    assert blob_path(data_dir, _sha(files["old.txt"])).read_bytes() == files["old.txt"]  # now a file

    with LocalHub(data_dir, subprocess=True) as hub:
        hub.create_user("alice", token=token)
        assert small_blobs(data_dir) == []  # the migration made the table, moved nothing
        assert stored_blob(data_dir, _sha(files["old.txt"])) == files["old.txt"]
        session = requests.Session()
        for path, content in files.items():
            _check_download(hub.endpoint, path, content, session)
        assert HfApi(endpoint=hub.endpoint, token=token).model_info(REPO).card_data["license"] == "apache-2.0"
        # A new commit with the same content and new content: both readable, the new one from the database.
        commit(hub.endpoint, token, REPO, files={"old-again.txt": files["old.txt"], "new.txt": b"after"})
        for path, content in {"old-again.txt": files["old.txt"], "new.txt": b"after"}.items():
            _check_download(hub.endpoint, path, content, session)
        assert _sha(b"after") in {sha for sha, _, _ in small_blobs(data_dir)}
        assert corrupt_blobs(data_dir) == []
