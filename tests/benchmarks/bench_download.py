"""Downloads from the local Hub: ours vs upstream 1.29 vs curl, interleaved, same server, one run.

Targets (issue "Downloads"): one 2 GiB LFS file into a cold cache at least 0.9x curl writing the same file
and at least 2.5x upstream, with peak RSS at most 150 MB; a snapshot of 2,000 files of 4 KiB at least 5x
faster than upstream.

These machines hand freed memory back to the host about 2 s after it is freed, and writing into it again
costs about 2 s of kernel time per GiB. Every run therefore starts after the previous output is deleted
and a fixed pause (PAUSE seconds): all contenders are measured in the same "memory returned" regime.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ._harness import median, ratio, scratch, upstream_python

BIG_SIZE = int(os.environ.get("HFH_BENCH_DOWNLOAD_MIB", 2048)) * 1024 * 1024
SMALL_FILES = int(os.environ.get("HFH_BENCH_SNAPSHOT_FILES", 2000))
PAUSE = float(os.environ.get("HFH_BENCH_PAUSE", 12))
REPEAT = int(os.environ.get("HFH_BENCH_REPEAT", 2))
TIME_BIN = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)


def _seed(hub, token: str, work: Path) -> None:
    from tests.e2e._seed import commit, create_repo

    big = work / "big.bin"
    with open(big, "wb") as f:
        block = os.urandom(64 * 1024 * 1024)
        for offset in range(0, BIG_SIZE, len(block)):
            f.write(offset.to_bytes(8, "little") + block[8 : BIG_SIZE - offset])
    create_repo(hub.endpoint, token, "bench/big")
    commit(hub.endpoint, token, "bench/big", lfs={"big.bin": big})
    big.unlink()
    create_repo(hub.endpoint, token, "bench/many")
    files = {f"d{i % 20}/f{i}.txt": os.urandom(4096) for i in range(SMALL_FILES)}
    commit(hub.endpoint, token, "bench/many", files=files)


def _timed(argv: list[str], output: Path, env: dict[str, str]) -> tuple[float, int | None]:
    """Seconds and peak RSS (MiB, when GNU time is there) of one cold run writing to ``output``."""
    shutil.rmtree(output, ignore_errors=True)
    if output.exists():
        output.unlink()
    time.sleep(PAUSE)
    command = [TIME_BIN, "-f", "%M", *argv] if TIME_BIN else argv
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed: {proc.stderr[-2000:]}")
    rss = int(proc.stderr.strip().splitlines()[-1]) // 1024 if TIME_BIN else None
    return elapsed, rss


def run() -> str:
    from huggingface_hub.local_hub import LocalHub

    upstream = upstream_python()
    work = scratch("download")
    with tempfile.TemporaryDirectory(dir=work) as tmp, LocalHub(Path(tmp) / "hub", subprocess=True) as hub:
        tmp_path = Path(tmp)
        token = hub.create_user("bench")
        _seed(hub, token, tmp_path)
        env = {
            **os.environ,
            "HF_ENDPOINT": hub.endpoint,
            "HF_TOKEN": token,
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
            "HF_HUB_DISABLE_XET": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1",
        }
        one_file = "import sys; from huggingface_hub import hf_hub_download as d; d('bench/big', 'big.bin', cache_dir=sys.argv[1])"
        snapshot = (
            "import sys; from huggingface_hub import snapshot_download as d; d('bench/many', cache_dir=sys.argv[1])"
        )
        location = subprocess.run(
            [
                sys.executable,
                "-c",
                "from huggingface_hub import get_hf_file_metadata as m, hf_hub_url as u; "
                "print(m(u('bench/big', 'big.bin')).location)",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

        contenders = {
            "ours (`hf_hub_download`)": ([sys.executable, "-c", one_file, str(tmp_path / "ours")], tmp_path / "ours"),
            "curl (same signed URL, to a file)": (
                ["curl", "-sf", "-o", str(tmp_path / "curl.bin"), location],
                tmp_path / "curl.bin",
            ),
        }
        if upstream:
            contenders["upstream 1.29 (`hf_hub_download`)"] = (
                [upstream, "-I", "-c", one_file, str(tmp_path / "up")],
                tmp_path / "up",
            )
        big_runs: dict[str, list[tuple[float, int | None]]] = {name: [] for name in contenders}
        for _ in range(REPEAT):  # interleaved, so every contender sees the same machine state
            for name, (argv, output) in contenders.items():
                big_runs[name].append(_timed(argv, output, env))

        snap = {
            "ours (`snapshot_download`)": (
                [sys.executable, "-c", snapshot, str(tmp_path / "s-ours")],
                tmp_path / "s-ours",
            )
        }
        if upstream:
            snap["upstream 1.29 (`snapshot_download`)"] = (
                [upstream, "-I", "-c", snapshot, str(tmp_path / "s-up")],
                tmp_path / "s-up",
            )
        snap_runs: dict[str, list[tuple[float, int | None]]] = {name: [] for name in snap}
        for _ in range(REPEAT):
            for name, (argv, output) in snap.items():
                snap_runs[name].append(_timed(argv, output, env))

    def table(runs: dict[str, list[tuple[float, int | None]]], reference: str) -> list[str]:
        ours = median([seconds for seconds, _ in runs[reference]])
        rows = ["| contender | seconds (median) | peak RSS MiB | ours vs it |", "|---|---:|---:|---:|"]
        for name, samples in runs.items():
            seconds = median([s for s, _ in samples])
            rss = max((r for _, r in samples if r is not None), default=None)
            rows.append(f"| {name} | {seconds:.2f} | {rss if rss is not None else 'n/a'} | {ratio(seconds, ours)} |")
        return rows

    gib = BIG_SIZE / 1024**3
    lines = [
        f"### Downloads from the local Hub ({REPEAT} interleaved runs each, {PAUSE:.0f} s pause after deleting the previous output)",
        "",
        "Regime: "
        + (
            "freed memory returned to the host before every run (cold page allocation for every contender)."
            if PAUSE >= 3
            else "no pause: memory freed by the previous run may be reused (warm allocation)."
        ),
        "",
        f"One {gib:.1f} GiB LFS file into a cold cache:",
        "",
        *table(big_runs, "ours (`hf_hub_download`)"),
        "",
        f"Snapshot of {SMALL_FILES} files of 4 KiB:",
        "",
        *table(snap_runs, "ours (`snapshot_download`)"),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(run())
