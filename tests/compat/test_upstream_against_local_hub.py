"""The upstream client (huggingface_hub 1.29 from PyPI, in its own virtualenv) against our local Hub server.

The scenario runs in a subprocess of upstream's interpreter with ``HF_ENDPOINT`` pointing at a `LocalHub` started
here, and prints a JSON summary that the test checks. Skipped when upstream's virtualenv cannot be created (e.g.
no network to install it).
"""

import hashlib
import json
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from huggingface_hub.local_hub import LocalHub
from tools.compat.upstream_env import UPSTREAM_VERSION, isolated_env

pytestmark = pytest.mark.compat

# Hang guard for the scenario subprocess.
_TIMEOUT = 600
# Above the server's 10 MiB threshold, so the upload goes through the LFS batch API and a signed PUT.
_LFS_SIZE = 10 * 1024 * 1024 + 12345


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LocalHub]:
    with LocalHub(tmp_path / "hub-data") as hub:
        yield hub


SCENARIO = textwrap.dedent(
    """
    import hashlib, json, os, sys
    import huggingface_hub
    from huggingface_hub import HfApi, hf_hub_download, get_hf_file_metadata, hf_hub_url

    work = sys.argv[1]
    result = {"version": huggingface_hub.__version__}
    api = HfApi()
    result["whoami"] = api.whoami()["name"]
    result["repo_url"] = str(api.create_repo("alice/demo"))
    result["exist_ok_url"] = str(api.create_repo("alice/demo", exist_ok=True))

    small = b"hello from upstream\\n"
    info = api.upload_file(path_or_fileobj=small, path_in_repo="hello.txt", repo_id="alice/demo")
    result["small_commit"] = info.oid
    big_path = os.path.join(work, "big.bin")
    with open(big_path, "wb") as f:
        f.write(os.urandom(int(sys.argv[2])))
    big_sha = hashlib.sha256(open(big_path, "rb").read()).hexdigest()
    result["big_sha256"] = big_sha
    api.upload_file(path_or_fileobj=big_path, path_in_repo="weights/big.bin", repo_id="alice/demo")
    # Uploading the same content again is a no-op (the server reports the file as unchanged).
    again = api.upload_file(path_or_fileobj=big_path, path_in_repo="weights/big.bin", repo_id="alice/demo")
    result["noop_commit"] = again.oid

    result["files"] = sorted(api.list_repo_files("alice/demo"))
    entries = {e.path: e for e in api.get_paths_info("alice/demo", ["weights/big.bin"])}
    lfs = entries["weights/big.bin"].lfs
    result["tree_lfs"] = {"sha256": lfs.sha256, "size": lfs.size}

    meta = get_hf_file_metadata(hf_hub_url("alice/demo", "weights/big.bin"))
    result["metadata"] = {"etag": meta.etag, "size": meta.size, "commit": meta.commit_hash, "location": meta.location}
    local_small = hf_hub_download("alice/demo", "hello.txt")
    local_big = hf_hub_download("alice/demo", "weights/big.bin")
    result["small_ok"] = open(local_small, "rb").read() == small
    result["big_download_sha256"] = hashlib.sha256(open(local_big, "rb").read()).hexdigest()
    result["big_blob_name"] = os.path.basename(os.path.realpath(local_big))

    def error_of(call):
        try:
            call()
        except Exception as e:
            status = getattr(getattr(e, "response", None), "status_code", None)
            return [type(e).__name__, status]
        return None

    result["errors"] = {
        "missing_repo": error_of(lambda: hf_hub_download("alice/missing", "hello.txt")),
        "missing_file": error_of(lambda: hf_hub_download("alice/demo", "nope.txt")),
        "missing_revision": error_of(lambda: hf_hub_download("alice/demo", "hello.txt", revision="nope")),
        "missing_repo_info": error_of(lambda: api.repo_info("alice/missing")),
        "wrong_token": error_of(lambda: HfApi(token="hf_wrong").whoami()),
    }
    print(json.dumps(result))
    """
)


def test_upstream_scenario(upstream_python: Path, hub: LocalHub, tmp_path: Path) -> None:
    token = hub.create_user("alice")
    hf_home = tmp_path / "hf_home"
    work = tmp_path / "work"
    work.mkdir()
    env = isolated_env()
    for name in list(env):
        if name.startswith(("HF_", "HUGGING_FACE_")):
            del env[name]
    env.update(
        HF_ENDPOINT=hub.endpoint,
        HF_HUB_DISABLE_XET="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        HF_TOKEN=token,
        HF_HOME=str(hf_home),
    )
    proc = subprocess.run(
        [str(upstream_python), "-I", "-c", SCENARIO, str(work), str(_LFS_SIZE)],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
        timeout=_TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])

    assert result["version"] == UPSTREAM_VERSION
    assert result["whoami"] == "alice"
    assert result["repo_url"] == result["exist_ok_url"] == f"{hub.endpoint}/alice/demo"
    assert len(result["small_commit"]) == 40
    assert result["noop_commit"]  # no new commit, but a commit id all the same
    assert result["files"] == [".gitattributes", "hello.txt", "weights/big.bin"]

    big_sha = result["big_sha256"]
    assert result["tree_lfs"] == {"sha256": big_sha, "size": _LFS_SIZE}
    meta = result["metadata"]
    assert meta["etag"] == big_sha
    assert meta["size"] == _LFS_SIZE
    assert len(meta["commit"]) == 40
    # LFS content comes from a signed URL on the same server (the 302 of `resolve`).
    assert meta["location"].startswith(f"{hub.endpoint}/lfs-objects/download/{big_sha}?")
    assert result["small_ok"] is True
    assert result["big_download_sha256"] == big_sha
    assert result["big_blob_name"] == big_sha  # cached under the sha256, as for the real Hub

    # The blob the client uploaded is the one the server stores.
    stored = hub.data_dir / "blobs" / "sha256" / big_sha[:2] / big_sha[2:]
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == big_sha

    errors = result["errors"]
    assert errors["missing_repo"] == ["RepositoryNotFoundError", 404]
    assert errors["missing_file"] == ["RemoteEntryNotFoundError", 404]
    assert errors["missing_revision"] == ["RevisionNotFoundError", 404]
    assert errors["missing_repo_info"] == ["RepositoryNotFoundError", 404]
    assert errors["wrong_token"] == ["HfHubHTTPError", 401]
