"""A tiny HTTP server on 127.0.0.1 answering the few Hub routes the auth tests need (whoami, OAuth).

Stand-in until the project's own local Hub server exists: each test declares the answers it wants per route
(a queue, so successive calls can differ) and inspects the requests that were received.
"""

import json
import threading
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # JSON-encoded unless it is `bytes`
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class FakeHub:
    def __init__(self) -> None:
        self._answers: dict[tuple[str, str], deque[Answer]] = defaultdict(deque)
        self.received: list[Received] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        # A short poll interval keeps shutdown (once per test) quick.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, method: str, path: str, *answers: Answer) -> None:
        """Queue answers for `method path`; the last one is repeated once the others are used."""
        self._answers[(method, path)].extend(answers)

    def clear(self) -> None:
        """Forget the configured answers and the received requests."""
        self._answers.clear()
        self.received.clear()

    def requests_to(self, path: str) -> list[Received]:
        return [request for request in self.received if request.path == path]

    def _next_answer(self, method: str, path: str) -> Answer:
        queue = self._answers.get((method, path))
        if not queue:
            return Answer(404, {"error": f"no answer configured for {method} {path}"})
        return queue.popleft() if len(queue) > 1 else queue[0]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                hub.received.append(
                    Received(
                        method=self.command,
                        path=url.path,
                        query=parse_qs(url.query),
                        headers={name.lower(): value for name, value in self.headers.items()},
                        body=self.rfile.read(length),
                    )
                )
                answer = hub._next_answer(self.command, url.path)
                payload = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
                self.send_response(answer.status)
                content_type = "application/octet-stream" if isinstance(answer.body, bytes) else "application/json"
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

        return Handler

    def __enter__(self) -> "FakeHub":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def running_fake_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """Body of a `fake_hub` fixture: a running `FakeHub`, with `constants.ENDPOINT` pointing at it.

    Test modules wrap it in their own fixture (``yield from running_fake_hub(monkeypatch)``): importing a fixture
    function into a module would clash with the test parameters of the same name.
    """
    from huggingface_hub import constants

    with FakeHub() as hub:
        monkeypatch.setattr(constants, "ENDPOINT", hub.endpoint)
        yield hub
