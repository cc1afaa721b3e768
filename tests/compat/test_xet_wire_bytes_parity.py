"""Our Xet upload sends the bytes `hf_xet` sends: the same xorbs (hash and body) and the same shard, for one file.

Both clients upload to a small capture CAS (it keeps every xorb and shard body; global-dedup queries and upload
grants answer 404 so both use the direct routes). Per file, chunking, xorb cutting, compression choice and the
shard are deterministic (xet-protocol 10.12), so the captures must be identical.
"""

import json
import subprocess
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from huggingface_hub import _rust
from tests.e2e._seed import random_bytes


class _CaptureCas:
    def __init__(self) -> None:
        self.xorbs: dict[str, bytes] = {}
        self.shards: list[bytes] = []
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, status: int, body: bytes = b"") -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._answer(404)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path.startswith("/v1/xorbs/default/"):
                    capture.xorbs[self.path.rsplit("/", 1)[1]] = body
                    self._answer(200, b'{"was_inserted":true}')
                elif self.path == "/v2/shards":
                    capture.shards.append(body)
                    self._answer(200, b'{"type":"result"}\n')
                elif self.path.startswith("/v1/telemetry"):
                    self._answer(200)
                else:
                    self._answer(404)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


_HF_XET_UPLOAD = textwrap.dedent(
    """
    import sys, time, hf_xet
    endpoint, path = sys.argv[1], sys.argv[2]
    session = hf_xet.XetSession()
    with session.new_upload_commit(endpoint=endpoint, token="t", token_expiry_unix_secs=int(time.time()) + 3600) as c:
        handle = c.start_upload_file(path, sha256=hf_xet.COMPUTE_SHA256)
    print(handle.result().xet_info.hash, handle.result().xet_info.sha256)
    """
)


def _text(size: int) -> bytes:
    """Compressible content (LZ4 and byte-grouping choices both occur)."""
    words = [f"{i:08d} weight={i * 0.37:.5f} tensor.layer{i % 97}\n".encode() for i in range(size // 30 + 1)]
    floats = b"".join(int(i * 2654435761 % 65536).to_bytes(4, "little") for i in range(size // 8 + 1))
    return (b"".join(words)[: size // 2] + floats)[:size]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda: random_bytes(70 * 1024 * 1024 + 17, seed=5), id="random-two-xorbs"),
        pytest.param(lambda: _text(3 * 1024 * 1024 + 5), id="compressible"),
        pytest.param(lambda: b"Hello, World!", id="tiny"),
    ],
)
def test_one_file_gives_hf_xets_xorbs_and_shard(upstream_python: Path, tmp_path: Path, content) -> None:
    data = content()
    path = tmp_path / "file.bin"
    path.write_bytes(data)
    env = {"HF_HOME": str(tmp_path / "hf-home"), "HF_XET_CACHE": str(tmp_path / "xet-cache"), "PATH": "/usr/bin:/bin"}

    theirs = _CaptureCas()
    try:
        done = subprocess.run(
            [str(upstream_python), "-c", _HF_XET_UPLOAD, theirs.url, str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    finally:
        theirs.close()
    their_hash, their_sha = done.stdout.split()

    ours = _CaptureCas()
    try:
        result = _rust.xet_upload([(str(path), None, None)], token=(ours.url, "t", int(time.time()) + 3600))
    finally:
        ours.close()
    assert result["ok"], json.dumps({k: v for k, v in result.items() if k != "body"})
    [(our_hash, size, our_sha)] = result["files"]
    assert (our_hash, size, our_sha) == (their_hash, len(data), their_sha)
    assert sorted(ours.xorbs) == sorted(theirs.xorbs)
    for key, body in theirs.xorbs.items():
        assert ours.xorbs[key] == body, key
    assert ours.shards == theirs.shards
