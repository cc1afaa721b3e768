"""`hf discussions ...`: ours and upstream's (1.29, in its own virtualenv) run against the same local Hub and must
print the same things, in every output format; the outputs are also checked for what they say."""

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from huggingface_hub import HfApi
from huggingface_hub.local_hub import LocalHub
from tests.e2e._seed import commit, create_repo

pytestmark = pytest.mark.compat

REPO = "alice/talk"
# Request ids are random per request.
_REQUEST_ID = re.compile(r"\(Request ID: [^)]*\)")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Setup:
    hub: LocalHub
    token: str
    home: Path


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    with LocalHub(tmp_path / "hub-data") as hub:
        token = hub.create_user("alice")
        create_repo(hub.endpoint, token, REPO)
        commit(hub.endpoint, token, REPO, {"README.md": b"# talk\n"})
        api = HfApi(endpoint=hub.endpoint, token=token)
        api.create_discussion(REPO, "A question", description="What is *this*?")
        api.create_pull_request(REPO, "Add weights", description="Adds a file")
        commit(hub.endpoint, token, REPO, {"weights.txt": b"42\n"}, revision="refs/pr/2", summary="Add weights")
        yield Setup(hub, token, tmp_path / "home")


def _hf(python: Path | str, setup: Setup, *args: str, stdin: str = "") -> Run:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HF_", "HUGGING", "PYTHON"))}
    env.update(
        HF_ENDPOINT=setup.hub.endpoint,
        HF_TOKEN=setup.token,
        HF_HOME=str(setup.home),
        HF_HUB_DISABLE_UPDATE_CHECK="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        COLUMNS="120",
        NO_COLOR="1",
    )
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run(
        [str(python), "-m", "huggingface_hub.cli.hf", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        cwd="/",
        timeout=120,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, _REQUEST_ID.sub("(Request ID: ...)", proc.stderr))


def _both(upstream_python: Path, setup: Setup, *args: str, stdin: str = "") -> Run:
    """Run ours and upstream's with the same arguments; they must agree. Returns ours."""
    ours = _hf(sys.executable, setup, *args, stdin=stdin)
    theirs = _hf(upstream_python, setup, *args, stdin=stdin)
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr), args
    return ours


def test_reading_commands_print_what_upstream_prints(upstream_python: Path, setup: Setup) -> None:
    listed = json.loads(_both(upstream_python, setup, "discussions", "list", REPO, "--json").stdout)
    assert [(row["num"], row["title"], row["status"]) for row in listed] == [
        (2, "Add weights", "draft"),
        (1, "A question", "open"),
    ]
    for fmt in ("human", "agent", "quiet"):
        _both(upstream_python, setup, "discussions", "list", REPO, "--format", fmt)
    assert _both(upstream_python, setup, "discussions", "ls", REPO, "-q", "--status", "draft").stdout == "2\n"
    assert _both(upstream_python, setup, "discussions", "ls", REPO, "-q", "-k", "discussion").stdout == "1\n"
    assert _both(upstream_python, setup, "discussions", "ls", REPO, "-q", "--limit", "1").stdout == "2\n"
    assert _both(upstream_python, setup, "discussions", "ls", REPO, "-q", "-s", "merged").stdout == ""
    assert _both(upstream_python, setup, "discussions", "ls", REPO, "-s", "closed").stdout == "No results found.\n"

    info = json.loads(_both(upstream_python, setup, "discussions", "info", REPO, "2", "--json").stdout)
    assert (info["title"], info["is_pull_request"], info["target_branch"]) == ("Add weights", True, "refs/heads/main")
    assert [event["type"] for event in info["events"]] == ["comment", "commit"]
    _both(upstream_python, setup, "discussions", "info", REPO, "1")

    diff = _both(upstream_python, setup, "discussions", "diff", REPO, "2").stdout
    assert "weights.txt" in diff and "+42" in diff
    assert _both(upstream_python, setup, "discussions", "diff", REPO, "1").stdout == "No diff available.\n"


def test_errors_are_reported_like_upstream(upstream_python: Path, setup: Setup) -> None:
    missing = _both(upstream_python, setup, "discussions", "info", REPO, "99")
    assert missing.returncode == 1 and "Error:" in missing.stderr
    no_repo = _both(upstream_python, setup, "discussions", "list", "alice/nothing")
    assert "Model 'alice/nothing' not found." in no_repo.stderr
    assert _both(upstream_python, setup, "discussions", "info", REPO, "0").returncode == 2  # numbers start at 1
    assert _both(upstream_python, setup, "discussions", "comment", REPO, "1").returncode == 2  # no body
    both_bodies = _both(upstream_python, setup, "discussions", "comment", REPO, "1", "--body", "x", "--body-file", "-")
    assert "Cannot use both --body and --body-file." in both_bodies.stderr
    # Closing asks first: declining aborts; without a human to ask, --yes is required.
    declined = _both(upstream_python, setup, "discussions", "close", REPO, "1", stdin="n\n")
    assert (declined.returncode, declined.stderr) == (1, "Aborted!\n")
    unconfirmed = _both(upstream_python, setup, "discussions", "close", REPO, "1", "--format", "agent")
    assert unconfirmed.returncode == 1 and "--yes" in unconfirmed.stderr
    assert HfApi(endpoint=setup.hub.endpoint, token=setup.token).get_discussion_details(REPO, 1).status == "open"
    assert _both(upstream_python, setup, "discussions", "list", REPO, "-s", "nope").returncode == 2


def _normalised(run: Run, num: int, comment_id: str) -> tuple[int, str, str]:
    """The output with this side's discussion number and comment id replaced by placeholders."""
    stdout = run.stdout.replace(comment_id, "<id>")
    for number_in_text in (f"#{num}", f"/{num}\n", f": {num}\n", f"num={num}", f'"num": {num}'):
        stdout = stdout.replace(number_in_text, number_in_text.replace(str(num), "N"))
    return run.returncode, stdout, run.stderr


def test_writing_commands_print_what_upstream_prints(upstream_python: Path, setup: Setup) -> None:
    """Each client acts on its own discussion (3 for ours, 4 for upstream's) with the same commands."""
    outputs = {}
    for side, python, num in (("ours", sys.executable, 3), ("upstream", upstream_python, 4)):

        def hf(*args: str, stdin: str = "", python: Path | str = python) -> Run:
            run = _hf(python, setup, *args, stdin=stdin)
            assert run.returncode == 0, run.stderr
            return run

        steps = [
            hf("discussions", "create", REPO, "--title", "From the CLI", "--body-file", "-", stdin="Body *text*"),
            hf("discussions", "comment", REPO, str(num), "--body", "A comment"),
        ]
        comment_id = json.loads(hf("discussions", "info", REPO, str(num), "--json").stdout)["events"][1]["id"]
        steps += [
            hf("discussions", "edit", REPO, str(num), comment_id, "--body", "Edited"),
            hf("discussions", "rename", REPO, str(num), "Renamed"),
            hf("discussions", "close", REPO, str(num), "-y", "--comment", "Done"),
            hf("discussions", "reopen", REPO, str(num), "-y", "--format", "agent"),
            hf("discussions", "close", REPO, str(num), "-y", "--json"),
        ]
        outputs[side] = [_normalised(run, num, comment_id) for run in steps]

    assert outputs["ours"] == outputs["upstream"]
    created = outputs["ours"][0][1]
    assert created.startswith("✓ Created discussion #N on alice/talk\n")
    assert f"url: {setup.hub.endpoint}/alice/talk/discussions/N" in created
    details = HfApi(endpoint=setup.hub.endpoint, token=setup.token).get_discussion_details(REPO, 3)
    assert (details.title, details.status) == ("Renamed", "closed")
    assert details.events[0].content == "Body *text*"  # type: ignore[attr-defined]


def test_merge_from_the_cli(upstream_python: Path, setup: Setup) -> None:
    api = HfApi(endpoint=setup.hub.endpoint, token=setup.token)
    api.change_discussion_status(REPO, 2, "open")
    pr = _hf(sys.executable, setup, "discussions", "create", REPO, "--title", "Second", "--pr", "--json")
    assert json.loads(pr.stdout) == {
        "num": 3,
        "url": f"{setup.hub.endpoint}/alice/talk/discussions/3",
        "ref": "refs/pr/3",
    }
    api.change_discussion_status(REPO, 3, "open")

    ours = _hf(sys.executable, setup, "discussions", "merge", REPO, "2", "-y", "--comment", "Thanks")
    theirs = _hf(upstream_python, setup, "discussions", "merge", REPO, "3", "-y")
    assert (ours.returncode, ours.stdout.replace("#2", "#N").replace(": 2\n", ": N\n")) == (
        theirs.returncode,
        theirs.stdout.replace("#3", "#N").replace(": 3\n", ": N\n"),
    )
    assert ours.stdout.startswith("✓ Merged #2 in alice/talk")
    assert [api.get_discussion_details(REPO, num).status for num in (2, 3)] == ["merged", "merged"]
