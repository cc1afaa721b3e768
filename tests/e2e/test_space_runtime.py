"""The Spaces runtime API against the local Hub: runtime, hardware, sleep time, pause and restart, dev mode, storage,
volumes, logs and waiting. The local Hub runs no Space code: settings are stored and reported back, the stage is
derived from the repository (or set by the operator), and the logs are the runtime events the server recorded."""

import threading
import time

import pytest

from huggingface_hub import (
    HfApi,
    JobHardwareInfo,
    SpaceHardware,
    SpaceRuntime,
    SpaceStage,
    SpaceStorage,
    Volume,
    get_space_runtime,
)
from huggingface_hub.local_hub import LocalHub


@pytest.fixture
def api(local_hub: LocalHub, alice_token: str) -> HfApi:
    return HfApi(endpoint=local_hub.endpoint, token=alice_token)


@pytest.fixture
def space(api: HfApi) -> str:
    """A Gradio Space with its app file."""
    api.create_repo("alice/demo", repo_type="space", space_sdk="gradio")
    api.upload_file(path_or_fileobj=b"import gradio\n", path_in_repo="app.py", repo_id="alice/demo", repo_type="space")
    return "alice/demo"


def test_new_space_reports_its_real_state(api: HfApi, space: str) -> None:
    runtime = api.get_space_runtime(space)
    assert isinstance(runtime, SpaceRuntime)
    assert runtime.stage == SpaceStage.STOPPED  # stored, not run
    assert runtime.hardware is None
    assert runtime.requested_hardware == SpaceHardware.CPU_BASIC
    assert runtime.sleep_time == 172800
    assert runtime.storage is None
    assert runtime.dev_mode is False
    assert runtime.volumes is None
    assert runtime.raw["replicas"] == {"requested": 1}


def test_space_without_its_app_file_has_no_app_file(api: HfApi) -> None:
    api.create_repo("alice/empty", repo_type="space", space_sdk="docker")
    assert api.get_space_runtime("alice/empty").stage == SpaceStage.NO_APP_FILE
    api.upload_file(
        path_or_fileobj=b"FROM python\n", path_in_repo="Dockerfile", repo_id="alice/empty", repo_type="space"
    )
    assert api.get_space_runtime("alice/empty").stage == SpaceStage.STOPPED


def test_space_info_carries_the_runtime(api: HfApi, space: str) -> None:
    api.enable_space_dev_mode(space)
    info = api.space_info(space)
    assert info.runtime is not None
    assert info.runtime.stage == "STOPPED"
    assert info.runtime.dev_mode is True


def test_hardware_and_sleep_time_are_stored(api: HfApi, space: str) -> None:
    runtime = api.request_space_hardware(space, SpaceHardware.T4_SMALL, sleep_time=3600)
    assert (runtime.requested_hardware, runtime.hardware, runtime.sleep_time) == ("t4-small", None, 3600)
    runtime = api.set_space_sleep_time(space, -1)
    assert runtime.sleep_time == -1
    assert api.get_space_runtime(space).requested_hardware == "t4-small"


def test_sleep_time_on_free_hardware_warns(api: HfApi, space: str) -> None:
    with pytest.warns(UserWarning, match="cpu-basic") as record:
        runtime = api.set_space_sleep_time(space, 600)
    assert runtime.sleep_time == 600
    assert record[0].filename == __file__  # points at the caller
    with pytest.warns(UserWarning, match="cpu-basic") as record:
        api.request_space_hardware(space, "cpu-basic", sleep_time=300)
    assert record[0].filename == __file__


def test_pause_then_restart(api: HfApi, space: str) -> None:
    assert api.pause_space(space).stage == SpaceStage.PAUSED
    assert api.get_space_runtime(space).stage == SpaceStage.PAUSED
    assert api.restart_space(space).stage == SpaceStage.STOPPED
    assert api.restart_space(space, factory_reboot=True).stage == SpaceStage.STOPPED


def test_dev_mode_on_and_off(api: HfApi, space: str) -> None:
    assert api.enable_space_dev_mode(space).dev_mode is True
    assert api.get_space_runtime(space).dev_mode is True
    assert api.disable_space_dev_mode(space).dev_mode is False


def test_storage_request_and_delete(api: HfApi, space: str) -> None:
    with pytest.warns(FutureWarning, match="set_space_volumes"):
        runtime = api.request_space_storage(space, SpaceStorage.MEDIUM)
    assert runtime.storage == "medium"
    with pytest.warns(FutureWarning):
        assert api.delete_space_storage(space).storage is None


def test_volumes_set_listed_and_deleted(api: HfApi, space: str) -> None:
    api.create_repo("alice/weights")
    volumes = [
        Volume(type="model", source="alice/weights", mount_path="/models", revision="main", read_only=True),
        Volume(type="bucket", source="alice/scratch", mount_path="/data", path="run-1"),
    ]
    assert api.set_space_volumes(space, volumes) is None
    assert api.get_space_runtime(space).volumes == volumes
    assert api.space_info(space).runtime.volumes == volumes
    api.delete_space_volumes(space)
    assert api.get_space_runtime(space).volumes is None


def test_list_spaces_hardware(api: HfApi) -> None:
    hardware = api.list_spaces_hardware()
    assert all(isinstance(h, JobHardwareInfo) for h in hardware)
    by_name = {h.name: h for h in hardware}
    assert set(by_name) == {flavor.value for flavor in SpaceHardware}
    assert by_name["cpu-basic"].accelerator is None
    t4 = by_name["t4-medium"]
    assert (t4.accelerator.model, t4.accelerator.quantity, t4.unit_label) == ("T4", "1", "minute")
    assert t4.unit_cost_usd == 0  # the local Hub bills nothing


def test_logs_are_the_recorded_runtime_events(api: HfApi, space: str) -> None:
    assert list(api.fetch_space_logs(space)) == []
    api.request_space_hardware(space, "a10g-small")
    api.pause_space(space)
    api.restart_space(space, factory_reboot=True)
    api.add_space_secret(space, "TOKEN", "s3cret")
    lines = list(api.fetch_space_logs(space))
    assert lines == [
        "Hardware requested: a10g-small\n",
        "Space paused\n",
        "Factory reboot requested (the local Hub does not run Space code)\n",
        "Secret 'TOKEN' updated\n",
    ]
    assert not any("s3cret" in line for line in lines)
    assert list(api.fetch_space_logs(space, follow=True)) == lines  # the stream ends: nothing runs here
    assert list(api.fetch_space_logs(space, build=True)) == []  # nothing is built either


def test_operator_stage_drives_wait_for_space(api: HfApi, space: str, local_hub: LocalHub) -> None:
    local_hub.set_space_stage(space, SpaceStage.BUILDING)
    assert api.get_space_runtime(space).stage == "BUILDING"
    with pytest.raises(TimeoutError, match="still in stage 'BUILDING'"):
        api.wait_for_space(space, timeout=0.3, poll_interval=0.1)

    timer = threading.Timer(0.5, local_hub.set_space_stage, args=(space, "RUNNING"))
    timer.start()
    try:
        started = time.monotonic()
        runtime = api.wait_for_space(space, timeout=60, poll_interval=0.1)
    finally:
        timer.join()
    assert runtime.stage == SpaceStage.RUNNING
    assert time.monotonic() - started >= 0.4  # it did wait for the change
    assert runtime.hardware == "cpu-basic"  # reported as running: current hardware is the requested one
    assert "Stage set to RUNNING by the local Hub operator\n" in list(api.fetch_space_logs(space))

    assert api.pause_space(space).stage == "PAUSED"  # the owner's action supersedes the operator's stage
    local_hub.set_space_stage(space, None)
    assert api.get_space_runtime(space).stage == "PAUSED"


def test_operator_stage_refuses_unknown_stage_or_space(local_hub: LocalHub, space: str) -> None:
    with pytest.raises(ValueError, match="Invalid stage 'FLYING'"):
        local_hub.set_space_stage(space, "FLYING")
    with pytest.raises(ValueError, match="not found"):
        local_hub.set_space_stage("alice/nope", "RUNNING")


def test_wait_for_space_validates_its_arguments(api: HfApi) -> None:
    with pytest.raises(ValueError, match="negative"):
        api.wait_for_space("alice/demo", timeout=-1)
    with pytest.raises(ValueError, match="positive"):
        api.wait_for_space("alice/demo", poll_interval=0)


def test_wait_for_space_returns_settled_stage_at_once(api: HfApi, space: str) -> None:
    assert api.wait_for_space(space, timeout=5).stage == SpaceStage.STOPPED


def test_module_level_alias_uses_the_default_client(
    local_hub: LocalHub, alice_token: str, space: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huggingface_hub import hf_api

    monkeypatch.setattr(hf_api.api, "endpoint", local_hub.endpoint)
    monkeypatch.setattr(hf_api.api, "token", alice_token)
    assert get_space_runtime(space).stage == "STOPPED"


def test_log_stream_stays_open_while_the_space_is_in_transition(api: HfApi, space: str, local_hub: LocalHub) -> None:
    local_hub.set_space_stage(space, "BUILDING")
    lines: list[str] = []
    follower = threading.Thread(target=lambda: lines.extend(api.fetch_space_logs(space, follow=True)))
    follower.start()
    api.request_space_hardware(space, "t4-small")  # recorded while the stream is open
    deadline = time.monotonic() + 60
    while "Hardware requested: t4-small\n" not in lines and time.monotonic() < deadline:
        time.sleep(0.05)
    assert follower.is_alive()  # still building: the stream stays open
    local_hub.set_space_stage(space, "RUNNING")  # settled: the stream ends after this event
    follower.join(timeout=60)
    assert not follower.is_alive()
    assert lines == [
        "Stage set to BUILDING by the local Hub operator\n",
        "Hardware requested: t4-small\n",
        "Stage set to RUNNING by the local Hub operator\n",
    ]


def test_logs_without_follow_return_what_is_buffered_even_in_transition(
    api: HfApi, space: str, local_hub: LocalHub
) -> None:
    local_hub.set_space_stage(space, "APP_STARTING")
    # The stream stays open; without `follow` the client stops once it is quiet (5 s, as upstream).
    assert list(api.fetch_space_logs(space)) == ["Stage set to APP_STARTING by the local Hub operator\n"]


def test_runtime_in_listings_and_search(api: HfApi, space: str) -> None:
    api.pause_space(space)
    (listed,) = api.list_spaces(expand=["runtime"])
    assert listed.id == space and listed.runtime is not None and listed.runtime.stage == "PAUSED"
    (hit,) = api.search_spaces("demo")
    assert hit.runtime is not None and hit.runtime.stage == "PAUSED"
    assert api.space_info(space, expand=["runtime"]).runtime.stage == "PAUSED"


def test_operator_hook_drives_a_server_started_elsewhere(api: HfApi, space: str, local_hub: LocalHub) -> None:
    operator = LocalHub(local_hub.data_dir)  # not started: only the data directory is shared
    operator.set_space_stage(space, "RUNTIME_ERROR")
    assert api.get_space_runtime(space).stage == SpaceStage.RUNTIME_ERROR
    assert api.wait_for_space(space).stage == SpaceStage.RUNTIME_ERROR  # settled, even if not running
