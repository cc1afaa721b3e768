"""A cache written by upstream 1.29's own downloader (from our local Hub) scans the same with ours and theirs,
and stays clean for upstream after our `hf cache rm`.

The hand-built caches of test_cache_scan_compat.py cover corruption cases; this one is what real use produces:
several revisions, refs, LFS blobs shared between revisions, `.no_exist` entries and `trees/` caches.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests._cache_trees import dump_scan
from tests.compat.test_cache_scan_compat import assert_same_scan, run_cli
from tests.e2e._seed import commit, create_repo, random_bytes

pytestmark = pytest.mark.compat

WEIGHTS = random_bytes(11 * 1024 * 1024, seed=5)


def upstream_download(python: Path, endpoint: str, token: str, cache: Path, script: str) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "HF_"))}
    env.update(
        HF_ENDPOINT=endpoint,
        HF_TOKEN=token,
        HF_HOME=str(cache.parent / "home"),
        HF_HUB_DISABLE_XET="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
    )
    code = "import sys\nfrom huggingface_hub import hf_hub_download, snapshot_download\ncache = sys.argv[1]\n"
    subprocess.run(
        [str(python), "-I", "-c", code + textwrap.dedent(script), str(cache)], env=env, check=True, timeout=300
    )


def test_cache_downloaded_by_upstream_scans_alike_and_survives_our_rm(
    tmp_path: Path, upstream_python: Path, local_hub, alice_token
) -> None:
    endpoint = local_hub.endpoint
    create_repo(endpoint, alice_token, "alice/model")
    first = commit(
        endpoint, alice_token, "alice/model", files={"config.json": b"{}", "a/b.txt": b"b"}, lfs={"w.bin": WEIGHTS}
    )
    second = commit(endpoint, alice_token, "alice/model", files={"config.json": b'{"v": 2}'})
    create_repo(endpoint, alice_token, "alice/data", repo_type="dataset")
    commit(endpoint, alice_token, "alice/data", files={"train.csv": b"x,y\n1,2\n"}, repo_type="dataset")

    cache = tmp_path / "hub"
    upstream_download(
        upstream_python,
        endpoint,
        alice_token,
        cache,
        f"""
        snapshot_download("alice/model", cache_dir=cache)
        snapshot_download("alice/model", revision="{first}", cache_dir=cache)
        hf_hub_download("alice/data", "train.csv", repo_type="dataset", cache_dir=cache)
        try:
            hf_hub_download("alice/model", "missing.txt", cache_dir=cache)
        except Exception:
            pass
        """,
    )
    assert (cache / "models--alice--model" / ".no_exist" / second / "missing.txt").exists()

    theirs = dump_scan(upstream_python, cache)
    ours = dump_scan(sys.executable, cache)
    assert theirs["warnings"] == [] and len(theirs["repos"]) == 2
    assert_same_scan(ours, theirs)

    code, out, err = run_cli(sys.executable, "cache", "rm", first, "-y", "--cache-dir", str(cache))
    assert code == 0, (out, err)
    after = dump_scan(upstream_python, cache)
    assert after["warnings"] == []
    model = next(repo for repo in after["repos"] if repo["repo_id"] == "alice/model")
    assert [revision["commit_hash"] for revision in model["revisions"]] == [second]
    assert_same_scan(dump_scan(sys.executable, cache), after)
