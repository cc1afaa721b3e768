"""`hf serve`: the endpoint is the first stdout line, SIGTERM and SIGINT stop it with exit code 0."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from huggingface_hub import HfApi

# Hang guard for every wait on the child (generous: a cold interpreter start on a busy machine).
_TIMEOUT = 120


def _start(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, HF_HUB_DISABLE_UPDATE_CHECK="1")
    return subprocess.Popen(
        [sys.executable, "-m", "huggingface_hub.cli.hf", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )


def _first_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(_TIMEOUT)
    if not line:
        process.kill()
        pytest.fail("`hf serve` printed nothing before the timeout")
    return line[0]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_prints_endpoint_first_and_exits_0_on_signal(tmp_path: Path, signum: signal.Signals) -> None:
    data_dir = tmp_path / "hub"
    process = _start(str(data_dir), "--port", "0", "--user", "alice:hf_alice_token", "--org", "acme:alice,bob")
    try:
        endpoint = _first_line(process).rstrip("\n")
        assert endpoint.startswith("http://127.0.0.1:")
        me = HfApi(endpoint=endpoint).whoami(token="hf_alice_token")
        assert me["name"] == "alice"
        assert [o["name"] for o in me["orgs"]] == ["acme"]
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=_TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(_TIMEOUT)
    assert process.returncode == 0, stderr
    assert stdout == ""  # nothing after the endpoint line
    assert (data_dir / "hub.sqlite").is_file()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{endpoint}/api/whoami-v2", timeout=5)


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    for args in (["--user", "alice:tok:admin"], ["--org", "bad name:alice"], ["--port", "70000"]):
        process = _start(str(tmp_path / "hub"), *args)
        stdout, stderr = process.communicate(timeout=_TIMEOUT)
        assert process.returncode == 2, (args, stderr)
        assert stdout == ""


def test_busy_port_exits_1(tmp_path: Path) -> None:
    first = _start(str(tmp_path / "a"))
    try:
        endpoint = _first_line(first).strip()
        port = endpoint.rsplit(":", 1)[1]
        second = _start(str(tmp_path / "b"), "--port", port)
        stdout, stderr = second.communicate(timeout=_TIMEOUT)
        assert second.returncode == 1
        assert stdout == ""
        assert "in use" in stderr
    finally:
        first.terminate()
        first.communicate(timeout=_TIMEOUT)
    assert first.returncode == 0


def test_max_body_bytes_is_enforced(tmp_path: Path) -> None:
    process = _start(str(tmp_path / "hub"), "--max-body-bytes", "100", "--user", "alice:hf_alice_token")
    try:
        endpoint = _first_line(process).strip()
        headers = {"Authorization": "Bearer hf_alice_token"}
        small = requests.post(f"{endpoint}/api/repos/create", json={"name": "ok"}, headers=headers, timeout=30)
        assert small.status_code == 200
        big = requests.post(f"{endpoint}/api/repos/create", data=b"x" * 1000, headers=headers, timeout=30)
        assert big.status_code == 413
    finally:
        process.terminate()
        process.communicate(timeout=_TIMEOUT)
    assert process.returncode == 0
