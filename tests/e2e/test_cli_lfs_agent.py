"""`hf lfs-multipart-upload` driven as git-lfs drives it (JSON lines on stdin/stdout) against the local Hub's multipart
LFS URLs, and `hf lfs-enable-largefiles` on a real git repository."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.e2e._cli_runner import run_cli
from tests.e2e._seed import create_repo, random_bytes

REPO = "alice/big"
SIZE = 40 * 1024 * 1024  # over the local Hub's multipart threshold (20 MiB), in parts of 16 MiB


def _batch(endpoint: str, token: str, oid: str, size: int) -> dict:
    response = requests.post(
        f"{endpoint}/{REPO}.git/info/lfs/objects/batch",
        json={
            "operation": "upload",
            "transfers": ["basic", "multipart"],
            "objects": [{"oid": oid, "size": size}],
            "hash_algo": "sha256",
        },
        headers={
            "authorization": f"Bearer {token}",
            "accept": "application/vnd.git-lfs+json",
            "content-type": "application/vnd.git-lfs+json",
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["objects"][0]


def _agent(home: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HF_")}
    env.update(HF_HOME=str(home), HF_HUB_DISABLE_UPDATE_CHECK="1", HF_HUB_DISABLE_TELEMETRY="1")
    return subprocess.Popen(
        [sys.executable, "-m", "huggingface_hub.cli.hf", "lfs-multipart-upload"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _send(agent: subprocess.Popen, message: dict) -> None:
    assert agent.stdin is not None
    agent.stdin.write(json.dumps(message) + "\n")
    agent.stdin.flush()


def _receive(agent: subprocess.Popen) -> dict:
    assert agent.stdout is not None
    return json.loads(agent.stdout.readline())


def test_multipart_upload_protocol(local_hub, alice_token, tmp_path: Path) -> None:
    create_repo(local_hub.endpoint, alice_token, REPO)
    content = random_bytes(SIZE)
    path = tmp_path / "big.bin"
    path.write_bytes(content)
    oid = hashlib.sha256(content).hexdigest()
    upload = _batch(local_hub.endpoint, alice_token, oid, SIZE)["actions"]["upload"]
    assert int(upload["header"]["chunk_size"]) < SIZE  # a multipart upload indeed

    agent = _agent(tmp_path / "home")
    _send(agent, {"event": "init", "operation": "upload", "remote": "origin", "concurrent": True})
    assert _receive(agent) == {}
    _send(agent, {"event": "upload", "oid": oid, "size": SIZE, "path": str(path), "action": upload})
    events = []
    while not events or events[-1]["event"] != "complete":
        events.append(_receive(agent))
    _send(agent, {"event": "terminate"})
    assert agent.wait(timeout=60) == 0
    agent.stdout.close()  # type: ignore[union-attr]
    agent.stderr.close()  # type: ignore[union-attr]

    assert events[-1] == {"event": "complete", "oid": oid}
    progress = events[:-1]
    assert progress[0] == {"event": "progress", "oid": oid, "bytesSoFar": 1, "bytesSinceLast": 0}
    assert all(event["event"] == "progress" and event["oid"] == oid for event in progress)
    assert sum(event["bytesSinceLast"] for event in progress) == SIZE
    assert progress[-1]["bytesSoFar"] == SIZE
    # The Hub holds the object now: a new batch request asks for nothing.
    assert "actions" not in _batch(local_hub.endpoint, alice_token, oid, SIZE)


def test_multipart_upload_reports_a_failed_object_and_goes_on(local_hub, alice_token, tmp_path: Path) -> None:
    create_repo(local_hub.endpoint, alice_token, REPO)
    content = random_bytes(SIZE, seed=1)
    path = tmp_path / "big.bin"
    path.write_bytes(content)
    oid = hashlib.sha256(content).hexdigest()
    upload = _batch(local_hub.endpoint, alice_token, oid, SIZE)["actions"]["upload"]
    path.write_bytes(content[:-1])  # no longer the announced size

    agent = _agent(tmp_path / "home")
    _send(agent, {"event": "init", "operation": "upload"})
    assert _receive(agent) == {}
    _send(agent, {"event": "upload", "oid": oid, "size": SIZE, "path": str(path), "action": upload})
    while (event := _receive(agent))["event"] != "complete":
        pass
    assert event["oid"] == oid and event["error"]["message"]
    _send(agent, {"event": "terminate"})
    assert agent.wait(timeout=60) == 0
    agent.stdout.close()  # type: ignore[union-attr]
    agent.stderr.close()  # type: ignore[union-attr]
    assert "actions" in _batch(local_hub.endpoint, alice_token, oid, SIZE)  # nothing was stored


def test_agent_refuses_downloads(tmp_path: Path) -> None:
    agent = _agent(tmp_path / "home")
    out, _ = agent.communicate(json.dumps({"event": "init", "operation": "download"}) + "\n", timeout=60)
    assert agent.returncode == 1
    assert json.loads(out) == {"error": {"code": 32, "message": "Wrong lfs init operation"}}


def test_enable_largefiles_configures_git(local_hub, tmp_path: Path) -> None:
    repo = tmp_path / "clone"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    result = run_cli(local_hub.endpoint, None, tmp_path / "home", "lfs-enable-largefiles", str(repo))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"✓ Local repo set up for largefiles\n  path: {repo}\n"

    def config(key: str) -> str:
        return subprocess.run(["git", "config", key], cwd=repo, capture_output=True, text=True).stdout.strip()

    assert config("lfs.customtransfer.multipart.path") == "hf"
    assert config("lfs.customtransfer.multipart.args") == "lfs-multipart-upload"

    missing = run_cli(local_hub.endpoint, None, tmp_path / "home", "lfs-enable-largefiles", str(tmp_path / "nope"))
    assert missing.returncode == 1 and "This does not look like a valid git repo." in missing.stderr
    # Hidden commands: not listed in the help.
    assert "lfs-" not in run_cli(local_hub.endpoint, None, tmp_path / "home", "--help").stdout


def _has_git_lfs() -> bool:
    try:
        return subprocess.run(["git", "lfs", "version"], capture_output=True).returncode == 0
    except OSError:
        return False


@pytest.mark.skipif(not _has_git_lfs(), reason="git-lfs is not installed")
def test_git_lfs_pushes_a_large_file_through_the_agent(local_hub, alice_token, tmp_path: Path) -> None:
    """Real git-lfs, told by `hf lfs-enable-largefiles` to use the agent, pushes an object above the multipart
    threshold. Only the LFS objects are pushed (`git lfs push --object-id`): the local Hub has no git smart-HTTP."""
    create_repo(local_hub.endpoint, alice_token, REPO)
    repo = tmp_path / "clone"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HF_", "GIT_TRACE"))}
    # `hf` (this package's console script) must be on the PATH: git-lfs starts the agent as `hf lfs-multipart-upload`.
    env.update(PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""), GIT_TERMINAL_PROMPT="0")
    env.update(HF_HOME=str(tmp_path / "home"), HF_HUB_DISABLE_UPDATE_CHECK="1", HF_HUB_DISABLE_TELEMETRY="1")

    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (args, result.stderr)
        return result.stdout

    repo.mkdir()
    git("init", "-q")
    git("lfs", "install", "--local")
    git("remote", "add", "origin", f"{local_hub.endpoint}/{REPO}")
    git("config", "lfs.url", f"{local_hub.endpoint}/{REPO}.git/info/lfs")
    git("config", "http.extraHeader", f"Authorization: Bearer {alice_token}")
    git("config", "lfs.locksverify", "false")
    enabled = subprocess.run(
        [sys.executable, "-m", "huggingface_hub.cli.hf", "lfs-enable-largefiles", str(repo)],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert enabled.returncode == 0
    content = random_bytes(SIZE, seed=2)
    (repo / "big.bin").write_bytes(content)
    oid = hashlib.sha256(content).hexdigest()
    git("lfs", "track", "*.bin")
    git("add", ".gitattributes", "big.bin")  # the clean filter stores the object under .git/lfs

    env["GIT_TRACE"] = "1"  # shows which transfer adapter git-lfs used
    pushed = subprocess.run(
        ["git", "lfs", "push", "origin", "--object-id", oid], cwd=repo, env=env, capture_output=True, text=True
    )
    assert pushed.returncode == 0, pushed.stderr
    assert 'starting transfer adapter "multipart"' in pushed.stderr
    assert "'hf lfs-multipart-upload'" in pushed.stderr
    assert "actions" not in _batch(local_hub.endpoint, alice_token, oid, SIZE)
