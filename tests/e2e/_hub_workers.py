"""Client processes for the concurrency and load tests (importable by `multiprocessing`'s spawn start method).

Each function runs in its own process, talks plain HTTP to the local Hub, and puts one result (or a description of
what went wrong) on a queue instead of raising, so the test sees every worker's outcome.
"""

import multiprocessing
import random
import time
import traceback
from collections.abc import Callable
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any

import requests

from tests.e2e._hub_checks import auth, commit_body


def run_processes(count: int, target: Callable[..., None], args_for: Callable[[int], tuple[Any, ...]]) -> list[Any]:
    """Runs `target(queue, barrier, *args_for(worker))` in `count` spawned processes that start their work together;
    returns their results (in no particular order), after checking that none failed."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    barrier = context.Barrier(count)
    processes = [context.Process(target=target, args=(queue, barrier, *args_for(worker))) for worker in range(count)]
    for process in processes:
        process.start()
    try:
        outcomes = [queue.get(timeout=300) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
    errors = [value for status, value in outcomes if status != "ok"]
    assert errors == [], "\n".join(errors)
    return [value for _, value in outcomes]


def _run(queue: Queue, barrier: Barrier, fn: Any, *args: Any) -> None:
    try:
        barrier.wait(timeout=60)  # every process starts its requests at the same moment
        queue.put(("ok", fn(*args)))
    except Exception:
        queue.put(("error", traceback.format_exc()))


def commit_files(
    queue: Queue, barrier: Barrier, endpoint: str, token: str, repo: str, worker: int, count: int
) -> None:
    """Commits `count` times, each adding `w{worker}/c{k}.txt`, without `parentCommit`; returns the commit ids."""

    def work() -> list[str]:
        session = requests.Session()
        oids = []
        for k in range(count):
            body = commit_body({f"w{worker}/c{k}.txt": f"{worker}:{k}".encode()}, summary=f"w{worker} c{k}")
            response = session.post(f"{endpoint}/api/models/{repo}/commit/main", data=body, headers=auth(token))
            if response.status_code != 200:
                raise AssertionError(f"commit {worker}/{k}: {response.status_code} {response.text}")
            oids.append(response.json()["commitOid"])
        return oids

    _run(queue, barrier, work)


def increment_counter(
    queue: Queue, barrier: Barrier, endpoint: str, token: str, repo: str, worker: int, count: int
) -> None:
    """Adds 1 to the number in `counter.txt` `count` times, each as read-modify-write guarded by `parentCommit`
    (optimistic concurrency: a 412 means another process committed first, so read again and retry). Returns the
    number of 412 answers seen."""

    def work() -> int:
        session = requests.Session()
        conflicts = 0
        done = 0
        while done < count:
            info = session.get(f"{endpoint}/api/models/{repo}", headers=auth(token))
            sha = info.json()["sha"]
            current = session.get(f"{endpoint}/{repo}/resolve/{sha}/counter.txt", headers=auth(token))
            if current.status_code != 200:
                raise AssertionError(f"read at {sha}: {current.status_code}")
            value = int(current.text)
            body = commit_body({"counter.txt": str(value + 1).encode()}, summary=f"w{worker} +1", parent_commit=sha)
            response = session.post(f"{endpoint}/api/models/{repo}/commit/main", data=body, headers=auth(token))
            if response.status_code == 412:
                conflicts += 1
                time.sleep(random.random() * 0.01)
                continue
            if response.status_code != 200:
                raise AssertionError(f"commit: {response.status_code} {response.text}")
            done += 1
        return conflicts

    _run(queue, barrier, work)


def mixed_load(
    queue: Queue,
    barrier: Barrier,
    endpoint: str,
    token: str,
    static: dict[str, Any],
    live_repo: str,
    worker: int,
    seconds: float,
) -> None:
    """Reads of a repository whose content is known (`static`: repo, sha, files path -> bytes, lfs path -> bytes)
    and commits to `live_repo` under `w{worker}/`, mixed at random for `seconds`; every answer is checked. Returns
    {"counts": {operation: n}, "errors": [...], "files": the worker's files as it last committed them}."""

    def work() -> dict[str, Any]:
        rng = random.Random(worker)
        session = requests.Session()
        session.headers.update(auth(token))
        repo, sha, files, lfs = static["repo"], static["sha"], static["files"], static["lfs"]
        mine: dict[str, bytes] = {}  # the worker's files at its latest commit
        snapshots: list[tuple[str, dict[str, bytes]]] = []  # (commit id, the worker's files at that commit)
        counts: dict[str, int] = {}
        errors: list[str] = []

        def check(condition: bool, what: str) -> None:
            if not condition and len(errors) < 20:
                errors.append(what)

        def resolve_url(path: str, revision: str = "main", repo_id: str = repo) -> str:
            return f"{endpoint}/{repo_id}/resolve/{revision}/{path}"

        def op_resolve() -> None:
            path = rng.choice(list(files))
            r = session.get(resolve_url(path))
            check(r.status_code == 200 and r.content == files[path], f"resolve {path}: {r.status_code}")
            check(r.headers.get("x-repo-commit") == sha, f"resolve {path}: commit {r.headers.get('x-repo-commit')}")

        def op_range() -> None:
            path = rng.choice([p for p, c in files.items() if len(c) > 1])
            content = files[path]
            start = rng.randrange(len(content) - 1)
            end = rng.randrange(start, len(content))
            r = session.get(resolve_url(path), headers={"range": f"bytes={start}-{end}"})
            check(r.status_code == 206 and r.content == content[start : end + 1], f"range {path} {start}-{end}: {r}")

        def op_head() -> None:
            path = rng.choice(list(files))
            r = session.head(resolve_url(path))
            check(
                r.status_code == 200 and r.headers.get("content-length") == str(len(files[path])),
                f"HEAD {path}: {r.status_code} {r.headers}",
            )

        def op_lfs() -> None:
            path = rng.choice(list(lfs))
            r = session.get(resolve_url(path))  # 302 to the signed blob URL, followed
            check(r.status_code == 200 and r.content == lfs[path], f"lfs {path}: {r.status_code}")
            check(bool(r.history) and r.history[0].status_code == 302, f"lfs {path}: no redirect")

        def op_tree() -> None:
            r = session.get(f"{endpoint}/api/models/{repo}/tree/main", params={"recursive": "1"})
            listed = {i["path"]: i["size"] for i in r.json() if i["type"] == "file"} if r.status_code == 200 else {}
            expected = {p: len(c) for p, c in {**files, **lfs}.items()}
            check(listed == expected, f"tree: {r.status_code} {sorted(listed)}")

        def op_info() -> None:
            r = session.get(f"{endpoint}/api/models/{repo}")
            body = r.json() if r.status_code == 200 else {}
            siblings = {s["rfilename"] for s in body.get("siblings", [])}
            check(body.get("sha") == sha and siblings == set(files) | set(lfs), f"info: {r.status_code}")

        def op_paths_info() -> None:
            wanted = rng.sample(list(files), k=min(3, len(files)))
            r = session.post(f"{endpoint}/api/models/{repo}/paths-info/main", data={"paths": [*wanted, "nope.txt"]})
            got = {i["path"]: i["size"] for i in r.json()} if r.status_code == 200 else {}
            check(got == {p: len(files[p]) for p in wanted}, f"paths-info {wanted}: {r.status_code} {got}")

        def op_missing() -> None:
            r = session.get(resolve_url("no/such/file.txt"))
            check(
                r.status_code == 404 and r.headers.get("x-error-code") == "EntryNotFound", f"missing: {r.status_code}"
            )

        def op_commit() -> None:
            path = f"w{worker}/f{rng.randrange(4)}.txt"
            content = f"{worker}:{len(snapshots)}:".encode() + rng.randbytes(rng.randrange(2000))
            r = session.post(
                f"{endpoint}/api/models/{live_repo}/commit/main",
                data=commit_body({path: content}, summary=f"w{worker}"),
            )
            check(r.status_code == 200, f"commit: {r.status_code} {r.text}")
            if r.status_code == 200:
                mine[path] = content
                snapshots.append((r.json()["commitOid"], dict(mine)))

        def op_read_own() -> None:
            if not snapshots:
                return
            if rng.random() < 0.5:  # latest state, at main: nobody else writes these paths
                path = rng.choice(list(mine))
                r = session.get(resolve_url(path, repo_id=live_repo))
                check(r.status_code == 200 and r.content == mine[path], f"own {path} at main: {r.status_code}")
            else:  # an older commit of ours: immutable
                oid, snapshot = rng.choice(snapshots)
                path = rng.choice(list(snapshot))
                r = session.get(resolve_url(path, oid, live_repo))
                check(r.status_code == 200 and r.content == snapshot[path], f"own {path} at {oid}: {r.status_code}")

        def op_stale_parent() -> None:
            if len(snapshots) < 2:
                return
            stale = snapshots[-2][0]  # our own later commit exists, so it is not the head
            r = session.post(
                f"{endpoint}/api/models/{live_repo}/commit/main",
                data=commit_body({f"w{worker}/stale.txt": b"x"}, parent_commit=stale),
            )
            check(r.status_code == 412, f"stale parent: {r.status_code}")

        operations = [
            (op_resolve, 6),
            (op_range, 2),
            (op_head, 2),
            (op_lfs, 1),
            (op_tree, 2),
            (op_info, 2),
            (op_paths_info, 2),
            (op_missing, 1),
            (op_commit, 3),
            (op_read_own, 3),
            (op_stale_parent, 1),
        ]
        functions, weights = zip(*operations, strict=True)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            fn = rng.choices(functions, weights)[0]
            fn()
            counts[fn.__name__] = counts.get(fn.__name__, 0) + 1
        return {"counts": counts, "errors": errors, "files": mine}

    _run(queue, barrier, work)
