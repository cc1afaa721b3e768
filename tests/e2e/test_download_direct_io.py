"""Large downloads written past the page cache (O_DIRECT), and the fallbacks around it.

The thresholds are lowered so that a few MiB take the paths a multi-GiB file takes: ranged or
single-stream, direct or buffered, on a filesystem that accepts O_DIRECT (the test's tmp_path) and on
tmpfs (/dev/shm), which refuses it and must get ordinary writes.
"""

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from huggingface_hub import _transfer, hf_hub_download
from huggingface_hub.local_hub import LocalHub
from tests.e2e._seed import commit, create_repo, random_bytes

# Off any block boundary, so the unaligned tail is exercised.
DATA = random_bytes(5 * 1024 * 1024 + 4097, seed=11)
SHA = hashlib.sha256(DATA).hexdigest()


@pytest.fixture
def repo(local_hub: LocalHub, alice_token: str) -> dict:
    create_repo(local_hub.endpoint, alice_token, "alice/direct")
    commit(local_hub.endpoint, alice_token, "alice/direct", lfs={"model.bin": DATA})
    return {"endpoint": local_hub.endpoint, "token": alice_token}


@pytest.fixture
def shm_dir() -> Iterator[Path]:
    if not Path("/dev/shm").is_dir() or not os.access("/dev/shm", os.W_OK):
        pytest.skip("no /dev/shm here")
    with tempfile.TemporaryDirectory(dir="/dev/shm") as folder:
        yield Path(folder)


def _tune(monkeypatch: pytest.MonkeyPatch, ranged: bool) -> None:
    monkeypatch.setattr(_transfer, "DIRECT_IO_THRESHOLD", 1024 * 1024)
    monkeypatch.setattr(_transfer, "DOWNLOAD_CHUNK_SIZE", 1024 * 1024)
    monkeypatch.setattr(_transfer, "PARALLEL_DOWNLOAD_THRESHOLD", 1024 * 1024 if ranged else 1 << 40)


def _download(repo: dict, cache: Path) -> Path:
    path = hf_hub_download(
        "alice/direct", "model.bin", cache_dir=cache, endpoint=repo["endpoint"], token=repo["token"]
    )
    return Path(path)


def _blob_names(cache: Path) -> list[str]:
    return sorted(os.listdir(cache / "models--alice--direct" / "blobs"))


@pytest.mark.parametrize("ranged", [True, False], ids=["ranged", "single"])
def test_direct_download_into_a_disk_cache(
    repo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ranged: bool
) -> None:
    _tune(monkeypatch, ranged)
    path = _download(repo, tmp_path / "cache")
    assert path.read_bytes() == DATA
    assert _blob_names(tmp_path / "cache") == [SHA]  # no partial file or chunk table left


@pytest.mark.parametrize("ranged", [True, False], ids=["ranged", "single"])
def test_tmpfs_cache_falls_back_to_buffered_writes(
    repo: dict, shm_dir: Path, monkeypatch: pytest.MonkeyPatch, ranged: bool
) -> None:
    _tune(monkeypatch, ranged)
    path = _download(repo, shm_dir / "cache")
    assert path.read_bytes() == DATA
    assert _blob_names(shm_dir / "cache") == [SHA]


def test_opt_out_variable(repo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tune(monkeypatch, ranged=True)
    for value, expected in [("0", False), ("off", False), ("FALSE", False), ("1", True), ("", True)]:
        monkeypatch.setenv("HF_HUB_RS_DIRECT_IO", value)
        assert _transfer.direct_io_enabled() is expected
    monkeypatch.setenv("HF_HUB_RS_DIRECT_IO", "0")
    assert _download(repo, tmp_path / "cache").read_bytes() == DATA


_CHILD = """
import sys
from huggingface_hub import _transfer, file_download
from huggingface_hub.file_download import HfFileMetadata, hf_hub_download
_transfer.DIRECT_IO_THRESHOLD = _transfer.PARALLEL_DOWNLOAD_THRESHOLD = _transfer.DOWNLOAD_CHUNK_SIZE = 1024 * 1024
_transfer.DOWNLOAD_CONNECTIONS = 2  # chunks complete one after the other, so a kill finds some on disk
url, size, sha, cache = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
file_download.get_hf_file_metadata = lambda **kw: HfFileMetadata(
    commit_hash="c" * 40, etag=sha, location=url, size=size, xet_file_data=None)
print(hf_hub_download("org/repo", "model.bin", cache_dir=cache, endpoint="http://unused.invalid"))
"""


def test_killed_direct_download_resumes_with_buffered_writes(tmp_path: Path) -> None:
    """A ranged download written with O_DIRECT is killed; the next call (direct I/O off) finishes it."""
    import signal
    import subprocess
    import sys
    import time

    from tests.e2e._faulty_server import FaultyServer

    def child(url: str, direct: str) -> subprocess.Popen:
        env = {**os.environ, "HF_HUB_DISABLE_PROGRESS_BARS": "1", "HF_HUB_RS_DIRECT_IO": direct}
        argv = [sys.executable, "-c", _CHILD, url, str(len(DATA)), SHA, str(tmp_path)]
        return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)

    with FaultyServer(DATA, mode="slow", delay=0.02) as server:
        first = child(server.url, "1")
        deadline = time.monotonic() + 60
        while server.state.served < len(DATA) * 0.6 and time.monotonic() < deadline:
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait()
        served_first = server.state.served
        blobs = tmp_path / "models--org--repo" / "blobs"
        assert sorted(os.listdir(blobs)) == [f"{SHA}.incomplete", f"{SHA}.incomplete.state"]

        server.state.mode = "ok"
        second = child(server.url, "0")
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
        assert Path(out.strip()).read_bytes() == DATA
        assert server.state.served - served_first < len(DATA) * 0.75  # only the rest was fetched again
    assert sorted(os.listdir(blobs)) == [SHA]
