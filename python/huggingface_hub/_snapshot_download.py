"""`snapshot_download`: every file of a repo revision (filtered by patterns) into the cache or a `local_dir`.

One request resolves the revision to a commit, one paginated tree listing gives every file's size,
git blob id and LFS SHA-256 (cached in `trees/<commit>.json`), so no per-file HEAD is needed. The
files to fetch go to the Rust engine as one batch over a shared keep-alive pool (large ones over
several ranged connections); cache pointers and `local_dir` metadata are written afterwards, exactly
as `hf_hub_download` would.
"""

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from . import constants
from ._cache_layout import _create_symlink, _get_pointer_path, repo_folder_name
from ._download_progress import SnapshotProgress
from ._local_folder import _create_cachedir_tag, _validate_relative_filename
from ._repo_types import RepoFile
from ._revision import ResolvedRevision
from ._transfer import DownloadJob, run_downloads
from ._tree_cache import TreeCacheEntry, read_tree_cache, tree_cache_folder_for_local_dir, write_tree_cache
from .errors import (
    CachedRepoTreeNotFoundError,
    DryRunError,
    GatedRepoError,
    HfHubHTTPError,
    IncompleteSnapshotError,
    LocalEntryNotFoundError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from .file_download import REGEX_COMMIT_HASH, REGEX_SHA256, DryRunFileInfo, hf_hub_download, hf_hub_url  # noqa: F401
from .utils import (
    build_hf_headers,
    filter_repo_objects,
    get_session,
    hf_raise_for_status,
    http_backoff,
    logging,
    validate_hf_hub_args,
)

logger = logging.get_logger(__name__)


@validate_hf_hub_args
def snapshot_download(
    repo_id: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
    library_name: str | None = None,
    library_version: str | None = None,
    user_agent: dict | str | None = None,
    etag_timeout: float = constants.DEFAULT_ETAG_TIMEOUT,
    force_download: bool = False,
    token: bool | str | None = None,
    local_files_only: bool = False,
    allow_patterns: list[str] | str | None = None,
    ignore_patterns: list[str] | str | None = None,
    max_workers: int = 8,
    tqdm_class: Any | None = None,
    headers: dict[str, str] | None = None,
    endpoint: str | None = None,
    dry_run: bool = False,
) -> str | list[DryRunFileInfo]:
    """Download a whole repo revision (or the files matching the patterns) and return its folder.

    Args:
        repo_id (`str`): `namespace/name` of the repo.
        repo_type (`str`, *optional*): `"model"` (default), `"dataset"`, `"space"` or `"kernel"`.
        revision (`str`, *optional*): branch, tag or commit; `"main"` by default.
        cache_dir (`str` or `Path`, *optional*): the cache; `HF_HUB_CACHE` by default.
        local_dir (`str` or `Path`, *optional*): download into this folder instead of the cache.
        library_name, library_version, user_agent: added to the user-agent.
        etag_timeout (`float`, defaults to 10): kept for compatibility (no per-file HEAD is made).
        force_download (`bool`): download every file even if present.
        token (`str` or `bool`, *optional*): token to send (the saved one by default, `False` for none).
        local_files_only (`bool`): never use the network; return the cached snapshot.
        allow_patterns, ignore_patterns (`str` or `list[str]`, *optional*): glob patterns selecting files.
        max_workers (`int`, defaults to 8): files downloaded at the same time.
        tqdm_class (*optional*): a `tqdm` subclass for the progress bars.
        headers (`dict`, *optional*): extra headers.
        endpoint (`str`, *optional*): the Hub's address.
        dry_run (`bool`): return what would be downloaded (a list of [`DryRunFileInfo`]) without downloading.

    Returns:
        `str`: the snapshot folder (or `local_dir`), or `list[DryRunFileInfo]` with `dry_run=True`.

    Raises:
        [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`], [`~errors.GatedRepoError`]: from
        the Hub. [`~errors.LocalEntryNotFoundError`]: offline and nothing cached.
        [`~errors.IncompleteSnapshotError`]: offline and the cached snapshot lacks files. `OSError`: local errors
        or content that does not match its checksum.
    """
    if cache_dir is None:
        cache_dir = constants.HF_HUB_CACHE
    # Absolute and `~`-expanded, like upstream: the returned snapshot path is absolute.
    cache_dir = str(Path(cache_dir).expanduser().resolve())
    if local_dir is not None:
        local_dir = str(Path(local_dir).expanduser().resolve())
    if revision is None:
        revision = constants.DEFAULT_REVISION
    resolved = getattr(revision, "resolved", None)
    revision = str(resolved) if isinstance(resolved, str) and resolved else str(revision)
    if repo_type is None:
        repo_type = "model"
    if repo_type not in constants.REPO_TYPES_WITH_KERNEL:
        raise ValueError(
            f"Invalid repo type: {repo_type}. Accepted repo types are: {str(constants.REPO_TYPES_WITH_KERNEL)}"
        )
    storage_folder = os.path.join(cache_dir, repo_folder_name(repo_id=repo_id, repo_type=repo_type))
    hf_headers = build_hf_headers(
        token=token, library_name=library_name, library_version=library_version, user_agent=user_agent, headers=headers
    )
    api_endpoint = endpoint if endpoint is not None else constants.ENDPOINT

    commit_hash: str | None = None
    api_call_error: Exception | None = None
    if REGEX_COMMIT_HASH.match(revision):
        commit_hash = revision
    elif not local_files_only:
        try:
            commit_hash = _resolve_commit(api_endpoint, repo_type, repo_id, revision, hf_headers)
        except (requests.exceptions.ProxyError, requests.exceptions.SSLError):
            raise
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, OfflineModeIsEnabled) as error:
            api_call_error = error
        except RevisionNotFoundError:
            raise
        except HfHubHTTPError as error:
            api_call_error = error

    if commit_hash is None or local_files_only:
        return _offline_snapshot(
            repo_id=repo_id, repo_type=repo_type, revision=revision, storage_folder=storage_folder,
            local_dir=local_dir, local_files_only=local_files_only, api_call_error=api_call_error,
            allow_patterns=allow_patterns, ignore_patterns=ignore_patterns, dry_run=dry_run,
        )  # fmt: skip

    tree_folder = tree_cache_folder_for_local_dir(str(local_dir)) if local_dir is not None else storage_folder
    entries = read_tree_cache(tree_folder, commit_hash)
    if entries is None:
        entries = _list_tree(api_endpoint, repo_type, repo_id, commit_hash, hf_headers)
        if not dry_run:
            write_tree_cache(tree_folder, commit_hash, entries)
    filtered = list(
        filter_repo_objects(sorted(entries), allow_patterns=allow_patterns, ignore_patterns=ignore_patterns)
    )

    if revision != commit_hash:
        ref_path = os.path.join(storage_folder, "refs", revision)
        try:
            os.makedirs(os.path.dirname(ref_path), exist_ok=True)
            with open(ref_path, "w") as f:
                f.write(commit_hash)
        except OSError as e:
            logger.warning(f"Ignored error while writing commit hash to {ref_path}: {e}.")

    context = _Context(
        repo_id=repo_id, repo_type=repo_type, commit_hash=commit_hash, endpoint=endpoint, headers=hf_headers,
        cache_dir=cache_dir, storage_folder=storage_folder, force_download=force_download, dry_run=dry_run,
    )  # fmt: skip
    if local_dir is not None:
        local_path = Path(local_dir).expanduser().resolve()
        from ._snapshot_local_dir import plan_local_dir

        plan = plan_local_dir(context, local_path, filtered, entries)
    else:
        plan = _plan_cache(context, filtered, entries)
    if dry_run:
        # Nothing is downloaded, but upstream still draws its bars (every file counted as fetched).
        progress = SnapshotProgress(len(filtered), tqdm_class=tqdm_class, dry_run=True)
        progress.file_done(len(filtered))
        progress.close()
        return plan.dry_run
    _execute(plan, filtered, max_workers=max_workers, tqdm_class=tqdm_class)
    if local_dir is not None:
        return os.path.realpath(local_dir)
    return os.path.join(storage_folder, "snapshots", commit_hash)


class _Context:
    def __init__(self, **kwargs: Any) -> None:
        self.repo_id: str = kwargs["repo_id"]
        self.repo_type: str = kwargs["repo_type"]
        self.commit_hash: str = kwargs["commit_hash"]
        self.endpoint: str | None = kwargs["endpoint"]
        self.headers: dict[str, str] = kwargs["headers"]
        self.cache_dir: str = kwargs["cache_dir"]
        self.storage_folder: str = kwargs["storage_folder"]
        self.force_download: bool = kwargs["force_download"]
        self.dry_run: bool = kwargs["dry_run"]

    def url(self, path: str) -> str:
        return hf_hub_url(
            self.repo_id, path, repo_type=self.repo_type, revision=self.commit_hash, endpoint=self.endpoint
        )


class _Plan:
    """What to do for each file: already there, download (a job), and what to run once downloaded."""

    def __init__(self) -> None:
        self.jobs: list[DownloadJob] = []
        self.job_paths: list[str] = []
        self.after_download: list[Any] = []  # per job: callable(status) -> None
        self.ready: int = 0  # files needing nothing
        self.dry_run: list[DryRunFileInfo] = []


def etag_of(entry: TreeCacheEntry) -> str:
    return entry.lfs_sha256 or entry.blob_id


def size_of(entry: TreeCacheEntry) -> int:
    return entry.lfs_size if entry.lfs_size is not None else entry.size


def _plan_cache(context: _Context, paths: list[str], entries: dict[str, TreeCacheEntry]) -> _Plan:
    plan = _Plan()
    locks_folder = os.path.join(
        context.cache_dir, ".locks", repo_folder_name(repo_id=context.repo_id, repo_type=context.repo_type)
    )
    created_tag = False
    for path in paths:
        entry = entries[path]
        _validate_relative_filename(path)
        etag = etag_of(entry)
        _validate_relative_filename(etag)
        pointer_path = _get_pointer_path(context.storage_folder, context.commit_hash, os.path.join(*path.split("/")))
        blob_path = os.path.join(context.storage_folder, "blobs", etag)
        if context.dry_run:
            is_cached = os.path.exists(pointer_path) or os.path.exists(blob_path)
            plan.dry_run.append(
                DryRunFileInfo(
                    commit_hash=context.commit_hash,
                    file_size=size_of(entry),
                    filename=path,
                    local_path=pointer_path,
                    is_cached=is_cached,
                    will_download=context.force_download or not is_cached,
                )  # fmt: skip
            )
            continue
        if os.path.exists(pointer_path) and not context.force_download:
            plan.ready += 1
            continue
        os.makedirs(os.path.dirname(pointer_path), exist_ok=True)
        if os.path.exists(blob_path) and not context.force_download:
            _create_symlink(blob_path, pointer_path, new_blob=False)
            plan.ready += 1
            continue
        if not created_tag:
            os.makedirs(os.path.dirname(blob_path), exist_ok=True)
            _create_cachedir_tag(Path(context.cache_dir))
            created_tag = True
        plan.jobs.append(
            DownloadJob(
                url=context.url(path),
                headers=context.headers,
                destination=blob_path,
                partial=blob_path + ".incomplete",
                lock=os.path.join(locks_folder, f"{etag}.lock"),
                expected_size=size_of(entry),
                sha256=etag if REGEX_SHA256.match(etag) else None,
                replace=context.force_download,
            )  # fmt: skip
        )
        plan.job_paths.append(path)

        def link(status: str, blob_path: str = blob_path, pointer_path: str = pointer_path) -> None:
            _create_symlink(blob_path, pointer_path, new_blob=status == "downloaded")

        plan.after_download.append(link)
    return plan


def _execute(plan: _Plan, paths: list[str], *, max_workers: int, tqdm_class: Any | None) -> None:
    sizes = [job.expected_size or 0 for job in plan.jobs]
    progress = SnapshotProgress(len(paths), tqdm_class=tqdm_class)
    progress.set_sizes(sizes)
    progress.file_done(plan.ready)
    finished: set[int] = set()

    def on_progress(changes: list[tuple[int, int]], fetched: int) -> None:
        progress(changes, fetched)
        for index, done in changes:
            if done >= sizes[index] and index not in finished:
                finished.add(index)
                progress.file_done()

    error: BaseException | None = None
    try:
        results, error = run_downloads(plan.jobs, progress=on_progress, max_files=max(1, max_workers))
        for index, (result, after) in enumerate(zip(results, plan.after_download, strict=True)):
            if result.status == "downloaded":
                progress.finish(index, sizes[index])
            if result.status in ("downloaded", "present"):
                after(result.status)
                if index not in finished:
                    finished.add(index)
                    progress.file_done()
    except BaseException:
        progress.close(completed=False)
        raise
    progress.close(completed=error is None)
    if error is not None:
        raise error


def _resolve_commit(endpoint: str, repo_type: str, repo_id: str, revision: str, headers: dict[str, str]) -> str:
    """The commit `revision` points to (`GET /api/{type}s/{repo_id}/revision/{revision}`)."""
    url = f"{endpoint}/api/{repo_type}s/{repo_id}/revision/{quote(revision, safe='')}"
    response = get_session().get(url, headers=headers)
    hf_raise_for_status(response)
    sha = response.json().get("sha")
    if not isinstance(sha, str):
        raise ValueError(f"No commit hash in the answer of {url}")
    return sha


def _list_tree(
    endpoint: str, repo_type: str, repo_id: str, commit_hash: str, headers: dict[str, str]
) -> dict[str, TreeCacheEntry]:
    """Every file of a commit, from the paginated tree listing (`Link: <next>; rel="next"`)."""
    url: str | None = f"{endpoint}/api/{repo_type}s/{repo_id}/tree/{quote(commit_hash, safe='')}"
    params: dict[str, str] | None = {"recursive": "true", "expand": "false"}
    entries: dict[str, TreeCacheEntry] = {}
    first = True
    while url is not None:
        if first:
            response = get_session().get(url, params=params, headers=headers)
        else:
            response = http_backoff("GET", url, headers=headers)
        hf_raise_for_status(response)
        for item in response.json():
            if item.get("type") != "file":
                continue
            lfs = item.get("lfs") or None
            entries[item["path"]] = TreeCacheEntry(
                size=int(item["size"]), blob_id=item["oid"],
                lfs_sha256=lfs["oid"] if lfs else None, lfs_size=int(lfs["size"]) if lfs else None,
                xet_hash=item.get("xetHash"),
            )  # fmt: skip
        url = (response.links.get("next") or {}).get("url")
        params, first = None, False
    return entries


def _offline_snapshot(
    *,
    repo_id: str,
    repo_type: str,
    revision: str,
    storage_folder: str,
    local_dir: str | Path | None,
    local_files_only: bool,
    api_call_error: Exception | None,
    allow_patterns: list[str] | str | None,
    ignore_patterns: list[str] | str | None,
    dry_run: bool,
) -> str:
    """The revision could not be resolved online (or must not be): serve the cached snapshot if any."""
    if dry_run:
        raise DryRunError(
            "Dry run cannot be performed as the repository cannot be accessed. Please check your internet"
            " connection or authentication token."
        )
    commit_hash: str | None = revision if REGEX_COMMIT_HASH.match(revision) else None
    ref_path = os.path.join(storage_folder, "refs", revision)
    if commit_hash is None and os.path.isfile(ref_path):
        with open(ref_path) as f:
            commit_hash = f.read()
    reason = (
        "Outgoing traffic is disabled ('local_files_only=True')."
        if local_files_only or api_call_error is None
        else f"The Hub could not be reached ({type(api_call_error).__name__}: {api_call_error})."
    )
    if local_dir is None:
        if commit_hash is not None:
            snapshot_folder = os.path.join(storage_folder, "snapshots", commit_hash)
            if os.path.exists(snapshot_folder):
                _raise_if_incomplete_snapshot(
                    repo_id, revision, commit_hash, snapshot_folder, storage_folder,
                    allow_patterns, ignore_patterns, reason,
                )  # fmt: skip
                return snapshot_folder
    else:
        local_path = Path(local_dir).expanduser()
        if local_path.is_dir() and any(local_path.iterdir()):
            if commit_hash is not None:
                _raise_if_incomplete_snapshot(
                    repo_id, revision, commit_hash, str(local_path), tree_cache_folder_for_local_dir(str(local_path)),
                    allow_patterns, ignore_patterns, reason,
                )  # fmt: skip
            logger.warning(
                f"Returning existing local_dir `{local_dir}` as remote repo cannot be accessed in `snapshot_download`"
                f" ({api_call_error})."
            )
            return str(local_path.resolve())
    if local_files_only:
        raise LocalEntryNotFoundError(
            "Cannot find an appropriate cached snapshot folder for the specified revision on the local disk and"
            " outgoing traffic has been disabled. To enable repo look-ups and downloads online, pass"
            " 'local_files_only=False' as input."
        )
    if isinstance(api_call_error, OfflineModeIsEnabled):
        raise LocalEntryNotFoundError(
            "Cannot find an appropriate cached snapshot folder for the specified revision on the local disk and"
            " outgoing traffic has been disabled. To enable repo look-ups and downloads online, set"
            " 'HF_HUB_OFFLINE=0' as environment variable."
        ) from api_call_error
    if isinstance(api_call_error, (RepositoryNotFoundError, GatedRepoError)) or (
        isinstance(api_call_error, HfHubHTTPError)
        and api_call_error.response is not None
        and api_call_error.response.status_code == 401
    ):
        raise api_call_error
    raise LocalEntryNotFoundError(
        f"Got: {type(api_call_error).__name__}: {api_call_error}\nAn error happened while trying to locate the files"
        " on the Hub, and we cannot find the appropriate snapshot folder for the specified revision on the local"
        " disk. Please check your internet connection and try again."
    ) from api_call_error


def _raise_if_incomplete_snapshot(
    repo_id: str,
    revision: str,
    commit_hash: str,
    snapshot_folder: str,
    tree_folder: str,
    allow_patterns: list[str] | str | None,
    ignore_patterns: list[str] | str | None,
    reason: str,
) -> None:
    """Raise `IncompleteSnapshotError` if the cached tree lists selected files the folder lacks."""
    entries = read_tree_cache(tree_folder, commit_hash)
    if entries is None:
        return  # completeness cannot be known
    wanted = filter_repo_objects(sorted(entries), allow_patterns=allow_patterns, ignore_patterns=ignore_patterns)
    missing = [path for path in wanted if not os.path.exists(os.path.join(snapshot_folder, *path.split("/")))]
    if not missing:
        return
    listed = ", ".join(missing[:3]) + (f", ... ({len(missing) - 3} more)" if len(missing) > 3 else "")
    raise IncompleteSnapshotError(
        f"The cached snapshot for '{repo_id}' (revision '{revision}', commit {commit_hash}) is incomplete:"
        f" {len(missing)} file(s) are missing ({listed}). {reason} Re-run the download with network access to"
        " complete the snapshot.",
        snapshot_path=snapshot_folder,
    )


@validate_hf_hub_args
def get_cached_repo_tree(
    repo_id: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
) -> list[RepoFile]:
    """The file list of a repo revision as cached by [`snapshot_download`], with no network call.

    `snapshot_download` keeps every listed commit in `trees/<commit>.json`; this reads it back. For the
    current listing on the Hub use [`HfApi.list_repo_tree`] instead.

    Args:
        repo_id (`str`): `namespace/name` of the repo.
        repo_type (`str`, *optional*): `"model"` (default), `"dataset"`, `"space"` or `"kernel"`.
        revision (`str`, *optional*): branch, tag or commit hash; the default branch by default. Branches and
            tags are resolved to a commit through the cache's `refs/`.
        cache_dir (`str` or `Path`, *optional*): the cache; `HF_HUB_CACHE` by default.
        local_dir (`str` or `Path`, *optional*): read the listing a `local_dir` download kept in
            `local_dir/.cache/huggingface/`. Branches and tags are still resolved through the main cache, where
            `snapshot_download` records them even for `local_dir` downloads.

    Returns:
        `list[RepoFile]`: the cached files, with `path`, `size`, `blob_id` and `xet_hash` (no `lfs`).

    Raises:
        [`~errors.CachedRepoTreeNotFoundError`]: no listing is cached for this revision.
        `ValueError`: unknown `repo_type`.
    """
    if cache_dir is None:
        cache_dir = constants.HF_HUB_CACHE
    cache_dir = str(Path(cache_dir).expanduser().resolve())
    if local_dir is not None:
        local_dir = str(Path(local_dir).expanduser().resolve())
    if revision is None:
        revision = constants.DEFAULT_REVISION
    if repo_type is None:
        repo_type = constants.REPO_TYPE_MODEL
    if repo_type not in constants.REPO_TYPES_WITH_KERNEL:
        raise ValueError(
            f"Invalid repo type: {repo_type}. Accepted repo types are: {str(constants.REPO_TYPES_WITH_KERNEL)}"
        )
    storage_folder = os.path.join(cache_dir, repo_folder_name(repo_id=repo_id, repo_type=repo_type))
    tree_folder = tree_cache_folder_for_local_dir(local_dir) if local_dir is not None else storage_folder

    if isinstance(revision, ResolvedRevision):
        commit_hash = revision.resolved
    elif REGEX_COMMIT_HASH.match(revision):
        commit_hash = revision
    else:
        ref_path = os.path.join(storage_folder, "refs", revision)
        if not os.path.isfile(ref_path):
            raise CachedRepoTreeNotFoundError(
                f"No cached tree listing found for '{repo_id}' (revision '{revision}', repo_type '{repo_type}'): "
                f"the revision is not a commit hash and no matching ref is cached in '{storage_folder}'. "
                "Download the repo (e.g. with `snapshot_download`) to populate the cache first."
            )
        with open(ref_path) as f:
            commit_hash = f.read()

    entries = read_tree_cache(tree_folder, commit_hash)
    if entries is None:
        raise CachedRepoTreeNotFoundError(
            f"No cached tree listing found for '{repo_id}' (revision '{revision}', commit '{commit_hash}', "
            f"repo_type '{repo_type}') in '{tree_folder}'. Download the repo (e.g. with `snapshot_download`) "
            "to populate the cache first."
        )
    return [
        RepoFile(path=path, size=entry.size, oid=entry.blob_id, xetHash=entry.xet_hash)
        for path, entry in entries.items()
    ]
