"""Git LFS for uploads: what the Hub needs to know about a blob, the batch API, and the transfer of one object.

A large file goes to the Hub in three steps: `post_lfs_batch_info` asks where to put each object (by sha256 and
size), `lfs_upload` sends the bytes to the pre-signed URLs it got back (one PUT, or several parts followed by a
completion request), then the optional verify call confirms the object is stored.

Bytes of files on disk are sent by the Rust transfer engine (`_rust.upload_parts`), which reads each part's
range straight from the file, several parts at a time, with the GIL released and retries on transient failures;
nothing larger than a read buffer is held in memory. Content that is already in memory (`bytes`, file objects)
is sent from Python.
"""

import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from math import ceil
from typing import TYPE_CHECKING, Any, BinaryIO, TypedDict
from urllib.parse import unquote

from . import _rust, constants
from .utils import (
    build_hf_headers,
    fix_hf_endpoint_in_url,
    hf_raise_for_status,
    http_backoff,
    logging,
    validate_hf_hub_args,
)
from .utils.sha import sha256, sha_fileobj  # noqa: F401  (sha256: upstream exposes it here)

if TYPE_CHECKING:
    from ._commit_api import CommitOperationAdd


logger = logging.get_logger(__name__)

OID_REGEX = re.compile(r"^[0-9a-f]{40}$")

# Name of the git-lfs custom transfer agent command of the `hf` CLI.
LFS_MULTIPART_UPLOAD_COMMAND = "lfs-multipart-upload"

LFS_HEADERS = {
    "Accept": "application/vnd.git-lfs+json",
    "Content-Type": "application/vnd.git-lfs+json",
}

# Transfer engine settings for part uploads, read at call time (tests and applications may change them).
_UPLOAD_PART_WORKERS = 8
_UPLOAD_MAX_RETRIES = 5
_UPLOAD_RETRY_BASE_WAIT = 1.0
_UPLOAD_RETRY_MAX_WAIT = 8.0
_UPLOAD_CONNECT_TIMEOUT = 10.0
_UPLOAD_STALL_TIMEOUT = 30.0


class UploadInfo:
    """What the Hub needs to know about a blob before accepting it: size, first bytes and SHA-256.

    The sample (up to 512 bytes) lets the Hub decide between a regular and an LFS file; the SHA-256 names the
    LFS object. For a file on disk the SHA-256 is computed only when first needed (accessing `sha256`), since
    regular files never need it; `_compute_missing_sha256s` in `_commit_api` computes it for many files at once,
    in parallel.

    Args:
        size (`int`):
            Size of the blob in bytes.
        sample (`bytes`):
            The first (up to) 512 bytes of the blob.
        sha256 (`bytes`, *optional*):
            Raw SHA-256 digest of the blob, when known.
        source_path (`str`, *optional*):
            The file the blob is read from; needed when `sha256` is not given.
    """

    def __init__(
        self,
        size: int,
        sample: bytes,
        sha256: bytes | None = None,  # noqa: F811  (the argument shadows the `sha256` function re-exported here)
        source_path: str | None = None,
    ):
        if sha256 is None and source_path is None:
            raise ValueError("Either `sha256` or `source_path` must be provided.")
        self.size = size
        self.sample = sample
        self._sha256 = sha256
        self._source_path = source_path
        # (size, mtime_ns) of `source_path` seen just before it was hashed: a later difference means the file
        # changed after its digest was taken, and uploading it would send other bytes than those announced.
        self._hashed_stat: tuple[int, int] | None = None
        # The whole content of a small file, read with its sample when a folder was listed (see
        # `CommitOperationAdd._from_listed_files`): its commit then sends it without reading the file again.
        self._content: bytes | None = None

    @property
    def sha256(self) -> bytes:
        """Raw SHA-256 digest of the blob; for a file not hashed yet, reads it (in Rust, constant memory)."""
        if self._sha256 is None:
            assert self._source_path is not None  # guaranteed by __init__
            stat = _file_stat(self._source_path)
            self._sha256 = _rust.hash_file(self._source_path, "sha256")
            self._hashed_stat = stat
        return self._sha256

    @sha256.setter
    def sha256(self, value: bytes) -> None:
        self._sha256 = value

    @property
    def is_hashed(self) -> bool:
        """True when `sha256` is known (reading it will not read the file)."""
        return self._sha256 is not None

    def __repr__(self) -> str:
        digest = self._sha256.hex() if self._sha256 is not None else "<not computed>"
        return f"UploadInfo(size={self.size}, sha256={digest})"

    @classmethod
    def from_path(cls, path: str) -> "UploadInfo":
        """Size and sample of a file on disk; its SHA-256 is computed later, when needed."""
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))  # lighter than `open()`: one per file
        try:
            size = os.fstat(fd).st_size
            sample = b""
            while len(sample) < 512 and (chunk := os.read(fd, 512 - len(sample))):
                sample += chunk
        finally:
            os.close(fd)
        return cls(size=size, sample=sample, source_path=path)

    @classmethod
    def from_bytes(cls, data: bytes) -> "UploadInfo":
        return cls(size=len(data), sample=data[:512], sha256=_rust.sha256(data))

    @classmethod
    def from_fileobj(cls, fileobj: BinaryIO) -> "UploadInfo":
        """Sample, SHA-256 and size of a file object, read from its start; the object is left at position 0."""
        fileobj.seek(0, io.SEEK_SET)
        sample = fileobj.read(512)
        fileobj.seek(0, io.SEEK_SET)
        digest = sha_fileobj(fileobj)
        size = fileobj.tell()
        fileobj.seek(0, io.SEEK_SET)
        return cls(size=size, sha256=digest, sample=sample)


def _file_stat(path: str) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_size, stat.st_mtime_ns


@validate_hf_hub_args
def post_lfs_batch_info(
    upload_infos: Iterable[UploadInfo],
    token: str | None,
    repo_type: str,
    repo_id: str,
    revision: str | None = None,
    endpoint: str | None = None,
    headers: dict[str, str] | None = None,
    transfers: list[str] | None = None,
) -> tuple[list[dict], list[dict], str | None]:
    """Ask the LFS batch endpoint how to upload some objects.

    See the git-lfs batch API (https://github.com/git-lfs/git-lfs/blob/main/docs/api/batch.md).

    Args:
        upload_infos (`Iterable[UploadInfo]`):
            The objects, usually `CommitOperationAdd.upload_info`.
        token (`str` or `None`):
            User access token; `None` uses the locally saved one.
        repo_type (`str`):
            `"model"`, `"dataset"` or `"space"`.
        repo_id (`str`):
            `namespace/name` of the repository.
        revision (`str`, *optional*):
            The branch the objects are for, URL-quoted; not sent when `None` (uploads for a pull request).
        endpoint (`str`, *optional*):
            The Hub; `HF_ENDPOINT` by default.
        headers (`dict`, *optional*):
            Extra headers (they win over the default ones).
        transfers (`list[str]`, *optional*):
            Transfer adapters offered to the server; `["basic", "multipart"]` by default.

    Returns:
        `tuple`: the objects' upload instructions, the objects the server refused (each with an `error`), and the
        transfer adapter the server picked (or `None` if it did not say).

    Raises:
        `ValueError`: if the answer is malformed.
        [`~errors.HfHubHTTPError`]: if the server answers with an error.
    """
    endpoint = endpoint if endpoint is not None else constants.ENDPOINT
    url_prefix = constants.REPO_TYPES_URL_PREFIXES.get(repo_type, "")
    payload: dict[str, Any] = {
        "operation": "upload",
        "transfers": transfers if transfers is not None else ["basic", "multipart"],
        "objects": [{"oid": info.sha256.hex(), "size": info.size} for info in upload_infos],
        "hash_algo": "sha256",
    }
    if revision is not None:
        payload["ref"] = {"name": unquote(revision)}  # callers pass the revision URL-quoted
    request_headers = {**LFS_HEADERS, **build_hf_headers(token=token), **(headers or {})}
    response = http_backoff(
        "POST", f"{endpoint}/{url_prefix}{repo_id}.git/info/lfs/objects/batch", headers=request_headers, json=payload
    )
    hf_raise_for_status(response)
    answer = response.json()

    objects = answer.get("objects", None)
    if not isinstance(objects, list):
        raise ValueError("Malformed response from server")
    transfer = answer.get("transfer")
    return (
        [_validate_batch_actions(obj) for obj in objects if "error" not in obj],
        [_validate_batch_error(obj) for obj in objects if "error" in obj],
        transfer if isinstance(transfer, str) else None,
    )


class PayloadPartT(TypedDict):
    partNumber: int
    etag: str


class CompletionPayloadT(TypedDict):
    """Body of the request that completes a multipart upload."""

    oid: str
    parts: list[PayloadPartT]


def lfs_upload(
    operation: "CommitOperationAdd",
    lfs_batch_action: dict,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    endpoint: str | None = None,
) -> None:
    """Send one object to the Hub's LFS storage as the batch answer says; nothing to do if it is already stored.

    Args:
        operation (`CommitOperationAdd`):
            The file to send.
        lfs_batch_action (`dict`):
            This object's entry in the answer of [`post_lfs_batch_info`].
        token (`str`, *optional*):
            User access token for the verify call; `None` uses the locally saved one.
        headers (`dict`, *optional*):
            Headers for the verify call (authorization and user-agent included).
        endpoint (`str`, *optional*):
            The Hub; `HF_ENDPOINT` by default.

    Raises:
        `ValueError`: if the batch answer is malformed, or if a file on disk changed after it was hashed.
        [`~errors.HfHubHTTPError`]: if a transfer or the verification failed.
    """
    _upload_object(operation, lfs_batch_action, token=token, headers=headers, endpoint=endpoint)


def _upload_object(
    operation: "CommitOperationAdd",
    lfs_batch_action: dict,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    endpoint: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """`lfs_upload`, reporting bytes sent to `on_progress(delta)` instead of drawing a bar of its own if given."""
    _validate_batch_actions(lfs_batch_action)
    actions = lfs_batch_action.get("actions")
    if actions is None:
        logger.debug(f"Content of file {operation.path_in_repo} is already present upstream - skipping upload")
        return

    upload_action = _validate_lfs_action(actions["upload"])
    verify_action = actions.get("verify")
    if verify_action is not None:
        _validate_lfs_action(verify_action)

    upload_header = upload_action.get("header") or {}
    upload_url = fix_hf_endpoint_in_url(upload_action["href"], endpoint=endpoint)
    chunk_size = upload_header.get("chunk_size")
    if chunk_size is not None:
        try:
            chunk_size = int(chunk_size)
        except (ValueError, TypeError):
            raise ValueError(
                f"Malformed response from LFS batch endpoint: `chunk_size` should be an integer. Got '{chunk_size}'."
            ) from None
        part_urls = _get_sorted_parts_urls(upload_header, operation.upload_info, chunk_size)
        part_urls = [fix_hf_endpoint_in_url(url, endpoint=endpoint) for url in part_urls]
        etags = _send_parts(operation, part_urls, chunk_size, on_progress)
        completion = http_backoff(
            "POST",
            upload_url,
            json=_completion_payload(etags, operation.upload_info.sha256.hex()),
            headers=LFS_HEADERS,
        )
        hf_raise_for_status(completion)
    else:
        _send_parts(operation, [upload_url], operation.upload_info.size, on_progress)

    if verify_action is not None:
        verify = http_backoff(
            "POST",
            fix_hf_endpoint_in_url(verify_action["href"], endpoint),
            headers=build_hf_headers(token=token, headers=headers),
            json={"oid": operation.upload_info.sha256.hex(), "size": operation.upload_info.size},
        )
        hf_raise_for_status(verify)
    logger.debug(f"{operation.path_in_repo}: Upload successful")


def _send_parts(
    operation: "CommitOperationAdd", urls: list[str], part_size: int, on_progress: Callable[[int], None] | None
) -> list[str]:
    """PUT consecutive `part_size` slices of the operation's content to `urls`; returns the ETag of each answer."""
    source = operation.path_or_fileobj
    size = operation.upload_info.size
    if isinstance(source, str):
        return _send_file_parts(source, operation.upload_info, urls, part_size, on_progress)
    # Already in memory: send it from here, slice by slice.
    etags = []
    with operation.as_file() as fileobj:
        for index, url in enumerate(urls):
            start = index * part_size
            with SliceFileObj(fileobj, seek_from=start, read_limit=min(part_size, size - start)) as part:
                response = http_backoff("PUT", url, data=part)
            hf_raise_for_status(response)
            etags.append(response.headers.get("etag", ""))
            if on_progress is not None:
                on_progress(len(part))
    return etags


def _send_file_parts(
    path: str, info: UploadInfo, urls: list[str], part_size: int, on_progress: Callable[[int], None] | None
) -> list[str]:
    """Upload ranges of a file on disk through the Rust engine (one progress bar for the file unless `on_progress`)."""
    from ._transfer import _to_exception
    from .utils.tqdm import tqdm as hf_tqdm

    parts = [(url, index * part_size, min(part_size, info.size - index * part_size)) for index, url in enumerate(urls)]
    # The same bar as upstream's while it streams a file (`tqdm_stream_file`): named after the file, in bytes.
    bar = (
        hf_tqdm(unit="B", unit_scale=True, total=info.size, initial=0, desc=os.path.basename(path))
        if on_progress is None
        else None
    )
    reported = 0

    def report(sent: int) -> None:
        nonlocal reported  # the engine reports the total sent so far
        delta, reported = sent - reported, sent
        if bar is not None:
            bar.update(delta)
        elif on_progress is not None:
            on_progress(delta)

    try:
        results = _rust.upload_parts(
            path,
            parts,
            [],
            max_workers=_UPLOAD_PART_WORKERS,
            max_retries=_UPLOAD_MAX_RETRIES,
            base_wait=_UPLOAD_RETRY_BASE_WAIT,
            max_wait=_UPLOAD_RETRY_MAX_WAIT,
            connect_timeout=_UPLOAD_CONNECT_TIMEOUT,
            stall_timeout=_UPLOAD_STALL_TIMEOUT,
            progress=report,
        )
    finally:
        if bar is not None:
            bar.close()
    _check_unchanged(path, info)
    failure = next((result for result in results if not result.get("ok")), None)
    if failure is not None:
        raise _to_exception(failure, method="PUT")
    return [str(result.get("etag") or "") for result in results]


def _check_unchanged(path: str, info: UploadInfo) -> None:
    """Refuse a file that changed since it was hashed: the bytes sent would not be those the commit names."""
    try:
        current = _file_stat(path)
    except OSError:
        current = None
    if current is None or (info._hashed_stat is not None and current != info._hashed_stat) or current[0] != info.size:
        raise ValueError(
            f"'{path}' was modified while it was being uploaded (its size or modification time changed after it was"
            " hashed). Nothing was committed; upload it again once it is no longer being written."
        )


def _get_sorted_parts_urls(header: dict, upload_info: UploadInfo, chunk_size: int) -> list[str]:
    """Part URLs (the header keys made of digits) in part order; their count must match the object's size."""
    numbered = sorted((int(key), url) for key, url in header.items() if key.isdigit())
    urls = [url for _, url in numbered]
    if len(urls) != ceil(upload_info.size / chunk_size):
        raise ValueError("Invalid server response to upload large LFS file")
    return urls


def _completion_payload(etags: list[str], oid: str) -> CompletionPayloadT:
    parts: list[PayloadPartT] = []
    for index, etag in enumerate(etags):
        if not etag:
            raise ValueError(f"Invalid etag (`{etag}`) returned for part {index + 1}")
        parts.append({"partNumber": index + 1, "etag": etag})
    return {"oid": oid, "parts": parts}


def _validate_lfs_action(lfs_action: dict) -> dict:
    """An action needs a string `href` and, if any, a dict `header`."""
    header = lfs_action.get("header")
    if not (isinstance(lfs_action.get("href"), str) and (header is None or isinstance(header, dict))):
        raise ValueError("lfs_action is improperly formatted")
    return lfs_action


def _validate_batch_actions(lfs_batch_actions: dict) -> dict:
    """An object of the batch answer echoes `oid` and `size`; its actions, if any, are well formed."""
    if not (isinstance(lfs_batch_actions.get("oid"), str) and isinstance(lfs_batch_actions.get("size"), int)):
        raise ValueError("lfs_batch_actions is improperly formatted")
    actions = lfs_batch_actions.get("actions") or {}
    for name in ("upload", "verify"):
        if actions.get(name) is not None:
            _validate_lfs_action(actions[name])
    return lfs_batch_actions


def _validate_batch_error(lfs_batch_error: dict) -> dict:
    """A refused object echoes `oid` and `size` and carries `error: {code: int, message: str}`."""
    if not (isinstance(lfs_batch_error.get("oid"), str) and isinstance(lfs_batch_error.get("size"), int)):
        raise ValueError("lfs_batch_error is improperly formatted")
    error = lfs_batch_error.get("error")
    if not (isinstance(error, dict) and isinstance(error.get("message"), str) and isinstance(error.get("code"), int)):
        raise ValueError("lfs_batch_error is improperly formatted")
    return lfs_batch_error


class SliceFileObj(AbstractContextManager):
    """A window `[seek_from, seek_from + read_limit)` of a seekable binary file object, itself readable and seekable.

    Used as a context manager: entering moves the underlying object to the window's start, leaving puts it back
    where it was. Not thread-safe (it moves the underlying object's position).

    ```python
    >>> with open("model.bin", "rb") as f, SliceFileObj(f, seek_from=1024, read_limit=4096) as part:
    ...     data = part.read()  # bytes 1024 to 5119 (fewer if the file is shorter)
    ```
    """

    def __init__(self, fileobj: BinaryIO, seek_from: int, read_limit: int):
        self.fileobj = fileobj
        self.seek_from = seek_from
        self.read_limit = read_limit

    def __enter__(self) -> "SliceFileObj":
        self._previous_position = self.fileobj.tell()
        end = self.fileobj.seek(0, os.SEEK_END)
        self._len = max(0, min(self.read_limit, end - self.seek_from))
        self.fileobj.seek(self.seek_from, io.SEEK_SET)
        return self

    def __exit__(self, *exc: object) -> None:
        self.fileobj.seek(self._previous_position, io.SEEK_SET)

    def read(self, n: int | None = -1) -> bytes:
        remaining = self._len - self.tell()
        if remaining <= 0:
            return b""
        return self.fileobj.read(remaining if n is None or n < 0 else min(n, remaining))

    def tell(self) -> int:
        return self.fileobj.tell() - self.seek_from

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        start, end = self.seek_from, self.seek_from + self._len
        if whence == os.SEEK_SET:
            target = start + offset
        elif whence == os.SEEK_CUR:
            target = self.fileobj.tell() + offset
        elif whence == os.SEEK_END:
            target = end + offset
        else:
            raise ValueError(f"whence value {whence} is not supported")
        return self.fileobj.seek(max(start, min(target, end)), os.SEEK_SET) - start

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(4 * 1024 * 1024):
            yield chunk
