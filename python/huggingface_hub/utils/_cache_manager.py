"""Scan the Hugging Face cache (``HF_HUB_CACHE``) and plan deletions in it.

[`scan_cache_dir`] returns an [`HFCacheInfo`]: the cached repos, their revisions and files, sizes and times,
plus the problems found on the way (a corrupted repo is reported in ``warnings`` and left out). The walk,
the ``stat`` calls and the symlink resolution run in Rust (``_rust.scan_cache``), in parallel over repos;
this module turns the result into frozen dataclasses. The files of a revision stay in Rust until
``CachedRevisionInfo.files`` is first read, so that listing a large cache does not build hundreds of
thousands of objects nobody looks at.

[`HFCacheInfo.delete_revisions`] plans what to delete (a [`DeleteCacheStrategy`]) and its ``execute()``
deletes it, refs and snapshots before the blobs they point to.
"""

import locale
import os
import shutil
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .. import constants
from ..errors import CacheNotFound, CorruptedCacheException
from . import logging
from ._parsing import format_timesince
from ._terminal import tabulate

logger = logging.get_logger(__name__)

REPO_TYPE_T = Literal["model", "dataset", "space"]

# Helper files some operating systems drop in every folder; never part of a cache.
FILES_TO_IGNORE = [".DS_Store", "Thumbs.db", "desktop.ini"]


@dataclass(frozen=True)
class CachedFileInfo:
    """One file of a cached revision.

    Args:
        file_name (`str`):
            Name of the file, e.g. `config.json`.
        file_path (`Path`):
            Path of the file in the `snapshots` folder; normally a symlink to a blob.
        blob_path (`Path`):
            Path of the blob the file resolves to (`file_path.resolve()`).
        size_on_disk (`int`):
            Size of the blob, in bytes.
        blob_last_accessed (`float`):
            Last access time of the blob (shared by every revision using it), as a timestamp.
        blob_last_modified (`float`):
            Last modification (or creation) time of the blob, as a timestamp.

    > [!WARNING]
    > How reliable access and modification times are depends on the operating system and the file system
    > (see the Python documentation of `os.stat_result`).
    """

    file_name: str
    file_path: Path
    blob_path: Path
    size_on_disk: int

    blob_last_accessed: float
    blob_last_modified: float

    @property
    def blob_last_accessed_str(self) -> str:
        """(property) `blob_last_accessed` relative to now, e.g. "2 weeks ago"."""
        return format_timesince(self.blob_last_accessed)

    @property
    def blob_last_modified_str(self) -> str:
        """(property) `blob_last_modified` relative to now, e.g. "2 weeks ago"."""
        return format_timesince(self.blob_last_modified)

    @property
    def size_on_disk_str(self) -> str:
        """(property) `size_on_disk` for humans, e.g. "42.2K"."""
        return _format_size(self.size_on_disk)


class _LazyFiles:
    """The files of one revision, still in Rust: built into a frozenset on first read."""

    __slots__ = ("_files", "_index")

    def __init__(self, files: Any, index: int) -> None:
        self._files = files  # _rust.CachedRepoFiles
        self._index = index

    def __len__(self) -> int:
        return self._files.count(self._index)

    def materialize(self) -> frozenset[CachedFileInfo]:
        blob_paths: dict[str, Path] = {}  # one Path per blob, however many files point to it
        files = []
        for name, file_path, blob_path, size, accessed, modified in self._files.revision(self._index):
            blob = blob_paths.get(blob_path)
            if blob is None:
                blob = blob_paths[blob_path] = Path(blob_path)
            files.append(CachedFileInfo(name, Path(file_path), blob, size, accessed, modified))
        return frozenset(files)


class _FilesField:
    """Descriptor behind `CachedRevisionInfo.files`: holds a frozenset, or a `_LazyFiles` turned into one on
    first read. Installed after the dataclass is built, so the dataclass machinery sees a plain field."""

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__["files"]
        if type(value) is _LazyFiles:
            value = obj.__dict__["files"] = value.materialize()
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        # Reached from the dataclass `__init__` only: the frozen `__setattr__` refuses assignments first.
        obj.__dict__["files"] = value


@dataclass(frozen=True)
class CachedRevisionInfo:
    """One revision of a cached repo: a folder of `snapshots/`.

    The folder mirrors the repo tree on the Hub at that commit, with symlinks to the blobs. A revision is
    referenced by zero or more refs; without any, it is "detached".

    Args:
        commit_hash (`str`):
            Hash of the revision, e.g. `"9338f7b671827df886678df2bdd7cc7b4f36dffd"`.
        snapshot_path (`Path`):
            Path of the revision folder in `snapshots/`.
        size_on_disk (`int`):
            Sum of the sizes of the distinct blobs the revision uses.
        files (`frozenset[CachedFileInfo]`):
            The files of the revision.
        refs (`frozenset[str]`):
            The refs pointing to this revision, e.g. `{"main", "2.4.0"}` or `{"refs/pr/1"}`.
        last_modified (`float`):
            Latest modification time of its blobs (of the folder itself when it holds no file).

    > [!WARNING]
    > There is no `last_accessed`: blobs are shared between revisions, so it cannot be told per revision.

    > [!WARNING]
    > `size_on_disk` counts each blob once and ignores the (small) size of folders and symlinks.
    """

    commit_hash: str
    snapshot_path: Path
    size_on_disk: int
    files: frozenset[CachedFileInfo]
    refs: frozenset[str]

    last_modified: float

    def __hash__(self) -> int:
        # Equal revisions have equal hashes and paths, so this agrees with `__eq__`; unlike hashing every
        # field, it does not build the files of the revision.
        return hash((self.commit_hash, self.snapshot_path))

    def __getstate__(self) -> dict[str, Any]:
        # Pickle and copy the files themselves, never the handle on Rust memory.
        return {**self.__dict__, "files": self.files}

    @property
    def last_modified_str(self) -> str:
        """(property) `last_modified` relative to now, e.g. "2 weeks ago"."""
        return format_timesince(self.last_modified)

    @property
    def size_on_disk_str(self) -> str:
        """(property) `size_on_disk` for humans, e.g. "42.2K"."""
        return _format_size(self.size_on_disk)

    @property
    def nb_files(self) -> int:
        """(property) Number of files in the revision."""
        return len(self.__dict__["files"])


setattr(CachedRevisionInfo, "files", _FilesField())  # noqa: B010 (a descriptor, not a value)


@dataclass(frozen=True)
class CachedRepoInfo:
    """One cached repo.

    Args:
        repo_id (`str`):
            Id of the repo on the Hub, e.g. `"google/fleurs"`.
        repo_type (`Literal["dataset", "model", "space"]`):
            Type of the repo.
        repo_path (`Path`):
            Path of the repo folder in the cache.
        size_on_disk (`int`):
            Sum of the sizes of the distinct blobs used by its revisions.
        nb_files (`int`):
            Number of distinct blobs used by its revisions.
        revisions (`frozenset[CachedRevisionInfo]`):
            The cached revisions.
        last_accessed (`float`):
            Latest access time of its blobs (of the repo folder when there is no blob).
        last_modified (`float`):
            Latest modification time of its blobs (of the repo folder when there is no blob).

    > [!WARNING]
    > `size_on_disk` can be less than the sum of the revision sizes (blobs shared between revisions) and
    > ignores the (small) size of folders and symlinks.

    > [!WARNING]
    > How reliable access and modification times are depends on the operating system and the file system
    > (see the Python documentation of `os.stat_result`).
    """

    repo_id: str
    repo_type: REPO_TYPE_T
    repo_path: Path
    size_on_disk: int
    nb_files: int
    revisions: frozenset[CachedRevisionInfo]

    last_accessed: float
    last_modified: float

    @property
    def last_accessed_str(self) -> str:
        """(property) `last_accessed` relative to now, e.g. "2 weeks ago"."""
        return format_timesince(self.last_accessed)

    @property
    def last_modified_str(self) -> str:
        """(property) `last_modified` relative to now, e.g. "2 weeks ago"."""
        return format_timesince(self.last_modified)

    @property
    def size_on_disk_str(self) -> str:
        """(property) `size_on_disk` for humans, e.g. "42.2K"."""
        return _format_size(self.size_on_disk)

    @property
    def cache_id(self) -> str:
        """The `type/id` identifier the `hf cache` commands use, e.g. `model/gpt2`."""
        return f"{self.repo_type}/{self.repo_id}"

    @property
    def refs(self) -> dict[str, CachedRevisionInfo]:
        """(property) Each ref of the repo and the revision it points to."""
        return {ref: revision for revision in self.revisions for ref in revision.refs}


@dataclass(frozen=True)
class DeleteCacheStrategy:
    """What deleting some revisions means on disk, returned by [`~utils.HFCacheInfo.delete_revisions`].

    Nothing is deleted until `execute()` is called, so the plan can be shown first (a dry run).

    Args:
        expected_freed_size (`float`):
            Bytes freed once the strategy is executed.
        blobs (`frozenset[Path]`):
            Blob files to delete.
        refs (`frozenset[Path]`):
            Ref files to delete.
        repos (`frozenset[Path]`):
            Whole repo folders to delete.
        snapshots (`frozenset[Path]`):
            Snapshot folders (of symlinks) to delete.
    """

    expected_freed_size: int
    blobs: frozenset[Path]
    refs: frozenset[Path]
    repos: frozenset[Path]
    snapshots: frozenset[Path]

    @property
    def expected_freed_size_str(self) -> str:
        """(property) `expected_freed_size` for humans, e.g. "42.2K"."""
        return _format_size(self.expected_freed_size)

    def execute(self) -> None:
        """Delete what the strategy lists.

        Repos go first, then snapshots, then refs, and blobs last: if the process stops midway, no ref or
        symlink is left pointing to a deleted blob. A path that no longer exists is reported with a warning
        and skipped. Symlinks are removed, never followed.

        > [!WARNING]
        > Deleted files are gone: they must be downloaded again.
        """
        for path in self.repos:
            _try_delete_path(path, path_type="repo")
        for path in self.snapshots:
            _try_delete_path(path, path_type="snapshot")
        for path in self.refs:
            _try_delete_path(path, path_type="ref")
        for path in self.blobs:
            _try_delete_path(path, path_type="blob")
        logger.info(f"Cache deletion done. Saved {self.expected_freed_size_str}.")


@dataclass(frozen=True)
class CachedIncompleteFileInfo:
    """A partial download left behind in a `blobs/` folder (`<etag>.<suffix>.incomplete`).

    It belongs to no revision, so [`scan_cache_dir`] lists it on its own.

    Args:
        file_path (`Path`):
            Path of the `.incomplete` file.
        size_on_disk (`int`):
            Bytes downloaded so far.
    """

    file_path: Path
    size_on_disk: int


@dataclass(frozen=True)
class HFCacheInfo:
    """The whole cache, as [`scan_cache_dir`] found it.

    Args:
        size_on_disk (`int`):
            Sum of the sizes of the valid repos.
        repos (`frozenset[CachedRepoInfo]`):
            The valid cached repos.
        incomplete_files (`frozenset[CachedIncompleteFileInfo]`):
            Partial downloads found in `*/blobs/`.
        warnings (`list[CorruptedCacheException]`):
            What made the scan skip a folder (one exception per skipped repo).

    > [!WARNING]
    > Corrupted repos are left out, so their size is not in `size_on_disk`.
    """

    size_on_disk: int
    repos: frozenset[CachedRepoInfo]
    incomplete_files: frozenset[CachedIncompleteFileInfo]
    warnings: list[CorruptedCacheException]

    @property
    def size_on_disk_str(self) -> str:
        """(property) `size_on_disk` for humans, e.g. "42.2K"."""
        return _format_size(self.size_on_disk)

    @property
    def incomplete_size_on_disk(self) -> int:
        """(property) Bytes held by partial downloads."""
        return sum(file.size_on_disk for file in self.incomplete_files)

    def delete_revisions(self, *revisions: str) -> DeleteCacheStrategy:
        """Plan the deletion of cached revisions, given by commit hash.

        The hashes may belong to different repos. A hash that is not in the cache is reported with a warning
        and ignored. When every revision of a repo is deleted, the whole repo folder goes. Otherwise the
        snapshot folders and refs of the deleted revisions go, with the blobs no remaining revision uses.
        Blobs that resolve outside the repo's own folder are never deleted (nor counted).

        Example:
        ```py
        >>> from huggingface_hub import scan_cache_dir
        >>> strategy = scan_cache_dir().delete_revisions("81fd1d6e7847c99f5862c9fb81387956d99ec7aa")
        >>> print(f"Will free {strategy.expected_freed_size_str}.")
        Will free 7.9K.
        >>> strategy.execute()
        Cache deletion done. Saved 7.9K.
        ```

        > [!WARNING]
        > The returned [`~utils.DeleteCacheStrategy`] does nothing until executed.
        """
        return _plan_deletion(self.repos, revisions)

    def export_as_table(self, *, verbosity: int = 0) -> str:
        """The cache as a text table, one row per repo (`verbosity=0`) or per revision (`verbosity=1`).

        Repo rows: "REPO ID", "REPO TYPE", "SIZE ON DISK", "NB FILES", "LAST_ACCESSED", "LAST_MODIFIED",
        "REFS", "LOCAL PATH". Revision rows: "REPO ID", "REPO TYPE", "REVISION", "SIZE ON DISK", "NB FILES",
        "LAST_MODIFIED", "REFS", "LOCAL PATH". Rows are sorted by path (then by commit hash).

        Example:
        ```py
        >>> from huggingface_hub.utils import scan_cache_dir
        >>> print(scan_cache_dir().export_as_table())
        REPO ID      REPO TYPE SIZE ON DISK NB FILES LAST_ACCESSED LAST_MODIFIED REFS LOCAL PATH
        ------------ --------- ------------ -------- ------------- ------------- ---- ------------------------------
        roberta-base model             2.7M        5 1 day ago     1 week ago    main ~/.cache/huggingface/hub/...
        ```
        """
        repos = sorted(self.repos, key=lambda repo: repo.repo_path)
        if verbosity == 0:
            return tabulate(
                rows=[
                    [
                        repo.repo_id,
                        repo.repo_type,
                        f"{repo.size_on_disk_str:>12}",
                        repo.nb_files,
                        repo.last_accessed_str,
                        repo.last_modified_str,
                        ", ".join(sorted(repo.refs)),
                        str(repo.repo_path),
                    ]
                    for repo in repos
                ],
                headers=[
                    "REPO ID",
                    "REPO TYPE",
                    "SIZE ON DISK",
                    "NB FILES",
                    "LAST_ACCESSED",
                    "LAST_MODIFIED",
                    "REFS",
                    "LOCAL PATH",
                ],
            )
        return tabulate(
            rows=[
                [
                    repo.repo_id,
                    repo.repo_type,
                    revision.commit_hash,
                    f"{revision.size_on_disk_str:>12}",
                    revision.nb_files,
                    revision.last_modified_str,
                    ", ".join(sorted(revision.refs)),
                    str(revision.snapshot_path),
                ]
                for repo in repos
                for revision in sorted(repo.revisions, key=lambda revision: revision.commit_hash)
            ],
            headers=[
                "REPO ID",
                "REPO TYPE",
                "REVISION",
                "SIZE ON DISK",
                "NB FILES",
                "LAST_MODIFIED",
                "REFS",
                "LOCAL PATH",
            ],
        )


def scan_cache_dir(cache_dir: str | Path | None = None) -> HFCacheInfo:
    """Scan the whole cache and describe it as an [`~HFCacheInfo`].

    Repos are scanned independently; a corrupted one is reported as a [`~CorruptedCacheException`] in
    `warnings` and left out, and the scan goes on.

    ```py
    >>> from huggingface_hub import scan_cache_dir
    >>> info = scan_cache_dir()
    >>> info.size_on_disk_str, len(info.repos), info.warnings
    ('3.4G', 6, [CorruptedCacheException("Snapshots dir doesn't exist in cached repo: ...")])
    ```

    From the command line, `hf cache ls` prints the same information.

    Args:
        cache_dir (`str` or `Path`, *optional*):
            The cache folder. Defaults to `HF_HUB_CACHE`.

    Returns:
        [`~HFCacheInfo`]

    Raises:
        [`~utils.CacheNotFound`]: if the cache folder does not exist.
        `ValueError`: if the cache folder is a file.
        `OSError`: if the cache folder cannot be listed.
    """
    from .. import _rust

    if cache_dir is None:
        cache_dir = constants.HF_HUB_CACHE
    cache_dir = Path(cache_dir).expanduser().resolve()
    if not cache_dir.exists():
        raise CacheNotFound(
            f"Cache directory not found: {cache_dir}. Please use `cache_dir` argument or set `HF_HUB_CACHE`"
            " environment variable.",
            cache_dir=cache_dir,
        )
    if cache_dir.is_file():
        raise ValueError(
            f"Scan cache expects a directory but found a file: {cache_dir}. Please use `cache_dir` argument or"
            " set `HF_HUB_CACHE` environment variable."
        )

    raw_repos, problems, incomplete = _rust.scan_cache(os.fspath(cache_dir))
    outcomes: list[tuple[int, CachedRepoInfo | CorruptedCacheException]] = [
        (raw[0], _build_repo(*raw[1:])) for raw in raw_repos
    ]
    outcomes += [(problem[0], _problem_exception(*problem[1:])) for problem in problems]
    outcomes.sort(key=lambda outcome: outcome[0])

    repos = frozenset(result for _, result in outcomes if isinstance(result, CachedRepoInfo))
    return HFCacheInfo(
        repos=repos,
        size_on_disk=sum(repo.size_on_disk for repo in repos),
        incomplete_files=frozenset(CachedIncompleteFileInfo(Path(path), size) for path, size in incomplete),
        warnings=[result for _, result in outcomes if isinstance(result, CorruptedCacheException)],
    )


def _build_repo(
    repo_path_str: str,
    refs: list[tuple[str, bytes]],
    revisions: list[tuple[str, str, int, float]],
    size: int,
    nb_files: int,
    last_accessed: float,
    last_modified: float,
    files: Any,
) -> CachedRepoInfo | CorruptedCacheException:
    """A repo from the Rust scan, with its refs matched to its revisions (or the error if some don't match)."""
    repo_path = Path(repo_path_str)
    repo_type, repo_id = repo_path.name.split("--", maxsplit=1)

    refs_by_hash: dict[str, set[str]] = defaultdict(set)
    for ref_name, content in refs:
        refs_by_hash[_decode_ref(content)].add(ref_name)

    cached_revisions = set()
    for index, (commit_hash, snapshot_path, revision_size, revision_last_modified) in enumerate(revisions):
        cached_revisions.add(
            CachedRevisionInfo(
                commit_hash=commit_hash,
                snapshot_path=Path(snapshot_path),
                size_on_disk=revision_size,
                files=_LazyFiles(files, index),  # type: ignore[arg-type]  # the descriptor builds the frozenset
                refs=frozenset(refs_by_hash.pop(commit_hash, set())),
                last_modified=revision_last_modified,
            )
        )
    if refs_by_hash:
        return CorruptedCacheException(
            f"Reference(s) refer to missing commit hashes: {dict(refs_by_hash)} ({repo_path})."
        )
    return CachedRepoInfo(
        repo_id=repo_id.replace("--", "/"),
        repo_type=repo_type[:-1],  # type: ignore[arg-type]  # "models" -> "model", checked by the scan
        repo_path=repo_path,
        size_on_disk=size,
        nb_files=nb_files,
        revisions=frozenset(cached_revisions),
        last_accessed=last_accessed,
        last_modified=last_modified,
    )


def _decode_ref(content: bytes) -> str:
    """A ref file's content as `open(path).read()` gives it: locale encoding, universal newlines.

    Undecodable bytes are escaped rather than raised: such a ref then matches no revision, and the repo is
    reported as corrupted.
    """
    encoding = "utf-8" if sys.flags.utf8_mode else locale.getpreferredencoding(False)
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError:
        text = content.decode(encoding, "surrogateescape")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_PROBLEM_MESSAGES = {
    "not_a_directory": "Repo path is not a directory: {path}",
    "not_a_cache_directory": "Repo path is not a valid HuggingFace cache directory: {path}",
    "no_snapshots": "Snapshots dir doesn't exist in cached repo: {path}",
    "refs_is_file": "Refs directory cannot be a file: {path}",
    "snapshot_is_file": "Snapshots folder corrupted. Found a file: {path}",
    "blob_missing": "Blob missing (broken symlink): {path}",
}


def _problem_exception(
    kind: str, path: str, what: str | None, errno: int | None, message: str | None
) -> CorruptedCacheException:
    """The exception upstream raises (and the scan collects) for a problem found by the Rust scan."""
    if kind == "bad_repo_type":
        repo_type = Path(path).name.split("--", maxsplit=1)[0][:-1]
        return CorruptedCacheException(
            f"Repo type must be `dataset`, `model` or `space`, found `{repo_type}` ({path})."
        )
    if kind == "unreadable":
        # Upstream raises the OSError itself here (the scan stops); we report it and go on.
        reason = os.strerror(errno) if errno is not None else message
        return CorruptedCacheException(f"Cannot read {what}: {path} ({reason}).")
    return CorruptedCacheException(_PROBLEM_MESSAGES[kind].format(path=path))


def _plan_deletion(repos: frozenset[CachedRepoInfo], hashes: tuple[str, ...]) -> DeleteCacheStrategy:
    """The body of `HFCacheInfo.delete_revisions`."""
    hashes_to_delete = set(hashes)
    # Each hash goes to the first repo holding it (two repos can hold the same commit, e.g. a renamed repo).
    selected: dict[CachedRepoInfo, set[CachedRevisionInfo]] = defaultdict(set)
    for repo in repos:
        for revision in repo.revisions:
            if revision.commit_hash in hashes_to_delete:
                selected[repo].add(revision)
                hashes_to_delete.remove(revision.commit_hash)
    if hashes_to_delete:
        logger.warning(f"Revision(s) not found - cannot delete them: {', '.join(hashes_to_delete)}")

    blobs: set[Path] = set()
    refs: set[Path] = set()
    repo_paths: set[Path] = set()
    snapshots: set[Path] = set()
    freed = 0
    for repo, to_delete in selected.items():
        remaining = repo.revisions - to_delete
        if not remaining:
            repo_paths.add(repo.repo_path)
            freed += repo.size_on_disk
            continue

        kept_blobs = {file.blob_path for revision in remaining for file in revision.files}
        storage = Path(os.path.realpath(repo.repo_path))
        for revision in to_delete:
            snapshots.add(revision.snapshot_path)
            refs.update(repo.repo_path / "refs" / ref for ref in revision.refs)
            for file in revision.files:
                if revision.snapshot_path in file.blob_path.parents:
                    # A real file in the snapshot (no symlink support, or added by the user): it goes with the
                    # snapshot folder, so it is counted but not listed.
                    freed += file.size_on_disk
                elif file.blob_path not in blobs and file.blob_path not in kept_blobs:
                    if not file.blob_path.is_relative_to(storage):
                        logger.debug(f"Not deleting {file.blob_path}: outside of the cached repo {storage}.")
                        continue
                    blobs.add(file.blob_path)
                    freed += file.size_on_disk

    return DeleteCacheStrategy(
        blobs=frozenset(blobs),
        refs=frozenset(refs),
        repos=frozenset(repo_paths),
        snapshots=frozenset(snapshots),
        expected_freed_size=freed,
    )


def _format_size(num: int) -> str:
    """Bytes for humans, in decimal units: `9.0`, `1.0K`, `42.2M`..."""
    value = float(num)
    for unit in ["", "K", "M", "G", "T", "P", "E", "Z"]:
        if abs(value) < 1000.0:
            return f"{value:3.1f}{unit}"
        value /= 1000.0
    return f"{value:.1f}Y"


def _try_delete_path(path: Path, path_type: str) -> None:
    """Delete a file or a folder (a symlink is unlinked, not followed); failures become warnings.

    Args:
        path (`Path`):
            What to delete.
        path_type (`str`):
            What it is, for the messages (e.g. "snapshot").
    """
    logger.debug(f"Delete {path_type}: {path}")
    try:
        if path.is_symlink() or path.is_file():
            os.remove(path)
        else:
            shutil.rmtree(path)
    except FileNotFoundError:
        # Already gone: no traceback, there may be many of them.
        logger.warning(f"Couldn't delete {path_type}: file not found ({path})")
    except PermissionError:
        logger.warning(f"Couldn't delete {path_type}: permission denied ({path})", exc_info=True)
    except OSError as error:
        logger.warning(f"Couldn't delete {path_type}: {error} ({path})", exc_info=True)
