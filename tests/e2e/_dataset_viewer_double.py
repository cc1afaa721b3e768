"""A stand-in for the Dataset Viewer (datasets-server.huggingface.co), a service separate from the Hub: it answers
`GET /parquet?dataset=...[&config=...]` the way the real one does, for datasets registered by the test, and serves the
parquet files it lists under `/files/...`, so the listed URLs can be read.

Point the package at it by setting `constants.DATASETS_SERVER_ENDPOINT` to `viewer.endpoint`.
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse


@dataclass
class _File:
    config: str
    split: str
    path: Path


@dataclass
class DatasetViewerDouble:
    datasets: dict[str, list[_File]] = field(default_factory=dict)
    # (path with query, Authorization header) of every request, in order.
    requests: list[tuple[str, str | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def add(self, dataset: str, config: str, split: str, path: Path) -> None:
        """Lists `path` as a parquet file of `dataset` (config, split)."""
        self.datasets.setdefault(dataset, []).append(_File(config, split, path))

    def url(self, dataset: str, config: str, split: str, index: int) -> str:
        return f"{self.endpoint}/files/{dataset}/{config}/{split}/{index}.parquet"

    def __enter__(self) -> "DatasetViewerDouble":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _parquet_answer(self, dataset: str, config: str | None) -> tuple[int, dict]:
        files = self.datasets.get(dataset)
        if files is None:
            return 404, {
                "error": "The dataset does not exist, or is not accessible without authentication (private or "
                "gated). Please check the spelling of the dataset name or retry with authentication."
            }
        items = []
        counters: dict[tuple[str, str], int] = {}
        for file in files:
            index = counters.get((file.config, file.split), 0)
            counters[(file.config, file.split)] = index + 1
            if config is not None and file.config != config:
                continue
            items.append(
                {
                    "dataset": dataset,
                    "config": file.config,
                    "split": file.split,
                    "url": self.url(dataset, file.config, file.split, index),
                    "filename": f"{index}.parquet",
                    "size": file.path.stat().st_size,
                }
            )
        return 200, {"parquet_files": items, "pending": [], "failed": [], "partial": False}

    def _file(self, path: str) -> Path | None:
        for dataset, files in self.datasets.items():
            counters: dict[tuple[str, str], int] = {}
            for file in files:
                index = counters.get((file.config, file.split), 0)
                counters[(file.config, file.split)] = index + 1
                if urlparse(self.url(dataset, file.config, file.split, index)).path == path:
                    return file.path
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # quiet test output
                pass

            def do_GET(self) -> None:
                double.requests.append((self.path, self.headers.get("authorization")))
                parsed = urlparse(self.path)
                if parsed.path == "/parquet":
                    query = parse_qs(parsed.query)
                    dataset = query.get("dataset", [""])[0]
                    config = query.get("config", [None])[0]
                    status, body = double._parquet_answer(dataset, config)
                    self._send(status, json.dumps(body).encode(), "application/json")
                    return
                file = double._file(parsed.path)
                if file is None:
                    self._send(404, b'{"error": "Not found."}', "application/json")
                else:
                    self._send(200, file.read_bytes(), "application/octet-stream")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


# `python -c VIEWER_LAUNCHER <args>` runs `hf <args>` (ours or upstream's) with the Dataset Viewer endpoint taken from
# the environment variable TEST_DATASETS_SERVER: the package has no setting for it.
VIEWER_LAUNCHER = """
import os, runpy, sys
import huggingface_hub.constants as constants
constants.DATASETS_SERVER_ENDPOINT = os.environ["TEST_DATASETS_SERVER"]
sys.argv = ["hf", *sys.argv[1:]]
runpy.run_module("huggingface_hub.cli.hf", run_name="__main__")
"""


def write_parquet(path: Path, select: str) -> Path:
    """Writes the rows of a DuckDB `SELECT` as a parquet file."""
    import duckdb

    connection = duckdb.connect()
    try:
        connection.execute(f"COPY ({select}) TO '{path}' (FORMAT PARQUET)")
    finally:
        connection.close()
    return path
