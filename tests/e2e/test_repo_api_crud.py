"""Creating and deleting repositories against the local Hub, with the errors upstream raises."""

import pytest

from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.hf_api import HfApi, RepoUrl
from huggingface_hub.local_hub import LocalHub


@pytest.fixture
def apis(local_hub: LocalHub, alice_token: str) -> dict:
    local_hub.create_org("acme", ["alice"])
    return {
        "endpoint": local_hub.endpoint,
        "alice": HfApi(endpoint=local_hub.endpoint, token=alice_token),
        "bob": HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("bob")),
        "reader": HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("carol", role="read")),
        "anonymous": HfApi(endpoint=local_hub.endpoint, token=False),
    }


def status_of(error: pytest.ExceptionInfo) -> int:
    return error.value.response.status_code


def test_create_repo_returns_its_url(apis: dict) -> None:
    url = apis["alice"].create_repo("alice/model")
    assert isinstance(url, RepoUrl)
    assert url == f"{apis['endpoint']}/alice/model"
    assert (url.repo_id, url.repo_type, url.namespace, url.repo_name) == ("alice/model", "model", "alice", "model")
    assert url.endpoint == apis["endpoint"]
    assert apis["alice"].model_info("alice/model").private is False

    dataset = apis["alice"].create_repo("alice/data", repo_type="dataset", private=True)
    assert dataset == f"{apis['endpoint']}/datasets/alice/data" and dataset.repo_type == "dataset"
    assert apis["alice"].dataset_info("alice/data").private is True

    space = apis["alice"].create_repo("alice/app", repo_type="space", space_sdk="docker", visibility="private")
    assert space.repo_type == "space" and apis["alice"].space_info("alice/app").sdk == "docker"
    assert apis["alice"].space_info("alice/app").private is True


def test_create_repo_without_namespace_uses_the_token_owner(apis: dict) -> None:
    url = apis["alice"].create_repo("bare")
    assert url.repo_id == "alice/bare"
    assert apis["alice"].repo_exists("alice/bare")


def test_create_repo_in_an_organization(apis: dict) -> None:
    assert apis["alice"].create_repo("acme/shared").repo_id == "acme/shared"
    with pytest.raises(HfHubHTTPError) as refused:
        apis["bob"].create_repo("acme/intruder")
    assert status_of(refused) == 403
    assert not apis["alice"].repo_exists("acme/intruder")


def test_create_repo_conflict_and_exist_ok(apis: dict) -> None:
    apis["alice"].create_repo("alice/model")
    with pytest.raises(HfHubHTTPError) as conflict:
        apis["alice"].create_repo("alice/model")
    assert status_of(conflict) == 409
    again = apis["alice"].create_repo("alice/model", exist_ok=True)
    assert again.repo_id == "alice/model" and again == f"{apis['endpoint']}/alice/model"


def test_exist_ok_without_creation_rights(apis: dict) -> None:
    apis["alice"].create_repo("alice/public-one")
    apis["alice"].create_repo("alice/private-one", private=True)
    # Bob may not create in alice's namespace, but a public repository he can see is "existing, ok".
    url = apis["bob"].create_repo("alice/public-one", exist_ok=True)
    assert url.repo_id == "alice/public-one" and url.endpoint == apis["endpoint"]
    with pytest.raises(HfHubHTTPError) as refused:
        apis["bob"].create_repo("alice/private-one", exist_ok=True)
    assert status_of(refused) == 403
    with pytest.raises(HfHubHTTPError) as anonymous:
        apis["anonymous"].create_repo("alice/new-one")
    assert status_of(anonymous) == 401


def test_read_token_cannot_create(apis: dict) -> None:
    with pytest.raises(HfHubHTTPError) as refused:
        apis["reader"].create_repo("carol/model")
    assert status_of(refused) == 403
    assert "read access" in str(refused.value)


def test_create_repo_arguments(apis: dict) -> None:
    api = apis["alice"]
    with pytest.raises(ValueError, match="Invalid repo type"):
        api.create_repo("alice/x", repo_type="bucket")
    with pytest.raises(ValueError, match="No space_sdk provided"):
        api.create_repo("alice/x", repo_type="space")
    with pytest.raises(ValueError, match="Invalid space_sdk"):
        api.create_repo("alice/x", repo_type="space", space_sdk="flask")
    with pytest.raises(ValueError, match="both `private` and `visibility`"):
        api.create_repo("alice/x", private=True, visibility="private")
    with pytest.raises(ValueError, match="Only Spaces can be 'protected'"):
        api.create_repo("alice/x", visibility="protected")
    with pytest.warns(UserWarning, match="Ignoring provided space_sdk"):
        api.create_repo("alice/warned", space_sdk="gradio")
    with pytest.warns(UserWarning, match="Ignoring provided space_hardware, space_sleep_time"):
        api.create_repo("alice/warned2", space_hardware="t4-small", space_sleep_time=60)
    assert not api.repo_exists("alice/x")


def test_delete_repo(apis: dict) -> None:
    api = apis["alice"]
    api.create_repo("alice/doomed")
    api.create_repo("alice/doomed-data", repo_type="dataset")
    api.delete_repo("alice/doomed")
    api.delete_repo("alice/doomed-data", repo_type="dataset")
    assert not api.repo_exists("alice/doomed") and not api.repo_exists("alice/doomed-data", repo_type="dataset")
    with pytest.raises(RepositoryNotFoundError):
        api.delete_repo("alice/doomed")
    api.delete_repo("alice/doomed", missing_ok=True)
    with pytest.raises(ValueError, match="Invalid repo type"):
        api.delete_repo("alice/doomed", repo_type="bucket")


def test_delete_repo_needs_rights(apis: dict) -> None:
    apis["alice"].create_repo("alice/kept")
    with pytest.raises(HfHubHTTPError):
        apis["bob"].delete_repo("alice/kept")
    with pytest.raises(HfHubHTTPError):
        apis["reader"].delete_repo("alice/kept")
    assert apis["alice"].repo_exists("alice/kept")


def test_module_level_create_and_delete(apis: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import hf_api

    monkeypatch.setattr(hf_api.api, "endpoint", apis["endpoint"])
    token = apis["alice"].token
    assert hf_api.create_repo("alice/via-module", token=token).repo_id == "alice/via-module"
    hf_api.delete_repo("alice/via-module", token=token)
    assert not hf_api.repo_exists("alice/via-module", token=token)
