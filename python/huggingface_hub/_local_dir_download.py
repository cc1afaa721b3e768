"""`hf_hub_download(..., local_dir=...)`: the file at `local_dir/<path>`, metadata under `.cache/huggingface/`.

Upstream's algorithm: trust the recorded metadata when it is fresh; otherwise HEAD the file, keep the
local copy if its etag (or, for LFS files, its SHA-256) matches; copy from the cache if the cache has
it; else download (resumable partial file under `.cache/huggingface/download/`).
"""

import os
import shutil
from pathlib import Path
from typing import Any

from ._local_folder import get_local_download_paths, read_download_metadata, write_download_metadata
from ._transfer import DownloadJob
from .file_download import (
    REGEX_COMMIT_HASH,
    REGEX_SHA256,
    DryRunFileInfo,
    _check_disk_space,
    _download_one,
    _get_metadata_or_catch_error,
    _retry_or_raise,
    _sha256_of,
    try_to_load_from_cache,
)
from .utils import WeakFileLock, logging

logger = logging.get_logger("huggingface_hub.file_download")


def _hf_hub_download_to_local_dir(
    *,
    local_dir: Path,
    repo_id: str,
    repo_type: str,
    filename: str,
    revision: str,
    endpoint: str | None,
    etag_timeout: float,
    headers: dict[str, str],
    token: bool | str | None,
    cache_dir: str,
    force_download: bool,
    local_files_only: bool,
    tqdm_class: Any | None,
    dry_run: bool,
) -> str | DryRunFileInfo:
    # Windows paths longer than 255 characters need the `\\?\` prefix.
    if os.name == "nt" and len(os.path.abspath(local_dir)) > 255:
        local_dir = Path("\\\\?\\" + os.path.abspath(local_dir))
    paths = get_local_download_paths(local_dir, filename)
    local_metadata = read_download_metadata(local_dir, filename)

    # 1. A commit hash already downloaded there: no network.
    if (
        REGEX_COMMIT_HASH.match(revision)
        and paths.file_path.is_file()
        and local_metadata is not None
        and local_metadata.commit_hash == revision
    ):
        if dry_run:
            return DryRunFileInfo(
                commit_hash=revision, file_size=paths.file_path.stat().st_size, filename=filename, is_cached=True,
                local_path=str(paths.file_path), will_download=force_download,
            )  # fmt: skip
        if not force_download:
            return str(paths.file_path)

    # 2. Metadata.
    metadata = _get_metadata_or_catch_error(
        repo_id=repo_id, filename=filename, repo_type=repo_type, revision=revision, endpoint=endpoint,
        etag_timeout=etag_timeout, headers=headers, token=token, local_files_only=local_files_only,
    )  # fmt: skip
    if metadata.error is not None:
        # 3. The Hub cannot be reached but the file is there: use it.
        if not force_download and paths.file_path.is_file():
            logger.warning(
                "Couldn't access the Hub to check for update but local file already exists. Defaulting to existing"
                f" file. (error: {metadata.error})"
            )
            if dry_run:
                if local_metadata is None:
                    return str(paths.file_path)  # upstream's quirk: a plain path
                return DryRunFileInfo(
                    commit_hash=local_metadata.commit_hash, file_size=paths.file_path.stat().st_size,
                    filename=filename, is_cached=True, local_path=str(paths.file_path), will_download=False,
                )  # fmt: skip
            return str(paths.file_path)
        metadata = _retry_or_raise(metadata, repo_id, filename, repo_type, revision, endpoint, headers, token,
                                   local_files_only, force_download, None, None)  # fmt: skip

    assert metadata.etag is not None and metadata.commit_hash is not None and metadata.url is not None
    etag, commit_hash, size = metadata.etag, metadata.commit_hash, metadata.size

    # 4. The local file is up to date.
    if not force_download and paths.file_path.is_file():
        if local_metadata is not None and local_metadata.etag == etag:
            write_download_metadata(local_dir=local_dir, filename=filename, commit_hash=commit_hash, etag=etag)
            return _done(dry_run, commit_hash, size, filename, paths.file_path, cached=True)
        if local_metadata is None and REGEX_SHA256.match(etag):
            if _sha256_of(paths.file_path) == etag:
                write_download_metadata(local_dir=local_dir, filename=filename, commit_hash=commit_hash, etag=etag)
                return _done(dry_run, commit_hash, size, filename, paths.file_path, cached=True)

    # 5. The cache has it: copy.
    if not force_download:
        cached_path = try_to_load_from_cache(
            repo_id=repo_id, filename=filename, cache_dir=cache_dir, revision=commit_hash, repo_type=repo_type
        )
        if isinstance(cached_path, str):
            if dry_run:
                return _done(dry_run, commit_hash, size, filename, paths.file_path, cached=False)
            with WeakFileLock(paths.lock_path):
                paths.file_path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(cached_path, paths.file_path)
            write_download_metadata(local_dir=local_dir, filename=filename, commit_hash=commit_hash, etag=etag)
            return str(paths.file_path)

    # 6. Dry run: say what would happen.
    if dry_run:
        return DryRunFileInfo(
            commit_hash=commit_hash, file_size=size or 0, filename=filename, is_cached=paths.file_path.is_file(),
            local_path=str(paths.file_path), will_download=True,
        )  # fmt: skip

    # 7. Download, replacing any local copy.
    if size is not None:
        _check_disk_space(size, paths.file_path.parent)
    job = DownloadJob(
        url=metadata.url, headers=metadata.download_headers or headers, destination=str(paths.file_path),
        partial=str(paths.incomplete_path(etag)), lock=str(paths.lock_path), expected_size=size,
        sha256=etag if REGEX_SHA256.match(etag) else None, replace=True,
    )  # fmt: skip
    _download_one(job, metadata.displayed_filename or job.url, tqdm_class)
    write_download_metadata(local_dir=local_dir, filename=filename, commit_hash=commit_hash, etag=etag)
    return str(paths.file_path)


def _done(
    dry_run: bool, commit_hash: str, size: int | None, filename: str, path: Path, *, cached: bool
) -> str | DryRunFileInfo:
    if not dry_run:
        return str(path)
    return DryRunFileInfo(
        commit_hash=commit_hash,
        file_size=size or 0,
        filename=filename,
        is_cached=cached,
        local_path=str(path),
        will_download=False,
    )
