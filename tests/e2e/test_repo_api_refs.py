"""Refs, commits, branches and tags against the local Hub."""

import pytest

from huggingface_hub.errors import (
    BadRequestError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.hf_api import GitRefInfo, HfApi
from huggingface_hub.local_hub import LocalHub
from tests.e2e._seed import commit, create_repo


@pytest.fixture
def repo(local_hub: LocalHub, alice_token: str) -> dict:
    create_repo(local_hub.endpoint, alice_token, "alice/refs")
    first = commit(local_hub.endpoint, alice_token, "alice/refs", files={"a.txt": b"1"}, summary="first")
    second = commit(local_hub.endpoint, alice_token, "alice/refs", files={"a.txt": b"2"}, summary="second")
    reader = local_hub.create_user("reader", role="read")
    return {
        "endpoint": local_hub.endpoint,
        "token": alice_token,
        "api": HfApi(endpoint=local_hub.endpoint, token=alice_token),
        "bob": HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("bob")),
        "read_only": HfApi(endpoint=local_hub.endpoint, token=reader),
        "first": first,
        "second": second,
    }


def test_list_repo_refs(repo: dict) -> None:
    refs = repo["api"].list_repo_refs("alice/refs")
    assert refs.branches == [GitRefInfo(name="main", ref="refs/heads/main", target_commit=repo["second"])]
    assert refs.tags == [] and refs.converts == [] and refs.pull_requests is None
    assert repo["api"].list_repo_refs("alice/refs", include_pull_requests=True).pull_requests == []
    with pytest.raises(RepositoryNotFoundError):
        repo["api"].list_repo_refs("alice/missing")


def test_list_repo_commits(repo: dict) -> None:
    commits = repo["api"].list_repo_commits("alice/refs")
    assert [c.commit_id for c in commits[:2]] == [repo["second"], repo["first"]]
    assert [c.title for c in commits] == ["second", "first", "initial commit"]
    assert all(c.authors == ["alice"] and c.formatted_title is None for c in commits)
    assert commits[0].created_at >= commits[1].created_at

    at_first = repo["api"].list_repo_commits("alice/refs", revision=repo["first"][:8])
    assert [c.title for c in at_first] == ["first", "initial commit"]
    formatted = repo["api"].list_repo_commits("alice/refs", formatted=True)
    assert formatted[0].formatted_title is not None and "second" in formatted[0].formatted_title
    with pytest.raises(RevisionNotFoundError):
        repo["api"].list_repo_commits("alice/refs", revision="nope")


def test_list_repo_commits_follows_pages(repo: dict) -> None:
    # The server answers 100 commits per page.
    for i in range(101):
        commit(repo["endpoint"], repo["token"], "alice/refs", files={"n.txt": str(i).encode()}, summary=f"c{i}")
    commits = repo["api"].list_repo_commits("alice/refs")
    assert len(commits) == 101 + 3
    assert commits[0].title == "c100" and commits[-1].title == "initial commit"


def test_branches(repo: dict) -> None:
    api = repo["api"]
    api.create_branch("alice/refs", branch="dev", revision=repo["first"])
    api.create_branch("alice/refs", branch="feature/x")  # from main; the name is one URL segment
    branches = {b.name: b.target_commit for b in api.list_repo_refs("alice/refs").branches}
    assert branches == {"main": repo["second"], "dev": repo["first"], "feature/x": repo["second"]}
    assert [c.title for c in api.list_repo_commits("alice/refs", revision="feature/x")][0] == "second"

    with pytest.raises(HfHubHTTPError) as conflict:
        api.create_branch("alice/refs", branch="dev")
    assert conflict.value.response is not None and conflict.value.response.status_code == 409
    api.create_branch("alice/refs", branch="dev", exist_ok=True)
    with pytest.raises(BadRequestError):
        api.create_branch("alice/refs", branch="refs/pr/5")
    with pytest.raises(RevisionNotFoundError):
        api.create_branch("alice/refs", branch="other", revision="nope")

    api.delete_branch("alice/refs", branch="feature/x")
    assert {b.name for b in api.list_repo_refs("alice/refs").branches} == {"main", "dev"}
    with pytest.raises(HfHubHTTPError):
        api.delete_branch("alice/refs", branch="main")
    with pytest.raises(HfHubHTTPError):
        api.delete_branch("alice/refs", branch="feature/x")


def test_branch_without_write_access(repo: dict) -> None:
    repo["api"].create_branch("alice/refs", branch="dev")
    # Bob may read but not write: the branch exists, so exist_ok is satisfied; a new one is refused.
    repo["bob"].create_branch("alice/refs", branch="dev", exist_ok=True)
    with pytest.raises(HfHubHTTPError) as refused:
        repo["bob"].create_branch("alice/refs", branch="new", exist_ok=True)
    assert refused.value.response is not None and refused.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError) as read_token:
        repo["read_only"].create_branch("alice/refs", branch="new")
    assert read_token.value.response is not None and read_token.value.response.status_code in (403, 404)


def test_tags(repo: dict) -> None:
    api = repo["api"]
    api.create_tag("alice/refs", tag="v1", revision=repo["first"], tag_message="first release")
    api.create_tag("alice/refs", tag="v2")
    tags = {t.name: t.target_commit for t in api.list_repo_refs("alice/refs").tags}
    assert tags == {"v1": repo["first"], "v2": repo["second"]}
    assert api.model_info("alice/refs", revision="v1").sha == repo["first"]

    with pytest.raises(HfHubHTTPError) as conflict:
        api.create_tag("alice/refs", tag="v1")
    assert conflict.value.response is not None and conflict.value.response.status_code == 409
    api.create_tag("alice/refs", tag="v1", exist_ok=True)
    with pytest.raises(RevisionNotFoundError):
        api.create_tag("alice/refs", tag="v3", revision="nope")
    with pytest.raises(HfHubHTTPError):
        api.create_tag("alice/refs", tag="bad name")

    api.delete_tag("alice/refs", tag="v1")
    assert [t.name for t in api.list_repo_refs("alice/refs").tags] == ["v2"]
    with pytest.raises(RevisionNotFoundError):
        api.delete_tag("alice/refs", tag="v1")
    with pytest.raises(HfHubHTTPError):
        repo["bob"].create_tag("alice/refs", tag="v9")
