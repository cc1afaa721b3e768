"""A cache of repository file lists, `trees/<commit>.json`, written by `snapshot_download`.

A commit's tree never changes, so once listed it can be reused with no network: it makes a second
`snapshot_download` of the same commit free, and lets offline calls tell a complete snapshot from
an incomplete one. The file is `<tree_cache_folder>/trees/<commit>.json`, where the folder is the repo's
storage folder in the cache, or `<local_dir>/.cache/huggingface` for a `local_dir` download.
Format (upstream's, byte for byte: `indent=1`, paths sorted, no final newline)::

    {"format_version": 1, "files": {"<path>": {"size": 1, "blob_id": "...", "lfs_sha256": "...",
                                               "lfs_size": 1, "xet_hash": "..."}}}

The `lfs_*` and `xet_hash` keys appear only when known. A file with another version, invalid JSON,
or any `xet_hash` that is not 64 hex characters is ignored as a whole.
"""

import json
import os
import tempfile
import threading
from dataclasses import dataclass

from .utils import logging
from .utils._xet import is_valid_xet_hash

logger = logging.get_logger(__name__)

TREE_CACHE_FORMAT_VERSION = 1

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

    def to_json(self) -> dict:
        """The entry as stored in the file: `lfs_*` and `xet_hash` only when known."""
        info: dict = {"size": self.size, "blob_id": self.blob_id}
        if self.lfs_sha256 is not None:
            info["lfs_sha256"] = self.lfs_sha256
            info["lfs_size"] = self.lfs_size
        if self.xet_hash is not None:
            info["xet_hash"] = self.xet_hash
        return info

    @classmethod
    def from_json(cls, info: dict) -> "TreeCacheEntry":
        """Read back what `to_json` wrote; a missing `size` or `blob_id` raises `KeyError`."""
        return cls(
            size=info["size"],
            blob_id=info["blob_id"],
            lfs_sha256=info.get("lfs_sha256"),
            lfs_size=info.get("lfs_size"),
            xet_hash=info.get("xet_hash"),
        )


def is_valid_tree_entries(entries: dict[str, TreeCacheEntry]) -> bool:
    # A non-string hash (a hand-edited file) is as invalid as a malformed one, not a crash.
    return all(
        entry.xet_hash is None or (isinstance(entry.xet_hash, str) and is_valid_xet_hash(entry.xet_hash))
        for entry in entries.values()
    )


def tree_cache_folder_for_local_dir(local_dir: str) -> str:
    """The folder holding `trees/` for a `local_dir` download (next to its per-file metadata)."""
    return os.path.join(local_dir, ".cache", "huggingface")


def _tree_cache_path(tree_cache_folder: str, commit_hash: str) -> str:
    return os.path.abspath(os.path.join(tree_cache_folder, "trees", f"{commit_hash}.json"))


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
        entries = {path_in_repo: TreeCacheEntry.from_json(item) for path_in_repo, item in data["files"].items()}
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        logger.warning(f"Ignoring corrupted tree cache {path}: {e}")
        return None
    return entries if is_valid_tree_entries(entries) else None


def write_tree_cache(tree_cache_folder: str, commit_hash: str, entries: dict[str, TreeCacheEntry]) -> None:
    """Save the file list of `commit_hash` atomically; failures are only logged, invalid entries skipped."""
    if not is_valid_tree_entries(entries):
        return
    path = _tree_cache_path(tree_cache_folder, commit_hash)
    files = {path_in_repo: entries[path_in_repo].to_json() for path_in_repo in sorted(entries)}
    content = json.dumps({"format_version": TREE_CACHE_FORMAT_VERSION, "files": files}, indent=1)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp_path = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
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
