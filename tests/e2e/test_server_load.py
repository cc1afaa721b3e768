"""A bounded load test on loopback: several client processes mix reads (resolve, ranges, HEAD, LFS through the
redirect, tree, info, paths-info, missing files) of a repository whose content is known with commits to a shared
repository, for a fixed time. Every answer is checked (status and content); the time is a budget, never asserted."""

import requests

from huggingface_hub.local_hub import LocalHub
from tests.e2e import _hub_workers
from tests.e2e._hub_checks import auth, corrupt_blobs, database_problems
from tests.e2e._seed import commit, create_repo, random_bytes

PROCESSES = 4
SECONDS = 4.0


def test_mixed_reads_and_commits_stay_correct(local_hub: LocalHub, alice_token: str) -> None:
    endpoint = local_hub.endpoint
    files = {f"docs/f{i}.txt": random_bytes(100 + 997 * i, seed=i) for i in range(12)}
    files["a/b/c/deep.txt"] = b"deep"
    files["README.md"] = b"# static\n"
    lfs = {"model.bin": random_bytes(1024 * 1024 + 7, seed=99)}
    create_repo(endpoint, alice_token, "alice/static")
    sha = commit(endpoint, alice_token, "alice/static", files=files, lfs=lfs)
    files[".gitattributes"] = requests.get(f"{endpoint}/alice/static/resolve/main/.gitattributes", timeout=60).content
    create_repo(endpoint, alice_token, "alice/live")
    static = {"repo": "alice/static", "sha": sha, "files": files, "lfs": lfs}

    results = _hub_workers.run_processes(
        PROCESSES,
        _hub_workers.mixed_load,
        lambda worker: (endpoint, alice_token, static, "alice/live", worker, SECONDS),
    )

    assert [r["errors"] for r in results] == [[]] * PROCESSES
    totals: dict[str, int] = {}
    for r in results:
        for name, n in r["counts"].items():
            totals[name] = totals.get(name, 0) + n
    assert totals.get("op_commit", 0) >= PROCESSES and totals.get("op_resolve", 0) >= PROCESSES, totals

    # After the load: every worker's last write is what main holds, and the history has every commit.
    session = requests.Session()
    session.headers.update(auth(alice_token))
    for r in results:
        for path, content in r["files"].items():
            assert session.get(f"{endpoint}/alice/live/resolve/main/{path}").content == content
    commits = 0
    url: str | None = f"{endpoint}/api/models/alice/live/commits/main"
    while url:
        page = session.get(url)
        commits += len(page.json())
        url = page.links.get("next", {}).get("url")
    assert commits == totals["op_commit"] + 1
    assert database_problems(local_hub.data_dir) == []
    assert corrupt_blobs(local_hub.data_dir) == []
