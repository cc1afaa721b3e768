"""`hf download` against the local Hub, run as users run it: a subprocess with HF_ENDPOINT set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e._seed import commit, create_repo, random_bytes

CONFIG = b'{"model_type": "demo"}\n'
WEIGHTS = random_bytes(11 * 1024 * 1024, seed=3)  # large enough to be stored through LFS


@pytest.fixture
def hub_repo(local_hub, alice_token) -> str:
    create_repo(local_hub.endpoint, alice_token, "alice/demo")
    commit(
        local_hub.endpoint,
        alice_token,
        "alice/demo",
        files={"config.json": CONFIG, "docs/readme.txt": b"docs\n"},
        lfs={"model.bin": WEIGHTS},
    )
    return "alice/demo"


def hf(local_hub, token: str, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "HF_ENDPOINT": local_hub.endpoint,
        "HF_TOKEN": token,
        "HF_HOME": str(home),
        "HF_HUB_DISABLE_UPDATE_CHECK": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "NO_COLOR": "1",
    }
    env.pop("HF_HUB_CACHE", None)
    command = [sys.executable, "-m", "huggingface_hub.cli.hf", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def test_single_file_into_the_cache(local_hub, alice_token, hub_repo, tmp_path):
    result = hf(local_hub, alice_token, tmp_path / "home", "download", hub_repo, "config.json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "✓ Downloaded"
    path = Path(lines[1].removeprefix("  path: "))
    assert path.read_bytes() == CONFIG
    assert (tmp_path / "home" / "hub" / "models--alice--demo") in path.parents

    quiet = hf(local_hub, alice_token, tmp_path / "home", "download", hub_repo, "config.json", "-q")
    assert quiet.stdout.strip() == str(path)
    as_json = hf(local_hub, alice_token, tmp_path / "home", "download", hub_repo, "config.json", "--json")
    assert as_json.stdout.strip() == f'{{"path": "{path}"}}'


def test_snapshot_into_a_local_dir_and_a_folder_argument(local_hub, alice_token, hub_repo, tmp_path):
    target = tmp_path / "out"
    result = hf(local_hub, alice_token, tmp_path / "home", "download", hub_repo, "--local-dir", str(target), "-q")
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == target
    assert (target / "model.bin").read_bytes() == WEIGHTS
    assert (target / "docs" / "readme.txt").read_bytes() == b"docs\n"

    only_docs = tmp_path / "docs-only"
    result = hf(
        local_hub, alice_token, tmp_path / "home", "download", hub_repo, "docs/", "--local-dir", str(only_docs)
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in only_docs.iterdir() if p.name != ".cache") == ["docs"]


def test_dry_run_lists_what_would_be_downloaded(local_hub, alice_token, hub_repo, tmp_path):
    result = hf(local_hub, alice_token, tmp_path / "home", "download", hub_repo, "--dry-run", "--format", "agent")
    assert result.returncode == 0, result.stderr
    # .gitattributes comes with every new repo, as on the Hub.
    assert result.stdout.splitlines()[0] == "[dry-run] Will download 4 files (out of 4) totalling 11.5M."
    assert not (tmp_path / "home" / "hub" / "models--alice--demo" / "blobs").exists()


def test_bad_combinations_and_missing_repos_fail_with_clear_errors(local_hub, alice_token, hub_repo, tmp_path):
    both = hf(local_hub, alice_token, tmp_path, "download", hub_repo, "--local-dir", "a", "--cache-dir", "b")
    assert both.returncode == 1
    assert both.stderr.startswith("Error: Cannot use both `--local-dir` and `--cache-dir`")

    folder_and_include = hf(local_hub, alice_token, tmp_path, "download", hub_repo, "docs/", "--include", "*.txt")
    assert folder_and_include.returncode == 1
    assert "Cannot combine subfolder argument ('docs/') with `--include`" in folder_and_include.stderr

    missing = hf(local_hub, alice_token, tmp_path, "download", "alice/nope", "config.json")
    assert missing.returncode == 1
    # Upstream prints exactly this too: a resolve URL carries no repo id for the error to quote.
    assert missing.stderr.startswith("Error: Repository not found.\nIf the repo is private,")
