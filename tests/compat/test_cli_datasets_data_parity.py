"""`hf datasets leaderboard|parquet|sql` print what upstream's `hf` 1.29 prints, and upstream's client reads the same
leaderboard and safetensors metadata from the local Hub as ours.

The leaderboard runs against the local Hub; `parquet` against a stand-in of the Dataset Viewer (both clients only
talk to it when their endpoint is huggingface.co); `sql` runs DuckDB over local parquet files. Upstream's virtualenv
has no DuckDB: its runs get ours through PYTHONPATH (a folder holding only the duckdb package).
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from huggingface_hub import CommitOperationAdd, HfApi
from huggingface_hub.local_hub import LocalHub
from tests._safetensors_files import safetensors_bytes
from tests.e2e._cli_runner import Run, run_cli
from tests.e2e._dataset_viewer_double import VIEWER_LAUNCHER, DatasetViewerDouble, write_parquet

pytestmark = pytest.mark.compat

HUB = "https://huggingface.co"

HELP_PAGES = [
    ["datasets", "leaderboard", "--help"],
    ["datasets", "parquet", "--help"],
    ["datasets", "sql", "--help"],
]


def _clean(run: Run) -> tuple[int, str, str]:
    def clean(text: str) -> str:
        return re.sub(r"Request ID: [0-9A-Za-z-]+", "Request ID: <id>", text).replace(sys.executable, "<python>")

    return run.returncode, clean(run.stdout), clean(run.stderr)


@pytest.fixture(scope="module")
def duckdb_only(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A folder with links to the duckdb package (and its compiled module) only, for upstream's PYTHONPATH."""
    folder = tmp_path_factory.mktemp("duckdb-only")
    site = Path(duckdb.__file__).resolve().parent.parent
    for item in site.iterdir():
        if item.name.startswith(("duckdb", "_duckdb")):
            (folder / item.name).symlink_to(item)
    return str(folder)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    with LocalHub(tmp_path_factory.mktemp("hub")) as hub:
        alice = hub.create_user("alice")
        hub.create_org("acme", ["alice"])
        api = HfApi(endpoint=hub.endpoint, token=alice)
        api.create_repo("alice/bench", repo_type="dataset")
        api.upload_file(path_or_fileobj=b"name: bench\n", path_in_repo="eval.yaml", repo_id="alice/bench",
                        repo_type="dataset")  # fmt: skip
        api.create_repo("alice/plain", repo_type="dataset")
        scores = [("alice/m1", 61.25, '{url: "https://example.org/x", name: Paper}'), ("acme/m2", 70, None),
                  ("alice/m3", 61.25, '{url: "https://example.org/y"}')]  # fmt: skip
        for model, value, source in scores:
            text = f"- dataset: {{id: alice/bench, task_id: default}}\n  value: {value}\n"
            if source:
                text += f"  source: {source}\n"
            api.create_repo(model)
            api.create_commit(model, operations=[CommitOperationAdd(".eval_results/bench.yaml", text.encode())],
                              commit_message="results")  # fmt: skip
        api.create_repo("alice/weights")
        shards = {"model-1.safetensors": {"a": ("F16", [4, 4])}, "model-2.safetensors": {"b": ("F32", [3])}}
        index = {
            "metadata": {"total_size": 44},
            "weight_map": {"a": "model-1.safetensors", "b": "model-2.safetensors"},
        }
        operations = [CommitOperationAdd(n, safetensors_bytes(t, metadata={"k": n})) for n, t in shards.items()]
        operations.append(CommitOperationAdd("model.safetensors.index.json", json.dumps(index).encode()))
        api.create_commit("alice/weights", operations=operations, commit_message="weights")
        yield hub, alice


@pytest.mark.parametrize("args", HELP_PAGES, ids=lambda a: " ".join(a))
def test_help_pages(upstream_python: Path, tmp_path: Path, args: list[str]) -> None:
    ours = run_cli(HUB, None, tmp_path / "ours", *args)
    theirs = run_cli(HUB, None, tmp_path / "up", *args, python=upstream_python)
    assert ours.returncode == 0
    assert _clean(ours) == _clean(theirs)


def test_leaderboard_output(hub, upstream_python: Path, tmp_path: Path) -> None:
    local_hub, token = hub
    commands = [
        ["datasets", "leaderboard", "alice/bench"],
        ["datasets", "leaderboard", "alice/bench", "--limit", "1"],
        ["datasets", "leaderboard", "alice/bench", "--format", "json"],
        ["datasets", "leaderboard", "alice/bench", "--format", "agent"],
        ["datasets", "leaderboard", "alice/bench", "-q"],
        ["datasets", "leaderboard", "alice/plain"],
        ["datasets", "leaderboard", "alice/missing"],
    ]
    for args in commands:
        ours = run_cli(local_hub.endpoint, token, tmp_path / "ours", *args)
        theirs = run_cli(local_hub.endpoint, token, tmp_path / "up", *args, python=upstream_python)
        assert _clean(ours) == _clean(theirs), args
    run = run_cli(local_hub.endpoint, token, tmp_path / "ours", "datasets", "leaderboard", "alice/bench", "-q")
    assert run.stdout.split() == ["acme/m2", "alice/m1", "alice/m3"]


def _python_json(python: Path | str, code: str, endpoint: str, token: str) -> object:
    result = subprocess.run(
        [str(python), "-c", code, endpoint, token], capture_output=True, text=True, cwd="/", timeout=120,
        env={"HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_DISABLE_XET": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


_READ_BOTH = """
import dataclasses, json, sys, tempfile, os
os.environ["HF_HOME"] = tempfile.mkdtemp()
from huggingface_hub import HfApi
api = HfApi(endpoint=sys.argv[1], token=sys.argv[2])
board = api.get_dataset_leaderboard("alice/bench")
meta = api.get_safetensors_metadata("alice/weights")
one = api.parse_safetensors_file_metadata("alice/weights", "model-2.safetensors")
print(json.dumps({
    "board": [dataclasses.asdict(e) for e in board],
    "board_extra": [sorted(vars(e)) for e in board],
    "meta": dataclasses.asdict(meta),
    "one": dataclasses.asdict(one),
}, default=list))
"""


def test_upstream_client_reads_the_same_values(hub, upstream_python: Path) -> None:
    local_hub, token = hub
    ours = _python_json(sys.executable, _READ_BOTH, local_hub.endpoint, token)
    theirs = _python_json(upstream_python, _READ_BOTH, local_hub.endpoint, token)
    assert ours == theirs
    assert [e["model_id"] for e in ours["board"]] == ["acme/m2", "alice/m1", "alice/m3"]
    assert ours["meta"]["parameter_count"] == {"F16": 16, "F32": 3}


@pytest.fixture(scope="module")
def viewer(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("parquet")
    with DatasetViewerDouble() as double:
        for config, split, rows in [("default", "train", 4), ("default", "test", 2), ("extra", "train", 1)]:
            path = write_parquet(folder / f"{config}-{split}.parquet", f"SELECT range AS id FROM range({rows})")
            double.add("alice/stats", config, split, path)
        yield double, folder


def test_parquet_output(viewer, upstream_python: Path, tmp_path: Path) -> None:
    double, _ = viewer
    commands = [
        ["datasets", "parquet", "alice/stats"],
        ["datasets", "parquet", "alice/stats", "--subset", "extra"],
        ["datasets", "parquet", "alice/stats", "--split", "train", "--format", "json"],
        ["datasets", "parquet", "alice/stats", "--format", "agent"],
        ["datasets", "parquet", "alice/stats", "-q"],
        ["datasets", "parquet", "alice/stats", "--split", "nope"],
        ["datasets", "parquet", "alice/missing"],
    ]
    for args in commands:
        common = {"launcher": VIEWER_LAUNCHER, "TEST_DATASETS_SERVER": double.endpoint}
        ours = run_cli(HUB, None, tmp_path / "ours", *args, **common)  # type: ignore[arg-type]
        theirs = run_cli(HUB, None, tmp_path / "up", *args, python=upstream_python, **common)  # type: ignore[arg-type]
        assert _clean(ours) == _clean(theirs), args
    # Another endpoint is refused before any request, by both.
    ours = run_cli("http://127.0.0.1:1", None, tmp_path / "ours", "datasets", "parquet", "alice/stats")
    theirs = run_cli("http://127.0.0.1:1", None, tmp_path / "up", "datasets", "parquet", "alice/stats",
                     python=upstream_python)  # fmt: skip
    assert ours.returncode != 0 and _clean(ours) == _clean(theirs)


def test_sql_output(viewer, duckdb_only: str, upstream_python: Path, tmp_path: Path) -> None:
    _, folder = viewer
    train = folder / "default-train.parquet"
    queries = [
        f"SELECT COUNT(*) AS rows FROM read_parquet('{train}')",
        f"SELECT id, id * 1.5 AS x, id % 2 = 0 AS even, 'r' || id AS name FROM read_parquet('{train}') ORDER BY id;",
        "SELECT 1 AS a WHERE false",
        "  ",
        "SELECT 1;\n.shell echo hi",
        "CREATE TABLE t (x INT)",
    ]
    for query in queries:
        for fmt in (["--format", "json"], []):
            args = ["datasets", "sql", query, *fmt]
            ours = run_cli(HUB, None, tmp_path / "ours", *args)
            theirs = run_cli(HUB, None, tmp_path / "up", *args, python=upstream_python, PYTHONPATH=duckdb_only)
            assert _clean(ours) == _clean(theirs), args
    # A DuckDB error is not caught by either CLI: the tracebacks differ by their paths, not by the error.
    args = ["datasets", "sql", "SELECT * FROM no_such_table"]
    ours = run_cli(HUB, None, tmp_path / "ours", *args)
    theirs = run_cli(HUB, None, tmp_path / "up", *args, python=upstream_python, PYTHONPATH=duckdb_only)
    assert ours.returncode == theirs.returncode == 1
    assert ours.stderr.splitlines()[-2:] == theirs.stderr.splitlines()[-2:]
    assert "Table with name no_such_table does not exist" in ours.stderr


def test_sql_without_duckdb(upstream_python: Path, tmp_path: Path) -> None:
    # Upstream's virtualenv has no DuckDB; ours is hidden by a package that fails to import.
    blocker = tmp_path / "blocker" / "duckdb"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('hidden for the test')\n")
    env = {"PATH": "/usr/bin:/bin"}
    ours = run_cli(HUB, None, tmp_path / "ours", "datasets", "sql", "SELECT 1", PYTHONPATH=str(blocker.parent), **env)
    theirs = run_cli(HUB, None, tmp_path / "up", "datasets", "sql", "SELECT 1", python=upstream_python, **env)
    assert ours.returncode == 1
    assert "DuckDB is required for `hf datasets sql`." in ours.stderr
    assert _clean(ours) == _clean(theirs)
