"""Bookkeeping of downloads into a `local_dir`: `.cache/huggingface/` with per-file metadata and locks.

Layout, the same as upstream's so that either client can continue the other's downloads::

    <local_dir>/.cache/huggingface/
        .gitignore                    "*" (no newline)
        CACHEDIR.TAG
        download/<path>.metadata      "<commit>\\n<etag>\\n<timestamp>\\n"
        download/<path>.lock
        download/<dir>/<b64 sha1 of "<name>.metadata">.<etag>.incomplete   while downloading
        trees/<commit>.json           (see `_tree_cache`)

A metadata file counts only while the file it describes was not modified after it was written
(one second of tolerance).
"""

import base64
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from .utils import WeakFileLock, logging

logger = logging.get_logger(__name__)

CACHEDIR_TAG_CONTENT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by huggingface_hub.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)


@dataclass(frozen=True)
class LocalDownloadFilePaths:
    """Paths of one file of a `local_dir` download.

    Attributes:
        file_path (`Path`): the downloaded file.
        lock_path (`Path`): its lock.
        metadata_path (`Path`): its metadata.
    """

    file_path: Path
    lock_path: Path
    metadata_path: Path

    def incomplete_path(self, etag: str) -> Path:
        """Where the file is written while it downloads. Stable across calls, so a cut download resumes."""
        return self.metadata_path.parent / f"{_short_hash(self.metadata_path.name)}.{etag}.incomplete"


@dataclass
class LocalDownloadFileMetadata:
    """What was downloaded at a `local_dir` path: the commit and etag it came from, and when.

    Attributes:
        filename (`str`): path of the file in the repo.
        commit_hash (`str`): commit it was downloaded from.
        etag (`str`): its etag (git blob sha1, or sha256 for large files).
        timestamp (`float`): when the metadata was written (Unix time).
    """

    filename: str
    commit_hash: str
    etag: str
    timestamp: float


def _validate_relative_filename(filename: str) -> None:
    """Refuse a repo path that could escape the folder it is written into.

    Raises:
        `ValueError`: if a segment is `..`, or the path is absolute, drive-relative or UNC.
    """
    segments = filename.replace("\\", "/").split("/")
    if ".." in segments:
        raise ValueError(
            f"Invalid filename '{filename}': cannot contain a '..' path segment. Please ask the repository owner to"
            " rename this file."
        )
    escapes = PurePosixPath(filename).is_absolute() or any(
        PureWindowsPath(part).drive or PureWindowsPath(part).root for part in [filename, *segments]
    )
    if escapes:
        raise ValueError(
            f"Invalid filename '{filename}': cannot be an absolute, drive-relative or UNC path. Please ask the"
            " repository owner to rename this file."
        )


def get_local_download_paths(local_dir: Path, filename: str) -> LocalDownloadFilePaths:
    """The paths of `filename` (a repo path) downloaded into `local_dir`; parent folders are created.

    Raises:
        `ValueError`: if `filename` would land outside `local_dir`.
    """
    _validate_relative_filename(filename)
    sanitized = os.path.join(*filename.split("/"))
    file_path = local_dir / sanitized
    metadata_path = _huggingface_dir(local_dir) / "download" / f"{sanitized}.metadata"
    lock_path = metadata_path.with_suffix(".lock")
    file_path.parent.mkdir(parents=True, exist_ok=True)
    metadata_path.parent.mkdir(parents=True, exist_ok=True)
    return LocalDownloadFilePaths(file_path=file_path, lock_path=lock_path, metadata_path=metadata_path)


def discard_invalid_metadata(metadata_path: Path, error: Exception) -> None:
    """Delete a metadata file that could not be parsed (with upstream's warnings): it is rebuilt from scratch."""
    logger.warning(f"Invalid metadata file {metadata_path}: {error}. Removing it from disk and continue.")
    try:
        metadata_path.unlink()
    except Exception as e:
        logger.warning(f"Could not remove corrupted metadata file {metadata_path}: {e}")


def read_download_metadata(local_dir: Path, filename: str) -> LocalDownloadFileMetadata | None:
    """The metadata of `filename` in `local_dir`, or None if absent, unreadable or outdated.

    An unreadable metadata file is deleted.
    """
    paths = get_local_download_paths(local_dir, filename)
    with WeakFileLock(paths.lock_path):
        if not paths.metadata_path.exists():
            return None
        try:
            with paths.metadata_path.open() as f:
                commit_hash = f.readline().strip()
                etag = f.readline().strip()
                timestamp = float(f.readline().strip())
            metadata = LocalDownloadFileMetadata(
                filename=filename, commit_hash=commit_hash, etag=etag, timestamp=timestamp
            )
        except Exception as e:
            discard_invalid_metadata(paths.metadata_path, e)
            return None
    try:
        # The file must not have changed since the metadata was written.
        if paths.file_path.stat().st_mtime - 1 <= metadata.timestamp:
            return metadata
        logger.info(f"Ignored metadata for '{filename}' (outdated). Will re-compute hash.")
    except FileNotFoundError:
        pass
    return None


def write_download_metadata(local_dir: Path, filename: str, commit_hash: str, etag: str) -> None:
    """Record that `filename` in `local_dir` comes from `commit_hash` with `etag`, as of now."""
    paths = get_local_download_paths(local_dir, filename)
    with WeakFileLock(paths.lock_path):
        with paths.metadata_path.open("w") as f:
            f.write(f"{commit_hash}\n{etag}\n{time.time()}\n")


def _huggingface_dir(local_dir: Path) -> Path:
    """`<local_dir>/.cache/huggingface`, created with its `.gitignore` and `CACHEDIR.TAG`."""
    path = local_dir / ".cache" / "huggingface"
    path.mkdir(exist_ok=True, parents=True)
    gitignore = path / ".gitignore"
    gitignore_lock = path / ".gitignore.lock"
    if not gitignore.exists():
        try:
            with WeakFileLock(gitignore_lock, timeout=0.1):
                gitignore.write_text("*")
        except Exception:
            pass
        try:
            gitignore_lock.unlink()
        except OSError:
            pass
    _create_cachedir_tag(path)
    return path


def _create_cachedir_tag(cache_dir: Path) -> None:
    """Write `CACHEDIR.TAG` (https://bford.info/cachedir/) in `cache_dir` if missing; errors are ignored."""
    tag = cache_dir / "CACHEDIR.TAG"
    if tag.exists():
        return
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tag.write_text(CACHEDIR_TAG_CONTENT)
    except OSError:
        pass


def _short_hash(filename: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha1(filename.encode(), usedforsecurity=False).digest()).decode()
