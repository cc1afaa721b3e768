"""Multipart LFS uploads over HTTP, the way a client that retries or crashes drives them: parts out of order, a part
sent again with other bytes, a completion that lists a part never sent, and the server killed (SIGKILL) between
the parts and the completion, then restarted on the same data directory. The server writes every part in place into
one staging file and hashes the object while the parts arrive; what it stores must always be exactly the object."""

import hashlib
import sys
from pathlib import Path

import pytest
import requests

from huggingface_hub.local_hub import LocalHub
from tests.e2e._hub_checks import RawRequest, auth, blob_path, corrupt_blobs
from tests.e2e._seed import commit, create_repo, random_bytes

REPO = "alice/parts"
# Above the server's default multipart threshold (20 MiB): three parts of 16, 16 and 8 MiB.
SIZE = 40 * 1024 * 1024
LFS = {"accept": "application/vnd.git-lfs+json", "content-type": "application/vnd.git-lfs+json"}


def _multipart(endpoint: str, token: str, oid: str) -> tuple[str, int, list[str]]:
    """A new multipart upload of the object: its completion URL, part size and part URLs in part order."""
    answer = requests.post(
        f"{endpoint}/{REPO}.git/info/lfs/objects/batch",
        json={"operation": "upload", "transfers": ["basic", "multipart"], "objects": [{"oid": oid, "size": SIZE}]},
        headers={**auth(token), **LFS},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    action = answer.json()["objects"][0]["actions"]["upload"]
    header = action["header"]
    parts = [url for _, url in sorted((int(key), url) for key, url in header.items() if key.isdigit())]
    return action["href"], int(header["chunk_size"]), parts


def _put(url: str, data: bytes) -> str:
    response = requests.put(url, data=data, timeout=120)
    assert response.status_code == 200, response.text
    return response.headers["etag"]


def _complete(href: str, oid: str, etags: list[str]) -> requests.Response:
    parts = [{"partNumber": i + 1, "etag": etag} for i, etag in enumerate(etags)]
    return requests.post(href, json={"oid": oid, "parts": parts}, headers=LFS, timeout=120)


def _slice(content: bytes, chunk: int, n: int) -> bytes:
    return content[(n - 1) * chunk : n * chunk]


def _committed_content(endpoint: str, token: str, content: bytes) -> bytes:
    commit(endpoint, token, REPO, lfs={"big.bin": content})
    response = requests.get(f"{endpoint}/{REPO}/resolve/main/big.bin", timeout=120)
    assert response.status_code == 200
    return response.content


def test_parts_out_of_order_resent_and_missing(local_hub: LocalHub, alice_token: str) -> None:
    content = random_bytes(SIZE, seed=11)
    oid = hashlib.sha256(content).hexdigest()
    create_repo(local_hub.endpoint, alice_token, REPO)

    # Parts 3 and 1 only: the completion names part 2, which never arrived.
    href, chunk, parts = _multipart(local_hub.endpoint, alice_token, oid)
    assert (chunk, len(parts)) == (16 * 1024 * 1024, 3)
    third = _put(parts[2], _slice(content, chunk, 3))
    first = _put(parts[0], _slice(content, chunk, 1))
    answer = _complete(href, oid, [first, '"not-sent"', third])
    assert answer.status_code == 400
    assert "Part 2 was not uploaded" in answer.json()["error"]
    assert not blob_path(local_hub.data_dir, oid).exists()

    # A new upload: part 2 with wrong bytes, then 3 and 1, then part 2 again with the right ones.
    href, chunk, parts = _multipart(local_hub.endpoint, alice_token, oid)
    wrong = _put(parts[1], bytes(chunk))
    etags = [_put(parts[2], _slice(content, chunk, 3)), _put(parts[0], _slice(content, chunk, 1))][::-1]
    etags.insert(1, _put(parts[1], _slice(content, chunk, 2)))
    assert wrong != etags[1]
    # The answer to the superseded attempt does not complete the upload...
    stale = _complete(href, oid, [etags[0], wrong, etags[2]])
    assert stale.status_code == 400 and "ETag of part 2" in stale.json()["error"]
    assert not blob_path(local_hub.data_dir, oid).exists()
    # ...and that rejection ended the upload: one more, all in order, completes.
    href, chunk, parts = _multipart(local_hub.endpoint, alice_token, oid)
    etags = [_put(url, _slice(content, chunk, n)) for n, url in enumerate(parts, start=1)]
    etags[1] = _put(parts[1], _slice(content, chunk, 2))  # sent twice with the same bytes: the latest counts
    answer = _complete(href, oid, etags)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"oid": oid, "size": SIZE}
    assert _complete(href, oid, etags).status_code == 200  # idempotent
    assert blob_path(local_hub.data_dir, oid).read_bytes() == content
    assert _committed_content(local_hub.endpoint, alice_token, content) == content
    assert list((local_hub.data_dir / "tmp" / "multipart").iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_between_parts_and_completion_then_retry(tmp_path: Path) -> None:
    data_dir, token = tmp_path / "hub", "hf_parts_test_token"
    content = random_bytes(SIZE, seed=12)
    oid = hashlib.sha256(content).hexdigest()

    def start() -> LocalHub:
        hub = LocalHub(data_dir, subprocess=True)
        hub.create_user("alice", token=token)
        return hub.start()

    hub = start()
    try:
        create_repo(hub.endpoint, token, REPO)
        href, chunk, parts = _multipart(hub.endpoint, token, oid)
        etags = [_put(parts[0], _slice(content, chunk, 1)), "", _put(parts[2], _slice(content, chunk, 3))]
        # Part 2 is half sent when the server dies.
        second = _slice(content, chunk, 2)
        request = RawRequest(parts[1], "PUT", {}, len(second))
        request.send(second[: len(second) // 2])
        old_endpoint = hub.endpoint
        hub.kill()
        assert request.status() is None
    finally:
        hub.stop()
    assert not blob_path(data_dir, oid).exists()

    with start() as hub:
        # The same URLs (on the new port) still work: what was staged before the crash is kept, the half part is
        # missing.
        href = href.replace(old_endpoint, hub.endpoint)
        missing = _complete(href, oid, [etags[0], '"x"', etags[2]])
        assert missing.status_code == 400 and "Part 2 was not uploaded" in missing.json()["error"]

    # Again, this time killed once every part is in, before the completion.
    hub = start()
    try:
        href, chunk, parts = _multipart(hub.endpoint, token, oid)
        etags = [_put(url, _slice(content, chunk, n)) for n, url in enumerate(parts, start=1)]
        old_endpoint = hub.endpoint
        hub.kill()
    finally:
        hub.stop()
    with start() as hub:
        answer = _complete(href.replace(old_endpoint, hub.endpoint), oid, etags)
        assert answer.status_code == 200, answer.text
        assert blob_path(data_dir, oid).read_bytes() == content
        assert corrupt_blobs(data_dir) == []
        assert _committed_content(hub.endpoint, token, content) == content
