"""Tell whether the process was started by an AI coding agent, and which one.

Agents ("harnesses") mark the shells they open with environment variables. Which variables mean
which harness is not hard-coded: the Hub publishes the list at `{ENDPOINT}/api/agent-harnesses`.
It is fetched at most once a day (3 s timeout, never in offline mode, never with telemetry
disabled) and kept in `constants.AGENT_HARNESSES_PATH` (`$HF_HOME/.agent_harnesses.json`).

Detection is best effort and must never break the caller: any failure to fetch, read or write the
list is logged at DEBUG level and detection then falls back to a stale copy, or to "no agent".
See https://huggingface.co/docs/hub/agents-overview#register-your-agent-harness.
"""

import json
import os
import tempfile
import time
from typing import Optional, TypedDict, cast

from .. import constants
from . import logging

logger = logging.get_logger(__name__)

_REGISTRY_TTL_SECONDS = 24 * 3600
# Detection only decorates the user-agent: never keep the caller waiting long for it.
_REGISTRY_FETCH_TIMEOUT = 3


class HarnessInfo(TypedDict, total=False):
    """One harness of the registry. `envVars` maps a variable name to `"*"` (any non-empty value)
    or to the exact value that identifies the harness."""

    envVars: dict[str, str]


class Registry(TypedDict):
    """The registry as served by the Hub: the generic variables, and the harnesses in priority order."""

    standardEnvVars: list[str]
    harnesses: dict[str, HarnessInfo]


_EMPTY_REGISTRY: Registry = {"standardEnvVars": [], "harnesses": {}}

# Resolved once per process, on first detection.
_registry: Registry | None = None


def detect_agent() -> Optional[str]:
    """Id of the AI agent harness running this process, `"unknown"` for an unlisted one, else `None`.

    Harnesses are tried in registry order, first by their own variables, then by the generic
    variables (`AI_AGENT`, `AGENT`...) naming them; the first match wins. A generic variable set to
    a name the registry does not know gives `"unknown"`.
    """
    registry = _get_registry()
    standard_vars = registry.get("standardEnvVars") or []
    harnesses = registry.get("harnesses") or {}

    for harness_id, info in harnesses.items():
        own_vars = (info or {}).get("envVars")
        if own_vars and _env_vars_match(own_vars):
            return harness_id
        if any(os.environ.get(var, "").strip() == harness_id for var in standard_vars):
            return harness_id

    known_ids = {harness_id.lower() for harness_id in harnesses}
    for var in standard_vars:
        value = os.environ.get(var, "").strip().lower()
        if value:
            return value if value in known_ids else "unknown"
    return None


def is_agent() -> bool:
    """Whether an AI agent harness runs this process."""
    return detect_agent() is not None


def _env_vars_match(env_vars: dict[str, str]) -> bool:
    """Whether one of the variables is set to its expected value (`"*"`: any non-empty value)."""
    for name, expected in env_vars.items():
        value = os.environ.get(name)
        if value and (expected == "*" or value == expected):
            return True
    return False


def _get_registry() -> Registry:
    """The registry, resolved on first use and then kept for the life of the process."""
    global _registry
    if _registry is None:
        try:
            _registry = _load_registry()
        except Exception:
            logger.debug("Could not resolve agent harnesses registry.", exc_info=True)
            _registry = _EMPTY_REGISTRY
    return _registry


def _load_registry() -> Registry:
    """A fresh cached copy, else the Hub's list (cached for next time), else a stale copy, else empty."""
    path = constants.AGENT_HARNESSES_PATH
    fresh = _read_cached_registry(path, max_age=_REGISTRY_TTL_SECONDS)
    if fresh:
        return fresh
    fetched = _fetch_registry()
    if fetched is not None:
        _write_cached_registry(path, fetched)
        return fetched
    return _read_cached_registry(path, max_age=None) or _EMPTY_REGISTRY


def _read_cached_registry(path: str, max_age: int | None) -> Registry | None:
    """The cached registry, or `None` if missing, older than `max_age` seconds, or unreadable."""
    try:
        if not os.path.exists(path):
            return None
        if max_age is not None and time.time() - os.path.getmtime(path) >= max_age:
            return None
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        return cast(Registry, data) if isinstance(data, dict) else None
    except Exception:
        logger.debug("Could not read cached agent harnesses registry.", exc_info=True)
        return None


def _write_cached_registry(path: str, registry: Registry) -> None:
    """Save the registry; written to a temporary file then renamed, so readers never see half a file."""
    try:
        folder = os.path.dirname(path) or "."
        os.makedirs(folder, exist_ok=True)
        fd, tmp_path = tempfile.mkstemp(dir=folder, prefix=".agent_harnesses.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(registry, f)
            os.replace(tmp_path, path)
        except BaseException:
            os.unlink(tmp_path)
            raise
    except Exception:
        logger.debug("Could not cache agent harnesses registry.", exc_info=True)


def _fetch_registry() -> Registry | None:
    """Download the registry from the Hub; `None` when offline, when telemetry is off, or on any error."""
    if constants.HF_HUB_OFFLINE or constants.HF_HUB_DISABLE_TELEMETRY:
        return None
    try:
        from ._http import get_session

        response = get_session().get(f"{constants.ENDPOINT}/api/agent-harnesses", timeout=_REGISTRY_FETCH_TIMEOUT)
        response.raise_for_status()
        data = response.json()
        return cast(Registry, data) if isinstance(data, dict) else None
    except Exception:
        logger.debug("Could not fetch agent harnesses registry from the Hub.", exc_info=True)
        return None
