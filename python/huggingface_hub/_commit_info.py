"""`CommitInfo`: what a commit-creating call returns (the commit's URL, id, message and pull request)."""

import re
from dataclasses import dataclass, field
from typing import Any

from ._repo_url import RepoUrl

# A pull request is a discussion of its repository: `{endpoint}/{prefix}{repo_id}/discussions/{number}`.
_REGEX_DISCUSSION_URL = re.compile(r".*/discussions/(\d+)$")


@dataclass
class CommitInfo(str):
    """A commit just created on the Hub, by [`create_commit`], [`upload_file`], [`upload_folder`], [`delete_file`],
    [`delete_folder`] or [`delete_files`].

    It is also the `str` of its `commit_url` (what these methods returned before this class existed); using it as
    a string is kept for backward compatibility only.

    Attributes:
        commit_url (`str`):
            Where the commit is shown on the Hub.
        commit_message (`str`):
            Its summary (first line).
        commit_description (`str`):
            Its description, possibly empty.
        oid (`str`):
            The commit id, e.g. `"91c54ad1727ee830252e457677f467be0bfd8a57"`.
        pr_url (`str`, *optional*):
            URL of the pull request opened with `create_pr=True`.
        pr_revision (`str`, *optional*):
            Git reference of that pull request, e.g. `"refs/pr/1"`.
        pr_num (`int`, *optional*):
            Its number, usable as `discussion_num` with the discussion methods.
        repo_url (`RepoUrl`):
            The repository the commit belongs to.
    """

    commit_url: str
    commit_message: str
    commit_description: str
    oid: str
    _endpoint: str | None = field(default=None, repr=False)
    pr_url: str | None = None

    # Derived from `commit_url` and `pr_url` in `__post_init__`.
    repo_url: RepoUrl = field(init=False)
    pr_revision: str | None = field(init=False)
    pr_num: int | None = field(init=False)

    def __new__(cls, *args: Any, commit_url: str, **kwargs: Any) -> "CommitInfo":
        return str.__new__(cls, commit_url)

    def __post_init__(self) -> None:
        self.repo_url = RepoUrl(self.commit_url.split("/commit/")[0], endpoint=self._endpoint)
        if self.pr_url is not None:
            self.pr_revision = _parse_revision_from_pr_url(self.pr_url)
            self.pr_num = int(self.pr_revision.split("/")[-1])
        else:
            self.pr_revision = None
            self.pr_num = None


def _parse_revision_from_pr_url(pr_url: str) -> str:
    """`refs/pr/N` for the pull request at `pr_url` (`.../discussions/N`)."""
    match = _REGEX_DISCUSSION_URL.match(pr_url)
    if match is None:
        raise RuntimeError(f"Unexpected response from the hub, expected a Pull Request URL but got: '{pr_url}'")
    return f"refs/pr/{match[1]}"
