"""Upstream's client and ours against the same local Hub get the same values from the user, organization, LFS file,
storage, tag and Space search methods (tests/compat/people_lfs_tags_scenario.py)."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from huggingface_hub.local_hub import LocalHub
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status
from tests.e2e._seed import commit, create_repo
from tools.compat.upstream_env import isolated_env

pytestmark = pytest.mark.compat

SCENARIO = Path(__file__).with_name("people_lfs_tags_scenario.py")
SPACE_CARD = b"---\ntitle: Image Maker\nsdk: gradio\nshort_description: Generate images\ntags: [art]\n---\nHi\n"
MODEL_CARD = b"---\nlicense: mit\npipeline_tag: text-classification\nlanguage: [en]\ntags: [foo]\n---\n"
DATASET_CARD = b"---\nlicense: cc0-1.0\ntask_categories: [translation]\nlanguage: [de]\n---\n"


def _seed_weights(endpoint: str, token: str, repo_id: str) -> None:
    create_repo(endpoint, token, repo_id)
    commit(endpoint, token, repo_id, files={"a.txt": b"a"}, lfs={"w.bin": b"w" * 300, "k.bin": b"k" * 200})


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    with LocalHub(tmp_path_factory.mktemp("hub")) as hub:
        tokens = {name: hub.create_user(name) for name in ("alice", "bob", "carol")}
        hub.create_org("acme", ["alice", "bob"])
        e, t = hub.endpoint, tokens["alice"]
        for follower, target in [("bob", "alice"), ("carol", "alice"), ("alice", "bob"), ("carol", "acme")]:
            hub.add_follow(follower, target)
        _seed_weights(e, t, "alice/weights")
        for repo_id in ("alice/lfs-o", "alice/lfs-u"):
            _seed_weights(e, t, repo_id)
        commit(e, t, "alice/weights", files={"README.md": MODEL_CARD})
        create_repo(e, t, "alice/secret", private=True)
        create_repo(e, t, "acme/shared")
        create_repo(e, t, "alice/corpus", repo_type="dataset")
        commit(e, t, "alice/corpus", files={"README.md": DATASET_CARD}, repo_type="dataset")
        response = get_session().post(
            f"{e}/api/repos/create",
            json={"name": "painter", "type": "space", "sdk": "gradio"},
            headers=build_hf_headers(token=t),
        )
        hf_raise_for_status(response)
        commit(e, t, "alice/painter", files={"README.md": SPACE_CARD}, repo_type="space")
        yield hub, tokens


def _run(python: str, hub, *args: str) -> dict[str, Any]:
    local_hub, tokens = hub
    env = {key: value for key, value in isolated_env().items() if not key.startswith(("HF_", "HUGGING_FACE_"))}
    env.update({f"{name.upper()}_TOKEN": token for name, token in tokens.items()})
    env.update(HF_ENDPOINT=local_hub.endpoint, HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_XET="1")
    proc = subprocess.run(
        [python, "-I", str(SCENARIO), *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_read_calls_give_the_same_values(hub, upstream_python: Path) -> None:
    upstream = _run(str(upstream_python), hub, "read")
    ours = _run(sys.executable, hub, "read")
    assert ours == upstream
    # The record is meaningful: real counts, real lists, real errors.
    assert upstream["alice_overview_anonymous"]["num_followers"] == 2
    assert upstream["acme_overview"]["num_users"] == 2
    assert [u["username"] for u in upstream["members"]] == ["alice", "bob"]
    assert sorted(f["filename"] for f in upstream["lfs_files"]) == ["k.bin", "w.bin"]
    assert upstream["lfs_files_bob"] == ["HfHubHTTPError", 403]
    assert upstream["missing_user"] == ["HfHubHTTPError", 404]
    assert upstream["org_repos_outsider"] == ["HfHubHTTPError", 403]
    assert [r["id"] for r in upstream["org_repos"]] == ["acme/shared"]
    assert upstream["model_tags"]["license"] == [{"id": "license:mit", "label": "mit", "type": "license"}]
    assert [s["id"] for s in upstream["search"]] == ["alice/painter"]


def test_deletion_gives_the_same_results(hub, upstream_python: Path) -> None:
    upstream = _run(str(upstream_python), hub, "delete", "alice/lfs-u")
    ours = _run(sys.executable, hub, "delete", "alice/lfs-o")
    assert ours == upstream
    assert upstream["bob_refused"] == ["HfHubHTTPError", 403]
    assert upstream["left"] == ["k.bin"] and "w.bin" not in upstream["files"]
    assert "k.bin" in upstream["files_after_keep"] and upstream["left_after_keep"] == []
