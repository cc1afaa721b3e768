"""Discussions and Pull Requests of a Hub repository (its "Community" tab), as returned by [`HfApi`].

Discussions and Pull Requests share one numbering per repository. A Pull Request is a Discussion with a git
reference (`refs/pr/<num>`) that commits can be pushed to; its timeline holds comments, status changes, title
changes and commits ([`DiscussionEvent`] and its subclasses). These objects are built by the client from the
Hub's answers (see [`HfApi.get_repo_discussions`], [`HfApi.get_discussion_details`]); they are not meant to be
created by hand.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypedDict

from . import constants
from .utils import parse_datetime

DiscussionStatus = Literal["open", "closed", "merged", "draft"]

# What the Hub shows for the author of an event or discussion whose account no longer exists.
_DELETED_AUTHOR = "deleted"


@dataclass
class Discussion:
    """A Discussion or a Pull Request on a Hub repository.

    Attributes:
        title (`str`):
            Title of the Discussion or Pull Request.
        status (`str`):
            `"open"` or `"closed"`; Pull Requests can also be `"merged"` or `"draft"`.
        num (`int`):
            Number of the Discussion or Pull Request in its repository (both share the same counter).
        repo_id (`str`):
            Id (`"namespace/name"`) of the repository it belongs to.
        repo_type (`str`):
            Type of that repository: `"model"`, `"dataset"` or `"space"`.
        author (`str`):
            Username of whoever opened it, `"deleted"` if that account was deleted since.
        is_pull_request (`bool`):
            Whether this is a Pull Request.
        created_at (`datetime`):
            When it was opened.
        endpoint (`str`):
            The Hub it lives on, e.g. `https://huggingface.co`.
        git_reference (`str`, *optional*):
            (property) The git reference commits are pushed to for a Pull Request (`refs/pr/<num>`), `None` for a
            Discussion.
        url (`str`):
            (property) Its page on the Hub.
    """

    title: str
    status: DiscussionStatus
    num: int
    repo_id: str
    repo_type: str
    author: str
    is_pull_request: bool
    created_at: datetime
    endpoint: str

    @property
    def git_reference(self) -> str | None:
        """`refs/pr/<num>` for a Pull Request (the revision to commit to), `None` for a Discussion."""
        return f"refs/pr/{self.num}" if self.is_pull_request else None

    @property
    def url(self) -> str:
        """The page of this Discussion or Pull Request on the Hub."""
        prefix = "" if self.repo_type in (None, constants.REPO_TYPE_MODEL) else f"{self.repo_type}s/"
        return f"{self.endpoint}/{prefix}{self.repo_id}/discussions/{self.num}"


@dataclass
class DiscussionWithDetails(Discussion):
    """A [`Discussion`] with its timeline and, for a Pull Request, what it changes.

    Attributes (besides those of [`Discussion`]):
        events (`list` of [`DiscussionEvent`]):
            The timeline, oldest first: comments (the first one is the description), status changes, title changes,
            commits.
        conflicting_files (`list[str]`, `bool` or `None`):
            For a Pull Request, the files that conflict with the target branch, or `True` if there are conflicts
            the Hub could not list. `None` for a Discussion.
        target_branch (`str`, *optional*):
            For a Pull Request, the reference it would be merged into (e.g. `refs/heads/main`). `None` for a
            Discussion.
        merge_commit_oid (`str`, *optional*):
            For a merged Pull Request, the id of the merge commit. `None` otherwise.
        diff (`str`, *optional*):
            For a Pull Request, its git diff. `None` otherwise.
    """

    events: list["DiscussionEvent"]
    conflicting_files: list[str] | bool | None
    target_branch: str | None
    merge_commit_oid: str | None
    diff: str | None


class DiscussionEventArgs(TypedDict):
    """The arguments every [`DiscussionEvent`] subclass is built with."""

    id: str
    type: str
    created_at: datetime
    author: str
    _event: dict


@dataclass
class DiscussionEvent:
    """One entry of the timeline of a Discussion or Pull Request.

    The Hub's event types have their own subclasses ([`DiscussionComment`], [`DiscussionStatusChange`],
    [`DiscussionCommit`], [`DiscussionTitleChange`]); other types are returned as this base class.

    Attributes:
        id (`str`):
            Id of the event (hexadecimal).
        type (`str`):
            Type of the event, as named by the Hub (`"comment"`, `"status-change"`, ...).
        created_at (`datetime`):
            When it happened.
        author (`str`):
            Username of whoever caused it, `"deleted"` if that account was deleted since.
    """

    id: str
    type: str
    created_at: datetime
    author: str

    _event: dict
    """The event as the Hub sent it, for details that have no attribute of their own."""


@dataclass
class DiscussionComment(DiscussionEvent):
    """A comment in a Discussion or Pull Request (subclass of [`DiscussionEvent`]).

    Attributes (besides those of [`DiscussionEvent`]):
        content (`str`):
            The latest version of the comment, as raw markdown.
        edited (`bool`):
            Whether the comment was edited after being posted.
        hidden (`bool`):
            Whether the comment was hidden (hiding cannot be undone).
    """

    content: str
    edited: bool
    hidden: bool

    @property
    def rendered(self) -> str:
        """The latest version of the comment, rendered to HTML by the Hub."""
        return self._event["data"]["latest"]["html"]

    @property
    def last_edited_at(self) -> datetime:
        """When the latest version was written."""
        return parse_datetime(self._event["data"]["latest"]["updatedAt"])

    @property
    def last_edited_by(self) -> str:
        """Username of whoever wrote the latest version, `"deleted"` if that account was deleted since."""
        return _author_name(self._event["data"]["latest"])

    @property
    def edit_history(self) -> list[dict]:
        """Every version of the comment, as the Hub sent them."""
        return self._event["data"]["history"]

    @property
    def number_of_edits(self) -> int:
        """Number of versions in `edit_history`."""
        return len(self.edit_history)


@dataclass
class DiscussionStatusChange(DiscussionEvent):
    """A change of status of a Discussion or Pull Request (subclass of [`DiscussionEvent`]).

    Attributes (besides those of [`DiscussionEvent`]):
        new_status (`str`):
            The status after the change: `"open"`, `"closed"` or, for a Pull Request, `"merged"`.
    """

    new_status: str


@dataclass
class DiscussionCommit(DiscussionEvent):
    """A commit pushed to a Pull Request (subclass of [`DiscussionEvent`]).

    Attributes (besides those of [`DiscussionEvent`]):
        summary (`str`):
            The commit's summary (first line of its message).
        oid (`str`):
            The commit's id (hexadecimal).
    """

    summary: str
    oid: str


@dataclass
class DiscussionTitleChange(DiscussionEvent):
    """A rename of a Discussion or Pull Request (subclass of [`DiscussionEvent`]).

    Attributes (besides those of [`DiscussionEvent`]):
        old_title (`str`):
            The title before the change.
        new_title (`str`):
            The title after the change.
    """

    old_title: str
    new_title: str


def deserialize_event(event: dict) -> DiscussionEvent:
    """Build the [`DiscussionEvent`] subclass matching the `type` of an event as the Hub sends it.

    Unknown types give a plain [`DiscussionEvent`], so new kinds of events on the Hub do not break older clients.
    """
    common: DiscussionEventArgs = {
        "id": event["id"],
        "type": event["type"],
        "created_at": parse_datetime(event["createdAt"]),
        "author": _author_name(event),
        "_event": event,
    }
    event_type = common["type"]
    if event_type == "comment":
        data = event["data"]
        return DiscussionComment(**common, content=data["latest"]["raw"], edited=data["edited"], hidden=data["hidden"])
    if event_type == "status-change":
        return DiscussionStatusChange(**common, new_status=event["data"]["status"])
    if event_type == "commit":
        return DiscussionCommit(**common, summary=event["data"]["subject"], oid=event["data"]["oid"])
    if event_type == "title-change":
        return DiscussionTitleChange(**common, old_title=event["data"]["from"], new_title=event["data"]["to"])
    return DiscussionEvent(**common)


def _author_name(payload: dict) -> str:
    """`payload["author"]["name"]`, or `"deleted"` when the Hub sends no author (a deleted account)."""
    return (payload.get("author") or {}).get("name", _DELETED_AUTHOR)
