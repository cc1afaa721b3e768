"""`list_lfs_files` and `permanently_delete_lfs_files` against the local Hub: what is listed, pages, what deletion
does to the history and to downloads, and who may do it."""

import hashlib
import json
import socket
import time
from datetime import datetime

import pytest
import requests
from _seed import commit, create_repo

from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import (
    BadRequestError,
    EntryNotFoundError,
    HfHubHTTPError,
    RepositoryNotFoundError,
)
from huggingface_hub.hf_api import LFSFileInfo
from huggingface_hub.local_hub import LocalHub

WEIGHTS = b"w" * 3000
OTHER = b"o" * 2000


def _pointer_blob_id(content: bytes) -> str:
    """Git blob id of the LFS pointer file of `content` (what the Hub reports as `oid`)."""
    pointer = (
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{hashlib.sha256(content).hexdigest()}\n"
        f"size {len(content)}\n"
    ).encode()
    return hashlib.sha1(b"blob %d\0" % len(pointer) + pointer).hexdigest()


@pytest.fixture
def api(local_hub: LocalHub, alice_token: str) -> HfApi:
    create_repo(local_hub.endpoint, alice_token, "alice/m")
    commit(local_hub.endpoint, alice_token, "alice/m", files={"a.txt": b"small"}, lfs={"dir/w.bin": WEIGHTS})
    # The same object under a second path, and another object: listed once each, with the first path.
    commit(local_hub.endpoint, alice_token, "alice/m", lfs={"copy.bin": WEIGHTS, "other.bin": OTHER})
    return HfApi(endpoint=local_hub.endpoint, token=alice_token)


def test_lists_each_object_once_with_its_first_path(api: HfApi) -> None:
    files = list(api.list_lfs_files("alice/m"))
    by_name = {f.filename: f for f in files}
    assert sorted(by_name) == ["dir/w.bin", "other.bin"]
    weights = by_name["dir/w.bin"]
    assert isinstance(weights, LFSFileInfo)
    assert weights.file_oid == hashlib.sha256(WEIGHTS).hexdigest()
    assert weights.oid == _pointer_blob_id(WEIGHTS)
    assert (weights.size, weights.ref) == (3000, "refs/heads/main")
    assert isinstance(weights.pushed_at, datetime)
    # Most recently pushed first.
    assert [f.filename for f in files] == ["other.bin", "dir/w.bin"]


def test_listing_is_paginated(local_hub: LocalHub, alice_token: str) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/many", repo_type="dataset")
    lfs = {f"f{i:03}.bin": b"x%d" % i for i in range(105)}
    commit(local_hub.endpoint, alice_token, "alice/many", lfs=lfs, repo_type="dataset")
    first = requests.get(
        f"{local_hub.endpoint}/api/datasets/alice/many/lfs-files",
        headers={"authorization": f"Bearer {alice_token}"},
        timeout=30,
    )
    assert len(first.json()) == 100 and 'rel="next"' in first.headers["link"]
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    files = list(api.list_lfs_files("alice/many", repo_type="dataset"))
    assert sorted(f.filename for f in files) == sorted(lfs)


def test_delete_rewriting_history_removes_the_files_from_every_commit(api: HfApi) -> None:
    before = api.list_repo_commits("alice/m")
    weights = [f for f in api.list_lfs_files("alice/m") if f.filename == "dir/w.bin"]
    api.permanently_delete_lfs_files("alice/m", weights)
    assert [f.filename for f in api.list_lfs_files("alice/m")] == ["other.bin"]
    # Both paths pointing to the object are gone, from the head and from the first commit.
    assert sorted(api.list_repo_files("alice/m")) == [".gitattributes", "a.txt", "other.bin"]
    after = api.list_repo_commits("alice/m")
    assert [c.title for c in after] == [c.title for c in before]
    assert after[0].commit_id != before[0].commit_id
    assert "dir/w.bin" not in api.list_repo_files("alice/m", revision=after[1].commit_id)
    # The untouched initial commit keeps its id.
    assert after[-1].commit_id == before[-1].commit_id
    # The old commits are still reachable by id, but their pointers have no content any more.
    with pytest.raises(EntryNotFoundError):
        hf_hub_download("alice/m", "dir/w.bin", revision=before[0].commit_id, endpoint=api.endpoint, token=api.token)
    path = hf_hub_download("alice/m", "other.bin", endpoint=api.endpoint, token=api.token)
    assert open(path, "rb").read() == OTHER


def test_delete_without_rewriting_leaves_dangling_pointers(api: HfApi, tmp_path) -> None:
    head = api.model_info("alice/m").sha
    weights = [f for f in api.list_lfs_files("alice/m") if f.filename == "dir/w.bin"]
    api.permanently_delete_lfs_files("alice/m", iter(weights), rewrite_history=False)
    assert api.model_info("alice/m").sha == head
    assert "dir/w.bin" in api.list_repo_files("alice/m")
    assert [f.filename for f in api.list_lfs_files("alice/m")] == ["other.bin"]
    with pytest.raises(EntryNotFoundError):
        hf_hub_download("alice/m", "copy.bin", endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)
    # Deleting again, or nothing, is harmless.
    api.permanently_delete_lfs_files("alice/m", weights, rewrite_history=False)
    api.permanently_delete_lfs_files("alice/m", [])
    # Uploading the same bytes again brings the content back.
    api.upload_file(path_or_fileobj=WEIGHTS, path_in_repo="again.bin", repo_id="alice/m")
    again = hf_hub_download("alice/m", "again.bin", endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)
    assert open(again, "rb").read() == WEIGHTS
    assert sorted(f.filename for f in api.list_lfs_files("alice/m")) == ["again.bin", "other.bin"]


def test_write_access_is_required(api: HfApi, local_hub: LocalHub) -> None:
    files = list(api.list_lfs_files("alice/m"))
    read_token = local_hub.create_user("alice", role="read")
    bob = local_hub.create_user("bob")
    for token in (read_token, bob):
        other = HfApi(endpoint=api.endpoint, token=token)
        with pytest.raises(HfHubHTTPError) as error:
            list(other.list_lfs_files("alice/m"))
        assert error.value.response.status_code == 403
        with pytest.raises(HfHubHTTPError) as error:
            other.permanently_delete_lfs_files("alice/m", files)
        assert error.value.response.status_code == 403
    anonymous = HfApi(endpoint=api.endpoint, token=False)
    with pytest.raises(RepositoryNotFoundError):
        list(anonymous.list_lfs_files("alice/m"))
    with pytest.raises(RepositoryNotFoundError):
        list(api.list_lfs_files("alice/nope"))
    with pytest.raises(RepositoryNotFoundError):
        api.permanently_delete_lfs_files("alice/m", files, repo_type="dataset")
    # Nothing was deleted by the refused calls.
    assert len(list(api.list_lfs_files("alice/m"))) == 2


def test_malformed_oids_are_a_bad_request(api: HfApi) -> None:
    bogus = LFSFileInfo(fileOid="not-a-sha", filename="x", oid="x", pushedAt="2024-01-01T00:00:00.000Z", size=1)
    with pytest.raises(BadRequestError):
        api.permanently_delete_lfs_files("alice/m", [bogus])
    assert len(list(api.list_lfs_files("alice/m"))) == 2


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("lfs-files/batch", {"deletions": {"sha": ["0" * 64], "rewriteHistory": True}}),
        ("branch/dev", {"startingPoint": "main"}),  # any route refusing before it reads the body
    ],
)
def test_a_refused_request_keeps_the_connection_usable(
    api: HfApi, local_hub: LocalHub, path: str, payload: dict
) -> None:
    # The body arrives after the server could refuse (bob may not write): the server still reads it before
    # answering, so the answer is not lost to a reset connection and the connection serves the next request.
    bob = local_hub.create_user("bob")
    host, port = api.endpoint.removeprefix("http://").split(":")
    body = json.dumps(payload).encode()
    head = (
        f"POST /api/models/alice/m/{path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {bob}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head + body[:10])
        time.sleep(0.3)
        sock.sendall(body[10:])
        stream = sock.makefile("rb")
        assert stream.readline().startswith(b"HTTP/1.1 403")
        length = 0
        while (line := stream.readline()) != b"\r\n":
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        stream.read(length)
        sock.sendall(f"GET /api/models/alice/m HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        assert stream.readline().startswith(b"HTTP/1.1 200")
