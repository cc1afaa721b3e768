"""LFS uploads under faults: a connection cut mid-transfer, expired upload URLs, a file changed while being sent.

These exercise the LFS protocol (`lfs_protocol`: Xet disabled); Xet uploads under faults are in
test_xet_upload_faults.py."""

import hashlib
from pathlib import Path

import pytest

from huggingface_hub import CommitOperationAdd, HfApi, lfs
from huggingface_hub.errors import HfHubHTTPError
from tests.e2e._repo_reads import commits, head, read, tree
from tests.e2e._seed import create_repo, random_bytes
from tests.e2e._upload_proxy import UploadProxy

pytestmark = pytest.mark.usefixtures("lfs_protocol")

REPO = "alice/faults"
CONTENT = random_bytes(12 * 1024 * 1024 + 3, seed=31)


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lfs, "_UPLOAD_RETRY_BASE_WAIT", 0.05)
    monkeypatch.setattr(lfs, "_UPLOAD_RETRY_MAX_WAIT", 0.1)


@pytest.fixture
def source(local_hub, alice_token, tmp_path: Path) -> Path:
    create_repo(local_hub.endpoint, alice_token, REPO)
    path = tmp_path / "weights.bin"
    path.write_bytes(CONTENT)
    return path


def test_connection_cut_during_upload_is_retried(local_hub, alice_token, source: Path) -> None:
    with UploadProxy(local_hub.endpoint, drop_put_after=256 * 1024) as proxy:
        api = HfApi(endpoint=proxy.endpoint, token=alice_token)
        info = api.upload_file(path_or_fileobj=source, path_in_repo="weights.bin", repo_id=REPO)
        assert proxy.puts >= 2  # the cut transfer was sent again, within the same call
    assert info.oid == head(local_hub.endpoint, alice_token, REPO)
    assert (
        tree(local_hub.endpoint, alice_token, REPO)["weights.bin"]["lfs"]["oid"] == hashlib.sha256(CONTENT).hexdigest()
    )
    assert read(local_hub.endpoint, alice_token, REPO, "weights.bin") == CONTENT


@pytest.mark.parametrize("size", [len(CONTENT), 25 * 1024 * 1024], ids=["basic", "multipart"])
def test_expired_upload_url_fails_then_a_new_attempt_succeeds(local_hub, alice_token, source: Path, size: int) -> None:
    content = random_bytes(size, seed=32)
    source.write_bytes(content)
    key = (local_hub.data_dir / "lfs-signing.key").read_bytes()
    before = head(local_hub.endpoint, alice_token, REPO)
    with UploadProxy(local_hub.endpoint, expire_upload_urls=key) as proxy:
        api = HfApi(endpoint=proxy.endpoint, token=alice_token)
        with pytest.raises(RuntimeError, match="Error while uploading 'weights.bin' to the Hub.") as error:
            api.upload_file(path_or_fileobj=source, path_in_repo="weights.bin", repo_id=REPO)
        cause = error.value.__cause__
        assert isinstance(cause, HfHubHTTPError) and "Request has expired" in str(cause)
        assert cause.response is not None and cause.response.status_code == 403
        assert head(local_hub.endpoint, alice_token, REPO) == before  # nothing committed

        # The next attempt gets fresh URLs and goes through.
        api.upload_file(path_or_fileobj=source, path_in_repo="weights.bin", repo_id=REPO)
    assert read(local_hub.endpoint, alice_token, REPO, "weights.bin") == content


def test_file_changed_while_uploading_is_not_committed(local_hub, alice_token, source: Path) -> None:
    before = commits(local_hub.endpoint, alice_token, REPO)

    def overwrite_the_end() -> None:  # same size, other bytes, while the upload is under way
        with source.open("r+b") as f:
            f.seek(-4, 2)
            f.write(b"EDIT")

    with UploadProxy(local_hub.endpoint, on_first_put=overwrite_the_end) as proxy:
        api = HfApi(endpoint=proxy.endpoint, token=alice_token)
        with pytest.raises(RuntimeError, match="Error while uploading 'weights.bin' to the Hub.") as error:
            api.upload_file(path_or_fileobj=source, path_in_repo="weights.bin", repo_id=REPO)
    assert "was modified while it was being uploaded" in str(error.value.__cause__)
    assert commits(local_hub.endpoint, alice_token, REPO) == before


def test_file_changed_after_hashing_is_not_committed(local_hub, alice_token, source: Path) -> None:
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    operation = CommitOperationAdd(path_in_repo="weights.bin", path_or_fileobj=source)
    assert operation.upload_info.sha256 == hashlib.sha256(CONTENT).digest()
    source.write_bytes(CONTENT + b"appended later")
    before = commits(local_hub.endpoint, alice_token, REPO)
    with pytest.raises(RuntimeError, match="Error while uploading 'weights.bin' to the Hub."):
        api.create_commit(REPO, [operation], commit_message="stale")
    assert commits(local_hub.endpoint, alice_token, REPO) == before
