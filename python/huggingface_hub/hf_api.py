"""`HfApi`, the client for the Hub's HTTP API, and its methods exposed as module-level functions.

Settings given to the constructor (endpoint, token, user-agent parts, extra headers) apply to every request it
makes. Module-level aliases (``whoami = api.whoami``, ...) call a default instance.
"""

import re

from . import constants
from ._api_access_requests import AccessRequest, AccessRequestsMixin  # noqa: F401  (upstream exposes these here)
from ._api_cache import CacheMixin
from ._api_collections import (  # noqa: F401  (upstream exposes these here)
    Collection,
    CollectionItem,
    CollectionItemType_T,
    CollectionsMixin,
    CollectionSort_T,
)
from ._api_commits import _CREATE_COMMIT_NO_REPO_ERROR_MESSAGE, CommitsMixin, future_compatible  # noqa: F401
from ._api_dataset_viewer import DatasetViewerMixin
from ._api_discovery import DiscoveryMixin
from ._api_discussions import DiscussionsMixin
from ._api_downloads import DownloadsMixin
from ._api_info import InfoMixin
from ._api_large_folder import LargeFolderMixin
from ._api_leaderboard import DatasetLeaderboardEntry, LeaderboardMixin  # noqa: F401  (upstream defines it here)
from ._api_lfs_files import LfsFilesMixin
from ._api_listing import ListingMixin
from ._api_refs import RefsMixin
from ._api_repos import ReposMixin
from ._api_safetensors import (  # noqa: F401  (upstream defines the helpers here)
    SafetensorsMixin,
    _get_safetensors_metadata_size,
    _parse_safetensors_header,
    get_local_safetensors_metadata,
    parse_local_safetensors_file_metadata,
)
from ._api_social import LikesMixin, Organization, User, UserLikes  # noqa: F401  (upstream exposes these here)
from ._api_space_runtime import SpaceRuntimeMixin
from ._api_tree import TreeMixin
from ._api_uploads import UploadsMixin
from ._api_user_repos import RepoStorageInfo, UserReposMixin  # noqa: F401  (upstream defines RepoStorageInfo here)
from ._api_users import UsersMixin
from ._commit_api import (  # noqa: F401  (re-exported: upstream defines or imports them here)
    CommitOperation,
    CommitOperationAdd,
    CommitOperationCopy,
    CommitOperationDelete,
)
from ._commit_copies import DUPLICATE_LFS_BATCH_SIZE  # noqa: F401
from ._commit_info import CommitInfo, _parse_revision_from_pr_url  # noqa: F401
from ._dataset_viewer import DatasetParquetEntry  # noqa: F401  (upstream imports it here)
from ._eval_results import EvalResultEntry, parse_eval_result_entries  # noqa: F401  (upstream exposes them here)
from ._jobs_api import JobHardware, JobHardwareInfo  # noqa: F401  (upstream imports them here)
from ._repo_info_types import (  # noqa: F401  (re-exported: upstream defines them in this module)
    REPO_REGIONS,
    DatasetInfo,
    DatasetSort_T,
    ExpandDatasetProperty_T,
    ExpandModelProperty_T,
    ExpandSpaceProperty_T,
    InferenceProviderMapping,
    KernelInfo,
    ModelInfo,
    ModelSort_T,
    RepoVisibility_T,
    SpaceInfo,
    SpaceSort_T,
)
from ._repo_types import (  # noqa: F401  (re-exported: upstream defines them in this module)
    BlobLfsInfo,
    BlobSecurityInfo,
    GitCommitInfo,
    GitRefInfo,
    GitRefs,
    LastCommitInfo,
    LFSFileInfo,
    RepoFile,
    RepoFolder,
    RepoSibling,
    SafeTensorsInfo,
    TransformersInfo,
)
from ._repo_url import RepoUrl, repo_type_and_id_from_hf_id  # noqa: F401
from ._revision import ResolvedRevision  # noqa: F401
from ._space_api import (  # noqa: F401  (upstream imports them here)
    INTERMEDIATE_SPACE_STAGES,
    SpaceHardware,
    SpaceRuntime,
    SpaceSearchResult,
    SpaceSecret,
    SpaceStorage,
    SpaceTemplate,
    SpaceVariable,
    Volume,
)
from ._upload_large_folder import upload_large_folder_internal  # noqa: F401
from ._upload_pipeline import pipelined_upload  # noqa: F401
from .community import (  # noqa: F401  (upstream exposes these here)
    Discussion,
    DiscussionComment,
    DiscussionStatusChange,
    DiscussionTitleChange,
    DiscussionWithDetails,
    deserialize_event,
)

# Names upstream's hf_api imports: they stay importable from here.
from .errors import BadRequestError as BadRequestError
from .errors import EntryNotFoundError as EntryNotFoundError
from .errors import FileDuplicationError as FileDuplicationError
from .errors import GatedRepoError as GatedRepoError
from .errors import HfHubHTTPError, HfUriError, LocalTokenNotFoundError  # noqa: F401  (HfUriError: upstream name)
from .errors import NotASafetensorsRepoError as NotASafetensorsRepoError
from .errors import OfflineModeIsEnabled as OfflineModeIsEnabled
from .errors import RemoteEntryNotFoundError as RemoteEntryNotFoundError
from .errors import RepositoryNotFoundError as RepositoryNotFoundError
from .errors import RevisionNotFoundError as RevisionNotFoundError
from .errors import RevisionResolutionError as RevisionResolutionError
from .errors import SafetensorsParsingError as SafetensorsParsingError
from .file_download import (  # noqa: F401  (upstream's hf_api imports these)
    REGEX_COMMIT_HASH,
    DryRunFileInfo,
    HfFileMetadata,
    get_hf_file_metadata,
    hf_hub_url,
    repo_folder_name,
)
from .repocard_data import DatasetCardData, ModelCardData, SpaceCardData  # noqa: F401  (upstream imports them here)
from .utils import (  # noqa: F401  (upstream's hf_api imports these)
    are_progress_bars_disabled,
    chunk_iterable,
    experimental,
    filter_repo_objects,
    fix_hf_endpoint_in_url,
    hf_thread_map,
    http_backoff,
    logging,
    parse_datetime,
    parse_xet_file_data_from_response,
    silent_tqdm,
)
from .utils import tqdm as hf_tqdm  # noqa: F401
from .utils._auth import _get_token_from_environment, _get_token_from_file, _get_token_from_google_colab, get_token
from .utils._headers import build_hf_headers
from .utils._hf_uris import HfUri, parse_hf_uri  # noqa: F401  (upstream imports them here)
from .utils._http import get_session, hf_raise_for_status
from .utils._pagination import paginate  # noqa: F401
from .utils._paths import DEFAULT_IGNORE_PATTERNS  # noqa: F401
from .utils._runtime import is_xet_available  # noqa: F401
from .utils._safetensors import SafetensorsFileMetadata, SafetensorsRepoMetadata, TensorInfo  # noqa: F401
from .utils._validators import validate_hf_hub_args
from .utils._verification import collect_local_files, resolve_local_root, verify_maps  # noqa: F401

logger = logging.get_logger(__name__)

USERNAME_PLACEHOLDER = "hf_user"

# Revisions that contain a "/" but are not to be URL-quoted as a whole: `refs/convert/...` and `refs/pr/N`.
SPECIAL_REFS_REVISION_REGEX = re.compile(
    r"""
    (^refs\/convert\/\w+)     # `refs/convert/parquet` revisions
    |
    (^refs\/pr\/\d+)          # PR revisions
    """,
    re.VERBOSE,
)

# Added to "Invalid user token." so the user knows which token to fix, by where it came from.
_INVALID_TOKEN_HINT_COLAB = " The token from Google Colab vault is invalid. Please update it from the UI."
_INVALID_TOKEN_HINT_ENV = (
    " The token from HF_TOKEN environment variable is invalid. "
    "Note that HF_TOKEN takes precedence over `hf auth login`."
)
_INVALID_TOKEN_HINT_FILE = " The token stored is invalid. Please run `hf auth login --force` to set a new token."


class HfApi(
    ReposMixin,
    InfoMixin,
    ListingMixin,
    TreeMixin,
    RefsMixin,
    DownloadsMixin,
    CacheMixin,
    DiscussionsMixin,
    CollectionsMixin,
    LikesMixin,
    AccessRequestsMixin,
    CommitsMixin,
    UploadsMixin,
    LargeFolderMixin,
    LfsFilesMixin,
    UsersMixin,
    UserReposMixin,
    DiscoveryMixin,
    SpaceRuntimeMixin,
    SafetensorsMixin,
    DatasetViewerMixin,
    LeaderboardMixin,
):
    """Client for the Hugging Face Hub HTTP API.

    The settings passed here are used by every request the client makes. Using an `HfApi` instance is optional:
    its public methods are also available at the root of `huggingface_hub`, bound to a default instance.

    Args:
        endpoint (`str`, *optional*):
            Base URL of the Hub. Defaults to ``constants.ENDPOINT`` (``https://huggingface.co`` unless ``HF_ENDPOINT``
            says otherwise). Used as given, without removing a trailing slash.
        token (`bool` or `str`, *optional*):
            A User Access Token. Defaults to the locally saved token (see [`login`]); pass `False` to send no token.
        library_name (`str`, *optional*):
            Name of the library making the requests, added to the user-agent (e.g. `"transformers"`).
        library_version (`str`, *optional*):
            Version of that library, added to the user-agent (e.g. `"4.24.0"`).
        user_agent (`str` or `dict`, *optional*):
            Extra user-agent information, as a string or a dict of name/version pairs.
        headers (`dict`, *optional*):
            Extra headers sent with every request; they take precedence over the default ones.
    """

    def __init__(
        self,
        endpoint: str | None = None,
        token: str | bool | None = None,
        library_name: str | None = None,
        library_version: str | None = None,
        user_agent: dict | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        # Resolved now: an instance keeps the endpoint it was created with, even if constants.ENDPOINT changes.
        self.endpoint = endpoint if endpoint is not None else constants.ENDPOINT
        self.token = token
        self.library_name = library_name
        self.library_version = library_version
        self.user_agent = user_agent
        self.headers = headers
        # /whoami-v2 is heavily rate-limited, hence the opt-in cache: token -> answer.
        self._whoami_cache: dict[str, dict] = {}

    @validate_hf_hub_args
    def whoami(self, token: bool | str | None = None, *, cache: bool = False) -> dict:
        """Ask the Hub who the token belongs to: the user, their organizations and the token's own details.

        Args:
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one. `False` is not
                allowed: this call needs authentication.
            cache (`bool`, defaults to `False`):
                Remember the answer for this token for the lifetime of this client. The endpoint is strictly
                rate-limited, so use it when calling often. Failed calls are not cached.

        Raises:
            `ValueError`: if `token=False`.
            [`~errors.LocalTokenNotFoundError`]: if no token is available.
            [`~errors.HfHubHTTPError`]: if the Hub rejects the token (401) or rate-limits the call (429), with a
                message saying what to do, or for any other HTTP error.
        """
        token = self.token if token is None else token
        if token is False:
            raise ValueError("Cannot use `token=False` with `whoami` method as it requires authentication.")
        if token is True or token is None:
            token = get_token()
        if token is None:
            raise LocalTokenNotFoundError(
                "Token is required to call the /whoami-v2 endpoint, but no token found. You must provide a token or be"
                " logged in to Hugging Face with `hf auth login` or `huggingface_hub.login`. See"
                " https://huggingface.co/settings/tokens."
            )

        if cache and (cached := self._whoami_cache.get(token)):
            return cached
        answer = self._inner_whoami(token=token)
        if cache:
            self._whoami_cache[token] = answer
        return answer

    def _inner_whoami(self, token: str) -> dict:
        response = get_session().get(f"{self.endpoint}/api/whoami-v2", headers=self._build_hf_headers(token=token))
        try:
            hf_raise_for_status(response)
        except HfHubHTTPError as e:
            status = e.response.status_code if e.response is not None else None
            if status == 401:
                message = "Invalid user token." + _invalid_token_hint(token)
                raise HfHubHTTPError(message, response=e.response) from e
            if status == 429:
                message = (
                    "You've hit the rate limit for the /whoami-v2 endpoint, which is intentionally strict for security"
                    " reasons. If you're calling it often, consider caching the response with"
                    " `whoami(..., cache=True)`."
                )
                raise HfHubHTTPError(message, response=e.response) from e
            raise
        return response.json()

    def _build_hf_headers(
        self,
        token: bool | str | None = None,
        library_name: str | None = None,
        library_version: str | None = None,
        user_agent: dict | str | None = None,
    ) -> dict[str, str]:
        """[`~utils.build_hf_headers`] with this client's settings as defaults."""
        if token is None:
            token = self.token  # not `token or self.token`: `False` must survive
        return build_hf_headers(
            token=token,
            library_name=library_name or self.library_name,
            library_version=library_version or self.library_version,
            user_agent=user_agent or self.user_agent,
            headers=self.headers,
        )


def _invalid_token_hint(token: str) -> str:
    """A hint naming where the rejected token came from, so the user knows which one to replace."""
    if token == _get_token_from_google_colab():
        return _INVALID_TOKEN_HINT_COLAB
    if token == _get_token_from_environment():
        return _INVALID_TOKEN_HINT_ENV
    if token == _get_token_from_file():
        return _INVALID_TOKEN_HINT_FILE
    return ""


api = HfApi()

whoami = api.whoami
verify_repo_checksums = api.verify_repo_checksums

list_models = api.list_models
model_info = api.model_info
list_datasets = api.list_datasets
dataset_info = api.dataset_info
list_spaces = api.list_spaces
space_info = api.space_info
kernel_info = api.kernel_info

repo_exists = api.repo_exists
revision_exists = api.revision_exists
file_exists = api.file_exists
repo_info = api.repo_info
resolve_revision = api.resolve_revision
list_repo_files = api.list_repo_files
list_repo_refs = api.list_repo_refs
list_repo_commits = api.list_repo_commits
list_repo_tree = api.list_repo_tree
get_paths_info = api.get_paths_info

create_repo = api.create_repo
delete_repo = api.delete_repo
update_repo_settings = api.update_repo_settings
move_repo = api.move_repo
duplicate_repo = api.duplicate_repo
duplicate_space = api.duplicate_space
list_space_templates = api.list_space_templates
get_full_repo_name = api.get_full_repo_name
auth_check = api.auth_check

create_branch = api.create_branch
delete_branch = api.delete_branch
create_tag = api.create_tag
delete_tag = api.delete_tag
super_squash_history = api.super_squash_history
# Likes
list_liked_repos = api.list_liked_repos
list_repo_likers = api.list_repo_likers
unlike = api.unlike

# Discussions and Pull Requests
get_discussion_details = api.get_discussion_details
get_repo_discussions = api.get_repo_discussions
create_discussion = api.create_discussion
create_pull_request = api.create_pull_request
change_discussion_status = api.change_discussion_status
comment_discussion = api.comment_discussion
edit_discussion_comment = api.edit_discussion_comment
rename_discussion = api.rename_discussion
merge_pull_request = api.merge_pull_request

# Collections
get_collection = api.get_collection
list_collections = api.list_collections
create_collection = api.create_collection
update_collection_metadata = api.update_collection_metadata
update_collection_resource_group = api.update_collection_resource_group
delete_collection = api.delete_collection
add_collection_item = api.add_collection_item
update_collection_item = api.update_collection_item
delete_collection_item = api.delete_collection_item

# Access requests to gated repositories
list_pending_access_requests = api.list_pending_access_requests
list_accepted_access_requests = api.list_accepted_access_requests
list_rejected_access_requests = api.list_rejected_access_requests
cancel_access_request = api.cancel_access_request
accept_access_request = api.accept_access_request
reject_access_request = api.reject_access_request
grant_access = api.grant_access
create_commit = api.create_commit
upload_file = api.upload_file
upload_folder = api.upload_folder
delete_file = api.delete_file
delete_folder = api.delete_folder
delete_files = api.delete_files
preupload_lfs_files = api.preupload_lfs_files
run_as_future = api.run_as_future
upload_large_folder = api.upload_large_folder

# LFS files
list_lfs_files = api.list_lfs_files
permanently_delete_lfs_files = api.permanently_delete_lfs_files

# Users and organizations
get_user_overview = api.get_user_overview
get_organization_overview = api.get_organization_overview
list_organization_members = api.list_organization_members
list_organization_followers = api.list_organization_followers
list_user_followers = api.list_user_followers
list_user_following = api.list_user_following
list_user_repos = api.list_user_repos

# Tags and Space search
get_model_tags = api.get_model_tags
get_dataset_tags = api.get_dataset_tags
search_spaces = api.search_spaces

# Spaces runtime
get_space_runtime = api.get_space_runtime
request_space_hardware = api.request_space_hardware
set_space_sleep_time = api.set_space_sleep_time
pause_space = api.pause_space
restart_space = api.restart_space
enable_space_dev_mode = api.enable_space_dev_mode
disable_space_dev_mode = api.disable_space_dev_mode
add_space_secret = api.add_space_secret
delete_space_secret = api.delete_space_secret
get_space_secrets = api.get_space_secrets
add_space_variable = api.add_space_variable
delete_space_variable = api.delete_space_variable
get_space_variables = api.get_space_variables
list_spaces_hardware = api.list_spaces_hardware
request_space_storage = api.request_space_storage
delete_space_storage = api.delete_space_storage
set_space_volumes = api.set_space_volumes
delete_space_volumes = api.delete_space_volumes
fetch_space_logs = api.fetch_space_logs
wait_for_space = api.wait_for_space

# Safetensors headers
get_safetensors_metadata = api.get_safetensors_metadata
parse_safetensors_file_metadata = api.parse_safetensors_file_metadata

# Benchmarks and the Dataset Viewer
get_dataset_leaderboard = api.get_dataset_leaderboard
list_dataset_parquet_files = api.list_dataset_parquet_files
