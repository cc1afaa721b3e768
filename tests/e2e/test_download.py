"""hf_hub_download, snapshot_download, local_dir and offline mode against the local Hub."""

import hashlib
import json
import os
from pathlib import Path

import pytest
import requests

from huggingface_hub import (
    _CACHED_NO_EXIST,
    DryRunFileInfo,
    HfApi,
    _transfer,
    constants,
    hf_hub_download,
    snapshot_download,
    try_to_load_from_cache,
)
from huggingface_hub.errors import (
    IncompleteSnapshotError,
    LocalEntryNotFoundError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.local_hub import LocalHub
from tests.e2e._seed import commit, create_repo, random_bytes

SMALL = b"hello world\n"
BIG = random_bytes(12 * 1024 * 1024 + 3, seed=1)
BIG_SHA = hashlib.sha256(BIG).hexdigest()
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by huggingface_hub.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)


def git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@pytest.fixture
def repo(local_hub: LocalHub, alice_token: str) -> dict:
    create_repo(local_hub.endpoint, alice_token, "alice/demo")
    sha = commit(
        local_hub.endpoint, alice_token, "alice/demo",
        files={"config.json": SMALL, "sub/dir/notes.txt": b"notes", "data/a.json": b"{}", "data/b.csv": b"x,y"},
        lfs={"weights/model.bin": BIG},
    )  # fmt: skip
    return {"endpoint": local_hub.endpoint, "token": alice_token, "commit": sha}


def test_cache_layout_is_upstreams(repo: dict, tmp_path: Path) -> None:
    kwargs = {"cache_dir": tmp_path, "endpoint": repo["endpoint"], "token": repo["token"]}
    small = hf_hub_download("alice/demo", "config.json", **kwargs)
    big = hf_hub_download("alice/demo", "weights/model.bin", **kwargs)
    nested = hf_hub_download("alice/demo", "notes.txt", subfolder="sub/dir", **kwargs)
    folder = tmp_path / "models--alice--demo"
    snapshot = folder / "snapshots" / repo["commit"]
    assert small == str(snapshot / "config.json")
    assert os.readlink(small) == f"../../blobs/{git_sha1(SMALL)}"
    assert os.readlink(big) == f"../../../blobs/{BIG_SHA}"
    assert os.readlink(nested) == f"../../../../blobs/{git_sha1(b'notes')}"
    assert Path(big).read_bytes() == BIG
    assert (folder / "refs" / "main").read_bytes() == repo["commit"].encode()  # no newline
    assert (tmp_path / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG
    assert sorted(os.listdir(folder / "blobs")) == sorted([git_sha1(SMALL), BIG_SHA, git_sha1(b"notes")])
    assert (tmp_path / ".locks" / "models--alice--demo" / f"{BIG_SHA}.lock").exists()


def test_cached_file_needs_no_download(repo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kwargs = {"cache_dir": tmp_path, "endpoint": repo["endpoint"], "token": repo["token"]}
    first = hf_hub_download("alice/demo", "weights/model.bin", **kwargs)

    def no_download(*args: object, **kw: object) -> object:
        raise AssertionError("downloaded again")

    monkeypatch.setattr(_transfer, "run_downloads", no_download)
    import huggingface_hub.file_download as fd

    monkeypatch.setattr(fd, "run_downloads", no_download)
    assert hf_hub_download("alice/demo", "weights/model.bin", **kwargs) == first
    assert hf_hub_download("alice/demo", "weights/model.bin", revision=repo["commit"], **kwargs) == first
    info = hf_hub_download("alice/demo", "weights/model.bin", dry_run=True, **kwargs)
    assert info == DryRunFileInfo(
        commit_hash=repo["commit"], file_size=len(BIG), filename="weights/model.bin", local_path=first,
        is_cached=True, will_download=False,
    )  # fmt: skip


def test_force_download_replaces_the_blob(repo: dict, tmp_path: Path) -> None:
    kwargs = {"cache_dir": tmp_path, "endpoint": repo["endpoint"], "token": repo["token"]}
    path = hf_hub_download("alice/demo", "config.json", **kwargs)
    blob = Path(path).resolve()
    blob.write_bytes(b"corrupted")
    assert Path(hf_hub_download("alice/demo", "config.json", force_download=True, **kwargs)).read_bytes() == SMALL


def test_errors_and_no_exist(repo: dict, tmp_path: Path) -> None:
    kwargs = {"cache_dir": tmp_path, "endpoint": repo["endpoint"], "token": repo["token"]}
    with pytest.raises(RemoteEntryNotFoundError):
        hf_hub_download("alice/demo", "missing.txt", **kwargs)
    assert (tmp_path / "models--alice--demo" / ".no_exist" / repo["commit"] / "missing.txt").is_file()
    assert try_to_load_from_cache("alice/demo", "missing.txt", cache_dir=tmp_path) is _CACHED_NO_EXIST
    assert try_to_load_from_cache("alice/demo", "config.json", cache_dir=tmp_path) is None
    path = hf_hub_download("alice/demo", "config.json", **kwargs)
    assert try_to_load_from_cache("alice/demo", "config.json", cache_dir=tmp_path) == path
    assert try_to_load_from_cache("alice/demo", "config.json", cache_dir=tmp_path, revision=repo["commit"]) == path
    assert try_to_load_from_cache("alice/other", "config.json", cache_dir=tmp_path) is None
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download("alice/demo", "config.json", revision="nope", **kwargs)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download("alice/missing", "config.json", **kwargs)


def test_local_dir_layout_and_metadata(repo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    local_dir = tmp_path / "out"
    kwargs = {
        "local_dir": local_dir,
        "cache_dir": tmp_path / "cache",
        "endpoint": repo["endpoint"],
        "token": repo["token"],
    }
    big = hf_hub_download("alice/demo", "weights/model.bin", **kwargs)
    assert big == str(local_dir.resolve() / "weights" / "model.bin")
    assert not os.path.islink(big) and Path(big).read_bytes() == BIG
    hf_dir = local_dir / ".cache" / "huggingface"
    assert (hf_dir / ".gitignore").read_bytes() == b"*"
    assert (hf_dir / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG
    lines = (hf_dir / "download" / "weights" / "model.bin.metadata").read_text().split("\n")
    assert lines[:2] == [repo["commit"], BIG_SHA] and lines[3] == "" and len(lines) == 4
    float(lines[2])
    assert not list((hf_dir / "download").rglob("*.incomplete"))
    # Up to date: metadata matches, no new download.
    import huggingface_hub._local_dir_download as ldd

    monkeypatch.setattr(ldd, "_download_one", lambda *a, **k: (_ for _ in ()).throw(AssertionError("downloaded")))
    assert hf_hub_download("alice/demo", "weights/model.bin", **kwargs) == big
    # Without metadata, an LFS file is recognised by its sha256.
    (hf_dir / "download" / "weights" / "model.bin.metadata").unlink()
    assert hf_hub_download("alice/demo", "weights/model.bin", **kwargs) == big


def test_snapshot_download_with_patterns_and_tree_cache(
    repo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kwargs = {"cache_dir": tmp_path, "endpoint": repo["endpoint"], "token": repo["token"]}
    heads: list[str] = []
    original = requests.Session.request

    def counting(self: requests.Session, method: str, url: str, *a: object, **k: object) -> requests.Response:
        if method == "HEAD":
            heads.append(url)
        return original(self, method, url, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(requests.Session, "request", counting)
    folder = snapshot_download("alice/demo", allow_patterns=["data/", "*.bin"], ignore_patterns="*.csv", **kwargs)
    snapshot = Path(folder)
    assert snapshot == tmp_path / "models--alice--demo" / "snapshots" / repo["commit"]
    files = sorted(str(p.relative_to(snapshot)) for p in snapshot.rglob("*") if not p.is_dir())
    assert files == ["data/a.json", "weights/model.bin"]
    assert heads == []  # sizes and hashes come from the tree listing
    tree = (tmp_path / "models--alice--demo" / "trees" / f"{repo['commit']}.json").read_text()
    data = json.loads(tree)
    assert data["format_version"] == 1 and list(data["files"]) == sorted(data["files"])
    assert data["files"]["weights/model.bin"]["lfs_sha256"] == BIG_SHA
    assert not tree.endswith("\n") and tree.startswith('{\n "format_version": 1')

    dry = snapshot_download("alice/demo", dry_run=True, **kwargs)
    assert {info.filename: info.will_download for info in dry if info.filename != ".gitattributes"} == {
        "config.json": True, "data/a.json": False, "data/b.csv": True, "sub/dir/notes.txt": True,
        "weights/model.bin": False,
    }  # fmt: skip

    # Offline: the snapshot is known incomplete through the cached tree.
    with pytest.raises(IncompleteSnapshotError) as error:
        snapshot_download("alice/demo", local_files_only=True, **kwargs)
    assert error.value.snapshot_path == folder
    assert snapshot_download("alice/demo", local_files_only=True, allow_patterns="data/*.json", **kwargs) == folder


def test_snapshot_download_to_local_dir(repo: dict, tmp_path: Path) -> None:
    local_dir = tmp_path / "out"
    api = HfApi(endpoint=repo["endpoint"], token=repo["token"])
    result = api.snapshot_download("alice/demo", local_dir=local_dir, cache_dir=tmp_path / "cache")
    assert result == os.path.realpath(local_dir)
    assert (local_dir / "weights" / "model.bin").read_bytes() == BIG
    assert (local_dir / "sub" / "dir" / "notes.txt").read_bytes() == b"notes"
    metadata = local_dir / ".cache" / "huggingface" / "download" / "config.json.metadata"
    assert metadata.read_text().split("\n")[:2] == [repo["commit"], git_sha1(SMALL)]
    assert (local_dir / ".cache" / "huggingface" / "trees" / f"{repo['commit']}.json").exists()
    # refs go to the main cache even with local_dir, like upstream.
    assert (tmp_path / "cache" / "models--alice--demo" / "refs" / "main").read_text() == repo["commit"]


@pytest.mark.parametrize("cached", [True, False])
def test_offline_mode(repo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool) -> None:
    kwargs = {"cache_dir": tmp_path, "endpoint": repo["endpoint"], "token": repo["token"]}
    if cached:
        path = hf_hub_download("alice/demo", "config.json", **kwargs)
        folder = snapshot_download("alice/demo", **kwargs)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    if cached:
        assert hf_hub_download("alice/demo", "config.json", **kwargs) == path
        assert snapshot_download("alice/demo", **kwargs) == folder
    else:
        with pytest.raises(LocalEntryNotFoundError, match="An error happened while trying to locate the file"):
            hf_hub_download("alice/demo", "config.json", **kwargs)
        with pytest.raises(LocalEntryNotFoundError, match="HF_HUB_OFFLINE=0"):
            snapshot_download("alice/demo", **kwargs)


@pytest.mark.parametrize("cached", [True, False])
def test_unreachable_endpoint(repo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool) -> None:
    kwargs = {"cache_dir": tmp_path, "token": repo["token"]}
    if cached:
        path = hf_hub_download("alice/demo", "config.json", endpoint=repo["endpoint"], **kwargs)
        folder = snapshot_download("alice/demo", endpoint=repo["endpoint"], **kwargs)
    monkeypatch.setattr("huggingface_hub.utils._http.time.sleep", lambda seconds: None)  # no backoff waits
    dead = "http://127.0.0.1:9"
    if cached:
        assert hf_hub_download("alice/demo", "config.json", endpoint=dead, **kwargs) == path
        assert snapshot_download("alice/demo", endpoint=dead, **kwargs) == folder
    else:
        with pytest.raises(LocalEntryNotFoundError):
            hf_hub_download("alice/demo", "config.json", endpoint=dead, **kwargs)
        with pytest.raises(LocalEntryNotFoundError, match="Got: ConnectionError"):
            snapshot_download("alice/demo", endpoint=dead, **kwargs)
        with pytest.raises(LocalEntryNotFoundError, match="outgoing traffic has been disabled"):
            hf_hub_download("alice/demo", "config.json", endpoint=dead, local_files_only=True, **kwargs)
