"""``hf spaces hot-reload``: patch one Python file of a running Gradio Space without rebuilding it.

The new file is committed with ``hot_reload=1``: instead of rebuilding the Space, the Hub hands the file to the
reload server of each replica of the running app and records the request in the Space's runtime
(``hotReloading``). The command then follows what every replica did with it (``_hot_reload.client``) and prints
one line per event. The file comes from ``--local-file``, or is fetched from the Space and opened in an editor.
(Registered on ``hf spaces`` by ``cli.spaces``, which also exposes these names, as upstream's module does.)
"""

import functools
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Literal

import click
from packaging import version

from huggingface_hub._hot_reload.client import multi_replica_reload_events
from huggingface_hub._hot_reload.types import ApiGetReloadEventSourceData, ReloadRegion
from huggingface_hub.errors import CLIError, RemoteEntryNotFoundError, RepositoryNotFoundError
from huggingface_hub.file_download import hf_hub_download
from huggingface_hub.hf_api import HfApi
from huggingface_hub.utils import disable_progress_bars

from ._cli_utils import TokenOpt, get_hf_api
from ._framework import Argument, Option

HOT_RELOADING_MIN_GRADIO = "6.1.0"

# Editors tried in this order when none is configured: (executable looked up on PATH, command to run).
PREFERRED_EDITORS = (
    ("code", "code --wait"),
    ("nvim", "nvim"),
    ("nano", "nano"),
    ("vim", "vim"),
    ("vi", "vi"),
)

HOT_RELOAD_EXAMPLES = [
    "hf spaces hot-reload username/repo-name app.py     # Open an interactive editor to the remote app.py file",
    "hf spaces hot-reload username/repo-name -f app.py  # Take local version from ./app.py and patch app.py remotely",
    "hf spaces hot-reload username/repo-name app.py -f src/app.py # Take local version from ./src/app.py",
]


def spaces_hot_reload(
    space_id: Annotated[str, Argument(help="The space ID (e.g. `username/repo-name`).")],
    filename: Annotated[
        str | None,
        Argument(
            help="Path to the Python file in the Space repository. Can be omitted when --local-file is specified and"
            " path in repository matches."
        ),
    ] = None,
    local_file: Annotated[
        Path | None,
        Option("--local-file", "-f", help="Path of local file. Interactive editor mode if not specified"),
    ] = None,
    skip_checks: Annotated[bool, Option(help="Skip hot-reload compatibility checks.")] = False,
    skip_summary: Annotated[bool, Option(help="Skip summary display after hot-reload is triggered")] = False,
    token: TokenOpt = None,
) -> None:
    """
    Hot-reload any Python file of a Space without a full rebuild + restart.

    ⚠ This feature is experimental ⚠

    Only works with Gradio SDK (6.1+)
    Opens an interactive editor unless --local-file/-f is specified.

    This command patches the live Python process using https://github.com/breuleux/jurigged
    (AST-based diffing, in-place function updates, etc.), integrated with Gradio's native hot-reload support
    (meaning that Gradio demo object changes are reflected in the UI)

    The command creates a remote commit.
    If you are working from a local clone, run `git pull --autostash` afterwards
    to bring the commit back and keep your local git state in sync.
    """
    click.secho("This feature is experimental and subject to change", fg="bright_black")
    api = get_hf_api(token=token)
    running_sha = None if skip_checks else _check_space(api, space_id)

    if local_file is not None:
        local_path = str(local_file)
        path_in_repo = filename if filename is not None else local_file.as_posix()
    elif filename is not None:
        path_in_repo = filename
        workdir = tempfile.TemporaryDirectory()  # lives until the command ends: the upload reads from it
        edited = _edit_remote_file(api, space_id, filename, workdir.name, check_access=not skip_checks)
        if edited is None:
            return
        local_path = edited
    else:
        raise CLIError("Either filename or --local-file/-f must be specified")

    commit = api.upload_file(
        repo_type="space",
        repo_id=space_id,
        path_or_fileobj=local_path,
        path_in_repo=path_in_repo,
        parent_commit=running_sha,  # the commit must apply to the code that runs
        _hot_reload=True,
    )
    if local_file is not None and local_file.resolve().is_relative_to(Path.cwd()):
        click.secho(f"Created commit {commit.oid} in remote Space repository.")
        click.secho("Consider running `git pull --autostash` to stay synced if you are working from a local clone.")
    if not skip_summary:
        click.secho("Hot-reload summary:")
        _spaces_hot_reload_summary(
            api=api,
            space_id=space_id,
            current_sha=running_sha,
            commit_sha=commit.oid,
            filename=path_in_repo,
            local_path=local_path if local_file is not None else path_in_repo,
            token=token,
        )


def _check_space(api: HfApi, space_id: str) -> str:
    """Refuse Spaces that cannot hot-reload; returns the sha of the code that runs."""
    info = api.space_info(space_id)
    if info.sdk != "gradio":
        raise CLIError(f"Hot-reloading is only available on Gradio SDK. Found {info.sdk} SDK")
    if info.card_data is None:
        raise CLIError(f"Unable to read cardData for Space {space_id}")
    sdk_version = info.card_data.sdk_version
    if sdk_version is None:
        raise CLIError(f"Unable to read sdk_version from {space_id} cardData")
    if version.parse(sdk_version) < version.Version(HOT_RELOADING_MIN_GRADIO):
        raise CLIError(f"Hot-reloading requires Gradio >= {HOT_RELOADING_MIN_GRADIO} (found {sdk_version})")
    if info.sha is None:
        raise CLIError(f"Unexpected `None` running SHA for Space {space_id}")
    return info.sha


def _edit_remote_file(api: HfApi, space_id: str, filename: str, workdir: str, *, check_access: bool) -> str | None:
    """Fetch `filename` (if it exists) into `workdir` and open it in an editor; returns its path.

    Without a terminal, the file is left in a folder that outlives the command and the way to finish is printed
    instead (`None` returned).
    """
    if check_access:
        try:
            api.auth_check(repo_type="space", repo_id=space_id, write=True)
        except RepositoryNotFoundError as error:
            raise CLIError(
                f"Write access check to {space_id} repository failed. Make sure that you are authenticated"
            ) from error
    local_path = os.path.join(workdir, filename)
    with disable_progress_bars():
        try:
            hf_hub_download(repo_type="space", repo_id=space_id, filename=filename, local_dir=workdir)
        except RemoteEntryNotFoundError:
            click.secho(f"{filename} not found in remote repository. Assuming new file", fg="bright_black")
    outcome = _editor_open(local_path)
    if outcome == "no-tty":
        kept = tempfile.mkdtemp()
        shutil.copytree(workdir, kept, dirs_exist_ok=True)
        kept_path = os.path.join(kept, filename)
        click.secho("No TTY detected. Non-interactive fallback:")
        click.secho(f"- Edit {kept_path}")
        click.secho(f"- Run `hf spaces hot-reload {space_id} {filename} -f {kept_path}`")
        return None
    if outcome == "no-editor":
        raise CLIError("No editor found in local environment. Use -f flag to hot-reload from local path")
    if outcome != 0:
        raise CLIError(f"Editor returned a non-zero exit code while attempting to edit {local_path}")
    return local_path


def _spaces_hot_reload_summary(
    api: HfApi,
    space_id: str,
    current_sha: str | None,
    commit_sha: str,
    filename: str,
    local_path: str,
    token: str | None,
) -> None:
    """Wait until the Space reports the new commit, then print what each replica did with it."""
    info = api.space_info(space_id)
    while current_sha is not None and current_sha != commit_sha and info.sha == current_sha:
        click.secho("Waiting for up-to-date Space infos", fg="bright_black", err=True)
        time.sleep(2)
        info = api.space_info(space_id)
    if info.sha != commit_sha:
        raise CLIError(f"Expected SHA {commit_sha} after hot-reload but got {info.sha}")
    if info.runtime is None:
        raise CLIError(f"Unable to read SpaceRuntime from {space_id} infos")
    hot_reloading = info.runtime.hot_reloading
    if hot_reloading is None:
        raise CLIError(f"Space {space_id} current running version has not been hot-reloaded")
    if hot_reloading.status != "created":
        click.echo(f"Failed creating hot-reloaded commit. {hot_reloading.replica_statuses=}")
        return
    if info.host is None:
        raise CLIError("Unexpected None host on hotReloaded Space")
    if info.subdomain is None:
        raise CLIError("Unexpected None subdomain on hotReloaded Space")

    for item in multi_replica_reload_events(
        commit_sha=commit_sha,
        host=info.host,
        subdomain=info.subdomain,
        replica_hashes=[replica for replica, _ in hot_reloading.replica_statuses],
        token=token,
    ):
        if item["kind"] == "event":
            _print_event(item["event"], filename=filename, local_path=local_path)
        elif item["kind"] == "replicaHash":
            click.secho(f"---- Replica {item['hash']} ----")
        elif item["kind"] == "fullMatch":
            click.echo("✔︎ Same as first replica")
        elif item["kind"] == "warning":
            click.secho(f"⚠ {item['message']}", fg="bright_black")


def _where(region: ReloadRegion, local_path: str) -> str:
    # The reload server's lines are 1-based and its start line is one past the region's first line.
    if region["startLine"] == region["endLine"]:
        return f"{local_path}, line {region['startLine'] - 1}"
    return f"{local_path}, lines {region['startLine'] - 1}-{region['endLine']}"


def _print_event(event: ApiGetReloadEventSourceData, *, filename: str, local_path: str) -> None:
    data = event["data"]
    kind = data["kind"]
    if data["kind"] == "error":
        click.secho("✘ Unexpected hot-reloading error", bold=True)
        click.secho(data["traceback"], italic=True)
    elif data["kind"] == "exception":
        click.secho(f"✘ Exception at {_where(data['region'], local_path)}", bold=True)
        click.secho(data["traceback"], italic=True)
    elif data["kind"] in ("add", "update", "delete"):
        mark, verb = {"add": ("✔︎", "Created"), "update": ("✔︎", "Updated"), "delete": ("∅", "Deleted")}[kind]
        click.secho(f"{mark} {verb} {data['objectName']} {data['objectType']}", bold=True)  # type: ignore[typeddict-item]
    elif data["kind"] == "run":
        click.secho(f"▶ Run {_where(data['region'], local_path)}", bold=True)
        click.secho(data["codeLines"], italic=True)
    elif data["kind"] == "ui":
        click.secho("⟳ UI updated" if data["updated"] else "∅ UI untouched", bold=True)
    elif data["kind"] == "file":
        click.secho(f"✔︎ {filename} {'created' if data['created'] else 'updated'}", bold=True)
    else:  # a kind newer than this client
        click.secho(f"❓ Unknown update event: {event=}")


@functools.cache
def _get_editor_command() -> str | None:
    """The configured editor (`HF_EDITOR`, `VISUAL`, `EDITOR`, in this order), else the first installed one."""
    for variable in ("HF_EDITOR", "VISUAL", "EDITOR"):
        command = os.getenv(variable, "").strip()
        if command:
            return command
    return next((command for binary, command in PREFERRED_EDITORS if shutil.which(binary) is not None), None)


def _editor_open(local_path: str) -> int | Literal["no-tty", "no-editor"]:
    """Edit `local_path` in the user's editor; its exit code, or why no editor could be opened."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return "no-tty"
    command = _get_editor_command()
    if command is None:
        return "no-editor"
    return subprocess.run([*shlex.split(command), local_path], start_new_session=True).returncode
