"""Package-wide constants and the settings read from environment variables.

Every environment variable is read exactly once, when this module is first imported. Code elsewhere must
read ``constants.X`` at call time (never ``from .constants import X`` for a setting) so that tests and
applications can change a setting by assigning the module attribute.

Parsing rules, kept identical to upstream ``huggingface_hub``:

- a boolean variable is true iff its upper-cased value is one of ``ENV_VARS_TRUE_VALUES``;
- a path variable has ``~`` and ``$VARS`` expanded (except the legacy ones and ``HF_XET_CACHE``);
- a timeout variable goes through ``int(value) or default``, so ``0`` means the default and a
  non-integer value makes the import fail loudly.
"""

import os
import re
import typing
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

# ---------------------------------------------------------------------------
# Parsing helpers
# ---------------------------------------------------------------------------

ENV_VARS_TRUE_VALUES = {"1", "ON", "YES", "TRUE"}
ENV_VARS_TRUE_AND_AUTO_VALUES = ENV_VARS_TRUE_VALUES.union({"AUTO"})


def _is_true(value: str | None) -> bool:
    """Interpret an environment value as a boolean flag (unset counts as false)."""
    return value is not None and value.upper() in ENV_VARS_TRUE_VALUES


def _as_int(value: str | None) -> int | None:
    """Parse an optional integer; a malformed value raises ``ValueError`` on purpose."""
    return None if value is None else int(value)


def _expand_path(path: str) -> str:
    return os.path.expandvars(os.path.expanduser(path))


# ---------------------------------------------------------------------------
# File names and sizes
# ---------------------------------------------------------------------------

PYTORCH_WEIGHTS_NAME = "pytorch_model.bin"
TF2_WEIGHTS_NAME = "tf_model.h5"
TF_WEIGHTS_NAME = "model.ckpt"
FLAX_WEIGHTS_NAME = "flax_model.msgpack"
CONFIG_NAME = "config.json"
REPOCARD_NAME = "README.md"
EVAL_RESULTS_FOLDER = ".eval_results"

PYTORCH_WEIGHTS_FILE_PATTERN = "pytorch_model{suffix}.bin"  # pickle-based: safetensors is preferred
SAFETENSORS_WEIGHTS_FILE_PATTERN = "model{suffix}.safetensors"
TF2_WEIGHTS_FILE_PATTERN = "tf_model{suffix}.h5"

SAFETENSORS_SINGLE_FILE = "model.safetensors"
SAFETENSORS_INDEX_FILE = "model.safetensors.index.json"
SAFETENSORS_MAX_HEADER_LENGTH = 25_000_000

DEFAULT_ETAG_TIMEOUT = 10
DEFAULT_DOWNLOAD_TIMEOUT = 10
DEFAULT_REQUEST_TIMEOUT = 10
DOWNLOAD_CHUNK_SIZE = 10 * 1024 * 1024
MAX_HTTP_DOWNLOAD_SIZE = 50 * 1000 * 1000 * 1000  # 50 GB: beyond this, plain HTTP downloads are refused

# How often a process waiting for a file lock reports that it is still waiting.
FILELOCK_LOG_EVERY_SECONDS = 10

# ---------------------------------------------------------------------------
# Git and repositories
# ---------------------------------------------------------------------------

DEFAULT_REVISION = "main"
REGEX_COMMIT_OID = re.compile(r"[A-Fa-f0-9]{5,40}")

# Forbidden inside a repo_id on the Hub, which is why it can safely join "namespace" and "name" in cache folders.
REPO_ID_SEPARATOR = "--"

REPO_TYPE_DATASET = "dataset"
REPO_TYPE_SPACE = "space"
REPO_TYPE_MODEL = "model"
REPO_TYPE_KERNEL = "kernel"
REPO_TYPES = [None, REPO_TYPE_MODEL, REPO_TYPE_DATASET, REPO_TYPE_SPACE]
REPO_TYPES_WITH_KERNEL = REPO_TYPES + [REPO_TYPE_KERNEL]
SPACES_SDK_TYPES = ["gradio", "streamlit", "docker", "static"]

REPO_TYPES_URL_PREFIXES = {
    REPO_TYPE_DATASET: "datasets/",
    REPO_TYPE_SPACE: "spaces/",
    REPO_TYPE_KERNEL: "kernels/",
}
REPO_TYPES_MAPPING = {
    "datasets": REPO_TYPE_DATASET,
    "spaces": REPO_TYPE_SPACE,
    "models": REPO_TYPE_MODEL,
    "kernels": REPO_TYPE_KERNEL,
}

# ``hf://`` URIs: plural prefix as written in a URI -> canonical type name.
HF_PROTOCOL = "hf://"
HfUriType = Literal["model", "dataset", "space", "kernel", "bucket"]
HF_URI_TYPE_PREFIXES: dict[str, HfUriType] = {
    "models": "model",
    "datasets": "dataset",
    "spaces": "space",
    "kernels": "kernel",
    "buckets": "bucket",
}

DiscussionTypeFilter = Literal["all", "discussion", "pull_request"]
DISCUSSION_TYPES: tuple[DiscussionTypeFilter, ...] = typing.get_args(DiscussionTypeFilter)
DiscussionStatusFilter = Literal["all", "open", "closed"]
# Typed with the *type* filter upstream (a harmless slip kept for identical annotations).
DISCUSSION_STATUS: tuple[DiscussionTypeFilter, ...] = typing.get_args(DiscussionStatusFilter)

WEBHOOK_DOMAIN_T = Literal["repo", "discussions"]

# ---------------------------------------------------------------------------
# Endpoints
# ---------------------------------------------------------------------------

HUGGINGFACE_CO_URL_HOME = "https://huggingface.co/"

_staging_mode = _is_true(os.environ.get("HUGGINGFACE_CO_STAGING"))

_HF_DEFAULT_ENDPOINT = "https://huggingface.co"
_HF_DEFAULT_STAGING_ENDPOINT = "https://hub-ci.huggingface.co"

# Staging wins over HF_ENDPOINT: the test suites of dependent libraries rely on it.
ENDPOINT = (
    _HF_DEFAULT_STAGING_ENDPOINT if _staging_mode else os.getenv("HF_ENDPOINT", _HF_DEFAULT_ENDPOINT).rstrip("/")
)
HUGGINGFACE_CO_URL_TEMPLATE = ENDPOINT + "/{repo_id}/resolve/{revision}/{filename}"

# Hosts whose web URLs may be turned into ``hf://`` URIs. The configured endpoint's host is included so that
# self-hosted Hubs work.
HF_URL_HOSTS: frozenset[str] = frozenset(
    {"hf.co"}
    | {
        host.lower()
        for host in (
            urlsplit(_HF_DEFAULT_ENDPOINT).hostname,
            urlsplit(_HF_DEFAULT_STAGING_ENDPOINT).hostname,
            urlsplit(ENDPOINT).hostname,
        )
        if host
    }
)

DATASETS_SERVER_ENDPOINT = "https://datasets-server.huggingface.co"

INFERENCE_ENDPOINT = os.environ.get("HF_INFERENCE_ENDPOINT", "https://api-inference.huggingface.co")
INFERENCE_ENDPOINTS_ENDPOINT = "https://api.endpoints.huggingface.cloud/v2"
INFERENCE_CATALOG_ENDPOINT = "https://endpoints.huggingface.co/api/catalog"
INFERENCE_PROXY_TEMPLATE = "https://router.huggingface.co/{provider}"

# ---------------------------------------------------------------------------
# HTTP headers
# ---------------------------------------------------------------------------

HUGGINGFACE_HEADER_X_REPO_COMMIT = "X-Repo-Commit"
HUGGINGFACE_HEADER_X_LINKED_ETAG = "X-Linked-Etag"
HUGGINGFACE_HEADER_X_LINKED_SIZE = "X-Linked-Size"
HUGGINGFACE_HEADER_X_BILL_TO = "X-HF-Bill-To"

HUGGINGFACE_HEADER_X_XET_ENDPOINT = "X-Xet-Cas-Url"
HUGGINGFACE_HEADER_X_XET_ACCESS_TOKEN = "X-Xet-Access-Token"
HUGGINGFACE_HEADER_X_XET_EXPIRATION = "X-Xet-Token-Expiration"
HUGGINGFACE_HEADER_X_XET_HASH = "X-Xet-Hash"
HUGGINGFACE_HEADER_X_XET_REFRESH_ROUTE = "X-Xet-Refresh-Route"
HUGGINGFACE_HEADER_LINK_XET_AUTH_KEY = "xet-auth"

# ---------------------------------------------------------------------------
# Local folders (cache, token, markers)
# ---------------------------------------------------------------------------

default_home = os.path.join(os.path.expanduser("~"), ".cache")
HF_HOME = _expand_path(os.getenv("HF_HOME", os.path.join(os.getenv("XDG_CACHE_HOME", default_home), "huggingface")))

default_cache_path = os.path.join(HF_HOME, "hub")
default_assets_cache_path = os.path.join(HF_HOME, "assets")
default_xet_cache_path = os.path.join(HF_HOME, "xet")

# Legacy names, still honoured as fallbacks (and, unlike the new ones, not expanded).
HUGGINGFACE_HUB_CACHE = os.getenv("HUGGINGFACE_HUB_CACHE", default_cache_path)
HUGGINGFACE_ASSETS_CACHE = os.getenv("HUGGINGFACE_ASSETS_CACHE", default_assets_cache_path)

HF_HUB_CACHE = _expand_path(os.getenv("HF_HUB_CACHE", HUGGINGFACE_HUB_CACHE))
HF_ASSETS_CACHE = _expand_path(os.getenv("HF_ASSETS_CACHE", HUGGINGFACE_ASSETS_CACHE))
HF_XET_CACHE = os.getenv("HF_XET_CACHE", default_xet_cache_path)

HF_TOKEN_PATH = _expand_path(os.getenv("HF_TOKEN_PATH", os.path.join(HF_HOME, "token")))
HF_STORED_TOKENS_PATH = os.path.join(os.path.dirname(HF_TOKEN_PATH), "stored_tokens")

if _staging_mode:
    # Keep staging tokens and files away from production ones. Like upstream, only the legacy cache constant
    # and the token path move: HF_HUB_CACHE and HF_STORED_TOKENS_PATH were computed above and stay as they are.
    _staging_home = os.path.join(os.path.expanduser("~"), ".cache", "huggingface_staging")
    HUGGINGFACE_HUB_CACHE = os.path.join(_staging_home, "hub")
    HF_TOKEN_PATH = os.path.join(_staging_home, "token")

# Marker files: the CLI checks for a new version / new skill at most once a day.
CHECK_FOR_UPDATE_DONE_PATH = os.path.join(HF_HOME, ".check_for_update_done")
CHECK_FOR_SKILL_UPDATE_DONE_PATH = os.path.join(HF_HOME, ".check_for_skill_update_done")
# Cached copy of the AI-agent harness registry, refreshed at most once a day.
AGENT_HARNESSES_PATH = os.path.join(HF_HOME, ".agent_harnesses.json")

# Where `hf skills add` installs agent skills: project-local or user-level.
AGENTS_SKILLS_LOCAL_PATH = Path(".agents/skills")
AGENTS_SKILLS_GLOBAL_PATH = Path("~/.agents/skills")
CLAUDE_SKILLS_LOCAL_PATH = Path(".claude/skills")
CLAUDE_SKILLS_GLOBAL_PATH = Path("~/.claude/skills")

# ---------------------------------------------------------------------------
# Behaviour switches
# ---------------------------------------------------------------------------

# TRANSFORMERS_OFFLINE is consulted only when HF_HUB_OFFLINE is unset or empty.
HF_HUB_OFFLINE = _is_true(os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE"))


def is_offline_mode() -> bool:
    """Tell whether the Hub must not be contacted.

    In offline mode (``HF_HUB_OFFLINE=1``), every request made through the shared HTTP session raises
    `OfflineModeIsEnabled`; callers can check this first to fall back to what is cached locally.

    Example:
        ```py
        >>> from huggingface_hub import is_offline_mode
        >>> if is_offline_mode():
        ...     ...  # use local files only
        ```
    """
    return HF_HUB_OFFLINE


HF_HUB_DISABLE_UPDATE_CHECK = _is_true(os.environ.get("HF_HUB_DISABLE_UPDATE_CHECK"))

# DEBUG logging, plus a curl rendering of every request.
HF_DEBUG = _is_true(os.environ.get("HF_DEBUG"))

# Any of the three opt-out conventions disables telemetry (and agent detection in the user-agent).
HF_HUB_DISABLE_TELEMETRY = (
    _is_true(os.environ.get("HF_HUB_DISABLE_TELEMETRY"))
    or _is_true(os.environ.get("DISABLE_TELEMETRY"))
    or _is_true(os.environ.get("DO_NOT_TRACK"))
)

# Tri-state on purpose: True forces bars off and False forces them on, whatever the code asks; None (unset)
# lets `enable_progress_bars()` / `disable_progress_bars()` decide.
_progress_bars_env = os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS")
HF_HUB_DISABLE_PROGRESS_BARS: bool | None = None if _progress_bars_env is None else _is_true(_progress_bars_env)
del _progress_bars_env

HF_HUB_DISABLE_SYMLINKS: bool = _is_true(os.environ.get("HF_HUB_DISABLE_SYMLINKS"))
HF_HUB_DISABLE_SYMLINKS_WARNING: bool = _is_true(os.environ.get("HF_HUB_DISABLE_SYMLINKS_WARNING"))
HF_HUB_DISABLE_EXPERIMENTAL_WARNING: bool = _is_true(os.environ.get("HF_HUB_DISABLE_EXPERIMENTAL_WARNING"))
# When set, `token=None` means "send no token" instead of "send the stored one".
HF_HUB_DISABLE_IMPLICIT_TOKEN: bool = _is_true(os.environ.get("HF_HUB_DISABLE_IMPLICIT_TOKEN"))

HF_XET_HIGH_PERFORMANCE: bool = _is_true(os.environ.get("HF_XET_HIGH_PERFORMANCE"))
HF_HUB_DISABLE_XET: bool = _is_true(os.environ.get("HF_HUB_DISABLE_XET"))

if _is_true(os.environ.get("HF_HUB_ENABLE_HF_TRANSFER")) and not HF_XET_HIGH_PERFORMANCE:
    import warnings

    # A FutureWarning rather than a DeprecationWarning: the latter is hidden from end users by default.
    warnings.warn(
        "The `HF_HUB_ENABLE_HF_TRANSFER` environment variable is deprecated as 'hf_transfer' is not used anymore. "
        "Please use `HF_XET_HIGH_PERFORMANCE` instead to enable high performance transfer with Xet. "
        "Visit https://huggingface.co/docs/huggingface_hub/package_reference/environment_variables#hfxethighperformance"
        " for more details.",
        FutureWarning,
        stacklevel=1,  # the location is irrelevant: the cause is the environment
    )

# System-wide timeouts. `or` makes an explicit 0 fall back to the default.
HF_HUB_ETAG_TIMEOUT: int = _as_int(os.environ.get("HF_HUB_ETAG_TIMEOUT")) or DEFAULT_ETAG_TIMEOUT
# Named after downloads for historical reasons; also the default for other requests that need a timeout.
HF_HUB_DOWNLOAD_TIMEOUT: int = _as_int(os.environ.get("HF_HUB_DOWNLOAD_TIMEOUT")) or DEFAULT_DOWNLOAD_TIMEOUT

# Appended to the user-agent as "origin/<value>" (e.g. a partner integration).
HF_HUB_USER_AGENT_ORIGIN: str | None = os.environ.get("HF_HUB_USER_AGENT_ORIGIN")

# ---------------------------------------------------------------------------
# OAuth
# ---------------------------------------------------------------------------

# Past two redirects, a Space's OAuth flow is most likely blocked by third-party cookies in the iframe.
OAUTH_MAX_REDIRECTS = 2

# Injected by the Hub into Spaces that enable OAuth.
OAUTH_CLIENT_ID = os.environ.get("OAUTH_CLIENT_ID")
OAUTH_CLIENT_SECRET = os.environ.get("OAUTH_CLIENT_SECRET")
OAUTH_SCOPES = os.environ.get("OAUTH_SCOPES")
OPENID_PROVIDER_URL = os.environ.get("OPENID_PROVIDER_URL")

# Client id of the browser (device code) login and of token refresh; overridable for other Hub deployments.
DEVICE_CODE_OAUTH_CLIENT_ID = os.environ.get("HF_DEVICE_CODE_OAUTH_CLIENT_ID", "26be6b09-91c5-47da-9861-d2d2bb7a7e36")

# ---------------------------------------------------------------------------
# Jobs and sandboxes
# ---------------------------------------------------------------------------

HF_JOBS_ARTIFACTS_BUCKET_NAME: str = "jobs-artifacts"
HF_JOBS_ARTIFACTS_MOUNT_PATH: str = "/data"

# Bucket holding the static server binary used by sandboxes.
SANDBOX_SERVER_BUCKET: str = "huggingface/sbx-server"
