"""Users and organisations against the local Hub: overviews with real counts, members, followers and followings
(follows created with `LocalHub.add_follow`), pages, and 404s."""

import os
import subprocess
import sys

import pytest
import requests
from _seed import create_repo

from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.hf_api import Organization, User
from huggingface_hub.local_hub import LocalHub
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status


@pytest.fixture
def hub(local_hub: LocalHub, alice_token: str) -> dict[str, str]:
    tokens = {"alice": alice_token, "bob": local_hub.create_user("bob"), "carol": local_hub.create_user("carol")}
    local_hub.create_org("acme", ["alice", "bob"])
    endpoint = local_hub.endpoint
    create_repo(endpoint, alice_token, "alice/m1")
    create_repo(endpoint, alice_token, "alice/m2")
    create_repo(endpoint, alice_token, "alice/secret", private=True)
    create_repo(endpoint, alice_token, "alice/d1", repo_type="dataset")
    create_repo(endpoint, alice_token, "acme/m", private=False)
    for follower, target in [("bob", "alice"), ("carol", "alice"), ("alice", "bob"), ("bob", "acme")]:
        local_hub.add_follow(follower, target)
    local_hub.add_follow("bob", "alice")  # idempotent
    bob = HfApi(endpoint=endpoint, token=tokens["bob"])
    response = get_session().post(f"{endpoint}/api/models/alice/m1/like", headers=build_hf_headers(token=bob.token))
    hf_raise_for_status(response)
    bob.create_discussion("alice/m1", title="Question")
    return tokens


def test_user_overview_counts(local_hub: LocalHub, hub: dict[str, str]) -> None:
    anonymous = HfApi(endpoint=local_hub.endpoint, token=False)
    alice = anonymous.get_user_overview("alice")
    assert isinstance(alice, User)
    assert (alice.username, alice.fullname, alice.user_type) == ("alice", "alice", "user")
    assert alice.avatar_url.endswith("/avatars/alice.svg")
    # Private repositories count only for members of their namespace.
    assert (alice.num_models, alice.num_datasets, alice.num_spaces) == (2, 1, 0)
    assert (alice.num_followers, alice.num_following, alice.is_following) == (2, 1, False)
    assert [org.name for org in alice.orgs] == ["acme"] and isinstance(alice.orgs[0], Organization)
    as_alice = HfApi(endpoint=local_hub.endpoint, token=hub["alice"]).get_user_overview("alice")
    assert as_alice.num_models == 3
    as_bob = HfApi(endpoint=local_hub.endpoint, token=hub["bob"])
    assert as_bob.get_user_overview("alice").is_following is True
    bob = as_bob.get_user_overview("bob")
    # Bob follows alice and the acme organisation: only users count as "following".
    assert (bob.num_likes, bob.num_discussions, bob.num_following, bob.num_followers) == (1, 1, 1, 1)
    assert (bob.num_papers, bob.num_upvotes) == (0, 0)


def test_organization_overview(local_hub: LocalHub, hub: dict[str, str]) -> None:
    api = HfApi(endpoint=local_hub.endpoint, token=hub["bob"])
    acme = api.get_organization_overview("acme")
    assert isinstance(acme, Organization)
    assert (acme.name, acme.num_users, acme.num_models, acme.num_followers, acme.is_following) == (
        "acme",
        2,
        1,
        1,
        True,
    )
    assert (
        HfApi(endpoint=local_hub.endpoint, token=hub["carol"]).get_organization_overview("acme").is_following is False
    )


def test_member_and_follow_lists(local_hub: LocalHub, hub: dict[str, str]) -> None:
    api = HfApi(endpoint=local_hub.endpoint, token=False)
    assert sorted(u.username for u in api.list_organization_members("acme")) == ["alice", "bob"]
    assert [u.username for u in api.list_organization_followers("acme")] == ["bob"]
    followers = list(api.list_user_followers("alice"))
    assert sorted(u.username for u in followers) == ["bob", "carol"]
    assert all(isinstance(u, User) and u.avatar_url for u in followers)
    assert [u.username for u in api.list_user_following("bob")] == ["alice"]
    assert [u.username for u in api.list_user_following("carol")] == ["alice"]
    assert list(api.list_user_followers("carol")) == []


def test_missing_accounts_are_404(local_hub: LocalHub, hub: dict[str, str]) -> None:
    api = HfApi(endpoint=local_hub.endpoint, token=hub["alice"])
    calls = [
        lambda: api.get_user_overview("nobody"),
        lambda: api.get_user_overview("acme"),  # an organisation, not a user
        lambda: api.get_organization_overview("alice"),  # a user, not an organisation
        lambda: api.get_organization_overview("nobody"),
        lambda: list(api.list_organization_members("nobody")),
        lambda: list(api.list_organization_followers("nobody")),
        lambda: list(api.list_user_followers("nobody")),
        lambda: list(api.list_user_following("nobody")),
    ]
    for call in calls:
        with pytest.raises(HfHubHTTPError) as error:
            call()
        assert error.value.response.status_code == 404


def test_followers_are_paginated(local_hub: LocalHub, hub: dict[str, str]) -> None:
    names = [f"fan{i:03}" for i in range(103)]
    for name in names:
        local_hub.create_user(name)
        local_hub.add_follow(name, "carol")
    first = requests.get(f"{local_hub.endpoint}/api/users/carol/followers", timeout=30)
    assert len(first.json()) == 100 and 'rel="next"' in first.headers["link"]
    api = HfApi(endpoint=local_hub.endpoint, token=False)
    assert sorted(u.username for u in api.list_user_followers("carol")) == names
    assert api.get_user_overview("carol").num_followers == 103


def test_add_follow_refuses_bad_follows(local_hub: LocalHub, hub: dict[str, str]) -> None:
    for follower, target in [("nobody", "alice"), ("alice", "nobody"), ("alice", "alice"), ("acme", "alice")]:
        with pytest.raises(ValueError):
            local_hub.add_follow(follower, target)
    with pytest.raises(ValueError):
        local_hub.add_follow("a:b", "alice")


def test_hf_serve_creates_follows(tmp_path) -> None:
    env = dict(os.environ, HF_HUB_DISABLE_UPDATE_CHECK="1")
    args = ["--user", "alice", "--user", "bob", "--org", "acme:alice", "--follow", "bob:alice", "--follow", "bob:acme"]
    process = subprocess.Popen(
        [sys.executable, "-m", "huggingface_hub.cli.hf", "serve", str(tmp_path / "hub"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        endpoint = process.stdout.readline().strip()
        api = HfApi(endpoint=endpoint, token=False)
        assert [u.username for u in api.list_user_followers("alice")] == ["bob"]
        assert api.get_organization_overview("acme").num_followers == 1
    finally:
        process.terminate()
        process.communicate(timeout=120)
    # A follow of an unknown account stops the start, saying why.
    bad = subprocess.run(
        [sys.executable, "-m", "huggingface_hub.cli.hf", "serve", str(tmp_path / "hub2"), "--follow", "x:y"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 1 and "User x not found" in bad.stderr
