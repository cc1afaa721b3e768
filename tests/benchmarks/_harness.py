"""Shared plumbing for the benchmarks: scratch space, timing of commands, and upstream's interpreter.

Benchmarks report ratios measured in one run on this machine; they never assert a time.
"""

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
WORK_DIR = Path(os.environ.get("HFH_BENCH_DIR", REPO_ROOT / "tests" / "benchmarks" / ".work"))


def scratch(name: str) -> Path:
    """A folder for one benchmark's data, kept between runs so large inputs are made once."""
    path = WORK_DIR / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def time_call(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn``."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return timings


def time_command(argv: list[str], repeat: int, env: dict[str, str] | None = None) -> list[float]:
    """Wall-clock seconds of ``repeat`` runs of a command (output discarded, failure raises)."""
    return time_call(
        lambda: subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env),
        repeat,
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


def upstream_python() -> str | None:
    """Interpreter of a virtualenv holding upstream huggingface_hub, made on first use.

    Upstream and this package share the import name, so upstream never enters our environment.
    Returns None when it cannot be installed (no registry access).
    """
    sys.path.insert(0, str(REPO_ROOT))
    try:
        from tools.compat.upstream_env import UPSTREAM_VERSION, default_venv_path, ensure_upstream_venv

        venv = default_venv_path(UPSTREAM_VERSION)
        return str(ensure_upstream_venv(venv, log=lambda line: print(line, file=sys.stderr)))
    except Exception as error:  # report the benchmark without upstream rather than fail the run
        print(f"upstream virtualenv unavailable: {error}", file=sys.stderr)
        return None
    finally:
        sys.path.pop(0)


def ratio(reference: float, ours: float) -> str:
    """How many times faster we are than ``reference`` (above 1.0 means faster)."""
    return f"{reference / ours:.2f}x"
