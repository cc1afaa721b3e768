"""A cache of repository file lists, `trees/<commit>.json`, written by `snapshot_download`.

A commit's tree never changes, so once listed it can be reused with no network: it makes a second
`snapshot_download` of the same commit free, and lets offline calls tell a complete snapshot from
an incomplete one. Format (upstream's, byte for byte: `indent=1`, paths sorted, no final newline)::

    {"format_version": 1, "files": {"<path>": {"size": 1, "blob_id": "...", "lfs_sha256": "...",
                                               "lfs_size": 1, "xet_hash": "..."}}}

The `lfs_*` and `xet_hash` keys appear only when known. A file with another version, invalid JSON,
or any `xet_hash` that is not 64 hex characters is ignored as a whole.
"""

import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass

from .utils import logging

logger = logging.get_logger(__name__)

TREE_CACHE_FORMAT_VERSION = 1

_XET_HASH = re.compile(r"^[0-9a-f]{64}$")
# Absolute path of a tree file -> its entries (a tree never changes once written).
_IN_MEMORY_TREE_CACHE: dict[str, dict[str, "TreeCacheEntry"]] = {}
_IN_MEMORY_TREE_CACHE_LOCK = threading.Lock()


@dataclass(frozen=True)
class TreeCacheEntry:
    """One file of a cached tree.

    Attributes:
        size (`int`): size in bytes.
        blob_id (`str`): git blob id.
        lfs_sha256 (`str`, *optional*): sha256 of an LFS file.
        lfs_size (`int`, *optional*): size of an LFS file.
        xet_hash (`str`, *optional*): Xet hash of a file stored with Xet.
    """

    size: int
    blob_id: str
    lfs_sha256: str | None = None
    lfs_size: int | None = None
    xet_hash: str | None = None


def is_valid_xet_hash(value: str | None) -> bool:
    return value is not None and _XET_HASH.match(value) is not None


def is_valid_tree_entries(entries: dict[str, TreeCacheEntry]) -> bool:
    return all(entry.xet_hash is None or is_valid_xet_hash(entry.xet_hash) for entry in entries.values())


def tree_cache_folder_for_local_dir(local_dir: str) -> str:
    """Where a `local_dir` download keeps its trees."""
    return os.path.join(local_dir, ".cache", "huggingface", "trees")


def _tree_cache_path(tree_cache_folder: str, commit_hash: str) -> str:
    return os.path.abspath(os.path.join(tree_cache_folder, f"{commit_hash}.json"))


def read_tree_cache(tree_cache_folder: str, commit_hash: str) -> dict[str, TreeCacheEntry] | None:
    """The cached file list of `commit_hash`, or None if there is none (or it is unusable)."""
    path = _tree_cache_path(tree_cache_folder, commit_hash)
    with _IN_MEMORY_TREE_CACHE_LOCK:
        cached = _IN_MEMORY_TREE_CACHE.get(path)
    if cached is not None and os.path.exists(path):
        return cached
    entries = _read_tree_cache_from_disk(path)
    if entries is not None:
        with _IN_MEMORY_TREE_CACHE_LOCK:
            _IN_MEMORY_TREE_CACHE[path] = entries
    return entries


def _read_tree_cache_from_disk(path: str) -> dict[str, TreeCacheEntry] | None:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        logger.warning(f"Ignoring corrupted tree cache {path}: {e}")
        return None
    try:
        if data.get("format_version") != TREE_CACHE_FORMAT_VERSION:
            return None
        entries = {
            path_in_repo: TreeCacheEntry(
                size=int(item["size"]),
                blob_id=str(item["blob_id"]),
                lfs_sha256=item.get("lfs_sha256"),
                lfs_size=item.get("lfs_size"),
                xet_hash=item.get("xet_hash"),
            )
            for path_in_repo, item in data["files"].items()
        }
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        logger.warning(f"Ignoring corrupted tree cache {path}: {e}")
        return None
    return entries if is_valid_tree_entries(entries) else None


def write_tree_cache(tree_cache_folder: str, commit_hash: str, entries: dict[str, TreeCacheEntry]) -> None:
    """Save the file list of `commit_hash` atomically; failures are only logged, invalid entries skipped."""
    if not is_valid_tree_entries(entries):
        return
    path = _tree_cache_path(tree_cache_folder, commit_hash)
    files: dict[str, dict] = {}
    for path_in_repo in sorted(entries):
        entry = entries[path_in_repo]
        item: dict = {"size": entry.size, "blob_id": entry.blob_id}
        if entry.lfs_sha256 is not None:
            item["lfs_sha256"] = entry.lfs_sha256
            item["lfs_size"] = entry.lfs_size
        if entry.xet_hash is not None:
            item["xet_hash"] = entry.xet_hash
        files[path_in_repo] = item
    content = json.dumps({"format_version": TREE_CACHE_FORMAT_VERSION, "files": files}, indent=1)
    try:
        os.makedirs(tree_cache_folder, exist_ok=True)
        fd, tmp_path = tempfile.mkstemp(dir=tree_cache_folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(content)
            os.replace(tmp_path, path)
        except BaseException:
            try:
                os.unlink(tmp_path)
            except OSError:
                pass
            raise
    except OSError as e:
        logger.warning(f"Could not write tree cache {path}: {e}")
        return
    with _IN_MEMORY_TREE_CACHE_LOCK:
        _IN_MEMORY_TREE_CACHE[path] = dict(entries)
