"""Scanning a cache of 300 repos x 2 revisions x 200 files: ours (Rust) vs upstream 1.29 vs `du -sh`.

Targets (issue "Cache management"): `scan_cache_dir` at least 10x faster than upstream with a peak memory no
higher, and `hf cache ls` at least 5x faster end to end. Each contender runs in a fresh process (interleaved,
so both see the same page-cache state); the scan time is measured inside the process around the call, the
end-to-end time around the whole process, and the peak RSS is the process's `ru_maxrss`.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ._harness import REPO_ROOT, median, ratio, scratch, time_command, upstream_python

REPOS = int(os.environ.get("HFH_BENCH_CACHE_REPOS", 300))
REVISIONS = int(os.environ.get("HFH_BENCH_CACHE_REVISIONS", 2))
FILES = int(os.environ.get("HFH_BENCH_CACHE_FILES", 200))
REPEAT = int(os.environ.get("HFH_BENCH_REPEAT", 3))

SCAN_SCRIPT = """
import json, resource, sys, time
start = time.perf_counter()
from huggingface_hub import scan_cache_dir
imported = time.perf_counter()
info = scan_cache_dir(sys.argv[1])
scanned = time.perf_counter()
files = sum(len(revision.files) for repo in info.repos for revision in repo.revisions) if sys.argv[2] == "1" else -1
built = time.perf_counter()
print(json.dumps({"import": imported - start, "scan": scanned - imported, "files": built - scanned, "nb_files": files,
                  "repos": len(info.repos), "size": info.size_on_disk,
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def make_cache() -> Path:
    sys.path.insert(0, str(REPO_ROOT))
    try:
        from tests._cache_trees import build_benchmark_cache
    finally:
        sys.path.pop(0)
    folder = scratch("cache_scan")
    cache = folder / f"hub-{REPOS}x{REVISIONS}x{FILES}"
    done = folder / f"{cache.name}.done"
    if not done.exists():
        shutil.rmtree(cache, ignore_errors=True)
        build_benchmark_cache(cache, repos=REPOS, revisions=REVISIONS, files=FILES)
        done.touch()
    return cache


def env() -> dict[str, str]:
    variables = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    variables.update(HF_HUB_DISABLE_UPDATE_CHECK="1", HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_OFFLINE="1")
    return variables


def scan_once(python: str, cache: Path, with_files: bool) -> dict:
    start = time.perf_counter()
    result = subprocess.run(
        [python, "-c", SCAN_SCRIPT, str(cache), "1" if with_files else "0"],
        capture_output=True,
        text=True,
        env=env(),
        cwd="/",
        check=True,
    )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    measured["process"] = time.perf_counter() - start
    return measured


def run() -> str:
    cache = make_cache()
    upstream = upstream_python()
    contenders = {"ours": sys.executable}
    if upstream:
        contenders["upstream 1.29"] = upstream

    du = median(time_command(["du", "-sh", str(cache)], REPEAT + 1))  # the first run also warms the page cache
    runs: dict[str, list[dict]] = {name: [] for name in contenders}
    runs_files: dict[str, list[dict]] = {name: [] for name in contenders}
    ls_times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(REPEAT):  # interleaved
        for name, python in contenders.items():
            runs[name].append(scan_once(python, cache, with_files=False))
            runs_files[name].append(scan_once(python, cache, with_files=True))
            ls_times[name] += time_command(
                [python, "-m", "huggingface_hub.cli.hf", "cache", "ls", "--cache-dir", str(cache)], 1, env=env()
            )

    first = runs["ours"][0]
    for name in contenders:  # same answer from everyone
        assert all((r["repos"], r["size"]) == (first["repos"], first["size"]) for r in runs[name]), name

    def med(name: str, key: str, source: dict[str, list[dict]] = runs) -> float:
        return median([r[key] for r in source[name]])

    lines = [
        f"### Cache scan: {REPOS} repos x {REVISIONS} revisions x {FILES} files "
        f"({REPOS * REVISIONS * FILES} snapshot files, page cache warm)",
        "",
        f"{os.cpu_count()} cores; median of {REPEAT} fresh processes per contender, interleaved; "
        "ratio = upstream time / our time (above 1 means we are faster). `scan_cache_dir` is timed inside the "
        'process; "+ files" also reads every `CachedRevisionInfo.files` (ours builds them on first access); '
        "peak RSS is the whole process's.",
        "",
        "| measure | ours | upstream 1.29 | ours vs upstream |",
        "|---|---:|---:|---:|",
    ]

    def row(label: str, ours: float, theirs: float | None, unit: str = "s", fmt: str = "{:.3f}") -> None:
        if theirs is None:
            lines.append(f"| {label} | {fmt.format(ours)} {unit} | n/a | n/a |")
        else:
            lines.append(
                f"| {label} | {fmt.format(ours)} {unit} | {fmt.format(theirs)} {unit} | {ratio(theirs, ours)} |"
            )

    has_upstream = "upstream 1.29" in contenders
    up = "upstream 1.29"
    row("`scan_cache_dir`", med("ours", "scan"), med(up, "scan") if has_upstream else None)
    row(
        "`scan_cache_dir` + files",
        med("ours", "scan", runs_files) + med("ours", "files", runs_files),
        (med(up, "scan", runs_files) + med(up, "files", runs_files)) if has_upstream else None,
    )
    row("whole process (import + scan)", med("ours", "process"), med(up, "process") if has_upstream else None)
    row(
        "`hf cache ls`, end to end",
        median(ls_times["ours"]),
        median(ls_times[up]) if has_upstream else None,
    )
    row(
        "peak RSS, scan",
        med("ours", "maxrss_kib") / 1024,
        med(up, "maxrss_kib") / 1024 if has_upstream else None,
        unit="MiB",
        fmt="{:.0f}",
    )
    row(
        "peak RSS, scan + files",
        med("ours", "maxrss_kib", runs_files) / 1024,
        med(up, "maxrss_kib", runs_files) / 1024 if has_upstream else None,
        unit="MiB",
        fmt="{:.0f}",
    )
    lines.append(f"| `du -sh` (hardware reference) | {du:.3f} s | | |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(run())
