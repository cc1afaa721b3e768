"""LFS file management of a repository: `list_lfs_files` and `permanently_delete_lfs_files`.

Both need write access to the repository. LFS objects are listed by content (one object may have been pushed under
several paths; `filename` is one of them), and deletion takes the objects' `file_oid` (their SHA-256).
"""

from collections.abc import Callable, Iterable

from . import constants
from ._repo_types import LFSFileInfo
from .utils._chunk_utils import chunk_iterable
from .utils._http import get_session, hf_raise_for_status
from .utils._pagination import paginate
from .utils._validators import validate_hf_hub_args

# The Hub accepts this many deletions per request.
_DELETION_BATCH_SIZE = 1000


class LfsFilesMixin:
    """Listing and permanently deleting the LFS objects of a repository."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi

    @validate_hf_hub_args
    def list_lfs_files(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        token: bool | str | None = None,
    ) -> Iterable[LFSFileInfo]:
        """Iterate over the LFS objects stored for a repository, e.g. to see what uses its storage.

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            token (`bool` or `str`, *optional*):
                A User Access Token with write access. Defaults to the client's token, then to the locally saved one.

        Returns:
            `Iterable[LFSFileInfo]`: the objects (`file_oid`, `filename`, `oid`, `pushed_at`, `ref`, `size`), fetched
            page by page.

        Raises:
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
            [`~errors.HfHubHTTPError`]: 403 without write access.
        """
        repo_type = repo_type or constants.REPO_TYPE_MODEL
        url = f"{self.endpoint}/api/{repo_type}s/{repo_id}/lfs-files"
        for item in paginate(url, params={}, headers=self._build_hf_headers(token=token)):
            yield LFSFileInfo(**item)

    @validate_hf_hub_args
    def permanently_delete_lfs_files(
        self,
        repo_id: str,
        lfs_files: Iterable[LFSFileInfo],
        *,
        rewrite_history: bool = True,
        repo_type: str | None = None,
        token: bool | str | None = None,
    ) -> None:
        """Permanently delete LFS objects from a repository. This cannot be undone.

        The content becomes unavailable in every commit that points to it. With `rewrite_history` (the default and
        the recommended choice) the history of every branch and tag is rewritten without the files pointing to the
        deleted objects, which gives their commits new ids; without it the pointers stay in the history and
        downloading them fails.

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            lfs_files (`Iterable[LFSFileInfo]`):
                The objects to delete, as given by [`list_lfs_files`]. Sent by batches of 1000.
            rewrite_history (`bool`, defaults to `True`):
                Whether to rewrite the history to remove the pointers to the deleted objects.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            token (`bool` or `str`, *optional*):
                A User Access Token with write access. Defaults to the client's token, then to the locally saved one.

        Raises:
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
            [`~errors.HfHubHTTPError`]: 403 without write access.
        """
        repo_type = repo_type or constants.REPO_TYPE_MODEL
        url = f"{self.endpoint}/api/{repo_type}s/{repo_id}/lfs-files/batch"
        headers = self._build_hf_headers(token=token)
        for batch in chunk_iterable(lfs_files, _DELETION_BATCH_SIZE):
            shas = [item.file_oid for item in batch]
            if not shas:
                return
            payload = {"deletions": {"sha": shas, "rewriteHistory": rewrite_history}}
            hf_raise_for_status(get_session().post(url, headers=headers, json=payload))
