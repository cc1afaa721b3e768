"""The Discussions and Pull Requests methods of `HfApi` (the "Community" tab of a repository).

Requests go to `{endpoint}/api/{repo_type}s/{repo_id}/discussions[/{num}[/...]]`; answers are turned into the
dataclasses of [`huggingface_hub.community`].
"""

import warnings
from collections.abc import Callable, Iterator
from typing import Any, Literal, cast

from requests import Response

from . import constants
from .community import (
    Discussion,
    DiscussionComment,
    DiscussionStatusChange,
    DiscussionTitleChange,
    DiscussionWithDetails,
    _author_name,
    deserialize_event,
)
from .utils import parse_datetime
from .utils._http import get_session, hf_raise_for_status, http_backoff
from .utils._validators import validate_hf_hub_args

# Used when the caller gives no description: the Hub needs one, and this says where the thread came from.
_DEFAULT_DESCRIPTION = (
    "{kind} opened with the [huggingface_hub Python library](https://huggingface.co/docs/huggingface_hub)"
)


class DiscussionsMixin:
    """Listing, reading, opening, commenting, renaming, closing and merging Discussions and Pull Requests."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi

    @validate_hf_hub_args
    def get_repo_discussions(
        self,
        repo_id: str,
        *,
        author: str | None = None,
        discussion_type: constants.DiscussionTypeFilter | None = None,
        discussion_status: constants.DiscussionStatusFilter | None = None,
        repo_type: str | None = None,
        token: bool | str | None = None,
    ) -> Iterator[Discussion]:
        """Iterate over the Discussions and Pull Requests of a repository, newest first.

        Pages are requested lazily, as the iteration goes on; arguments are checked when the iteration starts.

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            author (`str`, *optional*):
                Only those opened by this username.
            discussion_type (`str`, *optional*):
                `"all"` (default), `"discussion"` or `"pull_request"`.
            discussion_status (`str`, *optional*):
                `"all"` (default), `"open"` or `"closed"` (closed includes merged Pull Requests).
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none.

        Returns:
            `Iterator[Discussion]`: one [`Discussion`] per Discussion or Pull Request (without timeline; see
            [`~HfApi.get_discussion_details`]).

        Raises:
            `ValueError`: for an unknown `repo_type`, `discussion_type` or `discussion_status`.
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.

        Example:
            ```py
            >>> from huggingface_hub import get_repo_discussions
            >>> for discussion in get_repo_discussions("bigscience/bloom", discussion_type="pull_request"):
            ...     print(discussion.num, discussion.title)
            ```
        """
        repo_type = _checked_repo_type(repo_type)
        if discussion_type is not None and discussion_type not in constants.DISCUSSION_TYPES:
            raise ValueError(f"Invalid discussion_type, must be one of {constants.DISCUSSION_TYPES}")
        if discussion_status is not None and discussion_status not in constants.DISCUSSION_STATUS:
            raise ValueError(f"Invalid discussion_status, must be one of {constants.DISCUSSION_STATUS}")

        url = f"{self.endpoint}/api/{repo_type}s/{repo_id}/discussions"
        headers = self._build_hf_headers(token=token)
        params: dict[str, str | int] = {}
        if discussion_type is not None:
            params["type"] = discussion_type
        if discussion_status is not None:
            params["status"] = discussion_status
        if author is not None:
            params["author"] = author

        # Pages are numbered from 0 (`p`); each answer says where it starts and how many match in total.
        page = 0
        while True:
            params["p"] = page
            if page == 0:
                response = get_session().get(url, params=params, headers=headers)
            else:
                response = http_backoff("GET", url, params=params, headers=headers)
            hf_raise_for_status(response)
            answer = response.json()
            discussions = answer["discussions"]
            for discussion in discussions:
                yield _discussion_from_json(discussion, self.endpoint)
            # An empty page ends the walk even if `count` says otherwise (items deleted while paging).
            if not discussions or answer["start"] + len(discussions) >= answer["count"]:
                return
            page += 1

    @validate_hf_hub_args
    def get_discussion_details(
        self,
        repo_id: str,
        discussion_num: int,
        *,
        repo_type: str | None = None,
        token: bool | str | None = None,
    ) -> DiscussionWithDetails:
        """Read one Discussion or Pull Request with its timeline (and, for a Pull Request, its diff).

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            discussion_num (`int`):
                Number of the Discussion or Pull Request (a positive integer).
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none.

        Returns:
            [`DiscussionWithDetails`]

        Raises:
            `ValueError`: if `discussion_num` is not a positive integer or `repo_type` is unknown.
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
            [`~errors.HfHubHTTPError`]: 404 if there is no such Discussion.
        """
        _check_discussion_num(discussion_num)
        repo_type = _checked_repo_type(repo_type)
        response = get_session().get(
            f"{self.endpoint}/api/{repo_type}s/{repo_id}/discussions/{discussion_num}",
            params={"diff": "1"},
            headers=self._build_hf_headers(token=token),
        )
        hf_raise_for_status(response)
        return _discussion_with_details_from_json(response.json(), self.endpoint)

    @validate_hf_hub_args
    def create_discussion(
        self,
        repo_id: str,
        title: str,
        *,
        token: bool | str | None = None,
        description: str | None = None,
        repo_type: str | None = None,
        pull_request: bool = False,
    ) -> DiscussionWithDetails:
        """Open a Discussion (or, with `pull_request=True`, a Pull Request) on a repository.

        A new Pull Request is a `"draft"` whose reference `refs/pr/<num>` starts at the head of the default branch:
        push commits to it (e.g. `create_commit(..., revision=discussion.git_reference)`), then set it `"open"`
        with [`~HfApi.change_discussion_status`] before merging it.

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            title (`str`):
                The title (surrounding whitespace is removed).
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none.
            description (`str`, *optional*):
                The first comment, in markdown. When empty, a line saying it was opened from this library is used.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            pull_request (`bool`, defaults to `False`):
                Open a Pull Request instead of a Discussion.

        Returns:
            [`DiscussionWithDetails`]: the new Discussion, read back from the Hub.

        Raises:
            `ValueError`: for an unknown `repo_type`.
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
            [`~errors.HfHubHTTPError`]: 403 if the token may not open Discussions (e.g. a read token).
        """
        repo_type = _checked_repo_type(repo_type)
        description = (description or "").strip() or _DEFAULT_DESCRIPTION.format(
            kind="Pull Request" if pull_request else "Discussion"
        )
        response = get_session().post(
            f"{self.endpoint}/api/{repo_type}s/{repo_id}/discussions",
            json={"title": title.strip(), "description": description, "pullRequest": pull_request},
            headers=self._build_hf_headers(token=token),
        )
        hf_raise_for_status(response)
        return self.get_discussion_details(
            repo_id=repo_id, discussion_num=response.json()["num"], repo_type=repo_type, token=token
        )

    @validate_hf_hub_args
    def create_pull_request(
        self,
        repo_id: str,
        title: str,
        *,
        token: bool | str | None = None,
        description: str | None = None,
        repo_type: str | None = None,
    ) -> DiscussionWithDetails:
        """Open a Pull Request: [`~HfApi.create_discussion`] with `pull_request=True`.

        The Pull Request starts as a `"draft"` with no changes; push commits to `refs/pr/<num>` (its
        `git_reference`). To open a Pull Request together with its first commit, use `create_commit(...,
        create_pr=True)` instead.
        """
        return self.create_discussion(
            repo_id=repo_id,
            title=title,
            token=token,
            description=description,
            repo_type=repo_type,
            pull_request=True,
        )

    def _post_discussion_changes(
        self,
        *,
        repo_id: str,
        discussion_num: int,
        resource: str,
        body: dict | None = None,
        token: bool | str | None = None,
        repo_type: str | None = None,
    ) -> Response:
        """POST `body` (no body when `None`) to `.../discussions/{num}/{resource}` and return the checked answer."""
        _check_discussion_num(discussion_num)
        repo_type = _checked_repo_type(repo_type)
        response = get_session().post(
            f"{self.endpoint}/api/{repo_type}s/{repo_id}/discussions/{discussion_num}/{resource}",
            json=body,
            headers=self._build_hf_headers(token=token),
        )
        hf_raise_for_status(response)
        return response

    @validate_hf_hub_args
    def comment_discussion(
        self,
        repo_id: str,
        discussion_num: int,
        comment: str,
        *,
        token: bool | str | None = None,
        repo_type: str | None = None,
    ) -> DiscussionComment:
        """Add a comment (markdown) to a Discussion or Pull Request.

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            discussion_num (`int`):
                Number of the Discussion or Pull Request.
            comment (`str`):
                The comment, in markdown.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.

        Returns:
            [`DiscussionComment`]: the new comment.

        Raises:
            `ValueError`: if `discussion_num` is not a positive integer or `repo_type` is unknown.
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
            [`~errors.HfHubHTTPError`]: 404 if there is no such Discussion, 403 if the token may not comment.
        """
        response = self._post_discussion_changes(
            repo_id=repo_id,
            discussion_num=discussion_num,
            resource="comment",
            body={"comment": comment},
            token=token,
            repo_type=repo_type,
        )
        return cast(DiscussionComment, deserialize_event(response.json()["newMessage"]))

    @validate_hf_hub_args
    def rename_discussion(
        self,
        repo_id: str,
        discussion_num: int,
        new_title: str,
        *,
        token: bool | str | None = None,
        repo_type: str | None = None,
    ) -> DiscussionTitleChange:
        """Change the title of a Discussion or Pull Request.

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            discussion_num (`int`):
                Number of the Discussion or Pull Request.
            new_title (`str`):
                The new title.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.

        Returns:
            [`DiscussionTitleChange`]: the rename, with the old and new titles.

        Raises:
            `ValueError`: if `discussion_num` is not a positive integer or `repo_type` is unknown.
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
            [`~errors.HfHubHTTPError`]: 404 if there is no such Discussion, 403 if the token may not rename it.
        """
        response = self._post_discussion_changes(
            repo_id=repo_id,
            discussion_num=discussion_num,
            resource="title",
            body={"title": new_title},
            token=token,
            repo_type=repo_type,
        )
        return cast(DiscussionTitleChange, deserialize_event(response.json()["newTitle"]))

    @validate_hf_hub_args
    def change_discussion_status(
        self,
        repo_id: str,
        discussion_num: int,
        new_status: Literal["open", "closed"],
        *,
        token: bool | str | None = None,
        comment: str | None = None,
        repo_type: str | None = None,
    ) -> DiscussionStatusChange:
        """Open or close a Discussion or Pull Request (merging is done with [`~HfApi.merge_pull_request`]).

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            discussion_num (`int`):
                Number of the Discussion or Pull Request.
            new_status (`str`):
                `"open"` or `"closed"`.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none.
            comment (`str`, *optional*):
                A comment posted with the change (ignored when blank).
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.

        Returns:
            [`DiscussionStatusChange`]: the change.

        Raises:
            `ValueError`: if `new_status` is neither `"open"` nor `"closed"`, `discussion_num` is not a positive
                integer or `repo_type` is unknown.
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
            [`~errors.HfHubHTTPError`]: 404 if there is no such Discussion, 403 if the token may not change it.
        """
        if new_status not in ("open", "closed"):
            raise ValueError("Invalid status, valid statuses are: 'open' and 'closed'")
        body: dict[str, str] = {"status": new_status}
        if comment and comment.strip():
            body["comment"] = comment.strip()
        response = self._post_discussion_changes(
            repo_id=repo_id,
            discussion_num=discussion_num,
            resource="status",
            body=body,
            token=token,
            repo_type=repo_type,
        )
        return cast(DiscussionStatusChange, deserialize_event(response.json()["newStatus"]))

    @validate_hf_hub_args
    def merge_pull_request(
        self,
        repo_id: str,
        discussion_num: int,
        *,
        token: bool | str | None = None,
        comment: str | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Merge an open Pull Request into its target branch.

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            discussion_num (`int`):
                Number of the Pull Request.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none.
            comment (`str`, *optional*):
                A comment posted with the merge (ignored when blank).
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.

        Raises:
            `ValueError`: if `discussion_num` is not a positive integer or `repo_type` is unknown.
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
            [`~errors.HfHubHTTPError`]: 404 if there is no such Pull Request, 403 if the token may not merge it,
                400 if it cannot be merged (a Discussion, a draft, already merged or closed, conflicts).
        """
        self._post_discussion_changes(
            repo_id=repo_id,
            discussion_num=discussion_num,
            resource="merge",
            body={"comment": comment.strip()} if comment and comment.strip() else None,
            token=token,
            repo_type=repo_type,
        )

    @validate_hf_hub_args
    def edit_discussion_comment(
        self,
        repo_id: str,
        discussion_num: int,
        comment_id: str,
        new_content: str,
        *,
        token: bool | str | None = None,
        repo_type: str | None = None,
    ) -> DiscussionComment:
        """Replace the content of a comment (its earlier versions stay in `edit_history`).

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            discussion_num (`int`):
                Number of the Discussion or Pull Request.
            comment_id (`str`):
                Id of the comment (the `id` of a [`DiscussionComment`]).
            new_content (`str`):
                The new content, in markdown.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.

        Returns:
            [`DiscussionComment`]: the comment as edited.

        Raises:
            `ValueError`: if `discussion_num` is not a positive integer or `repo_type` is unknown.
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
            [`~errors.HfHubHTTPError`]: 404 if there is no such comment, 403 if the token may not edit it.
        """
        response = self._post_discussion_changes(
            repo_id=repo_id,
            discussion_num=discussion_num,
            resource=f"comment/{comment_id.lower()}/edit",
            body={"content": new_content},
            token=token,
            repo_type=repo_type,
        )
        return cast(DiscussionComment, deserialize_event(response.json()["updatedComment"]))

    @validate_hf_hub_args
    def hide_discussion_comment(
        self,
        repo_id: str,
        discussion_num: int,
        comment_id: str,
        *,
        token: bool | str | None = None,
        repo_type: str | None = None,
    ) -> DiscussionComment:
        """Hide a comment. This cannot be undone, and the content of a hidden comment cannot be read back.

        Emits a `UserWarning` saying so on every call.

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            discussion_num (`int`):
                Number of the Discussion or Pull Request.
            comment_id (`str`):
                Id of the comment (the `id` of a [`DiscussionComment`]).
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.

        Returns:
            [`DiscussionComment`]: the hidden comment.

        Raises:
            `ValueError`: if `discussion_num` is not a positive integer or `repo_type` is unknown.
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
            [`~errors.HfHubHTTPError`]: 404 if there is no such comment, 403 if the token may not hide it.
        """
        warnings.warn(
            "Hidden comments' content cannot be retrieved anymore. Hiding a comment is irreversible.",
            UserWarning,
            stacklevel=2,
        )
        response = self._post_discussion_changes(
            repo_id=repo_id,
            discussion_num=discussion_num,
            resource=f"comment/{comment_id.lower()}/hide",
            token=token,
            repo_type=repo_type,
        )
        return cast(DiscussionComment, deserialize_event(response.json()["updatedComment"]))


def _checked_repo_type(repo_type: str | None) -> str:
    """`repo_type` with `None` meaning `"model"`; `ValueError` for anything but model, dataset or space."""
    if repo_type not in constants.REPO_TYPES:
        raise ValueError(f"Invalid repo type, must be one of {constants.REPO_TYPES}")
    return repo_type or constants.REPO_TYPE_MODEL


def _check_discussion_num(discussion_num: Any) -> None:
    if not isinstance(discussion_num, int) or discussion_num <= 0:
        raise ValueError("Invalid discussion_num, must be a positive integer")


def _discussion_fields(data: dict, endpoint: str) -> dict[str, Any]:
    """The [`Discussion`] fields of a discussion as the Hub sends it (listing item or details)."""
    return {
        "title": data["title"],
        "status": data["status"],
        "num": data["num"],
        "repo_id": data["repo"]["name"],
        "repo_type": data["repo"]["type"],
        "author": _author_name(data),
        "is_pull_request": data["isPullRequest"],
        "created_at": parse_datetime(data["createdAt"]),
        "endpoint": endpoint,
    }


def _discussion_from_json(data: dict, endpoint: str) -> Discussion:
    return Discussion(**_discussion_fields(data, endpoint))


def _discussion_with_details_from_json(data: dict, endpoint: str) -> DiscussionWithDetails:
    # Only Pull Requests have changes; the Hub may still send the keys for a Discussion, where they mean nothing.
    is_pull_request = data["isPullRequest"]
    changes = data.get("changes") or {}
    return DiscussionWithDetails(
        **_discussion_fields(data, endpoint),
        events=[deserialize_event(event) for event in data["events"]],
        conflicting_files=data["filesWithConflicts"] if is_pull_request else None,
        target_branch=changes["base"] if is_pull_request else None,
        merge_commit_oid=changes.get("mergeCommitId") if is_pull_request else None,
        diff=data.get("diff"),
    )
