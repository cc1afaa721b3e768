"""The bodies shared by ``hf models|datasets|spaces ls|info|card``.

``ls`` either searches the Hub (no repo id) or lists one repository's files; each use refuses the options of
the other. ``info`` prints one repository's info with upstream's messages for a missing repo or revision.
"""

from collections.abc import Callable
from typing import Any

from huggingface_hub.errors import CLIError, RepositoryNotFoundError, RevisionNotFoundError

from ._file_listing import list_repo_files_cmd
from ._output import out
from ._repo_options import REPO_LIST_DEFAULT_LIMIT, reject_options


def search_options_given(
    *, search: str | None, author: str | None, filter: Any, sort: Any, limit: int, expand: Any
) -> dict[str, bool]:
    """Which of the search options common to every repository kind were given (in upstream's order)."""
    return {
        "--search": search is not None,
        "--author": author is not None,
        "--filter": filter is not None,
        "--sort": sort is not None,
        "--limit": limit != REPO_LIST_DEFAULT_LIMIT,
        "--expand": expand is not None,
    }


def list_files_instead_of_searching(
    repo_id: str,
    repo_type: str,
    search_options: dict[str, bool],
    *,
    human_readable: bool,
    as_tree: bool,
    recursive: bool,
    revision: str | None,
    token: str | None,
) -> None:
    """`ls REPO_ID`: refuse the search options, then list the repository's files."""
    reject_options(search_options, "listing files")
    list_repo_files_cmd(
        repo_id=repo_id,
        repo_type=repo_type,
        human_readable=human_readable,
        as_tree=as_tree,
        recursive=recursive,
        revision=revision,
        token=token,
    )


def refuse_file_options(
    what: str, *, as_tree: bool, recursive: bool, human_readable: bool, revision: str | None
) -> None:
    """`ls` without a repo id searches: the file-listing options make no sense there."""
    reject_options(
        {
            "--tree": as_tree,
            "--recursive": recursive,
            "--human-readable": human_readable,
            "--revision": revision is not None,
        },
        f"listing {what}",
    )


def print_repo_info(label: str, repo_id: str, revision: str | None, fetch: Callable[[], Any]) -> None:
    """`info REPO_ID`: print what `fetch` returns, or upstream's message for a missing repo or revision."""
    try:
        info = fetch()
    except RepositoryNotFoundError as error:
        raise CLIError(f"{label} '{repo_id}' not found.") from error
    except RevisionNotFoundError as error:
        raise CLIError(f"Revision '{revision}' not found on '{repo_id}'.") from error
    out.dict(info)


def print_repo_card(load: Callable[[], Any], group: str, repo_id: str, *, metadata: bool, text: bool) -> None:
    """`card REPO_ID`: the whole card with a hint, its metadata (`--metadata`) or its body (`--text`)."""
    if metadata and text:
        raise CLIError("--metadata and --text are mutually exclusive.")
    card = load()
    if metadata:
        out.dict(card.data.to_dict())
    elif text:
        out.text(card.text)
    else:
        out.text(card.content)
        out.hint(f"Use `hf {group} card {repo_id} --metadata` to extract only the card metadata.")
