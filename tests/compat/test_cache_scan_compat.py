"""Our cache scan, deletions and ``hf cache`` output against upstream huggingface_hub 1.29 (its own virtualenv).

Both interpreters scan the same hand-built caches (valid, corrupted, benchmark-shaped) and dump every field as
JSON; the dumps must be equal. Deletions made by our CLI must leave the same tree as upstream's CLI, and a cache
upstream still scans without new warnings. Skipped when upstream's virtualenv cannot be created.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests._cache_trees import (
    build_benchmark_cache,
    build_corrupted_cache,
    build_valid_cache,
    commit,
    dump_scan,
    tree_listing,
)
from tools.compat.upstream_env import isolated_env

pytestmark = pytest.mark.compat


def assert_same_scan(ours: dict, theirs: dict) -> None:
    """Equal dumps, compared key by key first so that a failure names the field that differs."""
    assert ours.keys() == theirs.keys()
    for key in ours:
        if key != "repos":
            assert ours[key] == theirs[key], key
    assert [repo["repo_path"] for repo in ours["repos"]] == [repo["repo_path"] for repo in theirs["repos"]]
    for mine, upstream in zip(ours["repos"], theirs["repos"], strict=True):
        for field in mine:
            assert mine[field] == upstream[field], (mine["repo_path"], field)
    assert ours == theirs


def test_valid_cache_scans_field_by_field_like_upstream(tmp_path: Path, upstream_python: Path) -> None:
    build_valid_cache(tmp_path / "hub")
    ours = dump_scan(sys.executable, tmp_path / "hub")
    assert ours["warnings"] == [] and len(ours["repos"]) == 10
    assert_same_scan(ours, dump_scan(upstream_python, tmp_path / "hub"))


def test_corrupted_cache_gives_upstreams_warnings_in_order(tmp_path: Path, upstream_python: Path) -> None:
    build_corrupted_cache(tmp_path / "hub")
    ours = dump_scan(sys.executable, tmp_path / "hub")
    assert len(ours["warnings"]) == 13
    assert_same_scan(ours, dump_scan(upstream_python, tmp_path / "hub"))


def test_benchmark_shaped_cache_scans_like_upstream(tmp_path: Path, upstream_python: Path) -> None:
    build_benchmark_cache(tmp_path / "hub", repos=12, revisions=3, files=40)
    assert_same_scan(dump_scan(sys.executable, tmp_path / "hub"), dump_scan(upstream_python, tmp_path / "hub"))


@pytest.mark.parametrize("case", ["missing", "file"])
def test_scan_errors_like_upstream(tmp_path: Path, upstream_python: Path, case: str) -> None:
    target = tmp_path / "cache"
    if case == "file":
        target.write_text("x")
    assert dump_scan(sys.executable, target) == dump_scan(upstream_python, target)


# --- the CLI ---------------------------------------------------------------------------------------------------


def run_cli(python: Path | str, *args: str, input: str = "", endpoint: str | None = None) -> tuple[int, str, str]:
    env = isolated_env() if python != sys.executable else dict(os.environ)
    for name in ("HF_DEBUG", "NO_COLOR", "HF_HUB_VERBOSITY", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "HF_ENDPOINT"):
        env.pop(name, None)
    env.update(HF_HUB_DISABLE_UPDATE_CHECK="1", HF_HUB_DISABLE_TELEMETRY="1", COLUMNS="250", PYTHONHASHSEED="0")
    env.update({"HF_HUB_OFFLINE": "1"} if endpoint is None else {"HF_ENDPOINT": endpoint})
    result = subprocess.run(
        [str(python), "-m", "huggingface_hub.cli.hf", *args],
        capture_output=True,
        text=True,
        env=env,
        input=input,
        cwd="/",
        timeout=300,
    )
    return result.returncode, result.stdout, result.stderr


LS_VARIANTS = [
    ["--format", "human"],
    ["--format", "agent"],
    ["--json"],
    ["-q"],
    ["--revisions", "--format", "agent"],
    ["--revisions", "--json"],
    ["--revisions", "-q", "--sort", "size"],
    ["--show-warnings", "--format", "agent"],
    ["-f", "size>1K", "-f", "type=model", "--sort", "modified:asc", "--format", "agent"],
    ["-f", "refs=main", "--revisions", "--sort", "name:desc", "--limit", "3", "--json"],
    ["-f", "accessed>3d", "--sort", "accessed", "-q"],
    ["-f", "bogus"],
    ["-f", "type>model"],
    ["--limit", "-2"],
]


@pytest.mark.parametrize("args", LS_VARIANTS, ids=" ".join)
def test_ls_output_like_upstream(tmp_path: Path, upstream_python: Path, args: list[str]) -> None:
    build_valid_cache(tmp_path / "hub")
    build_corrupted_cache(tmp_path / "hub")
    command = ["cache", "ls", "--cache-dir", str(tmp_path / "hub"), *args]
    assert run_cli(sys.executable, *command) == run_cli(upstream_python, *command)


@pytest.mark.parametrize(
    "args",
    [
        ["rm", "model/org/model", commit("space-detached"), "--dry-run", "--format", "agent"],
        ["rm", "hf://datasets/org/data", "gpt2", "--dry-run"],
        ["rm", commit("old"), "--format", "json"],
        ["rm", "hf://models/org/model@main", "-y"],
        ["rm", "nothing/here", "-y"],
        ["prune", "--dry-run", "--format", "agent"],
        ["prune", "--dry-run", "--json"],
    ],
    ids=" ".join,
)
def test_rm_and_prune_previews_like_upstream(tmp_path: Path, upstream_python: Path, args: list[str]) -> None:
    build_valid_cache(tmp_path / "hub")
    command = ["cache", *args, "--cache-dir", str(tmp_path / "hub")]
    assert run_cli(sys.executable, *command) == run_cli(upstream_python, *command)


@pytest.mark.parametrize(
    "args",
    [
        ["rm", "model/org/model", "-y"],
        ["rm", commit("old"), commit("pr"), commit("space-detached"), "-y"],
        ["rm", "hf://datasets/org/data", commit("weird"), "-y"],
        ["rm", "model/nosymlink", commit("space"), "-y"],
        ["prune", "-y"],
    ],
    ids=" ".join,
)
def test_deletions_leave_the_tree_upstream_leaves(tmp_path: Path, upstream_python: Path, args: list[str]) -> None:
    # Not compared: deleting a repo or snapshot folder that is a symlink (upstream's `rmtree` raises; we unlink it).
    ours_cache, their_cache = tmp_path / "ours" / "hub", tmp_path / "theirs" / "hub"
    build_valid_cache(ours_cache)
    build_valid_cache(their_cache)
    before = dump_scan(upstream_python, ours_cache)

    ours = run_cli(sys.executable, "cache", *args, "--cache-dir", str(ours_cache), "--format", "agent")
    theirs = run_cli(upstream_python, "cache", *args, "--cache-dir", str(their_cache), "--format", "agent")
    assert ours[0] == theirs[0] == 0, (ours, theirs)
    assert ours[1].replace(str(ours_cache), "<cache>") == theirs[1].replace(str(their_cache), "<cache>")
    for suffix in ("", "-storage"):
        assert tree_listing(Path(f"{ours_cache}{suffix}")) == tree_listing(Path(f"{their_cache}{suffix}"))

    after = dump_scan(upstream_python, ours_cache)
    assert after["warnings"] == before["warnings"] == []
    assert {repo["repo_path"] for repo in after["repos"]} <= {repo["repo_path"] for repo in before["repos"]}
    shutil.rmtree(tmp_path)


def test_verify_like_upstream(tmp_path: Path, upstream_python: Path) -> None:
    import hashlib

    from tests.unit._fake_hub import Answer, FakeHub

    def entry(path: str, content: bytes, lfs: bool = False) -> dict:
        item = {"type": "file", "path": path, "size": len(content)}
        item["oid"] = hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()
        if lfs:
            item["lfs"] = {"oid": hashlib.sha256(content).hexdigest(), "size": len(content), "pointerSize": 134}
        return item

    build_valid_cache(tmp_path / "hub")
    tree_path = f"/api/models/org/model/tree/{commit('main')}"
    good = [entry("config.json", b'{"a": 1}'), entry("weights/model.bin", b"W" * 5000, lfs=True)]
    bad = [entry("config.json", b"{}"), entry("weights/model.bin", b"X" * 5000, lfs=True), entry("gone.txt", b"g")]
    with FakeHub() as hub:
        for tree, extra in ((good, []), (bad, []), (bad, ["--fail-on-missing-files", "--fail-on-extra-files"])):
            hub.clear()
            hub.answer("GET", tree_path, Answer(body=tree))
            command = [
                "cache",
                "verify",
                "org/model",
                "--cache-dir",
                str(tmp_path / "hub"),
                "--format",
                "agent",
                *extra,
            ]
            ours = run_cli(sys.executable, *command, endpoint=hub.endpoint)
            ours_requests = [(r.path, r.query) for r in hub.received]
            hub.received.clear()
            theirs = run_cli(upstream_python, *command, endpoint=hub.endpoint)
            assert ours == theirs
            # (upstream also fetches /api/agent-harnesses when building its user-agent)
            assert ours_requests == [(r.path, r.query) for r in hub.received if r.path != "/api/agent-harnesses"]
