"""The file-listing methods of `HfApi`: `list_repo_tree`, `list_repo_files`, `get_paths_info`."""

from collections.abc import Callable, Iterable
from urllib.parse import quote

from . import constants
from ._repo_types import RepoFile, RepoFolder, parse_tree_entry
from .utils._http import get_session, hf_raise_for_status
from .utils._pagination import hub_params, paginate
from .utils._validators import validate_hf_hub_args


def _quoted_revision(revision: str | None) -> str:
    # The whole revision is one URL segment: `refs/pr/1` travels as `refs%2Fpr%2F1`.
    return quote(revision, safe="") if revision is not None else constants.DEFAULT_REVISION


class TreeMixin:
    """`HfApi.list_repo_tree`, `list_repo_files`, `get_paths_info`."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi

    @validate_hf_hub_args
    def list_repo_tree(
        self,
        repo_id: str,
        path_in_repo: str | None = None,
        *,
        recursive: bool = False,
        expand: bool = False,
        revision: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> Iterable[RepoFile | RepoFolder]:
        """List the files and folders of a repository folder, lazily (pages of 1000 entries, 50 with `expand`).

        Args:
            repo_id (`str`): `namespace/name` of the repository.
            path_in_repo (`str`, *optional*): the folder to list, e.g. `"checkpoints/step-100"`; the root by
                default (`""` is the root too).
            recursive (`bool`, *optional*): also list sub-folders, at any depth (folders are listed as well).
            expand (`bool`, *optional*): also fetch each entry's last commit and each file's security scan (slower
                for the Hub).
            revision (`str`, *optional*): branch, tag or commit; the default branch by default.
            repo_type (`str`, *optional*): `"dataset"`, `"space"` or `"kernel"`; a model by default.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.

        Returns:
            `Iterable[RepoFile | RepoFolder]`, in no guaranteed order.

        Raises:
            [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`]: see their names.
            [`~errors.RemoteEntryNotFoundError`]: if the folder does not exist.
        """
        repo_type = repo_type or constants.REPO_TYPE_MODEL
        # The folder is one URL segment as well: its slashes are encoded.
        folder = "/" + quote(path_in_repo, safe="") if path_in_repo else ""
        url = f"{self.endpoint}/api/{repo_type}s/{repo_id}/tree/{_quoted_revision(revision)}{folder}"
        params = {"recursive": recursive, "expand": expand}
        for entry in paginate(url, params=params, headers=self._build_hf_headers(token=token)):
            yield parse_tree_entry(entry)

    @validate_hf_hub_args
    def list_repo_files(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> list[str]:
        """The paths of every file of a repository at a revision (folders are not listed).

        Args:
            repo_id (`str`): `namespace/name` of the repository.
            revision (`str`, *optional*): branch, tag or commit; the default branch by default.
            repo_type (`str`, *optional*): `"dataset"`, `"space"` or `"kernel"`; a model by default.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.

        Raises:
            [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`]: see their names.
        """
        entries = self.list_repo_tree(
            repo_id=repo_id, recursive=True, revision=revision, repo_type=repo_type, token=token
        )
        return [entry.rfilename for entry in entries if isinstance(entry, RepoFile)]

    @validate_hf_hub_args
    def get_paths_info(
        self,
        repo_id: str,
        paths: list[str] | str,
        *,
        expand: bool = False,
        revision: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> list[RepoFile | RepoFolder]:
        """Information about some paths of a repository. Paths that do not exist are left out, without error.

        Args:
            repo_id (`str`): `namespace/name` of the repository.
            paths (`list[str]` or `str`): the paths (files or folders); the Hub takes up to 1000 per call.
            expand (`bool`, *optional*): also fetch last commits and security scans.
            revision (`str`, *optional*): branch, tag or commit; the default branch by default.
            repo_type (`str`, *optional*): `"dataset"` or `"space"`; a model by default.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.

        Returns:
            `list[RepoFile | RepoFolder]`

        Raises:
            [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`]: see their names.
        """
        repo_type = repo_type or constants.REPO_TYPE_MODEL
        # Form-encoded, with one `paths` field per path (not JSON).
        form = hub_params({"paths": paths if isinstance(paths, list) else [paths], "expand": expand})
        response = get_session().post(
            f"{self.endpoint}/api/{repo_type}s/{repo_id}/paths-info/{_quoted_revision(revision)}",
            data=form,
            headers=self._build_hf_headers(token=token),
        )
        hf_raise_for_status(response)
        return [parse_tree_entry(entry) for entry in response.json()]
