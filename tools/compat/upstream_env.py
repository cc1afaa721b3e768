"""Create (or reuse) the virtualenv holding upstream ``huggingface_hub`` from PyPI.

Upstream and our package share the import name, so upstream must live in a virtualenv of its own.
(Named ``upstream_env`` rather than ``venv`` so it can never shadow the standard library module.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

UPSTREAM_VERSION = "1.29.0"
DEFAULT_CACHE = Path("~/.cache/hfh-compat")


def default_venv_path(version: str) -> Path:
    return (DEFAULT_CACHE / f"upstream-{version}").expanduser()


def venv_python(venv: Path) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def isolated_env() -> dict[str, str]:
    """The environment for the upstream interpreter: nothing that could put our package on its path."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON") and key != "VIRTUAL_ENV"}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def installed_version(python: Path) -> str | None:
    """The version of huggingface_hub installed for ``python``, or None (not installed, broken venv)."""
    if not python.exists():
        return None
    code = "import importlib.metadata as m; print(m.version('huggingface_hub'))"
    proc = subprocess.run(
        [str(python), "-I", "-c", code], capture_output=True, text=True, env=isolated_env(), check=False
    )
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def _run(command: list[str], what: str) -> None:
    proc = subprocess.run(command, capture_output=True, text=True, env=isolated_env(), check=False)
    if proc.returncode != 0:
        tail = "\n".join(line[:300] for line in (proc.stdout + proc.stderr).strip().splitlines()[-20:])
        raise RuntimeError(f"{what} failed (exit {proc.returncode}): {' '.join(command)}\n{tail}")


def ensure_upstream_venv(venv: Path, version: str = UPSTREAM_VERSION, log: Callable[[str], None] = print) -> Path:
    """Return the Python of a virtualenv at ``venv`` that has ``huggingface_hub==version`` installed."""
    python = venv_python(venv)
    current = installed_version(python)
    if current == version:
        return python
    if not python.exists():
        if venv.exists() and any(venv.iterdir()) and not (venv / "pyvenv.cfg").exists():
            # Never wipe a directory that is not a virtualenv (a mistyped --upstream-venv).
            raise RuntimeError(f"{venv} exists and is not a virtualenv; choose another --upstream-venv")
        log(f"creating virtualenv {venv} ...")
        venv.parent.mkdir(parents=True, exist_ok=True)
        # --clear: a half-created virtualenv from an interrupted run is rebuilt rather than trusted.
        _run([sys.executable, "-m", "venv", "--clear", str(venv)], "creating the upstream virtualenv")
    log(f"installing huggingface_hub=={version} into {venv} (found: {current or 'none'}) ...")
    _run(
        [str(python), "-I", "-m", "pip", "install", "--quiet", f"huggingface_hub=={version}"],
        "installing upstream huggingface_hub",
    )
    installed = installed_version(python)
    if installed != version:
        raise RuntimeError(f"{venv} has huggingface_hub {installed!r} after installing {version!r}")
    return python
