"""The single-repository info methods of `HfApi`: `model_info`, `dataset_info`, `space_info`, `kernel_info`,
`repo_info`, the existence checks built on them, and `resolve_revision`."""

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from . import constants
from ._cache_layout import _cache_commit_hash_for_specific_revision, repo_folder_name
from ._repo_info_types import (
    DatasetInfo,
    ExpandDatasetProperty_T,
    ExpandModelProperty_T,
    ExpandSpaceProperty_T,
    KernelInfo,
    ModelInfo,
    SpaceInfo,
)
from ._revision import ResolvedRevision
from .errors import (
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
    RevisionResolutionError,
)
from .utils import logging
from .utils._http import get_session, hf_raise_for_status
from .utils._pagination import hub_params
from .utils._validators import validate_hf_hub_args

logger = logging.get_logger(__name__)


class InfoMixin:
    """`HfApi.model_info`, `dataset_info`, `space_info`, `kernel_info`, `repo_info`, `repo_exists`,
    `revision_exists`, `file_exists`, `resolve_revision`."""

    endpoint: str
    token: bool | str | None
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi
    get_hf_file_metadata: Callable[..., Any]  # provided by DownloadsMixin

    def _fetch_info(
        self,
        api_type: str,
        repo_id: str,
        revision: str | None,
        *,
        params: dict[str, Any],
        timeout: float | None,
        token: bool | str | None,
    ) -> dict:
        url = f"{self.endpoint}/api/{api_type}/{repo_id}"
        if revision is not None:
            url += f"/revision/{quote(revision, safe='')}"
        response = get_session().get(
            url, headers=self._build_hf_headers(token=token), params=hub_params(params), timeout=timeout
        )
        hf_raise_for_status(response)
        return response.json()

    @validate_hf_hub_args
    def model_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        timeout: float | None = None,
        securityStatus: bool | None = None,
        files_metadata: bool = False,
        expand: list[ExpandModelProperty_T] | None = None,
        token: bool | str | None = None,
    ) -> ModelInfo:
        """Information about a model repository (private ones need a token with access).

        Args:
            repo_id (`str`): `namespace/name` of the model.
            revision (`str`, *optional*): branch, tag or commit to describe; the default branch otherwise.
            timeout (`float`, *optional*): timeout of the request, in seconds.
            securityStatus (`bool`, *optional*): also fetch the security scan status (`security_repo_status`).
            files_metadata (`bool`, *optional*): also fetch each file's size, blob id and LFS details.
            expand (`list[ExpandModelProperty_T]`, *optional*): fetch only these properties (see
                `ExpandModelProperty_T`). Cannot be combined with `securityStatus` or `files_metadata`.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.

        Returns:
            [`ModelInfo`]

        Raises:
            `ValueError`: if `expand` is combined with `securityStatus` or `files_metadata`.
            [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`]: see their names.
        """
        if expand and (securityStatus or files_metadata):
            raise ValueError("`expand` cannot be used if `securityStatus` or `files_metadata` are set.")
        params: dict[str, Any] = {
            "securityStatus": True if securityStatus else None,
            "blobs": True if files_metadata else None,
            "expand": expand or None,
        }
        data = self._fetch_info("models", repo_id, revision, params=params, timeout=timeout, token=token)
        return ModelInfo(**data)

    @validate_hf_hub_args
    def dataset_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        timeout: float | None = None,
        files_metadata: bool = False,
        expand: list[ExpandDatasetProperty_T] | None = None,
        token: bool | str | None = None,
    ) -> DatasetInfo:
        """Information about a dataset repository (private ones need a token with access).

        Args:
            repo_id (`str`): `namespace/name` of the dataset.
            revision (`str`, *optional*): branch, tag or commit to describe; the default branch otherwise.
            timeout (`float`, *optional*): timeout of the request, in seconds.
            files_metadata (`bool`, *optional*): also fetch each file's size, blob id and LFS details.
            expand (`list[ExpandDatasetProperty_T]`, *optional*): fetch only these properties. Cannot be combined
                with `files_metadata`.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.

        Returns:
            [`DatasetInfo`]

        Raises:
            `ValueError`: if `expand` is combined with `files_metadata`.
            [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`]: see their names.
        """
        if expand and files_metadata:
            raise ValueError("`expand` cannot be used if `files_metadata` is set.")
        params = {"blobs": True if files_metadata else None, "expand": expand or None}
        data = self._fetch_info("datasets", repo_id, revision, params=params, timeout=timeout, token=token)
        return DatasetInfo(**data)

    @validate_hf_hub_args
    def space_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        timeout: float | None = None,
        files_metadata: bool = False,
        expand: list[ExpandSpaceProperty_T] | None = None,
        token: bool | str | None = None,
    ) -> SpaceInfo:
        """Information about a Space (private ones need a token with access).

        Args:
            repo_id (`str`): `namespace/name` of the Space.
            revision (`str`, *optional*): branch, tag or commit to describe; the default branch otherwise.
            timeout (`float`, *optional*): timeout of the request, in seconds.
            files_metadata (`bool`, *optional*): also fetch each file's size, blob id and LFS details.
            expand (`list[ExpandSpaceProperty_T]`, *optional*): fetch only these properties. Cannot be combined
                with `files_metadata`.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.

        Returns:
            [`SpaceInfo`]

        Raises:
            `ValueError`: if `expand` is combined with `files_metadata`.
            [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`]: see their names.
        """
        if expand and files_metadata:
            raise ValueError("`expand` cannot be used if `files_metadata` is set.")
        params = {"blobs": True if files_metadata else None, "expand": expand or None}
        data = self._fetch_info("spaces", repo_id, revision, params=params, timeout=timeout, token=token)
        return SpaceInfo(**data)

    @validate_hf_hub_args
    def kernel_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        timeout: float | None = None,
        token: bool | str | None = None,
    ) -> KernelInfo:
        """Information about a kernel repository.

        Args:
            repo_id (`str`): `namespace/name` of the kernel.
            revision (`str`, *optional*): branch, tag or commit to describe; the default branch otherwise.
            timeout (`float`, *optional*): timeout of the request, in seconds.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.

        Returns:
            [`KernelInfo`]
        """
        data = self._fetch_info("kernels", repo_id, revision, params={}, timeout=timeout, token=token)
        return KernelInfo(**data)

    @validate_hf_hub_args
    def repo_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        repo_type: str | None = None,
        timeout: float | None = None,
        files_metadata: bool = False,
        expand: list[ExpandModelProperty_T | ExpandDatasetProperty_T | ExpandSpaceProperty_T] | None = None,
        token: bool | str | None = None,
    ) -> ModelInfo | DatasetInfo | SpaceInfo | KernelInfo:
        """Information about a repository of any type: [`model_info`], [`dataset_info`], [`space_info`] or
        [`kernel_info`] depending on `repo_type` (`None` means a model). Kernels ignore `expand` and
        `files_metadata`.

        Raises:
            `ValueError`: for an unknown `repo_type`, or `expand` combined with `files_metadata`.
            [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`]: see their names.
        """
        method: Callable[..., Any]
        if repo_type is None or repo_type == constants.REPO_TYPE_MODEL:
            method = self.model_info
        elif repo_type == constants.REPO_TYPE_DATASET:
            method = self.dataset_info
        elif repo_type == constants.REPO_TYPE_SPACE:
            method = self.space_info
        elif repo_type == constants.REPO_TYPE_KERNEL:
            return self.kernel_info(repo_id, revision=revision, token=token, timeout=timeout)
        else:
            raise ValueError("Unsupported repo type.")
        options: dict[str, Any] = {"expand": expand, "files_metadata": files_metadata}
        return method(repo_id, revision=revision, token=token, timeout=timeout, **options)

    @validate_hf_hub_args
    def repo_exists(self, repo_id: str, *, repo_type: str | None = None, token: str | bool | None = None) -> bool:
        """Whether a repository exists. A gated repository exists even without access to it; a private one the
        token cannot see does not.

        Raises:
            [`~errors.HfHubHTTPError`]: for any failure other than "not found" (e.g. an invalid token).
        """
        try:
            self.repo_info(repo_id=repo_id, repo_type=repo_type, token=token)
        except GatedRepoError:
            return True
        except RepositoryNotFoundError:
            return False
        return True

    @validate_hf_hub_args
    def revision_exists(
        self, repo_id: str, revision: str, *, repo_type: str | None = None, token: str | bool | None = None
    ) -> bool:
        """Whether both the repository and the revision (branch, tag, commit) exist.

        Raises:
            [`~errors.HfHubHTTPError`]: for any failure other than "not found".
        """
        try:
            self.repo_info(repo_id=repo_id, revision=revision, repo_type=repo_type, token=token)
        except (RevisionNotFoundError, RepositoryNotFoundError):
            return False
        return True

    @validate_hf_hub_args
    def file_exists(
        self,
        repo_id: str,
        filename: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        token: str | bool | None = None,
    ) -> bool:
        """Whether a file exists in a repository at a revision (one HEAD request on its `resolve` URL).

        Returns `False` when the repository, the revision or the file is missing.

        Raises:
            [`~errors.GatedRepoError`]: if the repository is gated and the token has no access: whether the file
                exists cannot be known.
            [`~errors.HfHubHTTPError`]: for other failures.
        """
        from .file_download import hf_hub_url

        url = hf_hub_url(
            repo_id=repo_id, filename=filename, repo_type=repo_type, revision=revision, endpoint=self.endpoint
        )
        try:
            self.get_hf_file_metadata(url=url, token=token)
        except GatedRepoError:
            raise
        except (RepositoryNotFoundError, RemoteEntryNotFoundError, RevisionNotFoundError):
            return False
        return True

    @validate_hf_hub_args
    def resolve_revision(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        cache_dir: str | Path | None = None,
        local_files_only: bool = False,
        token: bool | str | None = None,
    ) -> ResolvedRevision:
        """Resolve a branch, tag or PR ref to its commit, once, so that separate downloads all use that commit.

        The answer is written to the cache (`refs/<revision>`, best effort) and used instead of the Hub when the
        Hub cannot be reached (offline mode, connection error, timeout, server error) or when
        `local_files_only=True`. A commit hash, or a [`ResolvedRevision`], is returned without any request.

        Args:
            repo_id (`str`): `namespace/name` of the repository.
            repo_type (`str`, *optional*): `"dataset"`, `"space"` or `"kernel"`; a model by default.
            revision (`str`, *optional*): what to resolve; the default branch by default.
            cache_dir (`str` or `Path`, *optional*): the cache folder; `HF_HUB_CACHE` by default.
            local_files_only (`bool`, *optional*): use the cache only.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.

        Returns:
            [`ResolvedRevision`]: equal to `revision` as a string, with the commit in `.resolved`.

        Raises:
            [`~errors.RevisionResolutionError`]: if the Hub cannot be asked and the cache does not know.
            [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`]: if the Hub says so.
        """
        from .file_download import REGEX_COMMIT_HASH

        if isinstance(revision, ResolvedRevision):
            return revision
        if revision is not None and REGEX_COMMIT_HASH.match(revision):
            return ResolvedRevision(resolved=revision, initial=revision)
        repo_type = repo_type or constants.REPO_TYPE_MODEL
        storage_folder = Path(
            cache_dir if cache_dir is not None else constants.HF_HUB_CACHE
        ).expanduser().resolve() / repo_folder_name(repo_id=repo_id, repo_type=repo_type)
        ref_name = revision or constants.DEFAULT_REVISION

        unreachable: Exception | None = None
        if not local_files_only:
            try:
                sha = self.repo_info(repo_id=repo_id, repo_type=repo_type, revision=revision, token=token).sha
            except requests.exceptions.ProxyError:
                raise  # a broken proxy is a configuration error, not an unreachable Hub
            except (requests.ConnectionError, requests.Timeout, OfflineModeIsEnabled) as err:
                unreachable = err
            except HfHubHTTPError as err:
                if err.response is None or err.response.status_code < 500:
                    raise  # the Hub answered: missing repository or revision, no access...
                unreachable = err
            else:
                if sha is None:
                    raise ValueError(f"The Hub returned no commit for revision '{ref_name}' of '{repo_id}'.")
                try:
                    _cache_commit_hash_for_specific_revision(str(storage_folder), ref_name, sha)
                except OSError as err:
                    logger.warning(f"Ignored error while caching commit hash for '{repo_id}': {err}.")
                return ResolvedRevision(resolved=sha, initial=revision)

        ref_path = storage_folder / "refs" / ref_name
        if ref_path.is_file():
            if unreachable is not None:
                logger.warning(f"Could not reach the Hub ({unreachable}). Using cached commit hash for '{repo_id}'.")
            return ResolvedRevision(resolved=ref_path.read_text().strip(), initial=revision)
        reason = (
            "'local_files_only=True' is set"
            if unreachable is None
            else f"the Hub could not be reached ({unreachable.__class__.__name__}: {unreachable})"
        )
        raise RevisionResolutionError(
            f"Cannot resolve revision '{ref_name}' for {repo_type} '{repo_id}': {reason} and no matching entry was"
            f" found in the local cache ('{ref_path}')."
        ) from unreachable
