"""Streamed, multi-commit upload of many files (what `upload_folder` runs).

Two threads cooperate:

- the **coordinator** (the caller's thread) goes through the files 256 at a time: it asks the Hub how each is
  stored (preupload; the next chunks' questions already in flight; for a listed folder, each chunk's question is
  asked as soon as its files are read, while the next ones are read), hashes the LFS ones in one parallel pass in
  Rust, gets their upload URLs from the LFS batch API and hands the transfers to a pool of upload workers, then
  moves on without waiting for them. Files go into the batch being filled, which waits for the committer once full
  (back-pressure);
- the **committer** takes the batch being filled when it is full (or when everything is prepared), waits for its
  transfers, leaves out files identical to the remote ones and makes the commit. While a batch is committed, the
  next one is already being prepared and uploaded.

The number of files per commit adapts to how long commits take (the Hub limits a commit's duration); a failed
commit of many files is retried in smaller ones. Deletions and `parent_commit` go with the first commit, later
commits get ` (part N)` appended to their message. Re-running an interrupted upload resumes it: committed files
are found unchanged and skipped, LFS objects already stored are not sent again.
"""

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import requests

from . import _rust, constants
from ._commit_api import (
    LISTED_CONTENT_BUDGET,
    UPLOAD_BATCH_MAX_NUM_FILES,
    CommitOperationAdd,
    CommitOperationDelete,
    _compute_missing_sha256s,
    _fetch_upload_modes,
    _send_commit,
    _upload_files,
    _warn_on_overwriting_operations,
)
from ._commit_info import CommitInfo
from ._commit_queries import open_pull_request, revision_head
from ._upload_display import UploadDisplay
from ._xet_upload import can_upload_with_xet, drop_stored, upload_xet_files
from .errors import HfHubHTTPError, RepositoryNotFoundError
from .lfs import _upload_object, post_lfs_batch_info
from .utils import are_progress_bars_disabled, logging

if TYPE_CHECKING:
    from .hf_api import HfApi

logger = logging.get_logger(__name__)

# Files per commit: adaptive, one step up after a fast commit, one step down after a slow or failed one.
COMMIT_SIZE_SCALE = [20, 50, 75, 100, 125, 200, 250, 400, 600, 1000]
INITIAL_COMMIT_SIZE_INDEX = 6  # 250 files
TARGET_COMMIT_DURATION = 40.0  # seconds
MAX_COMMIT_INTERVAL = 5 * 60.0  # a batch older than this is committed even if small

# Regular files travel base64-encoded inside the commit request: bound their total per commit.
REGULAR_CONTENT_BYTES_BUDGET = 100 * 1024 * 1024

# Preupload requests in flight at once (each asks about 256 files).
PREUPLOAD_CONCURRENCY = 2

# LFS files transferred at the same time (each file on disk is itself sent in parallel parts).
UPLOAD_WORKERS = 5

# Commit failures that a smaller commit may avoid (a slow commit cut off, an overloaded server).
_SIZE_RELATED_STATUSES = {408, 413, 429, 500, 502, 503, 504}

# The next commit is sized so that, at the rate of the last one, it would take at most this share of
# `TARGET_COMMIT_DURATION`: commit times are neither steady nor proportional to their size.
RATE_SAFETY_FACTOR = 4


class _CommitPacer:
    """Number of files per commit, kept where commits finish well within `TARGET_COMMIT_DURATION`.

    Starts at `COMMIT_SIZE_SCALE[INITIAL_COMMIT_SIZE_INDEX]` files, or at the first size of the scale holding every
    file when the whole upload fits the top of the scale (one commit, as a plain `create_commit` would make). After a
    full-size commit, grows at least one step, and as far as the measured rate allows (`RATE_SAFETY_FACTOR`); after
    a slow or failed commit, shrinks one step.
    """

    def __init__(self, total_files: int) -> None:
        self._index = INITIAL_COMMIT_SIZE_INDEX
        if total_files <= COMMIT_SIZE_SCALE[-1]:
            fitting = next(index for index, size in enumerate(COMMIT_SIZE_SCALE) if size >= total_files)
            self._index = max(self._index, fitting)

    @property
    def target(self) -> int:
        return COMMIT_SIZE_SCALE[self._index]

    def record_success(self, duration: float, nb_files: int) -> None:
        if duration > TARGET_COMMIT_DURATION:
            self._index = max(self._index - 1, 0)
            return
        if nb_files < self.target:
            return  # a smaller commit (end of the upload, byte budget) says little about larger ones
        per_file = duration / nb_files
        index = min(self._index + 1, len(COMMIT_SIZE_SCALE) - 1)
        while (
            index + 1 < len(COMMIT_SIZE_SCALE)
            and COMMIT_SIZE_SCALE[index + 1] * per_file * RATE_SAFETY_FACTOR <= TARGET_COMMIT_DURATION
        ):
            index += 1
        self._index = index

    def record_failure(self) -> None:
        self._index = max(self._index - 1, 0)


class _Batch:
    """Files destined to one commit, with the transfers of their LFS content still running."""

    def __init__(self) -> None:
        self.ops: list[CommitOperationAdd] = []
        self.regular_bytes = 0
        self.transfers: list[Future] = []
        self.created_at = time.monotonic()


class _UploadPipeline:
    def __init__(
        self,
        api: "HfApi",
        *,
        repo_id: str,
        repo_type: str,
        add_operations: list[CommitOperationAdd],
        listed_files: list[tuple[str, str]] | None,
        delete_operations: list[CommitOperationDelete],
        commit_message: str,
        commit_description: str | None,
        token: str | bool | None,
        revision: str | None,
        create_pr: bool,
        parent_commit: str | None,
    ) -> None:
        self.api = api
        self.repo_id = repo_id
        self.repo_type = repo_type
        # Files of a listed folder are made into additions chunk by chunk (see `_ask_upload_modes`).
        self.add_operations = add_operations
        self.listed_files = listed_files
        nb_files = len(listed_files) if listed_files is not None else len(add_operations)
        self.delete_operations = delete_operations
        self.commit_message = commit_message
        self.commit_description = commit_description
        self.headers = api._build_hf_headers(token=token)
        self.revision = revision or constants.DEFAULT_REVISION
        self.create_pr = create_pr
        self.parent_commit = parent_commit
        # Preupload and LFS batch calls always name the base branch (with `create_pr` if any), even once the pull
        # request exists; commits go to the pull request's ref once it is opened.
        self.base_revision_quoted = quote(self.revision, safe="")
        self.commit_revision_quoted = self.base_revision_quoted
        self.pr_url: str | None = None
        self.pr_revision: str | None = None

        self.nb_commits = 0
        self.last_commit_info: CommitInfo | None = None
        self.pacer = _CommitPacer(nb_files)
        # The batch being filled by the coordinator, taken whole by the committer once full (or once everything
        # is prepared). Taken, not handed over: a batch's size is settled when its commit starts, by the pacer's
        # latest target. The coordinator waits while it is full (back-pressure on preparing).
        self.pending = _Batch()
        self.prepared_all = False
        self.state = threading.Condition()
        self.errors: list[BaseException] = []
        self.abort = threading.Event()
        self.uploader = ThreadPoolExecutor(max_workers=UPLOAD_WORKERS, thread_name_prefix="hf-upload")
        self.display = UploadDisplay(total_files=nb_files, enabled=not are_progress_bars_disabled())

        # `.gitignore` rules are applied by the Hub: send the local ones if a `.gitignore` is uploaded.
        # Whether the Hub offers Xet storage: unknown (None) until its token route answered.
        self.xet_offered: bool | None = None
        self.gitignore_content: str | None = None
        if listed_files is not None:
            local = next((path for path_in_repo, path in listed_files if path_in_repo == ".gitignore"), None)
            if local is not None:
                with open(local, "rb") as file:
                    self.gitignore_content = file.read().decode()
        else:
            gitignore = next((op for op in add_operations if op.path_in_repo == ".gitignore"), None)
            if gitignore is not None:
                with gitignore.as_file() as file:
                    self.gitignore_content = file.read().decode()

    def run(self) -> CommitInfo:
        if self.listed_files is None:
            _warn_on_overwriting_operations([*self.delete_operations, *self.add_operations])
        committer = threading.Thread(target=self._committer_loop, name="hf-upload-committer", daemon=True)
        committer.start()
        self.display.start()
        try:
            self._coordinator_loop()
        except BaseException:
            self._abort()
            raise
        finally:
            with self.state:
                self.prepared_all = True
                self.state.notify_all()
            committer.join()
            self.uploader.shutdown(wait=not self.abort.is_set(), cancel_futures=True)
            self.display.close()
            if self.abort.is_set() and self.pr_revision is not None:
                logger.warning(
                    f"Upload to pull request {self.pr_url} did not complete. To resume into the"
                    f' same PR, re-run with `revision="{self.pr_revision}"` (without `create_pr=True`). Re-running'
                    " with `create_pr=True` would open a new pull request."
                )
        if self.errors:
            raise self.errors[0]
        return self._final_commit_info()

    def _abort(self) -> None:
        with self.state:
            self.abort.set()
            self.state.notify_all()

    # Coordinator.

    def _coordinator_loop(self) -> None:
        # Every chunk is queued at once: `PREUPLOAD_CONCURRENCY` requests stay in flight, in order, even while this
        # thread waits for the committer (the answers are a few fields per file; waiting for them would leave the
        # committer without work once it catches up).
        asking = ThreadPoolExecutor(max_workers=PREUPLOAD_CONCURRENCY, thread_name_prefix="hf-preupload")
        try:
            chunks, answers = self._ask_upload_modes(asking)
            for index, chunk in enumerate(chunks):
                if self.abort.is_set():
                    return
                answers[index].result()  # raises the request's error
                self.display.prepared(len(chunk))
                for op in chunk:
                    if op._should_ignore or op._upload_mode != "regular":
                        op.upload_info._content = None  # kept for a commit that will not send it
                kept = [op for op in chunk if not op._should_ignore]
                self.display.ignored(len(chunk) - len(kept))
                lfs_ops = [op for op in kept if op._upload_mode == "lfs" and not op._is_uploaded]
                transfers = self._start_transfers(lfs_ops)
                if not self._add_to_pending(kept, transfers):
                    return
        finally:
            asking.shutdown(wait=True, cancel_futures=True)

    def _ask_upload_modes(self, asking: ThreadPoolExecutor) -> tuple[list[list[CommitOperationAdd]], list[Future]]:
        """The additions in chunks of `UPLOAD_BATCH_MAX_NUM_FILES`, and the preupload request of each, submitted.

        The files of a listed folder are read (size, sample, small contents) a chunk at a time, each chunk's request
        leaving as soon as its files are read: the Hub answers the first questions while the next files are read.
        Every file is read before this returns, so an unreadable one fails the upload before any commit, as when
        all additions are made first.
        """
        chunks: list[list[CommitOperationAdd]]
        if self.listed_files is None:
            chunks = [
                self.add_operations[start : start + UPLOAD_BATCH_MAX_NUM_FILES]
                for start in range(0, len(self.add_operations), UPLOAD_BATCH_MAX_NUM_FILES)
            ]
            return chunks, [asking.submit(self._fetch_upload_modes, chunk) for chunk in chunks]
        chunks = []
        answers: list[Future] = []
        budget = LISTED_CONTENT_BUDGET  # shared by the chunks, as by one listing of the whole folder
        for start in range(0, len(self.listed_files), UPLOAD_BATCH_MAX_NUM_FILES):
            if answers and answers[0].done() and answers[0].exception() is not None:
                break  # raised by the caller (no repository, no access): no need to read further
            chunk = CommitOperationAdd._from_listed_files(
                self.listed_files[start : start + UPLOAD_BATCH_MAX_NUM_FILES],
                content_budget=budget,
                paths_validated=True,  # by the listing
            )
            budget -= sum(len(op.upload_info._content) for op in chunk if op.upload_info._content is not None)
            chunks.append(chunk)
            answers.append(asking.submit(self._fetch_upload_modes, chunk))
        # No `_warn_on_overwriting_operations` here: it could not warn. A listing names each path once, and the
        # deletions come first in the commit (a deletion is only warned about after an addition below it).
        self.add_operations = [op for chunk in chunks for op in chunk]
        return chunks, answers

    def _add_to_pending(self, ops: list[CommitOperationAdd], transfers: dict[int, Future]) -> bool:
        """Add `ops` in order to the batch being filled, each once it has room (`transfers`: the LFS transfers, by
        `id(op)`); False if the upload was aborted meanwhile."""
        with self.state:  # held for the whole chunk, released while waiting for room
            for op in ops:
                while self._pending_is_full() and not self.abort.is_set():
                    self.state.wait(timeout=1.0)
                if self.abort.is_set():
                    return False
                batch = self.pending
                batch.ops.append(op)
                transfer = transfers.get(id(op))
                if op._upload_mode == "regular":
                    batch.regular_bytes += op.upload_info.size
                elif transfer is not None:
                    batch.transfers.append(transfer)
                if self._pending_is_full():
                    self.state.notify_all()
            return True

    def _pending_is_full(self) -> bool:
        """Whether the batch being filled is ready for its commit (called with `state` held)."""
        batch = self.pending
        return (
            len(batch.ops) >= self.pacer.target
            or batch.regular_bytes >= REGULAR_CONTENT_BYTES_BUDGET
            or (bool(batch.ops) and time.monotonic() - batch.created_at > MAX_COMMIT_INTERVAL)
        )

    def _fetch_upload_modes(self, chunk: list[CommitOperationAdd]) -> None:
        try:
            _fetch_upload_modes(
                additions=chunk,
                repo_type=self.repo_type,
                repo_id=self.repo_id,
                headers=self.headers,
                revision=self.base_revision_quoted,
                endpoint=self.api.endpoint,
                create_pr=self.create_pr,
                gitignore_content=self.gitignore_content,
            )
        except RepositoryNotFoundError as e:
            from ._api_commits import _CREATE_COMMIT_NO_REPO_ERROR_MESSAGE

            e.append_to_message(_CREATE_COMMIT_NO_REPO_ERROR_MESSAGE)
            raise

    def _start_transfers(self, lfs_ops: list[CommitOperationAdd]) -> dict[int, Future]:
        """Hash the LFS files, ask where to send those not stored yet, and start sending them (keyed by `id(op)`)."""
        if not lfs_ops:
            return {}
        if self.xet_offered is not False and can_upload_with_xet(lfs_ops):
            to_send = drop_stored(lfs_ops)
            sending = {id(op) for op in to_send}
            for op in lfs_ops:
                if id(op) not in sending:
                    op._is_uploaded = True  # its content is already stored
            if not to_send:
                return {}
            self.display.lfs_registered(len(to_send))
            future = self.uploader.submit(self._xet_transfer, to_send)
            return {id(op): future for op in to_send}
        _compute_missing_sha256s(lfs_ops)
        # A file identical to the remote one will be left out of the commit: its object is already stored.
        to_send = [op for op in lfs_ops if op._remote_oid != op.upload_info.sha256.hex()]
        if not to_send:
            return {}
        actions, errors, _ = post_lfs_batch_info(
            upload_infos=[op.upload_info for op in to_send],
            token=None,  # the authorization is in `headers`
            repo_type=self.repo_type,
            repo_id=self.repo_id,
            revision=self.base_revision_quoted if not self.create_pr else None,
            endpoint=self.api.endpoint,
            headers=self.headers,
        )
        if errors:
            message = "\n".join(
                f"Encountered error for file with OID {error.get('oid')}: `{error.get('error', {}).get('message')}"
                for error in errors
            )
            raise ValueError(f"LFS batch API returned errors:\n{message}")
        by_oid: dict[str, list[CommitOperationAdd]] = {}
        for op in to_send:
            by_oid.setdefault(op.upload_info.sha256.hex(), []).append(op)
        transfers: dict[int, Future] = {}
        for action in actions:
            ops = by_oid.get(action["oid"], [])
            if not ops:
                continue
            if action.get("actions") is None:  # already stored
                for op in ops:
                    op._is_uploaded = True
                continue
            self.display.lfs_registered(1)
            future = self.uploader.submit(self._transfer, ops[0], action)
            for op in ops:  # identical contents share one transfer
                transfers[id(op)] = future
        return transfers

    def _xet_transfer(self, ops: list[CommitOperationAdd]) -> None:
        """One Xet session for `ops` (falls back to LFS, for this and later chunks, if the Hub has no Xet)."""
        if self.abort.is_set():
            return
        sent_so_far = [0]

        def on_progress(processed: int, total: int, sent: int, to_send: int) -> None:
            self.display.bytes_sent(sent - sent_so_far[0])
            sent_so_far[0] = sent

        kwargs: dict[str, Any] = dict(
            repo_type=self.repo_type,
            repo_id=self.repo_id,
            headers=self.headers,
            endpoint=self.api.endpoint,
            revision=self.base_revision_quoted if not self.create_pr else None,
            create_pr=self.create_pr,
        )
        if not upload_xet_files(additions=ops, on_progress=on_progress, **kwargs):
            self.xet_offered = False
            _upload_files(additions=ops, allow_xet=False, **kwargs)
        self.display.lfs_uploaded(len(ops))

    def _transfer(self, op: CommitOperationAdd, action: dict[str, Any]) -> None:
        if self.abort.is_set():
            return
        try:
            _upload_object(
                op, action, headers=self.headers, endpoint=self.api.endpoint, on_progress=self.display.bytes_sent
            )
        except Exception as exc:
            raise RuntimeError(f"Error while uploading '{op.path_in_repo}' to the Hub.") from exc
        self.display.lfs_uploaded(1)

    # Committer.

    def _committer_loop(self) -> None:
        while True:
            with self.state:
                while not (self._pending_is_full() or self.prepared_all or self.abort.is_set()):
                    self.state.wait(timeout=0.5)  # also notices a batch growing too old
                if self.abort.is_set():
                    return
                batch, self.pending = self.pending, _Batch()
                last = self.prepared_all
                self.state.notify_all()  # room again for the coordinator
            if batch.ops or (self.nb_commits == 0 and self.delete_operations):
                try:
                    self._process_batch(batch)
                except BaseException as e:
                    self.errors.append(e)
                    self._abort()
                    return
                with self.state:
                    self.state.notify_all()  # the pacer's target may have grown: the batch being filled has room
            if last:
                return

    def _process_batch(self, batch: _Batch) -> None:
        for transfer in batch.transfers:
            transfer.result()  # raises the transfer's error
        for op in batch.ops:
            if op._upload_mode == "lfs":
                op._is_uploaded = True
        # Git ids of the regular files on disk that may be unchanged, in one parallel pass in Rust (a re-run of an
        # upload finds most files already there).
        to_hash = [
            op
            for op in batch.ops
            if op._remote_oid is not None and op._upload_mode == "regular" and isinstance(op.path_or_fileobj, str)
        ]
        digests = _rust.hash_files([str(op.path_or_fileobj) for op in to_hash], "git-sha1") if to_hash else []
        local_oids = {id(op): digest.hex() for op, digest in zip(to_hash, digests, strict=True)}
        changed = []
        for op in batch.ops:
            if op._remote_oid is not None and op._remote_oid == (
                local_oids[id(op)] if id(op) in local_oids else op._local_oid
            ):
                logger.debug(f"Skipping commit for '{op.path_in_repo}' (file unchanged).")
                self.display.skipped(1)
                op.upload_info._content = None  # not sent: no need to keep it
            else:
                changed.append(op)
        if changed or (self.nb_commits == 0 and self.delete_operations):
            self._commit_with_split(changed)

    def _commit_with_split(self, ops: list[CommitOperationAdd]) -> None:
        try:
            self._commit(ops)
        except Exception as e:
            self.pacer.record_failure()
            if len(ops) <= COMMIT_SIZE_SCALE[0] or not _may_succeed_smaller(e):
                raise
            logger.warning(f"Commit of {len(ops)} files failed ({e!r}). Retrying in smaller chunks.")
            target = self.pacer.target
            for start in range(0, len(ops), target):
                self._commit_with_split(ops[start : start + target])

    def _commit(self, ops: list[CommitOperationAdd]) -> None:
        if self.create_pr and self.pr_revision is None:
            # Opened explicitly (lazily: nothing to commit, no pull request) so that every commit targets the
            # pull request's ref: retrying a commit with `create_pr=1` could open a second pull request.
            self.pr_revision, self.pr_url = open_pull_request(
                self.api.endpoint,
                self.headers,
                self.repo_type,
                self.repo_id,
                self.commit_message,
                self.commit_description,
            )
            self.commit_revision_quoted = quote(self.pr_revision, safe="")
        operations: list[Any] = list(ops)
        if self.nb_commits == 0:
            operations = list(self.delete_operations) + operations
        message = (
            self.commit_message if self.nb_commits == 0 else f"{self.commit_message} (part {self.nb_commits + 1})"
        )
        started = time.monotonic()
        self.last_commit_info = _send_commit(
            operations=operations,
            files_to_copy={},
            commit_message=message,
            commit_description=self.commit_description or "",
            repo_type=self.repo_type,
            repo_id=self.repo_id,
            headers=self.headers,
            revision=self.commit_revision_quoted,
            endpoint=self.api.endpoint,
            parent_commit=self.parent_commit if self.nb_commits == 0 else None,
            retry_on_error=True,  # safe: the commit names an explicit ref, never `create_pr=1`
        )
        duration = time.monotonic() - started
        self.pacer.record_success(duration, len(ops))
        self.nb_commits += 1
        for op in ops:
            op._is_committed = True
            op.upload_info._content = None  # sent: no need to keep it
        self.display.committed(len(ops))
        logger.debug(f"Committed {len(ops)} file(s) in {duration:.1f}s: {self.last_commit_info.commit_url}")

    # Result.

    def _final_commit_info(self) -> CommitInfo:
        if self.last_commit_info is None:
            logger.warning("No files have been modified since last commit. Skipping to prevent empty commit.")
            sha = revision_head(self.api.endpoint, self.headers, self.repo_type, self.repo_id, self.revision)
            prefix = constants.REPO_TYPES_URL_PREFIXES.get(self.repo_type, "")
            return CommitInfo(
                commit_url=f"{self.api.endpoint}/{prefix}{self.repo_id}/commit/{sha}",
                commit_message=self.commit_message,
                commit_description=self.commit_description or "",
                oid=sha,
                _endpoint=self.api.endpoint,
            )
        if self.nb_commits > 1:
            logger.info(f"Upload completed in {self.nb_commits} commits.")
        if self.pr_url is not None:
            return CommitInfo(
                commit_url=self.last_commit_info.commit_url,
                commit_message=self.last_commit_info.commit_message,
                commit_description=self.last_commit_info.commit_description,
                oid=self.last_commit_info.oid,
                pr_url=self.pr_url,
                _endpoint=self.api.endpoint,
            )
        return self.last_commit_info


def _may_succeed_smaller(error: BaseException) -> bool:
    """Whether a smaller commit could succeed where this one failed (a refusal like 412 or 403 would not change)."""
    if isinstance(error, HfHubHTTPError) and error.response is not None:
        return error.response.status_code in _SIZE_RELATED_STATUSES
    return isinstance(error, (requests.Timeout, requests.ConnectionError))


def pipelined_upload(
    api: "HfApi",
    *,
    repo_id: str,
    repo_type: str,
    add_operations: list[CommitOperationAdd],
    delete_operations: list[CommitOperationDelete],
    commit_message: str,
    commit_description: str | None = None,
    token: str | bool | None = None,
    revision: str | None = None,
    create_pr: bool = False,
    parent_commit: str | None = None,
    listed_files: list[tuple[str, str]] | None = None,
) -> CommitInfo:
    """Upload prepared additions (and deletions) in as many commits as needed; see the module docstring.

    `listed_files` (instead of `add_operations`, then empty): the `(path_in_repo, absolute path)` of files just
    found by listing a folder, read while the first ones are asked about (see `_ask_upload_modes`).
    """
    if listed_files is not None and add_operations:
        raise ValueError("Give either `add_operations` or `listed_files`, not both.")
    return _UploadPipeline(
        api,
        repo_id=repo_id,
        repo_type=repo_type,
        add_operations=add_operations,
        listed_files=listed_files,
        delete_operations=delete_operations,
        commit_message=commit_message,
        commit_description=commit_description,
        token=token,
        revision=revision,
        create_pr=create_pr,
        parent_commit=parent_commit,
    ).run()
