"""CommitScheduler and `hf upload --every` against the local Hub."""

import os
import signal
import subprocess
import sys
import time
from io import SEEK_END
from pathlib import Path

import pytest

from huggingface_hub import CommitScheduler, HfApi
from huggingface_hub._commit_scheduler import PartialFileIO
from tests.e2e._repo_reads import commits, read, tree
from tests.e2e._seed import random_bytes


def test_pushes_changed_files_only(local_hub, alice_token, tmp_path: Path) -> None:
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    folder = tmp_path / "watched"  # created by the scheduler
    with CommitScheduler(
        repo_id="alice/results",
        repo_type="dataset",
        folder_path=folder,
        path_in_repo="runs",
        every=60,  # only the initial push and the ones triggered here
        ignore_patterns="*.tmp",
        hf_api=api,
    ) as scheduler:
        assert scheduler.repo_id == "alice/results"
        assert scheduler.trigger().result(timeout=60) is None  # queued after the push made at start: empty folder
        (folder / "metrics.csv").write_text("step,loss\n1,0.5\n")
        (folder / "scratch.tmp").write_text("ignored")
        (folder / "big.bin").write_bytes(random_bytes(11 * 1024 * 1024, seed=41))  # through LFS, as a file object
        first = scheduler.trigger().result(timeout=60)
        assert first is not None and first.commit_message == "Scheduled Commit"
        assert scheduler.trigger().result(timeout=60) is None  # nothing changed

        with (folder / "metrics.csv").open("a") as f:
            f.write("2,0.4\n")
        second = scheduler.trigger().result(timeout=60)
        assert second is not None and second.oid != first.oid

    files = tree(local_hub.endpoint, alice_token, "alice/results", repo_type="dataset")
    assert sorted(files) == [".gitattributes", "runs/big.bin", "runs/metrics.csv"]
    assert "lfs" in files["runs/big.bin"]
    csv = read(local_hub.endpoint, alice_token, "alice/results", "runs/metrics.csv", repo_type="dataset")
    assert csv == b"step,loss\n1,0.5\n2,0.4\n"
    titles = [c["title"] for c in commits(local_hub.endpoint, alice_token, "alice/results", repo_type="dataset")]
    assert titles[:2] == ["Scheduled Commit", "Scheduled Commit"]
    assert scheduler.trigger().result(timeout=60) is None  # stopped when leaving the context


def test_partial_file_io_reads_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    path.write_bytes(b"0123456789")
    partial = PartialFileIO(path, size_limit=6)
    with path.open("ab") as f:
        f.write(b"appended")  # written after the listing: not part of this push
    assert len(partial) == 6
    assert partial.read(4) == b"0123"
    assert partial.read() == b"45"
    assert partial.seek(0, SEEK_END) == 6
    assert partial.seek(100) == 6
    partial.seek(0)
    assert partial.read() == b"012345"
    assert PartialFileIO(path, size_limit=1000).read() == b"0123456789appended"
    with pytest.raises(NotImplementedError, match="PartialFileIO does not support 'readline'"):
        partial.readline()
    with pytest.raises(AttributeError):
        partial.fileno()


def test_scheduler_refuses_bad_arguments(local_hub, alice_token, tmp_path: Path) -> None:
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ValueError, match="'folder_path' must be a directory, not a file"):
        CommitScheduler(repo_id="alice/x", folder_path=tmp_path / "file.txt", hf_api=api)
    with pytest.raises(ValueError, match="'every' must be a positive integer, not '0'"):
        CommitScheduler(repo_id="alice/x", folder_path=tmp_path / "f", every=0, hf_api=api)


def test_cli_every_until_interrupted(local_hub, alice_token, tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "train.log").write_text("epoch 1\n")
    env = {
        **os.environ,
        "HF_ENDPOINT": local_hub.endpoint,
        "HF_TOKEN": alice_token,
        "HF_HOME": str(tmp_path / ".hf-home"),
        "HF_HUB_DISABLE_UPDATE_CHECK": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "NO_COLOR": "1",
    }
    command = [sys.executable, "-m", "huggingface_hub.cli.hf", "upload", "alice/live", "logs", "--every", "10"]
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the first push happens as soon as the scheduler starts
            try:
                if "train.log" in tree(local_hub.endpoint, alice_token, "alice/live"):
                    break
            except AssertionError:
                pass  # the repository is not created yet
            time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert (
        stdout
        == "Scheduling commits every 10.0 minutes to alice/live.\n✓ Uploaded\n  url: Stopped scheduled commits.\n"
    )
    assert commits(local_hub.endpoint, alice_token, "alice/live")[0]["title"] == "Scheduled Commit"
    assert read(local_hub.endpoint, alice_token, "alice/live", "train.log") == b"epoch 1\n"
