"""Repository settings, moves, duplicates, access checks and history squashing against the local Hub."""

import pytest

from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.hf_api import HfApi, RepoUrl
from huggingface_hub.local_hub import LocalHub
from tests.e2e._seed import commit


@pytest.fixture
def hub(local_hub: LocalHub, alice_token: str) -> dict:
    local_hub.create_org("acme", ["alice"])
    alice = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    alice.create_repo("alice/model")
    first = commit(local_hub.endpoint, alice_token, "alice/model", files={"a.txt": b"1"}, summary="one")
    second = commit(local_hub.endpoint, alice_token, "alice/model", files={"b.txt": b"2"}, summary="two")
    return {
        "endpoint": local_hub.endpoint,
        "token": alice_token,
        "alice": alice,
        "bob": HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("bob")),
        "reader": HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("alice-reader", role="read")),
        "anonymous": HfApi(endpoint=local_hub.endpoint, token=False),
        "commits": [first, second],
    }


def test_visibility(hub: dict) -> None:
    alice, bob = hub["alice"], hub["bob"]
    alice.update_repo_settings("alice/model", private=True)
    assert alice.model_info("alice/model").private is True
    with pytest.raises(RepositoryNotFoundError):
        bob.model_info("alice/model")
    alice.update_repo_settings("alice/model", visibility="public")
    assert bob.model_info("alice/model").private is False


def test_gating(hub: dict) -> None:
    alice, bob = hub["alice"], hub["bob"]
    alice.update_repo_settings("alice/model", gated="manual")
    assert alice.model_info("alice/model").gated == "manual"
    with pytest.raises(GatedRepoError):
        bob.auth_check("alice/model")
    assert bob.repo_exists("alice/model")  # gated repositories exist for everyone
    alice.update_repo_settings("alice/model", gated="auto")
    assert alice.model_info("alice/model").gated == "auto"
    alice.update_repo_settings("alice/model", gated=False)
    assert alice.model_info("alice/model").gated is False
    bob.auth_check("alice/model")


def test_settings_need_rights(hub: dict) -> None:
    with pytest.raises(HfHubHTTPError) as refused:
        hub["bob"].update_repo_settings("alice/model", private=True)
    assert refused.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError):
        hub["reader"].update_repo_settings("alice/model", private=True)
    with pytest.raises(RepositoryNotFoundError):
        hub["alice"].update_repo_settings("alice/missing", private=True)
    assert hub["alice"].model_info("alice/model").private is False


def test_auth_check(hub: dict) -> None:
    alice, bob = hub["alice"], hub["bob"]
    alice.auth_check("alice/model")
    alice.auth_check("alice/model", write=True)
    bob.auth_check("alice/model")
    with pytest.raises(HfHubHTTPError) as no_write:
        bob.auth_check("alice/model", write=True)
    assert no_write.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError):
        hub["reader"].auth_check("alice/model", write=True)
    with pytest.raises(RepositoryNotFoundError):
        alice.auth_check("alice/missing")
    alice.create_repo("alice/secret", repo_type="dataset", private=True)
    alice.auth_check("alice/secret", repo_type="dataset")
    with pytest.raises(RepositoryNotFoundError):
        bob.auth_check("alice/secret", repo_type="dataset")


def test_move_repo_and_redirects(hub: dict) -> None:
    alice = hub["alice"]
    alice.move_repo("alice/model", "acme/renamed")
    assert alice.model_info("acme/renamed").id == "acme/renamed"
    # The old name redirects (307) to the new one, for the API and for downloads.
    assert alice.model_info("alice/model").id == "acme/renamed"
    assert alice.file_exists("alice/model", "a.txt")
    assert sorted(alice.list_repo_files("alice/model")) == [".gitattributes", "a.txt", "b.txt"]

    alice.create_repo("alice/taken")
    with pytest.raises(HfHubHTTPError) as conflict:
        alice.move_repo("acme/renamed", "alice/taken")
    assert "renaming-or-transferring-a-repo" in str(conflict.value)
    with pytest.raises(HfHubHTTPError):
        hub["bob"].move_repo("acme/renamed", "bob/stolen")
    with pytest.raises(RepositoryNotFoundError):
        alice.move_repo("alice/missing", "alice/other")


def test_move_dataset(hub: dict) -> None:
    alice = hub["alice"]
    alice.create_repo("alice/data", repo_type="dataset")
    alice.move_repo("alice/data", "alice/data2", repo_type="dataset")
    assert alice.dataset_info("alice/data2").id == "alice/data2"
    assert not alice.repo_exists("alice/data", repo_type="model")


def test_duplicate_repo(hub: dict) -> None:
    alice, bob = hub["alice"], hub["bob"]
    copy = alice.duplicate_repo("alice/model", "alice/copy")
    assert isinstance(copy, RepoUrl) and copy.repo_id == "alice/copy" and copy == f"{hub['endpoint']}/alice/copy"
    assert [c.title for c in alice.list_repo_commits("alice/copy")][:2] == ["two", "one"]
    assert sorted(alice.list_repo_files("alice/copy")) == [".gitattributes", "a.txt", "b.txt"]

    # Without a target, the copy keeps the name in the caller's namespace.
    assert bob.duplicate_repo("alice/model").repo_id == "bob/model"
    private = alice.duplicate_repo("alice/model", "acme/private-copy", private=True)
    assert alice.model_info(private.repo_id).private is True

    with pytest.raises(HfHubHTTPError) as conflict:
        alice.duplicate_repo("alice/model", "alice/copy")
    assert conflict.value.response.status_code == 409
    assert alice.duplicate_repo("alice/model", "alice/copy", exist_ok=True).repo_id == "alice/copy"
    with pytest.raises(RepositoryNotFoundError):
        alice.duplicate_repo("alice/missing", "alice/copy2")


def test_duplicate_space(hub: dict) -> None:
    alice = hub["alice"]
    alice.create_repo("alice/app", repo_type="space", space_sdk="static")
    url = alice.duplicate_repo("alice/app", "alice/app2", repo_type="space")
    assert url.repo_type == "space" and alice.space_info("alice/app2").sdk == "static"
    with pytest.warns(FutureWarning, match="duplicate_repo"):
        old_style = alice.duplicate_space("alice/app", "alice/app3")
    assert old_style.repo_id == "alice/app3" and old_style.repo_type == "space"


def test_super_squash_history(hub: dict) -> None:
    alice = hub["alice"]
    alice.create_branch("alice/model", branch="dev")
    files_before = sorted(alice.list_repo_files("alice/model"))
    alice.super_squash_history("alice/model")
    (squashed,) = alice.list_repo_commits("alice/model")
    assert squashed.title == "Super-squash branch 'main' using huggingface_hub"
    assert sorted(alice.list_repo_files("alice/model")) == files_before
    assert len(alice.list_repo_commits("alice/model", revision="dev")) == 3  # other branches keep their history

    alice.super_squash_history("alice/model", branch="dev", commit_message="Squashed dev")
    assert [c.title for c in alice.list_repo_commits("alice/model", revision="dev")] == ["Squashed dev"]

    alice.create_tag("alice/model", tag="v1")
    # Only branches can be squashed: a tag is "Invalid rev id", as when deleting it like a branch.
    with pytest.raises(RevisionNotFoundError, match="Invalid rev id"):
        alice.super_squash_history("alice/model", branch="v1")
    with pytest.raises(RevisionNotFoundError):
        alice.super_squash_history("alice/model", branch="nope")
    with pytest.raises(HfHubHTTPError):
        hub["bob"].super_squash_history("alice/model")
    with pytest.raises(ValueError, match="Invalid repo type"):
        alice.super_squash_history("alice/model", repo_type="kernel")
