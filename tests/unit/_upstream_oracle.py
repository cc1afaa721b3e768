"""Run the same snippet with our package and with upstream huggingface_hub, to compare what they print.

Upstream lives in its own virtualenv (never ours: both import as ``huggingface_hub``). CI does
not have it, so tests using ``upstream_python`` are marked ``compat`` and skipped when it is absent;
they only confirm parity, the primary assertions never depend on them.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

UPSTREAM_PYTHON = Path(os.environ.get("HFH_UPSTREAM_PYTHON", "/tmp/upvenv/bin/python"))


# Variables that change the behaviour under test; dropped so that both sides start from the same defaults.
_NOISY_ENV = ("HF_DEBUG", "HF_HUB_VERBOSITY", "HF_HUB_DISABLE_PROGRESS_BARS", "TQDM_POSITION", "NO_COLOR")


def upstream_compat(test: Any) -> Any:
    """Mark a test that compares with upstream: marker ``compat``, skipped when upstream's virtualenv is absent."""
    skip = pytest.mark.skipif(
        not UPSTREAM_PYTHON.exists(), reason=f"upstream virtualenv not found at {UPSTREAM_PYTHON}"
    )
    return pytest.mark.compat(skip(test))


def clean_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _NOISY_ENV}
    env.update(overrides)
    return env


def run_snippet(python: Path | str, code: str, *, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``code`` with ``python`` from a neutral directory, so that no local checkout shadows the installed package."""
    return subprocess.run(
        [str(python), "-c", code],
        capture_output=True,
        text=True,
        env=clean_env() if env is None else env,
        cwd="/",
        timeout=120,
    )


def json_results(python: Path | str, code: str, **env: str) -> Any:
    """Run ``code`` (which must print one JSON document as its last line) and decode that document."""
    result = run_snippet(python, code, env=clean_env(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def ours_and_upstream(code: str, **env: str) -> tuple[Any, Any]:
    return json_results(sys.executable, code, **env), json_results(UPSTREAM_PYTHON, code, **env)
