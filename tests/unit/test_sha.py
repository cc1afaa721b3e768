"""SHA-256 and git SHA-1 computed by the Rust core agree with hashlib and git, for every input shape."""

import hashlib
import io
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from huggingface_hub import _rust
from huggingface_hub.utils import git_hash, sha_fileobj
from huggingface_hub.utils.sha import git_hash_file, sha256_file, sha256_files

BUFFER = _rust.READ_BUFFER_SIZE
SIZES = [0, 1, 2, 63, 64, 65, 4095, 4096, BUFFER - 1, BUFFER, BUFFER + 1, 2 * BUFFER + 17, 5 * BUFFER - 3]


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@pytest.fixture(scope="module")
def random_data() -> dict[int, bytes]:
    rng = __import__("random").Random(1234)
    return {size: rng.randbytes(size) for size in SIZES}


@pytest.mark.parametrize("size", SIZES)
def test_bytes_match_hashlib(random_data, size):
    data = random_data[size]
    assert _rust.sha256(data) == hashlib.sha256(data).digest()
    assert git_hash(data) == git_blob_sha1(data)


@pytest.mark.parametrize("size", SIZES)
def test_files_and_file_objects_match_hashlib(tmp_path, random_data, size):
    data = random_data[size]
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    expected = hashlib.sha256(data).digest()

    assert sha256_file(path) == expected
    assert git_hash_file(path) == git_blob_sha1(data)
    with open(path, "rb") as real_file:  # hashed straight from the descriptor
        assert sha_fileobj(real_file) == expected
    assert sha_fileobj(io.BytesIO(data)) == expected  # hashed through read()
    assert sha_fileobj(io.BytesIO(data), chunk_size=7) == expected


def test_sha_fileobj_starts_at_current_position_and_consumes_the_file(tmp_path):
    data = os.urandom(3 * BUFFER)
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    with open(path, "rb") as f:
        f.read(1000)  # the buffered reader has read ahead; tell() is still 1000
        assert sha_fileobj(f) == hashlib.sha256(data[1000:]).digest()
        assert f.read() == b""
    with open(path, "r+b") as f:  # BufferedRandom takes the direct path too
        f.seek(5)
        assert sha_fileobj(f) == hashlib.sha256(data[5:]).digest()


def test_sha_fileobj_on_pipe_and_text_wrapper_falls_back_to_read(tmp_path):
    data = os.urandom(BUFFER + 3)
    read_fd, write_fd = os.pipe()
    writer = subprocess.Popen(
        [sys.executable, "-c", f"import os,sys; os.write({write_fd}, sys.stdin.buffer.read())"],
        stdin=subprocess.PIPE,
        pass_fds=(write_fd,),
    )
    os.close(write_fd)
    writer.stdin.write(data)
    writer.stdin.close()
    with open(read_fd, "rb") as pipe:
        assert sha_fileobj(pipe) == hashlib.sha256(data).digest()
    writer.wait()


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_hash_equals_git_hash_object(tmp_path):
    path = tmp_path / "file.txt"
    path.write_bytes(b"Hello, World!")
    out = subprocess.run(["git", "hash-object", str(path)], capture_output=True, text=True, check=True).stdout
    assert git_hash(b"Hello, World!") == out.strip() == "b45ef6fec89518d314f546fd6c3025367b721684"
    assert git_hash_file(path) == out.strip()


def test_many_files_in_parallel_keep_order(tmp_path, random_data):
    paths = []
    for i, size in enumerate(SIZES * 3):
        path = tmp_path / f"f{i}"
        path.write_bytes(random_data[size])
        paths.append(path)
    digests = sha256_files(paths)
    assert digests == [hashlib.sha256(p.read_bytes()).digest() for p in paths]
    assert _rust.hash_files([str(p) for p in paths], "git-sha1", 2) == [
        bytes.fromhex(git_blob_sha1(p.read_bytes())) for p in paths
    ]
    assert sha256_files([]) == []


def test_missing_and_unreadable_files_raise_os_errors_naming_the_file(tmp_path):
    missing = tmp_path / "missing.bin"
    with pytest.raises(FileNotFoundError) as info:
        sha256_file(missing)
    assert info.value.filename == str(missing)

    with pytest.raises(IsADirectoryError):
        sha256_file(tmp_path)

    present = tmp_path / "present.bin"
    present.write_bytes(b"x")
    with pytest.raises(FileNotFoundError):
        sha256_files([present, missing])

    if os.geteuid() != 0:  # root reads everything
        locked = tmp_path / "locked.bin"
        locked.write_bytes(b"x")
        locked.chmod(0)
        with pytest.raises(PermissionError):
            sha256_file(locked)


def test_unknown_algorithm_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="unknown algorithm"):
        _rust.hash_file(tmp_path, "md5")


def test_incremental_hasher_has_the_hashlib_interface():
    hasher = _rust.Sha256(b"ab")
    copy = hasher.copy()
    hasher.update(b"c")
    assert hasher.hexdigest() == hashlib.sha256(b"abc").hexdigest()
    assert copy.digest() == hashlib.sha256(b"ab").digest()
    assert (hasher.name, hasher.digest_size, hasher.block_size) == ("sha256", 32, 64)


class GeneratedStream(io.RawIOBase):
    """A read-only stream of ``total`` pseudo-random bytes produced on the fly, never held in memory."""

    def __init__(self, total: int):
        self.remaining = total
        self.block = bytearray(os.urandom(BUFFER))
        self.counter = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.remaining)
        if n == 0:
            return 0
        # Vary every block so that a hasher which skipped or repeated data would be caught.
        self.counter += 1
        self.block[:8] = self.counter.to_bytes(8, "little")
        buffer[:n] = self.block[:n]
        self.remaining -= n
        return n


class Tee(io.RawIOBase):
    """Feeds everything read from ``source`` into a hashlib hasher too, as the reference."""

    def __init__(self, source: io.RawIOBase):
        self.source = source
        self.reference = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.source.readinto(buffer)
        self.reference.update(memoryview(buffer)[:n])
        return n


def test_multi_gib_stream_is_hashed_in_constant_memory():
    total = 5 * 1024**3 // 2  # 2.5 GiB
    rss_before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tee = Tee(GeneratedStream(total))
    digest = sha_fileobj(io.BufferedReader(tee, buffer_size=BUFFER))
    assert digest == tee.reference.digest()
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before_kib) / 1024
    assert grown_mib < 64, f"peak memory grew by {grown_mib:.0f} MiB while hashing a 2.5 GiB stream"


def test_multi_gib_file_is_hashed_in_constant_memory(tmp_path):
    # A sparse 3 GiB file: real size on disk is tiny, but every byte is read and hashed.
    path = tmp_path / "sparse.bin"
    with open(path, "wb") as f:
        f.truncate(3 * 1024**3)
        f.seek(3 * 1024**3 - 5)
        f.write(b"tail!")
    reference = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(8 * BUFFER):
            reference.update(chunk)
    rss_before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert sha256_file(path) == reference.digest()
    with open(path, "rb") as f:
        assert sha_fileobj(f) == reference.digest()
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before_kib) / 1024
    assert grown_mib < 64


def test_ctrl_c_interrupts_a_long_hash(tmp_path):
    path = tmp_path / "huge-sparse.bin"
    with open(path, "wb") as f:
        f.truncate(200 * 1024**3)  # far more than can be hashed before the signal arrives
    script = textwrap.dedent(
        f"""
        import sys
        from huggingface_hub.utils.sha import sha256_file
        try:
            print("started", flush=True)
            sha256_file({str(path)!r})
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(3)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "started"
    time.sleep(0.5)  # let the call enter Rust, where only the signal polling can stop it
    proc.send_signal(signal.SIGINT)
    # Hashing 200 GiB takes minutes here: finishing within the guard proves the interruption.
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 3
    assert "interrupted" in out
