"""The shared session, its request hook, retries with backoff, and error mapping over a real socket.

A tiny scripted HTTP server on 127.0.0.1 (port chosen by the OS) answers with crafted statuses, headers and bodies
and records what it received. It stands in for the local Hub server until that exists.
"""

import io
import json
import logging
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from huggingface_hub import constants
from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled, RepositoryNotFoundError
from huggingface_hub.utils import (
    RateLimitInfo,
    _detect_agent,
    _http,
    build_hf_headers,
    close_session,
    configure_http_backend,
    fix_hf_endpoint_in_url,
    get_session,
    hf_raise_for_status,
    http_backoff,
    http_stream_backoff,
    parse_ratelimit_headers,
    reset_sessions,
    set_client_factory,
)

TOKEN = "hf_SECRETtokenVALUE0123456789"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

# ---------------------------------------------------------------------------
# Scripted loopback server
# ---------------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b"ok"
    drop: bool = False  # close the connection without answering


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class ScriptedServer:
    """Answers requests with the queued replies, in order, then with `200 ok`."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next(self, received: Received) -> Reply:
        with self._lock:
            self.received.append(received)
            return self.replies.pop(0) if self.replies else Reply()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                reply = server._next(Received(self.command, self.path, dict(self.headers.items()), body))
                if reply.drop:
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = do_PATCH = _handle

            def log_message(self, *args) -> None:
                pass

        return Handler


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    yield scripted
    scripted.stop()


@pytest.fixture(autouse=True)
def fresh_sessions(monkeypatch) -> Iterator[None]:
    """Every test starts and ends with the default factory and no open session; never really offline."""
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_DEBUG", False)
    set_client_factory(_http.default_client_factory)
    yield
    set_client_factory(_http.default_client_factory)


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """Record the backoff waits instead of sleeping."""
    recorded: list[float] = []
    monkeypatch.setattr(_http.time, "sleep", recorded.append)
    return recorded


def unused_port_url() -> str:
    """A URL on which nothing listens (connection refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/x"


# ---------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------


def test_get_session_is_shared_within_a_thread_and_distinct_across_threads():
    session = get_session()
    assert isinstance(session, requests.Session)
    assert get_session() is session
    other: list[requests.Session] = []
    thread = threading.Thread(target=lambda: other.append(get_session()))
    thread.start()
    thread.join()
    assert other[0] is not session


def test_close_session_makes_the_next_call_build_a_new_one():
    first = get_session()
    close_session()
    assert get_session() is not first
    second = get_session()
    reset_sessions()  # 0.x name
    assert get_session() is not second


def test_custom_factory_is_used_and_still_gets_the_request_hook(server, monkeypatch):
    built: list[requests.Session] = []

    def factory() -> requests.Session:
        session = requests.Session()
        session.headers["X-Custom"] = "yes"
        built.append(session)
        return session

    set_client_factory(factory)
    assert get_session() is built[0]
    get_session().get(server.url + "/ping")
    assert server.received[-1].headers["X-Custom"] == "yes"
    assert UUID4.match(server.received[-1].headers["X-Amzn-Trace-Id"])

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(OfflineModeIsEnabled):
        get_session().get(server.url + "/ping")
    assert len(server.received) == 1


def test_configure_http_backend_is_the_0x_spelling(server):
    configure_http_backend(lambda: requests.Session())
    first = get_session()
    configure_http_backend()  # back to the default
    assert get_session() is not first


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_builds_its_own_session():
    parent_session = get_session()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report whether it got a different session, then leave without running pytest's teardown
        try:
            os.write(write_end, b"new" if get_session() is not parent_session else b"same")
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as pipe:
        assert pipe.read() == b"new"
    assert get_session() is parent_session


# ---------------------------------------------------------------------------
# Request hook: offline mode, trace id, logs
# ---------------------------------------------------------------------------


def test_offline_mode_blocks_every_request_before_it_leaves(server, monkeypatch, waits):
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(OfflineModeIsEnabled) as info:
        get_session().get(server.url + "/api/models/gpt2")
    assert str(info.value) == (
        f"Cannot reach {server.url}/api/models/gpt2: offline mode is enabled. To disable it, please unset the"
        " `HF_HUB_OFFLINE` environment variable."
    )
    with pytest.raises(OfflineModeIsEnabled):
        http_backoff("GET", server.url + "/x")  # not retried: it is not a network failure
    assert server.received == [] and waits == []


def test_offline_mode_is_read_through_is_offline_mode_when_available(server, monkeypatch):
    monkeypatch.setattr(constants, "is_offline_mode", lambda: True)
    with pytest.raises(OfflineModeIsEnabled):
        get_session().get(server.url)


def test_trace_id_is_a_uuid4_or_the_callers_request_id(server):
    get_session().get(server.url + "/a")
    get_session().get(server.url + "/b", headers={"X-Request-Id": "my-request"})
    get_session().get(server.url + "/c", headers={"X-Amzn-Trace-Id": "kept"})
    first, second, third = (received.headers["X-Amzn-Trace-Id"] for received in server.received)
    assert UUID4.match(first)
    assert (second, third) == ("my-request", "kept")


def test_requests_are_logged_at_debug_level(server, caplog):
    with caplog.at_level(logging.DEBUG, logger="huggingface_hub"):
        get_session().get(
            server.url + "/api/x?y=1", headers={"X-Request-Id": "RID", "authorization": f"Bearer {TOKEN}"}
        )
        get_session().get(server.url + "/api/z", headers={"X-Request-Id": "RID2"})
    messages = [record.getMessage() for record in caplog.records if record.name == "huggingface_hub.utils._http"]
    assert f"Request RID: GET {server.url}/api/x?y=1 (authenticated: True)" in messages
    assert f"Request RID2: GET {server.url}/api/z (authenticated: False)" in messages
    assert not any(message.startswith("Send:") for message in messages)  # curl dumps only with HF_DEBUG
    assert TOKEN not in caplog.text


def test_hf_debug_logs_a_curl_command_with_secrets_masked(server, caplog, monkeypatch):
    monkeypatch.setattr(constants, "HF_DEBUG", True)
    headers = build_hf_headers(token=TOKEN)
    with caplog.at_level(logging.DEBUG, logger="huggingface_hub"):
        get_session().post(
            server.url + "/oauth/token",
            headers=headers,
            data={"grant_type": "refresh_token", "refresh_token": "r-SECRET"},
        )
        get_session().post(
            server.url + "/api/j", headers=headers, json={"access_token": "a-SECRET", "keep": "visible"}
        )
        get_session().put(server.url + "/upload", headers=headers, data=io.BytesIO(b"file bytes"))
    curls = [record.getMessage() for record in caplog.records if record.getMessage().startswith("Send: curl")]
    assert len(curls) == 3
    assert all("'authorization: <TOKEN>'" in curl for curl in curls)
    assert "refresh_token=<REDACTED>" in curls[0] and "grant_type=refresh_token" in curls[0]
    assert '"access_token": "<REDACTED>"' in curls[1] and '"keep": "visible"' in curls[1]
    assert "-d '<streaming body>'" in curls[2]
    assert all(curl.endswith(f"{server.url}/upload") for curl in curls[2:])
    assert TOKEN not in caplog.text and "SECRET" not in caplog.text


def test_curl_body_is_truncated():
    request = requests.Request("POST", "https://h/x", data="a" * 1500).prepare()
    assert f"-d '{'a' * 1000} ... [truncated]' https://h/x" in _http._curlify(request)
    assert "a" * 1001 not in _http._curlify(request)


# ---------------------------------------------------------------------------
# Error mapping over a real socket
# ---------------------------------------------------------------------------


def test_repo_not_found_over_http(server):
    server.script(
        Reply(
            404,
            [("X-Error-Code", "RepoNotFound"), ("X-Request-Id", "REQ-42"), ("Content-Type", "application/json")],
            b'{"error": "Repository not found"}',
        )
    )
    response = get_session().get(server.url + "/api/models/org/name", headers=build_hf_headers(token=TOKEN))
    with pytest.raises(RepositoryNotFoundError) as info:
        hf_raise_for_status(response)
    error = info.value
    assert str(error).startswith(
        f"404 Client Error. (Request ID: REQ-42)\n\nRepository Not Found for url: {server.url}/api/models/org/name."
    )
    assert (error.repo_id, error.repo_type, error.server_message) == ("org/name", "model", "Repository not found")
    assert TOKEN not in str(error)


def test_unauthorized_over_plain_http_without_error_code_is_generic(server):
    server.script(Reply(401, [("Content-Type", "text/plain")], b"Invalid username or password."))
    response = get_session().get(server.url + "/api/models/org/name")
    with pytest.raises(HfHubHTTPError) as info:
        hf_raise_for_status(response)
    assert type(info.value) is HfHubHTTPError
    # The server echoes no request id, so none is quoted.
    assert str(info.value) == (
        f"Client error '401 Unauthorized' for url '{server.url}/api/models/org/name'"
        "\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/401"
        "\n\nInvalid username or password."
    )


def test_streamed_error_body_is_read_for_the_message(server):
    server.script(Reply(500, [("Content-Type", "application/json")], b'{"error": "disk full"}'))
    response = get_session().get(server.url + "/x", stream=True)
    with pytest.raises(HfHubHTTPError) as info:
        hf_raise_for_status(response)
    assert info.value.server_message == "disk full"
    assert str(info.value).startswith(f"Server error '500 Internal Server Error' for url '{server.url}/x'")


def test_repeated_warning_headers_are_each_logged(server, caplog, monkeypatch):
    monkeypatch.setattr(_http, "_WARNED_TOPICS", set())
    server.script(Reply(200, [("X-HF-Warning", "t1; first, with a comma"), ("X-HF-Warning", "t2; second")]))
    with caplog.at_level(logging.WARNING, logger="huggingface_hub"):
        hf_raise_for_status(get_session().get(server.url))
    assert [record.getMessage() for record in caplog.records] == ["first, with a comma", "second"]


# ---------------------------------------------------------------------------
# http_backoff
# ---------------------------------------------------------------------------


def test_retries_on_server_errors_with_doubling_waits(server, waits, caplog):
    server.script(Reply(503), Reply(502), Reply(200, body=b"finally"))
    with caplog.at_level(logging.WARNING, logger="huggingface_hub"):
        response = http_backoff("GET", server.url + "/flaky")
    assert response.content == b"finally"
    assert waits == [1, 2]
    assert len(server.received) == 3
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        f"HTTP Error 503 thrown while requesting GET {server.url}/flaky",
        "Retrying in 1s [Retry 1/5].",
        f"HTTP Error 502 thrown while requesting GET {server.url}/flaky",
        "Retrying in 2s [Retry 2/5].",
    ]


def test_gives_up_after_max_retries_and_raises_the_mapped_error(server, waits):
    server.script(*[Reply(500, [("Content-Type", "text/plain")], b"still broken")] * 6)
    with pytest.raises(HfHubHTTPError) as info:
        http_backoff("GET", server.url + "/down")
    assert waits == [1, 2, 4, 8, 8]
    assert len(server.received) == 6
    assert info.value.server_message == "still broken"


def test_custom_schedule_and_single_status_code(server, waits):
    server.script(Reply(504), Reply(504), Reply(504))
    with pytest.raises(HfHubHTTPError):
        http_backoff(
            "GET", server.url, max_retries=2, base_wait_time=0.5, max_wait_time=0.75, retry_on_status_codes=504
        )
    assert waits == [0.5, 0.75]


def test_max_retries_zero_means_a_single_attempt(server, waits):
    server.script(Reply(503))
    with pytest.raises(HfHubHTTPError):
        http_backoff("GET", server.url, max_retries=0)
    assert waits == [] and len(server.received) == 1


def test_statuses_not_in_the_retry_list_are_returned_unraised(server, waits):
    server.script(Reply(404))
    assert http_backoff("GET", server.url).status_code == 404
    assert waits == []


def test_a_retried_success_status_is_returned_when_retries_run_out(server, waits):
    server.script(Reply(202), Reply(202))
    response = http_backoff("GET", server.url, max_retries=1, retry_on_status_codes=(202,))
    assert response.status_code == 202 and waits == [1]


def test_exhausted_rate_limit_waits_for_the_reset(server, waits, caplog):
    server.script(Reply(429, [("RateLimit", '"api";r=0;t=7'), ("RateLimit-Policy", '"fixed window";"api";q=10;w=60')]))
    with caplog.at_level(logging.WARNING, logger="huggingface_hub"):
        assert http_backoff("GET", server.url).status_code == 200
    assert waits == [8.0]
    assert "Rate limited. Waiting 8.0s before retry [Retry 1/5]." in caplog.text


def test_rate_limit_headers_with_requests_left_fall_back_to_retry_after_or_backoff(server, waits):
    server.script(
        Reply(429, [("RateLimit", '"api";r=3;t=7')]),
        Reply(429, [("RateLimit", '"api";r=3;t=7'), ("Retry-After", "2")]),
    )
    http_backoff("GET", server.url)
    assert waits == [1, 3.0]


def test_retry_after_seconds_is_honoured_and_http_dates_ignored(server, waits):
    server.script(Reply(503, [("Retry-After", "4")]), Reply(503, [("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")]))
    http_backoff("GET", server.url)
    # The second wait is the regular schedule, which kept doubling meanwhile.
    assert waits == [5.0, 2]


def test_network_errors_are_retried_then_reraised(waits, caplog, monkeypatch):
    closed: list[bool] = []
    original_close = _http.close_session
    monkeypatch.setattr(_http, "close_session", lambda: closed.append(True) or original_close())
    url = unused_port_url()
    with caplog.at_level(logging.WARNING, logger="huggingface_hub"), pytest.raises(requests.ConnectionError):
        http_backoff("GET", url, max_retries=2)
    assert waits == [1, 2]
    assert len(closed) == 3  # a connection error also drops the pooled connections
    assert f"thrown while requesting GET {url}" in caplog.text


def test_dropped_connection_is_retried(server, waits):
    server.script(Reply(drop=True), Reply(body=b"second time lucky"))
    assert http_backoff("GET", server.url + "/drop").content == b"second time lucky"
    assert waits == [1]


def test_exceptions_outside_the_retry_list_propagate_at_once(waits):
    with pytest.raises(requests.ConnectionError):
        http_backoff("GET", unused_port_url(), retry_on_exceptions=requests.Timeout)
    assert waits == []


def test_file_body_is_sent_whole_on_every_attempt(server, waits):
    server.script(Reply(500), Reply(500))
    body = io.BytesIO(b"HEADERpayload")
    body.seek(6)  # upload from an offset: each attempt restarts from here
    assert http_backoff("PUT", server.url + "/up", data=body).status_code == 200
    assert [received.body for received in server.received] == [b"payload"] * 3


def test_httpx_keyword_spellings_are_accepted(server):
    server.script(Reply(302, [("Location", "/elsewhere")]))
    response = http_backoff("POST", server.url + "/start", follow_redirects=False, content=b"raw bytes")
    assert response.status_code == 302
    assert server.received[0].body == b"raw bytes"


def test_headers_reach_the_server(server):
    http_backoff("GET", server.url, headers=build_hf_headers(token=TOKEN, library_name="lib", library_version="1"))
    received = server.received[0].headers
    assert received["authorization"] == f"Bearer {TOKEN}"
    assert received["user-agent"].startswith("lib/1; hf_hub/")


# ---------------------------------------------------------------------------
# http_stream_backoff
# ---------------------------------------------------------------------------


def test_stream_backoff_retries_then_yields_an_unread_response(server, waits):
    server.script(Reply(503), Reply(body=b"x" * 100_000))
    with http_stream_backoff("GET", server.url + "/big") as response:
        assert response.status_code == 200
        assert response._content is False  # not read yet: the caller streams it
        assert b"".join(response.iter_content(chunk_size=4096)) == b"x" * 100_000
    assert waits == [1]


def test_stream_backoff_closes_the_response_even_if_the_block_raises(server):
    with pytest.raises(RuntimeError), http_stream_backoff("GET", server.url) as response:
        raise RuntimeError("caller failed")
    assert response.raw.closed


def test_stream_backoff_does_not_retry_errors_raised_by_the_callers_block(server, waits):
    with pytest.raises(requests.ConnectionError), http_stream_backoff("GET", server.url):
        raise requests.ConnectionError("raised by the caller, not by the request")
    assert waits == [] and len(server.received) == 1


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def test_parse_ratelimit_headers():
    info = parse_ratelimit_headers(
        {"ratelimit": '"api";r=0;t=55', "ratelimit-policy": '"fixed window";"api";q=500;w=300'}
    )
    assert info == RateLimitInfo(resource_type="api", remaining=0, reset_in_seconds=55, limit=500, window_seconds=300)
    assert parse_ratelimit_headers({"RateLimit": '"resolvers" ; r = 2 ; t = 9'}) == RateLimitInfo("resolvers", 2, 9)
    assert parse_ratelimit_headers({"RateLimit": "garbage"}) is None
    assert parse_ratelimit_headers({}) is None
    with pytest.raises(AttributeError):
        info.remaining = 3  # type: ignore[misc]  # frozen


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        (None, "https://huggingface.co/api/x"),  # constants.ENDPOINT is the default one
        ("https://huggingface.co", "https://huggingface.co/api/x"),
        ("https://mirror.example/", "https://mirror.example/api/x"),
    ],
)
def test_fix_hf_endpoint_in_url(endpoint, expected, monkeypatch):
    monkeypatch.setattr(constants, "ENDPOINT", "https://huggingface.co")
    assert fix_hf_endpoint_in_url("https://huggingface.co/api/x", endpoint) == expected
    if endpoint == "https://mirror.example/":
        assert fix_hf_endpoint_in_url("https://hub-ci.huggingface.co/api/x", endpoint) == expected


def test_fix_hf_endpoint_in_url_uses_the_configured_endpoint(monkeypatch):
    monkeypatch.setattr(constants, "ENDPOINT", "http://localhost:8000")
    assert (
        fix_hf_endpoint_in_url("https://huggingface.co/a/resolve/main/f", None)
        == "http://localhost:8000/a/resolve/main/f"
    )


# ---------------------------------------------------------------------------
# Agent-harness registry fetch (the only request made on the user's behalf)
# ---------------------------------------------------------------------------


def test_agent_registry_is_fetched_from_the_endpoint_and_cached(server, monkeypatch, isolated_hf_home):
    registry = b'{"standardEnvVars": ["AI_AGENT"], "harnesses": {"claude-code": {"envVars": {"CLAUDECODE": "1"}}}}'
    server.script(Reply(200, [("Content-Type", "application/json")], registry))
    monkeypatch.setattr(constants, "ENDPOINT", server.url)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", False)
    monkeypatch.setattr(_detect_agent, "_registry", None)
    monkeypatch.setenv("CLAUDECODE", "1")
    assert _detect_agent.detect_agent() == "claude-code"
    assert [(received.method, received.path) for received in server.received] == [("GET", "/api/agent-harnesses")]
    assert "authorization" not in {name.lower() for name in server.received[0].headers}
    assert json.loads((isolated_hf_home / ".agent_harnesses.json").read_bytes()) == json.loads(registry)


def test_agent_registry_fetch_failures_are_swallowed(server, monkeypatch):
    server.script(Reply(500))
    monkeypatch.setattr(constants, "ENDPOINT", server.url)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", False)
    monkeypatch.setattr(_detect_agent, "_registry", None)
    monkeypatch.setenv("AI_AGENT", "something")
    assert _detect_agent.detect_agent() is None  # empty registry: nothing is recognised
    assert len(server.received) == 1
