"""The Dataset Viewer's parquet files (`DatasetParquetEntry`) and raw SQL over them with DuckDB.

Every dataset on the Hub is converted to parquet by the Dataset Viewer, a service of its own
(`constants.DATASETS_SERVER_ENDPOINT`). `execute_raw_sql_query` runs a query with DuckDB: the Python package if it is
installed, else the `duckdb` command-line binary. With a token, the query runs with two DuckDB secrets so that
`read_parquet('https://huggingface.co/...')` and `hf://` paths can read private and gated datasets.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from . import constants
from .utils import get_token


@dataclass(frozen=True)
class DatasetParquetEntry:
    """Represents a single parquet file available for a dataset on the Hub."""

    config: str
    split: str
    url: str
    size: int


def execute_raw_sql_query(sql_query: str, *, token: str | bool | None = None) -> list[dict[str, Any]]:
    """Run `sql_query` with DuckDB and return its rows as dicts (column name -> value).

    Args:
        sql_query (`str`):
            One SQL statement that returns rows; a trailing `;` is ignored.
        token (`str` or `bool`, *optional*):
            A User Access Token used to read Hub files from the query. Defaults to the locally saved token;
            `False` runs without one.

    Raises:
        `ValueError`: the query is empty, contains a DuckDB CLI meta-command (a line starting with `.word`), or
            returns no result set.
        `ImportError`: neither the `duckdb` Python package nor the `duckdb` binary is available.
        `RuntimeError`: the DuckDB binary failed (its error message).
    """
    query = sql_query.strip().rstrip(";").strip()
    _raise_on_forbidden_query(query)
    connection = _get_duckdb_connection(token=token)
    try:
        relation = connection.sql(query)
        if relation is None:  # a statement without a result set (e.g. CREATE TABLE)
            raise ValueError("SQL query must return rows.")
        if isinstance(relation, _DuckDBCliRelation):
            return relation.execute()
        columns = [column[0] for column in relation.description]
        return [dict(zip(columns, row, strict=False)) for row in relation.fetchall()]
    finally:
        connection.close()


def _raise_on_forbidden_query(query: str) -> None:
    if not query:
        raise ValueError("SQL query cannot be empty.")
    # The DuckDB CLI reads `.shell`, `.output`, ... as commands: refused, since the query may be fed to the binary.
    # A line starting with a number such as `.5` is still SQL.
    for line in query.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(".") and stripped[1:2].isalpha():
            raise ValueError("DuckDB CLI meta-commands are not allowed in SQL queries.")


def _get_duckdb_connection(token: str | bool | None) -> Any:
    """A DuckDB connection with the Hub secrets set: the Python package's, or a stand-in driving the binary."""
    try:
        import duckdb
    except ImportError as error:
        binary = shutil.which("duckdb")
        if binary is None:
            raise ImportError(
                "DuckDB is required for `hf datasets sql`. Install the Python package with `pip install duckdb` or "
                "install the DuckDB CLI binary (for example `brew install duckdb`)."
            ) from error
        return _DuckDBCliConnection(binary_path=binary, token=token)

    connection = duckdb.connect()
    try:
        for statement in _build_duckdb_secret_statements(token):
            connection.execute(statement)
    except Exception:
        connection.close()
        raise
    return connection


@dataclass
class _DuckDBCliConnection:
    """The part of DuckDB's Python connection that `execute_raw_sql_query` uses, backed by the `duckdb` binary."""

    binary_path: str
    token: str | bool | None

    def __post_init__(self) -> None:
        self._setup_statements = _build_duckdb_secret_statements(self.token)

    def sql(self, query: str) -> "_DuckDBCliRelation":
        return _DuckDBCliRelation(binary_path=self.binary_path, setup_statements=self._setup_statements, query=query)

    def close(self) -> None:
        """Nothing to release: each query is its own process."""


@dataclass
class _DuckDBCliRelation:
    """A query to run with the `duckdb` binary, whose JSON output gives the rows."""

    binary_path: str
    setup_statements: list[str]
    query: str

    def execute(self) -> list[dict[str, Any]]:
        lines = []
        if self.setup_statements:
            # The secrets' own output ("true" rows) is sent to the null device so stdout holds only the query's JSON.
            lines += [f".output {os.devnull}", *(f"{statement};" for statement in self.setup_statements), ".output"]
        lines.append(f"{self.query};")
        result = subprocess.run(
            [self.binary_path, "-json"], input="\n".join(lines), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr.strip() or result.stdout.strip() or "DuckDB CLI command failed.")
        return json.loads(result.stdout.strip())


def _build_duckdb_secret_statements(token: str | bool | None) -> list[str]:
    """`CREATE SECRET` statements giving DuckDB the token: as a bearer token for the Hub endpoint's URLs and as the
    token of DuckDB's `hf://` file system. Empty without a token."""
    if token is None or token is True:
        token = get_token()
    if not token:
        return []
    token_literal = token.replace("'", "''")
    endpoint_literal = constants.ENDPOINT.replace("'", "''")
    return [
        f"CREATE OR REPLACE SECRET hf_hub_token (TYPE HTTP, BEARER_TOKEN '{token_literal}', SCOPE '{endpoint_literal}')",
        f"CREATE OR REPLACE SECRET hf_token (TYPE HUGGINGFACE, TOKEN '{token_literal}')",
    ]
