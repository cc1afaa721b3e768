"""Running the ``hf`` CLI in a subprocess, as a user would, for the CLI tests.

Each run inherits the isolated environment of ``conftest.py`` (empty HF_HOME, no token, no telemetry, no
update check), works offline unless a Hub endpoint is given, and reads stdin from a pipe (empty unless
given) so that nothing can wait for the keyboard.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from _upstream_oracle import UPSTREAM_PYTHON

from huggingface_hub import __version__

HF_MODULE = "huggingface_hub.cli.hf"

# Variables of the developer's shell that would change what the CLI prints.
_AMBIENT_VARS = ("HF_DEBUG", "NO_COLOR", "HF_HUB_VERBOSITY", "HF_HUB_OFFLINE", "HF_ENDPOINT", "COLUMNS", "LINES")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def hf_env(*, endpoint: str | None = None, **overrides: str) -> dict[str, str]:
    """The environment of a CLI run: offline without ``endpoint``; a fixed 80-column help width."""
    env = {key: value for key, value in os.environ.items() if key not in _AMBIENT_VARS}
    env.update(HF_HUB_DISABLE_UPDATE_CHECK="1", HF_HUB_DISABLE_TELEMETRY="1", COLUMNS="80")
    if endpoint is None:
        env["HF_HUB_OFFLINE"] = "1"
    else:
        env["HF_ENDPOINT"] = endpoint
    env.update(overrides)
    return env


def run_hf(
    *args: str, endpoint: str | None = None, python: Path | str = sys.executable, input: str = "", **env: str
) -> Run:
    """``python -m huggingface_hub.cli.hf <args>`` from a neutral directory (no checkout shadows the package),
    with ``input`` as the whole of stdin (a pipe: not a terminal)."""
    result = subprocess.run(
        [str(python), "-m", HF_MODULE, *args],
        capture_output=True,
        text=True,
        env=hf_env(endpoint=endpoint, **env),
        input=input,
        cwd="/",
        timeout=120,
    )
    return Run(result.returncode, result.stdout, result.stderr)


def run_upstream_hf(*args: str, endpoint: str | None = None, **env: str) -> Run:
    """The same run with upstream ``huggingface_hub`` (its own virtualenv), for parity checks."""
    return run_hf(*args, endpoint=endpoint, python=UPSTREAM_PYTHON, **env)


def same_as_upstream(ours: Run, theirs: Run, *, upstream_version: str = "1.29.0") -> None:
    """Assert both runs agree on exit code and output; our version string is normalised to upstream's."""

    def normalise(text: str) -> str:
        return text.replace(__version__, upstream_version)

    assert ours.returncode == theirs.returncode, (ours, theirs)
    assert normalise(ours.stdout) == theirs.stdout
    assert normalise(ours.stderr) == theirs.stderr
