"""Running ``hf`` (ours, or upstream's with its own interpreter) against a local Hub, as a user would.

Each run is a subprocess with ``HF_ENDPOINT``, ``HF_TOKEN`` and ``HF_HOME`` set, no colors, a fixed terminal
width (tables are cut to it), and ``input`` as the whole of stdin (a pipe: prompts read from it).
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_DROPPED = ("HF_", "HUGGING_FACE_", "PYTHON", "VIRTUAL_ENV")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_cli(
    endpoint: str,
    token: str | None,
    home: Path,
    *args: str,
    python: Path | str = sys.executable,
    input: str = "",
    launcher: str | None = None,
    **env: str,
) -> Run:
    """``python -m huggingface_hub.cli.hf <args>`` against ``endpoint``, from a neutral directory.

    ``launcher`` is Python code run instead (``python -c launcher <args>``), to set things up before the CLI starts.
    """
    environ = {key: value for key, value in os.environ.items() if not key.startswith(_DROPPED)}
    environ.pop("NO_COLOR", None)
    environ.update(
        HF_ENDPOINT=endpoint,
        HF_HOME=str(home),
        HF_HUB_DISABLE_UPDATE_CHECK="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_XET="1",
        NO_COLOR="1",
        COLUMNS="120",
    )
    if token is not None:
        environ["HF_TOKEN"] = token
    environ.update(env)
    result = subprocess.run(
        [str(python), *(["-c", launcher] if launcher else ["-m", "huggingface_hub.cli.hf"]), *args],
        capture_output=True,
        text=True,
        env=environ,
        input=input,
        cwd="/",
        timeout=120,
    )
    return Run(result.returncode, result.stdout, result.stderr)
