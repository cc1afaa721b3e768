"""Checks of a local Hub's data directory and raw HTTP helpers, for the crash, concurrency and load tests.

Everything here talks plain HTTP (`requests` or a bare socket) so the tests depend on the server only, not on this
package's client code.
"""

import base64
import hashlib
import json
import socket
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import requests


def database_problems(data_dir: Path) -> list[str]:
    """What SQLite's own checks report about the server's database (empty when it is sound)."""
    conn = sqlite3.connect(data_dir / "hub.sqlite", timeout=30)
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        foreign_keys = [repr(row) for row in conn.execute("PRAGMA foreign_key_check")]
    finally:
        conn.close()
    return ([] if integrity == ["ok"] else integrity) + foreign_keys


def corrupt_blobs(data_dir: Path) -> list[str]:
    """Blobs whose content does not hash to their name (a partial blob would show up here): blob files, and the
    small blobs the server keeps in its database (whose recorded size must also match)."""
    bad = []
    for path in sorted((data_dir / "blobs" / "sha256").glob("*/*")):
        digest = hashlib.sha256()
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        if path.parent.name + path.name != digest.hexdigest():
            bad.append(str(path))
    for sha256, size, data in small_blobs(data_dir):
        if hashlib.sha256(data).hexdigest() != sha256 or len(data) != size:
            bad.append(f"small_blobs:{sha256}")
    return bad


def small_blobs(data_dir: Path) -> list[tuple[str, int, bytes]]:
    """(sha256, recorded size, content) of every blob stored in the server's database."""
    conn = sqlite3.connect(data_dir / "hub.sqlite", timeout=30)
    try:
        return [(row[0], row[1], bytes(row[2])) for row in conn.execute("SELECT sha256, size, data FROM small_blobs")]
    finally:
        conn.close()


def stored_blob(data_dir: Path, sha256: str) -> bytes | None:
    """The content of blob `sha256` wherever the server keeps it (database or file), None if it has none."""
    conn = sqlite3.connect(data_dir / "hub.sqlite", timeout=30)
    try:
        row = conn.execute("SELECT data FROM small_blobs WHERE sha256 = ?", (sha256,)).fetchone()
    finally:
        conn.close()
    if row is not None:
        return bytes(row[0])
    path = blob_path(data_dir, sha256)
    return path.read_bytes() if path.is_file() else None


def blob_path(data_dir: Path, sha256: str) -> Path:
    return data_dir / "blobs" / "sha256" / sha256[:2] / sha256[2:]


def auth(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def commit_body(files: Mapping[str, bytes], summary: str = "test", parent_commit: str | None = None) -> bytes:
    """An NDJSON commit adding `files` inline."""
    header: dict[str, str] = {"summary": summary, "description": ""}
    if parent_commit is not None:
        header["parentCommit"] = parent_commit
    lines = [{"key": "header", "value": header}]
    for path, content in files.items():
        lines.append(
            {
                "key": "file",
                "value": {"path": path, "content": base64.b64encode(content).decode(), "encoding": "base64"},
            }
        )
    return ("\n".join(json.dumps(line) for line in lines) + "\n").encode()


def head(endpoint: str, token: str, repo_id: str, session: requests.Session | None = None) -> str:
    """The `main` head of a model repository."""
    response = (session or requests).get(f"{endpoint}/api/models/{repo_id}", headers=auth(token), timeout=60)
    assert response.status_code == 200, response.text
    return response.json()["sha"]


def lfs_batch_upload(endpoint: str, token: str, repo_id: str, oid: str, size: int) -> dict:
    """The batch API's answer for one object to upload (its `actions` are absent when it is already stored)."""
    response = requests.post(
        f"{endpoint}/{repo_id}.git/info/lfs/objects/batch",
        json={"operation": "upload", "transfers": ["basic"], "objects": [{"oid": oid, "size": size}]},
        headers={**auth(token), "accept": "application/vnd.git-lfs+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()["objects"][0]


class RawRequest:
    """An HTTP/1.1 request written by hand on a socket, so a test decides exactly how much of the body the server
    has received when it does something (e.g. kills the server)."""

    def __init__(self, url: str, method: str, headers: Mapping[str, str], body_size: int) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        lines = [f"{method} {target} HTTP/1.1", f"host: {parts.netloc}", f"content-length: {body_size}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines += ["connection: close", "", ""]
        self.sock.sendall("\r\n".join(lines).encode())

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def status(self) -> int | None:
        """The response's status code, or None if the connection ended without one (the server died)."""
        received = b""
        try:
            while b"\r\n" not in received:
                chunk = self.sock.recv(4096)
                if not chunk:
                    break
                received += chunk
        except OSError:
            pass
        finally:
            self.sock.close()
        if not received.startswith(b"HTTP/1.1 ") or b"\r\n" not in received:
            return None
        return int(received.split(b" ", 2)[1])

    def close(self) -> None:
        self.sock.close()
