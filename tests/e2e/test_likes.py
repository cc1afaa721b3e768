"""Likes against the local Hub: a user's liked repositories, a repository's likers, unliking.

There is no `like` method (upstream has none: the Hub does not let scripts like), so the tests like through the
route the website uses.
"""

import pytest
from _seed import create_repo

from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.hf_api import User, UserLikes
from huggingface_hub.local_hub import LocalHub
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status


def _like(api: HfApi, repo_id: str, repo_type: str = "model") -> None:
    response = get_session().post(
        f"{api.endpoint}/api/{repo_type}s/{repo_id}/like", headers=build_hf_headers(token=api.token)
    )
    hf_raise_for_status(response)


def _create_space(endpoint: str, token: str, repo_id: str) -> None:
    response = get_session().post(
        f"{endpoint}/api/repos/create",
        json={"name": repo_id, "type": "space", "sdk": "static"},
        headers=build_hf_headers(token=token),
    )
    hf_raise_for_status(response)


@pytest.fixture
def api(local_hub: LocalHub, alice_token: str) -> HfApi:
    create_repo(local_hub.endpoint, alice_token, "alice/bert")
    create_repo(local_hub.endpoint, alice_token, "alice/squad", repo_type="dataset")
    _create_space(local_hub.endpoint, alice_token, "alice/demo")
    return HfApi(endpoint=local_hub.endpoint, token=alice_token)


@pytest.fixture
def bob(local_hub: LocalHub) -> HfApi:
    return HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("bob"))


def test_liked_repositories_by_type(api: HfApi, bob: HfApi) -> None:
    _like(bob, "alice/bert")
    _like(bob, "alice/squad", "dataset")
    _like(bob, "alice/demo", "space")

    likes = bob.list_liked_repos()  # the token's user
    assert likes == UserLikes(
        user="bob", total=3, datasets=["alice/squad"], kernels=[], models=["alice/bert"], spaces=["alice/demo"]
    )
    assert api.list_liked_repos("bob") == likes  # anyone may look
    assert api.list_liked_repos() == UserLikes(user="alice", total=0, datasets=[], kernels=[], models=[], spaces=[])


def test_listings_count_and_sort_by_likes(api: HfApi, bob: HfApi, local_hub: LocalHub, alice_token: str) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/gpt")
    for liker in (api, bob):
        _like(liker, "alice/gpt")
    _like(bob, "alice/bert")
    _like(bob, "alice/squad", "dataset")

    by_likes = [(m.id, m.likes) for m in api.list_models(author="alice", sort="likes")]
    assert by_likes == [("alice/gpt", 2), ("alice/bert", 1)]
    assert [(d.id, d.likes) for d in api.list_datasets(author="alice")] == [("alice/squad", 1)]
    assert [(s.id, s.likes) for s in api.list_spaces(author="alice")] == [("alice/demo", 0)]
    assert [m.likes for m in api.list_models(author="alice", expand=["likes"], sort="likes")] == [2, 1]


def test_likers_and_unlike(api: HfApi, bob: HfApi, local_hub: LocalHub) -> None:
    _like(api, "alice/bert")
    _like(bob, "alice/bert")
    _like(bob, "alice/bert")  # liking twice counts once

    likers = list(api.list_repo_likers("alice/bert"))
    assert sorted(user.username for user in likers) == ["alice", "bob"]
    assert all(isinstance(user, User) and user.avatar_url for user in likers)
    assert list(api.list_repo_likers("alice/squad", repo_type="dataset")) == []

    bob.unlike("alice/bert")
    assert [user.username for user in api.list_repo_likers("alice/bert")] == ["alice"]
    assert bob.list_liked_repos().total == 0
    bob.unlike("alice/bert")  # unliking what one does not like is not an error
    assert [user.username for user in api.list_repo_likers("alice/bert")] == ["alice"]


def test_private_and_missing_repositories(api: HfApi, bob: HfApi, local_hub: LocalHub, alice_token: str) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/secret", private=True)
    _like(api, "alice/secret")
    assert api.list_liked_repos().models == ["alice/secret"]
    assert [user.username for user in api.list_repo_likers("alice/secret")] == ["alice"]

    with pytest.raises(RepositoryNotFoundError):
        list(bob.list_repo_likers("alice/secret"))
    with pytest.raises(RepositoryNotFoundError):
        bob.unlike("alice/secret")
    assert api.list_liked_repos().models == ["alice/secret"]
    with pytest.raises(RepositoryNotFoundError):
        api.unlike("alice/nothing")
    with pytest.raises(RepositoryNotFoundError):
        list(api.list_repo_likers("alice/squad"))  # a dataset, asked as a model


def test_anonymous_and_unknown_users(api: HfApi, local_hub: LocalHub) -> None:
    anonymous = HfApi(endpoint=local_hub.endpoint, token=False)
    with pytest.raises(HfHubHTTPError) as error:
        anonymous.unlike("alice/bert")
    assert error.value.response is not None and error.value.response.status_code == 401
    with pytest.raises(HfHubHTTPError) as error:
        api.list_liked_repos("nobody")
    assert error.value.response is not None and error.value.response.status_code == 404


def test_listings_walk_every_page(api: HfApi, local_hub: LocalHub, alice_token: str) -> None:
    count = 101  # more than one page of each listing
    for index in range(count):
        liker = HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user(f"user{index:03d}"))
        _like(liker, "alice/bert")
        create_repo(local_hub.endpoint, alice_token, f"alice/m{index:03d}")
        _like(api, f"alice/m{index:03d}")

    assert sorted(user.username for user in api.list_repo_likers("alice/bert")) == [
        f"user{index:03d}" for index in range(count)
    ]
    likes = api.list_liked_repos()
    assert (likes.total, sorted(likes.models)) == (count, [f"alice/m{index:03d}" for index in range(count)])
