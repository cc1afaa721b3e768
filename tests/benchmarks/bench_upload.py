"""Uploads to the local Hub: ours vs upstream 1.29 vs command-line tools.

Targets (issue "Uploads"):
(a) preparing the upload of 8 files of 512 MiB (upload info: size, sample and SHA-256 of every file) at least
    0.9x two `openssl dgst -sha256` run in parallel, and at least upstream;
(b) `upload_file` of one 2 GiB LFS file at least 0.8x `curl -T` sending the same file to a signed upload URL of the
    same server;
(c) `upload_folder` of 2,000 small files at least 3x upstream.

The local Hub speaks Xet, so both clients run in their default mode (ours: built-in Xet; upstream: with hf_xet, as
`pip install huggingface_hub` installs it) and, for reference, in their LFS mode (`HF_HUB_DISABLE_XET=1`).
Python contenders run in fresh processes with a fresh `HF_HOME` (no Xet shard cache carried between runs) and time
the call itself (imports excluded). Contenders are interleaved. An uploaded object stays on the server, which would
then skip it: (b) refills the file with new random bytes before every run (Xet deduplicates repeated chunks, so the
content must be new everywhere, not just in its first bytes) and deletes a stored LFS object afterwards; (c) uploads
into a new repository each time, with new files ("new content", every blob written and synced by the server) and
with files the server already stores ("known content", what is left is the client's work plus the commits).
"""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from ._harness import median, ratio, scratch, upstream_python
from .bench_hashing import FILE_COUNT, FILE_SIZE, make_files

BIG_SIZE = int(os.environ.get("HFH_BENCH_UPLOAD_MIB", 2048)) * 1024 * 1024
SMALL_FILES = int(os.environ.get("HFH_BENCH_UPLOAD_FILES", 2000))
OURS_FILE = "ours (`upload_file`, Xet)"
OURS_FOLDER = "ours (`upload_folder`)"
PAUSE = float(os.environ.get("HFH_BENCH_PAUSE", 12))
REPEAT = int(os.environ.get("HFH_BENCH_REPEAT", 2))

PREPARE = """
import sys, time
from huggingface_hub import CommitOperationAdd
from huggingface_hub._commit_api import _compute_missing_sha256s
start = time.perf_counter()
operations = [CommitOperationAdd(path_in_repo=f"f{i}.bin", path_or_fileobj=p) for i, p in enumerate(sys.argv[1:])]
_compute_missing_sha256s(operations, num_threads=5)
print(time.perf_counter() - start)
"""

UPLOAD_FILE = """
import sys, time
from huggingface_hub import HfApi
api = HfApi()
start = time.perf_counter()
api.upload_file(path_or_fileobj=sys.argv[1], path_in_repo="big.bin", repo_id=sys.argv[2])
print(time.perf_counter() - start)
"""

UPLOAD_FOLDER = """
import sys, time
from huggingface_hub import HfApi
api = HfApi()
start = time.perf_counter()
api.upload_folder(folder_path=sys.argv[1], repo_id=sys.argv[2])
print(time.perf_counter() - start)
"""


def _python_seconds(argv: list[str], env: dict[str, str]) -> float:
    proc = subprocess.run(argv, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed: {proc.stderr[-3000:]}")
    return float(proc.stdout.strip().splitlines()[-1])


def _command_seconds(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _refill(path: Path, run: int) -> str:
    """Fill the file with new random bytes (AES-CTR keystream, fast) and return their SHA-256.

    The file is rewritten in place, so its page-cache pages are reused rather than allocated afresh."""
    key = hashlib.sha256(f"{run}-{time.time()}".encode()).hexdigest()[:32]
    cipher = ["openssl", "enc", "-aes-128-ctr", "-K", key, "-iv", "0" * 32, "-in", "/dev/zero"]
    digest = hashlib.sha256()
    with subprocess.Popen(cipher, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc, open(path, "r+b") as f:
        assert proc.stdout is not None
        left = BIG_SIZE
        while left:
            block = proc.stdout.read(min(left, 16 * 1024 * 1024))
            f.write(block)
            digest.update(block)
            left -= len(block)
        proc.kill()
    return digest.hexdigest()


def _signed_upload_url(endpoint: str, token: str, repo_id: str, oid: str, size: int) -> str:
    answer = requests.post(
        f"{endpoint}/{repo_id}.git/info/lfs/objects/batch",
        json={
            "operation": "upload",
            "transfers": ["basic"],
            "objects": [{"oid": oid, "size": size}],
            "hash_algo": "sha256",
        },
        headers={
            "authorization": f"Bearer {token}",
            "accept": "application/vnd.git-lfs+json",
            "content-type": "application/vnd.git-lfs+json",
        },
        timeout=60,
    )
    answer.raise_for_status()
    return answer.json()["objects"][0]["actions"]["upload"]["href"]


def _forget_object(data_dir: Path, oid: str) -> None:
    """Delete a stored object so that the next upload of it is a real one (and the disk does not fill up)."""
    blob = data_dir / "blobs" / "sha256" / oid[:2] / oid[2:]
    if blob.exists():
        blob.unlink()


def _forget_xorbs(data_dir: Path) -> None:
    """Delete the stored xorbs, so that the next Xet upload writes all of its own (and the disk does not fill up)."""
    db = sqlite3.connect(data_dir / "hub.sqlite", timeout=60)
    with db:
        db.execute("DELETE FROM xet_xorbs")
    db.close()
    shutil.rmtree(data_dir / "blobs" / "xorbs", ignore_errors=True)


def _small_files(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    for i in range(SMALL_FILES):
        path = folder / f"d{i % 20}" / f"f{i}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(4096))
    return folder


def run() -> str:
    from huggingface_hub.local_hub import LocalHub

    upstream = upstream_python()
    work = scratch("upload")
    hash_paths = make_files()  # the inputs of bench_hashing: 8 files of 512 MiB, read once (page cache warm)
    results: dict[str, dict[str, list[float]]] = {"prepare": {}, "file": {}, "folder-new": {}, "folder-known": {}}

    # (a) Upload info of 8 x 512 MiB.
    openssl = shutil.which("openssl")
    half = len(hash_paths) // 2
    prepare = {
        "ours (`CommitOperationAdd` + `_compute_missing_sha256s`)": [sys.executable, "-c", PREPARE, *hash_paths]
    }
    if upstream:
        prepare["upstream 1.29 (same calls)"] = [upstream, "-I", "-c", PREPARE, *hash_paths]
    for _ in range(REPEAT + 1):
        for name, argv in prepare.items():
            results["prepare"].setdefault(name, []).append(_python_seconds(argv, dict(os.environ)))
        if openssl:
            script = (
                f"{openssl} dgst -sha256 {' '.join(hash_paths[:half])} >/dev/null & "
                f"{openssl} dgst -sha256 {' '.join(hash_paths[half:])} >/dev/null & wait"
            )
            results["prepare"].setdefault("two `openssl dgst -sha256` in parallel", []).append(
                _command_seconds(["sh", "-c", script])
            )

    with tempfile.TemporaryDirectory(dir=work) as tmp, LocalHub(Path(tmp) / "hub", subprocess=True) as hub:
        tmp_path = Path(tmp)
        token = hub.create_user("bench")
        env = {
            **os.environ,
            "HF_ENDPOINT": hub.endpoint,
            "HF_TOKEN": token,
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1",
        }
        lfs_env = {**env, "HF_HUB_DISABLE_XET": "1"}
        homes = 0

        def fresh_home(base: dict[str, str]) -> dict[str, str]:
            nonlocal homes
            homes += 1
            return {**base, "HF_HOME": str(tmp_path / f"home-{homes}")}

        auth = {"authorization": f"Bearer {token}"}

        def new_repo(name: str) -> str:
            answer = requests.post(
                f"{hub.endpoint}/api/repos/create",
                json={"name": name, "organization": "bench", "type": "model"},
                headers=auth,
                timeout=60,
            )
            assert answer.status_code in (200, 409), answer.text
            return f"bench/{name}"

        # (b) One 2 GiB LFS file.
        big = tmp_path / "big.bin"
        with open(big, "wb") as f:
            f.truncate(BIG_SIZE)
        repo = new_repo("big")
        ours_upload = [sys.executable, "-c", UPLOAD_FILE, str(big), repo]
        file_contenders: dict[str, tuple[list[str], dict[str, str]] | None] = {
            OURS_FILE: (ours_upload, env),
            "ours (`upload_file`, LFS: `HF_HUB_DISABLE_XET=1`)": (ours_upload, lfs_env),
            "curl -T (PUT to a signed upload URL)": None,
        }
        if upstream:
            upstream_upload = [upstream, "-I", "-c", UPLOAD_FILE, str(big), repo]
            file_contenders["upstream 1.29 (`upload_file`, hf_xet)"] = (upstream_upload, env)
            file_contenders["upstream 1.29 (`upload_file`, LFS: `HF_HUB_DISABLE_XET=1`)"] = (upstream_upload, lfs_env)
        run_number = 0
        hashing: list[float] = []
        load_before = os.getloadavg()[0]
        for _ in range(REPEAT):
            for name, contender in file_contenders.items():
                run_number += 1
                oid = _refill(big, run_number)
                time.sleep(PAUSE)
                if contender is None:
                    url = _signed_upload_url(hub.endpoint, token, repo, oid, BIG_SIZE)
                    seconds = _command_seconds(["curl", "-sf", "-o", "/dev/null", "-T", str(big), url])
                    if openssl:
                        # What any LFS client must do before it may send a byte: hash the whole file.
                        hashing.append(_command_seconds([openssl, "dgst", "-sha256", str(big)]))
                else:
                    argv, base_env = contender
                    seconds = _python_seconds(argv, fresh_home(base_env))
                results["file"].setdefault(name, []).append(seconds)
                _forget_object(hub.data_dir, oid)
                _forget_xorbs(hub.data_dir)
        big.unlink()
        load_after = os.getloadavg()[0]

        # (c) 2,000 small files, into a new repository each time.
        known = _small_files(tmp_path / "known")
        subprocess.run(
            [sys.executable, "-c", UPLOAD_FOLDER, str(known), new_repo("warmup")],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        folder_contenders = {OURS_FOLDER: ([sys.executable, "-c", UPLOAD_FOLDER], env)}
        if upstream:
            upstream_folder = [upstream, "-I", "-c", UPLOAD_FOLDER]
            folder_contenders["upstream 1.29 (`upload_folder`, hf_xet: streamed commits)"] = (upstream_folder, env)
            folder_contenders["upstream 1.29 (`upload_folder`, `HF_HUB_DISABLE_XET=1`: one commit)"] = (
                upstream_folder,
                lfs_env,
            )
        for run in range(REPEAT):
            for index, (name, (argv, base_env)) in enumerate(folder_contenders.items()):
                fresh = _small_files(tmp_path / "fresh")
                time.sleep(PAUSE)
                seconds = _python_seconds([*argv, str(fresh), new_repo(f"new-{run}-{index}")], fresh_home(base_env))
                results["folder-new"].setdefault(name, []).append(seconds)
                seconds = _python_seconds([*argv, str(known), new_repo(f"known-{run}-{index}")], fresh_home(base_env))
                results["folder-known"].setdefault(name, []).append(seconds)

    def table(measures: dict[str, list[float]], ours_name: str, skip_first: bool = False) -> list[str]:
        ours = median(measures[ours_name][1:] if skip_first else measures[ours_name])
        rows = ["| contender | seconds (median) | ours vs it |", "|---|---:|---:|"]
        for name, samples in measures.items():
            seconds = median(samples[1:] if skip_first else samples)
            rows.append(f"| {name} | {seconds:.2f} | {ratio(seconds, ours)} |")
        return rows

    gib = BIG_SIZE / 1024**3
    lines = [
        "### Uploads to the local Hub",
        "",
        f"{os.cpu_count()} cores; both clients in their default mode (Xet) and in LFS mode (`HF_HUB_DISABLE_XET=1`);"
        f" ratio = contender time / our time (above 1 means we are faster); {REPEAT} interleaved runs per contender.",
        "",
        f"(a) Upload info (size, sample, SHA-256) of {FILE_COUNT} files of {FILE_SIZE // 1024**2} MiB, page cache"
        " warm (first run discarded):",
        "",
        *table(results["prepare"], "ours (`CommitOperationAdd` + `_compute_missing_sha256s`)", skip_first=True),
        "",
        f"(b) One {gib:.1f} GiB LFS file ({PAUSE:.0f} s pause before each run; the server hashes and syncs what it"
        f" receives; 1-minute load average {load_before:.1f} before, {load_after:.1f} after, this benchmark"
        " included):",
        "",
        *table(results["file"], OURS_FILE),
        "",
        *_protocol_ceiling(results["file"], hashing),
        f"(c) `upload_folder` of {SMALL_FILES} files of 4 KiB into a new repository, new content (every blob written"
        " and synced by the server):",
        "",
        *table(results["folder-new"], OURS_FOLDER),
        "",
        "(c') the same with content the server already stores (client work and commits only):",
        "",
        *table(results["folder-known"], OURS_FOLDER),
    ]
    return "\n".join(lines) + "\n"


def _protocol_ceiling(measures: dict[str, list[float]], hashing: list[float]) -> list[str]:
    """A reference for the ratio to curl: an LFS client must know the file's SHA-256 (the object id) before the
    batch API gives it an upload URL, so one that hashed at `openssl` speed and then sent like curl would reach
    curl / (openssl + curl). Parallel parts can send faster than curl's single stream, so this is not a bound."""
    curl = measures.get("curl -T (PUT to a signed upload URL)")
    if not curl or not hashing:
        return []
    sha, send = median(hashing), median(curl)
    return [
        f"Reference: the object id (SHA-256 of the whole file) must be known before the LFS batch call; hashing at"
        f" `openssl dgst -sha256` speed ({sha:.2f} s) and then sending like curl ({send:.2f} s) would give"
        f" {send / (sha + send):.2f}x curl.",
        "",
    ]


if __name__ == "__main__":
    sys.stdout.write(run())
