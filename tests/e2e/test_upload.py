"""create_commit, upload_file, delete_* against the local Hub: regular and LFS files, copies, no-ops, errors."""

import hashlib
import io
import logging
from concurrent.futures import Future
from pathlib import Path

import pytest

from huggingface_hub import (
    CommitInfo,
    CommitOperationAdd,
    CommitOperationCopy,
    CommitOperationDelete,
    HfApi,
)
from huggingface_hub.errors import (
    EntryNotFoundError,
    HfHubHTTPError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
)
from tests.e2e._repo_reads import commits, head, read, tree
from tests.e2e._seed import create_repo, random_bytes
from tests.e2e._upload_proxy import UploadProxy

REPO = "alice/demo"
LFS_CONTENT = random_bytes(12 * 1024 * 1024, seed=11)  # above the Hub's 10 MiB threshold: stored through LFS


@pytest.fixture
def api(local_hub, alice_token) -> HfApi:
    create_repo(local_hub.endpoint, alice_token, REPO)
    return HfApi(endpoint=local_hub.endpoint, token=alice_token)


def test_upload_file_from_bytes_path_and_file_object(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    info = api.upload_file(path_or_fileobj=b"from bytes\n", path_in_repo="a.txt", repo_id=REPO)
    assert isinstance(info, CommitInfo)
    assert info.oid == head(local_hub.endpoint, alice_token, REPO)
    assert info == info.commit_url == f"{local_hub.endpoint}/{REPO}/commit/{info.oid}"
    assert info.commit_message == "Upload a.txt with huggingface_hub"
    assert (info.repo_url.repo_id, info.repo_url.repo_type, info.pr_url) == (REPO, "model", None)

    (tmp_path / "b.txt").write_bytes(b"from a path\n")
    api.upload_file(path_or_fileobj=tmp_path / "b.txt", path_in_repo="dir/b.txt", repo_id=REPO)
    api.upload_file(
        path_or_fileobj=io.BytesIO(b"from a file object\n"),
        path_in_repo="/dir/c.txt",
        repo_id=REPO,
        commit_message="custom",
        commit_description="longer text",
    )
    assert read(local_hub.endpoint, alice_token, REPO, "a.txt") == b"from bytes\n"
    assert read(local_hub.endpoint, alice_token, REPO, "dir/b.txt") == b"from a path\n"
    assert read(local_hub.endpoint, alice_token, REPO, "dir/c.txt") == b"from a file object\n"
    latest = commits(local_hub.endpoint, alice_token, REPO)[0]
    assert latest["title"] == "custom" and "longer text" in latest["message"]


def test_lfs_file_from_path(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    source = tmp_path / "weights.bin"
    source.write_bytes(LFS_CONTENT)
    api.upload_file(path_or_fileobj=source, path_in_repo="weights.bin", repo_id=REPO)
    entry = tree(local_hub.endpoint, alice_token, REPO)["weights.bin"]
    assert entry["lfs"]["oid"] == hashlib.sha256(LFS_CONTENT).hexdigest()
    assert entry["size"] == len(LFS_CONTENT)
    assert read(local_hub.endpoint, alice_token, REPO, "weights.bin") == LFS_CONTENT


@pytest.mark.usefixtures("lfs_protocol")
def test_lfs_file_large_enough_for_multipart(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    # The local Hub offers multipart above 20 MiB, in parts of 16 MiB: this file goes in 2 parts, then a completion.
    content = random_bytes(27 * 1024 * 1024 + 5, seed=12)
    source = tmp_path / "big.bin"
    source.write_bytes(content)
    with UploadProxy(local_hub.endpoint) as proxy:
        HfApi(endpoint=proxy.endpoint, token=alice_token).upload_file(
            path_or_fileobj=str(source), path_in_repo="big.bin", repo_id=REPO
        )
        assert proxy.puts == 2
    assert tree(local_hub.endpoint, alice_token, REPO)["big.bin"]["lfs"]["oid"] == hashlib.sha256(content).hexdigest()
    assert read(local_hub.endpoint, alice_token, REPO, "big.bin") == content

    # In memory, the parts are sent from Python.
    api.upload_file(path_or_fileobj=content[::-1], path_in_repo="big-mem.bin", repo_id=REPO)
    assert read(local_hub.endpoint, alice_token, REPO, "big-mem.bin") == content[::-1]


def test_lfs_content_in_memory(api: HfApi, local_hub, alice_token) -> None:
    api.upload_file(path_or_fileobj=LFS_CONTENT, path_in_repo="mem.bin", repo_id=REPO)
    api.upload_file(path_or_fileobj=io.BytesIO(LFS_CONTENT[::-1]), path_in_repo="buf.bin", repo_id=REPO)
    files = tree(local_hub.endpoint, alice_token, REPO)
    assert files["mem.bin"]["lfs"]["oid"] == hashlib.sha256(LFS_CONTENT).hexdigest()
    assert read(local_hub.endpoint, alice_token, REPO, "buf.bin") == LFS_CONTENT[::-1]


def test_unchanged_files_make_no_commit(api: HfApi, local_hub, alice_token, caplog) -> None:
    first = api.upload_file(path_or_fileobj=b"same\n", path_in_repo="a.txt", repo_id=REPO)
    api.upload_file(path_or_fileobj=LFS_CONTENT, path_in_repo="mem.bin", repo_id=REPO)
    before = commits(local_hub.endpoint, alice_token, REPO)
    with caplog.at_level(logging.WARNING):
        again = api.create_commit(
            REPO,
            [CommitOperationAdd("a.txt", b"same\n"), CommitOperationAdd("mem.bin", LFS_CONTENT)],
            commit_message="nothing new",
        )
    assert "No files have been modified since last commit. Skipping to prevent empty commit." in caplog.text
    assert commits(local_hub.endpoint, alice_token, REPO) == before
    assert again.oid == before[0]["id"] != first.oid
    assert again.commit_url == f"{local_hub.endpoint}/{REPO}/commit/{again.oid}"
    empty = api.create_commit(REPO, [], commit_message="empty")
    assert empty.oid == before[0]["id"]


def test_copies_and_deletions(api: HfApi, local_hub, alice_token) -> None:
    api.create_commit(
        REPO,
        [
            CommitOperationAdd("small.txt", b"small\n"),
            CommitOperationAdd("big.bin", LFS_CONTENT),
            CommitOperationAdd("folder/x.txt", b"x"),
            CommitOperationAdd("folder/sub/y.txt", b"y"),
        ],
        commit_message="seed",
    )
    api.create_commit(
        REPO,
        [
            CommitOperationCopy("small.txt", "copies/small.txt"),
            CommitOperationCopy("big.bin", "copies/big.bin"),
            CommitOperationDelete("folder/"),
            CommitOperationDelete("small.txt"),
        ],
        commit_message="copy and delete",
    )
    files = tree(local_hub.endpoint, alice_token, REPO)
    assert sorted(files) == [".gitattributes", "big.bin", "copies/big.bin", "copies/small.txt"]
    assert files["copies/big.bin"]["lfs"]["oid"] == hashlib.sha256(LFS_CONTENT).hexdigest()
    assert read(local_hub.endpoint, alice_token, REPO, "copies/small.txt") == b"small\n"

    # Copying onto an identical file changes nothing.
    before = head(local_hub.endpoint, alice_token, REPO)
    assert (
        api.create_commit(REPO, [CommitOperationCopy("big.bin", "copies/big.bin")], commit_message="no-op").oid
        == before
    )

    with pytest.raises(EntryNotFoundError, match="Cannot copy missing.txt at revision main: file is missing on repo."):
        api.create_commit(REPO, [CommitOperationCopy("missing.txt", "x.txt")], commit_message="bad copy")


def test_regular_file_copied_from_another_repo(api: HfApi, local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/source", repo_type="dataset")
    api.upload_file(path_or_fileobj=b"data\n", path_in_repo="d.csv", repo_id="alice/source", repo_type="dataset")
    api.create_commit(
        REPO,
        [CommitOperationCopy("d.csv", "from-dataset.csv", src_repo_id="alice/source", src_repo_type="dataset")],
        commit_message="cross-repo copy",
    )
    assert read(local_hub.endpoint, alice_token, REPO, "from-dataset.csv") == b"data\n"


def test_delete_helpers(api: HfApi, local_hub, alice_token) -> None:
    api.create_commit(
        REPO,
        [
            CommitOperationAdd(path, path.encode())
            for path in ["a.txt", "b.json", "logs/1.log", "logs/2.log", "keep/c.txt"]
        ],
        commit_message="seed",
    )
    info = api.delete_file("a.txt", repo_id=REPO)
    assert info.commit_message == "Delete a.txt with huggingface_hub"
    info = api.delete_folder("logs", repo_id=REPO)
    assert info.commit_message == "Delete folder logs with huggingface_hub"
    info = api.delete_files(REPO, delete_patterns=["*.json", ".gitattributes"])
    assert info.commit_message == "Delete files *.json .gitattributes with huggingface_hub"
    assert sorted(tree(local_hub.endpoint, alice_token, REPO)) == [".gitattributes", "keep/c.txt"]

    with pytest.raises(RemoteEntryNotFoundError, match="A file with this name doesn't exist") as error:
        api.delete_file("missing.txt", repo_id=REPO)
    assert "differentiate file and folder paths in delete operations" in str(error.value)


def test_parent_commit(api: HfApi, local_hub, alice_token) -> None:
    first = api.upload_file(path_or_fileobj=b"1", path_in_repo="a.txt", repo_id=REPO)
    second = api.upload_file(path_or_fileobj=b"2", path_in_repo="a.txt", repo_id=REPO, parent_commit=first.oid[:7])
    with pytest.raises(HfHubHTTPError, match="The branch was updated since you opened this page") as error:
        api.upload_file(path_or_fileobj=b"3", path_in_repo="a.txt", repo_id=REPO, parent_commit=first.oid)
    assert error.value.response is not None and error.value.response.status_code == 412
    assert head(local_hub.endpoint, alice_token, REPO) == second.oid
    assert read(local_hub.endpoint, alice_token, REPO, "a.txt") == b"2"
    with pytest.raises(ValueError, match="`parent_commit` is not a valid commit OID"):
        api.upload_file(path_or_fileobj=b"3", path_in_repo="a.txt", repo_id=REPO, parent_commit="main")


def test_invalid_arguments_fail_before_any_request(tmp_path: Path) -> None:
    # Nothing listens on this port: any request would raise a connection error instead.
    offline = HfApi(endpoint="http://127.0.0.1:9", token="hf_unused")
    for path in ["../escape.txt", "..", ".git/config", "sub/.git/hooks/x", ".cache/huggingface/x"]:
        with pytest.raises(ValueError, match="Invalid `path_in_repo` in CommitOperation"):
            offline.upload_file(path_or_fileobj=b"x", path_in_repo=path, repo_id=REPO)
    with pytest.raises(ValueError, match="Invalid `path_in_repo`"):
        offline.delete_file("../x", repo_id=REPO)
    with pytest.raises(ValueError, match="`commit_message` can't be empty"):
        offline.create_commit(REPO, [CommitOperationAdd("a", b"x")], commit_message="")
    with pytest.raises(ValueError, match="Invalid repo type"):
        offline.upload_file(path_or_fileobj=b"x", path_in_repo="a", repo_id=REPO, repo_type="kernel")
    with pytest.raises(ValueError, match="is not a directory"):
        offline.upload_folder(folder_path=tmp_path / "missing", repo_id=REPO)
    with pytest.raises(ValueError, match="Cannot use `create_pr=True` with `revision='dev'`"):
        offline.upload_folder(folder_path=tmp_path, repo_id=REPO, create_pr=True, revision="dev")


def test_read_token_and_missing_repo(api: HfApi, local_hub) -> None:
    read_token = local_hub.create_user("alice", role="read")
    with pytest.raises(HfHubHTTPError, match="You have read access but not the required permissions") as error:
        api.upload_file(path_or_fileobj=b"x", path_in_repo="a.txt", repo_id=REPO, token=read_token)
    assert error.value.response is not None and error.value.response.status_code == 403
    with pytest.raises(RepositoryNotFoundError, match="Creating a commit assumes that the repo already exists"):
        api.upload_file(path_or_fileobj=b"x", path_in_repo="a.txt", repo_id="alice/missing")


def test_reused_operation_and_overwrite_warnings(api: HfApi) -> None:
    operation = CommitOperationAdd("a.txt", b"x")
    api.create_commit(REPO, [operation], commit_message="first")
    with pytest.raises(ValueError, match="has already being committed and cannot be reused"):
        api.create_commit(REPO, [operation], commit_message="again")
    with pytest.warns(UserWarning, match="About to update multiple times the same file"):
        api.create_commit(
            REPO, [CommitOperationAdd("b.txt", b"1"), CommitOperationAdd("b.txt", b"2")], commit_message="twice"
        )


def test_preupload_then_commit(api: HfApi, local_hub, alice_token) -> None:
    shards = [CommitOperationAdd(f"shard_{i}.bin", random_bytes(11 * 1024 * 1024, seed=i)) for i in range(2)]
    for shard in shards:
        api.preupload_lfs_files(REPO, additions=[shard])
        assert shard._is_uploaded and shard.path_or_fileobj == b""  # content released
    api.create_commit(REPO, shards, commit_message="shards")
    files = tree(local_hub.endpoint, alice_token, REPO)
    assert files["shard_1.bin"]["lfs"]["oid"] == hashlib.sha256(random_bytes(11 * 1024 * 1024, seed=1)).hexdigest()


def test_run_as_future_keeps_order(api: HfApi, local_hub, alice_token) -> None:
    futures = [
        api.upload_file(path_or_fileobj=str(i).encode(), path_in_repo="n.txt", repo_id=REPO, run_as_future=True)
        for i in range(3)
    ]
    assert all(isinstance(future, Future) for future in futures)
    results = [future.result(timeout=60) for future in futures]
    assert [commit["id"] for commit in commits(local_hub.endpoint, alice_token, REPO)[:3]] == [
        result.oid for result in reversed(results)
    ]
    assert read(local_hub.endpoint, alice_token, REPO, "n.txt") == b"2"
    assert api.run_as_future(lambda: 42).result() == 42


def test_dataset_repo_and_branch(api: HfApi, local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/data", repo_type="dataset")
    info = api.upload_file(path_or_fileobj=b"a,b\n", path_in_repo="d.csv", repo_id="alice/data", repo_type="dataset")
    assert info.commit_url.startswith(f"{local_hub.endpoint}/datasets/alice/data/commit/")
    assert info.repo_url.repo_type == "dataset"
    assert read(local_hub.endpoint, alice_token, "alice/data", "d.csv", repo_type="dataset") == b"a,b\n"


def test_create_pr(api: HfApi, local_hub, alice_token) -> None:
    info = api.upload_file(path_or_fileobj=b"proposal", path_in_repo="p.txt", repo_id=REPO, create_pr=True)
    assert info.pr_revision == "refs/pr/1" and info.pr_num == 1
    assert info.pr_url == f"{local_hub.endpoint}/{REPO}/discussions/1"
    assert read(local_hub.endpoint, alice_token, REPO, "p.txt", revision="refs/pr/1") == b"proposal"
    assert "p.txt" not in tree(local_hub.endpoint, alice_token, REPO)
