"""Environment introspection: package versions, notebooks and Colab, installation method, `dump_environment_info`."""

import builtins
import importlib.metadata
import sys

import pytest
from _upstream_oracle import ours_and_upstream, upstream_compat

from huggingface_hub import __version__, constants
from huggingface_hub.utils import (
    _runtime,
    dump_environment_info,
    get_hf_hub_version,
    get_numpy_version,
    get_python_version,
    get_torch_version,
    installation_method,
    is_colab_enterprise,
    is_google_colab,
    is_notebook,
    is_numpy_available,
    is_package_available,
    is_torch_available,
)

TOKEN = "hf_SECRETtokenVALUE0123456789"

# Keys printed by upstream 1.29, in order (optional ones marked by the tests below).
UPSTREAM_KEYS = [
    "huggingface_hub version",
    "Platform",
    "Python version",
    "Running in iPython ?",
    "Running in notebook ?",
    "Running in Google Colab ?",
    "Running in Google Colab Enterprise ?",
    "Token path ?",
    "Has saved token ?",
    "Configured git credential helpers",
    "Run by AI agent ?",
    "Installation method",
    "httpx",
    "hf_xet",
    "gradio",
    "tensorboard",
    "ENDPOINT",
    "HF_HUB_CACHE",
    "HF_ASSETS_CACHE",
    "HF_TOKEN_PATH",
    "HF_STORED_TOKENS_PATH",
    "HF_HUB_OFFLINE",
    "HF_HUB_DISABLE_TELEMETRY",
    "HF_HUB_DISABLE_PROGRESS_BARS",
    "HF_HUB_DISABLE_SYMLINKS",
    "HF_HUB_DISABLE_SYMLINKS_WARNING",
    "HF_HUB_DISABLE_EXPERIMENTAL_WARNING",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN",
    "HF_HUB_DISABLE_XET",
    "HF_HUB_ETAG_TIMEOUT",
    "HF_HUB_DOWNLOAD_TIMEOUT",
    "HF_XET_HIGH_PERFORMANCE",
]


@pytest.fixture
def versions(monkeypatch):
    """A private version table, so tests can pretend packages are (not) installed."""
    table: dict[str, str] = {}
    monkeypatch.setattr(_runtime, "_package_versions", table)
    return table


@pytest.fixture
def no_agent(monkeypatch):
    from huggingface_hub.utils import _detect_agent

    monkeypatch.setattr(_detect_agent, "_registry", {"standardEnvVars": [], "harnesses": {}})


def test_versions_of_this_package_and_python():
    assert get_hf_hub_version() == __version__
    assert get_python_version() == ".".join(map(str, sys.version_info[:3]))


def test_installed_package_versions_come_from_metadata(versions):
    assert _runtime._get_version("requests") == importlib.metadata.version("requests")
    assert versions["requests"] == importlib.metadata.version("requests")  # cached after the first lookup


def test_missing_and_unknown_packages(versions):
    versions["torch"] = "N/A"
    assert not is_torch_available() and get_torch_version() == "N/A"
    assert not is_package_available("not-a-candidate")


def test_availability_follows_the_version_table(versions):
    versions["numpy"] = "2.1.0"
    assert is_numpy_available() and get_numpy_version() == "2.1.0"


def test_xet_can_be_disabled(versions, monkeypatch):
    versions["hf_xet"] = "1.8.0"
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", False)
    assert _runtime.is_xet_available()
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    assert not _runtime.is_xet_available()


def test_every_public_helper_answers(versions):
    for name in dir(_runtime):
        if (
            name.startswith(("is_", "get_"))
            and name.endswith(("_available", "_version"))
            and name != "is_package_available"
        ):
            assert isinstance(getattr(_runtime, name)(), bool | str), name


def test_plain_interpreter_is_neither_notebook_nor_colab(monkeypatch):
    monkeypatch.delattr(builtins, "get_ipython", raising=False)
    assert not is_notebook() and not is_google_colab()


def test_notebook_and_colab_detection_from_the_ipython_shell(monkeypatch):
    class ZMQInteractiveShell:
        pass

    class Shell(ZMQInteractiveShell):
        def __str__(self) -> str:
            return "<google.colab._shell.Shell object>"

    monkeypatch.setattr(builtins, "get_ipython", Shell, raising=False)
    assert is_notebook() and is_google_colab()

    class TerminalInteractiveShell:
        pass

    monkeypatch.setattr(builtins, "get_ipython", TerminalInteractiveShell, raising=False)
    assert not is_notebook() and not is_google_colab()


def test_colab_enterprise(monkeypatch):
    monkeypatch.setenv("VERTEX_PRODUCT", "COLAB_ENTERPRISE")
    assert is_colab_enterprise()
    monkeypatch.setenv("VERTEX_PRODUCT", "OTHER")
    assert not is_colab_enterprise()


def test_installation_method(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert installation_method() == "pip"  # pip is installed in the test environment
    (tmp_path / ".hf_installer_marker").touch()
    assert installation_method() == "hf_installer"
    brew_prefix = tmp_path / "Cellar" / "hf" / "1.0" / "libexec"
    brew_prefix.mkdir(parents=True)
    monkeypatch.setattr(sys, "prefix", str(brew_prefix))
    assert installation_method() == "brew"
    monkeypatch.setattr(_runtime.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "nowhere"))
    assert installation_method() == "unknown"


def test_dump_environment_info_without_token(capsys, no_agent):
    info = dump_environment_info()
    printed = capsys.readouterr().out
    assert printed.startswith("\nCopy-and-paste the text below in your GitHub issue.\n\n- huggingface_hub version: ")
    assert [key for key in UPSTREAM_KEYS if key in info] == list(info)  # same keys, same order
    assert set(UPSTREAM_KEYS) - set(info) <= {"Configured git credential helpers"}  # only when git is missing
    assert info["Has saved token ?"] is False and "Who am I ?" not in info
    assert info["Token path ?"] == constants.HF_TOKEN_PATH
    assert f"- HF_HUB_CACHE: {constants.HF_HUB_CACHE}\n" in printed
    assert printed.endswith("\n\n")


def test_dump_environment_info_never_shows_the_token(capsys, no_agent, monkeypatch):
    with open(constants.HF_TOKEN_PATH, "w") as f:
        f.write(TOKEN)
    monkeypatch.setattr("huggingface_hub.hf_api.whoami", lambda *args, **kwargs: {"name": "alice"}, raising=False)
    info = dump_environment_info()
    printed = capsys.readouterr().out
    assert info["Has saved token ?"] is True
    assert info.get("Who am I ?") in ("alice", None)  # None if whoami is unavailable
    assert TOKEN not in printed and TOKEN not in repr(info)


_KEYS_SNIPPET = r"""
import contextlib, io, json
from huggingface_hub.utils import dump_environment_info
with contextlib.redirect_stdout(io.StringIO()):
    info = dump_environment_info()
print(json.dumps(list(info)))
"""


@upstream_compat
def test_dump_environment_info_keys_match_upstream(tmp_path):
    env = {"HF_HOME": str(tmp_path), "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_OFFLINE": "1", "HF_TOKEN": ""}
    ours, upstream = ours_and_upstream(_KEYS_SNIPPET, **env)
    assert ours == upstream
