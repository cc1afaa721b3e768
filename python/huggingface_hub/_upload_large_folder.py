"""`upload_large_folder`: a resumable upload of a folder in many commits, by a pool of worker threads.

Each file goes through four steps, each one a job a worker can take: hash it (sha256), ask the Hub how to store it
(preupload: regular or LFS, ignored or not), upload its LFS object, commit it (in batches). After every step the
file's state is saved in `<folder>/.cache/huggingface/upload/` (see `_local_folder_upload`), so an interrupted
upload restarts where it stopped: committed files are skipped, uploaded objects are not sent again.

Workers pick their next job by a fixed priority list (`_next_job`) that favours committing often enough, keeps one
worker on each kind of step and never runs two commits at once. A commit batch grows along `COMMIT_SIZE_SCALE`
when commits are quick and shrinks after a failure. A failed job puts its files back in their queue.
"""

import enum
import os
import shutil
import sys
import threading
import time
from collections import defaultdict, deque
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from ._commit_api import CommitOperationAdd, _fetch_upload_modes
from ._local_folder_upload import (
    LocalUploadFileMetadata,
    LocalUploadFilePaths,
    get_local_upload_paths,
    read_upload_metadata,
)
from .constants import DEFAULT_REVISION, REPO_TYPES
from .lfs import UploadInfo
from .utils import DEFAULT_IGNORE_PATTERNS, _format_size, filter_repo_objects, logging, sha, tqdm
from .utils._runtime import is_xet_available

if TYPE_CHECKING:
    from .hf_api import HfApi

logger = logging.get_logger(__name__)

WAITING_TIME_IF_NO_TASKS = 10  # seconds an idle worker waits before looking for a job again
MAX_NB_FILES_FETCH_UPLOAD_MODE = 100
COMMIT_SIZE_SCALE: list[int] = [20, 50, 75, 100, 125, 200, 250, 400, 600, 1000]
UPLOAD_BATCH_SIZE_XET = 256  # files per LFS upload job when Xet storage is available
UPLOAD_BATCH_SIZE_LFS = 1  # otherwise

# The Hub's recommendations (https://huggingface.co/docs/hub/repositories-recommendations); exceeding them warns.
MAX_FILES_PER_REPO = 100_000
MAX_FILES_PER_FOLDER = 10_000
MAX_FILE_SIZE_GB = 200
RECOMMENDED_FILE_SIZE_GB = 20

# A hash job takes several files at once and hashes them in parallel in Rust, up to these bounds.
_HASH_BATCH_FILES = 64
_HASH_BATCH_BYTES = 256 * 1024 * 1024

_COMMIT_MESSAGE = "Add files using upload-large-folder tool"

JOB_ITEM_T = tuple[LocalUploadFilePaths, LocalUploadFileMetadata]


def upload_large_folder_internal(
    api: "HfApi",
    repo_id: str,
    folder_path: str | Path,
    *,
    repo_type: str,
    revision: str | None = None,
    private: bool | None = None,
    allow_patterns: list[str] | str | None = None,
    ignore_patterns: list[str] | str | None = None,
    num_workers: int | None = None,
    print_report: bool = True,
    print_report_every: int = 60,
) -> None:
    """Upload a large folder to the Hub in the most resilient way possible.

    See [`HfApi.upload_large_folder`] for the full documentation.
    """
    if repo_type is None:
        raise ValueError(
            "For large uploads, `repo_type` is explicitly required. Please set it to `model`, `dataset` or `space`."
            " If you are using the CLI, pass it as `--repo-type=model`."
        )
    if repo_type not in REPO_TYPES:
        raise ValueError(f"Invalid repo type, must be one of {REPO_TYPES}")
    revision = revision if revision is not None else DEFAULT_REVISION
    folder_path = Path(folder_path).expanduser().resolve()
    if not folder_path.is_dir():
        raise ValueError(f"Provided path: '{folder_path}' is not a directory")
    if ignore_patterns is None:
        ignore_patterns = []
    elif isinstance(ignore_patterns, str):
        ignore_patterns = [ignore_patterns]
    ignore_patterns += DEFAULT_IGNORE_PATTERNS  # extends the caller's list in place, as upstream does
    if num_workers is None:
        num_workers = max((os.cpu_count() or 1) // 2, 1)

    repo_url = api.create_repo(repo_id=repo_id, repo_type=repo_type, private=private, exist_ok=True)
    logger.info(f"Repo created: {repo_url}")
    repo_id = repo_url.repo_id
    _warn_on_long_history(api, repo_id, repo_type, revision)

    relative_paths = filter_repo_objects(
        (path.relative_to(folder_path).as_posix() for path in folder_path.glob("**/*") if path.is_file()),
        allow_patterns=allow_patterns,
        ignore_patterns=ignore_patterns,
    )
    paths_list = [get_local_upload_paths(folder_path, relpath) for relpath in relative_paths]
    logger.info(f"Found {len(paths_list)} candidate files to upload")
    _validate_upload_limits(paths_list)

    logger.info("Starting upload...")
    items = [
        (paths, read_upload_metadata(folder_path, paths.path_in_repo))
        for paths in tqdm(paths_list, desc="Recovering from metadata files")
    ]
    status = LargeUploadStatus(items, UPLOAD_BATCH_SIZE_XET if is_xet_available() else UPLOAD_BATCH_SIZE_LFS)
    workers = [
        # Daemons: Ctrl-C ends the process at once; everything done so far is saved on disk and resumed next time.
        threading.Thread(target=_worker_job, args=(status, api, repo_id, repo_type, revision), daemon=True)
        for _ in range(num_workers)
    ]
    for worker in workers:
        worker.start()

    if print_report:
        print("\n\n" + status.current_report())
    last_report = time.time()
    while not status.wait_done(timeout=1):
        if time.time() - last_report >= print_report_every:
            if print_report:
                _print_overwrite(status.current_report())
            last_report = time.time()
    logger.info("Is done: exiting main loop")
    for worker in workers:
        worker.join()
    logger.info(status.current_report())
    logger.info("Upload is complete!")


def _warn_on_long_history(api: "HfApi", repo_id: str, repo_type: str, revision: str) -> None:
    """Suggest squashing a history of more than 500 commits; a failure to count is not a reason to stop."""
    try:
        count = len(api.list_repo_commits(repo_id=repo_id, repo_type=repo_type, revision=revision))
    except Exception as e:
        logger.debug(f"Could not check commit count: {e}")
        return
    if count > 500:
        logger.warning(
            f"\n{'=' * 80}\n"
            f"WARNING: This repository has {count} commits.\n"
            "Repositories with a large number of commits can experience performance issues.\n"
            "\n"
            "Consider squashing your commit history using `super_squash_history()`.\n"
            "To do so, you need to stop this process, run the snippet below and restart the upload command."
            "  from huggingface_hub import super_squash_history\n"
            f"  super_squash_history(repo_id='{repo_id}', repo_type='{repo_type}')\n"
            "\n"
            "Note: This is a non-revertible operation. See the documentation for more details:\n"
            "https://huggingface.co/docs/huggingface_hub/main/en/package_reference/hf_api#huggingface_hub.HfApi.super_squash_history\n"
            f"{'=' * 80}\n"
        )


def _validate_upload_limits(paths_list: list[LocalUploadFilePaths]) -> None:
    """Warn when the upload exceeds the Hub's recommendations: files per repository, entries per folder (files and
    immediate sub-folders), file sizes (decimal GB)."""
    logger.info("Running validation checks on files to upload...")
    if len(paths_list) > MAX_FILES_PER_REPO:
        logger.warning(
            f"You are about to upload {len(paths_list):,} files. "
            f"This exceeds the recommended limit of {MAX_FILES_PER_REPO:,} files per repository.\n"
            "Consider:\n"
            "  - Splitting your data into multiple repositories\n"
            "  - Using fewer, larger files (e.g., parquet files)\n"
            "  - See: https://huggingface.co/docs/hub/repositories-recommendations"
        )

    files_in: dict[str, int] = defaultdict(int)
    subfolders_in: dict[str, set[str]] = defaultdict(set)
    for paths in paths_list:
        parts = paths.path_in_repo.split("/")
        files_in["/".join(parts[:-1]) or "."] += 1
        for depth, child in enumerate(parts[:-1]):
            subfolders_in["/".join(parts[:depth]) or "."].add(child)
    for folder in files_in.keys() | subfolders_in.keys():
        nb_files, nb_subfolders = files_in.get(folder, 0), len(subfolders_in.get(folder, ()))
        if nb_files + nb_subfolders > MAX_FILES_PER_FOLDER:
            logger.warning(
                f"Folder '{'root' if folder == '.' else folder}' contains {nb_files + nb_subfolders:,} entries "
                f"({nb_files:,} files and {nb_subfolders:,} subdirectories). "
                f"This exceeds the recommended {MAX_FILES_PER_FOLDER:,} entries per folder.\n"
                "Consider reorganising into sub-folders."
            )

    too_large: list[tuple[str, float]] = []
    large: list[tuple[str, float]] = []
    for paths in paths_list:
        size_gb = paths.file_path.stat().st_size / 1_000_000_000
        if size_gb > MAX_FILE_SIZE_GB:
            too_large.append((paths.path_in_repo, size_gb))
        elif size_gb > RECOMMENDED_FILE_SIZE_GB:
            large.append((paths.path_in_repo, size_gb))
    if too_large:
        logger.warning(
            f"Found {len(too_large)} files exceeding the {MAX_FILE_SIZE_GB}GB recommended maximum:\n"
            f"  - {_first_five(too_large)}\n"
            "Consider splitting these files into smaller chunks."
        )
    if large:
        logger.warning(
            f"Found {len(large)} files larger than {RECOMMENDED_FILE_SIZE_GB}GB (recommended limit):\n"
            f"  - {_first_five(large)}\n"
            "Large files may slow down loading and processing."
        )
    logger.info("Validation checks complete.")


def _first_five(files: list[tuple[str, float]]) -> str:
    listed = "\n  - ".join(f"{path}: {size:.1f}GB" for path, size in files[:5])
    more = f"\n  ... and {len(files) - 5} more files" if len(files) > 5 else ""
    return listed + more


class WorkerJob(enum.Enum):
    SHA256 = enum.auto()
    GET_UPLOAD_MODE = enum.auto()
    PREUPLOAD_LFS = enum.auto()
    COMMIT = enum.auto()
    WAIT = enum.auto()  # nothing to do for now, but the upload is not over


class LargeUploadStatus:
    """The shared state of an upload: the files, one queue per step, how many workers do what.

    Everything is guarded by `lock`; `changed` is notified whenever a job ends, so that idle workers (and the
    main thread) look again at once instead of sleeping their full wait.
    """

    def __init__(self, items: list[JOB_ITEM_T], upload_batch_size: int = 1):
        self.items = items
        self.upload_batch_size = upload_batch_size
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.queue_sha256: deque[JOB_ITEM_T] = deque()
        self.queue_get_upload_mode: deque[JOB_ITEM_T] = deque()
        self.queue_preupload_lfs: deque[JOB_ITEM_T] = deque()
        self.queue_commit: deque[JOB_ITEM_T] = deque()
        self.nb_workers_sha256 = 0
        self.nb_workers_get_upload_mode = 0
        self.nb_workers_preupload_lfs = 0
        self.nb_workers_commit = 0
        self.nb_workers_waiting = 0
        self.last_commit_attempt: float | None = None
        self._started_at = datetime.now()
        self._chunk_idx = 1

        for item in items:
            paths, metadata = item
            if metadata.sha256 is None:
                self.queue_sha256.append(item)
            elif metadata.upload_mode is None:
                self.queue_get_upload_mode.append(item)
            elif metadata.upload_mode == "lfs" and not metadata.is_uploaded:
                self.queue_preupload_lfs.append(item)
            elif not metadata.is_committed:
                self.queue_commit.append(item)
            else:
                logger.debug(f"Skipping file {paths.path_in_repo} (already uploaded and committed)")

    def target_chunk(self) -> int:
        return COMMIT_SIZE_SCALE[self._chunk_idx]

    def update_chunk(self, success: bool, nb_items: int, duration: float) -> None:
        """Fewer files in the next commit after a failure; more after a full batch committed in under 40 s."""
        if not success:
            logger.warning(f"Failed to commit {nb_items} files at once. Will retry with less files in next batch.")
            self._chunk_idx -= 1
        elif nb_items >= COMMIT_SIZE_SCALE[self._chunk_idx] and duration < 40:
            logger.info(f"Successfully committed {nb_items} at once. Increasing the limit for next batch.")
            self._chunk_idx += 1
        self._chunk_idx = max(0, min(self._chunk_idx, len(COMMIT_SIZE_SCALE) - 1))

    def is_done(self) -> bool:
        with self.lock:
            return self._all_done()

    def wait_done(self, timeout: float) -> bool:
        """Wait until a job ends or `timeout` passes; whether every file is now committed or ignored."""
        with self.lock:
            if not self._all_done():
                self.changed.wait(timeout)
            return self._all_done()

    def _all_done(self) -> bool:
        return all(metadata.is_committed or metadata.should_ignore for _, metadata in self.items)

    def current_report(self) -> str:
        """The status block printed every `print_report_every` seconds."""
        with self.lock:
            counted = [metadata for _, metadata in self.items if not metadata.should_ignore]
            nb_ignored = len(self.items) - len(counted)
            total = len(counted)
            total_size = _format_size(sum(m.size for m in counted))
            hashed = [m for m in counted if m.sha256 is not None]
            uploaded = [m for m in counted if m.is_uploaded]
            committed = [m for m in counted if m.is_committed]
            nb_lfs = sum(m.upload_mode == "lfs" for m in counted)
            nb_unsure = sum(m.upload_mode is None for m in counted)

            now = datetime.now()
            elapsed = str(now - self._started_at).split(".")[0]
            unsure = f" (+{nb_unsure} unsure)" if nb_unsure > 0 else ""
            return (
                f"\n{'-' * 10} {now.strftime('%Y-%m-%d %H:%M:%S')} ({elapsed}) {'-' * 10}\n"
                f"Files:   hashed {len(hashed)}/{total} ({_size_of(hashed)}/{total_size}) | "
                f"pre-uploaded: {len(uploaded)}/{nb_lfs} ({_size_of(uploaded)}/{total_size}){unsure} | "
                f"committed: {len(committed)}/{total} ({_size_of(committed)}/{total_size}) | "
                f"ignored: {nb_ignored}\n"
                f"Workers: hashing: {self.nb_workers_sha256} | "
                f"get upload mode: {self.nb_workers_get_upload_mode} | "
                f"pre-uploading: {self.nb_workers_preupload_lfs} | "
                f"committing: {self.nb_workers_commit} | "
                f"waiting: {self.nb_workers_waiting}\n" + "-" * 51
            )


def _size_of(metadatas: list[LocalUploadFileMetadata]) -> str:
    return _format_size(sum(m.size for m in metadatas))


def _worker_job(status: LargeUploadStatus, api: "HfApi", repo_id: str, repo_type: str, revision: str) -> None:
    """Take jobs until every file is committed or ignored. A failed job puts its files back in their queue."""
    while True:
        with status.lock:
            job, items = _next_job(status)
            if job is None:
                return
            if job is WorkerJob.WAIT:
                status.nb_workers_waiting += 1
                status.changed.wait(WAITING_TIME_IF_NO_TASKS)
                status.nb_workers_waiting -= 1
                continue

        if job is WorkerJob.SHA256:
            _run(_compute_sha256, items, "Failed to compute sha256")
            with status.lock:
                # Files hashed before a failure go on; only the failed ones are hashed again.
                for item in items:
                    hashed = item[1].sha256 is not None
                    (status.queue_get_upload_mode if hashed else status.queue_sha256).append(item)
                status.nb_workers_sha256 -= 1
                status.changed.notify_all()

        elif job is WorkerJob.GET_UPLOAD_MODE:
            _run(_get_upload_mode, items, "Failed to get upload mode", api, repo_id, repo_type, revision)
            with status.lock:
                # Ignored files leave the queues; a file whose mode is still unknown (failure) is asked about again.
                for item in items:
                    metadata = item[1]
                    if metadata.should_ignore:
                        continue
                    if metadata.upload_mode == "lfs":
                        status.queue_preupload_lfs.append(item)
                    elif metadata.upload_mode == "regular":
                        status.queue_commit.append(item)
                    else:
                        status.queue_get_upload_mode.append(item)
                status.nb_workers_get_upload_mode -= 1
                status.changed.notify_all()

        elif job is WorkerJob.PREUPLOAD_LFS:
            ok = _run(_preupload_lfs, items, "Failed to preupload LFS", api, repo_id, repo_type, revision)
            with status.lock:
                (status.queue_commit if ok else status.queue_preupload_lfs).extend(items)
                status.nb_workers_preupload_lfs -= 1
                status.changed.notify_all()

        elif job is WorkerJob.COMMIT:
            started = time.time()
            ok = _run(_commit, items, "Failed to commit", api, repo_id, repo_type, revision)
            with status.lock:
                if not ok:
                    status.queue_commit.extend(items)
                status.update_chunk(ok, len(items), time.time() - started)
                status.last_commit_attempt = time.time()
                status.nb_workers_commit -= 1
                status.changed.notify_all()


def _run(job, items: list[JOB_ITEM_T], failure: str, *args) -> bool:  # type: ignore[no-untyped-def]
    """Run one job; an error is logged (the caller requeues the files), Ctrl-C is not swallowed."""
    try:
        job(items, *args)
        return True
    except KeyboardInterrupt:
        raise
    except Exception as e:
        logger.error(f"{failure}: {e}")
        return False


def _next_job(status: LargeUploadStatus) -> tuple[WorkerJob | None, list[JOB_ITEM_T]]:
    """The next job by priority (called with `status.lock` held); the matching worker counter is incremented."""
    now = time.time()
    since_last_commit = now - status.last_commit_attempt if status.last_commit_attempt is not None else None
    can_commit = status.nb_workers_commit == 0 and len(status.queue_commit) > 0
    nothing_else = (
        not status.queue_sha256
        and not status.queue_get_upload_mode
        and not status.queue_preupload_lfs
        and status.nb_workers_sha256 == 0
        and status.nb_workers_get_upload_mode == 0
        and status.nb_workers_preupload_lfs == 0
    )
    batch = status.upload_batch_size

    if can_commit and since_last_commit is not None and since_last_commit > 5 * 60:
        return _take(status, WorkerJob.COMMIT)
    if status.nb_workers_commit == 0 and len(status.queue_commit) >= 150:
        return _take(status, WorkerJob.COMMIT)
    if len(status.queue_get_upload_mode) >= MAX_NB_FILES_FETCH_UPLOAD_MODE:
        return _take(status, WorkerJob.GET_UPLOAD_MODE)
    if len(status.queue_preupload_lfs) >= batch and status.nb_workers_preupload_lfs == 0:
        return _take(status, WorkerJob.PREUPLOAD_LFS)
    if status.queue_sha256 and status.nb_workers_sha256 == 0:
        return _take(status, WorkerJob.SHA256)
    if status.queue_get_upload_mode and status.nb_workers_get_upload_mode == 0:
        return _take(status, WorkerJob.GET_UPLOAD_MODE)
    if len(status.queue_preupload_lfs) >= batch:
        return _take(status, WorkerJob.PREUPLOAD_LFS)
    if status.queue_sha256:
        return _take(status, WorkerJob.SHA256)
    if status.queue_get_upload_mode:
        return _take(status, WorkerJob.GET_UPLOAD_MODE)
    if status.queue_preupload_lfs:
        return _take(status, WorkerJob.PREUPLOAD_LFS)
    if can_commit and since_last_commit is not None and since_last_commit > 60:
        return _take(status, WorkerJob.COMMIT)
    if can_commit and nothing_else:  # typically the last commit
        return _take(status, WorkerJob.COMMIT)
    if status._all_done():
        logger.info("All files have been processed! Exiting worker.")
        return None, []
    return WorkerJob.WAIT, []


def _take(status: LargeUploadStatus, job: WorkerJob) -> tuple[WorkerJob, list[JOB_ITEM_T]]:
    if job is WorkerJob.SHA256:
        status.nb_workers_sha256 += 1
        return job, _pop_hash_batch(status.queue_sha256)
    if job is WorkerJob.GET_UPLOAD_MODE:
        status.nb_workers_get_upload_mode += 1
        return job, _pop(status.queue_get_upload_mode, MAX_NB_FILES_FETCH_UPLOAD_MODE)
    if job is WorkerJob.PREUPLOAD_LFS:
        status.nb_workers_preupload_lfs += 1
        return job, _pop(status.queue_preupload_lfs, status.upload_batch_size)
    status.nb_workers_commit += 1
    return job, _pop(status.queue_commit, status.target_chunk())


def _pop(queue: deque[JOB_ITEM_T], n: int) -> list[JOB_ITEM_T]:
    return [queue.popleft() for _ in range(min(n, len(queue)))]


def _pop_hash_batch(queue: deque[JOB_ITEM_T]) -> list[JOB_ITEM_T]:
    """At least one file, then more while the batch stays under `_HASH_BATCH_FILES` and `_HASH_BATCH_BYTES`."""
    batch = [queue.popleft()]
    size = batch[0][1].size
    while queue and len(batch) < _HASH_BATCH_FILES and size + queue[0][1].size <= _HASH_BATCH_BYTES:
        size += queue[0][1].size
        batch.append(queue.popleft())
    return batch


def _compute_sha256(items: list[JOB_ITEM_T]) -> None:
    """Hash the files (in parallel, in Rust) and save each digest.

    If the batch fails (a file vanished or cannot be read), the files are hashed one by one so that the others
    still go on; the first error is raised once every file was tried.
    """
    try:
        digests = sha.sha256_files([paths.file_path for paths, _ in items])
    except Exception:
        if len(items) == 1:
            raise
        digests = None
    if digests is None:
        errors = []
        for item in items:
            try:
                _compute_sha256([item])
            except Exception as e:
                errors.append(e)
        if errors:
            raise errors[0]
        return
    for (paths, metadata), digest in zip(items, digests, strict=True):
        metadata.sha256 = digest.hex()
        metadata.save(paths)


def _get_upload_mode(items: list[JOB_ITEM_T], api: "HfApi", repo_id: str, repo_type: str, revision: str) -> None:
    """Ask the Hub (preupload) how each file is stored, whether it is ignored and what it holds at that path.

    A file that can no longer be read is left out (its mode stays unknown, so it is asked about again) and its error
    raised after the others were handled.
    """
    readable: list[JOB_ITEM_T] = []
    additions: list[CommitOperationAdd] = []
    errors: list[OSError] = []
    for item in items:
        try:
            additions.append(_addition(item))
            readable.append(item)
        except OSError as e:
            errors.append(e)
    if additions:
        _fetch_upload_modes(
            additions=additions,
            repo_type=repo_type,
            repo_id=repo_id,
            headers=api._build_hf_headers(),
            revision=quote(revision, safe=""),
            endpoint=api.endpoint,
        )
    for (paths, metadata), addition in zip(readable, additions, strict=True):
        metadata.upload_mode = addition._upload_mode
        metadata.should_ignore = addition._should_ignore
        metadata.remote_oid = addition._remote_oid
        metadata.save(paths)
    if errors:
        raise errors[0]


def _preupload_lfs(items: list[JOB_ITEM_T], api: "HfApi", repo_id: str, repo_type: str, revision: str) -> None:
    api.preupload_lfs_files(
        repo_id=repo_id, repo_type=repo_type, revision=revision, additions=[_addition(item) for item in items]
    )
    for paths, metadata in items:
        metadata.is_uploaded = True
        metadata.save(paths)


def _commit(items: list[JOB_ITEM_T], api: "HfApi", repo_id: str, repo_type: str, revision: str) -> None:
    api.create_commit(
        repo_id=repo_id,
        repo_type=repo_type,
        revision=revision,
        operations=[_addition(item) for item in items],
        commit_message=_COMMIT_MESSAGE,
    )
    for paths, metadata in items:
        metadata.is_committed = True
        metadata.save(paths)


def _addition(item: JOB_ITEM_T) -> CommitOperationAdd:
    """The addition of a file as far as its metadata knows it, without hashing it again (only the 512-byte sample is
    read). An LFS object already uploaded gets empty content: the commit only needs its sha256 and size."""
    paths, metadata = item
    if metadata.sha256 is None:
        raise ValueError("sha256 must have been computed by now!")
    with paths.file_path.open("rb") as file:
        sample = file.read(512)
    operation = CommitOperationAdd.__new__(CommitOperationAdd)
    operation.path_in_repo = paths.path_in_repo
    operation.path_or_fileobj = str(paths.file_path)
    operation.upload_info = UploadInfo(sha256=bytes.fromhex(metadata.sha256), size=metadata.size, sample=sample)
    operation._upload_mode = metadata.upload_mode  # type: ignore[assignment]  # "regular" | "lfs" | None
    operation._should_ignore = metadata.should_ignore
    operation._remote_oid = metadata.remote_oid
    operation._is_uploaded = metadata.is_uploaded
    operation._is_committed = False
    if metadata.is_uploaded and metadata.upload_mode == "lfs":
        operation.path_or_fileobj = b""
    return operation


def _print_overwrite(report: str) -> None:
    """Print the report over the previous one (cursor moved up over as many terminal lines as it takes).

    On stdout: progress bars use stderr. Only works if nothing else writes to stdout meanwhile.
    """
    report += "\n"
    width = shutil.get_terminal_size().columns
    nb_lines = sum(len(line) // width + 1 for line in report.splitlines())
    sys.stdout.write("\r\033[K\033[F" * nb_lines)
    sys.stdout.write(report)
    sys.stdout.write(" " * (width - len(report.splitlines()[-1])))
    sys.stdout.flush()
