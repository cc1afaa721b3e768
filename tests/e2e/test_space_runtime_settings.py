"""Secrets and variables of Spaces, and who may do what with a Space's runtime (the local Hub's errors carry the
Hub's status codes, so users get upstream's exception classes)."""

from datetime import datetime

import pytest

from huggingface_hub import HfApi, SpaceSecret, SpaceVariable, Volume
from huggingface_hub.errors import BadRequestError, HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.local_hub import LocalHub


@pytest.fixture
def api(local_hub: LocalHub, alice_token: str) -> HfApi:
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    api.create_repo("alice/demo", repo_type="space", space_sdk="gradio")
    return api


@pytest.fixture
def bob(local_hub: LocalHub) -> HfApi:
    return HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("bob"))


def test_secrets_are_write_only(api: HfApi) -> None:
    assert api.get_space_secrets("alice/demo") == {}
    assert api.add_space_secret("alice/demo", "API_KEY", "s3cret", description="for the API") is None
    api.add_space_secret("alice/demo", "OTHER", "x")
    secrets = api.get_space_secrets("alice/demo")
    assert sorted(secrets) == ["API_KEY", "OTHER"]
    secret = secrets["API_KEY"]
    assert isinstance(secret, SpaceSecret)
    assert (secret.key, secret.description) == ("API_KEY", "for the API")
    assert isinstance(secret.updated_at, datetime)
    assert not hasattr(secret, "value")

    api.add_space_secret("alice/demo", "API_KEY", "new")  # an update without description keeps it
    assert api.get_space_secrets("alice/demo")["API_KEY"].description == "for the API"

    api.delete_space_secret("alice/demo", "API_KEY")
    api.delete_space_secret("alice/demo", "API_KEY")  # missing: not an error, as on the Hub
    assert list(api.get_space_secrets("alice/demo")) == ["OTHER"]


def test_variables_round_trip(api: HfApi) -> None:
    assert api.get_space_variables("alice/demo") == {}
    variables = api.add_space_variable("alice/demo", "MODEL_ID", "gpt2", description="which model")
    assert list(variables) == ["MODEL_ID"]
    variable = variables["MODEL_ID"]
    assert isinstance(variable, SpaceVariable)
    assert (variable.key, variable.value, variable.description) == ("MODEL_ID", "gpt2", "which model")
    variables = api.add_space_variable("alice/demo", "DEBUG", "1")
    assert {key: v.value for key, v in variables.items()} == {"DEBUG": "1", "MODEL_ID": "gpt2"}
    assert api.get_space_variables("alice/demo") == variables
    assert list(api.delete_space_variable("alice/demo", "DEBUG")) == ["MODEL_ID"]
    assert list(api.delete_space_variable("alice/demo", "DEBUG")) == ["MODEL_ID"]


def test_invalid_keys_are_refused(api: HfApi) -> None:
    with pytest.raises(BadRequestError, match="Invalid key '1ABC'"):
        api.add_space_variable("alice/demo", "1ABC", "x")
    with pytest.raises(BadRequestError, match="Invalid key 'A-B'"):
        api.add_space_secret("alice/demo", "A-B", "x")


def test_bad_settings_are_bad_requests(api: HfApi) -> None:
    with pytest.raises(BadRequestError, match="Invalid hardware flavor 't4-huge'"):
        api.request_space_hardware("alice/demo", "t4-huge")  # type: ignore[arg-type]
    with pytest.raises(BadRequestError, match="Invalid storage tier 'huge'"), pytest.warns(FutureWarning):
        api.request_space_storage("alice/demo", "huge")  # type: ignore[arg-type]
    with pytest.raises(BadRequestError, match="Invalid sleep time 0"):
        api.request_space_hardware("alice/demo", "t4-small", sleep_time=0)
    with pytest.raises(BadRequestError, match="no persistent storage"), pytest.warns(FutureWarning):
        api.delete_space_storage("alice/demo")
    with pytest.raises(BadRequestError, match="no volumes attached"):
        api.delete_space_volumes("alice/demo")
    with pytest.raises(BadRequestError, match="mountPath 'data' must be an absolute path"):
        api.set_space_volumes("alice/demo", [Volume(source="alice/weights", mount_path="data")])
    with pytest.raises(BadRequestError, match="two volumes are mounted at '/m'"):
        api.set_space_volumes(
            "alice/demo",
            [Volume(source="a/b", mount_path="/m"), Volume(type="dataset", source="a/c", mount_path="/m")],
        )
    runtime = api.get_space_runtime("alice/demo")  # nothing was changed by the refused requests
    assert (runtime.requested_hardware, runtime.storage, runtime.volumes) == ("cpu-basic", None, None)


def test_static_spaces_cannot_be_paused_restarted_or_given_volumes(api: HfApi) -> None:
    api.create_repo("alice/site", repo_type="space", space_sdk="static")
    for call in (api.pause_space, api.restart_space, api.enable_space_dev_mode):
        with pytest.raises(BadRequestError, match="Static Spaces are always running"):
            call("alice/site")
    with pytest.raises(BadRequestError, match="Static Spaces"):
        api.set_space_volumes("alice/site", [Volume(source="a/b", mount_path="/m")])
    assert api.request_space_hardware("alice/site", "cpu-upgrade").requested_hardware == "cpu-upgrade"


def test_runtime_of_missing_space_or_of_a_model(api: HfApi) -> None:
    with pytest.raises(RepositoryNotFoundError):
        api.get_space_runtime("alice/nope")
    api.create_repo("alice/model")
    with pytest.raises(RepositoryNotFoundError):
        api.get_space_runtime("alice/model")  # a model is not a Space


def test_private_space_is_invisible_to_others(api: HfApi, bob: HfApi, local_hub: LocalHub) -> None:
    api.create_repo("alice/private", repo_type="space", space_sdk="gradio", private=True)
    with pytest.raises(RepositoryNotFoundError):
        bob.get_space_runtime("alice/private")
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=local_hub.endpoint, token=False).get_space_runtime("alice/private")
    with pytest.raises(RepositoryNotFoundError):
        bob.pause_space("alice/private")


def test_others_read_but_cannot_change_a_public_space(api: HfApi, bob: HfApi, local_hub: LocalHub) -> None:
    api.add_space_variable("alice/demo", "MODE", "demo")
    api.add_space_secret("alice/demo", "KEY", "x")
    assert bob.get_space_runtime("alice/demo").stage == "NO_APP_FILE"
    assert list(bob.get_space_variables("alice/demo")) == ["MODE"]
    assert HfApi(endpoint=local_hub.endpoint, token=False).get_space_runtime("alice/demo").stage == "NO_APP_FILE"
    calls = [
        lambda: bob.pause_space("alice/demo"),
        lambda: bob.restart_space("alice/demo"),
        lambda: bob.request_space_hardware("alice/demo", "t4-small"),
        lambda: bob.set_space_sleep_time("alice/demo", 60),
        lambda: bob.enable_space_dev_mode("alice/demo"),
        lambda: bob.add_space_secret("alice/demo", "K", "v"),
        lambda: bob.delete_space_variable("alice/demo", "MODE"),
        lambda: bob.get_space_secrets("alice/demo"),
        lambda: bob.set_space_volumes("alice/demo", [Volume(source="a/b", mount_path="/m")]),
    ]
    for call in calls:
        with pytest.raises(HfHubHTTPError) as error:
            call()
        assert error.value.response.status_code == 403
    anonymous = HfApi(endpoint=local_hub.endpoint, token=False)
    with pytest.raises(RepositoryNotFoundError):  # 401 for anonymous writes, as for other repository writes
        anonymous.pause_space("alice/demo")
    assert list(api.get_space_variables("alice/demo")) == ["MODE"]
    assert api.get_space_runtime("alice/demo").stage == "NO_APP_FILE"


def test_read_token_cannot_change_own_space(api: HfApi, local_hub: LocalHub) -> None:
    reader = HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("alice", role="read"))
    assert reader.get_space_runtime("alice/demo").requested_hardware == "cpu-basic"
    with pytest.raises(HfHubHTTPError, match="read access") as error:
        reader.pause_space("alice/demo")
    assert error.value.response.status_code == 403


def test_deleting_a_space_deletes_its_settings(api: HfApi) -> None:
    api.add_space_variable("alice/demo", "A", "1")
    api.request_space_hardware("alice/demo", "t4-small")
    api.delete_repo("alice/demo", repo_type="space")
    api.create_repo("alice/demo", repo_type="space", space_sdk="gradio")
    assert api.get_space_variables("alice/demo") == {}
    assert api.get_space_runtime("alice/demo").requested_hardware == "cpu-basic"
    assert list(api.fetch_space_logs("alice/demo")) == []


def test_settings_given_at_creation_are_stored(api: HfApi) -> None:
    api.create_repo("alice/model-weights")
    with pytest.warns(FutureWarning):  # space_storage is deprecated
        api.create_repo(
            "alice/configured",
            repo_type="space",
            space_sdk="docker",
            space_hardware="t4-medium",
            space_sleep_time=600,
            space_storage="small",
            space_secrets=[{"key": "TOKEN", "value": "s", "description": "a token"}],
            space_variables=[{"key": "MODE", "value": "prod"}],
            space_volumes=[Volume(source="alice/model-weights", mount_path="/w")],
        )
    runtime = api.get_space_runtime("alice/configured")
    assert (runtime.requested_hardware, runtime.sleep_time, runtime.storage) == ("t4-medium", 600, "small")
    assert runtime.volumes == [Volume(type="model", source="alice/model-weights", mount_path="/w")]
    assert api.get_space_secrets("alice/configured")["TOKEN"].description == "a token"
    assert api.get_space_variables("alice/configured")["MODE"].value == "prod"

    api.duplicate_repo(
        "alice/configured",
        "alice/copy",
        repo_type="space",
        space_hardware="cpu-upgrade",
        space_variables=[{"key": "X", "value": "1"}],
    )
    assert api.get_space_runtime("alice/copy").requested_hardware == "cpu-upgrade"
    assert list(api.get_space_variables("alice/copy")) == ["X"]


def test_bad_settings_at_creation_create_nothing(api: HfApi) -> None:
    with pytest.raises(BadRequestError, match="Invalid hardware flavor"):
        api.create_repo("alice/bad", repo_type="space", space_sdk="gradio", space_hardware="t4-huge")  # type: ignore[arg-type]
    with pytest.raises(BadRequestError, match="Invalid key"):
        api.create_repo(
            "alice/bad", repo_type="space", space_sdk="gradio", space_variables=[{"key": "a b", "value": ""}]
        )
    assert not api.repo_exists("alice/bad", repo_type="space")
