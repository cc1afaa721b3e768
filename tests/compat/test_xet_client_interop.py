"""Our Xet uploads and upstream 1.29 + hf_xet, both ways, on one local Hub.

- What this package uploads through Xet, upstream downloads through Xet (its plain HTTP download is disabled, so only
  the reconstruction path can succeed), byte for byte.
- What upstream uploads through hf_xet, this package downloads, byte for byte.
"""

import hashlib
import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from huggingface_hub import HfApi, _commit_api, hf_hub_download, snapshot_download
from huggingface_hub.local_hub import LocalHub
from tests.e2e._seed import random_bytes
from tools.compat.upstream_env import isolated_env

pytestmark = pytest.mark.compat

UPSTREAM_XET_DOWNLOAD = textwrap.dedent(
    """
    import hashlib, json, sys
    import huggingface_hub.file_download as file_download
    from huggingface_hub import hf_hub_download

    def no_plain_download(*args, **kwargs):
        raise RuntimeError("plain HTTP download attempted for a Xet file")

    file_download.http_get = no_plain_download
    repo, cache, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    print(json.dumps({p: hashlib.sha256(open(hf_hub_download(repo, p, cache_dir=cache), "rb").read()).hexdigest() for p in paths}))
    """
)

UPSTREAM_XET_UPLOAD = textwrap.dedent(
    """
    import json, sys
    from huggingface_hub import HfApi
    api = HfApi()
    api.create_repo(sys.argv[1])
    api.upload_folder(folder_path=sys.argv[2], repo_id=sys.argv[1])
    tree = {f.path: f.xet_hash for f in api.list_repo_tree(sys.argv[1], recursive=True) if hasattr(f, "size")}
    print(json.dumps(tree))
    """
)


def _env(hub: LocalHub, token: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in isolated_env().items() if not k.startswith(("HF_", "HUGGING_FACE_"))}
    env.update(
        HF_ENDPOINT=hub.endpoint,
        HF_TOKEN=token,
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        HF_HOME=str(tmp_path / "upstream-home"),
        HF_XET_CACHE=str(tmp_path / "upstream-xet"),
    )
    return env


def _run(python: Path, script: str, args: list[str], env: dict[str, str]) -> dict:
    proc = subprocess.run(
        [str(python), "-I", "-c", script, *args], capture_output=True, text=True, env=env, timeout=600, check=False
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _contents() -> dict[str, bytes]:
    big = random_bytes(70 * 1024 * 1024 + 11, seed=61)  # two xorbs
    floats = b"".join(int(i * 2654435761 % 65536).to_bytes(4, "little") for i in range(3_000_000))
    return {
        "big.bin": big,
        "sub/floats.bin": floats,  # compressible: byte-grouped and LZ4 chunks
        "sub/copy.bin": big[: 20 * 1024 * 1024],  # its chunks repeat those of big.bin
        "tiny.bin": random_bytes(2 * 1024 * 1024 + 1, seed=62),
    }


def test_our_xet_upload_downloads_with_hf_xet(upstream_python: Path, tmp_path: Path, monkeypatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the LFS batch API was used")

    monkeypatch.setattr(_commit_api, "post_lfs_batch_info", fail)
    contents = _contents()
    folder = tmp_path / "folder"
    for path, data in contents.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    with LocalHub(tmp_path / "hub-data") as hub:
        token = hub.create_user("alice")
        api = HfApi(endpoint=hub.endpoint, token=token)
        api.create_repo("alice/ours")
        api.upload_file(path_or_fileobj=folder / "big.bin", path_in_repo="big.bin", repo_id="alice/ours")
        api.upload_folder(folder_path=folder / "sub", path_in_repo="sub", repo_id="alice/ours")
        api.upload_file(path_or_fileobj=contents["tiny.bin"], path_in_repo="tiny.bin", repo_id="alice/ours")
        listed = {f.path: f for f in api.list_repo_tree("alice/ours", recursive=True) if hasattr(f, "size")}
        assert all(listed[path].xet_hash for path in contents)
        downloaded = _run(
            upstream_python,
            UPSTREAM_XET_DOWNLOAD,
            ["alice/ours", str(tmp_path / "upstream-cache"), *contents],
            _env(hub, token, tmp_path),
        )
    assert downloaded == {path: hashlib.sha256(data).hexdigest() for path, data in contents.items()}


def test_hf_xet_upload_downloads_with_ours(upstream_python: Path, tmp_path: Path) -> None:
    contents = _contents()
    folder = tmp_path / "folder"
    for path, data in contents.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    with LocalHub(tmp_path / "hub-data") as hub:
        token = hub.create_user("alice")
        xet_hashes = _run(
            upstream_python, UPSTREAM_XET_UPLOAD, ["alice/theirs", str(folder)], _env(hub, token, tmp_path)
        )
        assert all(xet_hashes[path] for path in contents)
        one = hf_hub_download("alice/theirs", "big.bin", endpoint=hub.endpoint, token=token)
        assert Path(one).read_bytes() == contents["big.bin"]
        snapshot = Path(snapshot_download("alice/theirs", endpoint=hub.endpoint, token=token))
    for path, data in contents.items():
        assert (snapshot / path).read_bytes() == data, path
    assert os.path.samefile(one, snapshot / "big.bin")
