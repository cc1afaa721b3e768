"""`hf repos list|ls` prints what upstream's `hf` 1.29 prints, run against the same local Hub."""

import re
import sys
from pathlib import Path

import pytest

from huggingface_hub.local_hub import LocalHub
from tests.e2e._cli_runner import Run, run_cli
from tests.e2e._seed import commit, create_repo

pytestmark = pytest.mark.compat

COMMANDS = [
    ["repos", "ls"],
    ["repos", "list", "-q"],
    ["repos", "ls", "--type", "dataset"],
    ["repos", "ls", "--repo-type", "model", "--format", "json"],
    ["repos", "ls", "--type", "bucket"],
    ["repos", "ls", "--type", "nope"],
    ["repos", "ls", "--search", "WEIGHT"],
    ["repos", "ls", "--limit", "1"],
    ["repos", "ls", "--limit", "0", "--format", "agent"],
    ["repos", "ls", "--namespace", "acme"],
    ["repos", "ls", "--namespace", "nobody"],
    ["repos", "ls", "--namespace", "other"],
    ["repos", "ls", "--help"],
    # `--explore` draws only in a terminal (tests/e2e/test_cli_repos_explore.py drives one): elsewhere it says so.
    ["repos", "ls", "--explore"],
    ["repos", "ls", "--explore", "--namespace", "other"],
    ["repos", "ls", "--explore", "--json"],
    ["repos", "ls", "--explore", "-q"],
    ["repos", "ls", "--explore", "--format", "agent"],
]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    with LocalHub(tmp_path_factory.mktemp("hub")) as hub:
        token = hub.create_user("alice")
        hub.create_org("acme", ["alice"])
        hub.create_org("other", [])
        create_repo(hub.endpoint, token, "alice/weights")
        commit(hub.endpoint, token, "alice/weights", files={"a.txt": b"a" * 1500}, lfs={"w.bin": b"w" * 123456})
        create_repo(hub.endpoint, token, "alice/corpus", repo_type="dataset", private=True)
        create_repo(hub.endpoint, token, "alice/tiny")
        create_repo(hub.endpoint, token, "acme/shared")
        yield hub, token


def _clean(run: Run) -> tuple[int, str, str]:
    def clean(text: str) -> str:
        return re.sub(r"Request ID: [0-9A-Za-z-]+", "Request ID: <id>", text).replace(sys.executable, "<python>")

    return run.returncode, clean(run.stdout), clean(run.stderr)


def test_same_output_as_upstream(hub, upstream_python: Path, tmp_path: Path) -> None:
    local_hub, token = hub
    for args in COMMANDS:
        ours = run_cli(local_hub.endpoint, token, tmp_path / "ours", *args)
        theirs = run_cli(local_hub.endpoint, token, tmp_path / "up", *args, python=upstream_python)
        assert _clean(ours) == _clean(theirs), args
    # Meaningful: the table lists the repositories with their storage.
    run = run_cli(local_hub.endpoint, token, tmp_path / "ours", "repos", "ls")
    assert "alice/weights" in run.stdout and "126.5 KB" in run.stdout


def test_anonymous_is_refused_like_upstream(hub, upstream_python: Path, tmp_path: Path) -> None:
    local_hub, _ = hub
    ours = run_cli(local_hub.endpoint, None, tmp_path / "ours", "repos", "ls")
    theirs = run_cli(local_hub.endpoint, None, tmp_path / "up", "repos", "ls", python=upstream_python)
    assert ours.returncode != 0
    assert _clean(ours) == _clean(theirs)
