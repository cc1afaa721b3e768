"""The `local_dir` side of `snapshot_download`: decide per file from the tree listing, with no HEAD.

Same decisions as `hf_hub_download(..., local_dir=...)`, with the etag taken from the tree: a file
whose recorded etag matches (or, for LFS files without metadata, whose SHA-256 matches) is kept; a
file present in the cache is copied; the rest is downloaded in one batch and its metadata written.
"""

import shutil
from pathlib import Path

from ._local_folder import get_local_download_paths, read_download_metadata, write_download_metadata
from ._snapshot_download import _Context, _Plan, etag_of, size_of
from ._transfer import DownloadJob
from ._tree_cache import TreeCacheEntry
from .file_download import REGEX_SHA256, DryRunFileInfo, _sha256_of, try_to_load_from_cache
from .utils import WeakFileLock


def plan_local_dir(context: _Context, local_dir: Path, paths: list[str], entries: dict[str, TreeCacheEntry]) -> _Plan:
    plan = _Plan()
    commit = context.commit_hash
    for path in paths:
        entry = entries[path]
        etag = etag_of(entry)
        files = get_local_download_paths(local_dir, path)
        exists = files.file_path.is_file()
        metadata = read_download_metadata(local_dir, path) if exists else None
        up_to_date = False
        if exists and not context.force_download:
            if metadata is not None and metadata.etag == etag:
                up_to_date = True
            elif metadata is None and REGEX_SHA256.match(etag) and not context.dry_run:
                up_to_date = _sha256_of(files.file_path) == etag
        if context.dry_run:
            plan.dry_run.append(
                DryRunFileInfo(
                    commit_hash=commit,
                    file_size=size_of(entry),
                    filename=path,
                    local_path=str(files.file_path),
                    is_cached=exists and (up_to_date or (metadata is not None and metadata.etag == etag)),
                    will_download=context.force_download or not up_to_date,
                )  # fmt: skip
            )
            continue
        if up_to_date:
            if metadata is None or metadata.commit_hash != commit:
                write_download_metadata(local_dir=local_dir, filename=path, commit_hash=commit, etag=etag)
            plan.ready += 1
            continue
        if not context.force_download:
            cached = try_to_load_from_cache(
                repo_id=context.repo_id, filename=path, cache_dir=context.cache_dir, revision=commit,
                repo_type=context.repo_type,
            )  # fmt: skip
            if isinstance(cached, str):
                with WeakFileLock(files.lock_path):
                    shutil.copyfile(cached, files.file_path)
                write_download_metadata(local_dir=local_dir, filename=path, commit_hash=commit, etag=etag)
                plan.ready += 1
                continue
        plan.jobs.append(
            DownloadJob(
                url=context.url(path),
                headers=context.headers,
                destination=str(files.file_path),
                partial=str(files.incomplete_path(etag)),
                lock=str(files.lock_path),
                expected_size=size_of(entry),
                sha256=etag if REGEX_SHA256.match(etag) else None,
                replace=True,
            )  # fmt: skip
        )
        plan.job_paths.append(path)

        def record(status: str, path: str = path, etag: str = etag) -> None:
            write_download_metadata(local_dir=local_dir, filename=path, commit_hash=commit, etag=etag)

        plan.after_download.append(record)
    return plan
