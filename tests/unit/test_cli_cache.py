"""``hf cache ls | rm | prune | verify`` as a user runs them (subprocess, isolated HF_HOME)."""

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from _cli_helpers import run_hf
from _fake_hub import Answer, FakeHub

from tests._cache_trees import RepoTree, build_corrupted_cache, build_valid_cache, commit

ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")
WIDE = {"COLUMNS": "250"}


def plain(text: str) -> str:
    return ANSI_CODE.sub("", text)


@pytest.fixture
def cache(tmp_path: Path) -> str:
    build_valid_cache(tmp_path / "hub")
    return str(tmp_path / "hub")


def ls(cache: str, *args: str, **env: str):
    return run_hf("cache", "ls", "--cache-dir", cache, *args, **{**WIDE, **env})


# --- ls ------------------------------------------------------------------------------------------------------


def test_ls_human_table_summary_and_incomplete_hint(cache: str) -> None:
    run = ls(cache, "--format", "human")
    assert run.returncode == 0, run.stderr
    lines = plain(run.stdout).splitlines()
    assert lines[0].split() == ["ID", "SIZE", "LAST_ACCESSED", "LAST_MODIFIED", "REFS"]
    row = next(line for line in lines if line.startswith("dataset/org/data "))
    assert row.split() == ["dataset/org/data", "12.3K", "1", "year", "ago", "1", "year", "ago", "main"]
    model_row = next(line for line in lines if line.startswith("model/org/model "))
    assert model_row.rstrip().endswith("main, refs/pr/1, v1.0")
    assert lines[-1] == "Found 10 repo(s) for a total of 13 revision(s) and 17.5K on disk."
    assert plain(run.stderr) == (
        "Hint: Found 1 incomplete download(s) totalling 1.2K. Remove them with 'hf cache prune'.\n"
    )


def test_ls_json_quiet_and_agent(cache: str) -> None:
    items = json.loads(ls(cache, "--json").stdout)
    assert [item["id"] for item in items] == sorted(item["id"] for item in items)
    data = next(item for item in items if item["id"] == "dataset/org/data")
    assert data == {
        "id": "dataset/org/data",
        "repo_id": "org/data",
        "repo_type": "dataset",
        "size": "12.3K",
        "last_accessed": "1 year ago",
        "last_modified": "1 year ago",
        "refs": ["main"],
    }
    assert ls(cache, "-q").stdout.splitlines() == [item["id"] for item in items]
    agent = ls(cache, "--format", "agent").stdout.splitlines()
    assert agent[0] == "id\tsize\tlast_accessed\tlast_modified\trefs"
    assert "model/org/model\t5.0K\t24 hours ago\t24 hours ago\t['main', 'refs/pr/1', 'v1.0']" in agent
    assert agent[-1] == "Found 10 repo(s) for a total of 13 revision(s) and 17.5K on disk."


def test_ls_revisions(cache: str) -> None:
    items = json.loads(ls(cache, "--revisions", "--json").stdout)
    assert len(items) == 13
    assert set(items[0]) == {
        "id",
        "repo_id",
        "repo_type",
        "revision",
        "snapshot_path",
        "size",
        "last_modified",
        "refs",
    }
    model = [item for item in items if item["id"] == "model/org/model"]
    assert [item["revision"] for item in model] == sorted([commit("main"), commit("old"), commit("pr")])
    quiet = ls(cache, "--revisions", "-q").stdout.splitlines()
    assert quiet == [item["revision"] for item in items]


@pytest.mark.parametrize(
    "filters, expected",
    [
        (["type=dataset"], ["dataset/no/snapshots-yet", "dataset/org/data"]),
        (["size>5K"], ["dataset/org/data", "model/org/model"]),
        (["size>=12345", "type=DATASET"], ["dataset/org/data"]),
        (["refs=V1.0"], ["model/org/model"]),
        (["accessed>100d"], ["dataset/org/data"]),
        (["modified<1d"], ["space/user/demo"]),
        (["size=0"], ["dataset/no/snapshots-yet", "model/org/empty"]),
    ],
)
def test_ls_filters(cache: str, filters: list[str], expected: list[str]) -> None:
    args = [arg for expr in filters for arg in ("-f", expr)]
    run = ls(cache, *args, "-q")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == expected


@pytest.mark.parametrize(
    "expr, message",
    [
        ("size", "Invalid filter expression: 'size'."),
        ("size==1", "Unsupported operator '==' in filter 'size==1'."),
        ("color=red", "Unsupported filter key 'color' in 'color=red'."),
        ("type>model", "Only '=' is supported for 'type' filters. Got '>'."),
        ("refs!=main", "Only '=' is supported for 'refs' filters. Got !=."),
        ("size>1x", "Unknown unit 'x'."),
    ],
)
def test_ls_filter_errors_are_usage_errors(cache: str, expr: str, message: str) -> None:
    run = ls(cache, "-f", expr)
    assert run.returncode == 2
    assert message in run.stderr


def test_ls_sort_and_limit(cache: str) -> None:
    by_size = ls(cache, "--sort", "size", "--limit", "2", "-q").stdout.splitlines()
    assert by_size == ["dataset/org/data", "model/org/model"]
    by_name = ls(cache, "--sort", "name:desc", "--limit", "1", "-q").stdout.splitlines()
    assert by_name == ["space/user/demo"]
    oldest = ls(cache, "--sort", "modified:asc", "--limit", "1", "-q").stdout.splitlines()
    assert oldest == ["dataset/org/data"]
    assert ls(cache, "--limit", "0", "--json").stdout.strip() == "[]"
    bad = ls(cache, "--limit", "-1")
    assert bad.returncode == 2 and "Limit must be a positive integer, got -1." in bad.stderr
    bad_sort = ls(cache, "--sort", "colour")
    assert bad_sort.returncode == 2 and "Invalid value for '--sort'" in bad_sort.stderr


def test_ls_warnings(tmp_path: Path) -> None:
    build_corrupted_cache(tmp_path / "hub")
    run = ls(str(tmp_path / "hub"), "-q")
    assert run.stdout.splitlines() == ["model/valid"]
    assert run.stderr == "Warning: Found 13 cache inconsistencies. Re-run with `--show-warnings` to display them.\n"
    detailed = ls(str(tmp_path / "hub"), "-q", "--show-warnings")
    lines = detailed.stderr.splitlines()
    assert len(lines) == 13 and all(
        line.startswith("Warning: ") and line.endswith(". Repo ignored.") for line in lines
    )
    root = (tmp_path / "hub").resolve()
    assert f"Warning: Refs directory cannot be a file: {root / 'models--refs--file' / 'refs'}. Repo ignored." in lines


def test_ls_empty_and_missing_cache(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert ls(str(tmp_path / "empty")).stdout == "No results found.\n"
    assert ls(str(tmp_path / "empty"), "--json").stdout == "[]\n"
    missing = ls(str(tmp_path / "missing"))
    assert missing.returncode == 1
    assert plain(missing.stderr).startswith(f"Error: Cache directory not found: {(tmp_path / 'missing').resolve()}\n")


def test_ls_uses_hf_hub_cache_by_default(tmp_path: Path) -> None:
    RepoTree(tmp_path / "hub", "models--a--b").file(commit("x"), "f", b"x")
    run = run_hf("cache", "ls", "-q", HF_HUB_CACHE=str(tmp_path / "hub"))
    assert run.stdout == "model/a/b\n"


# --- rm --------------------------------------------------------------------------------------------------------


def test_rm_dry_run_lists_what_would_go(cache: str) -> None:
    run = run_hf(
        "cache", "rm", "MODEL/org/model", commit("data"), "--cache-dir", cache, "--dry-run", "--format", "agent"
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "About to delete 2 repo(s) totalling 17.4K.",
        "  - dataset/org/data (entire repo)",
        "  - model/org/model (entire repo)",
        "dry_run=True repos=2 revisions=4 size=17.4K",
    ]
    partial = run_hf("cache", "rm", commit("old"), commit("space-detached"), "--cache-dir", cache, "--dry-run")
    assert plain(partial.stdout).splitlines() == [
        "About to delete 2 revision(s) totalling 21.0.",
        "  - model/org/model:",
        f"      {commit('old')} [(detached)] 5.0K",
        "  - space/user/demo:",
        f"      {commit('space-detached')} [(detached)] 13.0",
        "✓ Dry run: no files were deleted.",
        "  dry_run: True",
        "  repos: 0",
        "  revisions: 2",
        "  size: 21.0",
    ]
    assert Path(cache, "models--org--model", "snapshots", commit("old")).exists()


def test_rm_needs_confirmation_unless_yes(cache: str) -> None:
    target = Path(cache, "spaces--user--demo")
    refused = run_hf("cache", "rm", "space/user/demo", "--cache-dir", cache, "--json")
    assert refused.returncode == 1
    assert "Proceed with deletion? Use --yes to skip confirmation." in refused.stderr
    declined = run_hf("cache", "rm", "space/user/demo", "--cache-dir", cache, "--format", "human", input="n\n")
    assert declined.returncode == 1 and target.exists()
    done = run_hf("cache", "rm", "hf://spaces/user/demo", "--cache-dir", cache, "--json", "--yes")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"repos_deleted": 1, "revisions_deleted": 2, "freed": "25.0"}
    assert not target.exists()


def test_rm_confirmed_by_a_human(cache: str) -> None:
    run = run_hf("cache", "rm", commit("pr"), "--cache-dir", cache, "--format", "human", input="y\n")
    assert run.returncode == 0, run.stderr
    assert "Deleted 0 repo(s) and 1 revision(s); freed 5.0." in plain(run.stdout)
    assert not Path(cache, "models--org--model", "snapshots", commit("pr")).exists()
    assert not Path(cache, "models--org--model", "refs", "refs", "pr", "1").exists()


def test_rm_unknown_targets(cache: str) -> None:
    run = run_hf("cache", "rm", "gpt2", "f" * 40, "--cache-dir", cache, "-y")
    assert run.returncode == 0
    assert plain(run.stderr) == f"Warning: Could not find in cache:\n  - gpt2\n  - {'f' * 40}\n"
    assert plain(run.stdout) == "Nothing to delete.\n"


@pytest.mark.parametrize(
    "uri, message",
    [
        ("hf://models/org/model@main", "Only repo-level hf:// URIs are supported by `hf cache rm` for now."),
        ("hf://org/model/config.json", "Only repo-level hf:// URIs are supported by `hf cache rm` for now."),
        ("hf://buckets/org/bucket", "Only repository hf:// URIs are supported by `hf cache rm`."),
        ("hf://gpt2", "Repository id must be 'namespace/name', got 'gpt2'."),
        ("hf://model/org/x", "Type prefix must be plural, got 'model/'. Did you mean 'models/'?"),
    ],
)
def test_rm_rejects_uris_it_cannot_use(cache: str, uri: str, message: str) -> None:
    run = run_hf("cache", "rm", uri, "--cache-dir", cache, "-y")
    assert run.returncode == 1
    assert message in run.stderr


# --- prune ---------------------------------------------------------------------------------------------------


def test_prune_deletes_detached_revisions_and_incomplete_files(cache: str) -> None:
    dry = run_hf("cache", "prune", "--cache-dir", cache, "--dry-run", "--format", "agent")
    assert dry.stdout.splitlines()[0] == (
        "About to delete 6 unreferenced revision(s) and 1 incomplete download(s) (1.3K total)."
    )
    assert dry.stdout.splitlines()[1:6] == [
        "  - model/linked/snapshot (entire repo)",
        "  - model/odd/prefix (entire repo)",
        "  - model/org/empty (entire repo)",
        "  - model/org/model:",
        f"      {commit('old')} [(detached)] 5.0K",
    ]
    assert dry.stdout.splitlines()[-1] == "dry_run=True revisions=6 incomplete=1 size=1.3K"
    run = run_hf("cache", "prune", "--cache-dir", cache, "-y", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"revisions_deleted": 6, "incomplete_deleted": 1, "freed": "1.3K"}
    assert not list(Path(cache).glob("*/blobs/*.incomplete"))
    again = run_hf("cache", "prune", "--cache-dir", cache, "-y")
    assert plain(again.stdout) == "No unreferenced revisions or incomplete downloads found. Nothing to prune.\n"
    listing = json.loads(ls(cache, "--revisions", "--json").stdout)
    assert all(item["refs"] for item in listing)


# --- verify --------------------------------------------------------------------------------------------------


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    with FakeHub() as hub:
        yield hub


def _tree_entry(path: str, content: bytes, *, lfs: bool = False) -> dict:
    entry = {"type": "file", "path": path, "size": len(content)}
    entry["oid"] = hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()
    if lfs:
        entry["lfs"] = {"oid": hashlib.sha256(content).hexdigest(), "size": len(content), "pointerSize": 130}
    return entry


def _verify_cache(tmp_path: Path) -> Path:
    repo = RepoTree(tmp_path / "hub", "models--org--model")
    repo.file(commit("main"), "config.json", b"{}")
    repo.file(commit("main"), "weights/model.bin", b"W" * 3000)
    repo.file(commit("main"), "extra.txt", b"local only")
    repo.ref("main", commit("main"))
    return tmp_path / "hub"


def test_verify_matches_every_file(tmp_path: Path, fake_hub: FakeHub) -> None:
    cache = _verify_cache(tmp_path)
    tree = [
        _tree_entry("config.json", b"{}"),
        _tree_entry("weights/model.bin", b"W" * 3000, lfs=True),
        {"type": "directory", "path": "weights"},
    ]
    fake_hub.answer("GET", f"/api/models/org/model/tree/{commit('main')}", Answer(body=tree))
    run = run_hf("cache", "verify", "org/model", "--cache-dir", str(cache), "--json", endpoint=fake_hub.endpoint)
    assert run.returncode == 0, run.stderr
    snapshot = cache.resolve() / "models--org--model" / "snapshots" / commit("main")
    assert json.loads(run.stdout) == {
        "repo_id": "org/model",
        "repo_type": "model",
        "checked": 2,
        "path": str(snapshot),
    }
    assert run.stderr == (
        "Warning: 1 local file(s) do not exist on the remote repo. Use --fail-on-extra-files for details.\n"
    )
    (request,) = fake_hub.requests_to(f"/api/models/org/model/tree/{commit('main')}")
    assert request.query == {"recursive": ["true"], "expand": ["false"]}

    strict = run_hf(
        "cache",
        "verify",
        "org/model",
        "--cache-dir",
        str(cache),
        "--fail-on-extra-files",
        "--format",
        "agent",
        endpoint=fake_hub.endpoint,
    )
    assert strict.returncode == 1
    assert "❌ Extra files (present locally, absent remotely):\n  - extra.txt" in strict.stdout


def test_verify_reports_every_mismatch_and_missing_files(tmp_path: Path, fake_hub: FakeHub) -> None:
    cache = _verify_cache(tmp_path)
    tree = [
        _tree_entry("config.json", b"{ }"),
        _tree_entry("weights/model.bin", b"X" * 3000, lfs=True),
        _tree_entry("extra.txt", b"local only"),
        _tree_entry("remote-only.txt", b"r"),
    ]
    fake_hub.answer("GET", f"/api/models/org/model/tree/{commit('main')}", Answer(body=tree))
    run = run_hf(
        "cache", "verify", "org/model", "--cache-dir", str(cache), "--fail-on-missing-files", "--format", "agent",
        endpoint=fake_hub.endpoint,
    )  # fmt: skip
    assert run.returncode == 1
    config_sha1 = hashlib.sha1(b"blob 2\0{}").hexdigest()
    assert (
        "❌ Checksum verification failed for the following file(s):\n"
        f"  - config.json: expected {tree[0]['oid']} (git-sha1), got {config_sha1}\n"
        f"  - weights/model.bin: expected {tree[1]['lfs']['oid']} (sha256), got {hashlib.sha256(b'W' * 3000).hexdigest()}"
    ) in run.stdout
    assert "❌ Missing files (present remotely, absent locally):\n  - remote-only.txt" in run.stdout
    assert f"Error: Verification failed for 'org/model' (model) in {cache.resolve()}" in run.stderr
    assert f"  Revision: {commit('main')}" in run.stderr


def test_verify_local_dir_and_argument_errors(tmp_path: Path, fake_hub: FakeHub) -> None:
    local = tmp_path / "local"
    local.mkdir()
    (local / "a.txt").write_bytes(b"a")
    fake_hub.answer("GET", "/api/datasets/org/data/tree/v1", Answer(body=[_tree_entry("a.txt", b"a")]))
    run = run_hf(
        "cache", "verify", "org/data", "--repo-type", "dataset", "--revision", "v1", "--local-dir", str(local), "-q",
        endpoint=fake_hub.endpoint,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout == "org/data\n"
    both = run_hf("cache", "verify", "org/data", "--local-dir", str(local), "--cache-dir", str(tmp_path))
    assert both.returncode == 2
    assert "Cannot pass both --local-dir and --cache-dir." in both.stderr
    absent = run_hf("cache", "verify", "org/absent", "--cache-dir", str(tmp_path))
    assert absent.returncode == 1
    assert "Repo is not present in cache" in absent.stderr


def test_verify_not_found_on_the_hub(tmp_path: Path, fake_hub: FakeHub) -> None:
    cache = _verify_cache(tmp_path)
    fake_hub.answer(
        "GET",
        f"/api/models/org/model/tree/{commit('main')}",
        Answer(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"}),
    )
    run = run_hf("cache", "verify", "org/model", "--cache-dir", str(cache), endpoint=fake_hub.endpoint)
    assert run.returncode == 1
    assert "not found" in plain(run.stderr)
    assert os.path.isdir(cache)
