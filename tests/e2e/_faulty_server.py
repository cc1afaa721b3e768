"""A scratch HTTP server on 127.0.0.1 for faults the real local Hub cannot produce.

It serves one payload at `/file` (with `Range` support) and behaves as `mode` says:

- ``"ok"``: serve normally;
- ``"drop_once"``: the first response is cut after `cut_at` bytes (connection closed);
- ``"stall_once"``: the first response stops sending after `cut_at` bytes and hangs;
- ``"wrong_bytes"``: serve `payload` with its first byte flipped;
- ``"slow"``: send in small pieces with pauses (`delay` seconds per 64 KiB).

`requests` counts requests, `served` bytes sent, `ranges` the Range headers received.
"""

import http.server
import threading
import time
from dataclasses import dataclass, field


@dataclass
class FaultState:
    payload: bytes
    mode: str = "ok"
    cut_at: int = 0
    delay: float = 0.0
    requests: int = 0
    served: int = 0
    ranges: list[str | None] = field(default_factory=list)
    authorization: list[str | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: FaultState

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        state = self.state
        with state.lock:
            state.requests += 1
            first = state.requests == 1
            state.ranges.append(self.headers.get("Range"))
            state.authorization.append(self.headers.get("Authorization"))
        payload = state.payload
        if state.mode == "wrong_bytes":
            payload = bytes([payload[0] ^ 0xFF]) + payload[1:]
        start, end = 0, len(payload)
        status = 200
        header = self.headers.get("Range")
        if header and header.startswith("bytes="):
            first_part, _, last_part = header[6:].partition("-")
            start = int(first_part)
            end = int(last_part) + 1 if last_part else len(payload)
            status = 206
        body = payload[start:end]
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end - 1}/{len(payload)}")
        self.end_headers()
        if first and state.mode in ("drop_once", "stall_once"):
            self.wfile.write(body[: state.cut_at])
            self.wfile.flush()
            state.served += min(len(body), state.cut_at)
            if state.mode == "stall_once":
                state.release.wait(30)
            self.close_connection = True
            return
        step = 64 * 1024
        for offset in range(0, len(body), step):
            try:
                self.wfile.write(body[offset : offset + step])
            except (BrokenPipeError, ConnectionResetError):
                return
            with state.lock:
                state.served += len(body[offset : offset + step])
            if state.mode == "slow":
                time.sleep(state.delay)


class FaultyServer:
    """`with FaultyServer(payload, mode=...) as server: server.url`"""

    def __init__(self, payload: bytes, **options: object) -> None:
        self.state = FaultState(payload=payload, **options)  # type: ignore[arg-type]
        handler = type("Handler", (_Handler,), {"state": self.state})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/file"

    def __enter__(self) -> "FaultyServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.state.release.set()
        self._server.shutdown()
        self._server.server_close()
