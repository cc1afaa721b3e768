"""The operations of a commit (add, delete, copy) and the protocol that turns them into a commit on the Hub.

`create_commit` (in `_api_commits`) runs these steps:

1. preupload (`_fetch_upload_modes`): the Hub says, for each added file, whether it is a regular git blob or an
   LFS object, whether `.gitignore` excludes it, and what is currently stored at its path (no-op detection);
2. LFS-mode content (`_upload_files`): through Xet storage when it is enabled and the Hub offers it (`_xet_upload`:
   chunked, deduplicated and sent by the Rust CAS client, SHA-256 computed during the same read); otherwise the
   SHA-256 of every file still missing one is computed in one parallel pass in Rust, the LFS batch API hands out
   upload URLs, and the bytes are sent (`lfs.lfs_upload`);
3. copies (`_fetch_files_to_copy`): what the copied files are;
4. the commit itself (`_send_commit`): one NDJSON request listing every operation.
"""

import base64
import io
import json
import os
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Literal, Union

from . import _rust, constants
from ._commit_copies import (
    DUPLICATE_LFS_BATCH_SIZE,
    FETCH_LFS_BATCH_SIZE,
    _CopySource,
    _fetch_files_to_copy,
    _LfsSource,
)
from ._commit_info import CommitInfo
from .lfs import UploadInfo, _file_stat, lfs_upload, post_lfs_batch_info
from .utils import (
    FORBIDDEN_FOLDERS,
    chunk_iterable,
    get_session,
    hf_raise_for_status,
    hf_thread_map,
    http_backoff,
    logging,
    sha,
    tqdm_stream_file,
    validate_hf_hub_args,
)
from .utils import tqdm as hf_tqdm

__all__ = [
    "DUPLICATE_LFS_BATCH_SIZE",
    "FETCH_LFS_BATCH_SIZE",
    "UPLOAD_BATCH_MAX_NUM_FILES",
    "CommitOperation",
    "CommitOperationAdd",
    "CommitOperationCopy",
    "CommitOperationDelete",
    "UploadMode",
    "_fetch_files_to_copy",
]

logger = logging.get_logger(__name__)

UploadMode = Literal["lfs", "regular"]

# Objects per LFS batch request (and files per preupload request).
UPLOAD_BATCH_MAX_NUM_FILES = 256

# Bytes of whole files kept in memory when a folder is listed (its small files are then read once, not twice).
LISTED_CONTENT_BUDGET = 64 * 1024 * 1024


@dataclass
class CommitOperationDelete:
    """Delete a file or a folder of the repository.

    Args:
        path_in_repo (`str`):
            Path in the repository, e.g. `"checkpoints/1fec34a/weights.bin"` or, for a folder,
            `"checkpoints/1fec34a/"`.
        is_folder (`bool` or `"auto"`, *optional*):
            Whether the path is a folder. `"auto"` (the default) decides from the path: a folder if it ends with `/`.
    """

    path_in_repo: str
    is_folder: bool | Literal["auto"] = "auto"

    def __post_init__(self) -> None:
        self.path_in_repo = _validate_path_in_repo(self.path_in_repo)
        if self.is_folder == "auto":
            self.is_folder = self.path_in_repo.endswith("/")
        if not isinstance(self.is_folder, bool):
            raise ValueError(
                f"Wrong value for `is_folder`. Must be one of [`True`, `False`, `'auto'`]. Got '{self.is_folder}'."
            )


@dataclass
class CommitOperationCopy:
    """Copy a file already on the Hub to another path, within the repository or from another one.

    LFS files are copied by reference (no bytes are transferred; across repositories the object is first
    duplicated into the destination, which only works within one storage region); regular files are downloaded
    and committed again. Combined with a [`CommitOperationDelete`] of the source, this renames a file.

    Args:
        src_path_in_repo (`str`):
            Path of the file to copy, e.g. `"checkpoints/1fec34a/weights.bin"`.
        path_in_repo (`str`):
            Where to put the copy, e.g. `"checkpoints/1fec34a/weights_copy.bin"`.
        src_revision (`str`, *optional*):
            Revision to copy from; the commit's revision by default (`"main"` for another repository).
        src_repo_id (`str`, *optional*):
            Repository to copy from (`namespace/name`); the destination repository by default.
        src_repo_type (`str`, *optional*):
            Type of `src_repo_id` (`"model"`, `"dataset"` or `"space"`); required with `src_repo_id`.
    """

    src_path_in_repo: str
    path_in_repo: str
    src_revision: str | None = None
    src_repo_id: str | None = None
    src_repo_type: str | None = None
    # Ids of the source and of what is at the destination, once known: equal ids make the copy a no-op.
    _src_oid: str | None = None
    _dest_oid: str | None = None
    # Set once a cross-repository LFS object has been duplicated into the destination repository.
    _is_duplicated: bool = False

    def __post_init__(self) -> None:
        self.src_path_in_repo = _validate_path_in_repo(self.src_path_in_repo)
        self.path_in_repo = _validate_path_in_repo(self.path_in_repo)
        if self.src_repo_id is not None and self.src_repo_type is None:
            raise ValueError("`src_repo_type` is required when `src_repo_id` is set.")
        if self.src_repo_type is not None and self.src_repo_id is None:
            raise ValueError("`src_repo_id` is required when `src_repo_type` is set.")


@dataclass
class CommitOperationAdd:
    """Upload a file to the repository (new, or replacing the file at that path).

    Args:
        path_in_repo (`str`):
            Path in the repository, e.g. `"checkpoints/1fec34a/weights.bin"`.
        path_or_fileobj (`str`, `Path`, `bytes` or `BinaryIO`):
            The content: a local file (path as `str` or `Path`), `bytes`, or a binary file object (an
            `io.BufferedIOBase`, e.g. from `open(path, "rb")`) supporting `seek()` and `tell()`.

    Raises:
        `ValueError`: if `path_or_fileobj` is none of these, names no existing file, or is a file object that cannot
            `seek()`/`tell()`; or if `path_in_repo` is invalid.
    """

    path_in_repo: str
    path_or_fileobj: str | Path | bytes | BinaryIO
    upload_info: UploadInfo = field(init=False, repr=False)

    # Filled in by the commit protocol:
    # "lfs" or "regular", as the Hub decided at preupload.
    _upload_mode: UploadMode | None = field(init=False, repr=False, default=None)
    # Whether the Hub's `.gitignore` rules exclude the file (it is then left out of the commit).
    _should_ignore: bool | None = field(init=False, repr=False, default=None)
    # Id of what is currently stored at `path_in_repo` (git blob sha1, or sha256 for LFS), if anything.
    _remote_oid: str | None = field(init=False, repr=False, default=None)
    # True once the LFS object is stored on the Hub.
    _is_uploaded: bool = field(init=False, repr=False, default=False)
    # True once committed: the operation cannot be used for another commit.
    _is_committed: bool = field(init=False, repr=False, default=False)

    def __post_init__(self) -> None:
        self.path_in_repo = _validate_path_in_repo(self.path_in_repo)

        if isinstance(self.path_or_fileobj, Path):
            self.path_or_fileobj = str(self.path_or_fileobj)
        if isinstance(self.path_or_fileobj, str):
            self.path_or_fileobj = os.path.normpath(os.path.expanduser(self.path_or_fileobj))
            if not os.path.isfile(self.path_or_fileobj):
                raise ValueError(f"Provided path: '{self.path_or_fileobj}' is not a file on the local file system")
        elif not isinstance(self.path_or_fileobj, (io.BufferedIOBase, bytes)):
            # Text streams are not `BufferedIOBase`: their content would be re-encoded.
            raise ValueError(
                "path_or_fileobj must be either an instance of str, bytes or"
                " io.BufferedIOBase. If you passed a file-like object, make sure it is"
                " in binary mode."
            )
        if isinstance(self.path_or_fileobj, io.BufferedIOBase):
            try:
                self.path_or_fileobj.tell()
                self.path_or_fileobj.seek(0, os.SEEK_CUR)
            except (OSError, AttributeError) as exc:
                raise ValueError(
                    "path_or_fileobj is a file-like object but does not implement seek() and tell()"
                ) from exc

        if isinstance(self.path_or_fileobj, str):
            self.upload_info = UploadInfo.from_path(self.path_or_fileobj)
        elif isinstance(self.path_or_fileobj, bytes):
            self.upload_info = UploadInfo.from_bytes(self.path_or_fileobj)
        else:
            self.upload_info = UploadInfo.from_fileobj(self.path_or_fileobj)

    @classmethod
    def _from_listed_file(cls, path_in_repo: str, path: str) -> "CommitOperationAdd":
        """The addition of a file just found by listing a folder (`path`: absolute, normalised, a regular file)."""
        return cls._from_listed_files([(path_in_repo, path)])[0]

    @classmethod
    def _from_listed_files(
        cls, files: list[tuple[str, str]], content_budget: int | None = None, paths_validated: bool = False
    ) -> list["CommitOperationAdd"]:
        """The additions of files just found by listing a folder: `(path_in_repo, path)` pairs, `path` absolute,
        normalised and a regular file.

        The same objects the constructor builds, without checking again what the listing established, and with the
        size and sample of every file read in one parallel pass in Rust: one open, stat and read per file is most of
        the preparation of a folder of many small files. While at it, the whole content of files is kept, up to
        `content_budget` bytes in all (default: `LISTED_CONTENT_BUDGET`): a regular file's commit then sends it
        without opening the file again.
        `paths_validated`: the paths in the repository are already what `_validate_path_in_repo` returns.
        """
        if paths_validated:
            path_in_repos = [path_in_repo for path_in_repo, _ in files]
        else:
            path_in_repos = [_validate_path_in_repo(path_in_repo) for path_in_repo, _ in files]
        budget = LISTED_CONTENT_BUDGET if content_budget is None else content_budget
        heads = _rust.read_file_heads([path for _, path in files], 512, budget)
        operations = []
        for path_in_repo, (_, path), (size, sample, content) in zip(path_in_repos, files, heads, strict=True):
            operation = cls.__new__(cls)
            operation.path_in_repo = path_in_repo
            operation.path_or_fileobj = path
            operation.upload_info = UploadInfo(size=size, sample=sample, source_path=path)
            operation.upload_info._content = content
            operation._upload_mode = None
            operation._should_ignore = None
            operation._remote_oid = None
            operation._is_uploaded = False
            operation._is_committed = False
            operations.append(operation)
        return operations

    @contextmanager
    def as_file(self, with_tqdm: bool = False) -> Iterator[BinaryIO]:
        """A binary file object reading the content, from its start.

        Args:
            with_tqdm (`bool`, *optional*, defaults to `False`):
                Show a progress bar while the file is read (only for content given as a path).

        ```python
        >>> operation = CommitOperationAdd(path_in_repo="weights.h5", path_or_fileobj="./local/weights.h5")
        >>> with operation.as_file() as file:
        ...     content = file.read()
        ```
        """
        if isinstance(self.path_or_fileobj, (str, Path)):
            if with_tqdm:
                with tqdm_stream_file(self.path_or_fileobj) as file:
                    yield file
            else:
                with open(self.path_or_fileobj, "rb") as file:
                    yield file
        elif isinstance(self.path_or_fileobj, bytes):
            yield io.BytesIO(self.path_or_fileobj)
        elif isinstance(self.path_or_fileobj, io.BufferedIOBase):
            previous = self.path_or_fileobj.tell()
            yield self.path_or_fileobj
            self.path_or_fileobj.seek(previous, io.SEEK_SET)

    def b64content(self) -> bytes:
        """The content, base64-encoded."""
        with self.as_file() as file:
            return base64.b64encode(file.read())

    @property
    def _local_oid(self) -> str | None:
        """Id of the content, comparable with `_remote_oid` to skip unchanged files.

        The sha256 of the content for an LFS file (what the Hub reports for LFS files, rather than the id of the
        pointer file), the git blob sha1 for a regular file; `None` before the upload mode is known.
        """
        if self._upload_mode is None:
            return None
        if self._upload_mode == "lfs":
            return self.upload_info.sha256.hex()
        with self.as_file() as file:  # a regular file is small: reading it whole is fine
            return sha.git_hash(file.read())


def _validate_path_in_repo(path_in_repo: str) -> str:
    """Normalise a path in the repository and refuse those that escape it or write into a forbidden folder.

    One leading `/` and then one leading `./` are dropped; `.`, `..` and paths starting with `../` are refused,
    as is any path with a `.git` or `.cache` component. Other oddities are left to the Hub to judge.
    """
    if path_in_repo.startswith("/"):
        path_in_repo = path_in_repo[1:]
    if path_in_repo == "." or path_in_repo == ".." or path_in_repo.startswith("../"):
        raise ValueError(f"Invalid `path_in_repo` in CommitOperation: '{path_in_repo}'")
    if path_in_repo.startswith("./"):
        path_in_repo = path_in_repo[2:]
    parts = path_in_repo.split("/")
    for forbidden in FORBIDDEN_FOLDERS:
        if forbidden in parts:
            raise ValueError(
                f"Invalid `path_in_repo` in CommitOperation: cannot update files under a '{forbidden}/' folder (path:"
                f" '{path_in_repo}')."
            )
    return path_in_repo


CommitOperation = Union[CommitOperationAdd, CommitOperationCopy, CommitOperationDelete]


def _warn_on_overwriting_operations(operations: list[CommitOperation]) -> None:
    """Warn when a commit adds the same path twice, or deletes a file or folder it has just added to.

    Deleting first and adding afterwards (e.g. emptying a folder, then filling it again) is not warned about.
    """
    additions_per_path: dict[str, int] = defaultdict(int)
    for operation in operations:
        path_in_repo = operation.path_in_repo
        if isinstance(operation, CommitOperationAdd):
            if additions_per_path[path_in_repo] > 0:
                warnings.warn(
                    "About to update multiple times the same file in the same commit:"
                    f" '{path_in_repo}'. This can cause undesired inconsistencies in"
                    " your repo.",
                    stacklevel=3,
                )
            additions_per_path[path_in_repo] += 1
            for parent in _parent_folders(path_in_repo):
                additions_per_path[parent] += 1  # a folder counts the additions below it
        if isinstance(operation, CommitOperationDelete):
            if additions_per_path[_normalised(path_in_repo)] > 0:
                if operation.is_folder:
                    warnings.warn(
                        "About to delete a folder containing files that have just been"
                        f" updated within the same commit: '{path_in_repo}'. This can"
                        " cause undesired inconsistencies in your repo.",
                        stacklevel=3,
                    )
                else:
                    warnings.warn(
                        "About to delete a file that have just been updated within the"
                        f" same commit: '{path_in_repo}'. This can cause undesired"
                        " inconsistencies in your repo.",
                        stacklevel=3,
                    )


def _is_plain(path: str) -> bool:
    """Whether `PurePosixPath` would keep `path` as it is (no empty, `.` or trailing segment)."""
    return not (
        path in ("", ".")
        or path.startswith(("/", "./"))
        or path.endswith(("/", "/."))
        or "//" in path
        or "/./" in path
    )


def _normalised(path: str) -> str:
    return path if _is_plain(path) else str(PurePosixPath(path))


def _parent_folders(path: str) -> list[str]:
    """`str` of each of `PurePosixPath(path).parents` (`"a/b/c"` -> `["a/b", "a", "."]`), quickly for plain paths."""
    if not _is_plain(path):
        return [str(parent) for parent in PurePosixPath(path).parents]
    parents = []
    while "/" in path:
        path = path.rsplit("/", 1)[0]
        parents.append(path)
    parents.append(".")
    return parents


def _compute_missing_sha256s(additions: list[CommitOperationAdd], num_threads: int = 5) -> None:
    """Hash every file on disk whose sha256 is still unknown, in one parallel pass in Rust.

    Files are read in constant memory, several at a time (one per core). The size and modification time of each
    file, taken just before, are kept so that a change during the upload can be detected.
    """
    pending = [op for op in additions if not op.upload_info.is_hashed]
    if not pending:
        return
    logger.info(f"Computing sha256 for {len(pending)} files.")
    paths: list[str | os.PathLike[str]] = [str(op.path_or_fileobj) for op in pending]
    stats = [_file_stat(str(path)) for path in paths]
    digests = _rust.hash_files(paths, "sha256")
    for op, stat, digest in zip(pending, stats, digests, strict=True):
        op.upload_info.sha256 = digest
        op.upload_info._hashed_stat = stat


@validate_hf_hub_args
def _upload_files(
    *,
    additions: list[CommitOperationAdd],
    repo_type: str,
    repo_id: str,
    headers: dict[str, str],
    endpoint: str | None = None,
    num_threads: int = 5,
    revision: str | None = None,
    create_pr: bool | None = None,
    allow_xet: bool = True,
) -> None:
    """Store the content of LFS `additions` on the Hub through the LFS batch API.

    `revision` (URL-quoted) names the branch the objects are for; `None` when they are for a pull request.

    Through Xet storage when it is enabled and the Hub offers it (see `_xet_upload`), else through LFS.
    """
    from ._xet_upload import can_upload_with_xet, drop_stored, upload_xet_files

    if (
        allow_xet
        and can_upload_with_xet(additions)
        and upload_xet_files(
            additions=drop_stored(additions),
            repo_type=repo_type,
            repo_id=repo_id,
            headers=headers,
            endpoint=endpoint,
            revision=revision,
            create_pr=create_pr,
        )
    ):
        return
    _compute_missing_sha256s(additions, num_threads=num_threads)

    actions: list[dict[str, Any]] = []
    oid_to_operation: dict[str, CommitOperationAdd] = {}
    for chunk in chunk_iterable(additions, chunk_size=UPLOAD_BATCH_MAX_NUM_FILES):
        chunk_list = list(chunk)
        chunk_actions, chunk_errors, _ = post_lfs_batch_info(
            upload_infos=[op.upload_info for op in chunk_list],
            repo_id=repo_id,
            repo_type=repo_type,
            revision=revision,
            endpoint=endpoint,
            headers=headers,
            token=None,  # the authorization is in `headers`
            transfers=["basic", "multipart"],
        )
        if chunk_errors:
            message = "\n".join(
                f"Encountered error for file with OID {error.get('oid')}: `{error.get('error', {}).get('message')}"
                for error in chunk_errors
            )
            raise ValueError(f"LFS batch API returned errors:\n{message}")
        actions.extend(chunk_actions)
        for op in chunk_list:
            oid_to_operation[op.upload_info.sha256.hex()] = op

    if actions:
        _upload_lfs_files(
            actions=actions, oid2addop=oid_to_operation, headers=headers, endpoint=endpoint, num_threads=num_threads
        )


@validate_hf_hub_args
def _upload_lfs_files(
    *,
    actions: list[dict[str, Any]],
    oid2addop: dict[str, CommitOperationAdd],
    headers: dict[str, str],
    endpoint: str | None = None,
    num_threads: int = 5,
) -> None:
    """Send the objects the batch answer asks for (those already stored come back without actions).

    Up to `num_threads` files are sent at once; each file on disk is itself sent in parallel parts by the Rust
    engine when the Hub offers a multipart upload.

    Raises:
        `RuntimeError`: "Error while uploading '<path>' to the Hub.", caused by the actual failure.
    """
    to_send = []
    for action in actions:
        if action.get("actions") is None:
            logger.debug(
                f"Content of file {oid2addop[action['oid']].path_in_repo} is already present upstream - skipping upload."
            )
        else:
            to_send.append(action)

    def send(batch_action: dict[str, Any]) -> None:
        operation = oid2addop[batch_action["oid"]]
        try:
            lfs_upload(operation=operation, lfs_batch_action=batch_action, headers=headers, endpoint=endpoint)
        except Exception as exc:
            raise RuntimeError(f"Error while uploading '{operation.path_in_repo}' to the Hub.") from exc

    if len(to_send) == 1:
        logger.debug("Uploading 1 LFS file to the Hub")
        send(to_send[0])
    elif to_send:
        logger.debug(f"Uploading {len(to_send)} LFS files to the Hub using up to {num_threads} threads concurrently")
        hf_thread_map(
            send, to_send, desc=f"Upload {len(to_send)} LFS files", max_workers=num_threads, tqdm_class=hf_tqdm
        )


def _validate_preupload_info(preupload_info: dict) -> dict:
    files = preupload_info.get("files")
    if not isinstance(files, list):
        raise ValueError("preupload_info is improperly formatted")
    for file_info in files:
        if not (
            isinstance(file_info, dict)
            and isinstance(file_info.get("path"), str)
            and file_info.get("uploadMode") in ("lfs", "regular")
        ):
            raise ValueError("preupload_info is improperly formatted:")
    return preupload_info


@validate_hf_hub_args
def _fetch_upload_modes(
    additions: Iterable[CommitOperationAdd],
    repo_type: str,
    repo_id: str,
    headers: dict[str, str],
    revision: str,
    endpoint: str | None = None,
    create_pr: bool = False,
    gitignore_content: str | None = None,
) -> None:
    """Ask the Hub's preupload endpoint how each addition is stored; the operations are updated in place.

    Sets `_upload_mode` ("regular" or "lfs"), `_should_ignore` and `_remote_oid`. Empty files are always
    regular (an empty LFS object cannot be stored).

    Args:
        additions (`Iterable[CommitOperationAdd]`):
            The files to ask about (256 per request).
        repo_type (`str`), repo_id (`str`):
            The repository.
        headers (`dict[str, str]`):
            Request headers, authorization and user-agent included.
        revision (`str`):
            The revision committed to, URL-quoted.
        create_pr (`bool`):
            Whether the commit opens a pull request.
        gitignore_content (`str`, *optional*):
            `.gitignore` rules to apply instead of those on the revision.

    Raises:
        [`~errors.HfHubHTTPError`]: if the Hub answers with an error.
        `ValueError`: if the answer is malformed.
    """
    endpoint = endpoint if endpoint is not None else constants.ENDPOINT
    additions = list(additions)
    modes: dict[str, UploadMode] = {}
    ignored: dict[str, bool] = {}
    remote_oids: dict[str, str | None] = {}
    for chunk in chunk_iterable(additions, UPLOAD_BATCH_MAX_NUM_FILES):
        payload: dict[str, Any] = {
            "files": [
                {
                    "path": op.path_in_repo,
                    "sample": base64.b64encode(op.upload_info.sample).decode("ascii"),
                    "size": op.upload_info.size,
                }
                for op in chunk
            ]
        }
        if gitignore_content is not None:
            payload["gitIgnore"] = gitignore_content
        response = http_backoff(
            "POST",
            f"{endpoint}/api/{repo_type}s/{repo_id}/preupload/{revision}",
            json=payload,
            headers=headers,
            params={"create_pr": "1"} if create_pr else None,
        )
        hf_raise_for_status(response)
        for file in _validate_preupload_info(response.json())["files"]:
            modes[file["path"]] = file["uploadMode"]
            ignored[file["path"]] = file["shouldIgnore"]
            remote_oids[file["path"]] = file.get("oid")

    for addition in additions:
        addition._upload_mode = modes[addition.path_in_repo]
        addition._should_ignore = ignored[addition.path_in_repo]
        addition._remote_oid = remote_oids[addition.path_in_repo]
        if addition.upload_info.size == 0:
            addition._upload_mode = "regular"


def _prepare_commit_payload(
    operations: Iterable[CommitOperation],
    files_to_copy: dict[_CopySource, _LfsSource | bytes],
    commit_message: str,
    commit_description: str | None = None,
    parent_commit: str | None = None,
    _content_as_bytes: bool = False,
    _content_on_disk: bool = False,
) -> Iterable[dict[str, Any]]:
    """The lines of the commit request (NDJSON): a header, then one line per operation, in order.

    Additions excluded by `.gitignore` are left out. Copies become `file` lines (regular files, with their
    downloaded content) or `lfsFile` lines (LFS files, by sha256, without size). With `_content_as_bytes`, the
    base64 content of `file` lines stays `bytes` (for `_encode_line`, which writes it without re-scanning it); with
    `_content_on_disk` too, the content of a file on disk (or kept in memory when its folder was listed) is not
    read nor encoded but left as an `_Unencoded` for `_commit_body`.
    """
    header: dict[str, Any] = {"summary": commit_message, "description": commit_description or ""}
    if parent_commit is not None:
        header["parentCommit"] = parent_commit
    yield {"key": "header", "value": header}

    nb_ignored = 0
    for operation in operations:
        if isinstance(operation, CommitOperationAdd) and operation._should_ignore:
            logger.debug(f"Skipping file '{operation.path_in_repo}' in commit (ignored by gitignore file).")
            nb_ignored += 1
            continue
        if isinstance(operation, CommitOperationAdd) and operation._upload_mode == "regular":
            content: bytes | str | _Unencoded
            if _content_on_disk and operation.upload_info._content is not None:
                content = _Unencoded(operation.upload_info._content)  # kept when its folder was listed
            elif _content_on_disk and isinstance(operation.path_or_fileobj, str):
                content = _Unencoded(operation.path_or_fileobj)
            else:
                content = operation.b64content() if _content_as_bytes else operation.b64content().decode()
            yield {
                "key": "file",
                "value": {
                    "content": content,
                    "path": operation.path_in_repo,
                    "encoding": "base64",
                },
            }
        elif isinstance(operation, CommitOperationAdd) and operation._upload_mode == "lfs":
            yield {
                "key": "lfsFile",
                "value": {
                    "path": operation.path_in_repo,
                    "algo": "sha256",
                    "oid": operation.upload_info.sha256.hex(),
                    "size": operation.upload_info.size,
                },
            }
        elif isinstance(operation, CommitOperationDelete):
            yield {
                "key": "deletedFolder" if operation.is_folder else "deletedFile",
                "value": {"path": operation.path_in_repo},
            }
        elif isinstance(operation, CommitOperationCopy):
            source = files_to_copy[
                _CopySource(
                    operation.src_repo_id, operation.src_repo_type, operation.src_path_in_repo, operation.src_revision
                )
            ]
            if isinstance(source, bytes):
                yield {
                    "key": "file",
                    "value": {
                        "content": base64.b64encode(source)
                        if _content_as_bytes
                        else base64.b64encode(source).decode(),
                        "path": operation.path_in_repo,
                        "encoding": "base64",
                    },
                }
            else:
                yield {
                    "key": "lfsFile",
                    "value": {"path": operation.path_in_repo, "algo": "sha256", "oid": source.sha256},
                }
        else:
            raise ValueError(
                f"Unknown operation to commit. Operation: {operation}. Upload mode:"
                f" {getattr(operation, '_upload_mode', None)}"
            )
    if nb_ignored > 0:
        logger.info(f"Skipped {nb_ignored} file(s) in commit (ignored by gitignore file).")


@dataclass(frozen=True)
class _Unencoded:
    """The content of a `file` line still to be base64-encoded by `_commit_body`: the path of the file holding it
    (read then), or the content itself."""

    source: str | bytes


def _commit_body(lines: Iterable[dict[str, Any]]) -> bytes:
    """The NDJSON body of the commit request for `lines` (from `_prepare_commit_payload(..., _content_on_disk=True)`).

    Contents are read (from disk) and encoded in Rust, several files at a time and without the GIL; the result is
    byte for byte `b"".join(_encode_line(line) for line in lines)` with the content read and encoded in Python.
    """
    parts: list[bytes | tuple[str | bytes, bytes]] = []
    for line in lines:
        value = line["value"]
        if line["key"] == "file" and isinstance(value["content"], _Unencoded):
            parts.append((value["content"].source, json.dumps(value["path"]).encode()))
        else:
            parts.append(_encode_line(line))
    return _rust.commit_ndjson(parts)


def _encode_line(line: dict[str, Any]) -> bytes:
    """One NDJSON line, as `json.dumps(line) + "\\n"` would write it.

    The base64 content of a `file` line (given as `bytes`) is pasted as is: base64 needs no JSON escaping, and
    scanning megabytes of it character by character is most of the cost of building a commit of many files.
    """
    value = line["value"]
    if line["key"] == "file" and isinstance(value.get("content"), bytes):
        path = json.dumps(value["path"]).encode()
        return (
            b'{"key": "file", "value": {"content": "'
            + value["content"]
            + b'", "path": '
            + path
            + b', "encoding": "base64"}}\n'
        )
    return json.dumps(line).encode() + b"\n"


def _send_commit(
    *,
    operations: Iterable[CommitOperation],
    files_to_copy: dict[_CopySource, _LfsSource | bytes],
    commit_message: str,
    commit_description: str,
    repo_type: str,
    repo_id: str,
    headers: dict[str, str],
    revision: str,
    endpoint: str | None = None,
    parent_commit: str | None = None,
    create_pr: bool = False,
    hot_reload: bool = False,
    retry_on_error: bool = False,
) -> CommitInfo:
    """POST the operations (ready: modes known, LFS content stored) as one commit; `revision` is URL-quoted.

    With `retry_on_error`, transient failures are retried; a commit whose answer was lost would then be made
    twice, so only callers committing to an explicit ref (never with `create_pr`) set it.
    """
    endpoint = endpoint if endpoint is not None else constants.ENDPOINT
    lines = _prepare_commit_payload(
        operations=operations,
        files_to_copy=files_to_copy,
        commit_message=commit_message,
        commit_description=commit_description,
        parent_commit=parent_commit,
        _content_as_bytes=True,
        _content_on_disk=True,
    )
    body = _commit_body(lines)
    request_headers = {"Content-Type": "application/x-ndjson", **headers}
    url = f"{endpoint}/api/{repo_type}s/{repo_id}/commit/{revision}"
    params: dict[str, str] = {}
    if create_pr:
        params["create_pr"] = "1"
    if hot_reload:
        params["hot_reload"] = "1"
    if retry_on_error:
        response = http_backoff("POST", url, headers=request_headers, data=body, params=params)
    else:
        response = get_session().post(url, headers=request_headers, data=body, params=params)
    hf_raise_for_status(response, endpoint_name="commit")

    answer = response.json()
    return CommitInfo(
        commit_url=answer["commitUrl"],
        commit_message=commit_message,
        commit_description=commit_description,
        oid=answer["commitOid"],
        pr_url=answer["pullRequestUrl"] if create_pr else None,
        _endpoint=endpoint,
    )
