"""Xet uploads under faults, through a proxy in front of the local Hub (its CAS URL points back at the proxy):
a failing xorb upload, a connection cut mid-xorb, an expired CAS token, a file changed while it is read."""

import hashlib
from pathlib import Path

import pytest

from huggingface_hub import HfApi, _xet_upload
from huggingface_hub.errors import HfHubHTTPError
from tests.e2e._repo_reads import commits, read, tree
from tests.e2e._seed import create_repo, random_bytes
from tests.e2e._xet_proxy import XetProxy

REPO = "alice/xet-faults"
CONTENT = random_bytes(12 * 1024 * 1024 + 3, seed=51)


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_xet_upload, "XET_RETRY_BASE_WAIT", 0.01)
    monkeypatch.setattr(_xet_upload, "XET_RETRY_MAX_WAIT", 0.05)
    monkeypatch.setattr(_xet_upload, "XET_MAX_RETRIES", 3)


@pytest.fixture
def source(local_hub, alice_token, tmp_path: Path) -> Path:
    create_repo(local_hub.endpoint, alice_token, REPO)
    path = tmp_path / "weights.bin"
    path.write_bytes(CONTENT)
    return path


def assert_committed(local_hub, token: str, content: bytes) -> None:
    entry = tree(local_hub.endpoint, token, REPO)["weights.bin"]
    assert "xetHash" in entry and entry["lfs"]["oid"] == hashlib.sha256(content).hexdigest()
    assert read(local_hub.endpoint, token, REPO, "weights.bin") == content


def test_a_failing_xorb_upload_is_retried(local_hub, alice_token, source: Path) -> None:
    with XetProxy(local_hub.endpoint, fail_xorbs=2) as proxy:
        HfApi(endpoint=proxy.endpoint, token=alice_token).upload_file(
            path_or_fileobj=source, path_in_repo="weights.bin", repo_id=REPO
        )
        assert proxy.count("/cas/v1/xorbs/") == 3
    assert_committed(local_hub, alice_token, CONTENT)


def test_a_xorb_failing_for_good_raises_and_commits_nothing(local_hub, alice_token, source: Path) -> None:
    before = commits(local_hub.endpoint, alice_token, REPO)
    with XetProxy(local_hub.endpoint, fail_xorbs=100) as proxy:
        with pytest.raises(HfHubHTTPError) as error:
            HfApi(endpoint=proxy.endpoint, token=alice_token).upload_file(
                path_or_fileobj=source, path_in_repo="weights.bin", repo_id=REPO
            )
        assert proxy.count("/cas/v1/xorbs/") == 4  # the first attempt and 3 retries
        assert proxy.count("/shards") == 0
    assert error.value.response.status_code == 503
    assert commits(local_hub.endpoint, alice_token, REPO) == before


def test_a_connection_cut_during_a_xorb_upload_is_retried(local_hub, alice_token, source: Path) -> None:
    with XetProxy(local_hub.endpoint, cut_first_xorb_after=256 * 1024) as proxy:
        HfApi(endpoint=proxy.endpoint, token=alice_token).upload_file(
            path_or_fileobj=source, path_in_repo="weights.bin", repo_id=REPO
        )
        assert proxy.count("/cas/v1/xorbs/") == 2
    assert_committed(local_hub, alice_token, CONTENT)


def test_an_expired_token_is_refreshed(local_hub, alice_token, source: Path) -> None:
    with XetProxy(local_hub.endpoint, expire_first_token=True) as proxy:
        HfApi(endpoint=proxy.endpoint, token=alice_token).upload_file(
            path_or_fileobj=source, path_in_repo="weights.bin", repo_id=REPO
        )
        # Python's first token had expired: the CAS client fetched a new one before its first CAS call.
        assert proxy.count("/xet-write-token/main") == 2
        assert proxy.paths.index(next(p for p in proxy.paths if "/cas/" in p)) > 1
    assert_committed(local_hub, alice_token, CONTENT)


def test_a_file_changed_while_it_is_read_is_not_committed(
    local_hub, alice_token, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One xorb in flight at a time: the reader (200 MiB, 3 xorbs of 64 MiB and a tail) waits for the first xorb's
    # upload before it can hand over the third, so the file is changed while it is still being read.
    monkeypatch.setattr(_xet_upload, "XET_MAX_CONCURRENT_XORBS", 1)
    create_repo(local_hub.endpoint, alice_token, REPO)
    path = tmp_path / "big.bin"
    with path.open("wb") as f:
        for seed in range(25):
            f.write(random_bytes(8 * 1024 * 1024, seed=100 + seed))

    def overwrite_the_end() -> None:  # same size, other bytes
        with path.open("r+b") as f:
            f.seek(-4, 2)
            f.write(b"EDIT")

    before = commits(local_hub.endpoint, alice_token, REPO)
    with XetProxy(local_hub.endpoint, on_first_xorb=overwrite_the_end) as proxy:
        with pytest.raises(RuntimeError, match="Error while uploading 'big.bin' to the Hub.") as error:
            HfApi(endpoint=proxy.endpoint, token=alice_token).upload_file(
                path_or_fileobj=path, path_in_repo="big.bin", repo_id=REPO
            )
        assert proxy.count("/shards") == 0
    assert isinstance(error.value.__cause__, ValueError)
    assert "was modified while it was being uploaded" in str(error.value.__cause__)
    assert commits(local_hub.endpoint, alice_token, REPO) == before


def test_a_file_changed_after_it_was_hashed_is_not_committed(local_hub, alice_token, source: Path) -> None:
    from huggingface_hub import CommitOperationAdd

    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    operation = CommitOperationAdd(path_in_repo="weights.bin", path_or_fileobj=source)
    assert operation.upload_info.sha256 == hashlib.sha256(CONTENT).digest()
    source.write_bytes(CONTENT + b"appended later")
    before = commits(local_hub.endpoint, alice_token, REPO)
    with pytest.raises(RuntimeError, match="Error while uploading 'weights.bin' to the Hub."):
        api.create_commit(REPO, [operation], commit_message="stale")
    assert commits(local_hub.endpoint, alice_token, REPO) == before
