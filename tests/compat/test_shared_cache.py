"""Upstream huggingface_hub 1.29 and this package share one cache and one local_dir, in both directions.

Each side downloads from the local Hub; the other side then finds everything in place: its dry run says
nothing would be downloaded, and offline calls return the same paths with the same bytes.
"""

import hashlib
import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from huggingface_hub import constants, hf_hub_download, snapshot_download
from huggingface_hub.local_hub import LocalHub
from tests.e2e._seed import commit, create_repo, random_bytes
from tools.compat.upstream_env import isolated_env

pytestmark = pytest.mark.compat

BIG = random_bytes(11 * 1024 * 1024, seed=3)
FILES = {"config.json": b'{"a": 1}', "nested/deep/file.txt": b"deep", "data.csv": b"x,y\n1,2\n"}
ALL = sorted([*FILES, "weights/model.bin", ".gitattributes"])

# Runs in upstream's interpreter: downloads (mode "download") or checks what is there (mode "check").
UPSTREAM_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from huggingface_hub import hf_hub_download, snapshot_download
    mode, cache, local_dir, files = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    out = {}
    if mode == "download":
        out["single"] = hf_hub_download("alice/demo", "weights/model.bin", cache_dir=cache)
        out["snapshot"] = snapshot_download("alice/demo", cache_dir=cache)
        out["local_dir"] = snapshot_download("alice/demo", local_dir=local_dir, cache_dir=cache + "-unused")
    else:
        out["cache_dry"] = {f: hf_hub_download("alice/demo", f, cache_dir=cache, dry_run=True).will_download for f in files}
        out["local_dry"] = {f: hf_hub_download("alice/demo", f, local_dir=local_dir, dry_run=True).will_download for f in files}
        out["offline_paths"] = {f: hf_hub_download("alice/demo", f, cache_dir=cache, local_files_only=True) for f in files}
        out["offline_snapshot"] = snapshot_download("alice/demo", cache_dir=cache, local_files_only=True)
    print(json.dumps(out))
    """
)


@pytest.fixture
def hub_repo(tmp_path: Path) -> tuple[LocalHub, str, str]:
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


def test_upstream_reads_what_we_wrote(upstream_python: Path, hub_repo: tuple, tmp_path: Path) -> None:
    hub, token, sha = hub_repo
    cache, local_dir = tmp_path / "cache", tmp_path / "local"
    kwargs = {"endpoint": hub.endpoint, "token": token}
    ours = hf_hub_download("alice/demo", "weights/model.bin", cache_dir=cache, **kwargs)
    folder = snapshot_download("alice/demo", cache_dir=cache, **kwargs)
    snapshot_download("alice/demo", local_dir=local_dir, cache_dir=tmp_path / "unused", **kwargs)
    blobs_before = sorted(os.listdir(cache / "models--alice--demo" / "blobs"))

    result = run_upstream(upstream_python, hub, token, tmp_path, "check", str(cache), str(local_dir), json.dumps(ALL))
    assert result["cache_dry"] == {f: False for f in ALL}
    assert result["local_dry"] == {f: False for f in ALL}
    assert result["offline_paths"]["weights/model.bin"] == ours
    assert result["offline_snapshot"] == folder
    assert sorted(os.listdir(cache / "models--alice--demo" / "blobs")) == blobs_before


def test_we_read_what_upstream_wrote(
    upstream_python: Path, hub_repo: tuple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub, token, sha = hub_repo
    cache, local_dir = tmp_path / "cache", tmp_path / "local"
    written = run_upstream(upstream_python, hub, token, tmp_path, "download", str(cache), str(local_dir), "[]")
    kwargs = {"endpoint": hub.endpoint, "token": token}
    for name in ALL:
        assert hf_hub_download("alice/demo", name, cache_dir=cache, dry_run=True, **kwargs).will_download is False
        assert hf_hub_download("alice/demo", name, local_dir=local_dir, dry_run=True, **kwargs).will_download is False
    assert snapshot_download("alice/demo", cache_dir=cache, dry_run=True, **kwargs)
    assert not any(i.will_download for i in snapshot_download("alice/demo", cache_dir=cache, dry_run=True, **kwargs))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    path = hf_hub_download("alice/demo", "weights/model.bin", cache_dir=cache, **kwargs)
    assert path == written["single"]
    assert hashlib.sha256(Path(path).read_bytes()).digest() == hashlib.sha256(BIG).digest()
    assert snapshot_download("alice/demo", cache_dir=cache, **kwargs) == written["snapshot"]
    assert (local_dir / "weights" / "model.bin").read_bytes() == BIG
