"""`hf upload` against the local Hub, run as users run it: a subprocess with HF_ENDPOINT and HF_TOKEN set."""

import os
import subprocess
import sys
from pathlib import Path

from tests.e2e._repo_reads import commits, read, tree


def hf(local_hub, token: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "HF_ENDPOINT": local_hub.endpoint,
        "HF_TOKEN": token,
        "HF_HOME": str(cwd / ".hf-home"),
        "HF_HUB_DISABLE_UPDATE_CHECK": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "NO_COLOR": "1",
    }
    env.pop("HF_HUB_CACHE", None)
    command = [sys.executable, "-m", "huggingface_hub.cli.hf", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_file_to_a_new_repo(local_hub, alice_token, tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    result = hf(local_hub, alice_token, tmp_path, "upload", "alice/new-model", "model.safetensors")
    assert result.returncode == 0, result.stderr
    head = commits(local_hub.endpoint, alice_token, "alice/new-model")[0]
    assert result.stdout == f"✓ Uploaded\n  url: {local_hub.endpoint}/alice/new-model/commit/{head['id']}\n"
    assert head["title"] == "Upload model.safetensors with huggingface_hub"
    assert read(local_hub.endpoint, alice_token, "alice/new-model", "model.safetensors") == b"weights"

    # Again, into a folder of the repo, quietly: the repo exists already.
    quiet = hf(local_hub, alice_token, tmp_path, "upload", "alice/new-model", "model.safetensors", "ckpt/m.st", "-q")
    assert quiet.returncode == 0, quiet.stderr
    assert (
        quiet.stdout.strip()
        == f"{local_hub.endpoint}/alice/new-model/commit/"
        + commits(local_hub.endpoint, alice_token, "alice/new-model")[0]["id"]
    )
    assert "ckpt/m.st" in tree(local_hub.endpoint, alice_token, "alice/new-model")


def test_folder_with_patterns_deletions_branch_and_message(local_hub, alice_token, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "logs").mkdir(parents=True)
    (data / "train.csv").write_text("a,b\n")
    (data / "notes.md").write_text("notes")
    (data / "logs" / "1.log").write_text("log")
    first = hf(local_hub, alice_token, tmp_path, "upload", "alice/ds", "data", "train", "--repo-type", "dataset")
    assert first.returncode == 0, first.stderr
    assert sorted(tree(local_hub.endpoint, alice_token, "alice/ds", repo_type="dataset")) == [
        ".gitattributes",
        "train/logs/1.log",
        "train/notes.md",
        "train/train.csv",
    ]

    (data / "valid.csv").write_text("c,d\n")
    (data / "train.csv").write_text("a,b\n1,2\n")
    result = hf(
        local_hub, alice_token, tmp_path, "upload", "alice/ds", "data", "/train", "--type", "dataset",
        "--revision", "dev", "--include", "*.csv", "--exclude", "valid*", "--delete", "*.log",
        "--commit-message", "Epoch 34/50", "--commit-description", "Val accuracy: 68%",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    dev = tree(local_hub.endpoint, alice_token, "alice/ds", revision="dev", repo_type="dataset")
    # On the new branch `dev` only: train.csv replaced, valid.csv excluded, the logs below `train/` deleted.
    assert sorted(dev) == [".gitattributes", "train/notes.md", "train/train.csv"]
    assert read(local_hub.endpoint, alice_token, "alice/ds", "train/train.csv", "dev", "dataset") == b"a,b\n1,2\n"
    head = commits(local_hub.endpoint, alice_token, "alice/ds", revision="dev", repo_type="dataset")[0]
    assert head["title"] == "Epoch 34/50" and "Val accuracy: 68%" in head["message"]
    assert "train/logs/1.log" in tree(local_hub.endpoint, alice_token, "alice/ds", repo_type="dataset")


def test_local_path_defaults_and_errors(local_hub, alice_token, tmp_path: Path) -> None:
    (tmp_path / "my-model").mkdir()
    (tmp_path / "my-model" / "config.json").write_text("{}")
    result = hf(local_hub, alice_token, tmp_path, "upload", "my-model")  # the folder named like the repo
    assert result.returncode == 0, result.stderr
    assert "config.json" in tree(local_hub.endpoint, alice_token, "alice/my-model")

    missing = hf(local_hub, alice_token, tmp_path, "upload", "alice/other")
    assert missing.returncode == 1
    assert "'other' is not a local file or folder. Please set local_path explicitly." in missing.stderr

    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "c.json").write_text("{}")
    wildcard = hf(local_hub, alice_token, tmp_path, "upload", "alice/my-model", "*.txt")
    assert wildcard.returncode == 0, wildcard.stderr
    remote = tree(local_hub.endpoint, alice_token, "alice/my-model")
    assert "a.txt" in remote and "b.txt" in remote and "c.json" not in remote

    # An hf:// URI gives the type, the revision and the path in the repository.
    uri = hf(local_hub, alice_token, tmp_path, "upload", "hf://datasets/alice/ds/sub/a.txt", "a.txt")
    assert uri.returncode == 0, uri.stderr
    assert read(local_hub.endpoint, alice_token, "alice/ds", "sub/a.txt", repo_type="dataset") == b"a"
    twice = hf(local_hub, alice_token, tmp_path, "upload", "hf://datasets/alice/ds", "a.txt", "--revision", "dev")
    assert twice.returncode == 1 and "'--revision' cannot be used with an 'hf://' URI" in twice.stderr
    both = hf(local_hub, alice_token, tmp_path, "upload", "hf://datasets/alice/ds/sub", "a.txt", "x.txt")
    assert both.returncode == 1 and "Cannot combine a path in the hf:// URI ('sub')" in both.stderr


def test_read_token_is_refused(local_hub, alice_token, tmp_path: Path) -> None:
    read_token = local_hub.create_user("alice", role="read")
    hf(local_hub, alice_token, tmp_path, "upload", "alice/repo", ".", "--include", "nothing")  # creates the repo
    (tmp_path / "f.txt").write_text("x")
    result = hf(local_hub, read_token, tmp_path, "upload", "alice/repo", "f.txt")
    assert result.returncode == 1
    assert "403 Forbidden: You have read access but not the required permissions for this operation" in result.stderr
