"""A forwarding proxy in front of the local Hub, for upload faults the Hub itself does not produce.

Every request is passed to the Hub with its `Host` header unchanged, so the URLs the Hub hands out (LFS upload
hrefs included) point back at the proxy and the uploads go through it too. Faults, each applied once:

- ``drop_put_after=N``: the first `PUT` is cut after `N` bytes of its body (the connection is closed, no answer);
- ``on_first_put``: a callable run once the first `N` bytes (``drop_put_after`` or 1 MiB) of the first `PUT` have
  arrived, the rest of the body still being forwarded (to change a file while it is being uploaded);
- ``expire_upload_urls=key``: the upload URLs (basic, multipart parts and completion) of the next LFS batch answer
  are re-signed with `key` (the local Hub's signing key, `DATA_DIR/lfs-signing.key`) to have expired an hour ago:
  genuinely expired URLs. The signed text follows `rust/hfh-server/src/routes/objects.rs`: purpose, fields and
  expiry, one per line.

`puts` counts the `PUT` requests seen.
"""

import hashlib
import hmac
import http.client
import http.server
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "upgrade"}
_SIGNED_HREF = re.compile(
    r"/lfs-objects/(?P<kind>upload|multipart)/(?P<path>[^?\"]+)\?(?P<query>[^\"]*?)&expires=\d+&signature=[0-9a-f]+"
)


class UploadProxy:
    def __init__(
        self,
        target: str,
        *,
        drop_put_after: int | None = None,
        on_first_put: Callable[[], None] | None = None,
        expire_upload_urls: bytes | None = None,
    ) -> None:
        self.target = urlsplit(target)
        self.drop_put_after = drop_put_after
        self.on_first_put = on_first_put
        self.expire_key = expire_upload_urls
        self.puts = 0
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"proxy": self})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "UploadProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def expire(self, body: bytes) -> bytes:
        """Re-sign every upload href of a batch answer with an expiry in the past."""
        key, self.expire_key = self.expire_key, None
        assert key is not None
        expires = int(time.time()) - 3600

        def resign(match: re.Match) -> str:
            query = dict(pair.split("=", 1) for pair in match["query"].split("&"))
            segments = match["path"].split("/")  # oid, or oid/upload_id[/part]
            if match["kind"] == "upload":
                purpose, fields = "upload", [query["repo"], segments[0], query["size"]]
            else:
                purpose = "upload-part" if len(segments) == 3 else "complete-upload"
                fields = [query["repo"], segments[0], query["size"], query["chunk"], *segments[1:]]
            text = "\n".join([purpose, *fields, str(expires)])
            signature = hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
            return f"/lfs-objects/{match['kind']}/{match['path']}?{match['query']}&expires={expires}&signature={signature}"

        return json.dumps(json.loads(_SIGNED_HREF.sub(resign, body.decode()))).encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    proxy: UploadProxy

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._forward()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_GET

    def _forward(self) -> None:
        proxy = self.proxy
        length = int(self.headers.get("Content-Length") or 0)
        first_put = False
        if self.command == "PUT":
            with proxy.lock:
                proxy.puts += 1
                first_put = proxy.puts == 1
        body = b""
        if first_put and (proxy.drop_put_after is not None or proxy.on_first_put is not None):
            head = proxy.drop_put_after if proxy.drop_put_after is not None else 1024 * 1024
            body = self.rfile.read(min(head, length))
            if proxy.on_first_put is not None:
                proxy.on_first_put()
            if proxy.drop_put_after is not None:
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
        body += self.rfile.read(length - len(body))

        upstream = http.client.HTTPConnection(proxy.target.hostname, proxy.target.port, timeout=300)
        headers = {key: value for key, value in self.headers.items() if key.lower() not in _HOP_BY_HOP}
        try:
            upstream.request(self.command, self.path, body=body if length else None, headers=headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the Hub answered (and closed) before reading the whole body, e.g. a refused upload: relay that answer
        response = upstream.getresponse()
        answer = response.read()
        if proxy.expire_key is not None and self.path.endswith("/info/lfs/objects/batch") and response.status == 200:
            answer = proxy.expire(answer)
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer)
        upstream.close()
