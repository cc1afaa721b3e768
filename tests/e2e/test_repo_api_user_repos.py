"""`list_user_repos` and `hf repos ls` against the local Hub: every repository of a namespace with the bytes it uses
(distinct contents of its commits plus uploaded LFS objects, minus permanently deleted ones)."""

from datetime import datetime, timezone

import pytest
from _cli_runner import run_cli
from _seed import commit, create_repo

from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.hf_api import RepoStorageInfo
from huggingface_hub.local_hub import LocalHub
from huggingface_hub.utils import get_session

WEIGHTS = b"w" * 5000


@pytest.fixture
def api(local_hub: LocalHub, alice_token: str) -> HfApi:
    local_hub.create_org("acme", ["alice"])
    endpoint = local_hub.endpoint
    create_repo(endpoint, alice_token, "alice/big")
    commit(endpoint, alice_token, "alice/big", files={"a.txt": b"12345"}, lfs={"w.bin": WEIGHTS})
    commit(endpoint, alice_token, "alice/big", files={"a.txt": b"1234567"})  # history counts too
    create_repo(endpoint, alice_token, "alice/empty", repo_type="dataset", private=True)
    create_repo(endpoint, alice_token, "acme/org-model")
    return HfApi(endpoint=endpoint, token=alice_token)


def _gitattributes_size(api: HfApi, repo_id: str, repo_type: str) -> int:
    url = f"{api.endpoint}/{'datasets/' if repo_type == 'dataset' else ''}{repo_id}/resolve/main/.gitattributes"
    return len(get_session().get(url, headers={"authorization": f"Bearer {api.token}"}).content)


def test_storage_of_each_repository(api: HfApi) -> None:
    repos = list(api.list_user_repos())
    assert all(isinstance(r, RepoStorageInfo) for r in repos)
    by_id = {r.id: r for r in repos}
    assert sorted(by_id) == ["alice/big", "alice/empty"]  # not the organisation's
    gitattributes = _gitattributes_size(api, "alice/big", "model")
    big, empty = by_id["alice/big"], by_id["alice/empty"]
    assert big.storage == gitattributes + 5 + 7 + len(WEIGHTS)
    assert empty.storage == _gitattributes_size(api, "alice/empty", "dataset")
    assert (big.type, big.visibility, empty.type, empty.visibility) == ("model", "public", "dataset", "private")
    assert isinstance(big.updated_at, datetime)
    assert big.storage_percent == pytest.approx(100 * big.storage / (big.storage + empty.storage))
    assert [r.id for r in repos] == ["alice/big", "alice/empty"]  # largest first
    # A permanently deleted LFS object no longer counts.
    api.permanently_delete_lfs_files("alice/big", api.list_lfs_files("alice/big"))
    assert {r.id: r.storage for r in api.list_user_repos()}["alice/big"] == gitattributes + 5 + 7


def test_organisation_repositories_are_for_members(api: HfApi, local_hub: LocalHub) -> None:
    assert [r.id for r in api.list_user_repos(namespace="acme")] == ["acme/org-model"]
    bob = HfApi(endpoint=api.endpoint, token=local_hub.create_user("bob"))
    with pytest.raises(HfHubHTTPError) as error:
        list(bob.list_user_repos(namespace="acme"))
    assert error.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError) as error:
        list(api.list_user_repos(namespace="nobody"))
    assert error.value.response.status_code == 404
    with pytest.raises(HfHubHTTPError) as error:
        list(HfApi(endpoint=api.endpoint, token=False).list_user_repos())
    assert error.value.response.status_code == 401
    assert list(bob.list_user_repos()) == []


def test_hf_repos_ls(api: HfApi, tmp_path) -> None:
    run = run_cli(api.endpoint, api.token, tmp_path, "repos", "ls")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["ID", "TYPE", "UPDATED", "VISIBILITY", "STORAGE", "%_OF_TOTAL"]
    assert lines[2].split()[:4] == ["alice/big", "model", datetime.now(timezone.utc).strftime("%Y-%m-%d"), "public"]
    run = run_cli(api.endpoint, api.token, tmp_path, "repos", "list", "--type", "dataset", "-q")
    assert run.stdout == "alice/empty\n"
    run = run_cli(api.endpoint, api.token, tmp_path, "repos", "ls", "--search", "BIG", "--format", "json")
    assert '"id": "alice/big"' in run.stdout and "alice/empty" not in run.stdout
    run = run_cli(api.endpoint, api.token, tmp_path, "repos", "ls", "--limit", "1")
    assert "alice/empty" not in run.stdout and "Showing 1 of 2 repos" in run.stdout + run.stderr
    run = run_cli(api.endpoint, api.token, tmp_path, "repos", "ls", "--namespace", "acme", "-q")
    assert run.stdout == "acme/org-model\n"
