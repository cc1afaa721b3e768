"""`CommitScheduler`: push a local folder to a repository at regular intervals, in the background.

Each push lists the folder, keeps the files whose modification time changed since they were last pushed, and
commits them in one commit. Files are read only up to the size they had when listed (`PartialFileIO`), so a
file still being appended to (a log, a CSV of results) is pushed consistently and completed at the next push.
Pushes run one at a time on the client's background worker (`HfApi.run_as_future`).
"""

import atexit
import logging
import os
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from io import SEEK_END, SEEK_SET, BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from ._commit_api import CommitOperationAdd
from ._commit_info import CommitInfo
from .utils import DEFAULT_IGNORE_PATTERNS, filter_repo_objects

if TYPE_CHECKING:
    from .hf_api import HfApi

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _FileToUpload:
    """A file to push: where it is, where it goes, how much of it, and the modification time that was seen."""

    local_path: Path
    path_in_repo: str
    size_limit: int
    last_modified: float


class CommitScheduler:
    """Push a local folder to a repository every `every` minutes, in the background.

    Use it as a context manager (the last changes are pushed when leaving it), or call `stop()`; a final push is
    also made when the interpreter exits. The folder is assumed to be append-only: a push sends the files whose
    modification time changed since the previous push, up to the size they had when listed. Subclass it and
    override `push_to_hub` for anything else (e.g. compressing files before pushing them).

    Args:
        repo_id (`str`):
            The repository (created if missing).
        folder_path (`str` or `Path`):
            The local folder (created if missing).
        every (`int` or `float`, *optional*, defaults to 5):
            Minutes between two pushes.
        path_in_repo (`str`, *optional*):
            Folder of the repository to push into, e.g. `"checkpoints/"`; the root by default.
        repo_type (`str`, *optional*):
            `"model"` (default), `"dataset"` or `"space"`.
        revision (`str`, *optional*):
            The branch to commit to; `"main"` by default.
        private (`bool`, *optional*):
            Visibility of the repository if it has to be created.
        token (`str`, *optional*):
            User access token; the locally saved one by default.
        allow_patterns (`list[str]` or `str`, *optional*):
            Only push files matching at least one of these.
        ignore_patterns (`list[str]` or `str`, *optional*):
            Do not push files matching any of these (`.git/` and `.cache/huggingface/` never are).
        squash_history (`bool`, *optional*, defaults to `False`):
            Squash the branch's history into one commit after each push (keeps often-pushed repositories light).
        hf_api (`HfApi`, *optional*):
            The client to use (endpoint, token, user-agent...).

    ```python
    >>> with CommitScheduler(repo_id="me/results", repo_type="dataset", folder_path="results", every=10):
    ...     with open("results/metrics.csv", "a") as f:
    ...         f.write("step,loss\\n")
    ```
    """

    def __init__(
        self,
        *,
        repo_id: str,
        folder_path: str | Path,
        every: int | float = 5,
        path_in_repo: str | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        private: bool | None = None,
        token: str | None = None,
        allow_patterns: list[str] | str | None = None,
        ignore_patterns: list[str] | str | None = None,
        squash_history: bool = False,
        hf_api: Optional["HfApi"] = None,
    ) -> None:
        if hf_api is None:
            from .hf_api import HfApi

            hf_api = HfApi(token=token)
        self.api = hf_api
        self.folder_path = Path(folder_path).expanduser().resolve()
        self.path_in_repo = path_in_repo or ""
        self.allow_patterns = allow_patterns
        if ignore_patterns is None:
            ignore_patterns = []
        elif isinstance(ignore_patterns, str):
            ignore_patterns = [ignore_patterns]
        self.ignore_patterns = ignore_patterns + DEFAULT_IGNORE_PATTERNS

        if self.folder_path.is_file():
            raise ValueError(f"'folder_path' must be a directory, not a file: '{self.folder_path}'.")
        self.folder_path.mkdir(parents=True, exist_ok=True)

        self.repo_id = self.api.create_repo(
            repo_id, repo_type=repo_type, private=private, exist_ok=True, token=token
        ).repo_id
        self.repo_type = repo_type
        self.revision = revision
        self.token = token
        self.last_uploaded: dict[Path, float] = {}  # local path -> modification time when last pushed

        if not every > 0:
            raise ValueError(f"'every' must be a positive integer, not '{every}'.")
        self.lock = threading.Lock()
        self.every = every
        self.squash_history = squash_history
        self.__stopped = False

        logger.info(f"Scheduled job to push '{self.folder_path}' to '{self.repo_id}' every {self.every} minutes.")
        self._scheduler_thread = threading.Thread(target=self._run_scheduler, daemon=True)
        self._scheduler_thread.start()
        atexit.register(self._push_to_hub)

    def stop(self) -> None:
        """Stop the scheduler: pushes scheduled from now on do nothing. A stopped scheduler cannot restart."""
        self.__stopped = True

    def __enter__(self) -> "CommitScheduler":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.trigger().result()
        self.stop()

    def _run_scheduler(self) -> None:
        while True:
            self.last_future = self.trigger()
            time.sleep(self.every * 60)
            if self.__stopped:
                break

    def trigger(self) -> Future:
        """Push now (queued after any push in progress); returns the push's `Future`."""
        return self.api.run_as_future(self._push_to_hub)

    def _push_to_hub(self) -> CommitInfo | None:
        if self.__stopped:
            return None
        logger.info("(Background) scheduled commit triggered.")
        try:
            value = self.push_to_hub()
            if self.squash_history:
                logger.info("(Background) squashing repo history.")
                self.api.super_squash_history(
                    repo_id=self.repo_id, repo_type=self.repo_type, branch=self.revision, token=self.token
                )
            return value
        except Exception as e:
            logger.error(f"Error while pushing to Hub: {e}")  # the future may never be looked at
            raise

    def push_to_hub(self) -> CommitInfo | None:
        """Commit the files changed since the previous push; `None` when nothing changed.

        Runs on the background worker; calling it directly could race with a scheduled push.
        """
        with self.lock:
            logger.debug("Listing files to upload for scheduled commit.")
            relative_to_absolute = {
                path.relative_to(self.folder_path).as_posix(): path
                for path in sorted(self.folder_path.glob("**/*"))
                if path.is_file()
            }
            prefix = f"{self.path_in_repo.strip('/')}/" if self.path_in_repo else ""
            files_to_upload: list[_FileToUpload] = []
            for relative in filter_repo_objects(
                relative_to_absolute.keys(), allow_patterns=self.allow_patterns, ignore_patterns=self.ignore_patterns
            ):
                local_path = relative_to_absolute[relative]
                stat = local_path.stat()
                if self.last_uploaded.get(local_path) != stat.st_mtime:
                    files_to_upload.append(
                        _FileToUpload(
                            local_path, prefix + relative, size_limit=stat.st_size, last_modified=stat.st_mtime
                        )
                    )
        if not files_to_upload:
            logger.debug("Dropping schedule commit: no changed file to upload.")
            return None

        operations = [
            CommitOperationAdd(
                path_or_fileobj=PartialFileIO(file.local_path, size_limit=file.size_limit),
                path_in_repo=file.path_in_repo,
            )
            for file in files_to_upload
        ]
        logger.debug("Uploading files for scheduled commit.")
        commit_info = self.api.create_commit(
            repo_id=self.repo_id,
            repo_type=self.repo_type,
            operations=operations,
            commit_message="Scheduled Commit",
            revision=self.revision,
        )
        for file in files_to_upload:
            self.last_uploaded[file.local_path] = file.last_modified
        return commit_info


class PartialFileIO(BytesIO):
    """The beginning of a file, up to `size_limit` bytes, as a read-only binary file object.

    Lets a file that is still being appended to be uploaded as it was when listed. Only `read`, `tell` and `seek`
    are supported (any other public attribute raises `NotImplementedError`).

    Args:
        file_path (`str` or `Path`):
            The file.
        size_limit (`int`):
            How many bytes of it to expose at most.
    """

    def __init__(self, file_path: str | Path, size_limit: int) -> None:
        self._file_path = Path(file_path)
        self._file = self._file_path.open("rb")
        self._size_limit = min(size_limit, os.fstat(self._file.fileno()).st_size)

    def __del__(self) -> None:
        self._file.close()
        return super().__del__()

    def __repr__(self) -> str:
        return f"<PartialFileIO file_path={self._file_path} size_limit={self._size_limit}>"

    def __len__(self) -> int:
        return self._size_limit

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("_") or name in ("read", "tell", "seek", "fileno"):
            return super().__getattribute__(name)
        raise NotImplementedError(f"PartialFileIO does not support '{name}'.")

    def fileno(self) -> int:
        raise AttributeError("PartialFileIO does not have a fileno.")

    def tell(self) -> int:
        return self._file.tell()

    def seek(self, offset: int, whence: int = SEEK_SET, /) -> int:
        """Like a file's `seek`, with positions capped at the size limit."""
        if whence == SEEK_END:
            offset, whence = len(self) + offset, SEEK_SET
        position = self._file.seek(offset, whence)
        if position > self._size_limit:
            return self._file.seek(self._size_limit)
        return position

    def read(self, size: int | None = -1, /) -> bytes:
        """Like a file's `read`, never past the size limit."""
        remaining = self._size_limit - self._file.tell()
        return self._file.read(remaining if size is None or size < 0 else min(size, remaining))
