"""``hf upload-large-folder`` (deprecated): a resumable upload of a folder in many commits.

A thin front of ``HfApi.upload_large_folder`` (see ``_upload_large_folder``). It prints the deprecation warning
with the equivalent ``hf upload`` command instead of the API's ``FutureWarning``.
"""

import os
import warnings
from typing import Annotated

import click

from huggingface_hub import logging
from huggingface_hub.utils import disable_progress_bars

from ._cli_utils import RepoIdArg, RepoType, RepoTypeOpt, RevisionOpt, TokenOpt, get_hf_api
from ._framework import Argument, Option
from ._output import out
from ._repo_options import PrivateOpt

logger = logging.get_logger(__name__)

UPLOAD_LARGE_FOLDER_EXAMPLES = [
    "hf upload-large-folder Wauplin/my-cool-model ./large_model_dir",
    "hf upload-large-folder Wauplin/my-cool-model ./large_model_dir --revision v1.0",
]


def upload_large_folder(
    repo_id: RepoIdArg,
    local_path: Annotated[str, Argument(help="Local path to the folder to upload.")],
    repo_type: RepoTypeOpt = RepoType.model,
    revision: RevisionOpt = None,
    private: PrivateOpt = None,
    include: Annotated[list[str] | None, Option(help="Glob patterns to match files to upload.")] = None,
    exclude: Annotated[list[str] | None, Option(help="Glob patterns to exclude from files to upload.")] = None,
    token: TokenOpt = None,
    num_workers: Annotated[
        int | None, Option(help="Number of workers to use to hash, upload and commit files.")
    ] = None,
    no_report: Annotated[bool, Option(help="Whether to disable regular status report.")] = False,
    no_bars: Annotated[bool, Option(help="Whether to disable progress bars.")] = False,
) -> None:
    """[Deprecated] Upload a large folder to the Hub. Use `hf upload` instead."""
    if not os.path.isdir(local_path):
        raise click.BadParameter("Large upload is only supported for folders.", param_hint="local_path")

    # The same upload with `hf upload`, for the deprecation message.
    equivalent = [f"hf upload {repo_id} '{local_path}' --repo-type {repo_type.value}"]
    if revision is not None:
        equivalent.append(f"--revision '{revision}'")
    if private:
        equivalent.append("--private")
    equivalent += [f"--include '{pattern}'" for pattern in include or []]
    equivalent += [f"--exclude '{pattern}'" for pattern in exclude or []]
    rule = "=" * 80
    out.warning(
        f"\n{rule}\n"
        "`hf upload-large-folder` is DEPRECATED and will be removed in a future release.\n"
        "\n"
        "Use `hf upload` instead:\n"
        "\n"
        f"    {' '.join(equivalent)}\n"
        f"{rule}"
    )

    if no_bars:
        disable_progress_bars()
    api = get_hf_api(token=token)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # the warning above already says it
        api.upload_large_folder(
            repo_id=repo_id,
            folder_path=local_path,
            repo_type=repo_type.value,
            revision=revision,
            private=private,
            allow_patterns=include,
            ignore_patterns=exclude,
            num_workers=num_workers,
            print_report=not no_report,
        )
