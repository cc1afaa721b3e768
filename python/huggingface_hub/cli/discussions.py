"""``hf discussions ...``: list, read, open, comment on, edit, close, reopen, rename, merge and diff the Discussions
and Pull Requests of a repository (thin wrappers over the `HfApi` methods of `_api_discussions`)."""

import enum
import sys
from pathlib import Path
from typing import Annotated

import click

from huggingface_hub import constants

from ._cli_utils import RepoIdArg, RepoType, RepoTypeOpt, TokenOpt, get_hf_api, typer_factory
from ._framework import Argument, Option
from ._output import _dataclass_as_dict, out


class DiscussionStatus(str, enum.Enum):
    open = "open"
    closed = "closed"
    merged = "merged"
    draft = "draft"
    all = "all"


class DiscussionKind(str, enum.Enum):
    all = "all"
    discussion = "discussion"
    pull_request = "pull_request"


# The Hub filters by "open" (drafts included) or "closed" (merged included) only: "merged" and "draft" are asked
# as "all" and filtered here.
_FILTERED_LOCALLY = {DiscussionStatus.merged, DiscussionStatus.draft}

DiscussionNumArg = Annotated[int, Argument(help="The discussion or pull request number.", min=1)]
AuthorOpt = Annotated[str | None, Option(help="Filter by author or organization.")]
LimitOpt = Annotated[int, Option(help="Limit the number of results.")]
_YesOpt = Annotated[bool, Option("--yes", "-y", help="Skip confirmation prompt.")]


_DescriptionOpt = Annotated[str | None, Option("--body", help="The description (supports Markdown).")]
_DescriptionFileOpt = Annotated[
    Path | None, Option("--body-file", help="Read the description from a file. Use '-' for stdin.")
]
_CommentOpt = Annotated[str | None, Option("--body", help="The comment text (supports Markdown).")]
_CommentFileOpt = Annotated[
    Path | None, Option("--body-file", help="Read the comment from a file. Use '-' for stdin.")
]
_NewCommentOpt = Annotated[str | None, Option("--body", help="The new comment text (supports Markdown).")]
_NewCommentFileOpt = Annotated[
    Path | None, Option("--body-file", help="Read the new comment from a file. Use '-' for stdin.")
]


def _read_body(body: str | None, body_file: Path | None) -> str | None:
    """The text given with `--body`, or read from `--body-file` (`-` is stdin); None when neither is given."""
    if body is not None and body_file is not None:
        raise click.BadParameter("Cannot use both --body and --body-file.")
    if body_file is None:
        return body
    if str(body_file) == "-":
        return sys.stdin.read()
    return body_file.read_text(encoding="utf-8")


def _required_body(body: str | None, body_file: Path | None) -> str:
    text = _read_body(body, body_file)
    if text is None:
        raise click.BadParameter("Either --body or --body-file is required.")
    return text


discussions_cli = typer_factory(help="Manage discussions and pull requests on the Hub.")


@discussions_cli.command(
    "list | ls",
    examples=[
        "hf discussions list username/my-model",
        "hf discussions list username/my-model --kind pull_request --status merged",
        "hf discussions list username/my-dataset --type dataset --status closed",
        "hf discussions list username/my-model --author alice --format json",
    ],
)
def discussion_list(
    repo_id: RepoIdArg,
    status: Annotated[
        DiscussionStatus, Option("-s", "--status", help="Filter by status (open, closed, merged, draft, all).")
    ] = DiscussionStatus.open,
    kind: Annotated[
        DiscussionKind, Option("-k", "--kind", help="Filter by kind (discussion, pull_request, all).")
    ] = DiscussionKind.all,
    author: AuthorOpt = None,
    limit: LimitOpt = 30,
    repo_type: RepoTypeOpt = RepoType.model,
    token: TokenOpt = None,
) -> None:
    """List discussions and pull requests on a repo."""
    hub_status: constants.DiscussionStatusFilter | None = (
        status.value if status in (DiscussionStatus.open, DiscussionStatus.closed) else None  # type: ignore[assignment]
    )
    hub_kind: constants.DiscussionTypeFilter | None = None if kind == DiscussionKind.all else kind.value  # type: ignore[assignment]
    listing = get_hf_api(token=token).get_repo_discussions(
        repo_id=repo_id,
        author=author,
        discussion_type=hub_kind,
        discussion_status=hub_status,
        repo_type=repo_type.value,
    )
    rows = []
    for discussion in listing:
        if status in _FILTERED_LOCALLY and discussion.status != status.value:
            continue
        rows.append(_dataclass_as_dict(discussion))
        if len(rows) >= limit:
            break  # before the listing asks for another page
    out.table(rows, headers=["num", "title", "is_pull_request", "status", "author", "created_at"], id_key="num")


@discussions_cli.command(
    "info",
    examples=["hf discussions info username/my-model 5", "hf discussions info username/my-model 5 --format json"],
)
def discussion_info(
    repo_id: RepoIdArg,
    num: DiscussionNumArg,
    repo_type: RepoTypeOpt = RepoType.model,
    token: TokenOpt = None,
) -> None:
    """Get info about a discussion or pull request."""
    details = get_hf_api(token=token).get_discussion_details(
        repo_id=repo_id, discussion_num=num, repo_type=repo_type.value
    )
    out.dict(details)


@discussions_cli.command(
    "create",
    examples=[
        'hf discussions create username/my-model --title "Bug report"',
        'hf discussions create username/my-model --title "Feature request" --body "Please add X"',
        'hf discussions create username/my-model --title "Fix typo" --pull-request',
        'hf discussions create username/my-dataset --type dataset --title "Data quality issue"',
    ],
)
def discussion_create(
    repo_id: RepoIdArg,
    title: Annotated[str, Option("--title", help="The title of the discussion or pull request.")],
    body: _DescriptionOpt = None,
    body_file: _DescriptionFileOpt = None,
    pull_request: Annotated[
        bool, Option("--pull-request", "--pr", help="Create a pull request instead of a discussion.")
    ] = False,
    repo_type: RepoTypeOpt = RepoType.model,
    token: TokenOpt = None,
) -> None:
    """Create a new discussion or pull request on a repo."""
    description = _read_body(body, body_file)
    discussion = get_hf_api(token=token).create_discussion(
        repo_id=repo_id, title=title, description=description, repo_type=repo_type.value, pull_request=pull_request
    )
    kind = "pull request" if pull_request else "discussion"
    out.result(
        f"Created {kind} #{discussion.num} on {repo_id}",
        num=discussion.num,
        url=discussion.url,
        ref=discussion.git_reference,
    )


@discussions_cli.command(
    "comment",
    examples=[
        'hf discussions comment username/my-model 5 --body "Thanks for reporting!"',
        'hf discussions comment username/my-model 5 --body "LGTM!"',
    ],
)
def discussion_comment(
    repo_id: RepoIdArg,
    num: DiscussionNumArg,
    body: _CommentOpt = None,
    body_file: _CommentFileOpt = None,
    repo_type: RepoTypeOpt = RepoType.model,
    token: TokenOpt = None,
) -> None:
    """Comment on a discussion or pull request."""
    comment = _required_body(body, body_file)
    get_hf_api(token=token).comment_discussion(
        repo_id=repo_id, discussion_num=num, comment=comment, repo_type=repo_type.value
    )
    out.result(f"Commented on #{num} in {repo_id}", num=num, repo=repo_id)


@discussions_cli.command(
    "edit",
    examples=[
        'hf discussions edit username/my-model 5 abc123 --body "Updated comment."',
        "hf discussions edit username/my-model 5 abc123 --body-file fixed.md",
    ],
)
def discussion_edit(
    repo_id: RepoIdArg,
    num: DiscussionNumArg,
    comment_id: Annotated[
        str, Argument(help="The ID of the comment to edit (see 'hf discussions info ... --format json').")
    ],
    body: _NewCommentOpt = None,
    body_file: _NewCommentFileOpt = None,
    repo_type: RepoTypeOpt = RepoType.model,
    token: TokenOpt = None,
) -> None:
    """Edit an existing comment on a discussion or pull request."""
    new_content = _required_body(body, body_file)
    get_hf_api(token=token).edit_discussion_comment(
        repo_id=repo_id, discussion_num=num, comment_id=comment_id, new_content=new_content, repo_type=repo_type.value
    )
    out.result(f"Edited comment {comment_id} on #{num} in {repo_id}", num=num, repo=repo_id, comment_id=comment_id)


def _change_status(
    verb: str,
    new_status: str,
    repo_id: str,
    num: int,
    comment: str | None,
    yes: bool,
    repo_type: RepoType,
    token: str | None,
) -> None:
    out.confirm(f"{verb} #{num} on '{repo_id}'?", yes=yes)
    get_hf_api(token=token).change_discussion_status(
        repo_id=repo_id,
        discussion_num=num,
        new_status=new_status,  # type: ignore[arg-type]
        comment=comment,
        repo_type=repo_type.value,
    )


@discussions_cli.command(
    "close",
    examples=[
        "hf discussions close username/my-model 5",
        'hf discussions close username/my-model 5 --comment "Closing as resolved."',
    ],
)
def discussion_close(
    repo_id: RepoIdArg,
    num: DiscussionNumArg,
    comment: Annotated[str | None, Option("--comment", help="An optional comment to post when closing.")] = None,
    yes: _YesOpt = False,
    repo_type: RepoTypeOpt = RepoType.model,
    token: TokenOpt = None,
) -> None:
    """Close a discussion or pull request."""
    _change_status("Close", "closed", repo_id, num, comment, yes, repo_type, token)
    out.result(f"Closed #{num} in {repo_id}", num=num, repo=repo_id)


@discussions_cli.command(
    "reopen",
    examples=[
        "hf discussions reopen username/my-model 5",
        'hf discussions reopen username/my-model 5 --comment "Reopening for further investigation."',
    ],
)
def discussion_reopen(
    repo_id: RepoIdArg,
    num: DiscussionNumArg,
    comment: Annotated[str | None, Option("--comment", help="An optional comment to post when reopening.")] = None,
    yes: _YesOpt = False,
    repo_type: RepoTypeOpt = RepoType.model,
    token: TokenOpt = None,
) -> None:
    """Reopen a closed discussion or pull request."""
    _change_status("Reopen", "open", repo_id, num, comment, yes, repo_type, token)
    out.result(f"Reopened #{num} in {repo_id}", num=num, repo=repo_id)


@discussions_cli.command("rename", examples=['hf discussions rename username/my-model 5 "Updated title"'])
def discussion_rename(
    repo_id: RepoIdArg,
    num: DiscussionNumArg,
    new_title: Annotated[str, Argument(help="The new title.")],
    repo_type: RepoTypeOpt = RepoType.model,
    token: TokenOpt = None,
) -> None:
    """Rename a discussion or pull request."""
    get_hf_api(token=token).rename_discussion(
        repo_id=repo_id, discussion_num=num, new_title=new_title, repo_type=repo_type.value
    )
    out.result(f"Renamed #{num} in {repo_id}", num=num, repo=repo_id, title=new_title)


@discussions_cli.command(
    "merge",
    examples=[
        "hf discussions merge username/my-model 5",
        'hf discussions merge username/my-model 5 --comment "Merging, thanks!"',
    ],
)
def discussion_merge(
    repo_id: RepoIdArg,
    num: DiscussionNumArg,
    comment: Annotated[str | None, Option("--comment", help="An optional comment to post when merging.")] = None,
    yes: _YesOpt = False,
    repo_type: RepoTypeOpt = RepoType.model,
    token: TokenOpt = None,
) -> None:
    """Merge a pull request."""
    out.confirm(f"Merge #{num} on '{repo_id}'?", yes=yes)
    get_hf_api(token=token).merge_pull_request(
        repo_id=repo_id, discussion_num=num, comment=comment, repo_type=repo_type.value
    )
    out.result(f"Merged #{num} in {repo_id}", num=num, repo=repo_id)


@discussions_cli.command("diff", examples=["hf discussions diff username/my-model 5"])
def discussion_diff(
    repo_id: RepoIdArg,
    num: DiscussionNumArg,
    repo_type: RepoTypeOpt = RepoType.model,
    token: TokenOpt = None,
) -> None:
    """Show the diff of a pull request."""
    details = get_hf_api(token=token).get_discussion_details(
        repo_id=repo_id, discussion_num=num, repo_type=repo_type.value
    )
    out.text(details.diff or "No diff available.")
