"""Type stubs of the Rust extension module ``huggingface_hub._rust`` (built from rust/hfh-python)."""

from os import PathLike
from pathlib import Path

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

class LocalHubServer:
    """A local Hub server (``hfh-server``) serving on a background thread of this process."""

    @property
    def endpoint(self) -> str:
        """``http://host:port``, with the port actually bound."""

    @property
    def data_dir(self) -> Path:
        """The server's data directory."""

    @property
    def running(self) -> bool:
        """True until `stop` (or a fatal server error)."""

    def stop(self, timeout: float = 10.0) -> None:
        """Stop accepting, let in-flight requests finish (cut off after ``timeout`` seconds), close the database.

        Idempotent; the GIL is released while waiting."""

def start_local_hub(
    data_dir: str | PathLike[str],
    host: str = "127.0.0.1",
    port: int = 0,
    users: list[str] = ...,
    orgs: list[str] = ...,
    max_body_bytes: int | None = None,
) -> LocalHubServer:
    """Open (or create) ``data_dir``, create ``users`` (``NAME[:TOKEN[:read|write]]``) and ``orgs``
    (``NAME:MEMBER[,MEMBER...]``), bind ``host:port`` (0: a free port) and serve in the background.

    Raises ``ValueError`` for a malformed spec, ``OSError`` if the directory or the port cannot be used."""

def provision_local_hub(data_dir: str | PathLike[str], users: list[str] = ..., orgs: list[str] = ...) -> None:
    """Create users, tokens and organisations in a server's data directory (running or not)."""
