"""The download methods of `HfApi`: the module-level functions with the client's settings as defaults."""

from pathlib import Path
from typing import Any

from . import constants
from .utils import validate_hf_hub_args


class DownloadsMixin:
    """`HfApi.hf_hub_download`, `HfApi.snapshot_download`, `HfApi.get_hf_file_metadata`.

    The client's endpoint, token, library name and version, user-agent and headers are used unless
    given per call.
    """

    endpoint: str
    token: bool | str | None
    library_name: str | None
    library_version: str | None
    user_agent: dict | str | None
    headers: dict[str, str] | None

    @validate_hf_hub_args
    def get_hf_file_metadata(
        self,
        *,
        url: str,
        token: bool | str | None = None,
        timeout: float | None = constants.DEFAULT_REQUEST_TIMEOUT,
    ) -> Any:
        """Metadata of the file at `url` (see [`get_hf_file_metadata`])."""
        from .file_download import get_hf_file_metadata

        return get_hf_file_metadata(
            url=url, token=self.token if token is None else token, timeout=timeout,
            library_name=self.library_name, library_version=self.library_version, user_agent=self.user_agent,
            headers=self.headers, endpoint=self.endpoint,
        )  # fmt: skip

    @validate_hf_hub_args
    def hf_hub_download(
        self,
        repo_id: str,
        filename: str,
        *,
        subfolder: str | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        cache_dir: str | Path | None = None,
        local_dir: str | Path | None = None,
        force_download: bool = False,
        etag_timeout: float = constants.DEFAULT_ETAG_TIMEOUT,
        token: bool | str | None = None,
        local_files_only: bool = False,
        tqdm_class: Any | None = None,
        dry_run: bool = False,
    ) -> Any:
        """Download one file (see [`hf_hub_download`])."""
        from .file_download import hf_hub_download

        return hf_hub_download(
            repo_id=repo_id, filename=filename, subfolder=subfolder, repo_type=repo_type, revision=revision,
            endpoint=self.endpoint, library_name=self.library_name, library_version=self.library_version,
            cache_dir=cache_dir, local_dir=local_dir, user_agent=self.user_agent, force_download=force_download,
            etag_timeout=etag_timeout, token=self.token if token is None else token, headers=self.headers,
            local_files_only=local_files_only, tqdm_class=tqdm_class, dry_run=dry_run,
        )  # fmt: skip

    @validate_hf_hub_args
    def snapshot_download(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        cache_dir: str | Path | None = None,
        local_dir: str | Path | None = None,
        etag_timeout: float = constants.DEFAULT_ETAG_TIMEOUT,
        force_download: bool = False,
        token: bool | str | None = None,
        local_files_only: bool = False,
        allow_patterns: list[str] | str | None = None,
        ignore_patterns: list[str] | str | None = None,
        max_workers: int = 8,
        tqdm_class: Any | None = None,
        dry_run: bool = False,
    ) -> Any:
        """Download a repo revision (see [`snapshot_download`])."""
        from ._snapshot_download import snapshot_download

        return snapshot_download(
            repo_id=repo_id, repo_type=repo_type, revision=revision, endpoint=self.endpoint, cache_dir=cache_dir,
            local_dir=local_dir, library_name=self.library_name, library_version=self.library_version,
            user_agent=self.user_agent, etag_timeout=etag_timeout, force_download=force_download,
            token=self.token if token is None else token, local_files_only=local_files_only,
            allow_patterns=allow_patterns, ignore_patterns=ignore_patterns, max_workers=max_workers,
            tqdm_class=tqdm_class, headers=self.headers, dry_run=dry_run,
        )  # fmt: skip
