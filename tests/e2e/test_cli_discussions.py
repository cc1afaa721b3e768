"""`hf discussions` against the local Hub, run as users run it: a subprocess with HF_ENDPOINT set.

tests/compat/test_upstream_cli_discussions.py checks that upstream's CLI prints the same; this file checks what
ours does on its own (and runs where upstream's virtualenv is absent).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from huggingface_hub import HfApi
from huggingface_hub.local_hub import LocalHub
from tests.e2e._seed import commit, create_repo

REPO = "alice/talk"


def hf(hub: LocalHub, token: str, home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HF_", "HUGGING"))}
    env.update(
        HF_ENDPOINT=hub.endpoint,
        HF_TOKEN=token,
        HF_HOME=str(home),
        HF_HUB_DISABLE_UPDATE_CHECK="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        NO_COLOR="1",
    )
    command = [sys.executable, "-m", "huggingface_hub.cli.hf", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, input=stdin, timeout=300)


def test_a_pull_request_from_creation_to_merge(local_hub: LocalHub, alice_token: str, tmp_path: Path) -> None:
    create_repo(local_hub.endpoint, alice_token, REPO)
    commit(local_hub.endpoint, alice_token, REPO, {"README.md": b"# talk\n"})

    def run(*args: str, stdin: str = "") -> str:
        result = hf(local_hub, alice_token, tmp_path / "home", *args, stdin=stdin)
        assert result.returncode == 0, result.stderr
        return result.stdout

    created = json.loads(run("discussions", "create", REPO, "--title", "Add weights", "--pr", "--json"))
    assert created == {"num": 1, "url": f"{local_hub.endpoint}/{REPO}/discussions/1", "ref": "refs/pr/1"}
    commit(local_hub.endpoint, alice_token, REPO, {"weights.txt": b"42\n"}, revision="refs/pr/1", summary="Add")

    assert run("discussions", "list", REPO, "-q") == "1\n"  # a draft counts as open
    assert "+42" in run("discussions", "diff", REPO, "1")
    assert run("discussions", "comment", REPO, "1", "--body-file", "-", "-q", stdin="Looks *good*") == "1\n"
    run("discussions", "reopen", REPO, "1", "-y")  # draft -> open, so that it can be merged
    merged = run("discussions", "merge", REPO, "1", "-y", "--comment", "Thanks")
    assert merged.startswith("✓ Merged #1 in alice/talk\n")

    details = HfApi(endpoint=local_hub.endpoint, token=alice_token).get_discussion_details(REPO, 1)
    assert details.status == "merged"
    assert [getattr(event, "content", None) for event in details.events if event.type == "comment"][1:] == [
        "Looks *good*",
        "Thanks",
    ]
    assert (
        run("discussions", "list", REPO, "-s", "merged", "--format", "agent")
        .splitlines()[1]
        .startswith("1\tAdd weights\tTrue\tmerged\talice\t")
    )


def test_errors(local_hub: LocalHub, alice_token: str, tmp_path: Path) -> None:
    create_repo(local_hub.endpoint, alice_token, REPO)
    missing = hf(local_hub, alice_token, tmp_path / "home", "discussions", "info", REPO, "3")
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: ")
    no_repo = hf(local_hub, alice_token, tmp_path / "home", "discussions", "list", "alice/nothing")
    assert no_repo.returncode == 1
    assert "Model 'alice/nothing' not found." in no_repo.stderr
    no_body = hf(local_hub, alice_token, tmp_path / "home", "discussions", "comment", REPO, "1")
    assert no_body.returncode == 2
    assert "Either --body or --body-file is required." in no_body.stderr
