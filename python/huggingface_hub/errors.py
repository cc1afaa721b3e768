"""Every exception raised by the package, in one place.

The classes, their parents and their attributes follow upstream ``huggingface_hub`` so that
``except`` clauses written for it keep working. Several classes inherit from two parents on
purpose: code that predates a specific class still catches it through the generic one
(``OSError``, ``ValueError``, ``FileNotFoundError``...).

Our HTTP layer is built on ``requests`` rather than ``httpx``: where upstream derives from
``httpx.HTTPError``, the classes here derive from ``requests.HTTPError``, and the ``response``
and ``request`` attributes hold ``requests.Response`` / ``requests.PreparedRequest`` objects.
"""

from enum import Enum
from pathlib import Path
from typing import Any

from requests import HTTPError, PreparedRequest, Response

# ---------------------------------------------------------------------------
# Cache
# ---------------------------------------------------------------------------


class CacheNotFound(Exception):
    """The cache directory to scan or clean does not exist.

    Attributes:
        cache_dir (`str` or `Path`): the directory that was looked for.
    """

    cache_dir: str | Path

    def __init__(self, msg: str, cache_dir: str | Path, *args, **kwargs):
        super().__init__(msg, *args, **kwargs)
        self.cache_dir = cache_dir


class CorruptedCacheException(Exception):
    """The cache contains something its layout does not allow (stray file, broken ref...)."""


class CachedRepoTreeNotFoundError(Exception):
    """No tree listing is cached for the requested revision.

    Tree listings are stored as a by-product of `snapshot_download`; until one ran for the
    revision, `get_cached_repo_tree` has nothing to return.
    """


# ---------------------------------------------------------------------------
# Tokens and login
# ---------------------------------------------------------------------------


class LocalTokenNotFoundError(EnvironmentError):
    """A token is required (e.g. ``token=True``) but none is configured on this machine."""


class OIDCError(Exception):
    """Keyless authentication through an OIDC token exchange ("Trusted Publishers") cannot proceed.

    Usually `HF_OIDC_RESOURCE` is set while no identity token is available: the process is not
    running in a supported CI provider and `HF_OIDC_ID_TOKEN` is not set.
    See https://huggingface.co/docs/hub/trusted-publishers.
    """


class OAuthErrorCode(str, Enum):
    """`error` codes the Hub's OAuth token endpoint is known to return (RFC 6749 and RFC 8628)."""

    AUTHORIZATION_PENDING = "authorization_pending"
    SLOW_DOWN = "slow_down"
    EXPIRED_TOKEN = "expired_token"
    ACCESS_DENIED = "access_denied"
    INVALID_GRANT = "invalid_grant"


class DeviceCodeError(Exception):
    """The browser login (OAuth device code flow) or an OAuth token refresh failed.

    Attributes:
        error_code (`str`, *optional*):
            The OAuth `error` code sent by the server, when there was one. The usual values are
            listed in `OAuthErrorCode`, but a server may send others.
    """

    def __init__(self, message: str, error_code: str | None = None):
        super().__init__(message)
        self.error_code = error_code


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------


class OfflineModeIsEnabled(ConnectionError):
    """A request was attempted while offline mode (`HF_HUB_OFFLINE=1`) is on."""


class HfHubHTTPError(HTTPError, OSError):
    """Base class of every error raised for a failed HTTP call to the Hub.

    `hf_raise_for_status` turns any failed response into at least this class, and enriches the
    message with what the server said.

    Attributes:
        request_id (`str` or `None`): the first of the response headers `X-Request-Id`,
            `X-Amzn-Trace-Id` and `X-Amz-Cf-Id` that is present; quote it when reporting a problem.
        server_message (`str` or `None`): the error text sent by the server (header
            `X-Error-Message` and/or response body), one entry per line.
        response (`requests.Response`): the failed response.
        request (`requests.PreparedRequest` or `None`): the request that produced it.

    Example:
    ```py
    >>> from huggingface_hub.utils import HfHubHTTPError, get_session, hf_raise_for_status
    >>> response = get_session().post(...)
    >>> try:
    ...     hf_raise_for_status(response)
    ... except HfHubHTTPError as e:
    ...     print(e.request_id, e.server_message)
    ...     e.append_to_message("\\n`create_commit` expects the repository to exist.")
    ...     raise
    ```
    """

    def __init__(self, message: str, *, response: Response, server_message: str | None = None):
        super().__init__(message, response=response)
        headers = getattr(response, "headers", None) or {}
        self.request_id: str | None = (
            headers.get("x-request-id") or headers.get("X-Amzn-Trace-Id") or headers.get("x-amz-cf-id")
        )
        self.server_message = server_message
        self.response: Response = response
        self.request: PreparedRequest | None = getattr(response, "request", None)

    def append_to_message(self, additional_message: str) -> None:
        """Add text at the end of the error message (e.g. a hint that only the caller knows)."""
        self.args = (self.args[0] + additional_message,) + self.args[1:]

    @classmethod
    def _reconstruct_hf_hub_http_error(
        cls, message: str, response: Response, server_message: str | None
    ) -> "HfHubHTTPError":
        return cls(message, response=response, server_message=server_message)

    def __reduce_ex__(self, protocol):
        # The keyword-only constructor defeats the default exception pickling (which replays
        # `cls(*self.args)`), so rebuild through a helper. Attributes set after construction
        # (`repo_id`, `bucket_id`...) travel as state so they survive the round trip.
        state = {key: value for key, value in self.__dict__.items() if key not in ("response", "request")}
        return (
            self.__class__._reconstruct_hf_hub_http_error,
            (str(self), _picklable_response(self.response), self.server_message),
            state,
        )


def _picklable_response(response: Response | None) -> Response | None:
    """Copy of `response` that pickles whatever its request carried.

    A request body can be an open file or a generator (uploads), which pickle rejects; only
    what an error report needs is kept: status, headers, url, body and the request's method,
    url and headers.
    """
    if response is None:
        return None
    copy = Response()
    copy.status_code = response.status_code
    copy.headers = response.headers
    copy.url = response.url
    copy.reason = response.reason
    copy.encoding = response.encoding
    content = getattr(response, "_content", False)
    copy._content = content if isinstance(content, bytes) else b""
    copy._content_consumed = True  # type: ignore[attr-defined]
    request = getattr(response, "request", None)
    if request is not None:
        request_copy = PreparedRequest()
        request_copy.method = request.method
        request_copy.url = request.url
        request_copy.headers = request.headers
        copy.request = request_copy
    return copy


# ---------------------------------------------------------------------------
# Inference
# ---------------------------------------------------------------------------


class InferenceTimeoutError(HTTPError, TimeoutError):
    """The model was not available in time, or the inference request timed out."""


class InferenceEndpointError(Exception):
    """Generic failure while managing an Inference Endpoint."""


class InferenceEndpointTimeoutError(InferenceEndpointError, TimeoutError):
    """Waiting for an Inference Endpoint to reach the expected state took too long."""


class TextGenerationError(HTTPError):
    """Generic failure reported by a text-generation server."""


class ValidationError(TextGenerationError):
    """The text-generation server rejected the request's parameters."""


class GenerationError(TextGenerationError):
    """The text-generation server failed while generating."""


class OverloadedError(TextGenerationError):
    """The text-generation server is overloaded."""


class IncompleteGenerationError(TextGenerationError):
    """The text-generation server stopped before finishing the generation."""


class UnknownError(TextGenerationError):
    """The text-generation server reported an error of an unknown kind."""


# ---------------------------------------------------------------------------
# Safetensors
# ---------------------------------------------------------------------------


class SafetensorsParsingError(Exception):
    """The metadata of a safetensors file could not be parsed (not safetensors, or malformed)."""


class NotASafetensorsRepoError(Exception):
    """The repo has neither `model.safetensors` nor `model.safetensors.index.json`."""


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


class HFValidationError(ValueError):
    """An argument failed one of the package's validators (e.g. a malformed `repo_id`)."""


class HfUriError(ValueError):
    """A `hf://...` URI is malformed.

    Attributes:
        uri (`str`): the URI as given (may be empty).
        msg (`str`): what is wrong with it.
    """

    def __init__(self, uri: str, msg: str):
        self.uri = uri
        self.msg = msg
        super().__init__(f"Invalid HF URI '{uri}'. {msg}" if uri else f"Invalid HF URI. {msg}")


# ---------------------------------------------------------------------------
# File metadata
# ---------------------------------------------------------------------------


class DryRunError(OSError):
    """A dry run was requested but cannot be carried out (e.g. the repo is invalid)."""


class FileMetadataError(OSError):
    """The metadata of a file on the Hub is incomplete (no ETag or no commit hash).

    Derives from `OSError` because older versions raised a plain `OSError` here.
    """


# ---------------------------------------------------------------------------
# Buckets, jobs, repositories, revisions, entries
# ---------------------------------------------------------------------------


class BucketNotFoundError(HfHubHTTPError):
    """The bucket does not exist, or the caller may not see it.

    Attributes:
        bucket_id (`str` or `None`): `namespace/name` of the bucket when the request URL shows it.
    """

    bucket_id: str | None = None


class JobNotFoundError(HfHubHTTPError):
    """The Job does not exist (or not in that namespace).

    Attributes:
        job_id (`str`): the id taken from the request URL.
    """

    job_id: str


class RepositoryNotFoundError(HfHubHTTPError):
    """The repository does not exist, or is private or gated and the caller has no access.

    Attributes:
        repo_id (`str` or `None`): the repo id, when the request URL shows it.
        repo_type (`str` or `None`): `"model"`, `"dataset"` or `"space"`, when the request URL shows it.
    """

    repo_id: str | None = None
    repo_type: str | None = None


class GatedRepoError(RepositoryNotFoundError):
    """The repository is gated and the caller is not on its list of authorised users.

    Subclass of `RepositoryNotFoundError` so that older `except` clauses still catch it.
    """


class DisabledRepoError(HfHubHTTPError):
    """The repository was disabled by its author or by the Hub."""


class RevisionNotFoundError(HfHubHTTPError):
    """The repository exists but the requested revision (branch, tag or commit) does not.

    Attributes:
        repo_id (`str` or `None`): the repo id, when the request URL shows it.
        repo_type (`str` or `None`): the repo type, when the request URL shows it.
    """

    repo_id: str | None = None
    repo_type: str | None = None


class RevisionResolutionError(Exception):
    """A revision could not be turned into a commit hash.

    Raised by `HfApi.resolve_revision` when the Hub cannot be reached (offline, network error,
    outage...) and the local cache does not know the revision either.
    """


class EntryNotFoundError(Exception):
    """A file or folder was not found, on the Hub or on disk (see the two subclasses)."""


class RemoteEntryNotFoundError(HfHubHTTPError, EntryNotFoundError):
    """The repository and revision exist on the Hub but the file does not.

    Attributes:
        repo_id (`str` or `None`): the repo id, when the request URL shows it.
        repo_type (`str` or `None`): the repo type, when the request URL shows it.
    """

    repo_id: str | None = None
    repo_type: str | None = None


class LocalEntryNotFoundError(FileNotFoundError, EntryNotFoundError):
    """A file or snapshot is not on disk and the Hub may not (or could not) be asked for it.

    The entry may well exist on the Hub: this is raised when the network is disabled
    (`local_files_only=True`, offline mode) or unreachable.
    """

    def __init__(self, message: str):
        super().__init__(message)


class IncompleteSnapshotError(LocalEntryNotFoundError):
    """The Hub cannot be reached and the cached snapshot is known to miss some files.

    Attributes:
        snapshot_path (`str`): the local snapshot folder, so a caller can still use the files
            that are there.
    """

    def __init__(self, message: str, snapshot_path: str):
        super().__init__(message)
        self.snapshot_path = snapshot_path


class BadRequestError(HfHubHTTPError, ValueError):
    """The server answered `400 Bad Request`; also a `ValueError` since the input was at fault."""


# ---------------------------------------------------------------------------
# DDUF
# ---------------------------------------------------------------------------


class DDUFError(Exception):
    """Base class of the errors about the DDUF file format."""


class DDUFCorruptedFileError(DDUFError):
    """The DDUF file is corrupted."""


class DDUFExportError(DDUFError):
    """Base class of the errors raised while writing a DDUF file."""


class DDUFInvalidEntryNameError(DDUFExportError):
    """An entry name is not allowed inside a DDUF file."""


# ---------------------------------------------------------------------------
# Strict dataclasses
# ---------------------------------------------------------------------------


class StrictDataclassError(Exception):
    """Base class of the errors raised by strict dataclasses."""


class StrictDataclassDefinitionError(StrictDataclassError):
    """A strict dataclass is declared incorrectly."""


class StrictDataclassFieldValidationError(StrictDataclassError):
    """A field of a strict dataclass failed its validation."""

    def __init__(self, field: str, cause: Exception):
        super().__init__(f"Validation error for field '{field}':\n    {_describe(cause)}")


class StrictDataclassClassValidationError(StrictDataclassError):
    """A class-level validator of a strict dataclass failed."""

    def __init__(self, validator: str, cause: Exception):
        super().__init__(f"Class validation error for validator '{validator}':\n    {_describe(cause)}")


def _describe(cause: Exception) -> str:
    return f"{cause.__class__.__name__}: {cause}"


# ---------------------------------------------------------------------------
# Xet, LFS
# ---------------------------------------------------------------------------


class XetDownloadError(Exception):
    """A download from Xet storage failed."""


class FileDuplicationError(Exception):
    """Copying files from one repo to another failed."""


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


class CLIError(Exception):
    """A CLI failure whose message is shown as is, without a traceback."""


class ConfirmationError(CLIError):
    """A confirmation prompt was declined, or could not be shown (non-interactive mode)."""


class CLIExtensionInstallError(CLIError):
    """Installing a CLI extension failed."""


# ---------------------------------------------------------------------------
# Sandboxes
# ---------------------------------------------------------------------------


class SandboxError(Exception):
    """Base class of the errors raised by sandbox operations (see `huggingface_hub.Sandbox`).

    Attributes:
        status_code (`int` or `None`): the HTTP status sent by the server inside the sandbox
            when the failure came from one of its answers (e.g. 404 for a missing file).
    """

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class SandboxCommandError(SandboxError):
    """A command run in a sandbox did not finish successfully.

    Attributes:
        cmd: the command.
        result: the complete `SandboxCommandResult` (exit code, stdout, stderr...).
    """

    def __init__(self, cmd: Any, result: Any) -> None:
        self.cmd = cmd
        self.result = result
        if result.timed_out:
            outcome = "timed out"
        elif result.signal is not None:
            outcome = f"was killed by signal {result.signal}"
        else:
            outcome = f"exited with code {result.exit_code}"
        # Only the end of stderr: it is where the error usually is, and it keeps the message short.
        stderr_tail = result.stderr[-1000:] if result.stderr else "<empty>"
        super().__init__(f"Command {cmd!r} {outcome}. stderr:\n{stderr_tail}")
