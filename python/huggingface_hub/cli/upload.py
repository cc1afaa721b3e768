"""``hf upload``: a file or a folder to a repository (created if missing), in one call or every few minutes.

A file goes through ``upload_file``; a folder through ``upload_folder`` (patterns, deletions, several commits for
large folders); with ``--every``, a ``CommitScheduler`` pushes it periodically until Ctrl-C. The local path and the
path in the repository default from each other (see ``_resolve_upload_paths``).
"""

import os
import time
import warnings
from typing import TYPE_CHECKING, Annotated

import click

from huggingface_hub import constants, logging
from huggingface_hub._commit_scheduler import CommitScheduler
from huggingface_hub.errors import CLIError, RevisionNotFoundError  # noqa: F401  (upstream's module exposes it)
from huggingface_hub.utils import parse_hf_uri

from ._cli_utils import RepoIdArg, RepoType, RepoTypeOptionalOpt, RevisionOpt, TokenOpt, get_hf_api
from ._framework import Argument, Option
from ._output import out

if TYPE_CHECKING:
    from huggingface_hub.hf_api import HfApi

logger = logging.get_logger(__name__)

UPLOAD_EXAMPLES = [
    "hf upload my-cool-model . .",
    "hf upload Wauplin/my-cool-model ./models/model.safetensors",
    "hf upload Wauplin/my-cool-dataset ./data /train --repo-type=dataset",
    'hf upload Wauplin/my-cool-model ./models . --commit-message="Epoch 34/50" --commit-description="Val accuracy: 68%"',
    "hf upload bigcode/the-stack . . --repo-type dataset --create-pr",
]

PrivateOpt = Annotated[
    bool | None,
    Option(
        help="Whether to create a private repo if repo doesn't exist on the Hub. Ignored if the repo already exists.",
    ),
]


def upload(
    repo_id: RepoIdArg,
    local_path: Annotated[
        str | None,
        Argument(
            help="Local path to the file or folder to upload. Wildcard patterns are supported. Defaults to current"
            " directory.",
        ),
    ] = None,
    path_in_repo: Annotated[
        str | None,
        Argument(help="Path of the file or folder in the repo. Defaults to the relative path of the file or folder."),
    ] = None,
    repo_type: RepoTypeOptionalOpt = None,
    revision: RevisionOpt = None,
    private: PrivateOpt = None,
    include: Annotated[list[str] | None, Option(help="Glob patterns to match files to upload.")] = None,
    exclude: Annotated[list[str] | None, Option(help="Glob patterns to exclude from files to upload.")] = None,
    delete: Annotated[
        list[str] | None, Option(help="Glob patterns for file to be deleted from the repo while committing.")
    ] = None,
    commit_message: Annotated[
        str | None, Option(help="The summary / title / first line of the generated commit.")
    ] = None,
    commit_description: Annotated[str | None, Option(help="The description of the generated commit.")] = None,
    create_pr: Annotated[bool, Option(help="Whether to upload content as a new Pull Request.")] = False,
    every: Annotated[
        float | None,
        Option(help="If set, a background job is scheduled to create commits every `every` minutes."),
    ] = None,
    token: TokenOpt = None,
) -> None:
    """Upload a file or a folder to the Hub. Recommended for single-commit uploads."""
    if every is not None and every <= 0:
        raise click.BadParameter("--every must be a positive value", param_hint="every")
    # An `hf://` URI names the repository type, the revision and possibly the path in the repository: options saying
    # the same are refused. Decided on the prefix, so that a malformed URI fails with `HfUriError` right here.
    if repo_id.startswith(constants.HF_PROTOCOL):
        if repo_type is not None:
            raise CLIError(f"'--repo-type' cannot be used with an 'hf://' URI ('{repo_id}').")
        if revision is not None:
            raise CLIError(f"'--revision' cannot be used with an 'hf://' URI ('{repo_id}').")
        uri = parse_hf_uri(repo_id)
        if uri.is_bucket:
            raise CLIError("Buckets are not supported by `hf upload`. Use `hf sync` instead.")
        repo_id, repo_type_str, revision = uri.id, uri.type, uri.revision
        if uri.path_in_repo:
            if path_in_repo is not None:
                raise CLIError(
                    f"Cannot combine a path in the hf:// URI ('{uri.path_in_repo}') with the `path_in_repo` argument"
                    f" ('{path_in_repo}')."
                )
            path_in_repo = uri.path_in_repo
    else:
        repo_type_str = (repo_type or RepoType.model).value
    api = get_hf_api(token=token)

    resolved_local_path, resolved_path_in_repo, resolved_include = _resolve_upload_paths(
        repo_id=repo_id, local_path=local_path, path_in_repo=path_in_repo, include=include
    )
    is_file = os.path.isfile(resolved_local_path)
    if is_file:
        if resolved_include:
            warnings.warn("Ignoring --include since a single file is uploaded.", stacklevel=1)
        if exclude:
            warnings.warn("Ignoring --exclude since a single file is uploaded.", stacklevel=1)
        if delete:
            warnings.warn("Ignoring --delete since a single file is uploaded.", stacklevel=1)

    if every is not None:
        stopped = _schedule_commits(
            api, repo_id, repo_type_str, revision, private, every, resolved_local_path, resolved_path_in_repo,
            resolved_include, exclude, delete,
        )  # fmt: skip
        out.result("Uploaded", url=stopped)
        return

    if not is_file and not os.path.isdir(resolved_local_path):
        raise FileNotFoundError(f"No such file or directory: '{resolved_local_path}'.")

    created = api.create_repo(
        repo_id,
        repo_type=repo_type_str,
        exist_ok=True,
        private=private,
        space_sdk="gradio" if repo_type_str == "space" else None,  # a Space needs an SDK: Gradio unless said otherwise
    ).repo_id
    if revision is not None and not create_pr:
        api.create_branch(created, repo_type=repo_type_str, branch=revision, exist_ok=True)

    if is_file:
        result = api.upload_file(
            path_or_fileobj=resolved_local_path,
            path_in_repo=resolved_path_in_repo,
            repo_id=created,
            repo_type=repo_type_str,
            revision=revision,
            commit_message=commit_message,
            commit_description=commit_description,
            create_pr=create_pr,
        )
    else:
        result = api.upload_folder(
            folder_path=resolved_local_path,
            path_in_repo=resolved_path_in_repo,
            repo_id=created,
            repo_type=repo_type_str,
            revision=revision,
            commit_message=commit_message,
            commit_description=commit_description,
            create_pr=create_pr,
            allow_patterns=resolved_include,
            ignore_patterns=exclude,
            delete_patterns=delete,
        )
    out.result("Uploaded", url=result)


def _schedule_commits(
    api: "HfApi",
    repo_id: str,
    repo_type: str,
    revision: str | None,
    private: bool | None,
    every: float,
    local_path: str,
    path_in_repo: str,
    include: list[str] | None,
    exclude: list[str] | None,
    delete: list[str] | None,
) -> str:
    """Push `local_path` every `every` minutes until Ctrl-C."""
    allow_patterns: list[str] | None
    ignore_patterns: list[str] | None
    if os.path.isfile(local_path):
        # The scheduler watches folders: watch the file's folder, for that file only. It keeps the local file name,
        # so only the folder part of `path_in_repo` can be honoured.
        folder_path = os.path.dirname(local_path)
        filename = os.path.basename(local_path)
        folder_in_repo, _, destination_name = path_in_repo.rpartition("/")
        if destination_name not in ("", ".", filename):
            out.warning(
                f"Scheduled uploads keep the local file name, so the file will be uploaded as"
                f" '{(folder_in_repo + '/' if folder_in_repo else '') + filename}' rather than '{path_in_repo}'."
                " Rename the local file to upload it under a different name."
            )
        allow_patterns, ignore_patterns = [filename], []
    else:
        folder_path, folder_in_repo = local_path, path_in_repo
        allow_patterns, ignore_patterns = include, exclude
        if delete:
            warnings.warn("Ignoring --delete when uploading with scheduled commits.", stacklevel=1)

    scheduler = CommitScheduler(
        folder_path=folder_path,
        repo_id=repo_id,
        repo_type=repo_type,
        revision=revision,
        allow_patterns=allow_patterns,
        ignore_patterns=ignore_patterns,
        path_in_repo=folder_in_repo,
        private=private,
        every=every,
        hf_api=api,
    )
    out.text(f"Scheduling commits every {every} minutes to {scheduler.repo_id}.")
    try:
        while True:
            time.sleep(100)
    except KeyboardInterrupt:
        scheduler.stop()
        return "Stopped scheduled commits."


def _resolve_upload_paths(
    *, repo_id: str, local_path: str | None, path_in_repo: str | None, include: list[str] | None
) -> tuple[str, str, list[str] | None]:
    """`(local path, path in repo, include patterns)` from what the user gave.

    - a wildcard local path uploads the matching files of the current folder to the repository root;
    - no local path: `./<repo name>` must exist (a file keeps its name, a folder goes to the root);
    - a local file defaults to its base name in the repository, a local folder to the root.
    """
    repo_name = repo_id.split("/")[-1]
    if local_path is not None and any(c in local_path for c in ["*", "?", "["]):
        if include is not None:
            raise ValueError("Cannot set --include when local_path contains a wildcard.")
        if path_in_repo is not None and path_in_repo != ".":
            raise ValueError("Cannot set path_in_repo when local_path contains a wildcard.")
        return ".", ".", [local_path]
    if local_path is None and os.path.isfile(repo_name):
        return repo_name, repo_name, include
    if local_path is None and os.path.isdir(repo_name):
        return repo_name, ".", include
    if local_path is None:
        raise ValueError(f"'{repo_name}' is not a local file or folder. Please set local_path explicitly.")
    if path_in_repo is None and os.path.isfile(local_path):
        return local_path, os.path.basename(local_path), include
    if path_in_repo is None:
        return local_path, ".", include
    return local_path, path_in_repo, include
