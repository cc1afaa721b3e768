"""Uploads of LFS-mode files through Xet storage, with the CAS client built into the Rust extension.

What upstream does with `hf_xet` (`_commit_api._upload_xet_files`), done by `_rust.xet_upload`: the Hub's
`xet-write-token` route hands out a CAS token (and is asked again when it expires), every file is read once -
chunked, hashed and deduplicated while its SHA-256 is computed on a second thread - and the new xorbs and one shard
go to the CAS. The SHA-256 of each file is then filled in for the commit, which names Xet files exactly like LFS
files (`lfsFile` with the SHA-256).

A Hub without Xet storage (its token route answers 404 or 501) gets the files through the LFS protocol instead.
"""

import io
import os
import time
from collections.abc import Callable
from typing import Any

from . import _rust, constants
from ._commit_api import CommitOperationAdd, _compute_missing_sha256s
from ._transfer import _to_exception
from .utils import get_session, hf_raise_for_status, logging
from .utils._xet import XetTokenType, xet_connection_info_refresh_url
from .utils.tqdm import are_progress_bars_disabled
from .utils.tqdm import tqdm as hf_tqdm

logger = logging.get_logger(__name__)

# Answers of the token route that mean "no Xet storage here" (the caller falls back to LFS).
_NO_XET_STATUSES = (404, 501)

# Retry pauses of the CAS client: `hf_xet` waits 3 s, 9 s, 27 s... between attempts; these are shorter (a failed
# xorb is re-sent whole, and the CAS answers quickly when it is back). Module attributes so tests can shorten them.
XET_RETRY_BASE_WAIT = 0.5
XET_RETRY_MAX_WAIT = 8.0
XET_MAX_RETRIES = 5
XET_REQUEST_TIMEOUT = 300.0
XET_MAX_CONCURRENT_XORBS = 4


def xet_headers_without_auth(headers: dict[str, str]) -> dict[str, str]:
    """The Hub headers without `Authorization`: the CAS gets its own short-lived token instead."""
    return {key: value for key, value in headers.items() if key.lower() != "authorization"}


def can_upload_with_xet(additions: list[CommitOperationAdd]) -> bool:
    """Whether `additions` may go through Xet: Xet not disabled, and every content a path or bytes.

    File objects are read by the LFS protocol (as upstream, which warns for buffered streams).
    """
    if constants.HF_HUB_DISABLE_XET:
        return False
    if all(isinstance(op.path_or_fileobj, (str, bytes)) for op in additions):
        return True
    if any(isinstance(op.path_or_fileobj, io.BufferedIOBase) for op in additions):
        logger.warning(
            "Uploading files as a binary IO buffer is not supported by Xet Storage. Falling back to HTTP upload."
        )
    return False


def drop_stored(additions: list[CommitOperationAdd]) -> list[CommitOperationAdd]:
    """`additions` without the files whose content the repository already has at their path.

    Only files with a remote counterpart are hashed first (in one parallel pass); the others are hashed while they
    are sent. Without this, re-uploading an unchanged file would send it again (no global deduplication here).
    """
    candidates = [op for op in additions if op._remote_oid is not None]
    if not candidates:
        return additions
    _compute_missing_sha256s(candidates)
    stored = {id(op) for op in candidates if op._remote_oid == op.upload_info.sha256.hex()}
    for op in candidates:
        if id(op) in stored:
            logger.debug(f"Content of file {op.path_in_repo} is already present upstream - skipping upload.")
    return [op for op in additions if id(op) not in stored]


def _fetch_write_token(refresh_url: str, headers: dict[str, str]) -> tuple[str, str, int] | None:
    """The first CAS token `(cas_url, access_token, exp)`, or None when the Hub does not offer Xet storage."""
    response = get_session().get(refresh_url, headers=headers, timeout=constants.HF_HUB_ETAG_TIMEOUT)
    if response.status_code in _NO_XET_STATUSES:
        return None
    hf_raise_for_status(response)
    try:
        info = response.json()
        return str(info["casUrl"]), str(info["accessToken"]), int(info["exp"])
    except (ValueError, KeyError, TypeError):
        headers_ = response.headers
        try:
            return (
                headers_[constants.HUGGINGFACE_HEADER_X_XET_ENDPOINT],
                headers_[constants.HUGGINGFACE_HEADER_X_XET_ACCESS_TOKEN],
                int(headers_[constants.HUGGINGFACE_HEADER_X_XET_EXPIRATION]),
            )
        except (KeyError, ValueError) as e:
            raise ValueError(f"Malformed Xet token answer from {refresh_url}") from e


class _UploadProgress:
    """Two bars like upstream's Xet upload reporter: bytes processed (files done / all) and new data sent."""

    def __init__(self, sizes: list[int]) -> None:
        self.ends = []
        total = 0
        for size in sizes:
            total += size
            self.ends.append(total)
        self.processing = hf_tqdm(
            total=total, desc=f"Processing Files (0 / {len(sizes)})", unit="B", unit_scale=True, leave=True
        )
        self.upload = hf_tqdm(total=0, desc="New Data Upload", unit="B", unit_scale=True, leave=True)
        self._last = (0, 0)

    def __call__(self, processed: int, total: int, sent: int, to_send: int) -> None:
        # Files are processed in order: those whose end is behind the processed count are done.
        done = sum(1 for end in self.ends if end <= processed)
        self.processing.set_description(f"Processing Files ({done} / {len(self.ends)})", refresh=False)
        self.processing.update(processed - self._last[0])
        self.upload.total = max(to_send, sent)
        self.upload.update(sent - self._last[1])
        self._last = (processed, sent)

    def close(self) -> None:
        self.processing.close()
        self.upload.close()


def _raise_for_result(result: dict[str, Any], additions: list[CommitOperationAdd]) -> None:
    if result.get("ok"):
        return
    kind = result.get("kind")
    if kind == "changed":
        path = str(result.get("path"))
        in_repo = next((op.path_in_repo for op in additions if op.path_or_fileobj == path), path)
        cause = ValueError(
            f"'{path}' was modified while it was being uploaded (its size or modification time changed after it was"
            " hashed). Nothing was committed; upload it again once it is no longer being written."
        )
        raise RuntimeError(f"Error while uploading '{in_repo}' to the Hub.") from cause
    raise _to_exception(result, method="POST")


def upload_xet_files(
    *,
    additions: list[CommitOperationAdd],
    repo_type: str,
    repo_id: str,
    headers: dict[str, str],
    endpoint: str | None = None,
    revision: str | None = None,
    create_pr: bool | None = None,
    on_progress: Callable[[int, int, int, int], None] | None = None,
) -> bool:
    """Store the content of `additions` through Xet storage and fill in their SHA-256; False if the Hub has no Xet.

    `revision` (URL-quoted) is the branch the content is for, `None` for a pull request (the token route is then asked
    for `/None`, as upstream does). `on_progress(processed, total, sent, to_send)` replaces the progress bars.
    """
    if not additions:
        return True
    refresh_url = xet_connection_info_refresh_url(
        token_type=XetTokenType.WRITE, repo_id=repo_id, repo_type=repo_type, revision=revision, endpoint=endpoint
    )
    if create_pr:
        refresh_url += "?create_pr=1"
    token = _fetch_write_token(refresh_url, headers)
    if token is None:
        logger.info(f"{endpoint or constants.ENDPOINT} does not offer Xet storage: uploading through LFS.")
        return False

    items: list[tuple[Any, str | None, tuple[int, int] | None]] = []
    for op in additions:
        info = op.upload_info
        known = info.sha256.hex() if info.is_hashed else None
        # The state of the file when its SHA-256 was computed: a file changed since then is refused.
        stat = getattr(info, "_hashed_stat", None) if known is not None else None
        items.append((op.path_or_fileobj, known, stat))

    progress = None
    if on_progress is None and not are_progress_bars_disabled():
        progress = _UploadProgress([op.upload_info.size for op in additions])
    started = time.monotonic()
    try:
        result = _rust.xet_upload(
            items,
            refresh_url=refresh_url,
            refresh_headers=list(headers.items()),
            token=token,
            custom_headers=list(xet_headers_without_auth(headers).items()),
            max_retries=XET_MAX_RETRIES,
            base_wait=XET_RETRY_BASE_WAIT,
            max_wait=XET_RETRY_MAX_WAIT,
            request_timeout=XET_REQUEST_TIMEOUT,
            max_concurrent_xorbs=XET_MAX_CONCURRENT_XORBS,
            compression=os.environ.get("HF_XET_XORB_COMPRESSION_POLICY", "auto") or "auto",
            progress=progress if on_progress is None else on_progress,
        )
    finally:
        if progress is not None:
            progress.close()
    _raise_for_result(result, additions)
    for op, (_xet_hash, _size, sha256) in zip(additions, result["files"], strict=True):
        if not op.upload_info.is_hashed:
            op.upload_info.sha256 = bytes.fromhex(sha256)
    logger.debug(
        f"Xet upload of {len(additions)} file(s) in {time.monotonic() - started:.1f}s: {result['xorbs']} new xorb(s),"
        f" {result['xorb_bytes']} bytes sent, {result['deduped_bytes']} bytes deduplicated."
    )
    return True
