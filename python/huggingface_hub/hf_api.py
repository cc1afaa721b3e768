"""`HfApi`, the client for the Hub's HTTP API, and its methods exposed as module-level functions.

Settings given to the constructor (endpoint, token, user-agent parts, extra headers) apply to every request it
makes. Module-level aliases (``whoami = api.whoami``, ...) call a default instance.
"""

from . import constants
from ._api_cache import CacheMixin
from ._api_commits import _CREATE_COMMIT_NO_REPO_ERROR_MESSAGE, CommitsMixin, future_compatible  # noqa: F401
from ._api_downloads import DownloadsMixin
from ._api_uploads import UploadsMixin
from ._commit_api import (  # noqa: F401  (re-exported: upstream defines or imports them here)
    CommitOperation,
    CommitOperationAdd,
    CommitOperationCopy,
    CommitOperationDelete,
)
from ._commit_copies import DUPLICATE_LFS_BATCH_SIZE  # noqa: F401
from ._commit_info import CommitInfo, _parse_revision_from_pr_url  # noqa: F401
from ._repo_url import RepoUrl  # noqa: F401
from ._upload_pipeline import pipelined_upload  # noqa: F401
from .errors import HfHubHTTPError, LocalTokenNotFoundError
from .utils._auth import _get_token_from_environment, _get_token_from_file, _get_token_from_google_colab, get_token
from .utils._headers import build_hf_headers
from .utils._http import get_session, hf_raise_for_status
from .utils._paths import DEFAULT_IGNORE_PATTERNS  # noqa: F401
from .utils._validators import validate_hf_hub_args

# Added to "Invalid user token." so the user knows which token to fix, by where it came from.
_INVALID_TOKEN_HINT_COLAB = " The token from Google Colab vault is invalid. Please update it from the UI."
_INVALID_TOKEN_HINT_ENV = (
    " The token from HF_TOKEN environment variable is invalid. "
    "Note that HF_TOKEN takes precedence over `hf auth login`."
)
_INVALID_TOKEN_HINT_FILE = " The token stored is invalid. Please run `hf auth login --force` to set a new token."


class HfApi(DownloadsMixin, CacheMixin, CommitsMixin, UploadsMixin):
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

create_commit = api.create_commit
upload_file = api.upload_file
upload_folder = api.upload_folder
delete_file = api.delete_file
delete_folder = api.delete_folder
delete_files = api.delete_files
preupload_lfs_files = api.preupload_lfs_files
run_as_future = api.run_as_future
