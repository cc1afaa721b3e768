"""What the running environment offers: optional packages and their versions, notebooks, Colab.

Versions come from installed distribution metadata, never from importing the package (importing
torch or tensorflow to read a version would cost seconds). Each lookup is made once per process,
on first use, and kept in `_package_versions` (tests may pre-fill it).
"""

import builtins
import importlib.metadata
import importlib.util
import os
import platform
import sys
import warnings
from pathlib import Path
from typing import Any, Literal

from .. import __version__, constants

_PY_VERSION: str = sys.version.split()[0].rstrip("+")

# Candidate name -> the distributions that provide it (first installed one wins).
_CANDIDATES: dict[str, tuple[str, ...]] = {
    "aiohttp": ("aiohttp",),
    "fastai": ("fastai",),
    "fastapi": ("fastapi",),
    "fastcore": ("fastcore",),
    "gradio": ("gradio",),
    "graphviz": ("graphviz",),
    "hf_xet": ("hf_xet",),
    "jinja": ("Jinja2",),
    "httpx": ("httpx",),
    "keras": ("keras",),
    "numpy": ("numpy",),
    "pillow": ("Pillow",),
    "pydantic": ("pydantic",),
    "pydot": ("pydot",),
    "requests": ("requests",),
    "safetensors": ("safetensors",),
    "tensorboard": ("tensorboardX",),
    "tensorflow": (
        "tensorflow",
        "tensorflow-cpu",
        "tensorflow-gpu",
        "tf-nightly",
        "tf-nightly-cpu",
        "tf-nightly-gpu",
        "intel-tensorflow",
        "intel-tensorflow-avx512",
        "tensorflow-rocm",
        "tensorflow-macos",
    ),
    "torch": ("torch",),
}

_NOT_AVAILABLE = "N/A"
_package_versions: dict[str, str] = {}


def _get_version(package_name: str) -> str:
    """Installed version of a known candidate, or `"N/A"`."""
    if package_name not in _package_versions:
        version = _NOT_AVAILABLE
        for distribution in _CANDIDATES.get(package_name, ()):
            try:
                version = importlib.metadata.version(distribution)
                break
            except importlib.metadata.PackageNotFoundError:
                continue
        _package_versions[package_name] = version
    return _package_versions[package_name]


def is_package_available(package_name: str) -> bool:
    """Whether a known optional package (`"torch"`, `"numpy"`, `"jinja"`...) is installed."""
    return _get_version(package_name) != _NOT_AVAILABLE


def get_python_version() -> str:
    """Python version, e.g. `"3.11.7"`."""
    return _PY_VERSION


def get_hf_hub_version() -> str:
    """Version of this package."""
    return __version__


def is_aiohttp_available() -> bool:
    return is_package_available("aiohttp")


def get_aiohttp_version() -> str:
    return _get_version("aiohttp")


def is_fastai_available() -> bool:
    return is_package_available("fastai")


def get_fastai_version() -> str:
    return _get_version("fastai")


def is_fastapi_available() -> bool:
    return is_package_available("fastapi")


def get_fastapi_version() -> str:
    return _get_version("fastapi")


def is_fastcore_available() -> bool:
    return is_package_available("fastcore")


def get_fastcore_version() -> str:
    return _get_version("fastcore")


def is_gradio_available() -> bool:
    return is_package_available("gradio")


def get_gradio_version() -> str:
    return _get_version("gradio")


def is_graphviz_available() -> bool:
    return is_package_available("graphviz")


def get_graphviz_version() -> str:
    return _get_version("graphviz")


def is_httpx_available() -> bool:
    return is_package_available("httpx")


def get_httpx_version() -> str:
    return _get_version("httpx")


def is_xet_available() -> bool:
    """Whether Xet storage will be used for uploads: unless disabled with `HF_HUB_DISABLE_XET`.

    Upstream answers whether `hf_xet` is installed (and not disabled); here the Xet client is built into the package,
    so only the switch decides. A Hub that does not offer Xet still gets LFS uploads.
    """
    return not constants.HF_HUB_DISABLE_XET


def get_xet_version() -> str:
    return _get_version("hf_xet")


def is_keras_available() -> bool:
    return is_package_available("keras")


def get_keras_version() -> str:
    return _get_version("keras")


def is_numpy_available() -> bool:
    return is_package_available("numpy")


def get_numpy_version() -> str:
    return _get_version("numpy")


def is_jinja_available() -> bool:
    return is_package_available("jinja")


def get_jinja_version() -> str:
    return _get_version("jinja")


def is_pillow_available() -> bool:
    return is_package_available("pillow")


def get_pillow_version() -> str:
    return _get_version("pillow")


def is_pydantic_available() -> bool:
    """Whether pydantic is installed *and* importable.

    A broken install (e.g. pydantic 2 next to a too old typing_extensions) fails at import time; it
    is reported as unavailable, with a warning, rather than breaking whoever asked.
    """
    if not is_package_available("pydantic"):
        return False
    try:
        from pydantic import validator  # noqa: F401
    except ImportError as e:
        warnings.warn(
            "Pydantic is installed but cannot be imported. Please check your installation. `huggingface_hub` will "
            f"default to not using Pydantic. Error message: '{e}'",
            stacklevel=2,
        )
        return False
    return True


def get_pydantic_version() -> str:
    return _get_version("pydantic")


def is_pydot_available() -> bool:
    return is_package_available("pydot")


def get_pydot_version() -> str:
    return _get_version("pydot")


def is_tensorboard_available() -> bool:
    return is_package_available("tensorboard")


def get_tensorboard_version() -> str:
    return _get_version("tensorboard")


def is_tf_available() -> bool:
    return is_package_available("tensorflow")


def get_tf_version() -> str:
    return _get_version("tensorflow")


def is_torch_available() -> bool:
    return is_package_available("torch")


def get_torch_version() -> str:
    return _get_version("torch")


def is_safetensors_available() -> bool:
    return is_package_available("safetensors")


# ---------------------------------------------------------------------------
# Interpreter and hosting
# ---------------------------------------------------------------------------


def _ipython_shell() -> Any:
    """The running IPython shell, or `None` in a plain interpreter."""
    # IPython installs `get_ipython` as a builtin while a shell runs; its absence means no shell.
    get_ipython = getattr(builtins, "get_ipython", None)
    if not callable(get_ipython):
        return None
    try:
        return get_ipython()
    except Exception:
        return None


def is_notebook() -> bool:
    """Whether the code runs in a notebook kernel (Jupyter, Colab, qtconsole), not a terminal."""
    shell = _ipython_shell()
    return shell is not None and any(cls.__name__ == "ZMQInteractiveShell" for cls in type(shell).__mro__)


def is_google_colab() -> bool:
    """Whether the code runs in Google Colab."""
    shell = _ipython_shell()
    return shell is not None and "google.colab" in str(shell)


def is_colab_enterprise() -> bool:
    """Whether the code runs in Google Colab Enterprise (Vertex AI)."""
    return os.environ.get("VERTEX_PRODUCT") == "COLAB_ENTERPRISE"


def installation_method() -> Literal["brew", "hf_installer", "pip", "unknown"]:
    """How this environment was installed.

    `"hf_installer"` for the official install script, `"brew"` for Homebrew, `"pip"` when pip is
    importable, else `"unknown"`. The installer check comes first: it creates a virtualenv from the
    system Python, which can be Homebrew's.
    """
    if (Path(sys.prefix) / ".hf_installer_marker").exists():
        return "hf_installer"
    # sys.prefix, not sys.executable: the latter points into Homebrew's Python for any venv built from it.
    if "/Cellar/hf/" in str(Path(sys.prefix).resolve()):
        return "brew"
    if importlib.util.find_spec("pip") is not None:
        return "pip"
    return "unknown"


def dump_environment_info() -> dict[str, Any]:
    """Print, and return, what maintainers need to know about this machine in a bug report.

    The token itself is never shown: only whether one is saved, and the account name it belongs to.
    """
    from ._auth import get_token
    from ._detect_agent import is_agent

    token = get_token()
    info: dict[str, Any] = {
        "huggingface_hub version": get_hf_hub_version(),
        "Platform": platform.platform(),
        "Python version": get_python_version(),
    }

    shell = _ipython_shell()
    info["Running in iPython ?"] = "Yes" if shell is not None else "No"
    if shell is not None:
        info["iPython shell"] = type(shell).__name__
    info["Running in notebook ?"] = "Yes" if is_notebook() else "No"
    info["Running in Google Colab ?"] = "Yes" if is_google_colab() else "No"
    info["Running in Google Colab Enterprise ?"] = "Yes" if is_colab_enterprise() else "No"

    info["Token path ?"] = constants.HF_TOKEN_PATH
    info["Has saved token ?"] = token is not None
    if token is not None:
        try:
            from ..hf_api import whoami

            info["Who am I ?"] = whoami()["name"]
        except Exception:
            pass  # offline, invalid token...: the rest of the report is still useful
    try:
        from ._git_credential import list_credential_helpers

        info["Configured git credential helpers"] = ", ".join(list_credential_helpers())
    except Exception:
        pass
    info["Run by AI agent ?"] = "Yes" if is_agent() else "No"
    info["Installation method"] = installation_method()

    info["httpx"] = get_httpx_version()
    info["hf_xet"] = get_xet_version()
    info["gradio"] = get_gradio_version()
    info["tensorboard"] = get_tensorboard_version()

    for setting in (
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
    ):
        info[setting] = getattr(constants, setting)

    print("\nCopy-and-paste the text below in your GitHub issue.\n")
    print("\n".join(f"- {key}: {value}" for key, value in info.items()) + "\n")
    return info
