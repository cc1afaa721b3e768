"""A stand-in for the reload server of a running Gradio Space (a service separate from the Hub): per replica,
`POST .../--replicas/+{replica}/create-reload` takes a file to reload (the Hub calls it) and
`POST .../--replicas/+{replica}/get-reload` streams, as Server-Sent Events, what reloading it did (clients call it).

The Space's host is `{double.endpoint}/{subdomain}`: with `--7887` appended to the subdomain, as clients and the Hub
do, requests land under `/{subdomain}--7887/`; anything else is a 404. Declare it to the local Hub with
`LocalHub.attach_space_app(space, double.host(subdomain), replicas)`.
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class ReloadServerDouble:
    subdomain: str
    # replica id -> the events (the `data` objects) its get-reload streams, for any reload it created.
    events: dict[str, list[dict]] = field(default_factory=dict)
    # replica id -> what its create-reload answers as `res.status` (default "created").
    create_status: dict[str, str] = field(default_factory=dict)
    # replica id -> how many get-reload calls answer 204 (reload not known yet) before the stream.
    not_ready: dict[str, int] = field(default_factory=dict)
    # (replica, route, JSON body, Authorization header) of every request, in order.
    requests: list[tuple[str, str, dict, str | None]] = field(default_factory=list)
    created: dict[str, set[str]] = field(default_factory=dict)  # replica -> reload ids created

    def __post_init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def host(self) -> str:
        """The Space host to declare: the subdomain appears in it, as in `https://{subdomain}.hf.space`."""
        return f"{self.endpoint}/{self.subdomain}"

    def __enter__(self) -> "ReloadServerDouble":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        double = self
        prefix = f"/{self.subdomain}--7887/--replicas/+"

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes = b"", content_type: str = "application/json") -> None:
                self.send_response(status)
                if status != 204:
                    self.send_header("content-type", content_type)
                    self.send_header("content-length", str(len(body)))
                self.end_headers()
                if status != 204:
                    self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
                if not self.path.startswith(prefix) or self.path.count("/") != 4:
                    return self._send(404, b'{"error": "not found"}')
                replica, route = self.path[len(prefix) :].split("/")
                double.requests.append((replica, route, body, self.headers.get("authorization")))
                if replica not in double.events:
                    return self._send(404, b'{"error": "replica not found"}')
                if route == "create-reload":
                    status = double.create_status.get(replica, "created")
                    if status == "created":
                        double.created.setdefault(replica, set()).add(body["reloadId"])
                    answer = {"res": {"status": status, "reloadId": body["reloadId"]}}
                    return self._send(200, json.dumps(answer).encode())
                if route != "get-reload":
                    return self._send(404, b'{"error": "not found"}')
                if double.not_ready.get(replica, 0) > 0:
                    double.not_ready[replica] -= 1
                    return self._send(204)
                if body.get("reloadId") not in double.created.get(replica, set()):
                    return self._send(204)
                # Comments, a named event clients ignore, a multi-line data field and CRLF line ends: the
                # parsing has to cope with all of them.
                stream = ": keep-alive\r\n\r\nevent: ping\r\ndata: {}\r\n\r\n"
                for event in double.events[replica]:
                    text = json.dumps({"data": event}, indent=1)
                    stream += "".join(f"data: {line}\r\n" for line in text.splitlines()) + "\r\n"
                return self._send(200, stream.encode(), "text/event-stream")

        return Handler
