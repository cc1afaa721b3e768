"""The transfer engine under faults: cut connections, stalls, wrong bytes, kills, concurrency, a full disk."""

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from huggingface_hub import _transfer, file_download
from huggingface_hub.file_download import HfFileMetadata, hf_hub_download
from tests.e2e._faulty_server import FaultyServer
from tests.e2e._seed import random_bytes

PAYLOAD = random_bytes(3 * 1024 * 1024 + 17, seed=7)
SHA = hashlib.sha256(PAYLOAD).hexdigest()
COMMIT = "c" * 40


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_transfer, "RETRY_BASE_WAIT", 0.05)
    monkeypatch.setattr(_transfer, "RETRY_MAX_WAIT", 0.1)


def _point_metadata_at(monkeypatch: pytest.MonkeyPatch, url: str, etag: str = SHA, size: int = len(PAYLOAD)) -> None:
    """Make `hf_hub_download` take its metadata from us and its bytes from `url`."""

    def fake_metadata(**kwargs: object) -> HfFileMetadata:
        return HfFileMetadata(commit_hash=COMMIT, etag=etag, location=url, size=size, xet_file_data=None)

    monkeypatch.setattr(file_download, "get_hf_file_metadata", fake_metadata)


def _blobs(cache: Path) -> list[str]:
    folder = cache / "models--org--repo" / "blobs"
    return sorted(os.listdir(folder)) if folder.exists() else []


def test_connection_dropped_mid_file_is_resumed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FaultyServer(PAYLOAD, mode="drop_once", cut_at=1024 * 1024) as server:
        _point_metadata_at(monkeypatch, server.url)
        path = hf_hub_download("org/repo", "model.bin", cache_dir=tmp_path, endpoint="http://unused.invalid")
        assert Path(path).read_bytes() == PAYLOAD
        assert server.state.requests == 2
        assert server.state.ranges[1] == f"bytes={1024 * 1024}-"  # resumed, not restarted
    assert _blobs(tmp_path) == [SHA]


@pytest.mark.timeout(120)  # the stalled response never ends: without stall detection this test hangs
def test_stalled_connection_is_dropped_and_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_download.constants, "HF_HUB_DOWNLOAD_TIMEOUT", 1)
    with FaultyServer(PAYLOAD, mode="stall_once", cut_at=4096) as server:
        _point_metadata_at(monkeypatch, server.url)
        path = hf_hub_download("org/repo", "model.bin", cache_dir=tmp_path, endpoint="http://unused.invalid")
        assert Path(path).read_bytes() == PAYLOAD
        assert server.state.requests == 2


def test_wrong_bytes_raise_and_leave_nothing_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FaultyServer(PAYLOAD, mode="wrong_bytes") as server:
        _point_metadata_at(monkeypatch, server.url)
        with pytest.raises(OSError, match="Consistency check failed"):
            hf_hub_download("org/repo", "model.bin", cache_dir=tmp_path, endpoint="http://unused.invalid")
    assert _blobs(tmp_path) == []  # no blob, no partial file
    snapshot = tmp_path / "models--org--repo" / "snapshots" / COMMIT / "model.bin"
    assert not snapshot.exists()


def test_ranged_download_uses_several_connections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_transfer, "PARALLEL_DOWNLOAD_THRESHOLD", 1024 * 1024)
    monkeypatch.setattr(_transfer, "DOWNLOAD_CHUNK_SIZE", 1024 * 1024)
    with FaultyServer(PAYLOAD) as server:
        _point_metadata_at(monkeypatch, server.url)
        path = hf_hub_download("org/repo", "model.bin", cache_dir=tmp_path, endpoint="http://unused.invalid")
        assert Path(path).read_bytes() == PAYLOAD
        assert server.state.requests == 4  # four 1 MiB chunks
        assert all(r is not None and r.startswith("bytes=") for r in server.state.ranges)


def test_ranged_download_detects_wrong_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_transfer, "PARALLEL_DOWNLOAD_THRESHOLD", 1024 * 1024)
    monkeypatch.setattr(_transfer, "DOWNLOAD_CHUNK_SIZE", 1024 * 1024)
    with FaultyServer(PAYLOAD, mode="wrong_bytes") as server:
        _point_metadata_at(monkeypatch, server.url)
        with pytest.raises(OSError, match="Consistency check failed"):
            hf_hub_download("org/repo", "model.bin", cache_dir=tmp_path, endpoint="http://unused.invalid")
    assert _blobs(tmp_path) == []


def test_authorization_not_sent_to_another_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FaultyServer(PAYLOAD) as server:
        _point_metadata_at(monkeypatch, server.url)
        hf_hub_download("org/repo", "model.bin", cache_dir=tmp_path, endpoint="http://hub.invalid", token="hf_secret")
        assert server.state.authorization == [None]


def test_server_path_outside_the_cache_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FaultyServer(PAYLOAD) as server:
        _point_metadata_at(monkeypatch, server.url)
        with pytest.raises(ValueError, match=r"\.\."):
            hf_hub_download("org/repo", "../../escape.bin", cache_dir=tmp_path, endpoint="http://unused.invalid")
        _point_metadata_at(monkeypatch, server.url, etag="../../../evil")
        with pytest.raises(ValueError):
            hf_hub_download("org/repo", "model.bin", cache_dir=tmp_path, endpoint="http://unused.invalid")
        assert server.state.requests == 0
    assert not (tmp_path.parent / "evil").exists()


_CHILD = textwrap.dedent(
    """
    import sys
    from huggingface_hub import file_download
    from huggingface_hub.file_download import HfFileMetadata, hf_hub_download
    url, size, sha, cache = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    file_download.get_hf_file_metadata = lambda **kw: HfFileMetadata(
        commit_hash="c" * 40, etag=sha, location=url, size=size, xet_file_data=None)
    print(hf_hub_download("org/repo", "model.bin", cache_dir=cache, endpoint="http://unused.invalid"))
    """
)


def _child(url: str, cache: Path) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, url, str(len(PAYLOAD)), SHA, str(cache)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip


def test_killed_download_resumes(tmp_path: Path) -> None:
    with FaultyServer(PAYLOAD, mode="slow", delay=0.02) as server:
        child = _child(server.url, tmp_path)
        deadline = time.monotonic() + 30
        while server.state.served < len(PAYLOAD) // 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait()
        served_first = server.state.served
        assert served_first < len(PAYLOAD)
        partials = [name for name in _blobs(tmp_path) if name.endswith(".incomplete")]
        assert partials == [f"{SHA}.incomplete"]

        server.state.mode = "ok"
        child = _child(server.url, tmp_path)
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        assert Path(out.strip()).read_bytes() == PAYLOAD
        second = server.state.served - served_first
        assert second < len(PAYLOAD) * 0.75  # only the rest was transferred
        assert server.state.ranges[-1] is not None
    assert _blobs(tmp_path) == [SHA]


def test_eight_processes_download_the_same_file(tmp_path: Path) -> None:
    with FaultyServer(PAYLOAD, mode="slow", delay=0.001) as server:
        children = [_child(server.url, tmp_path) for _ in range(8)]
        outputs = [child.communicate(timeout=120) for child in children]
        assert all(child.returncode == 0 for child in children), [err for _, err in outputs]
        paths = {out.strip() for out, _ in outputs}
        assert len(paths) == 1
        assert Path(paths.pop()).read_bytes() == PAYLOAD
        assert server.state.served < 2 * len(PAYLOAD)  # one download, the others waited for it
    assert _blobs(tmp_path) == [SHA]


_FULL_DISK_CHILD = textwrap.dedent(
    """
    import resource, signal, sys
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024 * 1024, 1024 * 1024))  # writes past 1 MiB fail (EFBIG)
    from huggingface_hub import file_download
    from huggingface_hub.file_download import HfFileMetadata, hf_hub_download
    url, size, sha, cache = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    file_download.get_hf_file_metadata = lambda **kw: HfFileMetadata(
        commit_hash="c" * 40, etag=sha, location=url, size=size, xet_file_data=None)
    try:
        hf_hub_download("org/repo", "model.bin", cache_dir=cache, endpoint="http://unused.invalid")
    except OSError as e:
        print(type(e).__name__, e.errno)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_full_disk_raises_oserror_and_leaves_no_partial_blob(tmp_path: Path) -> None:
    with FaultyServer(PAYLOAD) as server:
        env = {**os.environ, "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
        proc = subprocess.run(
            [sys.executable, "-c", _FULL_DISK_CHILD, server.url, str(len(PAYLOAD)), SHA, str(tmp_path)],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
    assert proc.stdout.strip() == "OSError 27", proc.stderr
    assert _blobs(tmp_path) == []
