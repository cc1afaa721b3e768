"""Download one file from the Hub: `hf_hub_download`, its metadata (`get_hf_file_metadata`), URLs and cache lookups.

Files land in the shared cache (see `_cache_layout`) or in a `local_dir` (see `_local_folder`), in
upstream's layouts. Metadata comes from one HEAD request on the `resolve` URL; the bytes are moved by
the Rust transfer engine (`_transfer`): ranged parallel connections for large files, resumable
partial files, SHA-256 verification of LFS content before it enters the cache.

Module globals are looked up at call time, so tests can patch them here.
"""

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, urlparse

import requests

from . import constants
from ._cache_layout import (
    _are_symlinks_supported_in_dir,
    _cache_commit_hash_for_specific_revision,
    _check_disk_space,
    _create_symlink,
    _get_pointer_path,
    are_symlinks_supported,
    repo_folder_name,
)
from ._download_progress import FileProgress, displayed_filename
from ._http_get import HEADER_FILENAME_PATTERN, http_get  # noqa: F401  (upstream's public low-level download helper)
from ._local_folder import (  # noqa: F401  (upstream exposes these here too)
    _create_cachedir_tag,
    _validate_relative_filename,
    get_local_download_paths,
    read_download_metadata,
    write_download_metadata,
)
from ._revision import ResolvedRevision  # noqa: F401
from ._transfer import DownloadJob, run_downloads
from ._tree_cache import read_tree_cache, tree_cache_folder_for_local_dir  # noqa: F401
from .errors import (
    FileMetadataError,
    GatedRepoError,
    HfHubHTTPError,
    LocalEntryNotFoundError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from .utils import WeakFileLock, build_hf_headers, hf_raise_for_status, http_backoff, logging, validate_hf_hub_args
from .utils._fixes import SoftTemporaryDirectory  # noqa: F401  (upstream exposes these here too)
from .utils._http import http_stream_backoff  # noqa: F401
from .utils._runtime import is_xet_available  # noqa: F401
from .utils._typing import HTTP_METHOD_T
from .utils._xet import XetTokenType, is_valid_xet_hash, xet_connection_info_refresh_url  # noqa: F401
from .utils.sha import sha_fileobj
from .utils.tqdm import tqdm  # noqa: F401

__all__ = [
    "DryRunFileInfo",
    "HfFileMetadata",
    "XetFileData",
    "are_symlinks_supported",
    "get_hf_file_metadata",
    "hf_hub_download",
    "hf_hub_url",
    "repo_folder_name",
    "try_to_load_from_cache",
]

logger = logging.get_logger(__name__)

# Returned by `try_to_load_from_cache` when the cache knows the file does not exist at that revision.
_CACHED_NO_EXIST = object()
_CACHED_NO_EXIST_T = Any

REGEX_COMMIT_HASH = re.compile(r"^[0-9a-f]{40}$")
REGEX_SHA256 = re.compile(r"^[0-9a-f]{64}$")

# Timeout of the second metadata request, made with retries when nothing is cached.
_ETAG_RETRY_TIMEOUT = 60

_RETRYABLE_STATUSES = (408, 429, 500, 502, 503, 504)

# Kept importable from here, as upstream has them.
_ = (_are_symlinks_supported_in_dir, _check_disk_space)


@dataclass(frozen=True)
class XetFileData:
    """Xet information of a file: its Xet hash and the route that issues read tokens."""

    file_hash: str
    refresh_route: str


@dataclass(frozen=True)
class HfFileMetadata:
    """What a HEAD on a file's `resolve` URL says about it.

    Attributes:
        commit_hash (`str`, *optional*): commit the revision resolved to.
        etag (`str`, *optional*): etag of the file (git blob sha1, or sha256 for LFS files), normalised.
        location (`str`): where the content is: the CDN URL of an LFS file, else the resolve URL.
        size (`int`, *optional*): size in bytes.
        xet_file_data (`XetFileData`, *optional*): Xet information, for files stored with Xet.
    """

    commit_hash: str | None
    etag: str | None
    location: str
    size: int | None
    xet_file_data: XetFileData | None
    # The HEAD answer's `Content-Disposition`: names the progress bar (not part of upstream's fields).
    _content_disposition: str | None = field(default=None, init=False, repr=False, compare=False)


@dataclass
class DryRunFileInfo:
    """What `hf_hub_download(..., dry_run=True)` would do.

    Attributes:
        commit_hash (`str`): commit of the file.
        file_size (`int`): size in bytes.
        filename (`str`): path of the file in the repo.
        local_path (`str`): where the file is or would be.
        is_cached (`bool`): whether it is already there.
        will_download (`bool`): whether a real call would download it.
    """

    commit_hash: str
    file_size: int
    filename: str
    local_path: str
    is_cached: bool
    will_download: bool


def hf_hub_url(
    repo_id: str,
    filename: str,
    *,
    subfolder: str | None = None,
    repo_type: str | None = None,
    revision: str | None = None,
    endpoint: str | None = None,
) -> str:
    """The `resolve` URL of a file: `{endpoint}/{prefix}{repo_id}/resolve/{revision}/{filename}`.

    The revision is quoted entirely (`refs/pr/1` becomes `refs%2Fpr%2F1`), the filename keeps its `/`.
    No request is made.

    Raises:
        `ValueError`: for an unknown `repo_type`.
    """
    if subfolder == "":
        subfolder = None
    if subfolder is not None:
        filename = f"{subfolder}/{filename}"
    if repo_type not in constants.REPO_TYPES_WITH_KERNEL:
        raise ValueError("Invalid repo type")
    if repo_type in constants.REPO_TYPES_URL_PREFIXES:
        repo_id = constants.REPO_TYPES_URL_PREFIXES[repo_type] + repo_id
    if revision is None:
        revision = constants.DEFAULT_REVISION
    url = constants.HUGGINGFACE_CO_URL_TEMPLATE.format(
        repo_id=repo_id, revision=quote(revision, safe=""), filename=quote(filename)
    )
    if endpoint is not None and url.startswith(constants.ENDPOINT):
        url = endpoint + url[len(constants.ENDPOINT) :]
    return url


def _normalize_etag(etag: str | None) -> str | None:
    """`W/"abc"` -> `abc` (a character-set strip of `W/`, then of quotes, like upstream)."""
    if not etag:
        return None
    return etag.lstrip("W/").strip('"')


def _int_or_none(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def parse_xet_file_data_from_response(response: requests.Response, endpoint: str | None = None) -> XetFileData | None:
    """The Xet hash and token route of a HEAD answer, or None for a non-Xet file."""
    file_hash = response.headers.get(constants.HUGGINGFACE_HEADER_X_XET_HASH)
    links = getattr(response, "links", {}) or {}
    route = (links.get(constants.HUGGINGFACE_HEADER_LINK_XET_AUTH_KEY) or {}).get("url")
    route = route or response.headers.get(constants.HUGGINGFACE_HEADER_X_XET_REFRESH_ROUTE)
    if not file_hash or not route:
        return None
    if route.startswith(constants._HF_DEFAULT_ENDPOINT):
        base = endpoint.rstrip("/") if endpoint else constants.ENDPOINT
        route = base + route[len(constants._HF_DEFAULT_ENDPOINT) :]
    return XetFileData(file_hash=file_hash, refresh_route=route)


def _follow_relative_redirects_with_backoff(
    method: HTTP_METHOD_T, url: str, *, retry_on_errors: bool = False, **kwargs: Any
) -> requests.Response:
    """Send `method` to `url`, following only redirects that stay on the same host (relative `Location`).

    A renamed repo answers a relative 307, which is followed with the same headers. An absolute
    redirect (the CDN of an LFS file) is not: that answer is the metadata.
    """
    if retry_on_errors:
        retry_kwargs: dict[str, Any] = {}
    else:
        retry_kwargs = {"retry_on_exceptions": (), "retry_on_status_codes": ()}
    while True:
        response = http_backoff(method=method, url=url, **kwargs, follow_redirects=False, **retry_kwargs)
        hf_raise_for_status(response)
        if 300 <= response.status_code <= 399:
            location = urlparse(response.headers["Location"])
            if location.netloc == "":
                url = urlparse(url)._replace(path=location.path).geturl()
                continue
        return response


@validate_hf_hub_args
def get_hf_file_metadata(
    url: str,
    token: bool | str | None = None,
    timeout: float | None = constants.DEFAULT_ETAG_TIMEOUT,
    library_name: str | None = None,
    library_version: str | None = None,
    user_agent: dict | str | None = None,
    headers: dict[str, str] | None = None,
    endpoint: str | None = None,
    retry_on_errors: bool = False,
) -> HfFileMetadata:
    """Fetch a file's metadata (commit, etag, size, location) with one HEAD on its `resolve` URL.

    Args:
        url (`str`): the file's URL, as built by [`hf_hub_url`].
        token (`str` or `bool`, *optional*): token to send (the saved one by default, `False` for none).
        timeout (`float`, *optional*, defaults to 10): seconds to wait for the answer.
        library_name, library_version, user_agent: added to the user-agent.
        headers (`dict`, *optional*): extra headers.
        endpoint (`str`, *optional*): the Hub's address, used for Xet token routes.
        retry_on_errors (`bool`, defaults to `False`): retry on network errors, 429 and 5xx.

    Raises:
        Any `HfHubHTTPError` subclass `hf_raise_for_status` raises (RepositoryNotFoundError,
        RevisionNotFoundError, RemoteEntryNotFoundError, GatedRepoError, ...), and network errors.
    """
    hf_headers = build_hf_headers(
        token=token, library_name=library_name, library_version=library_version, user_agent=user_agent, headers=headers
    )
    hf_headers["Accept-Encoding"] = "identity"  # the size must be the real, uncompressed one
    response = _follow_relative_redirects_with_backoff(
        "HEAD", url, headers=hf_headers, timeout=timeout, retry_on_errors=retry_on_errors
    )
    hf_raise_for_status(response)
    linked_size = response.headers.get(constants.HUGGINGFACE_HEADER_X_LINKED_SIZE)
    size = (
        linked_size
        if linked_size is not None
        else (None if response.is_redirect else response.headers.get("Content-Length"))
    )
    metadata = HfFileMetadata(
        commit_hash=response.headers.get(constants.HUGGINGFACE_HEADER_X_REPO_COMMIT),
        etag=_normalize_etag(response.headers.get(constants.HUGGINGFACE_HEADER_X_LINKED_ETAG) or response.headers.get("ETag")),
        location=response.headers.get("Location") or str(response.url or url),
        size=_int_or_none(size),
        xet_file_data=parse_xet_file_data_from_response(response, endpoint=endpoint),
    )  # fmt: skip
    if not response.is_redirect:  # a redirect's headers say nothing about the content
        object.__setattr__(metadata, "_content_disposition", response.headers.get("Content-Disposition"))
    return metadata


@validate_hf_hub_args
def try_to_load_from_cache(
    repo_id: str,
    filename: str,
    cache_dir: str | Path | None = None,
    revision: str | None = None,
    repo_type: str | None = None,
) -> str | _CACHED_NO_EXIST_T | None:
    """Look a file up in the cache, with no network.

    Returns:
        The path of the cached file; `_CACHED_NO_EXIST` if the cache records that the file does not exist at
        that revision; None if the cache knows nothing. Never raises for a missing cache.

    Example:
    ```python
    from huggingface_hub import try_to_load_from_cache, _CACHED_NO_EXIST

    filepath = try_to_load_from_cache("bert-base-uncased", "config.json")
    if isinstance(filepath, str):
        ...  # cached
    elif filepath is _CACHED_NO_EXIST:
        ...  # known not to exist
    ```
    """
    if revision is None:
        revision = "main"
    if repo_type is None:
        repo_type = "model"
    if repo_type not in constants.REPO_TYPES_WITH_KERNEL:
        raise ValueError(
            f"Invalid repo type: {repo_type}. Accepted repo types are: {str(constants.REPO_TYPES_WITH_KERNEL)}"
        )
    if cache_dir is None:
        cache_dir = constants.HF_HUB_CACHE
    repo_cache = os.path.join(cache_dir, repo_folder_name(repo_id=repo_id, repo_type=repo_type))
    if not os.path.isdir(repo_cache):
        return None
    refs_dir = os.path.join(repo_cache, "refs")
    snapshots_dir = os.path.join(repo_cache, "snapshots")
    no_exist_dir = os.path.join(repo_cache, ".no_exist")
    if os.path.isdir(refs_dir):
        revision_file = os.path.join(refs_dir, revision)
        if os.path.isfile(revision_file):
            with open(revision_file) as f:
                revision = f.read()
    if os.path.isfile(os.path.join(no_exist_dir, revision, filename)):
        return _CACHED_NO_EXIST
    if not os.path.exists(snapshots_dir):
        return None
    if revision not in os.listdir(snapshots_dir):
        return None
    cached_file = os.path.join(snapshots_dir, revision, filename)
    return cached_file if os.path.isfile(cached_file) else None


@validate_hf_hub_args
def hf_hub_download(
    repo_id: str,
    filename: str,
    *,
    subfolder: str | None = None,
    repo_type: str | None = None,
    revision: str | None = None,
    library_name: str | None = None,
    library_version: str | None = None,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
    user_agent: dict | str | None = None,
    force_download: bool = False,
    etag_timeout: float = constants.DEFAULT_ETAG_TIMEOUT,
    token: bool | str | None = None,
    local_files_only: bool = False,
    headers: dict[str, str] | None = None,
    endpoint: str | None = None,
    tqdm_class: Any | None = None,
    dry_run: bool = False,
) -> str | DryRunFileInfo:
    """Download a file from the Hub, or return it from the cache (or `local_dir`) when it is there.

    In cache mode the file is stored once under `blobs/` and the returned path is a symlink under
    `snapshots/<commit>/`; with `local_dir` the file is written at `local_dir/filename`, with its
    metadata under `local_dir/.cache/huggingface/`. When the Hub cannot be reached (or
    `HF_HUB_OFFLINE=1`, or `local_files_only=True`), a cached copy of that revision is returned.

    Args:
        repo_id (`str`): `namespace/name` of the repo.
        filename (`str`): path of the file in the repo.
        subfolder (`str`, *optional*): folder of the file in the repo.
        repo_type (`str`, *optional*): `"model"` (default), `"dataset"`, `"space"` or `"kernel"`.
        revision (`str`, *optional*): branch, tag or commit; `"main"` by default.
        library_name, library_version, user_agent: added to the user-agent.
        cache_dir (`str` or `Path`, *optional*): the cache; `HF_HUB_CACHE` by default.
        local_dir (`str` or `Path`, *optional*): download into this folder instead of the cache.
        force_download (`bool`): download even if the file is already there.
        etag_timeout (`float`, defaults to 10): timeout of the metadata request.
        token (`str` or `bool`, *optional*): token to send (the saved one by default, `False` for none).
        local_files_only (`bool`): never use the network.
        headers (`dict`, *optional*): extra headers.
        endpoint (`str`, *optional*): the Hub's address (`constants.ENDPOINT` by default).
        tqdm_class (*optional*): a `tqdm` subclass for the progress bar.
        dry_run (`bool`): say what would happen (a [`DryRunFileInfo`]) without downloading.

    Returns:
        `str` (the local path) or [`DryRunFileInfo`] with `dry_run=True`.

    Raises:
        [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`], [`~errors.RemoteEntryNotFoundError`],
        [`~errors.GatedRepoError`]: from the Hub. [`~errors.LocalEntryNotFoundError`]: the Hub could not be reached
        and nothing is cached. `OSError`: on local errors, or when the content does not match its checksum.
        `ValueError`: invalid arguments, or a path that would leave the cache or `local_dir`.
    """
    if constants.HF_HUB_ETAG_TIMEOUT != constants.DEFAULT_ETAG_TIMEOUT:
        etag_timeout = constants.HF_HUB_ETAG_TIMEOUT
    if cache_dir is None:
        cache_dir = constants.HF_HUB_CACHE
    if revision is None:
        revision = constants.DEFAULT_REVISION
    revision = _plain_revision(revision)
    if isinstance(cache_dir, Path):
        cache_dir = str(cache_dir)
    if isinstance(local_dir, Path):
        local_dir = str(local_dir)
    if subfolder == "":
        subfolder = None
    if subfolder is not None:
        filename = f"{subfolder}/{filename}"
    if repo_type is None:
        repo_type = "model"
    if repo_type not in constants.REPO_TYPES_WITH_KERNEL:
        raise ValueError(
            f"Invalid repo type: {repo_type}. Accepted repo types are: {str(constants.REPO_TYPES_WITH_KERNEL)}"
        )
    _validate_relative_filename(filename)
    hf_headers = build_hf_headers(
        token=token, library_name=library_name, library_version=library_version, user_agent=user_agent, headers=headers
    )
    common: dict[str, Any] = dict(
        repo_id=repo_id, filename=filename, repo_type=repo_type, revision=revision, endpoint=endpoint,
        etag_timeout=etag_timeout, headers=hf_headers, token=token, local_files_only=local_files_only,
        force_download=force_download, tqdm_class=tqdm_class, dry_run=dry_run,
    )  # fmt: skip
    if local_dir is not None:
        from ._local_dir_download import _hf_hub_download_to_local_dir

        return _hf_hub_download_to_local_dir(
            local_dir=Path(local_dir).expanduser().resolve(), cache_dir=cache_dir, **common
        )
    return _hf_hub_download_to_cache_dir(cache_dir=str(Path(cache_dir).expanduser().resolve()), **common)


def _plain_revision(revision: str) -> str:
    """A `ResolvedRevision` (a str carrying `.resolved`) stands for its commit."""
    resolved = getattr(revision, "resolved", None)
    return str(resolved) if isinstance(resolved, str) and resolved else str(revision)


def _hf_hub_download_to_cache_dir(
    *,
    cache_dir: str,
    repo_id: str,
    filename: str,
    repo_type: str,
    revision: str,
    endpoint: str | None,
    etag_timeout: float,
    headers: dict[str, str],
    token: bool | str | None,
    local_files_only: bool,
    force_download: bool,
    tqdm_class: Any | None,
    dry_run: bool,
) -> str | DryRunFileInfo:
    locks_dir = os.path.join(cache_dir, ".locks")
    storage_folder = os.path.join(cache_dir, repo_folder_name(repo_id=repo_id, repo_type=repo_type))
    relative_filename = os.path.join(*filename.split("/"))

    # A commit hash whose file is already there: no network at all.
    if REGEX_COMMIT_HASH.match(revision):
        pointer_path = _get_pointer_path(storage_folder, revision, relative_filename)
        if os.path.exists(pointer_path):
            if dry_run:
                return DryRunFileInfo(
                    commit_hash=revision, file_size=os.path.getsize(pointer_path), filename=filename,
                    is_cached=True, local_path=pointer_path, will_download=force_download,
                )  # fmt: skip
            if not force_download:
                return pointer_path

    metadata = _get_metadata_or_catch_error(
        repo_id=repo_id, filename=filename, repo_type=repo_type, revision=revision, endpoint=endpoint,
        etag_timeout=etag_timeout, headers=headers, token=token, local_files_only=local_files_only,
        storage_folder=storage_folder, relative_filename=relative_filename,
    )  # fmt: skip
    if metadata.error is not None:
        if not force_download:
            commit_hash = _cached_commit(storage_folder, revision)
            if commit_hash is not None:
                pointer_path = _get_pointer_path(storage_folder, commit_hash, relative_filename)
                if os.path.exists(pointer_path):
                    if dry_run:
                        return DryRunFileInfo(
                            commit_hash=commit_hash, file_size=os.path.getsize(pointer_path), filename=filename,
                            is_cached=True, local_path=pointer_path, will_download=False,
                        )  # fmt: skip
                    return pointer_path
        metadata = _retry_or_raise(metadata, repo_id, filename, repo_type, revision, endpoint, headers, token,
                                   local_files_only, force_download, storage_folder, relative_filename)  # fmt: skip

    assert metadata.etag is not None and metadata.commit_hash is not None and metadata.url is not None
    etag, commit_hash = metadata.etag, metadata.commit_hash
    _validate_relative_filename(etag)
    blob_path = os.path.join(storage_folder, "blobs", etag)
    pointer_path = _get_pointer_path(storage_folder, commit_hash, relative_filename)

    if dry_run:
        is_cached = os.path.exists(pointer_path) or os.path.exists(blob_path)
        return DryRunFileInfo(
            commit_hash=commit_hash, file_size=metadata.size or 0, filename=filename, is_cached=is_cached,
            local_path=pointer_path, will_download=force_download or not is_cached,
        )  # fmt: skip

    if os.path.exists(pointer_path) and not force_download:
        try:
            _cache_commit_hash_for_specific_revision(storage_folder, revision, commit_hash)
        except OSError:
            pass  # a read-only cache still serves hits
        return pointer_path

    os.makedirs(os.path.dirname(blob_path), exist_ok=True)
    os.makedirs(os.path.dirname(pointer_path), exist_ok=True)
    _create_cachedir_tag(Path(cache_dir))
    _cache_commit_hash_for_specific_revision(storage_folder, revision, commit_hash)

    lock_path = os.path.join(locks_dir, repo_folder_name(repo_id=repo_id, repo_type=repo_type), f"{etag}.lock")
    if os.path.exists(blob_path) and not force_download:
        with WeakFileLock(lock_path):
            if not os.path.exists(pointer_path):
                _create_symlink(blob_path, pointer_path, new_blob=False)
        return pointer_path

    if metadata.size is not None:
        _check_disk_space(metadata.size, os.path.dirname(blob_path))
    job = DownloadJob(
        url=metadata.url, headers=metadata.download_headers or headers, destination=blob_path,
        partial=blob_path + ".incomplete", lock=lock_path, expected_size=metadata.size,
        sha256=etag if REGEX_SHA256.match(etag) else None, replace=force_download,
    )  # fmt: skip
    _download_one(job, metadata.displayed_filename or job.url, tqdm_class)
    with WeakFileLock(lock_path):
        if not os.path.exists(pointer_path) or force_download:
            _create_symlink(blob_path, pointer_path, new_blob=True)
    return pointer_path


def _download_one(job: DownloadJob, displayed: str, tqdm_class: Any | None) -> None:
    """Run one job through the engine with a progress bar named `displayed`; raise its error if it failed."""
    progress = FileProgress([displayed], [job.expected_size], tqdm_class)
    try:
        results, error = run_downloads([job], progress=progress)
        if results and results[0].status == "downloaded":
            progress.finish(0, job.expected_size if job.expected_size is not None else results[0].size)
    finally:
        progress.close()
    if error is not None:
        raise error


def _cached_commit(storage_folder: str, revision: str) -> str | None:
    """The commit a revision points to according to the cache (`refs/`), or the revision itself if it is a commit."""
    if REGEX_COMMIT_HASH.match(revision):
        return revision
    ref_path = os.path.join(storage_folder, "refs", revision)
    if os.path.isfile(ref_path):
        with open(ref_path) as f:
            return f.read()
    return None


@dataclass
class _Metadata:
    """Outcome of `_get_metadata_or_catch_error`: everything needed to download, or the error to handle."""

    url: str | None = None
    download_headers: dict[str, str] | None = None
    displayed_filename: str | None = None  # the progress bar's description
    etag: str | None = None
    commit_hash: str | None = None
    size: int | None = None
    xet_file_data: XetFileData | None = None
    error: Exception | None = None


def _get_metadata_or_catch_error(
    *,
    repo_id: str,
    filename: str,
    repo_type: str,
    revision: str,
    endpoint: str | None,
    etag_timeout: float | None,
    headers: dict[str, str],
    token: bool | str | None,
    local_files_only: bool,
    relative_filename: str | None = None,
    storage_folder: str | None = None,
    retry_on_errors: bool = False,
) -> _Metadata:
    """HEAD the file; errors that allow a fallback to the cache are returned, the others raised."""
    if local_files_only:
        return _Metadata(
            error=OfflineModeIsEnabled(
                f"Cannot access file since 'local_files_only=True' as been set. (repo_id: {repo_id}, repo_type:"
                f" {repo_type}, revision: {revision}, filename: {filename})"
            )
        )
    url = hf_hub_url(repo_id, filename, repo_type=repo_type, revision=revision, endpoint=endpoint)
    try:
        try:
            metadata = get_hf_file_metadata(
                url=url, timeout=etag_timeout, headers=headers, token=token, endpoint=endpoint,
                retry_on_errors=retry_on_errors,
            )  # fmt: skip
        except RemoteEntryNotFoundError as http_error:
            _record_missing_entry(http_error, storage_folder, relative_filename, revision)
            raise
        if metadata.commit_hash is None:
            raise FileMetadataError(
                "Distant resource does not seem to be on huggingface.co. It is possible that a configuration issue"
                " prevents you from downloading resources from https://huggingface.co. Please check your firewall"
                " and proxy settings and make sure your SSL certificates are updated."
            )
        if metadata.etag is None:
            raise FileMetadataError(
                "Distant resource does not have an ETag, we won't be able to reliably ensure reproducibility."
            )
        if metadata.size is None:
            raise FileMetadataError("Distant resource does not have a Content-Length.")
        download_url, download_headers = url, headers
        if metadata.xet_file_data is None and metadata.location != url:
            # The CDN (or any other host) never gets the token.
            download_url = metadata.location
            if urlparse(url).netloc != urlparse(download_url).netloc:
                download_headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        return _Metadata(
            url=download_url, download_headers=download_headers,
            displayed_filename=displayed_filename(
                download_url, getattr(metadata, "_content_disposition", None), metadata.location
            ),
            etag=metadata.etag,
            commit_hash=metadata.commit_hash, size=metadata.size, xet_file_data=metadata.xet_file_data,
        )  # fmt: skip
    except (requests.exceptions.ProxyError, requests.exceptions.SSLError):
        raise
    except (RevisionNotFoundError, RemoteEntryNotFoundError):
        raise
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, OfflineModeIsEnabled) as error:
        return _Metadata(error=error)
    except HfHubHTTPError as error:
        return _Metadata(error=error)
    except FileMetadataError as error:
        return _Metadata(error=error)


def _record_missing_entry(
    error: RemoteEntryNotFoundError, storage_folder: str | None, relative_filename: str | None, revision: str
) -> None:
    """Remember in `.no_exist/<commit>/` that a file does not exist (cache mode only)."""
    if storage_folder is None or relative_filename is None or error.response is None:
        return
    commit_hash = error.response.headers.get(constants.HUGGINGFACE_HEADER_X_REPO_COMMIT)
    if commit_hash is None:
        return
    no_exist_root = Path(storage_folder) / ".no_exist"
    no_exist_file_path = no_exist_root / commit_hash / relative_filename
    try:
        if no_exist_root.resolve() not in no_exist_file_path.resolve().parents:
            raise ValueError(f"Invalid commit hash {commit_hash!r}")
        no_exist_file_path.parent.mkdir(parents=True, exist_ok=True)
        no_exist_file_path.touch()
    except (OSError, ValueError) as e:
        logger.error(f"Could not cache non-existence of file. Will ignore error and continue. Error: {e}")
    try:
        _cache_commit_hash_for_specific_revision(storage_folder, revision, commit_hash)
    except OSError:
        pass


def _is_retryable(error: Exception) -> bool:
    if isinstance(error, (requests.exceptions.Timeout, requests.exceptions.ConnectionError)):
        return not isinstance(error, OfflineModeIsEnabled)
    if isinstance(error, HfHubHTTPError) and error.response is not None:
        return error.response.status_code in _RETRYABLE_STATUSES
    return False


def _retry_or_raise(
    metadata: _Metadata,
    repo_id: str,
    filename: str,
    repo_type: str,
    revision: str,
    endpoint: str | None,
    headers: dict[str, str],
    token: bool | str | None,
    local_files_only: bool,
    force_download: bool,
    storage_folder: str | None,
    relative_filename: str | None,
) -> _Metadata:
    """Nothing cached: try the HEAD once more with retries if the failure may be transient, else raise."""
    assert metadata.error is not None
    if not local_files_only and not force_download and _is_retryable(metadata.error):
        logger.info("No local file found. Retrying..")
        metadata = _get_metadata_or_catch_error(
            repo_id=repo_id, filename=filename, repo_type=repo_type, revision=revision, endpoint=endpoint,
            etag_timeout=_ETAG_RETRY_TIMEOUT, headers=headers, token=token, local_files_only=local_files_only,
            storage_folder=storage_folder, relative_filename=relative_filename, retry_on_errors=True,
        )  # fmt: skip
    if metadata.error is not None:
        _raise_on_head_call_error(metadata.error, force_download, local_files_only)
    return metadata


def _raise_on_head_call_error(head_call_error: Exception, force_download: bool, local_files_only: bool) -> NoReturn:
    """Raise the error a user should see when the metadata could not be fetched and nothing is cached."""
    if force_download:
        if local_files_only:
            raise ValueError("Cannot pass 'force_download=True' and 'local_files_only=True' at the same time.")
        if isinstance(head_call_error, OfflineModeIsEnabled):
            raise ValueError("Cannot pass 'force_download=True' when offline mode is enabled.") from head_call_error
        raise ValueError("Force download failed due to the above error.") from head_call_error
    if local_files_only:
        raise LocalEntryNotFoundError(
            "Cannot find the requested files in the disk cache and outgoing traffic has been disabled. To enable"
            " hf.co look-ups and downloads online, set 'local_files_only' to False."
        )
    if isinstance(head_call_error, (RepositoryNotFoundError, GatedRepoError)) or (
        isinstance(head_call_error, HfHubHTTPError)
        and head_call_error.response is not None
        and head_call_error.response.status_code == 401
    ):
        raise head_call_error
    raise LocalEntryNotFoundError(
        "An error happened while trying to locate the file on the Hub and we cannot find the requested files in the"
        " local cache. Please check your connection and try again or make sure your Internet connection is on."
    ) from head_call_error


def _sha256_of(path: str | Path) -> str:
    with open(path, "rb") as f:
        return sha_fileobj(f).hex()


def _copy_no_matter_what(src: str, dst: str) -> None:
    try:
        shutil.copy2(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
