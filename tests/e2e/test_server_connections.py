"""The local Hub keeps a connection usable when it refuses a request before reading its body.

urllib3 sends a request's headers and its body in two writes. When the server answers (401, 403, 404...) between
the two and then closes the connection with the body unread, the body hits a closing socket, the kernel resets the
connection and the client loses the answer: `requests` raises ConnectionError instead of the HTTP error. On a
loaded machine the window between the two writes is wide and end-to-end tests failed that way now and then. The
pauses below widen that window on purpose: with the bug the refusal arrives during the pause; without it the
server waits for the body, whatever the pause, so no timing decides whether these tests pass.
"""

import socket
import time
from collections.abc import Iterator

import pytest
import urllib3

from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.local_hub import LocalHub
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

# Long enough for the server to have answered the headers alone on any machine.
PAUSE = 0.3
BODY = b'{"user": "bob", "status": "accepted"}'


class _SlowBody:
    """A request body whose bytes come only after a pause (a client preempted between its two writes)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._paused = False

    def __len__(self) -> int:
        return len(self._data)

    def read(self, size: int = -1) -> bytes:
        if not self._paused:
            self._paused = True
            time.sleep(PAUSE)
        chunk, self._data = (self._data, b"") if size < 0 else (self._data[:size], self._data[size:])
        return chunk


def _host_port(endpoint: str) -> tuple[str, int]:
    host, port = endpoint.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def _read_response(sock: socket.socket) -> bytes:
    """One response with a Content-Length body (all our error answers have one)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a complete response: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    )
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed inside a response body"
        rest += chunk
    return head


@pytest.fixture
def raw(local_hub: LocalHub) -> Iterator[socket.socket]:
    sock = socket.create_connection(_host_port(local_hub.endpoint))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with sock:
        yield sock


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/no-such-route", b"404"),  # refused by the router
        ("/api/models/alice/missing/user-access-request/handle", b"401"),  # refused on authentication
    ],
)
def test_a_request_refused_before_its_body_arrives_keeps_the_connection(
    raw: socket.socket, path: str, status: bytes
) -> None:
    raw.sendall(
        f"POST {path} HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(BODY)}\r\n\r\n".encode()
    )
    time.sleep(PAUSE)
    raw.sendall(BODY)
    head = _read_response(raw)
    assert head.split(b" ")[1] == status
    assert b"connection: close" not in head.lower()
    # The same connection serves the next request.
    raw.sendall(b"GET /api/whoami-v2 HTTP/1.1\r\nHost: hub\r\n\r\n")
    assert _read_response(raw).split(b" ")[1] == b"401"


def test_requests_keeps_its_pooled_connection_after_a_refusal(
    local_hub: LocalHub, alice_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection the server closes after an answer is one the client can reuse in the instant before the close
    arrives, and that request then dies with the connection: the server must not close it at all."""
    connects = []
    connect = urllib3.connection.HTTPConnection.connect

    def counting_connect(self: urllib3.connection.HTTPConnection) -> None:
        connects.append(self)
        connect(self)

    monkeypatch.setattr(urllib3.connection.HTTPConnection, "connect", counting_connect)
    session = get_session()
    url = f"{local_hub.endpoint}/api/no-such-route"
    for _ in range(3):
        response = session.post(url, data=_SlowBody(BODY), headers=build_hf_headers(token=alice_token))
        with pytest.raises(HfHubHTTPError) as error:
            hf_raise_for_status(response)
        assert error.value.response is not None and error.value.response.status_code == 404
    whoami = session.get(f"{local_hub.endpoint}/api/whoami-v2", headers=build_hf_headers(token=alice_token))
    assert whoami.json()["name"] == "alice"
    assert len(connects) == 1, f"the server closed connections after refusing requests ({len(connects)} opened)"


def test_a_large_refused_body_is_not_read_to_the_end(raw: socket.socket) -> None:
    """Past the drain budget the server stops reading and closes, rather than swallowing a whole upload."""
    declared = 64 << 20
    raw.sendall(f"POST /api/no-such-route HTTP/1.1\r\nHost: hub\r\nContent-Length: {declared}\r\n\r\n".encode())
    sent = 0
    chunk = b"\0" * (1 << 20)
    closed = False
    try:
        while sent < declared:
            raw.sendall(chunk)
            sent += len(chunk)
    except OSError:
        closed = True
    assert closed, "the server read a 64 MiB body it had refused"
