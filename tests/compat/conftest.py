"""Fixtures of the compatibility tests: upstream huggingface_hub in a virtualenv of its own."""

from pathlib import Path

import pytest

from tools.compat.upstream_env import UPSTREAM_VERSION, default_venv_path, ensure_upstream_venv


@pytest.fixture(scope="session")
def upstream_python() -> Path:
    """The interpreter of upstream's virtualenv, made on first use; skips when it cannot be made (no registry)."""
    try:
        return ensure_upstream_venv(default_venv_path(UPSTREAM_VERSION), log=lambda message: None)
    except Exception as error:  # no network, no venv module, ...: nothing to compare with
        pytest.skip(f"upstream huggingface_hub {UPSTREAM_VERSION} unavailable: {error}")
