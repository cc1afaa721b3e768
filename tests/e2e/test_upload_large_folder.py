"""upload_large_folder against the local Hub: many commits, resumable state on disk, resuming after SIGKILL."""

import hashlib
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from huggingface_hub import HfApi
from tests.e2e._repo_reads import commits, read, tree
from tests.e2e._seed import random_bytes

REPO = "alice/large"
MESSAGE = "Add files using upload-large-folder tool"
LFS_SIZE = 1536 * 1024  # binary and over 1 MiB: the local Hub stores it with LFS


def _make_folder(root: Path, nb_small: int, nb_lfs: int) -> dict[str, bytes]:
    """Small text files spread over sub-folders, a few LFS binaries; returns what should reach the repository."""
    files = {f"data/part-{i // 40}/row-{i:03d}.txt": f"row {i}\n".encode() for i in range(nb_small)}
    files.update({f"weights/shard-{i}.bin": random_bytes(LFS_SIZE, seed=i) for i in range(nb_lfs)})
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return files


def _metadata(folder: Path, path_in_repo: str) -> bytes:
    return (folder / ".cache" / "huggingface" / "upload" / f"{path_in_repo}.metadata").read_bytes()


def _state(folder: Path, files: dict[str, bytes]) -> dict[str, bytes]:
    """The metadata file of every file that has one."""
    states = {}
    for name in files:
        path = folder / ".cache" / "huggingface" / "upload" / f"{name}.metadata"
        if path.exists():
            states[name] = path.read_bytes()
    return states


def test_many_small_and_some_lfs_files_in_several_commits(local_hub, alice_token, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "local"
    files = _make_folder(folder, nb_small=163, nb_lfs=3)
    # Left out: by the caller's patterns, and always (.git, .cache/huggingface).
    for name in ["debug.log", "data/part-0/trace.log", ".git/HEAD", "sub/.git/config"]:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("not uploaded")
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)

    started = time.time()
    with pytest.warns(FutureWarning, match="`upload_large_folder` is DEPRECATED"):
        api.upload_large_folder(REPO, folder, repo_type="model", ignore_patterns="*.log", num_workers=2)
    finished = time.time()

    remote = tree(local_hub.endpoint, alice_token, REPO)
    assert set(remote) - {".gitattributes"} == set(files)
    for i in range(3):
        name = f"weights/shard-{i}.bin"
        assert remote[name]["lfs"]["oid"] == hashlib.sha256(files[name]).hexdigest()
        assert read(local_hub.endpoint, alice_token, REPO, name) == files[name]
    assert read(local_hub.endpoint, alice_token, REPO, "data/part-4/row-162.txt") == b"row 162\n"

    # Batches start at 50 files and grow one step (75, 100, ...) per quick full commit: 166 files need 3 at least.
    history = commits(local_hub.endpoint, alice_token, REPO)
    uploads = [c for c in history if c["title"] == MESSAGE]
    assert len(uploads) >= 3
    assert len(history) == len(uploads) + 1  # plus the repository's initial commit

    # The first report is printed when the workers start, on stdout.
    report = capsys.readouterr().out
    assert report.startswith("\n\n\n---------- ")
    # Workers are already running when it is printed (as upstream's): a first hash job may have finished.
    files_line = (
        r"Files:   hashed \d+/166 \(\S+/4\.7M\) \| pre-uploaded: \d+/\d+ \(\S+/4\.7M\)( \(\+\d+ unsure\))? "
        r"\| committed: \d+/166 \(\S+/4\.7M\) \| ignored: \d+\n"
    )
    assert re.search(files_line, report)
    workers = r"Workers: hashing: \d \| get upload mode: \d \| pre-uploading: \d \| committing: \d \| waiting: \d"
    assert re.search(workers + r"\n-{51}\n$", report)

    # State on disk, byte for byte: timestamp, size, ignored, sha256, mode, remote oid, uploaded, committed.
    cache = folder / ".cache" / "huggingface"
    assert (cache / ".gitignore").read_text() == "*"
    assert (cache / "CACHEDIR.TAG").exists()
    for name, mode, uploaded in [("data/part-0/row-000.txt", "regular", 0), ("weights/shard-1.bin", "lfs", 1)]:
        content = _metadata(folder, name)
        timestamp, rest = content.split(b"\n", 1)
        assert started <= float(timestamp) <= finished
        sha = hashlib.sha256(files[name]).hexdigest()
        assert rest == f"{len(files[name])}\n0\n{sha}\n{mode}\n\n{uploaded}\n1\n".encode()
    assert not (cache / "upload" / "debug.log.metadata").exists()
    assert not (cache / "upload" / ".git").exists()

    # Nothing left to do: a second run commits nothing.
    with pytest.warns(FutureWarning):
        api.upload_large_folder(REPO, folder, repo_type="model", ignore_patterns="*.log", print_report=False)
    assert commits(local_hub.endpoint, alice_token, REPO) == history


def test_argument_errors(local_hub, alice_token, tmp_path: Path) -> None:
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match="`repo_type` is explicitly required"):
        api.upload_large_folder(REPO, tmp_path, repo_type=None)  # type: ignore[arg-type]
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match="Invalid repo type"):
        api.upload_large_folder(REPO, tmp_path, repo_type="bucket")
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match="is not a directory"):
        api.upload_large_folder(REPO, tmp_path / "missing", repo_type="model")


def test_allow_patterns_and_a_branch(local_hub, alice_token, tmp_path: Path) -> None:
    folder = tmp_path / "local"
    _make_folder(folder, nb_small=5, nb_lfs=1)
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    api.create_repo(REPO)
    api.create_branch(REPO, branch="dev")
    with pytest.warns(FutureWarning):
        api.upload_large_folder(
            REPO, folder, repo_type="model", revision="dev", allow_patterns=["weights/*"], print_report=False
        )
    assert set(tree(local_hub.endpoint, alice_token, REPO, revision="dev")) == {
        ".gitattributes",
        "weights/shard-0.bin",
    }
    assert set(tree(local_hub.endpoint, alice_token, REPO)) == {".gitattributes"}


_KILLED_RUN = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from huggingface_hub import HfApi

    endpoint, token, folder, marker = sys.argv[1:]

    class StallingApi(HfApi):
        calls = 0

        def create_commit(self, *args, **kwargs):
            # The first commit goes through (and its files are marked committed); the second one stalls, so the
            # process is killed with one batch committed and the rest at various steps.
            StallingApi.calls += 1
            if StallingApi.calls > 1:
                Path(marker).write_text("stalled")
                time.sleep(3600)
            return super().create_commit(*args, **kwargs)

    StallingApi(endpoint=endpoint, token=token).upload_large_folder(
        "alice/large", folder, repo_type="model", num_workers=2, print_report=False
    )
    """
)


class _RecordingApi(HfApi):
    """Remembers which files the resumed run uploads and commits."""

    committed: list[str]
    preuploaded: list[str]

    def create_commit(self, repo_id, operations, **kwargs):  # type: ignore[no-untyped-def, override]
        operations = list(operations)
        self.committed.extend(op.path_in_repo for op in operations)
        return super().create_commit(repo_id, operations, **kwargs)

    def preupload_lfs_files(self, repo_id, additions, **kwargs):  # type: ignore[no-untyped-def, override]
        additions = list(additions)
        # What this call really sends (create_commit calls it too, for everything, once uploaded).
        self.preuploaded.extend(
            op.path_in_repo for op in additions if op._upload_mode == "lfs" and not op._is_uploaded
        )
        return super().preupload_lfs_files(repo_id, additions, **kwargs)


def test_resumes_after_sigkill_without_redoing_committed_files(local_hub, alice_token, tmp_path: Path) -> None:
    folder = tmp_path / "local"
    files = _make_folder(folder, nb_small=120, nb_lfs=3)
    marker = tmp_path / "stalled"
    env = {**os.environ, "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_RUN, local_hub.endpoint, alice_token, str(folder), str(marker)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the first commit never happened"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        if process.stderr:
            process.stderr.close()

    before = _state(folder, files)
    committed_before = {name for name, state in before.items() if state.endswith(b"\n1\n")}
    uploaded_before = {name for name, state in before.items() if state.split(b"\n")[6] == b"1"}
    assert 0 < len(committed_before) <= 50  # one batch of the first size
    # With under 150 files, the first commit waits for everything else: LFS objects are uploaded, not all committed.
    assert uploaded_before - committed_before
    assert set(tree(local_hub.endpoint, alice_token, REPO)) - {".gitattributes"} == committed_before

    api = _RecordingApi(endpoint=local_hub.endpoint, token=alice_token)
    api.committed, api.preuploaded = [], []
    with pytest.warns(FutureWarning):
        api.upload_large_folder(REPO, folder, repo_type="model", num_workers=2, print_report=False)

    # Committed files were neither committed again nor touched on disk; uploaded LFS objects were not sent again.
    assert sorted(api.committed) == sorted(set(files) - committed_before)
    assert set(api.preuploaded) == {name for name in files if name.endswith(".bin")} - uploaded_before
    after = _state(folder, files)
    assert {name: after[name] for name in committed_before} == {name: before[name] for name in committed_before}
    remote = tree(local_hub.endpoint, alice_token, REPO)
    assert set(remote) - {".gitattributes"} == set(files)
    assert read(local_hub.endpoint, alice_token, REPO, "weights/shard-2.bin") == files["weights/shard-2.bin"]
