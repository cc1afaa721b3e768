"""The upload and delete helpers of `HfApi`, built on `create_commit`: upload_file, upload_folder, delete_*."""

import os
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, BinaryIO, Literal, overload

from . import constants
from ._api_commits import future_compatible
from ._commit_api import CommitOperationAdd, CommitOperationDelete, _validate_path_in_repo
from ._commit_info import CommitInfo
from ._upload_pipeline import pipelined_upload
from .utils import DEFAULT_IGNORE_PATTERNS, filter_repo_objects, validate_hf_hub_args


class UploadsMixin:
    """`HfApi.upload_file`, `HfApi.upload_folder`, `HfApi.delete_file`, `HfApi.delete_files`, `HfApi.delete_folder`."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]
    create_commit: Callable[..., Any]
    _validate_yaml: Callable[..., None]

    @overload
    def upload_file(  # type: ignore[overload-overlap]
        self,
        *,
        path_or_fileobj: str | Path | bytes | BinaryIO,
        path_in_repo: str,
        repo_id: str,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
        run_as_future: Literal[False] = ...,
        _hot_reload: bool | None = None,
    ) -> CommitInfo: ...

    @overload
    def upload_file(
        self,
        *,
        path_or_fileobj: str | Path | bytes | BinaryIO,
        path_in_repo: str,
        repo_id: str,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
        run_as_future: Literal[True] = ...,
        _hot_reload: bool | None = None,
    ) -> Future[CommitInfo]: ...

    @validate_hf_hub_args
    @future_compatible
    def upload_file(
        self,
        *,
        path_or_fileobj: str | Path | bytes | BinaryIO,
        path_in_repo: str,
        repo_id: str,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
        run_as_future: bool = False,
        _hot_reload: bool | None = None,
    ) -> CommitInfo | Future[CommitInfo]:
        """Upload one file (a local path, `bytes` or a binary file object) to a repository, in one commit.

        Large files go through LFS: read from disk in parallel parts, never loaded whole in memory.

        Args:
            path_or_fileobj (`str`, `Path`, `bytes` or `BinaryIO`):
                The content: a local file, bytes, or a binary file object.
            path_in_repo (`str`):
                Where to put it in the repository, e.g. `"checkpoints/1fec34a/weights.bin"`.
            repo_id (`str`):
                The repository (it must exist), e.g. `"username/my-model"`.
            token (`bool` or `str`, *optional*):
                User access token; the client's, then the locally saved one, by default.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            revision (`str`, *optional*):
                The branch to commit to; `"main"` by default.
            commit_message (`str`, *optional*):
                Defaults to `"Upload {path_in_repo} with huggingface_hub"`.
            commit_description (`str`, *optional*):
                The commit's description.
            create_pr (`bool`, *optional*):
                Open a pull request with the commit instead of committing to `revision`.
            parent_commit (`str`, *optional*):
                Commit id the branch must still point to (see [`create_commit`]).
            run_as_future (`bool`, *optional*, defaults to `False`):
                Run in the background and return a `Future`.

        Returns:
            [`CommitInfo`], or a `Future` of it with `run_as_future=True`.

        Raises:
            `ValueError`: for invalid arguments (unknown repository type, bad `path_in_repo`, missing local file).
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible.
            [`~errors.HfHubHTTPError`]: for any other error answer (e.g. a read-only token: 403).

        ```python
        >>> upload_file(path_or_fileobj="./weights.bin", path_in_repo="weights.bin", repo_id="username/my-model")
        ```
        """
        if repo_type not in constants.REPO_TYPES:
            raise ValueError(f"Invalid repo type, must be one of {constants.REPO_TYPES}")
        commit_message = (
            commit_message if commit_message is not None else f"Upload {path_in_repo} with huggingface_hub"
        )
        operation = CommitOperationAdd(path_or_fileobj=path_or_fileobj, path_in_repo=path_in_repo)
        return self.create_commit(
            repo_id=repo_id,
            repo_type=repo_type,
            operations=[operation],
            commit_message=commit_message,
            commit_description=commit_description,
            token=token,
            revision=revision,
            create_pr=create_pr,
            _hot_reload=_hot_reload,
            parent_commit=parent_commit,
        )

    @overload
    def upload_folder(  # type: ignore[overload-overlap]
        self,
        *,
        repo_id: str,
        folder_path: str | Path,
        path_in_repo: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
        allow_patterns: list[str] | str | None = None,
        ignore_patterns: list[str] | str | None = None,
        delete_patterns: list[str] | str | None = None,
        run_as_future: Literal[False] = ...,
    ) -> CommitInfo: ...

    @overload
    def upload_folder(
        self,
        *,
        repo_id: str,
        folder_path: str | Path,
        path_in_repo: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
        allow_patterns: list[str] | str | None = None,
        ignore_patterns: list[str] | str | None = None,
        delete_patterns: list[str] | str | None = None,
        run_as_future: Literal[True] = ...,
    ) -> Future[CommitInfo]: ...

    @validate_hf_hub_args
    @future_compatible
    def upload_folder(
        self,
        *,
        repo_id: str,
        folder_path: str | Path,
        path_in_repo: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
        allow_patterns: list[str] | str | None = None,
        ignore_patterns: list[str] | str | None = None,
        delete_patterns: list[str] | str | None = None,
        run_as_future: bool = False,
    ) -> CommitInfo | Future[CommitInfo]:
        """Upload the files of a local folder to a repository, keeping its structure.

        Files already at the same paths are replaced, others are left alone; files identical to the remote ones are
        skipped. `allow_patterns` and `ignore_patterns` (globs, matched against paths relative to `folder_path`,
        where `*` also matches `/`) choose the files; `.git/` folders and `.cache/huggingface/` are always ignored.
        `delete_patterns` deletes remote files (below `path_in_repo`, matched relative to it) in the same commit,
        except `.gitattributes` and files being uploaded.

        Uploads are streamed: LFS files are sent while the rest of the folder is still being checked with the Hub,
        and folders of more than 1,000 files are committed in several commits (250 files first, then as many as
        the measured commit rate allows, at most 1,000; later ones get a ` (part N)` suffix on their message).
        Re-running an interrupted upload resumes it: files already committed are skipped. A `.gitignore` at the root of the uploaded files is applied by the Hub.

        Args:
            repo_id (`str`):
                The repository (it must exist).
            folder_path (`str` or `Path`):
                The local folder.
            path_in_repo (`str`, *optional*):
                Folder of the repository to upload into; the root by default.
            commit_message (`str`, *optional*):
                Defaults to `"Upload folder using huggingface_hub"`.
            commit_description (`str`, *optional*):
                The commits' description.
            token (`bool` or `str`, *optional*):
                User access token; the client's, then the locally saved one, by default.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            revision (`str`, *optional*):
                The branch to commit to; `"main"` by default.
            create_pr (`bool`, *optional*):
                Upload into a new pull request against the default branch (then `revision` must not be set).
            parent_commit (`str`, *optional*):
                Commit id the branch must still point to when the first commit is made.
            allow_patterns (`list[str]` or `str`, *optional*):
                Only upload files matching at least one of these.
            ignore_patterns (`list[str]` or `str`, *optional*):
                Do not upload files matching any of these (a list given here is extended in place with the default
                ignore patterns).
            delete_patterns (`list[str]` or `str`, *optional*):
                Delete remote files matching any of these.
            run_as_future (`bool`, *optional*, defaults to `False`):
                Run in the background and return a `Future`.

        Returns:
            [`CommitInfo`] of the last commit made (or of the current head if nothing changed), or a `Future` of it.

        Raises:
            `ValueError`: for invalid arguments (not a folder, `create_pr` with another `revision`, ...).
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible.
            [`~errors.HfHubHTTPError`]: for any other error answer.

        ```python
        >>> upload_folder(folder_path="checkpoints", path_in_repo="ckpt", repo_id="me/run", ignore_patterns="**/logs/*")
        ```
        """
        if repo_type not in constants.REPO_TYPES:
            raise ValueError(f"Invalid repo type, must be one of {constants.REPO_TYPES}")
        if create_pr and revision is not None and revision != constants.DEFAULT_REVISION:
            raise ValueError(
                f"Cannot use `create_pr=True` with `revision='{revision}'`: pull requests created by"
                " `upload_folder` are always opened against the default branch. Don't set `revision` when"
                " `create_pr=True`."
            )
        path_in_repo = path_in_repo if path_in_repo is not None else ""
        if ignore_patterns is None:
            ignore_patterns = []
        elif isinstance(ignore_patterns, str):
            ignore_patterns = [ignore_patterns]
        ignore_patterns += DEFAULT_IGNORE_PATTERNS  # in place, as documented

        delete_operations = self._prepare_folder_deletions(
            repo_id=repo_id,
            repo_type=repo_type,
            revision=constants.DEFAULT_REVISION if create_pr else revision,
            token=token,
            path_in_repo=path_in_repo,
            delete_patterns=delete_patterns,
        )
        # The files are read by the upload itself, the first ones asked about while the next ones are read.
        listed_files = self._list_upload_folder(
            folder_path,
            path_in_repo,
            allow_patterns=allow_patterns,
            ignore_patterns=ignore_patterns,
            token=token,
            repo_type=repo_type,
        )
        # A file about to be replaced does not need deleting first.
        added_paths = {added for added, _ in listed_files}
        delete_operations = [op for op in delete_operations if op.path_in_repo not in added_paths]

        return pipelined_upload(
            self,  # type: ignore[arg-type]
            repo_id=repo_id,
            repo_type=repo_type or constants.REPO_TYPE_MODEL,
            add_operations=[],
            listed_files=listed_files,
            delete_operations=delete_operations,
            commit_message=commit_message or "Upload folder using huggingface_hub",
            commit_description=commit_description,
            token=token,
            revision=revision,
            create_pr=bool(create_pr),
            parent_commit=parent_commit,
        )

    @validate_hf_hub_args
    def delete_file(
        self,
        path_in_repo: str,
        repo_id: str,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
    ) -> CommitInfo:
        """Delete a file of a repository (a path ending with `/` is deleted as a folder), in one commit.

        The default commit message is `"Delete {path_in_repo} with huggingface_hub"`; other arguments are those of
        [`create_commit`].

        Raises:
            [`~errors.RemoteEntryNotFoundError`]: if there is no such file.
            [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`], [`~errors.HfHubHTTPError`].
        """
        return self.create_commit(
            repo_id=repo_id,
            repo_type=repo_type,
            token=token,
            operations=[CommitOperationDelete(path_in_repo=path_in_repo)],
            revision=revision,
            commit_message=commit_message
            if commit_message is not None
            else f"Delete {path_in_repo} with huggingface_hub",
            commit_description=commit_description,
            create_pr=create_pr,
            parent_commit=parent_commit,
        )

    @validate_hf_hub_args
    def delete_files(
        self,
        repo_id: str,
        delete_patterns: list[str],
        *,
        token: bool | str | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
    ) -> CommitInfo:
        """Delete every file of a repository matching `delete_patterns`, in one commit.

        Patterns are file paths, folder paths (`"folder/"`) or globs (`fnmatch`: `*` also matches `/`), e.g.
        `["file.txt", "folder/", "data/*.parquet"]`. `.gitattributes` is never deleted. The default commit message
        is `"Delete files {' '.join(delete_patterns)} with huggingface_hub"`; other arguments are those of
        [`create_commit`].
        """
        operations = self._prepare_folder_deletions(
            repo_id=repo_id,
            repo_type=repo_type,
            delete_patterns=delete_patterns,
            path_in_repo="",
            revision=revision,
            token=token,
        )
        if commit_message is None:
            commit_message = f"Delete files {' '.join(delete_patterns)} with huggingface_hub"
        return self.create_commit(
            repo_id=repo_id,
            repo_type=repo_type,
            token=token,
            operations=operations,
            revision=revision,
            commit_message=commit_message,
            commit_description=commit_description,
            create_pr=create_pr,
            parent_commit=parent_commit,
        )

    @validate_hf_hub_args
    def delete_folder(
        self,
        path_in_repo: str,
        repo_id: str,
        *,
        token: bool | str | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
    ) -> CommitInfo:
        """Delete a folder of a repository and everything in it, in one commit.

        The default commit message is `"Delete folder {path_in_repo} with huggingface_hub"`; other arguments are
        those of [`create_commit`].
        """
        return self.create_commit(
            repo_id=repo_id,
            repo_type=repo_type,
            token=token,
            operations=[CommitOperationDelete(path_in_repo=path_in_repo, is_folder=True)],
            revision=revision,
            commit_message=(
                commit_message if commit_message is not None else f"Delete folder {path_in_repo} with huggingface_hub"
            ),
            commit_description=commit_description,
            create_pr=create_pr,
            parent_commit=parent_commit,
        )

    def _prepare_folder_deletions(
        self,
        repo_id: str,
        repo_type: str | None,
        revision: str | None,
        path_in_repo: str,
        delete_patterns: list[str] | str | None,
        token: bool | str | None = None,
    ) -> list[CommitOperationDelete]:
        """Deletions of the remote files below `path_in_repo` matching `delete_patterns` (never `.gitattributes`)."""
        if delete_patterns is None:
            return []
        filenames = self.list_repo_files(repo_id, revision=revision, repo_type=repo_type, token=token)  # type: ignore[attr-defined]
        if path_in_repo and path_in_repo not in (".", "./"):
            folder = path_in_repo.strip("/") + "/"
            relative_to_full = {name[len(folder) :]: name for name in filenames if name.startswith(folder)}
        else:
            relative_to_full = {name: name for name in filenames}
        return [
            CommitOperationDelete(path_in_repo=relative_to_full[relative], is_folder=False)
            for relative in filter_repo_objects(relative_to_full.keys(), allow_patterns=delete_patterns)
            if relative_to_full[relative] != ".gitattributes"
        ]

    def _prepare_upload_folder_additions(
        self,
        folder_path: str | Path,
        path_in_repo: str,
        allow_patterns: list[str] | str | None = None,
        ignore_patterns: list[str] | str | None = None,
        repo_type: str | None = None,
        token: bool | str | None = None,
    ) -> list[CommitOperationAdd]:
        """Additions for the files of `folder_path` selected by the patterns (matched relative to the folder)."""
        listed = self._list_upload_folder(
            folder_path,
            path_in_repo,
            allow_patterns=allow_patterns,
            ignore_patterns=ignore_patterns,
            repo_type=repo_type,
            token=token,
        )
        return CommitOperationAdd._from_listed_files(listed)

    def _list_upload_folder(
        self,
        folder_path: str | Path,
        path_in_repo: str,
        allow_patterns: list[str] | str | None = None,
        ignore_patterns: list[str] | str | None = None,
        repo_type: str | None = None,
        token: bool | str | None = None,
    ) -> list[tuple[str, str]]:
        """`(path_in_repo, absolute path)` of the files of `folder_path` selected by the patterns (matched relative to
        the folder), paths in the repository validated and normalised as `CommitOperationAdd` does."""
        folder = Path(folder_path).expanduser().resolve()
        if not folder.is_dir():
            raise ValueError(f"Provided path: '{folder}' is not a directory")
        relative_to_absolute = dict(_list_files(str(folder)))
        selected = _select(list(relative_to_absolute), allow_patterns, ignore_patterns)
        prefix = f"{path_in_repo.strip('/')}/" if path_in_repo else ""
        # A README with broken metadata fails here, before the folder is hashed or uploaded.
        if "README.md" in selected:
            self._validate_yaml(
                content=Path(relative_to_absolute["README.md"]).read_text(encoding="utf8"),
                repo_type=repo_type,
                token=token,
            )
        return [(_validate_path_in_repo(prefix + relative), relative_to_absolute[relative]) for relative in selected]


def _list_files(folder: str) -> list[tuple[str, str]]:
    """`(relative POSIX path, absolute path)` of every file below `folder`, sorted like `sorted(Path.glob("**/*"))`.

    Files reached through symbolic links count; linked folders are not entered; unreadable folders are skipped.
    """
    found: list[tuple[str, str]] = []
    pending = [(folder, "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((entry.path, f"{prefix}{entry.name}/"))
                    elif entry.is_file():
                        found.append((prefix + entry.name, entry.path))
        except PermissionError:
            continue
    found.sort(key=lambda item: item[0].split("/"))  # component-wise, as paths compare
    return found


def _select(
    paths: list[str], allow_patterns: list[str] | str | None, ignore_patterns: list[str] | str | None
) -> list[str]:
    """`filter_repo_objects(paths, allow_patterns, ignore_patterns)`, with the default ignore patterns only tried
    on the paths they could match (each names a `.git` or `.cache/huggingface` folder)."""
    ignore = [ignore_patterns] if isinstance(ignore_patterns, str) else list(ignore_patterns or [])
    defaults = [pattern for pattern in ignore if pattern in DEFAULT_IGNORE_PATTERNS]
    others = [pattern for pattern in ignore if pattern not in DEFAULT_IGNORE_PATTERNS]
    kept = list(filter_repo_objects(paths, allow_patterns=allow_patterns, ignore_patterns=others))
    if not defaults:
        return kept

    def may_match_a_default(path: str) -> bool:
        path = path.replace("\\", "/")  # as filter_repo_objects compares them
        return ".git" in path or ".cache/huggingface" in path

    return [
        path
        for path in kept
        if not may_match_a_default(path) or list(filter_repo_objects([path], ignore_patterns=defaults))
    ]
