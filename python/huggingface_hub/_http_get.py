"""`http_get`: upstream's public single-stream download into an open file object.

Our own downloads go through the Rust transfer engine (`_transfer.py`); this function exists for callers that
use upstream's low-level helper directly (write into a file object they own, resume from a byte offset).
"""

import re
import time
from typing import Any, BinaryIO

import requests
from tqdm.auto import tqdm as base_tqdm

from . import constants
from .utils import hf_raise_for_status, http_stream_backoff, logging
from .utils.tqdm import _get_progress_bar_context, tqdm

logger = logging.get_logger(__name__)

# Name of a CDN-served file in its `Content-Disposition` header (upstream exposes it in `file_download`).
HEADER_FILENAME_PATTERN = re.compile(r'filename="(?P<filename>.*?)";')
# Small reads so that bytes received before a broken connection reach the file and are not fetched again.
_READ_SIZE = 64 * 1024
# Errors after which the transfer is resumed from the bytes already written rather than failing.
_RESUMABLE_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


def http_get(
    url: str,
    temp_file: BinaryIO,
    *,
    resume_size: int = 0,
    headers: dict[str, Any] | None = None,
    expected_size: int | None = None,
    displayed_filename: str | None = None,
    tqdm_class: type[base_tqdm] | None = None,
    _nb_retries: int = 5,
    _tqdm_bar: tqdm | None = None,
) -> None:
    """Download `url` into the open binary file `temp_file`, resuming after transient network errors.

    Errors are mapped like every other Hub call (see [`~utils.hf_raise_for_status`]). When the connection breaks
    mid-body, the transfer resumes with a `Range` request from the bytes already written (up to `_nb_retries` times
    in a row without progress).

    Args:
        url (`str`):
            URL of the file.
        temp_file (`BinaryIO`):
            File object the bytes are appended to (its position must be `resume_size`).
        resume_size (`int`, *optional*):
            Number of bytes already in `temp_file`; the request then starts at that offset.
        headers (`dict`, *optional*):
            Headers of the request (authorization, user-agent...).
        expected_size (`int`, *optional*):
            Expected size of the whole file; a different final size raises `OSError`.
        displayed_filename (`str`, *optional*):
            Name shown on the progress bar (default: from `Content-Disposition`, else the URL).
        tqdm_class (`tqdm` subclass, *optional*):
            Progress bar class to use instead of the default one.

    Raises:
        [`~errors.HfHubHTTPError`] or a subclass: for an error answer.
        `OSError`: when the final size differs from `expected_size`.
        `ValueError`: for files above `constants.MAX_HTTP_DOWNLOAD_SIZE` (they need Xet).
    """
    if expected_size is not None and resume_size == expected_size:
        return  # already complete
    request_headers = dict(headers or {})
    if resume_size > 0:
        request_headers["Range"] = _range_from(request_headers.get("Range"), resume_size)
    elif expected_size and expected_size > constants.MAX_HTTP_DOWNLOAD_SIZE:
        raise ValueError(
            "The file is too large to be downloaded using the regular download method. "
            " Install `hf_xet` with `pip install hf_xet` for xet-powered downloads."
        )

    written = resume_size
    with http_stream_backoff(
        "GET",
        url,
        headers=request_headers,
        timeout=constants.HF_HUB_DOWNLOAD_TIMEOUT,
        retry_on_exceptions=(),
        retry_on_status_codes=(408, 429),
    ) as response:
        hf_raise_for_status(response)
        if resume_size > 0 and response.status_code == 200:
            # The server ignored the Range: start over rather than append the whole file after the partial one.
            temp_file.seek(0)
            temp_file.truncate()
            if _tqdm_bar is not None:
                _tqdm_bar.update(-resume_size)
            resume_size = written = 0

        length = response.headers.get("Content-Length")
        total = resume_size + int(length) if length is not None and length.isdigit() else expected_size
        name = displayed_filename or _filename_from(response) or url
        if len(name) > 40:
            name = f"(…){name[-40:]}"
        bar_context = _get_progress_bar_context(
            desc=name,
            log_level=logger.getEffectiveLevel(),
            total=total,
            initial=resume_size,
            name="huggingface_hub.http_get",
            tqdm_class=tqdm_class,
            _tqdm_bar=_tqdm_bar,
        )
        with bar_context as bar:
            try:
                for chunk in response.iter_content(chunk_size=_READ_SIZE):
                    if chunk:
                        temp_file.write(chunk)
                        written += len(chunk)
                        bar.update(len(chunk))
                        _nb_retries = 5  # progress was made: the retry budget starts again
            except _RESUMABLE_ERRORS as error:
                if _nb_retries <= 0:
                    logger.warning("Error while downloading from %s: %s\nMax retries exceeded.", url, error)
                    raise
                logger.warning("Error while downloading from %s: %s\nTrying to resume download...", url, error)
                time.sleep(1)
                return http_get(
                    url,
                    temp_file,
                    resume_size=written,
                    headers=headers,
                    expected_size=expected_size,
                    displayed_filename=displayed_filename,
                    tqdm_class=tqdm_class,
                    _nb_retries=_nb_retries - 1,
                    _tqdm_bar=bar,
                )

    if expected_size is not None and expected_size != temp_file.tell():
        raise OSError(
            f"Consistency check failed: file should be of size {expected_size} but has size {temp_file.tell()}"
            f" ({name}).\nThis is usually due to network issues while downloading the file."
            " Please retry with `force_download=True`."
        )


def _range_from(existing: str | None, resume_size: int) -> str:
    """The `Range` header that skips `resume_size` bytes, within the caller's own range if there was one."""
    if not existing:
        return f"bytes={resume_size}-"
    if not existing.startswith("bytes=") or "," in existing:
        raise ValueError(f"Cannot resume a download with the Range header {existing!r} (single byte ranges only).")
    start_text, _, end_text = existing[len("bytes=") :].partition("-")
    if not start_text:  # a suffix range: the last N bytes
        remaining = int(end_text) - resume_size
        if remaining <= 0:
            raise RuntimeError(f"Empty new range - requested resume at {resume_size} for range {existing!r}.")
        return f"bytes=-{remaining}"
    start = int(start_text) + resume_size
    if end_text and start > int(end_text):
        raise RuntimeError(f"Empty new range - requested resume at {resume_size} for range {existing!r}.")
    return f"bytes={start}-{end_text}"


def filename_from_content_disposition(value: str | None) -> str | None:
    """`model.bin` from `attachment; filename="model.bin";` (upstream's pattern), else None."""
    match = HEADER_FILENAME_PATTERN.search(value or "")
    return match.group("filename") if match else None


def _filename_from(response: requests.Response) -> str | None:
    return filename_from_content_disposition(response.headers.get("Content-Disposition"))
