"""Bridge to the Rust transfer engine: run a batch of downloads, drive the progress bars, map errors.

`run_downloads` hands the jobs to `_rust.download_files`, which works with the GIL released and
reports progress about ten times a second; bars are updated from those reports. Failures come
back as plain data and are turned here into the exceptions users expect: an HTTP failure goes
through `hf_raise_for_status` (same classes as any other request), a stall becomes a
`TimeoutError`, a network failure a `requests.ConnectionError`, a local failure an `OSError`.
"""

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict

from . import _rust, constants
from .errors import HfHubHTTPError

# Engine settings: module attributes read at each call, so tests and applications may change them;
# HF_HUB_DOWNLOAD_CONNECTIONS sets the first one when this module is imported.
DOWNLOAD_CONNECTIONS = int(os.environ.get("HF_HUB_DOWNLOAD_CONNECTIONS", "8") or 8)
# Each ranged worker holds one chunk in memory until it is hashed in order: 8 connections of 4 MiB
# chunks keep a 2 GiB download under 100 MB of RSS and were as fast as larger chunks on loopback.
DOWNLOAD_CHUNK_SIZE = 4 * 1024 * 1024
PARALLEL_DOWNLOAD_THRESHOLD = 64 * 1024 * 1024
# Files at least this large are written with O_DIRECT (past the page cache) where the filesystem
# allows it; HF_HUB_RS_DIRECT_IO=0 turns that off.
DIRECT_IO_THRESHOLD = 32 * 1024 * 1024
MAX_CONCURRENT_FILES = 16
RETRY_BASE_WAIT = 1.0
RETRY_MAX_WAIT = 8.0
MAX_RETRIES = 5


@dataclass
class DownloadJob:
    """One file for the engine: fetched from `url` into `partial`, verified, renamed to `destination`."""

    url: str
    headers: dict[str, str]
    destination: str
    partial: str
    lock: str | None
    expected_size: int | None
    sha256: str | None
    replace: bool


@dataclass
class DownloadResult:
    """`status` is "downloaded", "present" (another process finished it first) or "skipped" (not run)."""

    status: str
    fetched: int = 0
    size: int = 0


class DownloadTimeoutError(requests.exceptions.ReadTimeout, TimeoutError):
    """A connection delivered no data for the configured time, and retries did not help."""


ProgressCallback = Callable[[list[tuple[int, int]], int], None]


def run_downloads(
    jobs: Sequence[DownloadJob],
    *,
    progress: ProgressCallback | None = None,
    max_files: int | None = None,
) -> tuple[list[DownloadResult], BaseException | None]:
    """Download `jobs`; returns one result per job and the first failure (None if all succeeded).

    After a failure, jobs not yet started are skipped (their result says so) and partial files are
    kept for the next attempt, except after wrong content or a full disk.
    """
    if not jobs:
        return [], None
    specs = [
        (
            job.url,
            list(job.headers.items()),
            job.destination,
            job.partial,
            job.lock,
            job.expected_size,
            job.sha256,
            job.replace,
        )
        for job in jobs
    ]
    raw = _rust.download_files(
        specs,
        connections=DOWNLOAD_CONNECTIONS,
        chunk_size=DOWNLOAD_CHUNK_SIZE,
        parallel_threshold=PARALLEL_DOWNLOAD_THRESHOLD,
        max_files=max_files or MAX_CONCURRENT_FILES,
        stall_timeout=float(constants.HF_HUB_DOWNLOAD_TIMEOUT),
        connect_timeout=float(constants.HF_HUB_DOWNLOAD_TIMEOUT),
        max_retries=MAX_RETRIES,
        base_wait=RETRY_BASE_WAIT,
        max_wait=RETRY_MAX_WAIT,
        direct_io=direct_io_enabled(),
        direct_threshold=DIRECT_IO_THRESHOLD,
        progress=progress,
    )
    results: list[DownloadResult] = []
    first_error: BaseException | None = None
    for item in raw:
        if item is None:
            results.append(DownloadResult("skipped"))
        elif isinstance(item, tuple):
            status, fetched, size = item
            results.append(DownloadResult(status, fetched, size))
        else:
            results.append(DownloadResult("failed"))
            if first_error is None:
                first_error = _to_exception(item)
    return results, first_error


def direct_io_enabled() -> bool:
    """Whether large downloads bypass the page cache: on unless ``HF_HUB_RS_DIRECT_IO`` is a false value."""
    value = os.environ.get("HF_HUB_RS_DIRECT_IO", "").strip().upper()
    return value not in {"0", "OFF", "NO", "FALSE"}


def _to_exception(error: dict[str, Any], method: str = "GET") -> BaseException:
    """The exception for an error dict of the Rust engine (downloads and uploads alike; `method` of the request)."""
    kind = error["kind"]
    message = error["message"]
    if kind == "http":
        return _http_error(error, method)
    if kind == "timeout":
        return DownloadTimeoutError(message)
    if kind == "network":
        return requests.exceptions.ConnectionError(message)
    if kind == "io":
        if error.get("errno") is not None:
            return OSError(error["errno"], error["strerror"], error["path"])
        return OSError(message)
    if kind in ("size", "checksum"):
        return OSError(message)
    if kind == "cancelled":
        return KeyboardInterrupt(message)
    return ValueError(message)


def _http_error(error: dict[str, Any], method: str = "GET") -> BaseException:
    """Rebuild the failed response as a `requests.Response` and classify it like any other."""
    response = requests.Response()
    response.status_code = error["status"]
    response.headers = CaseInsensitiveDict(error["headers"])
    response._content = error["body"]
    response.url = error["url"]
    response.reason = ""
    response.encoding = "utf-8"
    request = requests.Request(method, error["url"]).prepare()
    response.request = request
    try:
        from .utils._http import hf_raise_for_status  # looked up at call time, like everywhere else

        hf_raise_for_status(response)
    except HfHubHTTPError as mapped:
        return mapped
    return HfHubHTTPError(f"Unexpected HTTP {response.status_code} for url {response.url}", response=response)
