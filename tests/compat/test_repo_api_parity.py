"""The repository API scenario (tests/compat/repo_api_scenario.py) run by upstream's client and by ours, each
against a fresh local Hub with the same users: every section's record must be equal."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from huggingface_hub.local_hub import LocalHub
from tools.compat.upstream_env import isolated_env

pytestmark = pytest.mark.compat

SCENARIO = Path(__file__).with_name("repo_api_scenario.py")
SECTIONS = ["create", "info", "files", "refs", "listing", "settings", "move_duplicate_delete"]


def _run(python: str, hub: LocalHub, work: Path) -> dict[str, Any]:
    env = {key: value for key, value in isolated_env().items() if not key.startswith(("HF_", "HUGGING_FACE_"))}
    env.update(
        ALICE_TOKEN=hub.create_user("alice"),
        BOB_TOKEN=hub.create_user("bob"),
        ALICE_READ_TOKEN=hub.create_user("alice", role="read"),
        HF_ENDPOINT=hub.endpoint,
        HF_HOME=str(work / "hf_home"),
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
    )
    hub.create_org("acme", ["alice"])
    work.mkdir()
    proc = subprocess.run(
        [python, "-I", str(SCENARIO)], capture_output=True, text=True, env=env, cwd=work, timeout=600, check=False
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1].replace(hub.endpoint, "{E}"))


@pytest.fixture(scope="module")
def records(upstream_python: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    out = {}
    for name, python in (("upstream", str(upstream_python)), ("ours", sys.executable)):
        base = tmp_path_factory.mktemp(name)
        with LocalHub(base / "hub-data") as hub:
            out[name] = _run(python, hub, base / "work")
    return out


@pytest.mark.parametrize("section", SECTIONS)
def test_both_clients_get_the_same_results(records: dict[str, dict[str, Any]], section: str) -> None:
    upstream, ours = records["upstream"][section], records["ours"][section]
    assert "error" not in upstream, upstream
    assert ours == upstream


def test_upstream_record_is_meaningful(records: dict[str, dict[str, Any]]) -> None:
    # The scenario exercises what it claims to: a few anchors on upstream's own record.
    r = records["upstream"]
    assert r["create"]["model"]["url"] == "{E}/alice/demo" and r["create"]["conflict"] == ["HfHubHTTPError", 409]
    assert r["create"]["bob_exist_ok"]["repo_id"] == "alice/demo"
    assert r["info"]["missing_revision"] == ["RevisionNotFoundError", 404]
    assert r["info"]["private_anonymous"] == ["RepositoryNotFoundError", 401]
    assert r["files"]["missing_folder"][0] == "RemoteEntryNotFoundError"
    assert r["refs"]["branch_conflict"] == ["HfHubHTTPError", 409]
    assert r["listing"]["trained_on"] == ["alice/demo"] and r["listing"]["emissions"] == ["alice/demo"]
    assert r["settings"]["bob_auth_gated"][0] == "GatedRepoError"
    assert r["move_duplicate_delete"]["info_by_old_name"] == "acme/moved"
