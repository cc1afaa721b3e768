"""The Spaces runtime API: the upstream client (huggingface_hub 1.29, in its own virtualenv) and ours run the same
scenario, each against a fresh local Hub, and must observe the same values and the same exception classes.

The scenario only uses public API and prints a JSON summary without timestamps.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from huggingface_hub.local_hub import LocalHub
from tools.compat.upstream_env import isolated_env

pytestmark = pytest.mark.compat

SCENARIO = textwrap.dedent(
    """
    import dataclasses, json, sys, warnings
    from huggingface_hub import HfApi, Volume

    warnings.simplefilter("ignore")
    api, bob = HfApi(), HfApi(token=sys.argv[1])
    result = {}

    def runtime(r):
        return [str(getattr(r.stage, "value", r.stage)), r.hardware, r.requested_hardware, r.sleep_time, r.storage,
                r.dev_mode, [dataclasses.asdict(v) for v in r.volumes or []]]

    def error_of(fn):
        try:
            fn()
        except Exception as e:
            return [type(e).__name__, getattr(getattr(e, "response", None), "status_code", None)]
        return None

    api.create_repo("alice/demo", repo_type="space", space_sdk="gradio")
    result["empty"] = runtime(api.get_space_runtime("alice/demo"))
    api.upload_file(path_or_fileobj=b"print(1)", path_in_repo="app.py", repo_id="alice/demo", repo_type="space")
    result["with_app"] = runtime(api.get_space_runtime("alice/demo"))
    result["hardware"] = runtime(api.request_space_hardware("alice/demo", "t4-small", sleep_time=900))
    result["sleep"] = runtime(api.set_space_sleep_time("alice/demo", -1))
    result["pause"] = runtime(api.pause_space("alice/demo"))
    result["restart"] = runtime(api.restart_space("alice/demo", factory_reboot=True))
    result["dev_on"] = runtime(api.enable_space_dev_mode("alice/demo"))
    result["dev_off"] = runtime(api.disable_space_dev_mode("alice/demo"))
    result["storage"] = runtime(api.request_space_storage("alice/demo", "large"))
    result["storage_deleted"] = runtime(api.delete_space_storage("alice/demo"))
    api.set_space_volumes("alice/demo", [Volume(type="dataset", source="alice/data", mount_path="/data", read_only=True)])
    result["volumes"] = runtime(api.get_space_runtime("alice/demo"))
    result["info_volumes"] = [dataclasses.asdict(v) for v in api.space_info("alice/demo").runtime.volumes]
    api.delete_space_volumes("alice/demo")
    api.add_space_secret("alice/demo", "KEY", "v", description="d")
    result["secrets"] = {k: [s.key, s.description] for k, s in api.get_space_secrets("alice/demo").items()}
    api.delete_space_secret("alice/demo", "KEY")
    result["secrets_after"] = list(api.get_space_secrets("alice/demo"))
    result["variables"] = {k: [v.value, v.description] for k, v in api.add_space_variable("alice/demo", "A", "1").items()}
    result["variables_after"] = list(api.delete_space_variable("alice/demo", "A"))
    result["hardware_list"] = [
        [h.name, h.pretty_name, h.cpu, h.ram, h.accelerator and dataclasses.asdict(h.accelerator), h.unit_cost_usd]
        for h in api.list_spaces_hardware()
    ]
    result["logs"] = list(api.fetch_space_logs("alice/demo"))
    result["build_logs"] = list(api.fetch_space_logs("alice/demo", build=True))
    result["wait"] = runtime(api.wait_for_space("alice/demo", timeout=10))
    result["errors"] = [
        error_of(lambda: api.get_space_runtime("alice/nope")),
        error_of(lambda: api.request_space_hardware("alice/demo", "t4-huge")),
        error_of(lambda: api.request_space_storage("alice/demo", "huge")),
        error_of(lambda: api.delete_space_volumes("alice/demo")),
        error_of(lambda: bob.pause_space("alice/demo")),
        error_of(lambda: bob.get_space_secrets("alice/demo")),
        error_of(lambda: HfApi(token=False).restart_space("alice/demo")),
        error_of(lambda: api.wait_for_space("alice/demo", timeout=-1)),
    ]
    print(json.dumps(result))
    """
)


def _run(python: Path | str, tmp_path: Path, side: str) -> dict[str, Any]:
    with LocalHub(tmp_path / f"hub-{side}") as hub:
        alice, bob = hub.create_user("alice"), hub.create_user("bob")
        env = {name: value for name, value in isolated_env().items() if not name.startswith(("HF_", "HUGGING"))}
        env.update(
            HF_ENDPOINT=hub.endpoint,
            HF_TOKEN=alice,
            HF_HOME=str(tmp_path / f"hf-home-{side}"),
            HF_HUB_DISABLE_TELEMETRY="1",
            HF_HUB_DISABLE_XET="1",
        )
        proc = subprocess.run(
            [str(python), "-c", SCENARIO, bob],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=600,
            check=False,
        )
    assert proc.returncode == 0, f"{side} failed:\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_upstream_and_ours_observe_the_same_space_runtime(upstream_python: Path, tmp_path: Path) -> None:
    theirs = _run(upstream_python, tmp_path, "upstream")
    ours = _run(sys.executable, tmp_path, "ours")
    assert ours == theirs
    # And what they agree on is the local Hub's honest state, not an imitation of a running Space.
    assert theirs["empty"][0] == "NO_APP_FILE"
    assert theirs["with_app"][0] == "STOPPED"
    assert theirs["pause"][0] == "PAUSED"
    assert theirs["hardware"][1:4] == [None, "t4-small", 900]
    assert theirs["volumes"][6] == [
        {
            "type": "dataset",
            "source": "alice/data",
            "mount_path": "/data",
            "revision": None,
            "read_only": True,
            "path": None,
        }
    ]
    assert theirs["secrets"] == {"KEY": ["KEY", "d"]}
    assert theirs["errors"] == [
        ["RepositoryNotFoundError", 404],
        ["BadRequestError", 400],
        ["BadRequestError", 400],
        ["BadRequestError", 400],
        ["HfHubHTTPError", 403],
        ["HfHubHTTPError", 403],
        ["RepositoryNotFoundError", 401],
        ["ValueError", None],
    ]
    assert theirs["logs"][0] == "Hardware requested: t4-small (sleep time 900 s)\n"
