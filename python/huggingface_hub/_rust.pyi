"""Type stubs of the Rust extension module ``huggingface_hub._rust`` (built from rust/hfh-python)."""

from os import PathLike

__version__: str
READ_BUFFER_SIZE: int

def sha256(data: bytes) -> bytes:
    """SHA-256 digest of ``data`` (the GIL is released for large inputs)."""

def git_sha1(data: bytes) -> bytes:
    """Git blob SHA-1 digest of ``data``, as ``git hash-object`` computes it."""

def hash_file(path: str | PathLike[str], algorithm: str = "sha256") -> bytes:
    """Digest of a file read in constant memory; ``algorithm`` is ``"sha256"`` or ``"git-sha1"``."""

def hash_files(paths: list[str | PathLike[str]], algorithm: str = "sha256", workers: int = 0) -> list[bytes]:
    """Digests of many files hashed in parallel (``workers=0``: one thread per core), in input order."""

def sha256_fd(fd: int, offset: int) -> bytes:
    """SHA-256 of the file behind ``fd`` from ``offset`` to its end, without moving its position (POSIX only)."""

class Sha256:
    """Incremental SHA-256 with the ``hashlib`` interface."""

    name: str
    digest_size: int
    block_size: int

    def __init__(self, data: bytes | None = None) -> None: ...
    def update(self, data: bytes) -> None: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...
    def copy(self) -> Sha256: ...
