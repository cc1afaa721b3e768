"""The git-reference methods of `HfApi`: listing refs and commits, creating and deleting branches and tags, and
squashing a branch's history."""

from collections.abc import Callable
from urllib.parse import quote

from . import constants
from ._repo_types import GitCommitInfo, GitRefs, parse_git_commit, parse_git_ref
from .errors import HfHubHTTPError
from .utils._http import get_session, hf_raise_for_status
from .utils._pagination import paginate
from .utils._validators import validate_hf_hub_args


class RefsMixin:
    """`HfApi.list_repo_refs`, `list_repo_commits`, `create_branch`, `delete_branch`, `create_tag`, `delete_tag`,
    `super_squash_history`."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi

    def _repo_api_url(self, repo_type: str | None, repo_id: str) -> str:
        return f"{self.endpoint}/api/{repo_type or constants.REPO_TYPE_MODEL}s/{repo_id}"

    @validate_hf_hub_args
    def list_repo_refs(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        include_pull_requests: bool = False,
        token: str | bool | None = None,
    ) -> GitRefs:
        """The branches, tags and "convert" refs of a repository, and its pull request refs if asked.

        Args:
            repo_id (`str`): `namespace/name` of the repository.
            repo_type (`str`, *optional*): `"dataset"`, `"space"` or `"kernel"`; a model by default.
            include_pull_requests (`bool`, *optional*): also list the `refs/pr/N` refs.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.

        Returns:
            [`GitRefs`]

        Raises:
            [`~errors.RepositoryNotFoundError`]: if the repository cannot be seen.
        """
        response = get_session().get(
            f"{self._repo_api_url(repo_type, repo_id)}/refs",
            headers=self._build_hf_headers(token=token),
            params={"include_prs": 1} if include_pull_requests else {},
        )
        hf_raise_for_status(response)
        data = response.json()
        return GitRefs(
            branches=[parse_git_ref(item) for item in data["branches"]],
            converts=[parse_git_ref(item) for item in data["converts"]],
            tags=[parse_git_ref(item) for item in data["tags"]],
            pull_requests=[parse_git_ref(item) for item in data["pullRequests"]] if include_pull_requests else None,
        )

    @validate_hf_hub_args
    def list_repo_commits(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        token: bool | str | None = None,
        revision: str | None = None,
        formatted: bool = False,
    ) -> list[GitCommitInfo]:
        """The commits reachable from a revision (first parents), newest first.

        Args:
            repo_id (`str`): `namespace/name` of the repository.
            repo_type (`str`, *optional*): `"dataset"` or `"space"`; a model by default.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.
            revision (`str`, *optional*): where to start; the head of the default branch by default.
            formatted (`bool`, *optional*): also fetch titles and messages as HTML.

        Returns:
            `list[GitCommitInfo]`

        Raises:
            [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`]: see their names.
        """
        revision = quote(revision, safe="") if revision is not None else constants.DEFAULT_REVISION
        pages = paginate(
            f"{self._repo_api_url(repo_type, repo_id)}/commits/{revision}",
            headers=self._build_hf_headers(token=token),
            params={"expand[]": "formatted"} if formatted else {},
        )
        return [parse_git_commit(item) for item in pages]

    @validate_hf_hub_args
    def create_branch(
        self,
        repo_id: str,
        *,
        branch: str,
        revision: str | None = None,
        token: bool | str | None = None,
        repo_type: str | None = None,
        exist_ok: bool = False,
    ) -> None:
        """Create a branch starting at a revision (the head of the default branch by default).

        Args:
            repo_id (`str`): `namespace/name` of the repository.
            branch (`str`): name of the new branch.
            revision (`str`, *optional*): branch, tag or commit (full or abbreviated) to start from.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.
            repo_type (`str`, *optional*): `"dataset"` or `"space"`; a model by default.
            exist_ok (`bool`, *optional*): do not fail if the branch exists (also when the token may not write
                but the branch is there).

        Raises:
            [`~errors.RepositoryNotFoundError`]: if the repository cannot be seen.
            [`~errors.RevisionNotFoundError`]: if `revision` does not exist.
            [`~errors.BadRequestError`]: if the name is not a valid branch name (e.g. `refs/pr/5`).
            [`~errors.HfHubHTTPError`]: 409 if the branch exists and `exist_ok=False`; 403 without write access.
        """
        quoted_branch = quote(branch, safe="")
        response = get_session().post(
            f"{self._repo_api_url(repo_type, repo_id)}/branch/{quoted_branch}",
            headers=self._build_hf_headers(token=token),
            json={"startingPoint": revision} if revision is not None else {},
        )
        try:
            hf_raise_for_status(response)
        except HfHubHTTPError as err:
            status = err.response.status_code if err.response is not None else None
            if exist_ok and status == 409:
                return
            if exist_ok and status == 403 and self._branch_exists(repo_id, repo_type, branch, token):
                return
            raise

    def _branch_exists(self, repo_id: str, repo_type: str | None, branch: str, token: bool | str | None) -> bool:
        """Whether the branch exists, for a caller that may not write to the repository; `False` when the refs
        cannot be read either."""
        try:
            refs = self.list_repo_refs(repo_id=repo_id, repo_type=repo_type, token=token)
        except HfHubHTTPError:
            return False
        # Compared by real name (upstream compares the URL-quoted name, which misses names with special characters).
        return any(ref.name == branch for ref in refs.branches)

    @validate_hf_hub_args
    def delete_branch(
        self,
        repo_id: str,
        *,
        branch: str,
        token: bool | str | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Delete a branch. The default branch (`main`) cannot be deleted.

        Raises:
            [`~errors.RepositoryNotFoundError`]: if the repository cannot be seen.
            [`~errors.HfHubHTTPError`]: if the branch is protected, missing, or the token may not write.
        """
        response = get_session().delete(
            f"{self._repo_api_url(repo_type, repo_id)}/branch/{quote(branch, safe='')}",
            headers=self._build_hf_headers(token=token),
        )
        hf_raise_for_status(response)

    @validate_hf_hub_args
    def create_tag(
        self,
        repo_id: str,
        *,
        tag: str,
        tag_message: str | None = None,
        revision: str | None = None,
        token: bool | str | None = None,
        repo_type: str | None = None,
        exist_ok: bool = False,
    ) -> None:
        """Tag a revision (the head of the default branch by default).

        Args:
            repo_id (`str`): `namespace/name` of the repository.
            tag (`str`): name of the tag.
            tag_message (`str`, *optional*): description of the tag.
            revision (`str`, *optional*): branch, tag or commit (full or abbreviated) to tag.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.
            repo_type (`str`, *optional*): `"dataset"` or `"space"`; a model by default.
            exist_ok (`bool`, *optional*): do not fail if the tag exists.

        Raises:
            [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`]: see their names.
            [`~errors.HfHubHTTPError`]: 409 if the tag exists and `exist_ok=False`; 400 for an invalid name.
        """
        revision = quote(revision, safe="") if revision is not None else constants.DEFAULT_REVISION
        payload = {"tag": tag}  # the name travels in the body, as is
        if tag_message is not None:
            payload["message"] = tag_message
        response = get_session().post(
            f"{self._repo_api_url(repo_type, repo_id)}/tag/{revision}",
            headers=self._build_hf_headers(token=token),
            json=payload,
        )
        try:
            hf_raise_for_status(response)
        except HfHubHTTPError as err:
            if not (exist_ok and err.response is not None and err.response.status_code == 409):
                raise

    @validate_hf_hub_args
    def delete_tag(
        self,
        repo_id: str,
        *,
        tag: str,
        token: bool | str | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Delete a tag.

        Raises:
            [`~errors.RepositoryNotFoundError`]: if the repository cannot be seen.
            [`~errors.RevisionNotFoundError`]: if the tag does not exist.
        """
        response = get_session().delete(
            f"{self._repo_api_url(repo_type, repo_id)}/tag/{quote(tag, safe='')}",
            headers=self._build_hf_headers(token=token),
        )
        hf_raise_for_status(response)

    @validate_hf_hub_args
    def super_squash_history(
        self,
        repo_id: str,
        *,
        branch: str | None = None,
        commit_message: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> None:
        """Replace the whole history of a branch by a single commit with the same files. Irreversible: the old
        commits are gone, and the branch can no longer be merged with branches that share them.

        Args:
            repo_id (`str`): `namespace/name` of the repository.
            branch (`str`, *optional*): the branch to squash; `main` by default. Tags cannot be squashed.
            commit_message (`str`, *optional*): message of the new commit; `Super-squash branch '<branch>' using
                huggingface_hub` by default.
            repo_type (`str`, *optional*): `"dataset"` or `"space"`; a model by default.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.

        Raises:
            `ValueError`: for an unknown `repo_type`.
            [`~errors.RepositoryNotFoundError`], [`~errors.RevisionNotFoundError`]: see their names.
            [`~errors.BadRequestError`]: if `branch` is not a branch.
        """
        if repo_type not in constants.REPO_TYPES:
            raise ValueError("Invalid repo type")
        branch = branch if branch is not None else constants.DEFAULT_REVISION
        response = get_session().post(
            f"{self._repo_api_url(repo_type, repo_id)}/super-squash/{quote(branch, safe='')}",
            headers=self._build_hf_headers(token=token),
            json={"message": commit_message or f"Super-squash branch '{branch}' using huggingface_hub"},
        )
        hf_raise_for_status(response)
