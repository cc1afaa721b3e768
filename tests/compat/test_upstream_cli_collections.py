"""`hf collections ...`: ours and upstream's (1.29, in its own virtualenv) run against the same local Hub and must
print the same things; the outputs are also checked for what they say."""

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
from tests.e2e._seed import create_repo

pytestmark = pytest.mark.compat

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
    slug: str


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    with LocalHub(tmp_path / "hub-data") as hub:
        token = hub.create_user("alice")
        create_repo(hub.endpoint, token, "alice/bert")
        create_repo(hub.endpoint, token, "alice/squad", repo_type="dataset")
        api = HfApi(endpoint=hub.endpoint, token=token)
        collection = api.create_collection("Picks", description="Good ones")
        api.add_collection_item(collection.slug, "alice/bert", "model", note="A model")
        api.add_collection_item(collection.slug, "alice/squad", "dataset")
        yield Setup(hub, token, tmp_path / "home", collection.slug)


def _hf(python: Path | str, setup: Setup, *args: str) -> Run:
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
        cwd="/",
        timeout=120,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, _REQUEST_ID.sub("(Request ID: ...)", proc.stderr))


def _both(upstream_python: Path, setup: Setup, *args: str) -> Run:
    """Run ours and upstream's with the same arguments; they must agree. Returns ours."""
    ours = _hf(sys.executable, setup, *args)
    theirs = _hf(upstream_python, setup, *args)
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr), args
    return ours


def test_reading_commands_print_what_upstream_prints(upstream_python: Path, setup: Setup) -> None:
    listed = json.loads(_both(upstream_python, setup, "collections", "ls", "--owner", "alice", "--json").stdout)
    assert [(row["slug"], row["title"], len(row["items"])) for row in listed] == [(setup.slug, "Picks", 2)]
    for fmt in ("human", "agent", "quiet"):
        _both(upstream_python, setup, "collections", "list", "--format", fmt)
    assert _both(upstream_python, setup, "collections", "ls", "-q", "--item", "datasets/alice/squad").stdout.strip()
    assert _both(upstream_python, setup, "collections", "ls", "--owner", "bob").stdout == "No results found.\n"
    _both(upstream_python, setup, "collections", "ls", "--sort", "upvotes", "--limit", "1")

    info = json.loads(_both(upstream_python, setup, "collections", "info", setup.slug, "--json").stdout)
    assert [(item["item_id"], item.get("note")) for item in info["items"]] == [
        ("alice/bert", "A model"),
        ("alice/squad", None),
    ]
    _both(upstream_python, setup, "collections", "info", setup.slug)


def test_errors_are_reported_like_upstream(upstream_python: Path, setup: Setup) -> None:
    missing = _both(upstream_python, setup, "collections", "info", "alice/nothing-0123456789abcdef01234567")
    assert missing.returncode == 1 and missing.stderr.startswith("Error: ")
    assert _both(upstream_python, setup, "collections", "add-item", setup.slug, "x", "notatype").returncode == 2
    assert _both(upstream_python, setup, "collections", "ls", "--sort", "nope").returncode == 2
    duplicate = _both(upstream_python, setup, "collections", "create", "Picks")
    assert duplicate.returncode == 1 and "409" in duplicate.stderr


def _normalised(run: Run, slug: str) -> tuple[int, str, str]:
    return run.returncode, run.stdout.replace(slug, "<slug>"), run.stderr


def test_writing_commands_print_what_upstream_prints(upstream_python: Path, setup: Setup) -> None:
    """Each client works on its own collection with the same commands."""
    api = HfApi(endpoint=setup.hub.endpoint, token=setup.token)
    outputs = {}
    for side, python in (("ours", sys.executable), ("upstream", upstream_python)):

        def hf(*args: str, python: Path | str = python) -> Run:
            run = _hf(python, setup, *args)
            assert run.returncode == 0, run.stderr
            return run

        created = hf("collections", "create", f"From {side}", "--description", "CLI made", "--private", "--json")
        slug = json.loads(created.stdout)["slug"]
        hf("collections", "add-item", slug, "alice/bert", "model", "--note", "First")
        hf("collections", "add-item", slug, "2307.09288", "paper")
        item_ids = [item.item_object_id for item in api.get_collection(slug).items]
        steps = [
            hf("collections", "add-item", slug, "alice/bert", "model", "--exists-ok"),
            hf("collections", "update-item", slug, item_ids[1], "--position", "0", "--note", "Moved"),
            hf("collections", "update", slug, "--theme", "pink", "--no-private", "--format", "agent"),
            hf("collections", "delete-item", slug, item_ids[0]),
            hf("collections", "delete-item", slug, item_ids[0], "--missing-ok", "-q"),
        ]
        collection = api.get_collection(slug)
        outputs[side] = [_normalised(run, slug) for run in steps] + [
            (collection.theme, collection.private, [(i.item_id, i.note) for i in collection.items])
        ]
        steps = [hf("collections", "delete", slug), hf("collections", "delete", slug, "--missing-ok", "--json")]
        outputs[side] += [_normalised(run, slug) for run in steps]

    assert outputs["ours"] == outputs["upstream"]
    assert outputs["ours"][5] == ("pink", False, [("2307.09288", "Moved")])
    assert outputs["ours"][6][1] == "✓ Collection deleted\n  slug: <slug>\n"
