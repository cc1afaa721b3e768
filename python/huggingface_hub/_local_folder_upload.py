"""Bookkeeping of `upload_large_folder` inside the uploaded folder: one metadata file and one lock per file.

Layout, the same as upstream's so that either client can resume the other's upload::

    <folder>/.cache/huggingface/          (see `_local_folder._huggingface_dir`: `.gitignore` and `CACHEDIR.TAG`)
        upload/<path>.metadata
        upload/<path>.lock

A metadata file is 8 newline-terminated lines; an empty line means "not known yet":

    1. Unix time of the save (float)      5. upload mode, `regular` or `lfs`
    2. size of the file (int)             6. id of what the Hub holds at that path (from preupload)
    3. should be ignored, `0` or `1`      7. LFS object uploaded, `0` or `1`
    4. sha256 (hex)                       8. committed, `0` or `1`

It is trusted only while the file was not modified after the save; an upload not committed within 20 hours is
assumed lost (the Hub garbage-collects unreferenced objects) and done again.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

from ._local_folder import _huggingface_dir, _validate_relative_filename, discard_invalid_metadata
from .utils import WeakFileLock, logging

logger = logging.get_logger(__name__)

# An uploaded but uncommitted object older than this may have been garbage-collected by the Hub.
_UPLOAD_EXPIRY_SECONDS = 20 * 3600
_UPLOAD_MODES = ("regular", "lfs")


@dataclass(frozen=True)
class LocalUploadFilePaths:
    """Paths of one file of a folder being uploaded.

    Attributes:
        path_in_repo (`str`): path of the file in the repository (`/`-separated).
        file_path (`Path`): the file.
        lock_path (`Path`): lock guarding its metadata.
        metadata_path (`Path`): its metadata.
    """

    path_in_repo: str
    file_path: Path
    lock_path: Path
    metadata_path: Path


@dataclass
class LocalUploadFileMetadata:
    """What is known of one file of a large upload; `None` means "not known yet".

    Attributes:
        size (`int`): size of the file.
        timestamp (`float`, *optional*): when the metadata was last saved.
        should_ignore (`bool`, *optional*): whether the Hub's `.gitignore` excludes the file.
        sha256 (`str`, *optional*): hex digest of the content.
        upload_mode (`str`, *optional*): `"regular"` or `"lfs"`, as the Hub decided.
        remote_oid (`str`, *optional*): id of what the Hub holds at that path, if anything.
        is_uploaded (`bool`): the LFS object is stored on the Hub.
        is_committed (`bool`): the file is committed.
    """

    size: int
    timestamp: float | None = None
    should_ignore: bool | None = None
    sha256: str | None = None
    upload_mode: str | None = None
    remote_oid: str | None = None
    is_uploaded: bool = False
    is_committed: bool = False

    def save(self, paths: LocalUploadFilePaths) -> None:
        """Write the metadata (8 lines, see the module docstring) and remember when."""
        now = time.time()
        lines = [
            str(now),
            str(self.size),
            _optional(None if self.should_ignore is None else int(self.should_ignore)),
            _optional(self.sha256),
            _optional(self.upload_mode),
            _optional(self.remote_oid),
            str(int(self.is_uploaded)),
            str(int(self.is_committed)),
        ]
        with WeakFileLock(paths.lock_path):
            with paths.metadata_path.open("w") as f:
                f.write("".join(line + "\n" for line in lines))
        self.timestamp = now


def _optional(value: object) -> str:
    return "" if value is None else str(value)


def get_local_upload_paths(local_dir: Path, filename: str) -> LocalUploadFilePaths:
    """The paths of `filename` (a repo path) in the folder `local_dir`; parent folders are created.

    Raises:
        `ValueError`: if `filename` would land outside `local_dir`.
    """
    _validate_relative_filename(filename)
    native = os.path.join(*filename.split("/"))
    metadata_path = _huggingface_dir(local_dir) / "upload" / f"{native}.metadata"
    paths = LocalUploadFilePaths(
        path_in_repo=filename,
        file_path=local_dir / native,
        lock_path=metadata_path.with_suffix(".lock"),
        metadata_path=metadata_path,
    )
    paths.file_path.parent.mkdir(parents=True, exist_ok=True)
    metadata_path.parent.mkdir(parents=True, exist_ok=True)
    return paths


def read_upload_metadata(local_dir: Path, filename: str) -> LocalUploadFileMetadata:
    """What is known of `filename` in `local_dir`: the saved metadata if still valid, else only its size.

    An unreadable metadata file is deleted.
    """
    paths = get_local_upload_paths(local_dir, filename)
    with WeakFileLock(paths.lock_path):
        metadata = _parse(paths) if paths.metadata_path.exists() else None
    if metadata is not None:
        assert metadata.timestamp is not None  # always parsed
        if (
            metadata.is_uploaded
            and not metadata.is_committed
            and time.time() - metadata.timestamp > _UPLOAD_EXPIRY_SECONDS
        ):
            metadata.is_uploaded = False
        try:
            if paths.file_path.stat().st_mtime <= metadata.timestamp:
                return metadata
            logger.info(f"Ignored metadata for '{filename}' (outdated). Will re-compute hash.")
        except FileNotFoundError:
            pass
    return LocalUploadFileMetadata(size=paths.file_path.stat().st_size)


def _parse(paths: LocalUploadFilePaths) -> LocalUploadFileMetadata | None:
    try:
        with paths.metadata_path.open() as f:
            fields = [f.readline().strip() for _ in range(8)]
        upload_mode = fields[4] or None
        if upload_mode is not None and upload_mode not in _UPLOAD_MODES:
            raise ValueError(f"Invalid upload mode in metadata {paths.path_in_repo}: {upload_mode}")
        return LocalUploadFileMetadata(
            timestamp=float(fields[0]),
            size=int(fields[1]),
            should_ignore=None if fields[2] == "" else bool(int(fields[2])),
            sha256=fields[3] or None,
            upload_mode=upload_mode,
            remote_oid=fields[5] or None,
            is_uploaded=bool(int(fields[6])),
            is_committed=bool(int(fields[7])),
        )
    except Exception as e:
        discard_invalid_metadata(paths.metadata_path, e)
        return None
