"""Type stubs of the Rust extension module ``huggingface_hub._rust`` (built from rust/hfh-python)."""

from collections.abc import Callable, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

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

def read_file_heads(
    paths: list[str | PathLike[str]], max_len: int = 512, whole_budget: int = 0, workers: int = 0
) -> list[tuple[int, bytes, bytes | None]]:
    """``(size, first max_len bytes, whole content or None)`` of many files, read in parallel with the GIL released,
    in input order; whole contents are kept while their sizes add up to at most ``whole_budget`` bytes."""

def commit_ndjson(lines: Sequence[bytes | tuple[str | bytes | PathLike[str], bytes]], workers: int = 0) -> bytes:
    """A commit's NDJSON body: ``bytes`` lines as given, ``(content or local path, JSON-encoded path in repo)`` as
    ``file`` lines with the base64 content (files read in parallel, GIL released); what ``json.dumps`` would write."""

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

def download_files(
    jobs: list[tuple[str, list[tuple[str, str]], str, str, str | None, int | None, str | None, bool]],
    *,
    connections: int = 8,
    chunk_size: int = ...,
    parallel_threshold: int = ...,
    max_files: int = 16,
    stall_timeout: float = 10.0,
    connect_timeout: float = 10.0,
    max_retries: int = 5,
    base_wait: float = 1.0,
    max_wait: float = 8.0,
    direct_io: bool = True,
    direct_threshold: int = ...,
    progress: Callable[[list[tuple[int, int]], int], object] | None = None,
) -> list[None | tuple[str, int, int] | dict[str, Any]]:
    """Download a batch of files with the GIL released (the transfer engine of ``hfh-core``).

    Each job is ``(url, headers, destination, partial, lock, expected_size, sha256_hex, replace)``:
    bytes go to the resumable ``partial`` file (under an ``flock`` of ``lock``), are verified (size,
    SHA-256 if given) and renamed to ``destination``; nothing is done when ``destination`` exists
    unless ``replace``. Files of at least ``direct_threshold`` bytes are written with ``O_DIRECT`` when
    ``direct_io`` and the filesystem allow it (ordinary writes otherwise). ``progress(changes, fetched)`` is called about ten times a second with
    ``(job_index, bytes_done)`` pairs. One result per job: ``None`` (not run: another job failed),
    ``("downloaded", fetched, size)``, ``("present", 0, 0)``, or an error dict with ``kind`` (http,
    network, timeout, io, size, checksum, invalid, cancelled), ``message`` and, for http, ``status``,
    ``url``, ``headers`` and ``body``."""

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
    follows: list[str] = ...,
) -> LocalHubServer:
    """Open (or create) ``data_dir``, create ``users`` (``NAME[:TOKEN[:read|write]]``) and ``orgs``
    (``NAME:MEMBER[,MEMBER...]``), bind ``host:port`` (0: a free port) and serve in the background.

    Raises ``ValueError`` for a malformed spec, ``OSError`` if the directory or the port cannot be used."""

def provision_local_hub(
    data_dir: str | PathLike[str], users: list[str] = ..., orgs: list[str] = ..., follows: list[str] = ...
) -> None:
    """Create users, tokens, organisations and follows (``FOLLOWER:TARGET``) in a server's data directory (running
    or not)."""

def set_local_hub_space_stage(data_dir: str | PathLike[str], repo_id: str, stage: str | None = None) -> None:
    """Set (or with ``None`` clear) the stage a local Hub reports for Space ``repo_id``. Raises ``ValueError`` for an
    unknown stage or Space."""

def attach_local_hub_space_app(
    data_dir: str | PathLike[str], repo_id: str, host: str | None = None, replicas: list[str] = ...
) -> None:
    """Declare (with ``host``) or withdraw (without) the app running Space ``repo_id``: its base URL and replica ids.
    Raises ``ValueError`` for a bad host, no or bad replica ids, or an unknown Space."""

class XetFileHash:
    """The Xet hash of a file's content (hex form, as the Hub shows ``xetHash``), with its size, chunk count and SHA-256."""

    hash: str
    size: int
    chunks: int
    sha256: str | None

def xet_hash_files(paths: list[str | PathLike[str]], *, sha256: bool = True, workers: int = 0) -> list[XetFileHash]:
    """Xet hashes (and SHA-256) of many files, computed in parallel with the GIL released, in input order."""

def xet_upload(
    items: list[tuple[str | PathLike[str] | bytes, str | None, tuple[int, int] | None]],
    *,
    refresh_url: str | None = None,
    refresh_headers: list[tuple[str, str]] = ...,
    token: tuple[str, str, int] | None = None,
    custom_headers: list[tuple[str, str]] = ...,
    max_retries: int = 5,
    base_wait: float = 0.5,
    max_wait: float = 8.0,
    connect_timeout: float = 10.0,
    request_timeout: float = 300.0,
    max_concurrent_xorbs: int = 4,
    compression: str = "auto",
    progress: Callable[[int, int, int, int], object] | None = None,
) -> dict[str, Any]:
    """Upload ``items`` ``(path or content, sha256 hex or None, (size, mtime_ns) when the sha256 was computed, or
    None)`` through a Xet CAS as one session (xorbs, then one shard), with the GIL released.

    ``token`` is the first ``(cas_url, access_token, exp)``; ``refresh_url`` (GET with ``refresh_headers``) gives the
    next ones when it expires within 30 s or the CAS refuses it. ``custom_headers`` go with every CAS request.
    ``progress(processed, total, sent, to_send)`` is called about ten times a second while counts move.
    Returns ``{"ok": True, "files": [(xet_hash, size, sha256)], "xorbs", "xorb_bytes", "shard_bytes",
    "new_bytes", "deduped_bytes", "shard_api"}`` or ``{"ok": False, "kind", "message", ...}`` with kind http
    (``status``, ``url``, ``headers``, ``body``), network, timeout, io (``path``, ``errno``, ``strerror``), changed
    (``path``: the file changed while it was read, or since its sha256 was computed), protocol, invalid or
    cancelled. Ctrl-C raises ``KeyboardInterrupt``."""

class CachedRepoFiles:
    """The files of one repo found by `scan_cache`, kept in Rust until asked for."""

    def revision(self, index: int) -> list[tuple[str, str, str, int, float, float]]:
        """``(file_name, file_path, blob_path, size, blob_atime, blob_mtime)`` for each file of revision ``index``."""

    def count(self, index: int) -> int:
        """Number of files of revision ``index``."""

def scan_cache(
    cache_dir: str | PathLike[str], workers: int = 0
) -> tuple[
    list[
        tuple[
            int,
            str,
            list[tuple[str, bytes]],
            list[tuple[str, str, int, float]],
            int,
            int,
            float,
            float,
            CachedRepoFiles,
        ]
    ],
    list[tuple[int, str, str, str | None, int | None, str | None]],
    list[tuple[str, int]],
]:
    """Scan the cache folder (absolute, resolved) with the GIL released, in parallel over its entries.

    Returns ``(repos, problems, incomplete)``: ``repos`` as ``(entry_index, repo_path, refs, revisions, size, nb_files,
    last_accessed, last_modified, files)`` with ``refs`` as ``(name, raw_bytes)`` and ``revisions`` as
    ``(name, path, size, last_modified)``; ``problems`` as ``(entry_index, kind, path, what, errno, message)``;
    ``incomplete`` as ``(path, size)``. ``entry_index`` gives the order in which the folder lists its entries."""

def upload_parts(
    path: str | PathLike[str],
    parts: list[tuple[str, int, int]],
    headers: list[tuple[str, str]] = [],
    *,
    max_workers: int = 8,
    max_retries: int = 5,
    base_wait: float = 1.0,
    max_wait: float = 8.0,
    connect_timeout: float = 10.0,
    stall_timeout: float = 30.0,
    progress: Callable[[int], object] | None = None,
) -> list[dict[str, Any]]:
    """PUT byte ranges of one file with the GIL released (the upload engine of ``hfh-core``).

    Each part ``(url, offset, length)`` is sent as ``PUT url`` with the file's bytes
    ``[offset, offset + length)`` streamed from disk, the given ``headers`` and ``Content-Length``
    (nothing else: pre-signed URLs need no ``Authorization``). Up to ``max_workers`` parts run at once
    over a keep-alive pool; connection errors, stalls (``stall_timeout`` seconds without sending or
    receiving), 408, 429 and 5xx are retried up to ``max_retries`` times per part with exponential
    backoff from ``base_wait`` to ``max_wait`` seconds (``Retry-After`` honoured), re-reading the range.
    ``progress(total_bytes_sent)`` is called about ten times a second (a retried attempt's bytes count
    once). Ctrl-C stops every part and raises ``KeyboardInterrupt``.

    One dict per part, in input order: ``{"ok": True, "status", "etag" (verbatim, or None), "headers"}``
    or an error ``{"ok": False, "kind", "message", ...}`` shaped like ``download_files``' errors, with
    ``kind`` one of http (+ ``status``, ``url``, ``headers``, ``body``), network, timeout (+ ``url``),
    io (+ ``path``, ``errno``, ``strerror``: also a file shorter than a range or whose size changed
    during the upload), invalid, cancelled, or skipped (not attempted because an earlier-started part
    failed; the failing part always comes first in input order)."""
