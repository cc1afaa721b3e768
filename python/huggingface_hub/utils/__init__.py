# ruff: noqa: F401  (this whole module is re-exports)
"""Utilities shared by every part of the package (re-exported with upstream's names).

Each block below belongs to one area; keep imports grouped by area.
"""

# --- hashing ---
from . import sha
from .sha import git_hash, sha_fileobj

# --- errors ---
# isort: split
from ..errors import (
    BadRequestError,
    BucketNotFoundError,
    CacheNotFound,
    CorruptedCacheException,
    DisabledRepoError,
    EntryNotFoundError,
    FileMetadataError,
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
    JobNotFoundError,
    LocalEntryNotFoundError,
    LocalTokenNotFoundError,
    NotASafetensorsRepoError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
    SafetensorsParsingError,
)

# --- cache ---
# isort: split
from ._cache_manager import (
    CachedFileInfo,
    CachedIncompleteFileInfo,
    CachedRepoInfo,
    CachedRevisionInfo,
    DeleteCacheStrategy,
    HFCacheInfo,
    _format_size,
    scan_cache_dir,
)

# --- http and headers ---
# isort: split
from ._detect_agent import detect_agent, is_agent
from ._headers import build_hf_headers, get_token_to_send
from ._http import (
    CLIENT_FACTORY_T,
    RateLimitInfo,
    close_session,
    configure_http_backend,  # huggingface_hub 0.x name of set_client_factory
    fix_hf_endpoint_in_url,
    get_session,
    hf_raise_for_status,
    http_backoff,
    http_stream_backoff,
    parse_ratelimit_headers,
    reset_sessions,  # huggingface_hub 0.x name of close_session
    set_client_factory,
)
from ._pagination import paginate

# --- runtime ---
# isort: split
from ._runtime import (
    dump_environment_info,
    get_aiohttp_version,
    get_fastai_version,
    get_fastapi_version,
    get_fastcore_version,
    get_gradio_version,
    get_graphviz_version,
    get_hf_hub_version,
    get_jinja_version,
    get_numpy_version,
    get_pillow_version,
    get_pydantic_version,
    get_pydot_version,
    get_python_version,
    get_tensorboard_version,
    get_tf_version,
    get_torch_version,
    installation_method,
    is_aiohttp_available,
    is_colab_enterprise,
    is_fastai_available,
    is_fastapi_available,
    is_fastcore_available,
    is_google_colab,
    is_gradio_available,
    is_graphviz_available,
    is_jinja_available,
    is_notebook,
    is_numpy_available,
    is_package_available,
    is_pillow_available,
    is_pydantic_available,
    is_pydot_available,
    is_safetensors_available,
    is_tensorboard_available,
    is_tf_available,
    is_torch_available,
)

# --- auth and validators ---
# isort: split
from ._auth import get_stored_tokens, get_token
from ._git_credential import list_credential_helpers, set_git_credential, unset_git_credential
from ._subprocess import capture_output, run_interactive_subprocess, run_subprocess
from ._validators import validate_hf_hub_args, validate_repo_id

# --- Hub URIs ---
# isort: split
from ._hf_uris import HfMount, HfUri, is_hf_uri, parse_hf_mount, parse_hf_uri

# --- logging, progress bars and small helpers ---
# isort: split
from . import logging
from . import tqdm as _tqdm  # the module; the name `tqdm` below is the progress-bar class
from ._cache_assets import cached_assets_path
from ._chunk_utils import chunk_iterable
from ._datetime import parse_datetime
from ._experimental import experimental
from ._fixes import SoftTemporaryDirectory, WeakFileLock, yaml_dump
from ._paths import DEFAULT_IGNORE_PATTERNS, FORBIDDEN_FOLDERS, filter_repo_objects
from ._safetensors import SafetensorsFileMetadata, SafetensorsRepoMetadata, TensorInfo
from ._terminal import ANSI, StatusLine, select_choice, tabulate
from ._typing import is_jsonable, is_simple_optional_type, unwrap_simple_optional_type
from .tqdm import (
    are_progress_bars_disabled,
    disable_progress_bars,
    enable_progress_bars,
    hf_thread_map,
    is_tqdm_disabled,
    silent_tqdm,
    tqdm,
    tqdm_stream_file,
)

# --- xet ---
# isort: split
from ._xet import XetFileData, XetTokenType, parse_xet_file_data_from_response
