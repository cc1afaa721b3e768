"""`hf spaces` runtime commands against the local Hub, run as users run them (a subprocess with HF_ENDPOINT set).

tests/compat/test_cli_spaces_parity.py checks that upstream's CLI prints the same; this file checks what ours does on
its own (and runs where upstream's virtualenv is absent).
"""

import json
import threading
from pathlib import Path

import pytest

from huggingface_hub import HfApi
from huggingface_hub.local_hub import LocalHub
from tests.e2e._cli_runner import Run, run_cli


@pytest.fixture
def hub(local_hub: LocalHub, alice_token: str) -> tuple[LocalHub, str]:
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    api.create_repo("alice/demo", repo_type="space", space_sdk="gradio")
    api.upload_file(path_or_fileobj=b"import gradio\n", path_in_repo="app.py", repo_id="alice/demo", repo_type="space")
    return local_hub, alice_token


def hf(hub: tuple[LocalHub, str], tmp_path: Path, *args: str, input: str = "") -> Run:
    local_hub, token = hub
    return run_cli(local_hub.endpoint, token, tmp_path / "home", *args, input=input)


def ok(hub: tuple[LocalHub, str], tmp_path: Path, *args: str) -> str:
    result = hf(hub, tmp_path, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_settings_pause_restart(hub, tmp_path: Path) -> None:
    out = json.loads(ok(hub, tmp_path, "spaces", "settings", "alice/demo", "--hardware", "t4-small", "--json"))
    assert out == {"space_id": "alice/demo", "hardware": "t4-small", "sleep_time": None}
    out = json.loads(ok(hub, tmp_path, "spaces", "settings", "alice/demo", "--sleep-time", "300", "--json"))
    assert out["sleep_time"] == 300
    result = hf(hub, tmp_path, "spaces", "settings", "alice/demo")
    assert result.returncode == 1 and "Specify at least one setting to update." in result.stderr

    assert json.loads(ok(hub, tmp_path, "spaces", "pause", "alice/demo", "--json"))["stage"] == "PAUSED"
    out = json.loads(ok(hub, tmp_path, "spaces", "restart", "alice/demo", "--factory-reboot", "--json"))
    assert out == {"space_id": "alice/demo", "stage": "STOPPED", "factory_reboot": True}
    assert HfApi(endpoint=hub[0].endpoint, token=hub[1]).get_space_runtime("alice/demo").stage == "STOPPED"


def test_hardware_table(hub, tmp_path: Path) -> None:
    rows = json.loads(ok(hub, tmp_path, "spaces", "hardware", "--json"))
    by_name = {row["name"]: row for row in rows}
    assert by_name["l4x4"]["accelerator"] == "4x L4 (96 GB)"
    assert by_name["cpu-basic"]["accelerator"] is None
    assert {row["cost/hour"] for row in rows} == {"free"}  # the local Hub bills nothing


def test_wait_exits_non_zero_unless_running(hub, tmp_path: Path) -> None:
    result = hf(hub, tmp_path, "spaces", "wait", "alice/demo")
    assert result.returncode == 1
    assert "Space 'alice/demo' is not running (stage='STOPPED')." in result.stderr

    local_hub, _ = hub
    local_hub.set_space_stage("alice/demo", "APP_STARTING")
    timer = threading.Timer(1.0, local_hub.set_space_stage, args=("alice/demo", "RUNNING"))
    timer.start()
    try:
        out = json.loads(ok(hub, tmp_path, "spaces", "wait", "alice/demo", "--timeout", "2m", "--json"))
    finally:
        timer.join()
    assert out == {"space_id": "alice/demo", "stage": "RUNNING"}

    local_hub.set_space_stage("alice/demo", "BUILDING")
    result = hf(hub, tmp_path, "spaces", "wait", "alice/demo", "--timeout", "1s")
    assert result.returncode == 1
    assert "Timed out after 1s waiting for Space 'alice/demo' to be ready." in result.stderr


def test_dev_mode_and_ssh_dry_run(hub, tmp_path: Path) -> None:
    result = hf(hub, tmp_path, "spaces", "dev-mode", "alice/demo")
    assert result.returncode == 0
    assert "Dev mode is not ready (stage='STOPPED')" in result.stdout + result.stderr  # nothing runs it here
    assert ok(hub, tmp_path, "spaces", "ssh", "alice/demo", "--dry-run", "-i", "/k/id") == (
        "ssh -i /k/id alice-demo@ssh.hf.space\n"
    )
    assert ok(hub, tmp_path, "spaces", "dev-mode", "alice/demo", "--stop") == "Dev mode disabled for 'alice/demo'\n"
    # Dev mode off: ssh asks first; declining (empty stdin) changes nothing.
    result = hf(hub, tmp_path, "spaces", "ssh", "alice/demo", "--dry-run")
    assert result.returncode != 0
    assert HfApi(endpoint=hub[0].endpoint, token=hub[1]).get_space_runtime("alice/demo").dev_mode is False
    # With --auto it enables dev mode, then refuses: the Space is not running.
    result = hf(hub, tmp_path, "spaces", "ssh", "alice/demo", "--dry-run", "--auto")
    assert result.returncode == 1 and "is not running (stage='STOPPED')" in result.stderr
    hub[0].set_space_stage("alice/demo", "RUNNING")
    assert ok(hub, tmp_path, "spaces", "ssh", "alice/demo", "--dry-run") == "ssh alice-demo@ssh.hf.space\n"


def test_secrets_and_variables(hub, tmp_path: Path) -> None:
    env_file = tmp_path / "vars.env"
    env_file.write_text("MODEL=gpt2\nDEBUG=1\n")
    out = json.loads(
        ok(hub, tmp_path, "spaces", "variables", "add", "alice/demo", "--env-file", str(env_file), "--json")
    )
    assert out == {"space_id": "alice/demo", "keys": ["MODEL", "DEBUG"]}
    rows = json.loads(ok(hub, tmp_path, "spaces", "variables", "ls", "alice/demo", "--json"))
    assert [(row["key"], row["value"]) for row in rows] == [("DEBUG", "1"), ("MODEL", "gpt2")]
    ok(hub, tmp_path, "spaces", "variables", "delete", "alice/demo", "DEBUG", "-y")
    assert ok(hub, tmp_path, "spaces", "variables", "ls", "alice/demo", "-q") == "MODEL\n"

    ok(hub, tmp_path, "spaces", "secrets", "add", "alice/demo", "-s", "API_KEY=s3cret")
    rows = json.loads(ok(hub, tmp_path, "spaces", "secrets", "ls", "alice/demo", "--json"))
    assert [row["key"] for row in rows] == ["API_KEY"] and "s3cret" not in json.dumps(rows)
    result = hf(hub, tmp_path, "spaces", "secrets", "delete", "alice/demo", "API_KEY")  # declined
    assert result.returncode != 0
    ok(hub, tmp_path, "spaces", "secrets", "delete", "alice/demo", "API_KEY", "--yes")
    assert json.loads(ok(hub, tmp_path, "spaces", "secrets", "ls", "alice/demo", "--json")) == []


def test_volumes(hub, tmp_path: Path) -> None:
    out = json.loads(
        ok(hub, tmp_path, "spaces", "volumes", "set", "alice/demo", "-v", "hf://datasets/alice/data:/data", "--json")
    )
    assert out == {"space_id": "alice/demo", "volumes": ["hf://datasets/alice/data:/data"]}
    rows = json.loads(ok(hub, tmp_path, "spaces", "volumes", "ls", "alice/demo", "--json"))
    assert rows == [{"type": "dataset", "source": "alice/data", "mount_path": "/data"}]
    ok(hub, tmp_path, "spaces", "volumes", "delete", "alice/demo", "-y")
    assert json.loads(ok(hub, tmp_path, "spaces", "volumes", "ls", "alice/demo", "--json")) == []
    result = hf(hub, tmp_path, "spaces", "volumes", "delete", "alice/demo", "-y")
    assert result.returncode == 1 and "no volumes attached" in result.stderr


def test_logs(hub, tmp_path: Path) -> None:
    result = hf(hub, tmp_path, "spaces", "logs", "alice/demo")
    assert result.returncode == 0 and result.stdout == ""
    assert "No run logs found for space alice/demo" in result.stdout + result.stderr
    ok(hub, tmp_path, "spaces", "pause", "alice/demo")
    ok(hub, tmp_path, "spaces", "restart", "alice/demo")
    ok(hub, tmp_path, "spaces", "settings", "alice/demo", "--hardware", "cpu-upgrade")
    assert ok(hub, tmp_path, "spaces", "logs", "alice/demo") == (
        "Space paused\nRestart requested (the local Hub does not run Space code)\nHardware requested: cpu-upgrade\n"
    )
    assert ok(hub, tmp_path, "spaces", "logs", "alice/demo", "-n", "1") == "Hardware requested: cpu-upgrade\n"
    assert ok(hub, tmp_path, "spaces", "logs", "alice/demo", "-f").count("\n") == 3
    assert ok(hub, tmp_path, "spaces", "logs", "alice/demo", "--build") == ""
    result = hf(hub, tmp_path, "spaces", "logs", "alice/demo", "-f", "-n", "1")
    assert result.returncode == 1 and "Cannot use --follow and --tail together." in result.stderr


def test_templates_and_errors(hub, tmp_path: Path) -> None:
    assert json.loads(ok(hub, tmp_path, "spaces", "templates", "--json")) == []  # none on a local Hub
    result = hf(hub, tmp_path, "spaces", "pause", "alice/nope")
    assert result.returncode == 1 and "Error: Space 'alice/nope' not found." in result.stderr
    result = hf(hub, tmp_path, "spaces", "settings", "alice/demo", "--hardware", "t4-huge")
    assert result.returncode == 1 and "Invalid hardware flavor 't4-huge'" in result.stderr


def test_search_shows_the_stage(hub, tmp_path: Path) -> None:
    rows = json.loads(ok(hub, tmp_path, "spaces", "search", "demo", "--json"))
    assert [(row["id"], row["stage"], row["sdk"]) for row in rows] == [("alice/demo", "STOPPED", "gradio")]
    result = hf(hub, tmp_path, "spaces", "search", "demo", "--description")
    assert result.returncode == 0 and "alice/demo" in result.stdout
