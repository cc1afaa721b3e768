"""The commit methods of `HfApi`: `create_commit`, `preupload_lfs_files` and `run_as_future`.

The protocol itself (preupload, LFS, copies, the NDJSON request) lives in `_commit_api`; this module validates the
arguments, sequences the steps and turns the outcome into a `CommitInfo`. The higher-level helpers built on it
(`upload_file`, `upload_folder`, `delete_*`) are in `_api_uploads`.
"""

import inspect
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import wraps
from typing import Any, Literal, TypeVar, overload
from urllib.parse import quote

from . import constants
from ._commit_api import (
    CommitOperation,
    CommitOperationAdd,
    CommitOperationCopy,
    _fetch_files_to_copy,
    _fetch_upload_modes,
    _send_commit,
    _upload_files,
    _warn_on_overwriting_operations,
)
from ._commit_copies import _CopySource, _duplicate_lfs_files, _LfsSource
from ._commit_info import CommitInfo
from ._commit_queries import revision_head
from .errors import BadRequestError, RemoteEntryNotFoundError, RepositoryNotFoundError
from .utils import get_session, hf_raise_for_status, logging, validate_hf_hub_args

logger = logging.get_logger(__name__)

R = TypeVar("R")
CallableT = TypeVar("CallableT", bound=Callable)

_CREATE_COMMIT_NO_REPO_ERROR_MESSAGE = (
    "\nNote: Creating a commit assumes that the repo already exists on the"
    " Huggingface Hub. Please use `create_repo` if it's not the case."
)


def future_compatible(fn: CallableT) -> CallableT:
    """Let a method of `HfApi` run in the background when called with `run_as_future=True`.

    It is then submitted to the client's background worker (see [`HfApi.run_as_future`]) and a
    `concurrent.futures.Future` is returned instead of the result.
    """
    parameter_names = list(inspect.signature(fn).parameters)[1:]  # without `self`

    @wraps(fn)
    def _inner(self: Any, *args: Any, **kwargs: Any) -> Any:
        if "run_as_future" in kwargs:
            run_as_future = kwargs["run_as_future"]
            kwargs["run_as_future"] = False  # the background call runs the method itself
        else:
            run_as_future = next(
                (value for name, value in zip(parameter_names, args, strict=False) if name == "run_as_future"), False
            )
        if run_as_future:
            return self.run_as_future(fn, self, *args, **kwargs)
        return fn(self, *args, **kwargs)

    _inner.is_future_compatible = True  # type: ignore[attr-defined]
    return _inner  # type: ignore[return-value]


class CommitsMixin:
    """`HfApi.create_commit`, `HfApi.preupload_lfs_files`, `HfApi.run_as_future`."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]

    def run_as_future(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> Future[R]:
        """Run `fn(*args, **kwargs)` in the background and return a `Future` of its result.

        Jobs run one at a time, in submission order, on one worker thread per client: pushes made during a
        training loop keep their order. To parallelise many calls, use your own `ThreadPoolExecutor` instead.
        [`create_commit`], [`upload_file`] and [`upload_folder`] accept `run_as_future=True` as a shortcut.

        ```python
        >>> future = api.run_as_future(api.upload_file, path_or_fileobj="ckpt.bin", path_in_repo="ckpt.bin", repo_id=repo)
        >>> future.result()  # waits, then returns the CommitInfo (or raises the call's error)
        ```
        """
        pool: ThreadPoolExecutor | None = getattr(self, "_thread_pool", None)
        if pool is None:
            pool = ThreadPoolExecutor(max_workers=1)
            self._thread_pool = pool
        return pool.submit(fn, *args, **kwargs)

    @overload
    def create_commit(  # type: ignore[overload-overlap]
        self,
        repo_id: str,
        operations: Iterable[CommitOperation],
        *,
        commit_message: str,
        commit_description: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        num_threads: int = 5,
        parent_commit: str | None = None,
        run_as_future: Literal[False] = ...,
        _hot_reload: bool | None = None,
    ) -> CommitInfo: ...

    @overload
    def create_commit(
        self,
        repo_id: str,
        operations: Iterable[CommitOperation],
        *,
        commit_message: str,
        commit_description: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        num_threads: int = 5,
        parent_commit: str | None = None,
        run_as_future: Literal[True] = ...,
        _hot_reload: bool | None = None,
    ) -> Future[CommitInfo]: ...

    @validate_hf_hub_args
    @future_compatible
    def create_commit(
        self,
        repo_id: str,
        operations: Iterable[CommitOperation],
        *,
        commit_message: str,
        commit_description: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        num_threads: int = 5,
        parent_commit: str | None = None,
        run_as_future: bool = False,
        _hot_reload: bool | None = None,
    ) -> CommitInfo | Future[CommitInfo]:
        """Create one commit that adds, deletes and copies files in a repository that already exists.

        The operations are mutated while the commit is made (upload modes, upload state): do not reuse them for
        another commit. Files identical to what is already on the revision are left out; when nothing is left,
        no commit is made and the returned `CommitInfo` describes the revision's current head. A commit is limited
        by the Hub to 25k LFS files and 1 GB of regular-file content.

        Args:
            repo_id (`str`):
                The repository, e.g. `"username/my-model"`.
            operations (`Iterable` of [`CommitOperation`]):
                [`CommitOperationAdd`], [`CommitOperationDelete`] and [`CommitOperationCopy`] items, applied in order.
            commit_message (`str`):
                The commit's summary (first line); must not be empty.
            commit_description (`str`, *optional*):
                The commit's description.
            token (`bool` or `str`, *optional*):
                User access token; the client's, then the locally saved one, by default. `False` sends none.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            revision (`str`, *optional*):
                The branch to commit to; `"main"` by default.
            create_pr (`bool`, *optional*):
                Open a pull request with the commit instead of committing to `revision` (which must then be a branch:
                otherwise the Hub answers with a `RevisionNotFoundError`).
            num_threads (`int`, *optional*, defaults to 5):
                Number of LFS files uploaded at the same time.
            parent_commit (`str`, *optional*):
                Commit id (5 to 40 hex characters) the branch must point to: the commit fails if it moved (HTTP 412).
                With `create_pr`, the pull request starts from that commit.
            run_as_future (`bool`, *optional*, defaults to `False`):
                Run in the background and return a `Future` (see [`run_as_future`]).

        Returns:
            [`CommitInfo`], or a `Future` of it with `run_as_future=True`.

        Raises:
            `ValueError`: if `commit_message` is empty, `parent_commit` is not a commit id, the repository type is
                unknown, an operation was already committed, or the `README.md` being added has invalid metadata
                (checked before anything is uploaded).
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible with this token.
            [`~errors.HfHubHTTPError`]: for any other error answer (e.g. 412 when `parent_commit` is outdated).
        """
        if parent_commit is not None and not constants.REGEX_COMMIT_OID.fullmatch(parent_commit):
            raise ValueError(
                "`parent_commit` is not a valid commit OID. It must match the following regex:"
                f" {constants.REGEX_COMMIT_OID}"
            )
        if commit_message is None or len(commit_message) == 0:
            raise ValueError("`commit_message` can't be empty, please pass a value.")

        commit_description = commit_description if commit_description is not None else ""
        repo_type = repo_type if repo_type is not None else constants.REPO_TYPE_MODEL
        if repo_type not in constants.REPO_TYPES:
            raise ValueError(f"Invalid repo type, must be one of {constants.REPO_TYPES}")
        unquoted_revision = revision or constants.DEFAULT_REVISION
        quoted_revision = quote(unquoted_revision, safe="")
        create_pr = bool(create_pr)
        headers = self._build_hf_headers(token=token)

        operations = list(operations)
        additions = [op for op in operations if isinstance(op, CommitOperationAdd)]
        copies = [op for op in operations if isinstance(op, CommitOperationCopy)]
        nb_deletions = len(operations) - len(additions) - len(copies)
        for addition in additions:
            if addition._is_committed:
                raise ValueError(
                    f"CommitOperationAdd {addition} has already being committed and cannot be reused. Please create a"
                    " new CommitOperationAdd object if you want to create a new commit."
                )
        if repo_type != constants.REPO_TYPE_DATASET:
            for addition in additions:
                if addition.path_in_repo.endswith((".arrow", ".parquet")):
                    warnings.warn(
                        f"It seems that you are about to commit a data file ({addition.path_in_repo}) to a {repo_type}"
                        " repository. You are sure this is intended? If you are trying to upload a dataset, please"
                        " set `repo_type='dataset'` or `--repo-type=dataset` in a CLI.",
                        stacklevel=3,
                    )
        logger.debug(
            f"About to commit to the hub: {len(additions)} addition(s), {len(copies)} copy(ies) and"
            f" {nb_deletions} deletion(s)."
        )

        # A README with broken metadata fails here, before any file is hashed or uploaded.
        readme = next((op for op in additions if op.path_in_repo == "README.md"), None)
        if readme is not None:
            with readme.as_file() as file:
                self._validate_yaml(file.read().decode(), repo_type=repo_type, token=token)

        _warn_on_overwriting_operations(operations)

        self.preupload_lfs_files(
            repo_id=repo_id,
            additions=additions,
            token=token,
            repo_type=repo_type,
            revision=unquoted_revision,
            create_pr=create_pr,
            num_threads=num_threads,
            free_memory=False,  # the caller's operations keep their content
        )
        files_to_copy = _fetch_files_to_copy(
            copies=copies,
            repo_type=repo_type,
            repo_id=repo_id,
            headers=headers,
            revision=unquoted_revision,
            endpoint=self.endpoint,
        )
        self._duplicate_lfs_files(
            repo_id=repo_id, copies=copies, files_to_copy=files_to_copy, token=token, repo_type=repo_type
        )

        remaining = [op for op in operations if not _is_no_op(op)]
        if len(remaining) != len(operations):
            logger.info(f"Removing {len(operations) - len(remaining)} file(s) from commit that have not changed.")
        if not remaining:
            logger.warning("No files have been modified since last commit. Skipping to prevent empty commit.")
            return self._head_commit_info(
                repo_id, repo_type, unquoted_revision, headers, commit_message, commit_description
            )

        try:
            commit_info = _send_commit(
                operations=remaining,
                files_to_copy=files_to_copy,
                commit_message=commit_message,
                commit_description=commit_description,
                repo_type=repo_type,
                repo_id=repo_id,
                headers=headers,
                revision=quoted_revision,
                endpoint=self.endpoint,
                parent_commit=parent_commit,
                create_pr=create_pr,
                hot_reload=bool(_hot_reload),
            )
        except RepositoryNotFoundError as e:
            e.append_to_message(_CREATE_COMMIT_NO_REPO_ERROR_MESSAGE)
            raise
        except RemoteEntryNotFoundError as e:
            if nb_deletions > 0 and "A file with this name doesn't exist" in str(e):
                e.append_to_message(
                    "\nMake sure to differentiate file and folder paths in delete"
                    " operations with a trailing '/' or using `is_folder=True/False`."
                )
            raise

        for addition in additions:
            addition._is_committed = True
        return commit_info

    def _head_commit_info(
        self,
        repo_id: str,
        repo_type: str,
        revision: str,
        headers: dict[str, str],
        commit_message: str,
        commit_description: str,
    ) -> CommitInfo:
        """`CommitInfo` of the commit `revision` points to (what a commit that changed nothing returns)."""
        try:
            sha = revision_head(self.endpoint, headers, repo_type, repo_id, revision)
        except RepositoryNotFoundError as e:
            e.append_to_message(_CREATE_COMMIT_NO_REPO_ERROR_MESSAGE)
            raise
        prefix = constants.REPO_TYPES_URL_PREFIXES.get(repo_type, "")
        return CommitInfo(
            commit_url=f"{self.endpoint}/{prefix}{repo_id}/commit/{sha}",
            commit_message=commit_message,
            commit_description=commit_description,
            oid=sha,
            _endpoint=self.endpoint,
        )

    def preupload_lfs_files(
        self,
        repo_id: str,
        additions: Iterable[CommitOperationAdd],
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        num_threads: int = 5,
        free_memory: bool = True,
        gitignore_content: str | None = None,
    ) -> None:
        """Upload the LFS content of some additions now, to commit them later with [`create_commit`].

        Useful when files are produced one by one and should not all be kept until the commit: upload each as it
        comes, then commit them together. Regular files are left for the commit itself. Power-user method:
        [`create_commit`] does all of this on its own.

        The operations are mutated; with `free_memory=True` (default), the content of each uploaded operation is
        replaced by `b""`, so pass the same objects to [`create_commit`] and nowhere else.

        Args:
            repo_id (`str`):
                The repository the files will be committed to.
            additions (`Iterable` of [`CommitOperationAdd`]):
                The files; those already uploaded are skipped.
            token (`bool` or `str`, *optional*):
                User access token; the client's, then the locally saved one, by default.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            revision (`str`, *optional*):
                The branch the commit will go to; `"main"` by default.
            create_pr (`bool`, *optional*):
                Whether the commit will open a pull request (then no write access to `revision` is needed).
            num_threads (`int`, *optional*, defaults to 5):
                Number of files uploaded at the same time.
            free_memory (`bool`, *optional*, defaults to `True`):
                Drop the content of uploaded operations.
            gitignore_content (`str`, *optional*):
                `.gitignore` rules deciding which files are ignored; by default those of a `.gitignore` among
                `additions`, else those of the revision.

        ```python
        >>> operations = []
        >>> for i in range(5):
        ...     addition = CommitOperationAdd(path_in_repo=f"shard_{i}_of_5.bin", path_or_fileobj=make_shard(i))
        ...     preupload_lfs_files(repo_id, additions=[addition])  # uploaded now, content released
        ...     operations.append(addition)
        >>> create_commit(repo_id, operations=operations, commit_message="Commit all shards")
        ```
        """
        repo_type = repo_type if repo_type is not None else constants.REPO_TYPE_MODEL
        if repo_type not in constants.REPO_TYPES:
            raise ValueError(f"Invalid repo type, must be one of {constants.REPO_TYPES}")
        quoted_revision = quote(revision, safe="") if revision is not None else constants.DEFAULT_REVISION
        create_pr = bool(create_pr)
        headers = self._build_hf_headers(token=token)

        additions = list(additions)
        if gitignore_content is None:
            gitignore = next((op for op in additions if op.path_in_repo == ".gitignore"), None)
            if gitignore is not None:
                with gitignore.as_file() as file:
                    gitignore_content = file.read().decode()

        new_additions = [op for op in additions if not op._is_uploaded]
        unknown_mode = [op for op in new_additions if op._upload_mode is None]
        if unknown_mode:
            try:
                _fetch_upload_modes(
                    additions=unknown_mode,
                    repo_type=repo_type,
                    repo_id=repo_id,
                    headers=headers,
                    revision=quoted_revision,
                    endpoint=self.endpoint,
                    create_pr=create_pr,
                    gitignore_content=gitignore_content,
                )
            except RepositoryNotFoundError as e:
                e.append_to_message(_CREATE_COMMIT_NO_REPO_ERROR_MESSAGE)
                raise

        lfs_additions = [op for op in new_additions if op._upload_mode == "lfs"]
        to_upload = [op for op in lfs_additions if not op._should_ignore]
        for op in lfs_additions:
            if op._should_ignore:
                logger.debug(f"Skipping upload for LFS file '{op.path_in_repo}' (ignored by gitignore file).")
        if len(to_upload) != len(lfs_additions):
            logger.info(
                f"Skipped upload for {len(lfs_additions) - len(to_upload)} LFS file(s) (ignored by gitignore file)."
            )
        if not to_upload:
            logger.debug("No LFS files to upload.")
            return

        _upload_files(
            additions=to_upload,
            repo_type=repo_type,
            repo_id=repo_id,
            headers=headers,
            endpoint=self.endpoint,
            # Objects for a pull request are not tied to a branch: users who may only open pull requests can send them.
            revision=quoted_revision if not create_pr else None,
            num_threads=num_threads,
            create_pr=create_pr,
        )
        for op in to_upload:
            op._is_uploaded = True
            if free_memory:
                op.path_or_fileobj = b""

    @validate_hf_hub_args
    def _duplicate_lfs_files(
        self,
        repo_id: str,
        copies: Iterable[CommitOperationCopy],
        *,
        files_to_copy: dict[_CopySource, _LfsSource | bytes],
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Make the LFS objects of cross-repository copies available in `repo_id` before committing them."""
        repo_type = repo_type if repo_type is not None else constants.REPO_TYPE_MODEL
        if repo_type not in constants.REPO_TYPES:
            raise ValueError(f"Invalid repo type, must be one of {constants.REPO_TYPES}")
        _duplicate_lfs_files(
            self.endpoint, self._build_hf_headers(token=token), repo_type, repo_id, list(copies), files_to_copy
        )

    def _validate_yaml(self, content: str, *, repo_type: str | None = None, token: bool | str | None = None) -> None:
        """Have the Hub check the metadata of a `README.md` before anything is uploaded.

        Raises:
            `ValueError`: "Invalid metadata in README.md." with the Hub's list of errors.
        """
        repo_type = repo_type if repo_type is not None else constants.REPO_TYPE_MODEL
        response = get_session().post(
            f"{self.endpoint}/api/validate-yaml",
            json={"content": content, "repoType": repo_type},
            headers=self._build_hf_headers(token=token),
        )
        answer = response.json()
        notes = "\n".join(f"- {warning.get('message')}" for warning in answer.get("warnings", []))
        if notes:
            warnings.warn(f"Warnings while validating metadata in README.md:\n{notes}", stacklevel=3)
        try:
            hf_raise_for_status(response)
        except BadRequestError as e:
            errors = "\n".join(f"- {error.get('message')}" for error in answer.get("errors", []))
            raise ValueError(f"Invalid metadata in README.md.\n{errors}") from e


def _is_no_op(operation: CommitOperation) -> bool:
    """An addition identical to the remote file, or a copy onto an identical file, changes nothing."""
    if isinstance(operation, CommitOperationAdd) and operation._remote_oid is not None:
        if operation._remote_oid == operation._local_oid:
            logger.debug(f"Skipping upload for '{operation.path_in_repo}' as the file has not changed.")
            return True
    if isinstance(operation, CommitOperationCopy) and operation._dest_oid is not None:
        if operation._dest_oid == operation._src_oid:
            logger.debug(
                f"Skipping copy for '{operation.src_path_in_repo}' -> '{operation.path_in_repo}' as the content of the"
                " source file is the same as the destination file."
            )
            return True
    return False
