"""`hf repos|models|datasets|spaces` print what upstream's `hf` 1.29 prints, run against the same local Hub.

Read-only commands run with the same arguments on both sides. Commands that change the Hub work on repositories
of their own per side (`o-...` for ours, `u-...` for upstream's), and the names are aligned before comparing.
"""

import re
import sys
from pathlib import Path

import pytest

from huggingface_hub.local_hub import LocalHub
from tests.e2e._cli_runner import Run, run_cli
from tests.e2e._seed import commit, create_repo

pytestmark = pytest.mark.compat

CARD = b"---\nlicense: mit\npipeline_tag: text-classification\ntags: [foo]\n---\nA model.\n"

HELP_PAGES = [
    ["repos", "create", "--help"],
    ["repos", "duplicate", "--help"],
    ["repos", "delete", "--help"],
    ["repos", "move", "--help"],
    ["repos", "settings", "--help"],
    ["repos", "branch", "--help"],
    ["repos", "branch", "create", "--help"],
    ["repos", "branch", "delete", "--help"],
    ["repos", "tag", "--help"],
    ["repos", "tag", "create", "--help"],
    ["repos", "tag", "list", "--help"],
    ["repos", "tag", "delete", "--help"],
    ["models", "ls", "--help"],
    ["models", "info", "--help"],
    ["datasets", "ls", "--help"],
    ["datasets", "info", "--help"],
    ["spaces", "ls", "--help"],
    ["spaces", "info", "--help"],
    ["repos", "tag", "create"],  # no argument: the help, exit 0
]

READ_ONLY = [
    ["models", "ls", "alice/demo"],
    ["models", "ls", "alice/demo", "-R", "-h"],
    ["models", "ls", "alice/demo", "-R", "--tree"],
    ["models", "ls", "alice/demo", "--tree", "-h", "-q"],
    ["models", "ls", "alice/demo", "--json"],
    ["models", "ls", "alice/demo", "-R", "--format", "agent"],
    ["models", "ls", "alice/demo", "--tree", "--json"],
    ["models", "ls", "alice/demo", "--search", "x"],
    ["models", "ls", "--tree"],
    ["models", "ls", "--warm", "--inference-provider", "groq"],
    ["models", "ls", "alice/nope"],
    ["models", "ls", "alice/demo", "--revision", "nope"],
    ["datasets", "ls", "alice/ds", "-q"],
    ["datasets", "ls", "alice/demo"],
    ["models", "ls"],
    ["models", "ls", "--filter", "foo", "--no-truncate"],
    ["models", "ls", "--author", "alice", "--sort", "created_at", "--json"],
    ["models", "ls", "--expand", "downloads,likes,private", "--format", "agent"],
    ["models", "ls", "--warm"],
    ["models", "ls", "--gated", "-q"],
    ["datasets", "ls"],
    ["datasets", "ls", "--search", "d", "--limit", "1", "-q"],
    ["spaces", "ls"],
    ["models", "info", "alice/demo"],
    ["models", "info", "alice/demo", "--expand", "downloads,likes,tags", "--json"],
    ["models", "info", "alice/demo", "--expand", "bogus"],
    ["models", "info", "alice/demo", "--revision", "nope"],
    ["models", "info", "alice/nope"],
    ["datasets", "info", "alice/ds", "--format", "agent"],
    ["spaces", "info", "alice/ds"],
    ["repos", "tag", "list", "alice/demo"],
    ["repos", "tag", "list", "alice/demo", "--format", "agent"],
    ["repos", "tag", "list", "alice/nope"],
    ["repos", "branch", "delete", "alice/demo", "nope"],
    ["repos", "tag", "delete", "alice/demo", "nope", "-y"],
    ["repos", "tag", "create", "alice/demo", "v1"],  # exists already
    ["repos", "delete", "alice/demo", "--json"],  # no confirmation possible
    ["repos", "delete", "alice/demo"],  # declined (empty stdin)
]

# `@` stands for `o` in our run and `u` in upstream's.
MUTATING = [
    ["repos", "create", "alice/@-m1"],
    ["repos", "create", "alice/@-m1"],
    ["repos", "create", "alice/@-m1", "--exist-ok", "--json"],
    ["repo", "create", "@-m2", "--private", "-q"],
    ["repos", "create", "datasets/alice/@-d1", "--format", "agent"],
    ["repos", "create", "alice/@-s1", "--type", "space"],
    ["repos", "create", "alice/@-s1", "--type", "space", "--sdk", "gradio", "-e", "A=1", "-v", "hf://alice/x:/x"],
    ["repos", "create", "alice/@-s2", "--type", "space", "--sdk", "gradio", "-v", "hf://alice/x"],
    ["repos", "create", "alice/@-m3", "--region", "mars"],
    ["repos", "branch", "create", "alice/@-m1", "dev"],
    ["repos", "branch", "create", "alice/@-m1", "dev"],
    ["repos", "branch", "create", "alice/@-m1", "dev", "--exist-ok", "-q"],
    ["repos", "branch", "delete", "alice/@-m1", "dev", "--json"],
    ["repos", "tag", "create", "alice/@-m1", "v1", "-m", "First"],
    ["repos", "tag", "create", "alice/@-m1", "v1"],
    ["repos", "tag", "create", "alice/@-m1", "v2", "--revision", "nope"],
    ["repos", "tag", "delete", "alice/@-m1", "v1", "-y"],
    ["repos", "settings", "alice/@-m1", "--private", "--gated", "manual"],
    ["models", "info", "alice/@-m1", "--expand", "private,gated", "--json"],
    ["repos", "settings", "alice/@-m1", "--protected"],
    ["repos", "settings", "alice/@-nope", "--public"],
    ["repos", "move", "alice/@-m1", "alice/@-m4"],
    ["repos", "move", "alice/@-m1", "alice/@-m5"],
    ["repos", "duplicate", "alice/@-m4", "alice/@-m6"],
    ["repos", "duplicate", "alice/@-m4", "alice/@-m6"],
    ["repos", "duplicate", "alice/@-nope"],
    ["repos", "delete", "alice/@-m6", "-y"],
    ["repos", "delete", "alice/@-m6", "-y"],
    ["repos", "delete", "alice/@-m6", "-y", "--missing-ok", "--format", "agent"],
]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    with LocalHub(tmp_path_factory.mktemp("hub")) as hub:
        token = hub.create_user("alice")
        create_repo(hub.endpoint, token, "alice/demo")
        commit(
            hub.endpoint,
            token,
            "alice/demo",
            files={"README.md": CARD, "config.json": b"{}", "docs/a.txt": b"a" * 1500, "docs/sub/b.txt": b"bb"},
        )
        create_repo(hub.endpoint, token, "alice/ds", repo_type="dataset")
        create_repo(hub.endpoint, token, "alice/private", private=True)
        run_cli(hub.endpoint, token, tmp_path_factory.mktemp("home"), "repos", "tag", "create", "alice/demo", "v1")
        yield hub, token


def _normalised(run: Run) -> Run:
    def clean(text: str) -> str:
        text = re.sub(r"Request ID: [0-9A-Za-z-]+", "Request ID: <id>", text)
        return text.replace(sys.executable, "<python>")

    return Run(run.returncode, clean(run.stdout), clean(run.stderr))


def _both(hub, upstream_python: Path, tmp_path: Path, ours_args: list[str], theirs_args: list[str]) -> None:
    endpoint, token = hub
    ours = _normalised(run_cli(endpoint.endpoint, token, tmp_path / "ours", *ours_args))
    theirs = _normalised(run_cli(endpoint.endpoint, token, tmp_path / "up", *theirs_args, python=upstream_python))
    # Upstream's names (`u-...`) read as ours for the comparison.
    for field in ("stdout", "stderr"):
        setattr(theirs, field, re.sub(r"(?<=[/' ])u-", "o-", getattr(theirs, field)))
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr), ours_args


@pytest.mark.parametrize("args", HELP_PAGES, ids=" ".join)
def test_help_pages(hub, upstream_python: Path, tmp_path: Path, args: list[str]) -> None:
    _both(hub, upstream_python, tmp_path, args, args)


def test_read_only_commands(hub, upstream_python: Path, tmp_path: Path) -> None:
    for args in READ_ONLY:
        _both(hub, upstream_python, tmp_path, args, args)


def test_commands_that_change_the_hub(hub, upstream_python: Path, tmp_path: Path) -> None:
    for args in MUTATING:
        ours = [arg.replace("@", "o") for arg in args]
        theirs = [arg.replace("@", "u") for arg in args]
        _both(hub, upstream_python, tmp_path, ours, theirs)
