"""`list_dataset_parquet_files`, `hf datasets parquet` and `hf datasets sql` / `execute_raw_sql_query`.

The Dataset Viewer is a service of its own next to huggingface.co: the tests talk to a stand-in speaking its
protocol (tests/e2e/_dataset_viewer_double.py) serving real parquet files written with DuckDB, and run real DuckDB
queries over local parquet files.
"""

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from huggingface_hub import HfApi, constants, list_dataset_parquet_files
from huggingface_hub._dataset_viewer import execute_raw_sql_query
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.hf_api import DatasetParquetEntry
from tests.e2e._cli_runner import run_cli
from tests.e2e._dataset_viewer_double import VIEWER_LAUNCHER, DatasetViewerDouble, write_parquet

HUB = "https://huggingface.co"


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parquet")
    write_parquet(folder / "models-train.parquet", "SELECT range AS id, 'm' || range AS name FROM range(5)")
    write_parquet(folder / "models-test.parquet", "SELECT range AS id, 'm' || range AS name FROM range(2)")
    write_parquet(folder / "spaces-train.parquet", "SELECT range AS id, range * 2 AS likes FROM range(3)")
    return folder


@pytest.fixture
def viewer(parquet_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DatasetViewerDouble]:
    with DatasetViewerDouble() as double:
        double.add("alice/stats", "models", "train", parquet_dir / "models-train.parquet")
        double.add("alice/stats", "models", "test", parquet_dir / "models-test.parquet")
        double.add("alice/stats", "spaces", "train", parquet_dir / "spaces-train.parquet")
        monkeypatch.setattr(constants, "DATASETS_SERVER_ENDPOINT", double.endpoint)
        yield double


def test_lists_every_parquet_file(viewer: DatasetViewerDouble, parquet_dir: Path) -> None:
    entries = HfApi(endpoint=HUB, token=False).list_dataset_parquet_files("alice/stats")

    assert entries == [
        DatasetParquetEntry(
            config="models",
            split="train",
            url=viewer.url("alice/stats", "models", "train", 0),
            size=(parquet_dir / "models-train.parquet").stat().st_size,
        ),
        DatasetParquetEntry(
            config="models",
            split="test",
            url=viewer.url("alice/stats", "models", "test", 0),
            size=(parquet_dir / "models-test.parquet").stat().st_size,
        ),
        DatasetParquetEntry(
            config="spaces",
            split="train",
            url=viewer.url("alice/stats", "spaces", "train", 0),
            size=(parquet_dir / "spaces-train.parquet").stat().st_size,
        ),
    ]
    assert viewer.requests == [("/parquet?dataset=alice%2Fstats", None)]


def test_config_filter_and_token(viewer: DatasetViewerDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "ENDPOINT", HUB)
    entries = list_dataset_parquet_files("alice/stats", config="spaces", token="hf_secret")

    assert [(e.config, e.split) for e in entries] == [("spaces", "train")]
    assert viewer.requests == [("/parquet?dataset=alice%2Fstats&config=spaces", "Bearer hf_secret")]


def test_unknown_dataset_and_other_endpoints_are_refused(viewer: DatasetViewerDouble) -> None:
    with pytest.raises(HfHubHTTPError) as error:
        HfApi(endpoint=HUB, token=False).list_dataset_parquet_files("alice/nope")
    assert error.value.response.status_code == 404

    with pytest.raises(ValueError) as refused:
        HfApi(endpoint="http://127.0.0.1:1", token=False).list_dataset_parquet_files("alice/stats")
    assert str(refused.value) == (
        "The Dataset Viewer is only available on the Hugging Face Hub (endpoint='https://huggingface.co'). "
        "It is not supported on third-party endpoints. (endpoint=http://127.0.0.1:1)"
    )
    assert viewer.requests == [("/parquet?dataset=alice%2Fnope", None)]


def test_cli_parquet(viewer: DatasetViewerDouble, tmp_path: Path) -> None:
    def hf(*args: str) -> tuple[int, str, str]:
        run = run_cli(HUB, None, tmp_path, *args, launcher=VIEWER_LAUNCHER, TEST_DATASETS_SERVER=viewer.endpoint)
        return run.returncode, run.stdout, run.stderr

    code, stdout, _ = hf("datasets", "parquet", "alice/stats", "--split", "train", "--format", "json")
    assert code == 0
    rows = json.loads(stdout)
    assert [(r["subset"], r["split"]) for r in rows] == [("models", "train"), ("spaces", "train")]
    assert rows[0]["url"] == viewer.url("alice/stats", "models", "train", 0)

    code, stdout, _ = hf("datasets", "parquet", "alice/stats", "--subset", "models", "-q")
    assert code == 0
    assert stdout.splitlines() == [
        viewer.url("alice/stats", "models", "train", 0),
        viewer.url("alice/stats", "models", "test", 0),
    ]

    code, stdout, _ = hf("datasets", "parquet", "alice/stats")
    assert code == 0
    assert stdout.splitlines()[0].split() == ["SUBSET", "SPLIT", "URL", "SIZE"]


def test_sql_over_parquet_files(parquet_dir: Path) -> None:
    models = parquet_dir / "models-train.parquet"
    rows = execute_raw_sql_query(
        f"  SELECT COUNT(*) AS n, MAX(name) AS last FROM read_parquet('{models}');  ", token=False
    )
    assert rows == [{"n": 5, "last": "m4"}]

    joined = execute_raw_sql_query(
        f"SELECT m.name, s.likes FROM read_parquet('{models}') m "
        f"JOIN read_parquet('{parquet_dir / 'spaces-train.parquet'}') s USING (id) ORDER BY id DESC",
        token=False,
    )
    assert joined == [{"name": "m2", "likes": 4}, {"name": "m1", "likes": 2}, {"name": "m0", "likes": 0}]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("   ;  ", "SQL query cannot be empty."),
        ("SELECT 1;\n.shell ls", "DuckDB CLI meta-commands are not allowed in SQL queries."),
        ("SELECT 1;\n  .output /tmp/x", "DuckDB CLI meta-commands are not allowed in SQL queries."),
    ],
)
def test_sql_refusals(query: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        execute_raw_sql_query(query, token=False)
    assert str(error.value) == message


def test_sql_keeps_numbers_starting_with_a_dot_and_raises_duckdb_errors() -> None:
    assert execute_raw_sql_query("SELECT\n.5 AS half", token=False) == [{"half": 0.5}]
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        execute_raw_sql_query("SELECT * FROM no_such_table", token=False)


_FAKE_DUCKDB = """#!/bin/sh
# Stands in for the DuckDB command-line binary: keeps its arguments and input, answers JSON or fails.
PATH=/usr/bin:/bin
echo "$@" > "$CAPTURE.args"
cat > "$CAPTURE.stdin"
if grep -q FAIL "$CAPTURE.stdin"; then echo "Binder Error: boom" >&2; exit 1; fi
echo '[{"answer": 42}]'
"""


@pytest.fixture
def binary_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No duckdb Python package, a `duckdb` binary (a stand-in) on PATH; returns the capture path prefix."""
    monkeypatch.setitem(sys.modules, "duckdb", None)  # `import duckdb` raises ImportError
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "duckdb"
    fake.write_text(_FAKE_DUCKDB)
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("CAPTURE", str(tmp_path / "capture"))
    return tmp_path / "capture"


def test_sql_through_the_duckdb_binary(binary_only: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "ENDPOINT", "https://hub.example")
    assert execute_raw_sql_query("SELECT 42 AS answer;", token="hf_it's") == [{"answer": 42}]

    assert Path(f"{binary_only}.args").read_text().split() == ["-json"]
    # The token becomes two secrets (quotes doubled), whose own output is discarded before the query runs.
    assert Path(f"{binary_only}.stdin").read_text().splitlines() == [
        f".output {os.devnull}",
        "CREATE OR REPLACE SECRET hf_hub_token (TYPE HTTP, BEARER_TOKEN 'hf_it''s', SCOPE 'https://hub.example');",
        "CREATE OR REPLACE SECRET hf_token (TYPE HUGGINGFACE, TOKEN 'hf_it''s');",
        ".output",
        "SELECT 42 AS answer;",
    ]

    execute_raw_sql_query("SELECT 1", token=False)
    assert Path(f"{binary_only}.stdin").read_text() == "SELECT 1;"

    with pytest.raises(RuntimeError, match="^Binder Error: boom$"):
        execute_raw_sql_query("SELECT 'FAIL'", token=False)


def test_sql_without_duckdb(binary_only: Path) -> None:
    Path(os.environ["PATH"], "duckdb").unlink()
    with pytest.raises(ImportError) as error:
        execute_raw_sql_query("SELECT 1", token=False)
    assert str(error.value) == (
        "DuckDB is required for `hf datasets sql`. Install the Python package with `pip install duckdb` or "
        "install the DuckDB CLI binary (for example `brew install duckdb`)."
    )


def test_cli_sql(parquet_dir: Path, tmp_path: Path) -> None:
    query = f"SELECT id, name FROM read_parquet('{parquet_dir / 'models-test.parquet'}') ORDER BY id"
    run = run_cli(HUB, None, tmp_path, "datasets", "sql", query, "--format", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [{"id": 0, "name": "m0"}, {"id": 1, "name": "m1"}]

    run = run_cli(HUB, None, tmp_path, "datasets", "sql", ".shell echo hi")
    assert run.returncode != 0
    assert "DuckDB CLI meta-commands are not allowed in SQL queries." in run.stderr
