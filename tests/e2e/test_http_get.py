"""`file_download.http_get`: upstream's low-level single-stream download into a file object."""

import io

import pytest

from huggingface_hub.errors import RemoteEntryNotFoundError
from huggingface_hub.file_download import http_get
from tests.e2e._faulty_server import FaultyServer
from tests.e2e._seed import commit, create_repo, random_bytes

PAYLOAD = random_bytes(2 * 1024 * 1024 + 5, seed=3)


def test_downloads_a_local_hub_file_and_resumes_from_an_offset(local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/raw")
    commit(local_hub.endpoint, alice_token, "alice/raw", files={"data.bin": PAYLOAD[:4096]})
    url = f"{local_hub.endpoint}/alice/raw/resolve/main/data.bin"
    headers = {"authorization": f"Bearer {alice_token}"}

    whole = io.BytesIO()
    http_get(url, whole, headers=headers, expected_size=4096)
    assert whole.getvalue() == PAYLOAD[:4096]

    partial = io.BytesIO(PAYLOAD[:1000])
    partial.seek(1000)
    http_get(url, partial, resume_size=1000, headers=headers, expected_size=4096)
    assert partial.getvalue() == PAYLOAD[:4096]


def test_missing_file_raises_upstreams_class(local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/raw2")
    url = f"{local_hub.endpoint}/alice/raw2/resolve/main/nope.bin"
    with pytest.raises(RemoteEntryNotFoundError):
        http_get(url, io.BytesIO(), headers={"authorization": f"Bearer {alice_token}"})


def test_dropped_connection_is_resumed_with_a_range() -> None:
    with FaultyServer(PAYLOAD, mode="drop_once", cut_at=1024 * 1024) as server:
        out = io.BytesIO()
        http_get(server.url, out, expected_size=len(PAYLOAD))
    assert out.getvalue() == PAYLOAD
    assert server.state.requests == 2
    assert server.state.ranges[1] == f"bytes={1024 * 1024}-"  # resumed, not restarted


def test_size_mismatch_is_a_consistency_error() -> None:
    with FaultyServer(PAYLOAD) as server, pytest.raises(OSError, match="Consistency check failed"):
        http_get(server.url, io.BytesIO(), expected_size=len(PAYLOAD) + 1)


def test_range_of_the_caller_is_kept_when_resuming() -> None:
    with FaultyServer(PAYLOAD) as server:
        out = io.BytesIO(PAYLOAD[100:150])
        out.seek(50)
        http_get(server.url, out, resume_size=50, headers={"Range": "bytes=100-299"})
    assert server.state.ranges == ["bytes=150-299"]
    assert out.getvalue() == PAYLOAD[100:300]
