"""A forwarding proxy in front of the local Hub for Xet upload faults the Hub itself does not produce.

Requests reach the Hub with their `Host` header unchanged, so the CAS URL its token routes hand out (`{endpoint}/cas`)
points back at the proxy and the CAS traffic goes through it too. Faults:

- ``fail_xorbs=N``: the first `N` xorb uploads (`POST .../v1/xorbs/...`) are answered 503 without reaching the Hub;
- ``cut_first_xorb_after=N``: the first xorb upload is cut after `N` bytes of its body (connection closed, no answer);
- ``expire_first_token``: the first token answer says the token expired 10 s ago;
- ``no_xet``: the token routes answer 404, as on a Hub without Xet storage;
- ``on_first_xorb``: a callable run when the first xorb upload arrives, before it is forwarded.

`paths` lists the paths of every request seen, in order.
"""

import http.client
import http.server
import json
import socket
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "upgrade"}


class XetProxy:
    def __init__(
        self,
        target: str,
        *,
        fail_xorbs: int = 0,
        cut_first_xorb_after: int | None = None,
        expire_first_token: bool = False,
        no_xet: bool = False,
        on_first_xorb: Callable[[], None] | None = None,
    ) -> None:
        self.target = urlsplit(target)
        self.fail_xorbs = fail_xorbs
        self.cut_first_xorb_after = cut_first_xorb_after
        self.expire_first_token = expire_first_token
        self.no_xet = no_xet
        self.on_first_xorb = on_first_xorb
        self.paths: list[str] = []
        self.xorbs_seen = 0
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"proxy": self})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def count(self, fragment: str) -> int:
        with self.lock:
            return sum(1 for path in self.paths if fragment in path)

    def __enter__(self) -> "XetProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    proxy: XetProxy

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._forward()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_GET

    def _reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _forward(self) -> None:
        proxy = self.proxy
        length = int(self.headers.get("Content-Length") or 0)
        is_xorb = self.command == "POST" and "/v1/xorbs/" in self.path
        is_token = "-token/" in self.path
        with proxy.lock:
            proxy.paths.append(self.path)
            first_xorb = False
            if is_xorb:
                proxy.xorbs_seen += 1
                first_xorb = proxy.xorbs_seen == 1
            fail = is_xorb and proxy.fail_xorbs > 0
            if fail:
                proxy.fail_xorbs -= 1
            expire = is_token and proxy.expire_first_token
            if expire:
                proxy.expire_first_token = False
        if is_token and proxy.no_xet:
            self._reply(404, b'{"error":"Not Found"}')
            return
        if first_xorb and proxy.cut_first_xorb_after is not None:
            self.rfile.read(min(proxy.cut_first_xorb_after, length))
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        body = self.rfile.read(length)
        if fail:
            self._reply(503, b"CAS busy")
            return
        if first_xorb and proxy.on_first_xorb is not None:
            proxy.on_first_xorb()
        upstream = http.client.HTTPConnection(proxy.target.hostname, proxy.target.port, timeout=300)
        headers = {key: value for key, value in self.headers.items() if key.lower() not in _HOP_BY_HOP}
        upstream.request(self.command, self.path, body=body if length else None, headers=headers)
        response = upstream.getresponse()
        answer = response.read()
        if expire and response.status == 200:
            token = json.loads(answer)
            token["exp"] = int(time.time()) - 10
            answer = json.dumps(token).encode()
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer)
        upstream.close()
