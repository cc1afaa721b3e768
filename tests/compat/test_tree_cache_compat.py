"""Tree listings (`trees/<commit>.json`) are shared with upstream 1.29 in both directions, byte for byte.

Upstream's `snapshot_download` writes, our `get_cached_repo_tree` reads (cache and `local_dir`), and the reverse;
both sides write the same bytes for the same commit.
"""

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from huggingface_hub import get_cached_repo_tree, snapshot_download
from huggingface_hub.local_hub import LocalHub
from tests.e2e._seed import commit, create_repo, random_bytes
from tools.compat.upstream_env import isolated_env

pytestmark = pytest.mark.compat

FILES = {"config.json": b'{"a": 1}', "nested/deep/café.txt": b"deep", "data.csv": b"x,y\n"}
BIG = random_bytes(2 * 1024 * 1024, seed=5)

# Runs in upstream's interpreter. Mode "download" downloads then lists; mode "read" only lists.
UPSTREAM_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from huggingface_hub import get_cached_repo_tree, snapshot_download
    mode, cache, local_dir, commit = sys.argv[1:5]
    if mode == "download":
        snapshot_download("alice/demo", cache_dir=cache)
        snapshot_download("alice/demo", local_dir=local_dir, cache_dir=cache)
    def listing(**kwargs):
        return [[f.path, f.size, f.blob_id, f.xet_hash, f.lfs] for f in get_cached_repo_tree("alice/demo", **kwargs)]
    print(json.dumps({
        "main": listing(cache_dir=cache),
        "commit": listing(cache_dir=cache, revision=commit),
        "local_dir": listing(cache_dir=cache, local_dir=local_dir),
    }))
    """
)


@pytest.fixture
def hub_repo(tmp_path: Path):
    with LocalHub(tmp_path / "hub-data") as hub:
        token = hub.create_user("alice")
        create_repo(hub.endpoint, token, "alice/demo")
        sha = commit(hub.endpoint, token, "alice/demo", files=FILES, lfs={"weights/model.bin": BIG})
        yield hub, token, sha


def run_upstream(python: Path, hub: LocalHub, token: str, tmp_path: Path, *args: str) -> dict:
    env = {k: v for k, v in isolated_env().items() if not k.startswith(("HF_", "HUGGING_FACE_"))}
    env.update(
        HF_ENDPOINT=hub.endpoint, HF_TOKEN=token, HF_HOME=str(tmp_path / "upstream-home"),
        HF_HUB_DISABLE_XET="1", HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_PROGRESS_BARS="1",
    )  # fmt: skip
    proc = subprocess.run(
        [str(python), "-I", "-c", UPSTREAM_SCRIPT, *args], capture_output=True, text=True, env=env, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ours(cache: Path, local_dir: Path, sha: str) -> dict:
    def listing(**kwargs: object) -> list:
        files = get_cached_repo_tree("alice/demo", **kwargs)  # type: ignore[arg-type]
        return [[f.path, f.size, f.blob_id, f.xet_hash, f.lfs] for f in files]

    return {
        "main": listing(cache_dir=cache),
        "commit": listing(cache_dir=cache, revision=sha),
        "local_dir": listing(cache_dir=cache, local_dir=local_dir),
    }


def tree_files(cache: Path, local_dir: Path, sha: str) -> list[bytes]:
    return [
        (cache / "models--alice--demo" / "trees" / f"{sha}.json").read_bytes(),
        (local_dir / ".cache" / "huggingface" / "trees" / f"{sha}.json").read_bytes(),
    ]


def test_we_read_the_trees_upstream_wrote(upstream_python: Path, hub_repo: tuple, tmp_path: Path) -> None:
    hub, token, sha = hub_repo
    cache, local_dir = tmp_path / "cache", tmp_path / "local"
    theirs = run_upstream(upstream_python, hub, token, tmp_path, "download", str(cache), str(local_dir), sha)
    assert len(theirs["main"]) == len(FILES) + 2  # .gitattributes and the LFS file
    assert ours(cache, local_dir, sha) == theirs

    # Our own download of the same commit writes the same bytes.
    cache2, local_dir2 = tmp_path / "cache2", tmp_path / "local2"
    kwargs = {"endpoint": hub.endpoint, "token": token}
    snapshot_download("alice/demo", cache_dir=cache2, **kwargs)
    snapshot_download("alice/demo", local_dir=local_dir2, cache_dir=cache2, **kwargs)
    assert tree_files(cache2, local_dir2, sha) == tree_files(cache, local_dir, sha)
    assert b'"lfs_sha256"' in tree_files(cache, local_dir, sha)[0]


def test_upstream_reads_the_trees_we_wrote(upstream_python: Path, hub_repo: tuple, tmp_path: Path) -> None:
    hub, token, sha = hub_repo
    cache, local_dir = tmp_path / "cache", tmp_path / "local"
    kwargs = {"endpoint": hub.endpoint, "token": token}
    snapshot_download("alice/demo", cache_dir=cache, **kwargs)
    snapshot_download("alice/demo", local_dir=local_dir, cache_dir=cache, **kwargs)
    before = {
        path: os.stat(path).st_mtime_ns for path in map(str, (cache / "models--alice--demo" / "trees").iterdir())
    }
    theirs = run_upstream(upstream_python, hub, token, tmp_path, "read", str(cache), str(local_dir), sha)
    assert theirs == ours(cache, local_dir, sha)
    assert sorted(path for path, *_ in theirs["main"]) == sorted([*FILES, ".gitattributes", "weights/model.bin"])
    after = {path: os.stat(path).st_mtime_ns for path in map(str, (cache / "models--alice--demo" / "trees").iterdir())}
    assert after == before  # read only
