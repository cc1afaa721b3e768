"""Commits from several processes to one repository at once are serialised: none is lost, the history holds every
one of them, and a `parentCommit` that is no longer the head is refused with 412."""

import requests

from huggingface_hub.local_hub import LocalHub
from tests.e2e import _hub_workers
from tests.e2e._hub_checks import auth, commit_body, head
from tests.e2e._seed import commit, create_repo

PROCESSES = 6
COMMITS_EACH = 5


def _history(endpoint: str, token: str, repo: str) -> list[dict]:
    """Every commit of `main`, newest first (following the `Link` pages)."""
    commits: list[dict] = []
    url: str | None = f"{endpoint}/api/models/{repo}/commits/main"
    while url:
        response = requests.get(url, headers=auth(token), timeout=60)
        assert response.status_code == 200, response.text
        commits += response.json()
        url = response.links.get("next", {}).get("url")
    return commits


def test_concurrent_commits_all_land(local_hub: LocalHub, alice_token: str) -> None:
    repo = "alice/busy"
    create_repo(local_hub.endpoint, alice_token, repo)
    results = _hub_workers.run_processes(
        PROCESSES,
        _hub_workers.commit_files,
        lambda worker: (local_hub.endpoint, alice_token, repo, worker, COMMITS_EACH),
    )
    oids = {oid for worker_oids in results for oid in worker_oids}
    assert len(oids) == PROCESSES * COMMITS_EACH

    history = _history(local_hub.endpoint, alice_token, repo)
    assert len(history) == PROCESSES * COMMITS_EACH + 1  # and the initial commit
    assert {c["id"] for c in history[:-1]} == oids
    # Each worker's own commits appear in the order it made them.
    titles = [c["title"] for c in reversed(history[:-1])]
    for worker in range(PROCESSES):
        mine = [t for t in titles if t.startswith(f"w{worker} ")]
        assert mine == [f"w{worker} c{k}" for k in range(COMMITS_EACH)]

    tree = requests.get(
        f"{local_hub.endpoint}/api/models/{repo}/tree/main", params={"recursive": "1"}, timeout=60
    ).json()
    files = {item["path"] for item in tree if item["type"] == "file"}
    expected = {f"w{w}/c{k}.txt" for w in range(PROCESSES) for k in range(COMMITS_EACH)}
    assert files == expected | {".gitattributes"}
    session = requests.Session()
    for w in range(PROCESSES):
        for k in range(COMMITS_EACH):
            response = session.get(f"{local_hub.endpoint}/{repo}/resolve/main/w{w}/c{k}.txt", timeout=60)
            assert response.text == f"{w}:{k}"


def test_read_modify_write_with_parent_commit_loses_no_update(local_hub: LocalHub, alice_token: str) -> None:
    repo = "alice/counter"
    create_repo(local_hub.endpoint, alice_token, repo)
    first = commit(local_hub.endpoint, alice_token, repo, files={"counter.txt": b"0"})
    _hub_workers.run_processes(
        PROCESSES,
        _hub_workers.increment_counter,
        lambda worker: (local_hub.endpoint, alice_token, repo, worker, COMMITS_EACH),
    )
    final = requests.get(f"{local_hub.endpoint}/{repo}/resolve/main/counter.txt", timeout=60)
    assert final.text == str(PROCESSES * COMMITS_EACH)
    history = _history(local_hub.endpoint, alice_token, repo)
    assert len(history) == PROCESSES * COMMITS_EACH + 2

    # A stale parent is refused and changes nothing.
    before = head(local_hub.endpoint, alice_token, repo)
    for stale in (first, first[:7]):
        response = requests.post(
            f"{local_hub.endpoint}/api/models/{repo}/commit/main",
            data=commit_body({"counter.txt": b"-1"}, parent_commit=stale),
            headers=auth(alice_token),
            timeout=60,
        )
        assert response.status_code == 412
        assert "updated since" in response.json()["error"]
    assert head(local_hub.endpoint, alice_token, repo) == before
