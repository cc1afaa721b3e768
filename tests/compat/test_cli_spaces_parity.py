"""`hf spaces` runtime commands print what upstream's `hf` 1.29 prints, run against the same local Hub.

Help pages are compared as they are. Commands run on a Space of their own per side (`o-space` for ours, `u-space` for
upstream's), in the same order, and the names and timestamps are aligned before comparing.
"""

import re
import sys
from pathlib import Path

import pytest

from huggingface_hub import HfApi
from huggingface_hub.local_hub import LocalHub
from tests.e2e._cli_runner import Run, run_cli

pytestmark = pytest.mark.compat

HELP_PAGES = [
    ["spaces", "templates", "--help"],
    ["spaces", "search", "--help"],
    ["spaces", "wait", "--help"],
    ["spaces", "dev-mode", "--help"],
    ["spaces", "ssh", "--help"],
    ["spaces", "pause", "--help"],
    ["spaces", "restart", "--help"],
    ["spaces", "hardware", "--help"],
    ["spaces", "settings", "--help"],
    ["spaces", "logs", "--help"],
    ["spaces", "volumes", "--help"],
    ["spaces", "volumes", "ls", "--help"],
    ["spaces", "volumes", "set", "--help"],
    ["spaces", "volumes", "delete", "--help"],
    ["spaces", "secrets", "--help"],
    ["spaces", "secrets", "ls", "--help"],
    ["spaces", "secrets", "add", "--help"],
    ["spaces", "secrets", "delete", "--help"],
    ["spaces", "variables", "--help"],
    ["spaces", "variables", "ls", "--help"],
    ["spaces", "variables", "add", "--help"],
    ["spaces", "variables", "delete", "--help"],
]

READ_ONLY = [
    ["spaces", "hardware"],
    ["spaces", "hardware", "--json"],
    ["spaces", "hardware", "-q"],
    ["spaces", "templates"],
    ["spaces", "search", "demo"],
    ["spaces", "pause", "alice/nope"],
    ["spaces", "logs", "alice/nope"],
]

# `@` stands for `o` in our run and `u` in upstream's.
MUTATING = [
    ["spaces", "logs", "alice/@-space"],
    ["spaces", "settings", "alice/@-space"],
    ["spaces", "settings", "alice/@-space", "--hardware", "t4-small", "--sleep-time", "600"],
    ["spaces", "settings", "alice/@-space", "--sleep-time", "-1", "--json"],
    ["spaces", "settings", "alice/@-space", "--hardware", "t4-huge"],
    ["spaces", "settings", "alice/@-space", "--hardware", "cpu-basic", "--sleep-time", "60"],
    ["spaces", "pause", "alice/@-space"],
    ["spaces", "restart", "alice/@-space", "--factory-reboot"],
    ["spaces", "restart", "alice/@-space", "--format", "agent"],
    ["spaces", "wait", "alice/@-space"],
    ["spaces", "wait", "alice/@-space", "--timeout", "10s", "--json"],
    ["spaces", "dev-mode", "alice/@-space"],
    ["spaces", "ssh", "alice/@-space", "--dry-run"],
    ["spaces", "dev-mode", "alice/@-space", "--stop"],
    ["spaces", "ssh", "alice/@-space", "--dry-run"],
    ["spaces", "secrets", "add", "alice/@-space"],
    ["spaces", "secrets", "add", "alice/@-space", "-s", "API_KEY=x", "-s", "OTHER=y"],
    ["spaces", "secrets", "ls", "alice/@-space"],
    ["spaces", "secrets", "ls", "alice/@-space", "--json"],
    ["spaces", "secrets", "delete", "alice/@-space", "OTHER"],
    ["spaces", "secrets", "delete", "alice/@-space", "OTHER", "-y"],
    ["spaces", "secrets", "ls", "alice/@-space", "-q"],
    ["spaces", "variables", "add", "alice/@-space", "-e", "MODE=prod", "-e", "DEBUG=1"],
    ["spaces", "variables", "ls", "alice/@-space"],
    ["spaces", "variables", "ls", "alice/@-space", "--format", "agent"],
    ["spaces", "variables", "delete", "alice/@-space", "DEBUG", "--yes"],
    ["spaces", "variables", "ls", "alice/@-space", "--json"],
    ["spaces", "volumes", "ls", "alice/@-space"],
    ["spaces", "volumes", "set", "alice/@-space"],
    ["spaces", "volumes", "set", "alice/@-space", "-v", "hf://datasets/alice/data:/data", "-v", "hf://alice/m:/m"],
    ["spaces", "volumes", "ls", "alice/@-space"],
    ["spaces", "volumes", "ls", "alice/@-space", "--json"],
    ["spaces", "volumes", "delete", "alice/@-space"],
    ["spaces", "volumes", "delete", "alice/@-space", "-y"],
    ["spaces", "volumes", "delete", "alice/@-space", "-y"],
    ["spaces", "logs", "alice/@-space"],
    ["spaces", "logs", "alice/@-space", "-n", "2"],
    ["spaces", "logs", "alice/@-space", "--build"],
    ["spaces", "logs", "alice/@-space", "-f", "-n", "2"],
    ["spaces", "logs", "alice/@-space", "--json"],
]

_WARNING = re.compile(r"^\S+\.py:\d+: (\w+Warning): (.*)\n(?:  .*\n)?", re.MULTILINE)
_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    with LocalHub(tmp_path_factory.mktemp("hub")) as hub:
        token = hub.create_user("alice")
        api = HfApi(endpoint=hub.endpoint, token=token)
        for side in "ou":
            api.create_repo(f"alice/{side}-space", repo_type="space", space_sdk="gradio")
            api.upload_file(
                path_or_fileobj=b"import gradio\n",
                path_in_repo="app.py",
                repo_id=f"alice/{side}-space",
                repo_type="space",
            )
        yield hub, token


def _normalised(run: Run) -> Run:
    def clean(text: str) -> str:
        text = re.sub(r"Request ID: [0-9A-Za-z-]+", "Request ID: <id>", text)
        text = _TIME.sub("<time>", text)
        text = _WARNING.sub(r"<file>: \1: \2\n", text)  # where the warning is raised differs
        return text.replace(sys.executable, "<python>")

    return Run(run.returncode, clean(run.stdout), clean(run.stderr))


def _both(hub, upstream_python: Path, tmp_path: Path, ours_args: list[str], theirs_args: list[str]) -> None:
    local_hub, token = hub
    ours = _normalised(run_cli(local_hub.endpoint, token, tmp_path / "ours", *ours_args))
    theirs = _normalised(run_cli(local_hub.endpoint, token, tmp_path / "up", *theirs_args, python=upstream_python))
    for field in ("stdout", "stderr"):  # upstream's Space reads as ours for the comparison
        setattr(theirs, field, re.sub(r"\bu-space", "o-space", getattr(theirs, field)))
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr), ours_args


@pytest.mark.parametrize("args", HELP_PAGES, ids=" ".join)
def test_help_pages(hub, upstream_python: Path, tmp_path: Path, args: list[str]) -> None:
    _both(hub, upstream_python, tmp_path, args, args)


def test_group_help_is_upstreams(hub, upstream_python: Path, tmp_path: Path) -> None:
    """Every upstream command is here, so the group's help page is byte-equal, column widths included."""
    _both(hub, upstream_python, tmp_path, ["spaces", "--help"], ["spaces", "--help"])


def test_read_only_commands(hub, upstream_python: Path, tmp_path: Path) -> None:
    for args in READ_ONLY:
        _both(hub, upstream_python, tmp_path, args, args)


def test_commands_that_change_the_hub(hub, upstream_python: Path, tmp_path: Path) -> None:
    for args in MUTATING:
        ours = [arg.replace("@", "o") for arg in args]
        theirs = [arg.replace("@", "u") for arg in args]
        _both(hub, upstream_python, tmp_path, ours, theirs)
