"""The ``hf`` command: the root group, where every command module is mounted, and ``main()``.

Adding a command group: write ``cli/<topic>.py`` with ``<topic>_cli = typer_factory(help=...)`` and its
commands, then mount it below with ``app.add_group(<topic>_cli, name="<topic>")`` (aliases:
``name="repos | repo"``). A single top-level command is registered with ``app.command(...)(func)``.
"""

import os
import sys
import traceback
from typing import Annotated

import click

from huggingface_hub import __version__, constants
from huggingface_hub.utils import logging

from ._cli_utils import check_cli_update, typer_factory
from ._completion import COMPLETE_VAR, InstallCompletionOpt, ShowCompletionOpt
from ._errors import format_known_exception
from ._framework import Option
from ._output import out
from .auth import auth_cli
from .cache import cache_cli
from .collections import collections_cli
from .datasets import datasets_cli
from .discussions import discussions_cli
from .download import DOWNLOAD_EXAMPLES, download
from .lfs import lfs_enable_largefiles, lfs_multipart_upload
from .models import models_cli
from .repo_files import repo_files_cli
from .repos import repos_cli
from .serve import serve
from .spaces import spaces_cli
from .system import env, version
from .upload import UPLOAD_EXAMPLES, upload
from .upload_large_folder import UPLOAD_LARGE_FOLDER_EXAMPLES, upload_large_folder

app = typer_factory(help="Hugging Face Hub CLI")


def _print_version(requested: bool) -> None:
    if requested:
        print(__version__)
        raise click.exceptions.Exit()


@app.group_callback(invoke_without_command=True)
def app_callback(
    version: Annotated[
        bool | None, Option("-v", "--version", callback=_print_version, is_eager=True, hidden=True)
    ] = None,
    install_completion: InstallCompletionOpt = False,
    show_completion: ShowCompletionOpt = False,
) -> None:
    pass


# Top-level commands.
app.command(examples=DOWNLOAD_EXAMPLES)(download)
app.command(examples=UPLOAD_EXAMPLES)(upload)
app.command(examples=UPLOAD_LARGE_FOLDER_EXAMPLES)(upload_large_folder)
app.command(topic="help")(env)
app.command(topic="help")(version)
app.command(hidden=True)(lfs_enable_largefiles)
app.command(hidden=True)(lfs_multipart_upload)
app.command(
    examples=[
        "hf serve",
        "hf serve ./hub-data --port 8080 --user alice:hf_alice_token",
        "hf serve /tmp/hub --user alice:hf_a --user bob --org acme:alice,bob",
    ]
)(serve)

# Command groups.
app.add_group(auth_cli, name="auth")
app.add_group(cache_cli, name="cache")
app.add_group(collections_cli, name="collections")
app.add_group(datasets_cli, name="datasets")
app.add_group(discussions_cli, name="discussions")
app.add_group(models_cli, name="models")
app.add_group(repos_cli, name="repos | repo")
app.add_group(repo_files_cli, name="repo-files", hidden=True)
app.add_group(spaces_cli, name="spaces")


def main() -> None:
    """Entry point of the ``hf`` console script."""
    # A completion request must answer fast and print nothing but candidates: no startup work.
    if COMPLETE_VAR not in os.environ:
        if not constants.HF_DEBUG:
            logging.set_verbosity_info()  # library messages (login, logout...) are part of the CLI output
        check_cli_update("huggingface_hub")

    try:
        app()
    except Exception as error:
        message = format_known_exception(error)
        if message is None:
            raise  # unexpected: the traceback is the most useful report
        out.error(message)
        if constants.HF_DEBUG:
            traceback.print_exc()
        else:
            out.hint("set HF_DEBUG=1 as environment variable for full traceback.")
        sys.exit(1)


if __name__ == "__main__":
    main()
