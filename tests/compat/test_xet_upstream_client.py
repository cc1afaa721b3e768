"""Upstream huggingface_hub 1.29 with hf_xet (its own virtualenv) uploading to and downloading from our local Hub
through Xet: the token routes, the CAS (xorbs, shards, reconstructions, signed xorb fetches) and the Xet metadata of
resolve and tree listings.

Three upstream subprocesses share one LocalHub: an LFS upload with Xet disabled (a file from before Xet), the Xet
scenario (uploads, then downloads that can only succeed through Xet), and plain downloads with Xet disabled (the
server rebuilds the bytes from its xorbs, Range included). Skipped when upstream's virtualenv cannot be created.
"""

import hashlib
import json
import os
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from huggingface_hub.local_hub import LocalHub
from tools.compat.upstream_env import isolated_env

pytestmark = pytest.mark.compat

_TIMEOUT = 600

LFS_UPLOAD = textwrap.dedent(
    """
    import sys
    from huggingface_hub import HfApi
    api = HfApi()
    api.create_repo("alice/xet")
    api.upload_file(path_or_fileobj=sys.argv[1], path_in_repo="old/lfs.bin", repo_id="alice/xet")
    print("{}")
    """
)

XET_SCENARIO = textwrap.dedent(
    """
    import hashlib, json, os, sys
    import hf_xet
    import huggingface_hub.file_download as file_download
    from huggingface_hub import HfApi, hf_hub_download
    from huggingface_hub.utils import build_hf_headers
    from huggingface_hub.utils._xet import XetTokenType, _fetch_xet_connection_info_with_url, xet_connection_info_refresh_url

    big, folder, work = sys.argv[1], sys.argv[2], sys.argv[3]
    api = HfApi()
    result = {"xet_available": file_download.is_xet_available()}
    result["upload_commit"] = api.upload_file(path_or_fileobj=big, path_in_repo="big.bin", repo_id="alice/xet").oid
    result["folder_commit"] = api.upload_folder(folder_path=folder, path_in_repo="data", repo_id="alice/xet").oid
    tree = {f.path: f for f in api.list_repo_tree("alice/xet", recursive=True) if hasattr(f, "size")}
    result["tree"] = {
        p: {"xet_hash": f.xet_hash, "sha256": f.lfs.sha256 if f.lfs else None, "size": f.size} for p, f in tree.items()
    }
    paths = api.get_paths_info("alice/xet", ["big.bin"])
    result["paths_info_xet_hash"] = paths[0].xet_hash

    def sha_of(path):
        return hashlib.sha256(open(path, "rb").read()).hexdigest()

    # Xet files can only come through Xet here: the plain HTTP download is disabled.
    def no_plain_download(*args, **kwargs):
        raise RuntimeError("plain HTTP download attempted for a Xet file")

    plain_get = file_download.http_get
    file_download.http_get = no_plain_download
    cache = os.path.join(work, "cache-xet")
    result["xet_downloads"] = {
        p: sha_of(hf_hub_download("alice/xet", p, cache_dir=cache)) for p in ["big.bin", "data/a.bin", "data/b.bin"]
    }
    file_download.http_get = plain_get
    result["old_lfs_download"] = sha_of(hf_hub_download("alice/xet", "old/lfs.bin", cache_dir=cache))

    def error_of(call):
        try:
            call()
        except Exception as e:
            return [type(e).__name__, getattr(getattr(e, "response", None), "status_code", None)]
        return None

    url = xet_connection_info_refresh_url(token_type=XetTokenType.WRITE, repo_id="alice/xet", repo_type="model", revision="main")
    read_url = xet_connection_info_refresh_url(token_type=XetTokenType.READ, repo_id="alice/xet", repo_type="model", revision="main")
    result["write_token_anonymous"] = error_of(
        lambda: _fetch_xet_connection_info_with_url(url, build_hf_headers(token=False))
    )
    result["write_token_read_only"] = error_of(
        lambda: _fetch_xet_connection_info_with_url(url, build_hf_headers(token=os.environ["READ_TOKEN"]))
    )
    info = _fetch_xet_connection_info_with_url(read_url, build_hf_headers(token=os.environ["READ_TOKEN"]))
    result["read_token_endpoint"] = info.endpoint
    print(json.dumps(result))
    """
)

PLAIN_SCENARIO = textwrap.dedent(
    """
    import hashlib, json, os, sys
    from huggingface_hub import hf_hub_download, hf_hub_url, get_hf_file_metadata
    from huggingface_hub.utils import get_session, build_hf_headers

    work = sys.argv[1]
    cache = os.path.join(work, "cache-plain")
    result = {}
    for p in ["big.bin", "data/a.bin", "old/lfs.bin"]:
        result[p] = hashlib.sha256(open(hf_hub_download("alice/xet", p, cache_dir=cache), "rb").read()).hexdigest()
    meta = get_hf_file_metadata(hf_hub_url("alice/xet", "big.bin"))
    result["metadata"] = {"etag": meta.etag, "size": meta.size, "xet_hash": meta.xet_file_data.file_hash if meta.xet_file_data else None}
    resp = get_session().get(
        hf_hub_url("alice/xet", "big.bin"), headers={**build_hf_headers(), "Range": "bytes=1000000-1065535"}, follow_redirects=True
    )
    result["range"] = {"status": resp.status_code, "sha256": hashlib.sha256(resp.content).hexdigest(), "len": len(resp.content)}
    print(json.dumps(result))
    """
)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LocalHub]:
    with LocalHub(tmp_path / "hub-data") as hub:
        yield hub


def _run(upstream_python: Path, script: str, args: list[str], env: dict[str, str], cwd: Path) -> dict:
    proc = subprocess.run(
        [str(upstream_python), "-I", "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=_TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_upstream_uploads_and_downloads_through_xet(upstream_python: Path, hub: LocalHub, tmp_path: Path) -> None:
    token = hub.create_user("alice")
    read_token = hub.create_user("alice", role="read")
    work = tmp_path / "work"
    folder = work / "folder"
    folder.mkdir(parents=True)
    big = os.urandom(3 * 1024 * 1024 + 4321)
    a = os.urandom(2 * 1024 * 1024 + 7)
    # Compressible content: its chunks are stored LZ4-compressed in the xorbs.
    b = b"".join(i.to_bytes(4, "little") for i in range(400_000))
    old = os.urandom(1024 * 1024 + 3)
    (work / "big.bin").write_bytes(big)
    (work / "old.bin").write_bytes(old)
    (folder / "a.bin").write_bytes(a)
    (folder / "b.bin").write_bytes(b)
    (folder / "notes.txt").write_text("small regular file\n")

    env = isolated_env()
    for name in list(env):
        if name.startswith(("HF_", "HUGGING_FACE_")):
            del env[name]
    env.update(
        HF_ENDPOINT=hub.endpoint,
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        HF_TOKEN=token,
        READ_TOKEN=read_token,
        HF_HOME=str(tmp_path / "hf_home"),
        HF_XET_CACHE=str(tmp_path / "xet_cache"),
    )
    plain_env = {**env, "HF_HUB_DISABLE_XET": "1"}

    _run(upstream_python, LFS_UPLOAD, [str(work / "old.bin")], plain_env, work)
    result = _run(upstream_python, XET_SCENARIO, [str(work / "big.bin"), str(folder), str(work)], env, work)

    assert result["xet_available"] is True
    tree = result["tree"]
    for path, data in [("big.bin", big), ("data/a.bin", a), ("data/b.bin", b)]:
        assert tree[path]["sha256"] == _sha(data)
        assert tree[path]["size"] == len(data)
        assert tree[path]["xet_hash"] is not None and len(tree[path]["xet_hash"]) == 64
    # Uploaded before, through LFS: no Xet hash. Regular files have none either.
    assert tree["old/lfs.bin"]["xet_hash"] is None
    assert tree["data/notes.txt"]["xet_hash"] is None and tree["data/notes.txt"]["sha256"] is None
    assert result["paths_info_xet_hash"] == tree["big.bin"]["xet_hash"]
    assert result["xet_downloads"] == {"big.bin": _sha(big), "data/a.bin": _sha(a), "data/b.bin": _sha(b)}
    assert result["old_lfs_download"] == _sha(old)
    assert result["write_token_anonymous"] == ["RepositoryNotFoundError", 401]
    assert result["write_token_read_only"] == ["HfHubHTTPError", 403]
    assert result["read_token_endpoint"] == f"{hub.endpoint}/cas"

    plain = _run(upstream_python, PLAIN_SCENARIO, [str(work)], plain_env, work)
    assert plain["big.bin"] == _sha(big)
    assert plain["data/a.bin"] == _sha(a)
    assert plain["old/lfs.bin"] == _sha(old)
    assert plain["metadata"] == {"etag": _sha(big), "size": len(big), "xet_hash": tree["big.bin"]["xet_hash"]}
    assert plain["range"] == {"status": 206, "sha256": _sha(big[1_000_000:1_065_536]), "len": 65536}
