"""Run the same snippet with our package and with upstream huggingface_hub, to compare what they print.

Upstream lives in its own virtualenv (never ours: both import as ``huggingface_hub``): the one the compat
suite uses (``tools/compat/upstream_env.py``), made on first use by the ``upstream_venv`` fixture of
tests/conftest.py, or ``HFH_UPSTREAM_PYTHON``. Tests marked with ``upstream_compat`` are skipped only when it
cannot be made (no package registry); they confirm parity, the primary assertions never depend on them.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tools.compat.upstream_env import UPSTREAM_VERSION, default_venv_path, venv_python

UPSTREAM_PYTHON = Path(os.environ.get("HFH_UPSTREAM_PYTHON") or venv_python(default_venv_path(UPSTREAM_VERSION)))


# Variables that change the behaviour under test; dropped so that both sides start from the same defaults.
_NOISY_ENV = ("HF_DEBUG", "HF_HUB_VERBOSITY", "HF_HUB_DISABLE_PROGRESS_BARS", "TQDM_POSITION", "NO_COLOR")


def upstream_compat(test: Any) -> Any:
    """Mark a test that compares with upstream: marker ``compat``; upstream's virtualenv is made before it runs."""
    return pytest.mark.compat(pytest.mark.usefixtures("upstream_venv")(test))


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
