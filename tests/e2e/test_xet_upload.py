"""LFS-mode files go through Xet storage (the Rust CAS client) against the local Hub, which speaks Xet.

What proves a file went through Xet: the LFS batch API is never called (it is replaced by a function that fails), and
the repository lists the file with the `xetHash` computed locally, its `lfs.oid` being the SHA-256.
"""

import hashlib
import logging
from pathlib import Path

import pytest

from huggingface_hub import CommitOperationAdd, HfApi, _commit_api, _rust, _upload_pipeline, hf_hub_download
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils._runtime import is_xet_available
from tests.e2e._repo_reads import commits, head, read, tree
from tests.e2e._seed import create_repo, random_bytes
from tests.e2e._xet_proxy import XetProxy

REPO = "alice/xet"
CONTENT = random_bytes(12 * 1024 * 1024 + 7, seed=41)  # above the 10 MiB threshold: an LFS-mode file


@pytest.fixture
def no_lfs_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the LFS batch API was used")

    monkeypatch.setattr(_commit_api, "post_lfs_batch_info", fail)
    monkeypatch.setattr(_upload_pipeline, "post_lfs_batch_info", fail)


@pytest.fixture
def api(local_hub, alice_token) -> HfApi:
    create_repo(local_hub.endpoint, alice_token, REPO)
    return HfApi(endpoint=local_hub.endpoint, token=alice_token)


def xet_hash(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / f"hash-{hashlib.sha256(content).hexdigest()[:8]}"
    path.write_bytes(content)
    return _rust.xet_hash_files([path])[0].hash


def assert_stored_with_xet(local_hub, token: str, path: str, content: bytes, tmp_path: Path, revision="main") -> None:
    entry = tree(local_hub.endpoint, token, REPO, revision=revision)[path]
    assert entry["xetHash"] == xet_hash(content, tmp_path)
    assert entry["lfs"]["oid"] == hashlib.sha256(content).hexdigest()
    assert entry["size"] == len(content)
    assert read(local_hub.endpoint, token, REPO, path, revision=revision) == content


@pytest.mark.usefixtures("no_lfs_batch")
def test_upload_file_goes_through_xet(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    assert is_xet_available()
    source = tmp_path / "weights.bin"
    source.write_bytes(CONTENT)
    info = api.upload_file(path_or_fileobj=source, path_in_repo="weights.bin", repo_id=REPO)
    assert info.oid == head(local_hub.endpoint, alice_token, REPO)
    assert_stored_with_xet(local_hub, alice_token, "weights.bin", CONTENT, tmp_path)
    # Our download (plain HTTP from the resolve URL: the Hub rebuilds the bytes) gives them back.
    downloaded = hf_hub_download(REPO, "weights.bin", endpoint=local_hub.endpoint, token=alice_token)
    assert Path(downloaded).read_bytes() == CONTENT


@pytest.mark.usefixtures("no_lfs_batch")
def test_one_commit_of_paths_bytes_and_repeated_content(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    other = random_bytes(11 * 1024 * 1024, seed=42)
    (tmp_path / "a.bin").write_bytes(CONTENT)
    (tmp_path / "b.bin").write_bytes(CONTENT)  # same content under another name
    calls = []
    real = _rust.xet_upload

    def spy(items, **kwargs):
        result = real(items, **kwargs)
        calls.append(result)
        return result

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_rust, "xet_upload", spy)
        api.create_commit(
            REPO,
            [
                CommitOperationAdd("a.bin", tmp_path / "a.bin"),
                CommitOperationAdd("dir/b.bin", str(tmp_path / "b.bin")),
                CommitOperationAdd("c.bin", other),
                CommitOperationAdd("small.txt", b"regular file\n"),
            ],
            commit_message="mixed",
        )
    [result] = calls  # one Xet session for the three LFS-mode files
    assert result["deduped_bytes"] >= len(CONTENT) - 128 * 1024  # the second copy was not sent again
    assert result["xorb_bytes"] < 2 * len(CONTENT) + len(other)
    for path, content in [("a.bin", CONTENT), ("dir/b.bin", CONTENT), ("c.bin", other)]:
        assert_stored_with_xet(local_hub, alice_token, path, content, tmp_path)
    assert read(local_hub.endpoint, alice_token, REPO, "small.txt") == b"regular file\n"

    # The same files again: their content is already there, nothing goes to the CAS, no empty commit.
    before = head(local_hub.endpoint, alice_token, REPO)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_rust, "xet_upload", spy)
        api.upload_file(path_or_fileobj=tmp_path / "a.bin", path_in_repo="a.bin", repo_id=REPO)
    assert len(calls) == 1
    assert head(local_hub.endpoint, alice_token, REPO) == before


@pytest.mark.usefixtures("no_lfs_batch")
def test_pull_requests_branches_and_parent_commit(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    api.upload_file(path_or_fileobj=b"base\n", path_in_repo="base.txt", repo_id=REPO)
    parent = head(local_hub.endpoint, alice_token, REPO)

    pr = api.upload_file(path_or_fileobj=CONTENT, path_in_repo="pr.bin", repo_id=REPO, create_pr=True)
    assert pr.pr_revision is not None
    assert_stored_with_xet(local_hub, alice_token, "pr.bin", CONTENT, tmp_path, revision=pr.pr_revision)
    assert "pr.bin" not in tree(local_hub.endpoint, alice_token, REPO)

    api.create_branch(REPO, branch="dev")
    other = random_bytes(10 * 1024 * 1024 + 1, seed=43)
    api.upload_file(path_or_fileobj=other, path_in_repo="dev.bin", repo_id=REPO, revision="dev")
    assert_stored_with_xet(local_hub, alice_token, "dev.bin", other, tmp_path, revision="dev")

    api.upload_file(path_or_fileobj=b"moved on\n", path_in_repo="base.txt", repo_id=REPO)
    with pytest.raises(HfHubHTTPError) as error:
        api.upload_file(path_or_fileobj=other, path_in_repo="late.bin", repo_id=REPO, parent_commit=parent)
    assert error.value.response.status_code == 412
    assert "late.bin" not in tree(local_hub.endpoint, alice_token, REPO)


@pytest.mark.usefixtures("no_lfs_batch")
def test_upload_folder_goes_through_xet(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    contents = {
        "one.bin": CONTENT,
        "sub/two.bin": random_bytes(10 * 1024 * 1024 + 3, seed=44),
        "sub/copy.bin": CONTENT,
        "notes.txt": b"small\n",
    }
    for path, content in contents.items():
        (folder / path).write_bytes(content)
    api.upload_folder(folder_path=folder, repo_id=REPO)
    for path, content in contents.items():
        if len(content) > 1024 * 1024:
            assert_stored_with_xet(local_hub, alice_token, path, content, tmp_path)
        else:
            assert read(local_hub.endpoint, alice_token, REPO, path) == content


def test_disabled_xet_and_a_hub_without_xet_use_lfs(
    api: HfApi, local_hub, alice_token, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_DISABLE_XET", True)
    assert not is_xet_available()
    api.upload_file(path_or_fileobj=CONTENT, path_in_repo="lfs.bin", repo_id=REPO)
    assert "xetHash" not in tree(local_hub.endpoint, alice_token, REPO)["lfs.bin"]
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_DISABLE_XET", False)

    other = random_bytes(10 * 1024 * 1024 + 5, seed=45)
    with XetProxy(local_hub.endpoint, no_xet=True) as proxy, caplog.at_level(logging.INFO, logger="huggingface_hub"):
        HfApi(endpoint=proxy.endpoint, token=alice_token).upload_file(
            path_or_fileobj=other, path_in_repo="fallback.bin", repo_id=REPO
        )
        assert proxy.count("/xet-write-token/") == 1
        assert proxy.count("/info/lfs/objects/batch") == 1
    assert "does not offer Xet storage" in caplog.text
    entry = tree(local_hub.endpoint, alice_token, REPO)["fallback.bin"]
    assert "xetHash" not in entry and entry["lfs"]["oid"] == hashlib.sha256(other).hexdigest()
    assert len(commits(local_hub.endpoint, alice_token, REPO)) == 3


@pytest.mark.usefixtures("no_lfs_batch")
def test_upload_large_folder_goes_through_xet(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    folder = tmp_path / "large"
    (folder / "shards").mkdir(parents=True)
    contents = {f"shards/{i}.bin": random_bytes(10 * 1024 * 1024 + i, seed=70 + i) for i in range(3)}
    for path, content in contents.items():
        (folder / path).write_bytes(content)
    with pytest.warns(FutureWarning, match="`upload_large_folder` is DEPRECATED"):
        api.upload_large_folder(repo_id=REPO, folder_path=folder, repo_type="model", num_workers=2, print_report=False)
    for path, content in contents.items():
        assert_stored_with_xet(local_hub, alice_token, path, content, tmp_path)
