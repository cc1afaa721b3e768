"""SHA-256 and git SHA-1 helpers, computed by the Rust core with the GIL released."""

import io
import os
from collections.abc import Iterable
from typing import BinaryIO

from .. import _rust
from .insecure_hashlib import sha1, sha256  # noqa: F401  (upstream exposes these here too)

_DEFAULT_CHUNK_SIZE = 1024 * 1024


def _real_file_position(fileobj: BinaryIO) -> tuple[int, int] | None:
    """The OS descriptor and logical position of ``fileobj`` if Rust can read it directly.

    Only plain files opened in binary mode qualify: their bytes on disk are exactly what
    ``read()`` would return. Anything else (sockets, pipes, wrappers, in-memory buffers) is
    read through its own ``read()``.
    """
    if not isinstance(fileobj, (io.BufferedReader, io.BufferedRandom, io.FileIO)) or not hasattr(_rust, "sha256_fd"):
        return None
    try:
        fd = fileobj.fileno()
        if not fileobj.seekable():
            return None
        position = fileobj.tell()
        mode = os.fstat(fd).st_mode
    except (OSError, ValueError):
        return None
    import stat

    if not stat.S_ISREG(mode):
        return None
    return fd, position


def sha_fileobj(fileobj: BinaryIO, chunk_size: int | None = None) -> bytes:
    """SHA-256 digest (raw bytes) of what remains to be read from ``fileobj``.

    Like upstream, the file object is consumed to its end. Real files are hashed directly from
    their descriptor by the Rust core; other file-like objects are read in ``chunk_size`` pieces
    (1 MiB by default) and hashed in constant memory.
    """
    direct = _real_file_position(fileobj)
    if direct is not None:
        fd, position = direct
        digest = _rust.sha256_fd(fd, position)
        fileobj.seek(0, os.SEEK_END)
        return digest

    chunk_size = chunk_size if chunk_size is not None else _DEFAULT_CHUNK_SIZE
    hasher = _rust.Sha256()
    while True:
        chunk = fileobj.read(chunk_size)
        if not chunk:
            break
        hasher.update(bytes(chunk))
    return hasher.digest()


def git_hash(data: bytes) -> str:
    """Git blob SHA-1 of ``data`` as a hex string, equal to ``git hash-object`` on a file with that content."""
    return _rust.git_sha1(bytes(data)).hex()


def sha256_file(path: str | os.PathLike) -> bytes:
    """SHA-256 digest (raw bytes) of the file at ``path``, read in constant memory."""
    return _rust.hash_file(path, "sha256")


def git_hash_file(path: str | os.PathLike) -> str:
    """Git blob SHA-1 (hex) of the file at ``path``, read in constant memory."""
    return _rust.hash_file(path, "git-sha1").hex()


def sha256_files(paths: Iterable[str | os.PathLike], max_workers: int | None = None) -> list[bytes]:
    """SHA-256 digests of many files, hashed in parallel across cores, in the order given."""
    return _rust.hash_files(list(paths), "sha256", max_workers or 0)
