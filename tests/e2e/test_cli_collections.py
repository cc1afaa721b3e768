"""`hf collections` against the local Hub, run as users run it: a subprocess with HF_ENDPOINT set.

tests/compat/test_upstream_cli_collections.py checks that upstream's CLI prints the same; this file checks what
ours does on its own (and runs where upstream's virtualenv is absent).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from huggingface_hub import HfApi
from huggingface_hub.local_hub import LocalHub
from tests.e2e._seed import create_repo


def hf(hub: LocalHub, token: str, home: Path, *args: str) -> subprocess.CompletedProcess:
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
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def test_a_collection_from_creation_to_deletion(local_hub: LocalHub, alice_token: str, tmp_path: Path) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/bert")

    def run(*args: str) -> str:
        result = hf(local_hub, alice_token, tmp_path / "home", *args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    created = json.loads(run("collections", "create", "My picks", "--description", "Good ones", "--json"))
    slug = created["slug"]
    assert slug.startswith("alice/my-picks-")
    assert created["url"] == f"{local_hub.endpoint}/collections/{slug}"

    added = run("collections", "add-item", slug, "alice/bert", "model", "--note", "A model")
    assert added.startswith("✓ Item added to collection\n")
    assert run("collections", "ls", "--owner", "alice", "-q") == f"{slug}\n"

    info = json.loads(run("collections", "info", slug, "--json"))
    assert [(item["item_id"], item["item_type"], item["note"]) for item in info["items"]] == [
        ("alice/bert", "model", "A model")
    ]
    run("collections", "update", slug, "--private", "--theme", "pink")
    collection = HfApi(endpoint=local_hub.endpoint, token=alice_token).get_collection(slug)
    assert (collection.private, collection.theme) == (True, "pink")

    run("collections", "delete-item", slug, info["items"][0]["item_object_id"])
    assert json.loads(run("collections", "info", slug, "--json"))["items"] == []
    assert run("collections", "delete", slug, "-q") == f"{slug}\n"
    missing = hf(local_hub, alice_token, tmp_path / "home", "collections", "info", slug)
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: ")
