"""Test isolation shared by every test: nothing touches the real Hugging Face home or git configuration, and nothing
calls the Hub.

`huggingface_hub.constants` reads the environment once, at import, so changing environment variables during a test
has no effect on the package: the fixture below patches the module attributes instead (code must read
``constants.X`` at call time for this to work). It also sets the matching environment variables, for tests that
start a subprocess.
"""

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from huggingface_hub import constants
from huggingface_hub.local_hub import LocalHub

# Token sources that would leak the developer's (or the CI's) identity into a test.
_TOKEN_ENV_VARS = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE", "HF_OIDC_ID_TOKEN")
# Path variables that would win over HF_HOME in a subprocess.
_PATH_ENV_VARS = (
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",
    "HF_ASSETS_CACHE",
    "HUGGINGFACE_ASSETS_CACHE",
    "HF_XET_CACHE",
    "HF_TOKEN_PATH",
)


@pytest.fixture(autouse=True)
def isolated_hf_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Give each test an empty HF_HOME (returned, for tests that want to look inside), an empty global git
    configuration, no token and no telemetry."""
    hf_home = tmp_path_factory.mktemp("hf_home")
    token_path = hf_home / "token"

    for name, value in {
        "HF_HOME": hf_home,
        "HF_HUB_CACHE": hf_home / "hub",
        "HF_XET_CACHE": hf_home / "xet",
        "HF_ASSETS_CACHE": hf_home / "assets",
        "HF_TOKEN_PATH": token_path,
        "HF_STORED_TOKENS_PATH": hf_home / "stored_tokens",
        # Derived from HF_HOME at import time as well; written by the CLI and by agent detection.
        "CHECK_FOR_UPDATE_DONE_PATH": hf_home / ".check_for_update_done",
        "CHECK_FOR_SKILL_UPDATE_DONE_PATH": hf_home / ".check_for_skill_update_done",
        "AGENT_HARNESSES_PATH": hf_home / ".agent_harnesses.json",
    }.items():
        monkeypatch.setattr(constants, name, str(value))

    # With telemetry off, building a user-agent does not fetch the agent-harness registry; the CLI's update check
    # would query PyPI.
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_UPDATE_CHECK", True)

    for name in _TOKEN_ENV_VARS + _PATH_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HOME", str(hf_home))
    # `logout()` always runs `git credential reject` for the endpoint: keep git away from the user's configuration
    # and credential helpers (and from the system-wide configuration).
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path_factory.mktemp("git") / "config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_UPDATE_CHECK", "1")

    _reset_token_caches(monkeypatch)
    yield hf_home


def _reset_token_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget what earlier tests resolved (OAuth refresh decisions, OIDC tokens, Colab secret, whoami answers).

    Only modules already imported need it, and looking them up in `sys.modules` keeps this fixture from importing
    (and so depending on) every module of the package.
    """
    auth = sys.modules.get("huggingface_hub.utils._auth")
    if auth is not None:
        for name, value in {
            "_OAUTH_REFRESH_CACHE": None,
            "_OAUTH_REFRESH_WARNED": False,
            "_OIDC_TOKEN_CACHE": None,
            "_IS_GOOGLE_COLAB_CHECKED": False,
            "_GOOGLE_COLAB_SECRET": None,
        }.items():
            monkeypatch.setattr(auth, name, value)
    hf_api = sys.modules.get("huggingface_hub.hf_api")
    if hf_api is not None:
        monkeypatch.setattr(hf_api.api, "_whoami_cache", {})


@pytest.fixture
def lfs_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    """LFS-mode files go through the LFS protocol (batch API, basic or multipart PUTs) instead of Xet storage, as
    with ``HF_HUB_DISABLE_XET=1``: for the tests of that protocol and its faults."""
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    """A running local Hub (in this process, on 127.0.0.1:0) whose data lives in the test's tmp_path."""
    with LocalHub(tmp_path / "hub-data") as hub:
        yield hub


@pytest.fixture
def alice_token(local_hub: LocalHub) -> str:
    """A write token of user ``alice`` on `local_hub`."""
    return local_hub.create_user("alice")


@pytest.fixture(scope="session")
def upstream_venv() -> Path:
    """Upstream huggingface_hub's interpreter (tests/unit/_upstream_oracle.py), made on first use; skips when it
    cannot be made (no package registry)."""
    from tools.compat.upstream_env import UPSTREAM_VERSION, default_venv_path, ensure_upstream_venv

    configured = os.environ.get("HFH_UPSTREAM_PYTHON")
    if configured:
        return Path(configured)
    try:
        return ensure_upstream_venv(default_venv_path(UPSTREAM_VERSION), log=lambda message: None)
    except Exception as error:  # no network, no venv module, ...: nothing to compare with
        pytest.skip(f"upstream huggingface_hub {UPSTREAM_VERSION} unavailable: {error}")
