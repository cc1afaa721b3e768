"""Create repositories with content on a local Hub through its HTTP API, with plain `requests`.

Independent of this package's own upload code, so download tests do not depend on it. Small files go
inline in the NDJSON commit; files listed in `lfs` go through the LFS batch API and a signed PUT.
"""

import base64
import hashlib
import json
import random
from collections.abc import Mapping
from pathlib import Path

import requests


def create_repo(endpoint: str, token: str, repo_id: str, repo_type: str = "model", private: bool = False) -> None:
    namespace, name = repo_id.split("/")
    response = requests.post(
        f"{endpoint}/api/repos/create",
        json={"name": name, "organization": namespace, "type": repo_type, "private": private},
        headers={"authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code in (200, 409), response.text


def upload_lfs(
    endpoint: str, token: str, repo_id: str, source: bytes | Path, repo_type: str = "model"
) -> tuple[str, int]:
    """Store one LFS object (bytes or a file, streamed); returns its sha256 and size."""
    if isinstance(source, Path):
        digest = hashlib.sha256()
        with source.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        oid, size = digest.hexdigest(), source.stat().st_size
    else:
        oid, size = hashlib.sha256(source).hexdigest(), len(source)
    prefix = "" if repo_type == "model" else f"{repo_type}s/"
    auth = {"authorization": f"Bearer {token}"}
    batch = requests.post(
        f"{endpoint}/{prefix}{repo_id}.git/info/lfs/objects/batch",
        json={
            "operation": "upload",
            "transfers": ["basic"],
            "objects": [{"oid": oid, "size": size}],
            "hash_algo": "sha256",
        },
        headers={**auth, "accept": "application/vnd.git-lfs+json", "content-type": "application/vnd.git-lfs+json"},
        timeout=30,
    )
    assert batch.status_code == 200, batch.text
    actions = batch.json()["objects"][0].get("actions") or {}
    if "upload" in actions:
        href = actions["upload"]["href"]
        if isinstance(source, Path):
            with source.open("rb") as f:
                put = requests.put(href, data=f, headers={"content-length": str(size)}, timeout=600)
        else:
            put = requests.put(href, data=source, timeout=600)
        assert put.status_code in (200, 201), put.text
        if "verify" in actions:
            verify = requests.post(
                actions["verify"]["href"], json={"oid": oid, "size": size}, headers=auth, timeout=30
            )
            assert verify.status_code == 200, verify.text
    return oid, size


def commit(
    endpoint: str,
    token: str,
    repo_id: str,
    files: Mapping[str, bytes] | None = None,
    lfs: Mapping[str, bytes | Path] | None = None,
    *,
    repo_type: str = "model",
    revision: str = "main",
    summary: str = "seed",
) -> str:
    """Commit `files` (inline) and `lfs` files; returns the commit id."""
    lines = [{"key": "header", "value": {"summary": summary, "description": ""}}]
    for path, content in (files or {}).items():
        lines.append(
            {
                "key": "file",
                "value": {"path": path, "content": base64.b64encode(content).decode(), "encoding": "base64"},
            }
        )
    for path, source in (lfs or {}).items():
        oid, size = upload_lfs(endpoint, token, repo_id, source, repo_type=repo_type)
        lines.append({"key": "lfsFile", "value": {"path": path, "algo": "sha256", "oid": oid, "size": size}})
    body = "\n".join(json.dumps(line) for line in lines) + "\n"
    response = requests.post(
        f"{endpoint}/api/{repo_type}s/{repo_id}/commit/{requests.utils.quote(revision, safe='')}",
        data=body.encode(),
        headers={"authorization": f"Bearer {token}", "content-type": "application/x-ndjson"},
        timeout=600,
    )
    assert response.status_code == 200, response.text
    return response.json()["commitOid"]


def random_bytes(size: int, seed: int = 0) -> bytes:
    """Deterministic pseudo-random bytes."""
    return random.Random(seed).randbytes(size)
