"""HTTP plumbing shared by every Python-side call to the Hub.

- `get_session()` hands out the `requests.Session` used everywhere (one per thread, rebuilt after a
  fork or after `close_session()`); every request it sends goes through `hf_request_event_hook`,
  which enforces offline mode, tags the request with a trace id and logs it.
- `http_backoff()` / `http_stream_backoff()` retry transient failures (network errors, 429, 5xx).
- `hf_raise_for_status()` turns a failed response into the matching `HfHubHTTPError` subclass, with
  the same classes and messages as upstream, whether the request was made here or in Rust.

Upstream builds on `httpx`; we build on `requests`. The behaviour and the messages users see are
the same; the objects handed out (sessions, responses) are their `requests` equivalents.
"""

import atexit
import http
import os
import re
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from shlex import quote
from typing import Any, TypeVar

import requests
from requests import PreparedRequest, Response

from .. import constants
from ..errors import (
    BadRequestError,
    BucketNotFoundError,
    DisabledRepoError,
    GatedRepoError,
    HfHubHTTPError,
    JobNotFoundError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from . import logging
from ._typing import HTTP_METHOD_T

logger = logging.get_logger(__name__)

# Headers that identify a request; the first one present is quoted in error messages.
X_REQUEST_ID = "x-request-id"
X_AMZN_TRACE_ID = "X-Amzn-Trace-Id"
X_AMZ_CF_ID = "x-amz-cf-id"
_REQUEST_ID_HEADERS = ((X_REQUEST_ID, "Request ID"), (X_AMZN_TRACE_ID, "Amzn Trace ID"), (X_AMZ_CF_ID, "Amz CF ID"))

# ---------------------------------------------------------------------------
# Rate limits
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimitInfo:
    """What the `RateLimit` / `RateLimit-Policy` response headers say.

    Attributes:
        resource_type (`str`): the rate-limited resource (e.g. `"api"`, `"resolvers"`).
        remaining (`int`): requests left in the current window.
        reset_in_seconds (`int`): seconds until the window resets.
        limit (`int`, *optional*): requests allowed per window, when the policy header is present.
        window_seconds (`int`, *optional*): length of the window, when the policy header is present.
    """

    resource_type: str
    remaining: int
    reset_in_seconds: int
    limit: int | None = None
    window_seconds: int | None = None


# `"api";r=0;t=55` -> resource "api", 0 remaining, reset in 55 s.
_RATELIMIT_PATTERN = re.compile(r"\"(?P<resource>\w+)\"\s*;\s*r\s*=\s*(?P<r>\d+)\s*;\s*t\s*=\s*(?P<t>\d+)")
# `"fixed window";"api";q=500;w=300` -> 500 requests per 300 s.
_RATELIMIT_POLICY_PATTERN = re.compile(r"q\s*=\s*(?P<q>\d+).*?w\s*=\s*(?P<w>\d+)")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive lookup that also works on a plain `dict`."""
    name = name.lower()
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def parse_ratelimit_headers(headers: Mapping[str, str]) -> RateLimitInfo | None:
    """Read the rate-limit state from response headers (the subset of the IETF draft the Hub uses).

    See https://www.ietf.org/archive/id/draft-ietf-httpapi-ratelimit-headers-09.html.

    Returns `None` when there is no `RateLimit` header or it cannot be understood.

    Example:
    ```py
    >>> info = parse_ratelimit_headers({"ratelimit": '"api";r=0;t=55', "ratelimit-policy": '"fixed window";"api";q=500;w=300'})
    >>> info.remaining, info.reset_in_seconds, info.limit, info.window_seconds
    (0, 55, 500, 300)
    ```
    """
    ratelimit = _header(headers, "ratelimit")
    if not ratelimit:
        return None
    match = _RATELIMIT_PATTERN.search(ratelimit)
    if match is None:
        return None
    limit = window = None
    policy = _header(headers, "ratelimit-policy")
    if policy and (policy_match := _RATELIMIT_POLICY_PATTERN.search(policy)) is not None:
        limit, window = int(policy_match.group("q")), int(policy_match.group("w"))
    return RateLimitInfo(
        resource_type=match.group("resource"),
        remaining=int(match.group("r")),
        reset_in_seconds=int(match.group("t")),
        limit=limit,
        window_seconds=window,
    )


def _parse_retry_after(headers: Mapping[str, str]) -> int | None:
    """Seconds asked by `Retry-After`; the HTTP-date form is not supported and gives `None`."""
    value = (_header(headers, "retry-after") or "").strip()
    return int(value) if value.isdigit() else None


# ---------------------------------------------------------------------------
# Request hook (offline mode, trace id, debug log)
# ---------------------------------------------------------------------------


def hf_request_event_hook(request: PreparedRequest) -> str | None:
    """Run before every request sent through `get_session()`; returns the request's trace id.

    - refuses to send anything in offline mode (`OfflineModeIsEnabled`);
    - sets `X-Amzn-Trace-Id` (from `X-Request-Id` if the caller set one, else a fresh uuid4) so
      that a failure can be matched with the server's logs;
    - logs the request at DEBUG level, and as a curl command when `HF_DEBUG` is set (the token is
      always masked).
    """
    if _is_offline():
        raise OfflineModeIsEnabled(
            f"Cannot reach {request.url}: offline mode is enabled. To disable it, please unset the "
            "`HF_HUB_OFFLINE` environment variable."
        )
    if X_AMZN_TRACE_ID not in request.headers:
        request.headers[X_AMZN_TRACE_ID] = request.headers.get(X_REQUEST_ID) or str(uuid.uuid4())
    request_id = request.headers.get(X_AMZN_TRACE_ID)
    logger.debug(
        "Request %s: %s %s (authenticated: %s)",
        request_id,
        request.method,
        request.url,
        request.headers.get("authorization") is not None,
    )
    if constants.HF_DEBUG:
        logger.debug("Send: %s", _curlify(request))
    return request_id


def _is_offline() -> bool:
    # Read at call time so that tests and applications can flip the setting.
    is_offline_mode = getattr(constants, "is_offline_mode", None)
    return bool(is_offline_mode() if callable(is_offline_mode) else constants.HF_HUB_OFFLINE)


# Credentials that may appear in OAuth request bodies; masked in the curl rendering.
_SECRET_BODY_FIELDS = ("subject_token", "access_token", "refresh_token", "client_secret", "device_code")
_SECRET_BODY_PATTERNS = [
    (pattern, replacement)
    for field in _SECRET_BODY_FIELDS
    for pattern, replacement in (
        (re.compile(rf'("{field}"\s*:\s*")[^"]*(")'), r"\1<REDACTED>\2"),  # JSON
        (re.compile(rf"(^|&)({field}=)[^&]*"), r"\1\2<REDACTED>"),  # form-urlencoded
    )
]
_CURL_BODY_LIMIT = 1000


def _curlify(request: PreparedRequest) -> str:
    """Render a request as a curl command line, for debugging; secrets are masked."""
    words = ["curl", "-X", quote(str(request.method))]
    for name, value in sorted(request.headers.items()):
        if name.lower() == "authorization":
            value = "<TOKEN>"  # whatever the scheme (Bearer, Basic...)
        words += ["-H", quote(f"{name}: {value}")]
    body = request.body
    if body is not None:
        if isinstance(body, bytes | str):
            text = body.decode("utf-8", errors="ignore") if isinstance(body, bytes) else body
            if len(text) > _CURL_BODY_LIMIT:
                text = f"{text[:_CURL_BODY_LIMIT]} ... [truncated]"
            for pattern, replacement in _SECRET_BODY_PATTERNS:
                text = pattern.sub(replacement, text)
        else:
            text = "<streaming body>"  # a file or a generator: reading it would consume it
        if text:
            words += ["-d", quote(text.replace("\n", ""))]
    words.append(quote(str(request.url)))
    return " ".join(words)


def _install_request_hook(session: requests.Session) -> requests.Session:
    """Make every request `session` sends (redirect hops included) go through `hf_request_event_hook`.

    `requests` has no pre-request hook, so `send` is wrapped on the instance. This works for any
    session a custom factory returns, subclasses included.
    """
    if getattr(session, "_hf_hub_hooked", False):
        return session
    original_send = session.send

    def send(request: PreparedRequest, **kwargs: Any) -> Response:
        hf_request_event_hook(request)
        return original_send(request, **kwargs)

    session.send = send  # type: ignore[method-assign]
    session._hf_hub_hooked = True  # type: ignore[attr-defined]
    return session


# ---------------------------------------------------------------------------
# Shared sessions
# ---------------------------------------------------------------------------

CLIENT_FACTORY_T = Callable[[], requests.Session]
BACKEND_FACTORY_T = CLIENT_FACTORY_T  # name used by huggingface_hub 0.x


def default_client_factory() -> requests.Session:
    """Build the default session: `requests` defaults (redirects followed, proxies and CA bundle
    from the environment, no timeout unless one is passed per call)."""
    return requests.Session()


class _SessionRegistry(threading.local):
    """Per-thread slot for the session, tagged with what it was built for.

    `requests.Session` is not documented as thread-safe, hence one per thread (as huggingface_hub
    0.x did). A session is reused only by the process and the generation that built it: a fork or
    `close_session()` starts a new generation.
    """

    session: requests.Session | None = None
    pid: int = -1
    generation: int = -1


_FACTORY_LOCK = threading.Lock()
_client_factory: CLIENT_FACTORY_T = default_client_factory
_generation = 0
_local = _SessionRegistry()
# Sessions alive in the current generation, so that `close_session()` can close those of every
# thread. Weak: a thread's session goes away with the thread.
_live_sessions: "weakref.WeakSet[requests.Session]" = weakref.WeakSet()


def get_session() -> requests.Session:
    """Return the `requests.Session` to use for calls to the Hub.

    There is one per thread (and per process: a forked child builds its own). It is built by the
    factory set with `set_client_factory` (or `configure_http_backend`), and every request it sends
    first checks offline mode, gets a trace id and is logged (see `hf_request_event_hook`).
    Do not close it yourself; call `close_session()` to have it rebuilt.
    """
    local = _local
    if local.session is None or local.generation != _generation or local.pid != os.getpid():
        with _FACTORY_LOCK:
            session = _install_request_hook(_client_factory())
            _live_sessions.add(session)
            local.session, local.generation, local.pid = session, _generation, os.getpid()
    assert local.session is not None
    return local.session


def set_client_factory(client_factory: CLIENT_FACTORY_T) -> None:
    """Choose how sessions are built, e.g. to set a proxy, a CA bundle or mount custom adapters.

    `client_factory` takes no argument and returns a `requests.Session`; it is called once per
    thread, lazily, by `get_session()`. Existing sessions are closed.

    Example:
    ```py
    >>> import requests
    >>> from huggingface_hub import set_client_factory
    >>> def factory() -> requests.Session:
    ...     session = requests.Session()
    ...     session.verify = "/path/to/ca.pem"
    ...     return session
    >>> set_client_factory(factory)
    ```
    """
    global _client_factory
    with _FACTORY_LOCK:
        _client_factory = client_factory
    close_session()


def configure_http_backend(backend_factory: BACKEND_FACTORY_T = default_client_factory) -> None:
    """The huggingface_hub 0.x name of `set_client_factory` (a factory returning a `requests.Session`).

    Called without argument, it restores the default factory.
    """
    set_client_factory(backend_factory)


def close_session() -> None:
    """Close every session handed out so far; the next `get_session()` builds a new one.

    Useful after a change of configuration (e.g. an updated certificate). Runs at exit, in a forked
    child, and when `http_backoff` meets a connection error.
    """
    global _generation
    with _FACTORY_LOCK:
        _generation += 1
        sessions = list(_live_sessions)
        _live_sessions.clear()
    for session in sessions:
        try:
            session.close()
        except Exception as e:
            logger.warning(f"Error closing client: {e}")


def reset_sessions() -> None:
    """The huggingface_hub 0.x name of `close_session`."""
    close_session()


def _forget_sessions_after_fork() -> None:
    """In a forked child: start afresh without reusing the parent's connections (shared sockets).

    The lock is replaced rather than acquired: another thread of the parent may have held it at fork
    time, and that thread does not exist in the child to release it.
    """
    global _FACTORY_LOCK
    _FACTORY_LOCK = threading.Lock()
    close_session()


atexit.register(close_session)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_sessions_after_fork)

# ---------------------------------------------------------------------------
# Retries
# ---------------------------------------------------------------------------

_DEFAULT_RETRY_ON_EXCEPTIONS: tuple[type[Exception], ...] = (
    requests.Timeout,
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,  # the server cut the response short
)
_DEFAULT_RETRY_ON_STATUS_CODES: tuple[int, ...] = (408, 429, 500, 502, 503, 504)

# httpx spellings accepted for code written against upstream 1.x.
_HTTPX_KWARGS = {"follow_redirects": "allow_redirects", "content": "data"}


def _requests_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {_HTTPX_KWARGS.get(key, key): value for key, value in kwargs.items()}


def _send_with_retries(
    method: str,
    url: str,
    *,
    max_retries: int,
    base_wait_time: float,
    max_wait_time: float,
    retry_on_exceptions: type[Exception] | tuple[type[Exception], ...],
    retry_on_status_codes: int | tuple[int, ...],
    stream: bool,
    kwargs: dict[str, Any],
) -> Response:
    """Send the request until it succeeds or retries run out, and return the last response."""
    if isinstance(retry_on_exceptions, type):
        retry_on_exceptions = (retry_on_exceptions,)
    if isinstance(retry_on_status_codes, int):
        retry_on_status_codes = (retry_on_status_codes,)
    kwargs = _requests_kwargs(kwargs)

    # A file-like body is consumed by each attempt: remember where it started to send it again whole.
    body: Any = kwargs.get("data")
    body_start = body.tell() if _is_rewindable(body) else None

    nb_tries = 0
    sleep_time = base_wait_time
    while True:
        nb_tries += 1
        forced_wait: int | None = None  # set when the server says how long to wait
        try:
            if body_start is not None:
                body.seek(body_start)
            # Fetched on every attempt: a previous one may have closed the sessions.
            response = get_session().request(method, url, stream=stream, **kwargs)
        except retry_on_exceptions as err:
            logger.warning(f"'{err}' thrown while requesting {method} {url}")
            if isinstance(err, requests.ConnectionError) and not isinstance(err, requests.Timeout):
                close_session()  # e.g. after an SSL error, start again with fresh connections
            if nb_tries > max_retries:
                raise err
        else:
            if response.status_code not in retry_on_status_codes:
                return response
            logger.warning(f"HTTP Error {response.status_code} thrown while requesting {method} {url}")
            if nb_tries > max_retries:
                hf_raise_for_status(response)
                return response  # the status is not an error (e.g. a caller retrying on 202)
            ratelimit = parse_ratelimit_headers(response.headers) if response.status_code == 429 else None
            if ratelimit is not None and ratelimit.remaining == 0:
                forced_wait = ratelimit.reset_in_seconds
            else:
                forced_wait = _parse_retry_after(response.headers)
            response.close()

        if forced_wait is not None:
            wait = float(forced_wait) + 1  # one more second against rounding on the server side
            logger.warning(f"Rate limited. Waiting {wait}s before retry [Retry {nb_tries}/{max_retries}].")
        else:
            wait = sleep_time
            logger.warning(f"Retrying in {wait}s [Retry {nb_tries}/{max_retries}].")
        time.sleep(wait)
        sleep_time = min(max_wait_time, sleep_time * 2)


def _is_rewindable(body: Any) -> bool:
    if isinstance(body, bytes | str):
        return False
    return callable(getattr(body, "seek", None)) and callable(getattr(body, "tell", None))


def http_backoff(
    method: HTTP_METHOD_T,
    url: str,
    *,
    max_retries: int = 5,
    base_wait_time: float = 1,
    max_wait_time: float = 8,
    retry_on_exceptions: type[Exception] | tuple[type[Exception], ...] = _DEFAULT_RETRY_ON_EXCEPTIONS,
    retry_on_status_codes: int | tuple[int, ...] = _DEFAULT_RETRY_ON_STATUS_CODES,
    **kwargs: Any,
) -> Response:
    """Send a request with `get_session()`, retrying with exponential backoff on transient failures.

    A request is retried when it raises one of `retry_on_exceptions` (by default timeouts,
    connection errors and truncated responses) or answers one of `retry_on_status_codes` (by
    default 408, 429, 500, 502, 503, 504). Waits start at `base_wait_time` and double up to
    `max_wait_time` (1, 2, 4, 8, 8 s by default), unless the server says how long to wait: a 429
    whose `RateLimit` header shows no request left waits for its reset, and a `Retry-After: <seconds>`
    header is honoured (one second is added to both). After `max_retries` retries the last
    exception is raised again, or `hf_raise_for_status` is called on the last response.

    Args:
        method (`str`): HTTP method (`"GET"`, `"HEAD"`, `"POST"`, `"PUT"`, `"PATCH"`, `"DELETE"`, `"OPTIONS"`).
        url (`str`): the URL to request.
        max_retries (`int`, *optional*, defaults to `5`): `0` disables retries.
        base_wait_time (`float`, *optional*, defaults to `1`): first wait, in seconds.
        max_wait_time (`float`, *optional*, defaults to `8`): longest wait, in seconds.
        retry_on_exceptions (`type` or `tuple` of types, *optional*): exceptions that trigger a retry.
        retry_on_status_codes (`int` or `tuple[int]`, *optional*): statuses that trigger a retry.
        **kwargs: passed to `requests.Session.request` (`headers`, `data`, `json`, `params`,
            `timeout`, `stream`, `allow_redirects`...). The httpx names `follow_redirects` and
            `content` are accepted too.

    A file-like `data` (anything with `seek` and `tell`) is rewound before each attempt so the
    whole body is sent again; a generator cannot be rewound and must not be used with retries.

    Example:
    ```py
    >>> from huggingface_hub.utils import http_backoff
    >>> response = http_backoff("GET", "https://huggingface.co/api/models/gpt2")
    >>> http_backoff("PUT", upload_url, data=data, retry_on_status_codes=504)
    ```
    """
    return _send_with_retries(
        method,
        url,
        max_retries=max_retries,
        base_wait_time=base_wait_time,
        max_wait_time=max_wait_time,
        retry_on_exceptions=retry_on_exceptions,
        retry_on_status_codes=retry_on_status_codes,
        stream=bool(kwargs.pop("stream", False)),
        kwargs=kwargs,
    )


@contextmanager
def http_stream_backoff(
    method: HTTP_METHOD_T,
    url: str,
    *,
    max_retries: int = 5,
    base_wait_time: float = 1,
    max_wait_time: float = 8,
    retry_on_exceptions: type[Exception] | tuple[type[Exception], ...] = _DEFAULT_RETRY_ON_EXCEPTIONS,
    retry_on_status_codes: int | tuple[int, ...] = _DEFAULT_RETRY_ON_STATUS_CODES,
    **kwargs: Any,
) -> Iterator[Response]:
    """Like `http_backoff`, but yields a streamed response (body not read yet) and closes it on exit.

    Example:
    ```py
    >>> with http_stream_backoff("GET", url) as response:
    ...     for chunk in response.iter_content(chunk_size=1 << 20):
    ...         ...
    ```
    """
    kwargs.pop("stream", None)
    response = _send_with_retries(
        method,
        url,
        max_retries=max_retries,
        base_wait_time=base_wait_time,
        max_wait_time=max_wait_time,
        retry_on_exceptions=retry_on_exceptions,
        retry_on_status_codes=retry_on_status_codes,
        stream=True,
        kwargs=kwargs,
    )
    with response:  # releases the connection whatever happens in the caller's block
        yield response


def fix_hf_endpoint_in_url(url: str, endpoint: str | None) -> str:
    """Point a URL returned by the Hub at `endpoint` (or `constants.ENDPOINT`) when that is a proxy.

    The Hub writes its own address in some answers; behind a mirror or proxy the client must keep
    talking to the configured endpoint instead.
    """
    endpoint = endpoint.rstrip("/") if endpoint else constants.ENDPOINT
    if endpoint not in (constants._HF_DEFAULT_ENDPOINT, constants._HF_DEFAULT_STAGING_ENDPOINT):
        url = url.replace(constants._HF_DEFAULT_ENDPOINT, endpoint)
        url = url.replace(constants._HF_DEFAULT_STAGING_ENDPOINT, endpoint)
    return url


# ---------------------------------------------------------------------------
# Error mapping
# ---------------------------------------------------------------------------

# A 401 on these URLs is reported as "repository not found". Only https URLs match, like upstream:
# a plain-http server must send `X-Error-Code` to get the specific error.
REPO_API_REGEX = re.compile(r"^https://[^/]+(/api/(models|datasets|spaces)/(.+)|/(.+)/resolve/(.+))")
BUCKET_API_REGEX = re.compile(r"^https?://[^/]+/api/buckets/")
_JOB_ID_FROM_URL = re.compile(r"^https?://[^/]+/api/(?:scheduled-jobs|jobs)/[^/]+/([^/?]+)")
_REPO_FROM_URL = re.compile(r"^https?://[^/]+/api/(models|datasets|spaces)/([^/]+)(?:/([^/]+))?")
_BUCKET_ID_FROM_URL = re.compile(r"^https?://[^/]+/api/buckets/([^/]+/[^/]+)")
# Path segments that may follow a one-part repo id (`/api/models/gpt2/revision/main`).
_REPO_URL_SUBPATHS = {"resolve", "tree", "blob", "raw", "refs", "commit", "discussions", "settings", "revision"}

_REPO_NOT_FOUND_HINT = (
    "\nPlease make sure you specified the correct `repo_id` and `repo_type`."
    "\nIf you are trying to access a private or gated repo, make sure you are authenticated and your token has the"
    " required permissions."
    "\nFor more details, see https://huggingface.co/docs/huggingface_hub/authentication"
)
_BUCKET_NOT_FOUND_HINT = (
    "\nPlease make sure you specified the correct bucket id (namespace/name)."
    "\nIf the bucket is private, make sure you are authenticated and your token has the required permissions."
)


def _parse_repo_info_from_url(url: str) -> tuple[str | None, str | None]:
    """`(repo_type, repo_id)` of an `/api/{models,datasets,spaces}/...` URL, else `(None, None)`."""
    match = _REPO_FROM_URL.search(url)
    if match is None:
        return None, None
    first, second = match.group(2), match.group(3)
    repo_id = f"{first}/{second}" if second and second not in _REPO_URL_SUBPATHS else first
    return constants.REPO_TYPES_MAPPING.get(match.group(1)), repo_id


def _search_group(pattern: re.Pattern, url: str | None) -> str | None:
    match = pattern.search(url) if url else None
    return match.group(1) if match else None


def hf_raise_for_status(response: Response, endpoint_name: str | None = None) -> None:
    """Raise the `HfHubHTTPError` subclass that matches a failed response; do nothing otherwise.

    Use it instead of `response.raise_for_status()` for every call to the Hub. Redirects (3xx) do
    not raise. `X-HF-Warning` headers are logged (once per topic) whatever the status.

    Args:
        response (`requests.Response`): the response to check.
        endpoint_name (`str`, *optional*): name of the endpoint, quoted in the 400 message.

    Raises:
        `RevisionNotFoundError`, `RemoteEntryNotFoundError`, `GatedRepoError`, `DisabledRepoError`,
        `BucketNotFoundError`, `JobNotFoundError`, `RepositoryNotFoundError` (also for a 401 on a repo
        URL), `BadRequestError` (400), else `HfHubHTTPError`. The message includes the server's
        error text and the request id when available.
    """
    try:
        _warn_on_warning_headers(response)
    except Exception:
        logger.debug("Failed to parse warning headers", exc_info=True)

    status = response.status_code
    if 200 <= status < 400:
        return  # 3xx too: a redirect that was not followed is the caller's business

    headers = response.headers
    error_code = headers.get("X-Error-Code")
    error_message = headers.get("X-Error-Message")
    request = response.request
    request_url = str(request.url) if request is not None and request.url is not None else response.url
    url = response.url or request_url
    repo_type, repo_id = _parse_repo_info_from_url(request_url) if request_url else (None, None)
    repo_attrs = {"repo_type": repo_type, "repo_id": repo_id}
    head = f"{status} Client Error.\n\n"

    if error_code == "RevisionNotFound":
        raise _format(RevisionNotFoundError, f"{head}Revision Not Found for url: {url}.", response, **repo_attrs)
    if error_code == "EntryNotFound":
        raise _format(RemoteEntryNotFoundError, f"{head}Entry Not Found for url: {url}.", response, **repo_attrs)
    if error_code == "GatedRepo":
        raise _format(GatedRepoError, f"{head}Cannot access gated repo for url {url}.", response, **repo_attrs)
    if error_message == "Access to this resource is disabled.":
        message = f"{head}Cannot access repository for url {url}.\nAccess to this resource is disabled."
        raise _format(DisabledRepoError, message, response)
    if error_code == "RepoNotFound" and request_url and BUCKET_API_REGEX.search(request_url):
        message = f"{head}Bucket Not Found for url: {url}.{_BUCKET_NOT_FOUND_HINT}"
        bucket_id = _search_group(_BUCKET_ID_FROM_URL, request_url)
        raise _format(BucketNotFoundError, message, response, bucket_id=bucket_id)
    if status == 404 and (job_id := _search_group(_JOB_ID_FROM_URL, request_url)) is not None:
        message = (
            f"{head}Job Not Found for url: {url}.\nPlease make sure you specified the correct job ID and namespace."
        )
        raise _format(JobNotFoundError, message, response, job_id=job_id)
    if error_code == "RepoNotFound" or (
        # The Hub answers 401 for missing repos as well as for private/gated ones seen anonymously.
        status == 401
        and error_message != "Invalid credentials in Authorization header"
        and request_url
        and REPO_API_REGEX.search(request_url)
    ):
        message = f"{head}Repository Not Found for url: {url}.{_REPO_NOT_FOUND_HINT}"
        raise _format(RepositoryNotFoundError, message, response, **repo_attrs)
    if status == 400:
        message = f"\n\nBad request for {endpoint_name} endpoint:" if endpoint_name is not None else "\n\nBad request:"
        raise _format(BadRequestError, message, response)
    if status == 403:
        message = (
            f"\n\n403 Forbidden: {error_message}.\nCannot access content at: {url}."
            "\nMake sure your token has the correct permissions."
        )
        raise _format(HfHubHTTPError, message, response)
    if status == 429:
        raise _format(HfHubHTTPError, _too_many_requests_message(response, url), response)
    if status == 416:
        requested = request.headers.get("Range") if request is not None else None
        message = (
            f"{_status_error_message(response)}. Requested range: {requested}. "
            f"Content-Range: {headers.get('Content-Range')}."
        )
        raise _format(HfHubHTTPError, message, response)
    raise _format(HfHubHTTPError, _status_error_message(response), response)


def _too_many_requests_message(response: Response, url: str | None) -> str:
    info = parse_ratelimit_headers(response.headers)
    # The headers come with every answer: they explain the 429 only when nothing is left.
    if info is None or info.remaining != 0:
        return f"\n\n429 Too Many Requests for url: {url}."
    message = f"\n\n429 Too Many Requests: you have reached your '{info.resource_type}' rate limit."
    message += f"\nRetry after {info.reset_in_seconds} seconds"
    if info.limit is not None and info.window_seconds is not None:
        message += f" ({info.remaining}/{info.limit} requests remaining in current {info.window_seconds}s window)."
    else:
        message += "."
    return message + f"\nUrl: {url}."


_STATUS_CLASS_LABELS = {1: "Informational response", 3: "Redirect response", 4: "Client error", 5: "Server error"}


def _status_error_message(response: Response) -> str:
    """The generic message, worded like httpx's `raise_for_status` so it matches upstream."""
    status = response.status_code
    reason = response.reason
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", errors="replace")
    if not reason:
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    url = response.url or (response.request.url if response.request is not None else None)
    label = _STATUS_CLASS_LABELS.get(status // 100, "Invalid status code")
    return (
        f"{label} '{status} {reason}' for url '{url}'\n"
        f"For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/{status}"
    )


_WARNED_TOPICS: set[str] = set()


def _warn_on_warning_headers(response: Response) -> None:
    """Log each `X-HF-Warning: <topic>; <message>` header, at most once per topic per process."""
    for warning in _header_values(response, "X-HF-Warning"):
        topic, message = warning.split(";", 1) if ";" in warning else ("", warning)
        topic, message = topic.strip(), message.strip()
        if message and topic not in _WARNED_TOPICS:
            _WARNED_TOPICS.add(topic)
            logger.warning(message)


def _header_values(response: Response, name: str) -> list[str]:
    """Every value of a repeated header. `requests` joins them with ", ", so ask urllib3 when it can."""
    raw_headers = getattr(getattr(response, "raw", None), "headers", None)
    getlist = getattr(raw_headers, "getlist", None)
    if callable(getlist):
        values = getlist(name)
        if values:
            return list(values)
    value = response.headers.get(name)
    return [value] if value else []


_ErrorT = TypeVar("_ErrorT", bound=HfHubHTTPError)


def _format(error_type: type[_ErrorT], custom_message: str, response: Response, **attrs: Any) -> _ErrorT:
    """Build the error: custom message + the server's own text + the request id."""
    server_message = "\n".join(_server_errors(response))
    message = custom_message
    if server_message and server_message.lower() not in custom_message.lower():
        message += ("\n" if "\n\n" in custom_message else "\n\n") + server_message

    for header, label in _REQUEST_ID_HEADERS:
        request_id = response.headers.get(header)
        if request_id:
            if str(request_id).lower() not in message.lower():
                # Right after the first line, where it is seen even when the rest is cut.
                newline = message.find("\n")
                tag = f" ({label}: {request_id})"
                message = message + tag if newline == -1 else message[:newline] + tag + message[newline:]
            break

    error = error_type(message.strip(), response=response, server_message=server_message or None)
    for name, value in attrs.items():
        setattr(error, name, value)
    return error


def _server_errors(response: Response) -> list[str]:
    """What the server said went wrong: `X-Error-Message`, then the JSON or plain-text body.

    Entries are stripped, and empty or repeated ones dropped.
    """
    errors: list[Any] = []
    if (from_header := response.headers.get("X-Error-Message")) is not None:
        errors.append(from_header)
    try:
        body = response.content  # a streamed response is read here
    except Exception:  # already consumed, or the connection broke while reading
        body = b""
    if body:
        try:
            data = response.json()
        except ValueError:  # not JSON: the text itself, unless it is an HTML error page
            if "html" not in response.headers.get("Content-Type", "").lower():
                errors.append(response.text)
        else:
            errors.extend(_errors_from_json(data))
    cleaned = (str(entry).strip() for entry in errors)
    return list(dict.fromkeys(entry for entry in cleaned if entry))


def _errors_from_json(data: Any) -> list[Any]:
    """Error texts from the JSON shapes the Hub and OAuth endpoints use."""
    if not isinstance(data, dict):
        return []
    found: list[Any] = []
    error, description = data.get("error"), data.get("error_description")
    if isinstance(error, list):  # {"error": ["first", "second"]}
        found.extend(error)
    elif error is not None and description is not None:  # OAuth: {"error": code, "error_description": text}
        found.append(f"{error}: {description}")
    elif error is not None:  # {"error": "text"}
        found.append(error)
    elif description is not None:
        found.append(description)
    for item in data.get("errors") or []:  # {"errors": [{"message": "text"}, ...]}
        if isinstance(item, dict) and "message" in item:
            found.append(item["message"])
    return found
