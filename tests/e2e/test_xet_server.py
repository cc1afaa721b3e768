"""The local Hub's Xet side over plain HTTP (`requests`): token routes, the CAS under `/cas` (xorb and shard
uploads with their validation, reconstructions, signed xorb fetches), token expiry, and what a registered Xet file
looks like from the Hub side (commit with `lfsFile`, resolve headers, plain and ranged downloads).

The xorb and shard come from hf_xet itself, uploading to a `local://` directory (no server), so these tests do not
depend on any Xet client code of this package.
"""

import hashlib
import hmac
import json
import os
import struct
import time
import warnings
from pathlib import Path

import pytest
import requests

from huggingface_hub.local_hub import LocalHub

hf_xet = pytest.importorskip("hf_xet")


class XetObjects:
    """One file as hf_xet stores it: the file's content, hashes, its single xorb (upload form) and its shard."""

    def __init__(self, work: Path, size: int) -> None:
        self.data = os.urandom(size)
        path = work / "file.bin"
        path.write_bytes(self.data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            info = hf_xet.upload_files(
                [str(path)], f"local://{work / 'cas'}", None, None, None, "model", None, None, False
            )[0]
        self.file_hash = info.hash
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        store = work / "cas" / "xet" / "xorbs"
        (xorb_path,) = [
            p for p in (store / "xorbs").iterdir() if p.name.startswith("default.") and "." not in p.name[8:]
        ]
        self.xorb_hash = xorb_path.name.removeprefix("default.")
        stored = xorb_path.read_bytes()
        # Stored xorbs end with their footer and its length; uploads carry the chunks only.
        (info_length,) = struct.unpack("<I", stored[-4:])
        self.xorb = stored[: len(stored) - info_length - 4]
        (shard_path,) = [p for p in (store / "shards").iterdir() if p.suffix == ".mdb"]
        self.shard = shard_path.read_bytes()


@pytest.fixture
def objects(tmp_path: Path) -> XetObjects:
    work = tmp_path / "xet-work"
    work.mkdir()
    return XetObjects(work, 300_000)


@pytest.fixture
def repo(local_hub: LocalHub, alice_token: str) -> str:
    response = requests.post(
        f"{local_hub.endpoint}/api/repos/create",
        json={"name": "x", "organization": "alice", "type": "model"},
        headers=_auth(alice_token),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return "alice/x"


def _auth(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _cas_token(endpoint: str, hub_token: str | None, scope: str, repo: str = "alice/x") -> requests.Response:
    headers = _auth(hub_token) if hub_token else {}
    return requests.get(f"{endpoint}/api/models/{repo}/xet-{scope}-token/main", headers=headers, timeout=30)


def _commit_lfs(endpoint: str, token: str, repo: str, path: str, sha256: str, size: int) -> requests.Response:
    lines = [
        {"key": "header", "value": {"summary": f"add {path}"}},
        {"key": "lfsFile", "value": {"path": path, "algo": "sha256", "oid": sha256, "size": size}},
    ]
    return requests.post(
        f"{endpoint}/api/models/{repo}/commit/main",
        data="\n".join(json.dumps(line) for line in lines),
        headers={**_auth(token), "content-type": "application/x-ndjson"},
        timeout=30,
    )


def test_token_routes_follow_the_hub_rules(local_hub: LocalHub, alice_token: str, repo: str) -> None:
    response = _cas_token(local_hub.endpoint, alice_token, "write")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["casUrl"] == f"{local_hub.endpoint}/cas"
    assert body["exp"] > time.time() + 60
    assert response.headers["x-xet-cas-url"] == body["casUrl"]
    assert response.headers["x-xet-access-token"] == body["accessToken"]
    assert response.headers["x-xet-token-expiration"] == str(body["exp"])
    # The literal `None` revision (pull requests) and create_pr are accepted.
    none_rev = requests.get(
        f"{local_hub.endpoint}/api/models/{repo}/xet-write-token/None?create_pr=1",
        headers=_auth(alice_token),
        timeout=30,
    )
    assert none_rev.status_code == 200, none_rev.text

    # Reads of a public repository need no token; writes do.
    assert _cas_token(local_hub.endpoint, None, "read").status_code == 200
    anonymous = _cas_token(local_hub.endpoint, None, "write")
    assert anonymous.status_code == 401
    assert anonymous.headers["x-error-code"] == "RepoNotFound"
    read_only = local_hub.create_user("alice", role="read")
    assert _cas_token(local_hub.endpoint, read_only, "write").status_code == 403
    bob = local_hub.create_user("bob")
    assert _cas_token(local_hub.endpoint, bob, "write").status_code == 403
    assert _cas_token(local_hub.endpoint, bob, "read", repo="alice/missing").status_code == 404


def test_xorb_uploads_are_verified(local_hub: LocalHub, alice_token: str, repo: str, objects: XetObjects) -> None:
    cas = f"{local_hub.endpoint}/cas"
    write = _cas_token(local_hub.endpoint, alice_token, "write").json()["accessToken"]
    read = _cas_token(local_hub.endpoint, alice_token, "read").json()["accessToken"]
    url = f"{cas}/v1/xorbs/default/{objects.xorb_hash}"

    assert requests.post(url, data=objects.xorb, timeout=30).status_code == 401
    assert (
        requests.post(url, data=objects.xorb, headers=_auth("hfx.w.1.abc.99999999999.00"), timeout=30).status_code
        == 401
    )
    assert requests.post(url, data=objects.xorb, headers=_auth(read), timeout=30).status_code == 403

    # The hash in the URL must be the hash of the chunks; a damaged body does not hash (or parse) right.
    other = "0" * 64
    wrong = requests.post(f"{cas}/v1/xorbs/default/{other}", data=objects.xorb, headers=_auth(write), timeout=30)
    assert wrong.status_code == 400
    assert "hash mismatch" in wrong.json()["error"]
    damaged = bytearray(objects.xorb)
    damaged[len(damaged) // 2] ^= 0xFF
    assert requests.post(url, data=bytes(damaged), headers=_auth(write), timeout=30).status_code == 400
    assert requests.post(url, data=objects.xorb[:-1], headers=_auth(write), timeout=30).status_code == 400
    bad_key = requests.post(f"{cas}/v1/xorbs/default/not-a-hash", data=objects.xorb, headers=_auth(write), timeout=30)
    assert bad_key.status_code == 400
    assert requests.head(url, headers=_auth(read), timeout=30).status_code == 404

    first = requests.post(url, data=objects.xorb, headers=_auth(write), timeout=30)
    assert first.status_code == 200, first.text
    assert first.json() == {"was_inserted": True}
    again = requests.post(url, data=objects.xorb, headers=_auth(write), timeout=30)
    assert again.json() == {"was_inserted": False}
    assert requests.head(url, headers=_auth(read), timeout=30).status_code == 200
    # No upload grants, no global deduplication: both answer 404, which hf_xet handles.
    grant = requests.post(
        f"{cas}/v1/xorb-grants/default/{objects.xorb_hash}", json={}, headers=_auth(write), timeout=30
    )
    assert grant.status_code == 404
    assert requests.get(f"{cas}/v1/chunks/default/{other}", headers=_auth(read), timeout=30).status_code == 404


def test_shards_are_validated_and_register_commitable_files(
    local_hub: LocalHub, alice_token: str, repo: str, objects: XetObjects
) -> None:
    endpoint = local_hub.endpoint
    cas = f"{endpoint}/cas"
    write = _cas_token(endpoint, alice_token, "write").json()["accessToken"]
    read = _cas_token(endpoint, alice_token, "read").json()["accessToken"]
    size = len(objects.data)

    # The shard's xorb is not stored yet: refused (V1: 400; V2: an error frame), and nothing is registered.
    v1 = requests.post(f"{cas}/v1/shards", data=objects.shard, headers=_auth(write), timeout=30)
    assert v1.status_code == 400
    assert "not uploaded" in v1.json()["error"]
    v2 = requests.post(f"{cas}/v2/shards", data=objects.shard, headers=_auth(write), timeout=30)
    assert v2.status_code == 200
    frames = [json.loads(line) for line in v2.text.splitlines()]
    assert frames[-1]["type"] == "error" and frames[-1]["retryable"] is False
    assert requests.post(f"{cas}/v1/shards", data=b"garbage", headers=_auth(write), timeout=30).status_code == 400
    assert requests.post(f"{cas}/v1/shards", data=objects.shard, headers=_auth(read), timeout=30).status_code == 403
    refused = _commit_lfs(endpoint, alice_token, repo, "file.bin", objects.sha256, size)
    assert refused.status_code == 400
    missing = requests.get(f"{cas}/v1/reconstructions/{objects.file_hash}", headers=_auth(read), timeout=30)
    assert missing.status_code == 404

    stored = requests.post(
        f"{cas}/v1/xorbs/default/{objects.xorb_hash}", data=objects.xorb, headers=_auth(write), timeout=30
    )
    assert stored.status_code == 200
    v2 = requests.post(f"{cas}/v2/shards", data=objects.shard, headers=_auth(write), timeout=30)
    assert [json.loads(line)["type"] for line in v2.text.splitlines()][-1] == "result"
    assert requests.post(f"{cas}/v1/shards", data=objects.shard, headers=_auth(write), timeout=30).json() == {
        "result": 0
    }

    committed = _commit_lfs(endpoint, alice_token, repo, "file.bin", objects.sha256, size)
    assert committed.status_code == 200, committed.text
    commit_oid = committed.json()["commitOid"]

    # Resolve: a redirect with the Xet metadata; following it gives the bytes, rebuilt from the xorb.
    head = requests.head(f"{endpoint}/{repo}/resolve/main/file.bin", headers=_auth(alice_token), timeout=30)
    assert head.status_code == 302
    assert head.headers["x-xet-hash"] == objects.file_hash
    assert head.headers["x-linked-size"] == str(size)
    assert head.headers["x-linked-etag"] == f'"{objects.sha256}"'
    link = head.headers["link"]
    assert f'<{endpoint}/api/models/{repo}/xet-read-token/{commit_oid}>; rel="xet-auth"' in link
    assert f'<{cas}/v1/reconstructions/{objects.file_hash}>; rel="xet-reconstruction-info"' in link
    whole = requests.get(f"{endpoint}/{repo}/resolve/main/file.bin", timeout=30)
    assert whole.content == objects.data
    ranged = requests.get(
        f"{endpoint}/{repo}/resolve/main/file.bin", headers={"range": "bytes=100000-200009"}, timeout=30
    )
    assert ranged.status_code == 206
    assert ranged.content == objects.data[100_000:200_010]
    tree = requests.get(f"{endpoint}/api/models/{repo}/tree/main", timeout=30).json()
    assert {e["path"]: e.get("xetHash") for e in tree}["file.bin"] == objects.file_hash

    # Reconstruction of a range: terms and signed fetch URLs (with Range) into the stored xorb.
    for version, key in (("v1", "fetch_info"), ("v2", "xorbs")):
        plan = requests.get(
            f"{cas}/{version}/reconstructions/{objects.file_hash}",
            headers={**_auth(read), "range": "bytes=100000-200009"},
            timeout=30,
        )
        assert plan.status_code == 200, plan.text
        body = plan.json()
        assert body["terms"] and all(t["hash"] == objects.xorb_hash for t in body["terms"])
        fetch = body[key][objects.xorb_hash][0]
        url = fetch["url"]
        span = fetch["url_range"] if version == "v1" else fetch["ranges"][0]["bytes"]
        got = requests.get(url, headers={"range": f"bytes={span['start']}-{span['end']}"}, timeout=30)
        assert got.status_code == 206
        assert len(got.content) == span["end"] - span["start"] + 1
        assert got.content[0] == 0  # a chunk header (version 0) starts every fetched range
        tampered = requests.get(url.replace("signature=", "signature=0"), timeout=30)
        assert tampered.status_code == 403
    past_end = requests.get(
        f"{cas}/v2/reconstructions/{objects.file_hash}", headers={**_auth(read), "range": f"bytes={size}-"}, timeout=30
    )
    assert past_end.status_code == 416

    # Another repository's token does not see the file.
    requests.post(
        f"{endpoint}/api/repos/create",
        json={"name": "y", "organization": "alice"},
        headers=_auth(alice_token),
        timeout=30,
    )
    other = _cas_token(endpoint, alice_token, "read", repo="alice/y").json()["accessToken"]
    hidden = requests.get(f"{cas}/v1/reconstructions/{objects.file_hash}", headers=_auth(other), timeout=30)
    assert hidden.status_code == 404


def _sign(local_hub: LocalHub, scope: str, repo_field: str, expires: int) -> str:
    """A CAS token signed like the server signs them (the key is in the data directory)."""
    key = (local_hub.data_dir / "lfs-signing.key").read_bytes()
    message = f"cas-token\n{scope}\n{repo_field}\n{expires}".encode()
    signature = hmac.new(key, message, hashlib.sha256).hexdigest()
    return f"hfx.{scope}.{repo_field}.{expires}.{signature}"


def test_cas_tokens_expire(local_hub: LocalHub, alice_token: str, repo: str, objects: XetObjects) -> None:
    issued = _cas_token(local_hub.endpoint, alice_token, "write").json()["accessToken"]
    _, _, row_id, hub_id, _, _ = issued.split(".")
    url = f"{local_hub.endpoint}/cas/v1/xorbs/default/{objects.xorb_hash}"
    # Same key, same repository, valid until later: accepted (so the refusal below is the expiry's doing).
    later = _sign(local_hub, "w", f"{row_id}.{hub_id}", int(time.time()) + 600)
    assert requests.post(url, data=objects.xorb, headers=_auth(later), timeout=30).status_code == 200
    expired = _sign(local_hub, "w", f"{row_id}.{hub_id}", int(time.time()) - 5)
    refused = requests.post(url, data=objects.xorb, headers=_auth(expired), timeout=30)
    assert refused.status_code == 401
    assert "expired" in refused.json()["error"]
    # Changing the scope of a read token breaks its signature.
    read = _cas_token(local_hub.endpoint, alice_token, "read").json()["accessToken"]
    forged = read.replace("hfx.r.", "hfx.w.", 1)
    assert requests.post(url, data=objects.xorb, headers=_auth(forged), timeout=30).status_code == 401


def test_xet_files_are_lfs_files_of_their_repository(
    local_hub: LocalHub, alice_token: str, repo: str, objects: XetObjects
) -> None:
    from huggingface_hub import HfApi
    from huggingface_hub.errors import EntryNotFoundError

    endpoint = local_hub.endpoint
    cas = f"{endpoint}/cas"
    write = _cas_token(endpoint, alice_token, "write").json()["accessToken"]
    requests.post(f"{cas}/v1/xorbs/default/{objects.xorb_hash}", data=objects.xorb, headers=_auth(write), timeout=30)
    assert requests.post(f"{cas}/v1/shards", data=objects.shard, headers=_auth(write), timeout=30).status_code == 200
    # The LFS batch API knows the object already: nothing to upload.
    batch = requests.post(
        f"{endpoint}/{repo}.git/info/lfs/objects/batch",
        json={"operation": "upload", "objects": [{"oid": objects.sha256, "size": len(objects.data)}]},
        headers={**_auth(alice_token), "accept": "application/vnd.git-lfs+json"},
        timeout=30,
    )
    assert batch.status_code == 200
    assert "actions" not in batch.json()["objects"][0]
    assert _commit_lfs(endpoint, alice_token, repo, "w/file.bin", objects.sha256, len(objects.data)).status_code == 200

    api = HfApi(endpoint=endpoint, token=alice_token)
    api.super_squash_history(repo)
    assert api.hf_hub_download(repo, "w/file.bin", cache_dir=str(local_hub.data_dir.parent / "c")) is not None
    listed = list(api.list_lfs_files(repo))
    assert [(f.filename, f.file_oid, f.size) for f in listed] == [("w/file.bin", objects.sha256, len(objects.data))]
    api.permanently_delete_lfs_files(repo, listed)
    assert list(api.list_lfs_files(repo)) == []
    with pytest.raises(EntryNotFoundError):
        api.hf_hub_download(repo, "w/file.bin", cache_dir=str(local_hub.data_dir.parent / "c2"))
    read = _cas_token(endpoint, alice_token, "read").json()["accessToken"]
    gone = requests.get(f"{cas}/v1/reconstructions/{objects.file_hash}", headers=_auth(read), timeout=30)
    assert gone.status_code == 404
