"""The once-a-day "a new version is available" hint printed when ``hf`` starts.

The check must never break or slow down the CLI: it is skipped when disabled
(``HF_HUB_DISABLE_UPDATE_CHECK``), offline (``HF_HUB_OFFLINE``), for versions that are not plain
releases, and when it already ran in the last 24 hours; the request has a 2-second timeout and every
failure is swallowed.

Our own builds carry a local version label (``1.29.0+rs.1``): they are not the release of that
number on PyPI, and updating "to" a PyPI release would replace this package with upstream, so they
are never checked.
"""

import importlib.metadata
import os
import sys
import time
from pathlib import Path
from typing import Literal

from huggingface_hub import __version__, constants
from huggingface_hub.utils import get_session, hf_raise_for_status, installation_method, logging

from ._output import out

logger = logging.get_logger(__name__)

_CHECK_INTERVAL_SECONDS = 24 * 3600
_REQUEST_TIMEOUT_SECONDS = 2
_PYPI_URL = "https://pypi.org/pypi/{library}/json"
_BREW_URL = "https://formulae.brew.sh/api/formula/hf.json"

LibraryName = Literal["huggingface_hub", "transformers"]


def check_cli_update(library: LibraryName) -> None:
    """Print a hint when a newer release of ``library`` is on PyPI (or Homebrew, for a brew install).

    Runs at most once per 24 hours (stamp file in ``HF_HOME``); never raises.

    Args:
        library: ``"huggingface_hub"`` (the ``hf`` CLI) or ``"transformers"`` (its CLI).
    """
    try:
        _check(library)
    except Exception:
        logger.debug("Error while checking for CLI update.", exc_info=True)


def is_release_version(version: str) -> bool:
    """False for pre-releases, dev builds and local builds (``rc``, ``dev``, ``+label``)."""
    return not any(marker in version for marker in ("rc", "dev", "+"))


def _check(library: LibraryName) -> None:
    if constants.HF_HUB_DISABLE_UPDATE_CHECK or constants.HF_HUB_OFFLINE:
        return
    current = __version__ if library == "huggingface_hub" else importlib.metadata.version(library)
    if not is_release_version(current):
        return

    stamp = Path(constants.CHECK_FOR_UPDATE_DONE_PATH)
    if stamp.exists() and time.time() - stamp.stat().st_mtime < _CHECK_INTERVAL_SECONDS:
        return
    # Stamped before the request: an unreachable index must not cost 2 s on every invocation.
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.touch()

    method = installation_method()  # brew, hf_installer, pip or unknown
    if library == "huggingface_hub" and method == "brew":
        latest = _fetch_json_field(_BREW_URL, ("versions", "stable"))
    else:
        latest = _fetch_json_field(_PYPI_URL.format(library=library), ("info", "version"))
    if latest is None or latest == current:
        return

    message = f"A new version of {library} ({latest}) is available! You are using version {current}."
    if library == "huggingface_hub":
        if method != "unknown":
            message += "\nTo update, run: hf update"
    else:
        command = _transformers_update_command(method)
        if command is not None:
            message += f"\nTo update, run: {command}"
    out.hint(message)


def _fetch_json_field(url: str, path: tuple[str, ...]) -> str | None:
    """``response.json()[path[0]][path[1]]...`` of a GET on ``url``, or None on any failure."""
    try:
        response = get_session().get(url, timeout=_REQUEST_TIMEOUT_SECONDS)
        hf_raise_for_status(response)
        value = response.json()
        for key in path:
            value = value[key]
        return str(value)
    except Exception:
        logger.debug("Error while fetching the latest version from %s.", url, exc_info=True)
        return None


def _transformers_update_command(method: str) -> str | None:
    if method == "hf_installer":
        if os.name == "nt":
            return (
                "powershell -NoProfile -Command "
                "& ([scriptblock]::Create((iwr -useb https://hf.co/cli/install.ps1))) -WithTransformers"
            )
        return "bash -c curl -LsSf https://hf.co/cli/install.sh | bash -s -- --with-transformers"
    if method == "pip":
        return f"{sys.executable} -m pip install -U transformers"
    return None
