"""Security and robustness of the local Hub, over real HTTP: malformed and hostile requests get a 4xx with a message
and never take the server down; `--max-body-bytes` bounds every API body; tokens never reach the server's output or
its answers; private repositories are invisible to others on every route; signed object URLs cannot be replayed for
another object or after they expire.

(Commit-path validation, the basic private-repo routes and signed upload URL tampering are covered by the Rust tests
in rust/hfh-server/tests/; this file adds what they do not.)
"""

import hashlib
import hmac
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from huggingface_hub.local_hub import LocalHub
from tests.e2e._hub_checks import auth, commit_body, head
from tests.e2e._seed import commit, create_repo, upload_lfs

_TIMEOUT = 120
HEADER = b'{"key":"header","value":{"summary":"s"}}\n'


def _error_message(response: requests.Response) -> str:
    """The server's explanation of an error: the `X-Error-Message` header (set on every error it answers)."""
    return response.headers.get("x-error-message", "")


# --- Malformed and hostile requests ----------------------------------------------------------------------------------

# (name, method, path, body, content type) with `{repo}` standing for a public repository of the caller.
_MALFORMED = [
    ("truncated JSON", "POST", "/api/repos/create", b'{"name":', "application/json"),
    ("JSON array", "POST", "/api/repos/create", b"[]", "application/json"),
    ("deeply nested JSON", "POST", "/api/repos/create", b"[" * 100_000, "application/json"),
    ("deeply nested object", "POST", "/api/repos/create", b'{"a":' * 100_000, "application/json"),
    ("name of wrong type", "POST", "/api/repos/create", b'{"name": 5}', "application/json"),
    ("name with dots", "POST", "/api/repos/create", b'{"name": ".."}', "application/json"),
    ("commit not UTF-8", "POST", "/api/models/{repo}/commit/main", b"\xff\xfe\x00", "application/x-ndjson"),
    ("commit line nested", "POST", "/api/models/{repo}/commit/main", HEADER + b"[" * 100_000, "application/x-ndjson"),
    (
        "commit unknown encoding",
        "POST",
        "/api/models/{repo}/commit/main",
        HEADER + b'{"key":"file","value":{"path":"a","content":"x","encoding":"rot13"}}',
        "application/x-ndjson",
    ),
    (
        "commit size not a number",
        "POST",
        "/api/models/{repo}/commit/main",
        HEADER + b'{"key":"lfsFile","value":{"path":"x.bin","oid":"' + b"a" * 64 + b'","size":"big"}}',
        "application/x-ndjson",
    ),
    (
        "commit deletes a missing file",
        "POST",
        "/api/models/{repo}/commit/main",
        HEADER + b'{"key":"deletedFile","value":{"path":"nope"}}',
        "application/x-ndjson",
    ),
    (
        "commit path with a NUL",
        "POST",
        "/api/models/{repo}/commit/main",
        HEADER + b'{"key":"file","value":{"path":"a\\u0000b","content":""}}',
        "application/x-ndjson",
    ),
    (
        "paths-info bad encoding",
        "POST",
        "/api/models/{repo}/paths-info/main",
        b"paths=%zz",
        "application/x-www-form-urlencoded",
    ),
    ("preupload files not a list", "POST", "/api/models/{repo}/preupload/main", b'{"files": "x"}', "application/json"),
    (
        "preupload traversal",
        "POST",
        "/api/models/{repo}/preupload/main",
        b'{"files": [{"path": "../a", "size": 1, "sample": ""}]}',
        "application/json",
    ),
    (
        "preupload absolute path",
        "POST",
        "/api/models/{repo}/preupload/main",
        b'{"files": [{"path": "/etc/passwd", "size": 1, "sample": ""}]}',
        "application/json",
    ),
    (
        "preupload .git path",
        "POST",
        "/api/models/{repo}/preupload/main",
        b'{"files": [{"path": ".git/config", "size": 1, "sample": ""}]}',
        "application/json",
    ),
    (
        "preupload sample not base64",
        "POST",
        "/api/models/{repo}/preupload/main",
        b'{"files": [{"path": "a", "size": 1, "sample": "***"}]}',
        "application/json",
    ),
    ("LFS batch garbage", "POST", "/{repo}.git/info/lfs/objects/batch", b"xx", "application/vnd.git-lfs+json"),
    (
        "LFS batch operation",
        "POST",
        "/{repo}.git/info/lfs/objects/batch",
        b'{"operation": "dance", "objects": []}',
        "application/vnd.git-lfs+json",
    ),
    (
        "LFS batch objects",
        "POST",
        "/{repo}.git/info/lfs/objects/batch",
        b'{"operation": "upload", "objects": "x"}',
        "application/vnd.git-lfs+json",
    ),
    ("LFS verify garbage", "POST", "/{repo}.git/info/lfs/objects/verify", b"{", "application/vnd.git-lfs+json"),
    ("branch body", "POST", "/api/models/{repo}/branch/dev", b"{", "application/json"),
    ("tag without name", "POST", "/api/models/{repo}/tag/main", b"{}", "application/json"),
    ("tag traversal", "POST", "/api/models/{repo}/tag/main", b'{"tag": "../x"}', "application/json"),
    ("resolve dot segments", "GET", "/{repo}/resolve/main/%2e%2e/%2e%2e/etc/passwd", b"", ""),
    ("resolve encoded slashes", "GET", "/{repo}/resolve/main/..%2F..%2Fetc%2Fpasswd", b"", ""),
    ("resolve absolute path", "GET", "/{repo}/resolve/main//etc/passwd", b"", ""),
    ("resolve .git", "GET", "/{repo}/resolve/main/.git/config", b"", ""),
    ("resolve revision traversal", "GET", "/{repo}/resolve/..%2F..%2F/a.txt", b"", ""),
    ("tree traversal", "GET", "/api/models/{repo}/tree/main/..%2F..", b"", ""),
    ("revision not UTF-8", "GET", "/api/models/{repo}/revision/%ff", b"", ""),
    ("bad percent-encoding", "GET", "/api/models/{repo}/revision/%zz", b"", ""),
    ("negative limit", "GET", "/api/models/{repo}/tree/main?limit=-5", b"", ""),
    ("cursor not a number", "GET", "/api/models/{repo}/tree/main?cursor=abc", b"", ""),
    ("limit overflows", "GET", "/api/models/{repo}/commits/main?limit=99999999999999999999", b"", ""),
]


@pytest.fixture
def hub_repo(local_hub: LocalHub, alice_token: str) -> str:
    create_repo(local_hub.endpoint, alice_token, "alice/r")
    commit(local_hub.endpoint, alice_token, "alice/r", files={"a.txt": b"0123456789"})
    return "alice/r"


def test_malformed_requests_get_a_4xx_with_a_message(local_hub: LocalHub, alice_token: str, hub_repo: str) -> None:
    before = head(local_hub.endpoint, alice_token, hub_repo)
    session = requests.Session()
    failures = []
    for name, method, path, body, content_type in _MALFORMED:
        headers = {**auth(alice_token), **({"content-type": content_type} if content_type else {})}
        response = session.request(
            method, local_hub.endpoint + path.format(repo=hub_repo), data=body, headers=headers, timeout=_TIMEOUT
        )
        if not (400 <= response.status_code < 500 and _error_message(response)):
            failures.append(f"{name}: {response.status_code} {response.text[:200]}")
    assert failures == []
    # Nothing was committed, nothing was created, and the server still answers.
    assert head(local_hub.endpoint, alice_token, hub_repo) == before
    assert session.get(f"{local_hub.endpoint}/api/models/alice/..", timeout=_TIMEOUT).status_code in (400, 404)
    assert session.get(f"{local_hub.endpoint}/api/whoami-v2", headers=auth(alice_token)).status_code == 200


@pytest.mark.parametrize(
    ("range_header", "status", "body"),
    [
        ("bytes=3-", 206, b"3456789"),
        ("bytes=-2", 206, b"89"),
        ("bytes=2-400", 206, b"23456789"),
        ("bytes=10-", 416, b""),  # starts past the end
        ("bytes=-0", 416, b""),
        ("bytes=abc", 200, b"0123456789"),  # malformed: ignored (RFC 9110), the whole file
        ("bytes=5-2", 200, b"0123456789"),
        ("bytes=-", 200, b"0123456789"),
        ("bytes=99999999999999999999999-", 200, b"0123456789"),  # does not fit 64 bits
        ("bytes=0-0,2-3", 200, b"0123456789"),  # several ranges are not served
        ("items=0-1", 200, b"0123456789"),
    ],
)
def test_bad_ranges(local_hub: LocalHub, hub_repo: str, range_header: str, status: int, body: bytes) -> None:
    response = requests.get(
        f"{local_hub.endpoint}/{hub_repo}/resolve/main/a.txt", headers={"range": range_header}, timeout=_TIMEOUT
    )
    assert (response.status_code, response.content) == (status, body)
    if status == 416:
        assert response.headers["content-range"] == "bytes */10"


def _raw_exchange(endpoint: str, request: bytes, close_after_send: bool = False) -> bytes:
    """Sends raw bytes on a new connection; returns what the server answered before closing (or b"")."""
    parts = urlsplit(endpoint)
    with socket.create_connection((parts.hostname, parts.port), timeout=_TIMEOUT) as sock:
        sock.sendall(request)
        if close_after_send:
            return b""
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
                if b"\r\n\r\n" in received:
                    break
        except OSError:
            pass
        return received


def test_broken_http_gets_400_and_the_server_keeps_serving(local_hub: LocalHub, alice_token: str) -> None:
    endpoint = local_hub.endpoint
    host = urlsplit(endpoint).netloc
    auth_line = f"authorization: Bearer {alice_token}\r\n"
    cases = {
        "not HTTP": b"GARBAGE\r\n\r\n",
        "two content lengths": (
            f"POST /api/repos/create HTTP/1.1\r\nhost: {host}\r\ncontent-length: 100\r\ncontent-length: 5\r\n\r\nab"
        ).encode(),
        "bad chunk size": (
            f"POST /api/repos/create HTTP/1.1\r\nhost: {host}\r\n{auth_line}"
            "transfer-encoding: chunked\r\nconnection: close\r\n\r\nzz\r\n"
        ).encode(),
        "control character in the token": f"GET /api/whoami-v2 HTTP/1.1\r\nhost: {host}\r\n"
        "authorization: Bearer \x01\r\nconnection: close\r\n\r\n".encode(),
    }
    for name, raw in cases.items():
        answer = _raw_exchange(endpoint, raw)
        assert answer.startswith(b"HTTP/1.1 400 "), f"{name}: {answer[:200]!r}"
    # A body cut off by the client (declared 1000 bytes, 10 sent, then the connection closes).
    _raw_exchange(
        endpoint,
        f"POST /api/models/alice/x/commit/main HTTP/1.1\r\nhost: {host}\r\n{auth_line}content-length: 1000\r\n\r\n"
        "0123456789".encode(),
        close_after_send=True,
    )
    # An oversized URL.
    long_url = requests.get(f"{endpoint}/api/models/alice/r/tree/main/{'a/' * 50_000}", timeout=_TIMEOUT)
    assert 400 <= long_url.status_code < 500
    assert requests.get(f"{endpoint}/api/whoami-v2", headers=auth(alice_token), timeout=_TIMEOUT).status_code == 200


# --- Body limit ----------------------------------------------------------------------------------------------------


def _serve(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    """`hf serve` in a child process; returns it and its endpoint (its first stdout line)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "huggingface_hub.cli.hf", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "HF_HUB_DISABLE_UPDATE_CHECK": "1", **(env or {})},
    )
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(_TIMEOUT)
    if not line or not line[0].startswith("http"):
        process.kill()
        pytest.fail(f"`hf serve` did not start: {process.communicate()[1]}")
    return process, line[0].strip()


def _stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=_TIMEOUT)
    assert process.returncode == 0, stderr
    return stdout, stderr


def test_max_body_bytes_bounds_every_api_body(tmp_path: Path) -> None:
    token = "hf_limit_test_token"
    process, endpoint = _serve(str(tmp_path / "hub"), "--max-body-bytes", "4000", "--user", f"alice:{token}")
    try:
        create_repo(endpoint, token, "alice/m")
        before = head(endpoint, token, "alice/m")
        commit_url = f"{endpoint}/api/models/alice/m/commit/main"
        under = commit_body({"small.txt": b"x" * 1000})
        over = commit_body({"big.txt": b"x" * 4000})
        assert len(under) < 4000 < len(over)

        declared = requests.post(commit_url, data=over, headers=auth(token), timeout=_TIMEOUT)
        assert declared.status_code == 413 and "4000" in _error_message(declared)
        # Without Content-Length (chunked), the server counts as it reads.
        chunked = requests.post(
            commit_url, data=iter([over[:2000], over[2000:]]), headers=auth(token), timeout=_TIMEOUT
        )
        assert chunked.status_code == 413 and "4000" in _error_message(chunked)
        for path, body in [
            ("/api/models/alice/m/paths-info/main", b"paths=a&" * 1000),
            ("/api/models/alice/m/preupload/main", b'{"files": [' + b" " * 5000 + b"]}"),
            ("/alice/m.git/info/lfs/objects/batch", b'{"operation": "upload", "objects": [' + b" " * 5000 + b"]}"),
            ("/api/repos/create", b'{"name": "x", "pad": "' + b"p" * 5000 + b'"}'),
        ]:
            response = requests.post(endpoint + path, data=body, headers=auth(token), timeout=_TIMEOUT)
            assert response.status_code == 413, path
        assert head(endpoint, token, "alice/m") == before

        assert requests.post(commit_url, data=under, headers=auth(token), timeout=_TIMEOUT).status_code == 200
        # LFS object uploads are bounded by their signed size, not by the API body limit.
        content = os.urandom(50_000)
        assert upload_lfs(endpoint, token, "alice/m", content)[1] == len(content)
    finally:
        _stop(process)


# --- Tokens ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["alice:{token}:admin", "al ice:{token}", "alice:{token}:write:extra"])
def test_rejected_user_specs_do_not_echo_the_token(tmp_path: Path, spec: str) -> None:
    token = "hf_TokenInABadUserSpec000000001"
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "huggingface_hub.cli.hf",
            "serve",
            str(tmp_path / "hub"),
            "--user",
            spec.format(token=token),
        ],
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        env={**os.environ, "HF_HUB_DISABLE_UPDATE_CHECK": "1"},
    )
    assert process.returncode == 2
    assert "--user" in process.stderr or "role" in process.stderr
    assert token not in process.stdout + process.stderr


def test_tokens_never_appear_in_server_output_or_answers(tmp_path: Path) -> None:
    write, read = "hf_SecretWriteTokenNeverLogged01", "hf_SecretReadTokenNeverLogged002"
    unknown = "hf_UnknownTokenAlsoNeverLogged03"
    process, endpoint = _serve(
        str(tmp_path / "hub"),
        "--user",
        f"alice:{write}",
        "--user",
        f"bob:{read}:read",
        # Whatever logging a future version adds must keep tokens out, at every level.
        env={"RUST_LOG": "trace", "RUST_BACKTRACE": "1"},
    )
    answers: list[requests.Response] = []
    try:
        session = requests.Session()

        def call(method: str, path: str, token: str | None = None, **kwargs: object) -> None:
            headers = {"authorization": f"Bearer {token}"} if token else {}
            answers.append(session.request(method, endpoint + path, headers=headers, timeout=_TIMEOUT, **kwargs))  # type: ignore[arg-type]

        call("GET", "/api/whoami-v2", write)
        call("GET", "/api/whoami-v2", unknown)
        call("GET", "/api/whoami-v2", write + "x")
        call("POST", "/api/repos/create", write, json={"name": "secret", "private": True})
        call("POST", "/api/repos/create", read, json={"name": "nope"})
        call("GET", "/api/models/alice/secret", read)
        call("POST", "/api/models/alice/secret/commit/main", write, data=b"garbage")
        call("POST", "/api/models/alice/secret/commit/main", read, data=commit_body({"a": b"a"}))
        call("POST", "/alice/secret.git/info/lfs/objects/batch", write, data=b"{")
        call("GET", f"/lfs-objects/download/{'a' * 64}?size=1&expires=1&signature=00", write)
        call("GET", f"/api/models/alice/secret/revision/%zz?token={write}", write)
        answers.append(
            session.get(f"{endpoint}/api/whoami-v2", headers={"authorization": f"Basic {write}"}, timeout=_TIMEOUT)
        )
    finally:
        stdout, stderr = _stop(process)
    assert [a.status_code for a in answers][:4] == [200, 401, 401, 200]
    for secret in (write, read, unknown):
        assert secret not in stdout and secret not in stderr
        for answer in answers:
            assert secret not in answer.text, answer.url
            assert all(secret not in value for value in answer.headers.values()), answer.url


# --- Private repositories ------------------------------------------------------------------------------------------


def test_private_repos_are_invisible_to_others_on_every_route(local_hub: LocalHub, alice_token: str) -> None:
    endpoint = local_hub.endpoint
    carol = local_hub.create_user("carol")
    create_repo(endpoint, alice_token, "alice/secret", private=True)
    commit(endpoint, alice_token, "alice/secret", files={"s.txt": b"s"}, lfs={"w.bin": b"weights" * 100})
    lfs_oid = hashlib.sha256(b"weights" * 100).hexdigest()
    batch_type = {"content-type": "application/vnd.git-lfs+json"}
    # (method, path, body, extra headers), each answered 2xx for the owner.
    routes = [
        ("GET", "/api/models/{repo}", None, {}),
        ("GET", "/api/models/{repo}/revision/main", None, {}),
        ("GET", "/api/models/{repo}/tree/main", None, {}),
        ("POST", "/api/models/{repo}/paths-info/main", b"paths=s.txt", {}),
        ("POST", "/api/models/{repo}/preupload/main", b'{"files": [{"path": "x", "size": 1, "sample": ""}]}', {}),
        ("GET", "/api/models/{repo}/refs", None, {}),
        ("GET", "/api/models/{repo}/commits/main", None, {}),
        ("HEAD", "/{repo}/resolve/main/s.txt", None, {}),
        ("GET", "/{repo}/resolve/main/w.bin", None, {}),
        (
            "POST",
            "/{repo}.git/info/lfs/objects/batch",
            b'{"operation": "download", "objects": [{"oid": "%s", "size": 700}]}' % lfs_oid.encode(),
            batch_type,
        ),
        ("POST", "/{repo}.git/info/lfs/objects/verify", b'{"oid": "%s", "size": 700}' % lfs_oid.encode(), batch_type),
        ("POST", "/api/models/{repo}/branch/dev", b"{}", {}),
        ("POST", "/api/models/{repo}/tag/main", b'{"tag": "v1"}', {}),
        ("POST", "/api/models/{repo}/commit/main", commit_body({"x.txt": b"x"}), {}),
    ]

    def send(method: str, path: str, body: bytes | None, headers: dict, token: str | None, repo: str):
        headers = {**headers, **(auth(token) if token else {})}
        return requests.request(
            method,
            endpoint + path.format(repo=repo),
            data=body,
            headers=headers,
            timeout=_TIMEOUT,
            allow_redirects=False,
        )

    for method, path, body, headers in routes:
        for token, status in ((carol, 404), (None, 401)):
            hidden = send(method, path, body, headers, token, "alice/secret")
            missing = send(method, path, body, headers, token, "alice/does-not-exist")
            # Exactly what a repository that does not exist gets: nothing tells the two apart.
            assert (hidden.status_code, hidden.headers.get("x-error-code")) == (status, "RepoNotFound"), path
            assert (hidden.status_code, _error_message(hidden)) == (missing.status_code, _error_message(missing))
        owner = send(method, path, body, headers, alice_token, "alice/secret")
        assert owner.status_code in (200, 302), f"{path}: {owner.status_code} {owner.text}"
    delete = {"name": "secret", "organization": "alice", "type": "model"}
    refused = requests.delete(f"{endpoint}/api/repos/delete", json=delete, headers=auth(carol), timeout=_TIMEOUT)
    assert (refused.status_code, refused.headers.get("x-error-code")) == (404, "RepoNotFound")
    assert requests.get(f"{endpoint}/api/models/alice/secret", headers=auth(alice_token), timeout=_TIMEOUT).ok


# --- Signed object URLs ----------------------------------------------------------------------------------------------


def _sign(data_dir: Path, purpose: str, oid: str, size: int, expires: int) -> str:
    """A signature made with the data directory's key, as the server makes them (checked against a real URL)."""
    key = (data_dir / "lfs-signing.key").read_bytes()
    return hmac.new(key, f"{purpose}\n{oid}\n{size}\n{expires}".encode(), hashlib.sha256).hexdigest()


def test_signed_download_urls_cannot_be_replayed(local_hub: LocalHub, alice_token: str) -> None:
    endpoint = local_hub.endpoint
    first, second = b"first object " * 1000, b"second object, larger " * 1000
    create_repo(endpoint, alice_token, "alice/objects")
    commit(endpoint, alice_token, "alice/objects", lfs={"a.bin": first, "b.bin": second})
    oid_a, oid_b = hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest()

    redirect = requests.get(f"{endpoint}/alice/objects/resolve/main/a.bin", allow_redirects=False, timeout=_TIMEOUT)
    assert redirect.status_code == 302
    url = redirect.headers["location"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    size, expires, signature = int(query["size"]), int(query["expires"]), query["signature"]
    assert signature == _sign(local_hub.data_dir, "download", oid_a, size, expires)
    assert requests.get(url, timeout=_TIMEOUT).content == first

    def denied(candidate: str, method: str = "GET") -> str:
        response = requests.request(method, candidate, data=b"x" if method == "PUT" else None, timeout=_TIMEOUT)
        assert (response.status_code, response.headers.get("x-error-code")) == (403, "SignatureDenied"), candidate
        return _error_message(response)

    # The same signature for the other object, another size, a later expiry, or an upload.
    denied(url.replace(oid_a, oid_b))
    denied(url.replace(oid_a, oid_b).replace(f"size={size}", f"size={len(second)}"))
    denied(url.replace(f"size={size}", f"size={size - 1}"))
    denied(url.replace(f"expires={expires}", f"expires={expires + 3600}"))
    denied(url.replace("/download/", "/upload/"), method="PUT")
    # A signature made for a download of A, moved onto B's URL with B's real size.
    moved = f"{endpoint}/lfs-objects/download/{oid_b}?size={len(second)}&expires={expires}&signature={signature}"
    denied(moved)
    # A correctly signed URL that expired a second ago.
    past = int(time.time()) - 1
    expired = (
        f"{endpoint}/lfs-objects/download/{oid_a}?size={size}&expires={past}"
        f"&signature={_sign(local_hub.data_dir, 'download', oid_a, size, past)}"
    )
    assert denied(expired) == "Request has expired"
    # ... and it does not turn into an upload either: upload URLs are signed for a purpose and a repository.
    denied(expired.replace("/download/", "/upload/"), method="PUT")
