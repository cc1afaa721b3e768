"""Gated repositories against the local Hub: users ask for access, owners list, accept, reject, cancel and grant,
and downloads follow the decisions."""

import subprocess
import sys
from datetime import datetime

import pytest
import requests
from _seed import commit, create_repo

from huggingface_hub import HfApi
from huggingface_hub.errors import BadRequestError, GatedRepoError, HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.hf_api import AccessRequest
from huggingface_hub.local_hub import LocalHub
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

REPO = "alice/gated"


def _set_gated(hub: LocalHub, repo_id: str, gated: str, repo_type: str = "model") -> None:
    """Set a repository's gating mode where the server reads it on every request.

    Written to the database rather than through `PUT .../settings` because that route comes from another branch
    of this project (the column is the same). From a child process: a second SQLite library in this process (the
    server's is inside the extension) would drop the server's file locks when it closes the database.
    """
    namespace, name = repo_id.split("/")
    script = (
        "import sqlite3, sys\n"
        "with sqlite3.connect(sys.argv[1], timeout=30) as db:\n"
        "    changed = db.execute('UPDATE repos SET gated = ? WHERE type = ? AND namespace = ? AND name = ?',\n"
        "                         sys.argv[2:6]).rowcount\n"
        "sys.exit(0 if changed == 1 else 1)\n"
    )
    args = [str(hub.data_dir / "hub.sqlite"), gated, repo_type, namespace, name]
    subprocess.run([sys.executable, "-c", script, *args], check=True, timeout=60)


def _ask_access(api: HfApi, repo_id: str = REPO, **fields: str) -> requests.Response:
    """What the Hub's gate form does (no client method exists for it, upstream neither)."""
    return get_session().post(
        f"{api.endpoint}/api/models/{repo_id}/ask-access", json=fields, headers=build_hf_headers(token=api.token)
    )


def _download(api: HfApi, path: str = "weights.bin") -> requests.Response:
    return get_session().get(f"{api.endpoint}/{REPO}/resolve/main/{path}", headers=build_hf_headers(token=api.token))


def _status(error: pytest.ExceptionInfo[HfHubHTTPError]) -> int:
    assert error.value.response is not None
    return error.value.response.status_code


@pytest.fixture
def api(local_hub: LocalHub, alice_token: str) -> HfApi:
    create_repo(local_hub.endpoint, alice_token, REPO)
    commit(local_hub.endpoint, alice_token, REPO, {"weights.bin": b"\x00secret"})
    _set_gated(local_hub, REPO, "manual")
    return HfApi(endpoint=local_hub.endpoint, token=alice_token)


@pytest.fixture
def bob(local_hub: LocalHub) -> HfApi:
    return HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("bob"))


@pytest.fixture
def carol(local_hub: LocalHub) -> HfApi:
    return HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("carol"))


def test_a_request_goes_from_pending_to_accepted(api: HfApi, bob: HfApi) -> None:
    with pytest.raises(GatedRepoError):
        hf_raise_for_status(_download(bob))
    assert list(api.list_pending_access_requests(REPO)) == []

    hf_raise_for_status(_ask_access(bob, company="ACME", reason="research"))
    (pending,) = api.list_pending_access_requests(REPO)
    assert isinstance(pending, AccessRequest)
    assert (pending.username, pending.status) == ("bob", "pending")
    assert isinstance(pending.fullname, str)
    assert pending.fields == {"company": "ACME", "reason": "research"}
    assert isinstance(pending.timestamp, datetime)
    assert pending.email  # owners see it
    with pytest.raises(GatedRepoError):  # still waiting
        hf_raise_for_status(_download(bob))

    api.accept_access_request(REPO, "bob")
    assert list(api.list_pending_access_requests(REPO)) == []
    assert [(r.username, r.status) for r in api.list_accepted_access_requests(REPO)] == [("bob", "accepted")]
    downloaded = _download(bob)
    hf_raise_for_status(downloaded)
    assert downloaded.content == b"\x00secret"


def test_reject_with_a_reason_then_cancel(api: HfApi, bob: HfApi) -> None:
    hf_raise_for_status(_ask_access(bob))
    api.reject_access_request(REPO, "bob", rejection_reason="Not a researcher")
    assert [(r.username, r.status) for r in api.list_rejected_access_requests(REPO)] == [("bob", "rejected")]
    with pytest.raises(GatedRepoError):
        hf_raise_for_status(_download(bob))

    api.cancel_access_request(REPO, "bob")  # back to pending
    assert [r.username for r in api.list_pending_access_requests(REPO)] == ["bob"]
    assert list(api.list_rejected_access_requests(REPO)) == []

    # A reason only goes with a rejection (checked by the client before sending anything).
    with pytest.raises(ValueError, match="rejection_reason"):
        api._handle_access_request(REPO, "bob", "accepted", rejection_reason="why not")
    api.reject_access_request(REPO, "bob", rejection_reason=None)
    assert [r.username for r in api.list_rejected_access_requests(REPO)] == ["bob"]


def test_grant_access_without_a_request(api: HfApi, carol: HfApi) -> None:
    api.grant_access(REPO, "carol")
    (granted,) = api.list_accepted_access_requests(REPO)
    assert (granted.username, granted.status, granted.fields) == ("carol", "accepted", None)
    hf_raise_for_status(_download(carol))
    # Granting twice is refused.
    with pytest.raises(BadRequestError):
        api.grant_access(REPO, "carol")
    with pytest.raises(HfHubHTTPError) as error:
        api.grant_access(REPO, "nobody")
    assert _status(error) == 404


def test_auto_gating_accepts_at_once(api: HfApi, bob: HfApi, local_hub: LocalHub, alice_token: str) -> None:
    _set_gated(local_hub, REPO, "auto")
    hf_raise_for_status(_ask_access(bob))
    assert [r.username for r in api.list_accepted_access_requests(REPO)] == ["bob"]
    hf_raise_for_status(_download(bob))


def test_listing_walks_every_page(api: HfApi, local_hub: LocalHub) -> None:
    count = 105  # more than one page of the listing
    for index in range(count):
        user = HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user(f"user{index:03d}"))
        hf_raise_for_status(_ask_access(user))
    assert sorted(r.username for r in api.list_pending_access_requests(REPO)) == [
        f"user{index:03d}" for index in range(count)
    ]


def test_only_the_owners_review_requests(api: HfApi, bob: HfApi, local_hub: LocalHub) -> None:
    hf_raise_for_status(_ask_access(bob))
    for attempt in (
        lambda: list(bob.list_pending_access_requests(REPO)),
        lambda: bob.accept_access_request(REPO, "bob"),
        lambda: bob.grant_access(REPO, "bob"),
    ):
        with pytest.raises(HfHubHTTPError) as error:
            attempt()
        assert _status(error) == 403
    assert [r.status for r in api.list_pending_access_requests(REPO)] == ["pending"]


def test_organization_members_need_a_write_token(local_hub: LocalHub, alice_token: str, bob: HfApi) -> None:
    local_hub.create_org("acme", ["alice", "dave"])
    dave_read = HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("dave", role="read"))
    create_repo(local_hub.endpoint, alice_token, "acme/gated")
    _set_gated(local_hub, "acme/gated", "manual")
    hf_raise_for_status(_ask_access(bob, "acme/gated"))

    with pytest.raises(HfHubHTTPError) as error:
        dave_read.accept_access_request("acme/gated", "bob")
    assert _status(error) == 403
    alice = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    alice.accept_access_request("acme/gated", "bob")
    assert [r.username for r in alice.list_accepted_access_requests("acme/gated")] == ["bob"]


def test_errors(api: HfApi, bob: HfApi, local_hub: LocalHub, alice_token: str) -> None:
    # Not gated.
    create_repo(local_hub.endpoint, alice_token, "alice/open")
    with pytest.raises(BadRequestError):
        list(api.list_pending_access_requests("alice/open"))
    # No such request, no such user.
    with pytest.raises(HfHubHTTPError) as error:
        api.accept_access_request(REPO, "bob")
    assert _status(error) == 404
    with pytest.raises(HfHubHTTPError) as error:
        api.accept_access_request(REPO, "nobody")
    assert _status(error) == 404
    # Missing or invisible repositories.
    with pytest.raises(RepositoryNotFoundError):
        list(api.list_pending_access_requests("alice/nothing"))
    create_repo(local_hub.endpoint, alice_token, "alice/private-gated", private=True)
    with pytest.raises(RepositoryNotFoundError):
        list(bob.list_pending_access_requests("alice/private-gated"))
    # Datasets have their own gate.
    create_repo(local_hub.endpoint, alice_token, "alice/gated-data", repo_type="dataset")
    _set_gated(local_hub, "alice/gated-data", "manual", repo_type="dataset")
    assert list(api.list_pending_access_requests("alice/gated-data", repo_type="dataset")) == []
