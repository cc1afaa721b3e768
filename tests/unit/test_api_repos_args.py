"""Arguments the repository-management methods refuse before sending anything (no network: the endpoint is a
closed port, so a request would fail with a connection error instead of the expected `ValueError`)."""

import pytest

from huggingface_hub._api_repos import _target_of_duplicate
from huggingface_hub.hf_api import HfApi

api = HfApi(endpoint="http://127.0.0.1:9", token="hf_unused")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "At least one setting must be updated"),
        ({"gated": "sometimes"}, "Invalid gated status"),
        ({"gated": True}, "Invalid gated status"),
        ({"private": True, "visibility": "public"}, "both `private` and `visibility`"),
        ({"visibility": "protected"}, "Only Spaces can be 'protected'"),
        ({"gated": "auto", "repo_type": "kernel"}, "Invalid repo type"),
    ],
)
def test_update_repo_settings_refuses(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        api.update_repo_settings("alice/repo", **kwargs)


@pytest.mark.parametrize("from_id, to_id", [("repo", "alice/new"), ("alice/repo", "new"), ("a/b/c", "alice/new")])
def test_move_repo_needs_namespaces(from_id: str, to_id: str) -> None:
    with pytest.raises(ValueError, match="It should have a namespace"):
        api.move_repo(from_id, to_id)


def test_duplicate_repo_refuses() -> None:
    with pytest.raises(ValueError, match="Invalid repo type"):
        api.duplicate_repo("alice/repo", "alice/copy", repo_type="kernel")
    with pytest.raises(ValueError, match="both `private` and `visibility`"):
        api.duplicate_repo("alice/repo", "alice/copy", private=True, visibility="private")
    with pytest.warns(FutureWarning, match="Use `duplicate_repo` instead"), pytest.raises(ValueError, match="both"):
        api.duplicate_space("alice/space", "alice/copy", private=True, visibility="private")


def test_auth_check_refuses_unknown_types() -> None:
    with pytest.raises(ValueError, match="Invalid repo type"):
        api.auth_check("alice/repo", repo_type="kernel")


@pytest.mark.parametrize(
    "from_id, to_id, expected",
    [
        ("alice/repo", None, (None, "repo")),
        ("https://huggingface.co/spaces/alice/app", None, (None, "app")),
        ("alice/repo", "bob/copy", ("bob", "copy")),
        ("alice/repo", "copy", (None, "copy")),
        ("alice/repo", "hf://datasets/acme/copy", ("acme", "copy")),
    ],
)
def test_duplicate_target(from_id: str, to_id: str | None, expected: tuple) -> None:
    assert _target_of_duplicate(from_id, to_id) == expected


def test_get_full_repo_name_without_request() -> None:
    assert api.get_full_repo_name("model", organization="acme") == "acme/model"
    assert api.get_full_repo_name("alice/model") == "alice/alice/model"  # upstream's behaviour, kept
