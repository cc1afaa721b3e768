"""The cache layout, byte for byte as upstream writes it, so that both clients share one cache.

::

    <cache>/CACHEDIR.TAG
    <cache>/.locks/<repo folder>/<etag>.lock
    <cache>/<repo folder>/blobs/<etag>                      content (git sha1 or sha256 name)
    <cache>/<repo folder>/refs/<revision>                   40 hex, no newline
    <cache>/<repo folder>/snapshots/<commit>/<path>         relative symlink to ../../blobs/<etag>
    <cache>/<repo folder>/.no_exist/<commit>/<path>         empty: the file does not exist there
    <cache>/<repo folder>/trees/<commit>.json               file list (see `_tree_cache`)

Re-exported by `file_download` under upstream's names.
"""

import os
import shutil
import tempfile
import uuid
import warnings
from pathlib import Path

from . import constants
from .utils import logging

logger = logging.get_logger(__name__)

# Resolved directory -> whether relative symlinks work there.
_are_symlinks_supported_in_dir: dict[str, bool] = {}


def repo_folder_name(*, repo_id: str, repo_type: str) -> str:
    """`models--org--name`: the cache folder of a repo."""
    parts = [f"{repo_type}s", *repo_id.split("/")]
    return constants.REPO_ID_SEPARATOR.join(parts)


def _get_pointer_path(storage_folder: str, revision: str, relative_filename: str) -> str:
    """`snapshots/<revision>/<file>`, refusing any path that would leave `snapshots/`."""
    snapshot_path = os.path.join(storage_folder, "snapshots")
    pointer_path = os.path.join(snapshot_path, revision, relative_filename)
    if Path(os.path.abspath(snapshot_path)) not in Path(os.path.abspath(pointer_path)).parents:
        raise ValueError(
            "Invalid pointer path: cannot create pointer path in snapshot folder if"
            f" `storage_folder='{storage_folder}'`, `revision='{revision}'` and"
            f" `relative_filename='{relative_filename}'`."
        )
    return pointer_path


def _cache_commit_hash_for_specific_revision(storage_folder: str, revision: str, commit_hash: str) -> None:
    """Write `refs/<revision>` (atomically) when it is a branch or tag and differs from what is there."""
    if revision == commit_hash:
        return
    ref_path = Path(storage_folder) / "refs" / revision
    ref_path.parent.mkdir(parents=True, exist_ok=True)
    if ref_path.exists() and ref_path.read_text() == commit_hash:
        return
    tmp_path = ref_path.with_name(f"{ref_path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp_path.write_text(commit_hash)
        os.replace(tmp_path, ref_path)
    finally:
        try:
            tmp_path.unlink()
        except OSError:
            pass


def are_symlinks_supported(cache_dir: str | Path | None = None) -> bool:
    """Whether relative symlinks can be created in `cache_dir` (the hub cache by default).

    Checked once per folder. Without symlink support the cache still works, but files are copied
    (a warning says so once, unless `HF_HUB_DISABLE_SYMLINKS_WARNING` is set).
    """
    if constants.HF_HUB_DISABLE_SYMLINKS:
        return False
    if cache_dir is None:
        cache_dir = constants.HF_HUB_CACHE
    cache_dir = str(Path(cache_dir).expanduser().resolve())
    if cache_dir not in _are_symlinks_supported_in_dir:
        _are_symlinks_supported_in_dir[cache_dir] = True
        os.makedirs(cache_dir, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache_dir) as tmpdir:
            src_path = Path(tmpdir) / "dummy_file_src"
            src_path.touch()
            dst_path = Path(tmpdir) / "dummy_file_dst"
            try:
                os.symlink(os.path.relpath(src_path, os.path.dirname(dst_path)), dst_path)
            except OSError:
                _are_symlinks_supported_in_dir[cache_dir] = False
                if not constants.HF_HUB_DISABLE_SYMLINKS_WARNING:
                    warnings.warn(
                        "`huggingface_hub` cache-system uses symlinks by default to efficiently store duplicated"
                        f" files but your machine does not support them in {cache_dir}. Caching files will still"
                        " work but in a degraded version that might require more space on your disk. This warning"
                        " can be disabled by setting the `HF_HUB_DISABLE_SYMLINKS_WARNING` environment variable."
                        " For more details, see https://huggingface.co/docs/huggingface_hub/how-to-cache#limitations.",
                        stacklevel=2,
                    )
    return _are_symlinks_supported_in_dir[cache_dir]


def _create_symlink(src: str, dst: str, new_blob: bool = False) -> None:
    """Point `dst` (a snapshot path) at `src` (a blob) with a relative symlink.

    Without symlink support the blob is moved there if it is new (`new_blob`), else copied.
    """
    try:
        os.remove(dst)
    except OSError:
        pass
    abs_src = os.path.abspath(os.path.expanduser(src))
    abs_dst = os.path.abspath(os.path.expanduser(dst))
    abs_dst_folder = os.path.dirname(abs_dst)
    try:
        relative_src: str | None = os.path.relpath(abs_src, abs_dst_folder)
    except ValueError:  # different drives on Windows
        relative_src = None
    try:
        commonpath = os.path.commonpath([abs_src, abs_dst])
        supported = are_symlinks_supported(commonpath)
    except ValueError:
        supported = os.name != "nt" and not constants.HF_HUB_DISABLE_SYMLINKS
    except PermissionError:
        supported = are_symlinks_supported(abs_dst_folder)
    except OSError as e:
        if e.errno == 30:  # read-only file system
            supported = are_symlinks_supported(abs_dst_folder)
        else:
            raise

    if supported:
        target = relative_src or abs_src
        try:
            os.symlink(target, abs_dst)
            return
        except FileExistsError:
            if os.path.islink(abs_dst) and os.path.realpath(abs_dst) == os.path.realpath(abs_src):
                return  # created concurrently, same target
            raise
        except PermissionError:
            pass  # fall back to a copy
    if new_blob:
        logger.debug(f"Symlink not supported. Moving file from {abs_src} to {abs_dst}")
        shutil.move(abs_src, abs_dst)
    else:
        logger.debug(f"Symlink not supported. Copying file from {abs_src} to {abs_dst}")
        shutil.copyfile(abs_src, abs_dst)


def _check_disk_space(expected_size: int, target_dir: str | Path) -> None:
    """Warn when the first existing folder up from `target_dir` has less free space than `expected_size`."""
    for path in [Path(target_dir), *Path(target_dir).parents]:
        try:
            free = shutil.disk_usage(path).free
        except OSError:
            continue
        if free < expected_size:
            warnings.warn(
                "Not enough free disk space to download the file. The expected file size is:"
                f" {expected_size / 1e6:.2f} MB. The target location {path} only has {free / 1e6:.2f} MB free"
                " disk space.",
                stacklevel=2,
            )
        return
