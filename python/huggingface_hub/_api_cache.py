"""The cache-related method of `HfApi`: `verify_repo_checksums`."""

from collections.abc import Callable
from pathlib import Path

from . import constants
from .utils._validators import validate_hf_hub_args
from .utils._verification import (
    FolderVerification,
    collect_local_files,
    list_remote_files,
    resolve_local_root,
    verify_maps,
)


class CacheMixin:
    """`HfApi.verify_repo_checksums` (uses the client's endpoint and headers)."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi

    @validate_hf_hub_args
    def verify_repo_checksums(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        local_dir: str | Path | None = None,
        cache_dir: str | Path | None = None,
        token: str | bool | None = None,
    ) -> FolderVerification:
        """Check local files of a repo against the checksums listed by the Hub.

        The files are those of a snapshot of the cache (default) or of `local_dir`. LFS files are checked by
        SHA-256, others by git blob SHA-1; files are hashed in parallel and every mismatch is reported.

        Args:
            repo_id (`str`):
                A namespace (user or an organization) and a repo name separated by a `/`.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            revision (`str`, *optional*):
                The revision to verify. In cache mode: a commit hash, or a ref of the cached repo (default: `main`,
                else the only cached snapshot). With `local_dir`: the remote revision to compare with (default
                `main`).
            local_dir (`str` or `Path`, *optional*):
                Verify this folder instead of the cache.
            cache_dir (`str` or `Path`, *optional*):
                The cache folder (default `HF_HUB_CACHE`).
            token (`bool` or `str`, *optional*):
                A User Access Token; defaults to the locally saved token. `False` sends none.

        Returns:
            [`FolderVerification`]: the number of files checked, the mismatches, and the files missing on either
            side.

        Raises:
            `ValueError`: if both `local_dir` and `cache_dir` are given, or nothing is found to verify.
            [`~utils.RepositoryNotFoundError`]: if the repo does not exist (or is private and not accessible).
            [`~utils.RevisionNotFoundError`]: if the revision does not exist on the Hub.
        """
        if repo_type is None:
            repo_type = constants.REPO_TYPE_MODEL
        if local_dir is not None and cache_dir is not None:
            raise ValueError("Pass either `local_dir` or `cache_dir`, not both.")

        root, remote_revision = resolve_local_root(
            repo_id=repo_id,
            repo_type=repo_type,
            revision=revision,
            cache_dir=Path(cache_dir) if cache_dir is not None else None,
            local_dir=Path(local_dir) if local_dir is not None else None,
        )
        local_by_path = collect_local_files(root)
        remote_by_path = list_remote_files(
            endpoint=self.endpoint,
            repo_id=repo_id,
            repo_type=repo_type,
            revision=remote_revision,
            headers=self._build_hf_headers(token=token),
        )
        return verify_maps(
            remote_by_path=remote_by_path,
            local_by_path=local_by_path,
            revision=remote_revision,
            verified_path=root,
        )
