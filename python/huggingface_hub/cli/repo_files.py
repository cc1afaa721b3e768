"""``hf repo-files delete`` (deprecated, hidden): the former name of ``hf repos delete-files``."""

from typing import Annotated

from ._cli_utils import (  # noqa: F401  (get_hf_api: upstream's module exposes it)
    RepoIdArg,
    RepoType,
    RepoTypeOpt,
    RevisionOpt,
    TokenOpt,
    get_hf_api,
    typer_factory,
)
from ._framework import Argument, Option
from ._output import out
from .repos import repo_delete_files

repo_files_cli = typer_factory(
    help="(Deprecated) Manage files in a repo on the Hub. Use `hf repos delete-files` instead."
)


@repo_files_cli.command("delete")
def repo_files_delete(
    repo_id: RepoIdArg,
    patterns: Annotated[
        list[str],
        Argument(help="Glob patterns to match files to delete. Based on fnmatch, '*' matches files recursively."),
    ],
    repo_type: RepoTypeOpt = RepoType.model,
    revision: RevisionOpt = None,
    commit_message: Annotated[
        str | None, Option(help="The summary / title / first line of the generated commit.")
    ] = None,
    commit_description: Annotated[str | None, Option(help="The description of the generated commit.")] = None,
    create_pr: Annotated[bool, Option(help="Whether to create a new Pull Request for these changes.")] = False,
    token: TokenOpt = None,
) -> None:
    out.warning("`hf repo-files delete` is deprecated. Use `hf repos delete-files` instead.")
    repo_delete_files(
        repo_id=repo_id,
        patterns=patterns,
        repo_type=repo_type,
        revision=revision,
        commit_message=commit_message,
        commit_description=commit_description,
        create_pr=create_pr,
        token=token,
    )
