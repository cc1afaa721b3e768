"""Finding the user's Hub token, and keeping tokens on disk.

Resolution order of `get_token()` (the first source that yields a token wins):

1. OIDC token exchange, only when ``HF_OIDC_RESOURCE`` is set (CI "Trusted Publishers"); failures raise;
2. the ``HF_TOKEN`` environment variable, then the legacy ``HUGGING_FACE_HUB_TOKEN``;
3. the token file ``constants.HF_TOKEN_PATH``, refreshed transparently when it is an OAuth token close to expiry;
4. the ``HF_TOKEN`` secret of Google Colab.

On disk, the active token is a raw file (no trailing newline) and every named token lives in an INI file,
``constants.HF_STORED_TOKENS_PATH``, with one section per token name. Both are secrets: written with mode 0600 in
a directory restricted to 0700.

Tokens are secrets: nothing here prints or logs a token value, only token names and paths.
"""

import configparser
import io
import os
import time
import warnings
from pathlib import Path
from threading import Lock
from typing import TypedDict

from .. import constants
from ..errors import DeviceCodeError, OAuthErrorCode, OIDCError
from ._fixes import WeakFileLock
from ._oauth_device import refresh_access_token
from ._runtime import is_colab_enterprise, is_google_colab
from .logging import get_logger

logger = get_logger(__name__)

_SECRET_FILE_MODE = 0o600
_SECRET_DIR_MODE = 0o700


def get_token() -> str | None:
    """Return the Hub token of the current user, or `None` when not logged in.

    Most code should not need this: [`~utils.build_hf_headers`] already attaches the token to requests.

    The token is looked up, in this order, from an OIDC token exchange (only when ``HF_OIDC_RESOURCE`` is set), the
    ``HF_TOKEN`` (or legacy ``HUGGING_FACE_HUB_TOKEN``) environment variable, the token file written by [`login`],
    and finally the ``HF_TOKEN`` secret of Google Colab. An OAuth token from the browser login that is about to expire
    is refreshed and saved before being returned.

    Raises:
        [`~errors.OIDCError`]: if ``HF_OIDC_RESOURCE`` is set but no token can be obtained through OIDC. Opting into
            OIDC is explicit, so a failure is reported rather than silently falling back to another source.
    """
    return (
        _get_token_from_oidc()
        or _get_token_from_environment()
        or _get_token_from_file_refreshed()
        or _get_token_from_google_colab()
    )


def _clean_token(token: str | None) -> str | None:
    """Drop every CR/LF and surrounding whitespace (copy-paste leftovers); an empty result means no token."""
    if token is None:
        return None
    return token.replace("\r", "").replace("\n", "").strip() or None


# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------


def _get_token_from_environment() -> str | None:
    # An empty HF_TOKEN falls through to the legacy name rather than meaning "no token".
    return _clean_token(os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN"))


def _get_token_from_file() -> str | None:
    """Read the active token file. A missing file means "not logged in"; any other I/O error propagates."""
    try:
        return _clean_token(Path(constants.HF_TOKEN_PATH).read_text())
    except FileNotFoundError:
        return None


# The Colab vault is read at most once per process: each access may pop up a permission dialog, and
# `google.colab.userdata` is not thread-safe (parallel downloads would deadlock without the lock).
_GOOGLE_COLAB_SECRET_LOCK = Lock()
_IS_GOOGLE_COLAB_CHECKED = False
_GOOGLE_COLAB_SECRET: str | None = None


def _get_token_from_google_colab() -> str | None:
    """Read the ``HF_TOKEN`` secret from the Google Colab vault (not in Colab Enterprise)."""
    global _IS_GOOGLE_COLAB_CHECKED, _GOOGLE_COLAB_SECRET
    if not is_google_colab() or is_colab_enterprise():
        return None

    with _GOOGLE_COLAB_SECRET_LOCK:
        if _IS_GOOGLE_COLAB_CHECKED:
            return _GOOGLE_COLAB_SECRET
        try:
            from google.colab import userdata  # type: ignore[import-not-found]
            from google.colab.errors import Error as ColabError  # type: ignore[import-not-found]
        except ImportError:
            return None

        try:
            _GOOGLE_COLAB_SECRET = _clean_token(userdata.get("HF_TOKEN"))
        except userdata.NotebookAccessError:
            # The user refused to share the secret with this notebook: respect it and do not ask again.
            warnings.warn(
                "\nAccess to the secret `HF_TOKEN` has not been granted on this notebook."
                "\nYou will not be requested again."
                "\nPlease restart the session if you want to be prompted again.",
                stacklevel=1,
            )
            _GOOGLE_COLAB_SECRET = None
        except userdata.SecretNotFoundError:
            # Not an error: the user simply did not log in through the vault.
            logger.info(
                "The secret `HF_TOKEN` does not exist in your Colab secrets. Run `huggingface_hub.login()` to"
                " authenticate (recommended but still optional to access public models or datasets)."
            )
            _GOOGLE_COLAB_SECRET = None
        except ColabError as e:
            warnings.warn(f"\nError while fetching `HF_TOKEN` secret value from your vault: '{str(e)}'.", stacklevel=1)
            _GOOGLE_COLAB_SECRET = None

        _IS_GOOGLE_COLAB_CHECKED = True
        return _GOOGLE_COLAB_SECRET


# ---------------------------------------------------------------------------
# OIDC (Trusted Publishers)
# ---------------------------------------------------------------------------


class _OidcTokenCache(TypedDict):
    resource: str
    token: str
    expires_at: float  # time.monotonic() value after which the token must be exchanged again


# Exchanging on every request would be wasteful; exchanging again a little before expiry keeps long jobs working.
_OIDC_TOKEN_LOCK = Lock()
_OIDC_TOKEN_CACHE: _OidcTokenCache | None = None
_OIDC_REFRESH_MARGIN = 300


def _get_token_from_oidc() -> str | None:
    """Exchange a CI-issued OIDC id token for a short-lived Hub token, when ``HF_OIDC_RESOURCE`` asks for it.

    The id token is ``HF_OIDC_ID_TOKEN`` when set, otherwise minted from the detected CI provider. Returns `None` when
    OIDC is not enabled; raises when it is enabled but fails.
    """
    global _OIDC_TOKEN_CACHE
    resource = os.environ.get("HF_OIDC_RESOURCE")
    if not resource:
        return None

    from .._oidc import detect_provider, oidc_login  # _oidc imports utils: import lazily to avoid a cycle

    with _OIDC_TOKEN_LOCK:
        now = time.monotonic()
        cached = _OIDC_TOKEN_CACHE
        if cached is not None and cached["resource"] == resource and now < cached["expires_at"]:
            return cached["token"]

        subject_token = os.environ.get("HF_OIDC_ID_TOKEN") or None
        if subject_token is None and detect_provider() is None:
            raise OIDCError(
                "HF_OIDC_RESOURCE is set but no OIDC id token is available: not running in a supported "
                "CI provider (github) and HF_OIDC_ID_TOKEN is not set. Set HF_OIDC_ID_TOKEN to the id "
                "token minted by your CI provider, or unset HF_OIDC_RESOURCE."
            )

        exchanged = oidc_login(resource=resource, subject_token=subject_token)
        token = exchanged["access_token"]
        lifetime = int(exchanged.get("expires_in", 3600))
        # A user-supplied id token cannot be minted again, so exchanging early would not help: keep the token for
        # its whole lifetime. Only a self-minted id token earns the safety margin.
        margin = 0 if subject_token is not None else _OIDC_REFRESH_MARGIN
        _OIDC_TOKEN_CACHE = {"resource": resource, "token": token, "expires_at": now + max(lifetime - margin, 0)}
        return token


# ---------------------------------------------------------------------------
# OAuth refresh of the token file
# ---------------------------------------------------------------------------


class _OAuthRefreshCache(TypedDict):
    file_token: str  # the token file content this decision applies to
    resolved_token: str  # what get_token() returns for it (refreshed or unchanged)
    recheck_at: float  # time.time() after which the decision must be made again


# `get_token()` runs on every request: remember the decision so that the stored tokens file is not re-read (and
# the network not hit) each time.
_OAUTH_REFRESH_LOCK = Lock()
_OAUTH_REFRESH_CACHE: _OAuthRefreshCache | None = None
_OAUTH_REFRESH_MARGIN = 24 * 3600  # refresh when less than a day of validity remains
_OAUTH_RECHECK_INTERVAL = 300  # look again after this long when nothing could or needed to be done
_OAUTH_REFRESH_WARNED = False  # a transient refresh failure is reported once per process


def _get_token_from_file_refreshed() -> str | None:
    token = _get_token_from_file()
    return None if token is None else _refresh_oauth_token_if_needed(token)


def _refresh_oauth_token_if_needed(token: str) -> str:
    """Return `token`, or a refreshed one if it is an OAuth token about to expire. Never raises.

    Only tokens saved by the browser login carry the ``refresh_token`` and ``expires_at`` fields needed to renew
    them; any other token is returned as it is.
    """
    global _OAUTH_REFRESH_CACHE
    with _OAUTH_REFRESH_LOCK:
        now = time.time()
        cached = _OAUTH_REFRESH_CACHE
        if cached is not None and cached["file_token"] == token and now < cached["recheck_at"]:
            return cached["resolved_token"]

        resolved, recheck_at = _decide_oauth_refresh(token, now)
        if recheck_at is not None:
            # Keyed by the token now in use: after a refresh, the token file holds the new one.
            _OAUTH_REFRESH_CACHE = {"file_token": resolved, "resolved_token": resolved, "recheck_at": recheck_at}
        return resolved


def _decide_oauth_refresh(token: str, now: float) -> tuple[str, float | None]:
    """Work out which token to serve for `token`, and until when that answer holds (`None`: do not remember it)."""
    token_name, fields = next(
        ((name, section) for name, section in _read_stored_tokens_full().items() if section.get("hf_token") == token),
        (None, {}),
    )
    refresh_token = fields.get("refresh_token")
    expires_at = _parse_expires_at(fields)
    if token_name is None or refresh_token is None or expires_at is None:
        # Either not a refreshable token, or another process has just replaced it (it is then no longer listed):
        # in that case serve the new file content, without remembering anything.
        current = _get_token_from_file()
        if current is not None and current != token:
            return current, None
        return token, now + _OAUTH_RECHECK_INTERVAL

    if expires_at - _OAUTH_REFRESH_MARGIN > now:
        return token, expires_at - _OAUTH_REFRESH_MARGIN

    try:
        new_token, new_expires_at = _refresh_stored_token(token_name, token, refresh_token, now)
    except Exception as e:
        if isinstance(e, DeviceCodeError) and e.error_code == OAuthErrorCode.INVALID_GRANT:
            # The session was revoked or expired: retrying cannot help, only a new login can. Always logged (it
            # happens once, the infinite recheck makes sure of that) so an earlier transient warning cannot hide it.
            logger.warning(
                "Your Hugging Face access token has expired and could not be refreshed "
                f"(session expired or revoked). Run `hf auth login` to re-authenticate. ({e})"
            )
            return token, float("inf")
        _warn_refresh_failure_once(f"Could not refresh your Hugging Face access token: {e}. Will retry later.")
        # Serve the old token: if it really expired, the Hub will say so clearly.
        return token, now + _OAUTH_RECHECK_INTERVAL

    # The floor prevents a refresh on every call when the server grants less than the refresh margin.
    next_check = new_expires_at - _OAUTH_REFRESH_MARGIN if new_expires_at else 0
    return new_token, max(now + _OAUTH_RECHECK_INTERVAL, next_check)


def _refresh_stored_token(token_name: str, token: str, refresh_token: str, now: float) -> tuple[str, int | None]:
    """Exchange the refresh token and persist the result; return the new token and its expiry (unix time)."""
    # Cross-process lock: when the server rotates refresh tokens, two concurrent refreshes would invalidate each other.
    with WeakFileLock(constants.HF_STORED_TOKENS_PATH + ".lock", timeout=30):
        fields = _read_stored_tokens_full().get(token_name, {})
        if fields.get("hf_token") != token:
            # Another process refreshed while we waited for the lock: adopt its result.
            return fields.get("hf_token") or token, _parse_expires_at(fields)

        response = refresh_access_token(refresh_token)
        new_token = response["access_token"]
        new_expires_at = int(now) + int(response["expires_in"]) if "expires_in" in response else None
        _save_token(
            token=new_token,
            token_name=token_name,
            refresh_token=response.get("refresh_token") or refresh_token,  # the server may or may not rotate it
            expires_at=new_expires_at,
        )
        # Leave the token file alone if the user switched to another token in the meantime.
        if _get_token_from_file() == token:
            _write_secret(Path(constants.HF_TOKEN_PATH), new_token)
        logger.info(f"Access token `{token_name}` has been refreshed.")
        return new_token, new_expires_at


def _warn_refresh_failure_once(message: str) -> None:
    global _OAUTH_REFRESH_WARNED
    if not _OAUTH_REFRESH_WARNED:
        _OAUTH_REFRESH_WARNED = True
        logger.warning(message)


def _parse_expires_at(fields: dict[str, str]) -> int | None:
    """The ``expires_at`` field of a stored section as an int; `None` when absent or corrupt."""
    try:
        return int(fields["expires_at"])
    except (KeyError, ValueError):
        return None


# ---------------------------------------------------------------------------
# Stored tokens (INI file) and secret files
# ---------------------------------------------------------------------------


def get_stored_tokens() -> dict[str, str]:
    """Return every saved access token, by name.

    Tokens are read from ``constants.HF_STORED_TOKENS_PATH`` (by default ``~/.cache/huggingface/stored_tokens``). A
    missing or unparsable file gives an empty dict.

    Returns:
        `dict[str, str]`: token name -> token.
    """
    return {name: fields.get("hf_token", "") for name, fields in _read_stored_tokens_full().items()}


def _read_stored_tokens_full() -> dict[str, dict[str, str]]:
    """Every section of the stored tokens file with all its fields (``hf_token``, and for OAuth logins
    ``refresh_token`` and ``expires_at``)."""
    path = Path(constants.HF_STORED_TOKENS_PATH)
    if not path.exists():
        return {}
    parser = _new_ini_parser()
    try:
        parser.read(path)  # like upstream: a file that cannot be opened is skipped, giving no sections
        return {name: dict(parser.items(name)) for name in parser.sections()}
    except configparser.Error as e:
        logger.error(f"Error parsing stored tokens file: {_describe_ini_error(e)}")
        return {}


def _describe_ini_error(error: configparser.Error) -> str:
    """The parser's message without the offending lines, which may well be tokens and must not reach the logs.

    (Upstream logs the message as it is; only the redaction differs.)
    """
    if isinstance(error, configparser.MissingSectionHeaderError):
        return f"File contains no section headers.\nfile: {error.source!r}, line: {error.lineno}"
    if isinstance(error, configparser.ParsingError):
        line_numbers = ", ".join(str(lineno) for lineno, _line in error.errors)
        return f"Source contains parsing errors: {error.source!r} (lines {line_numbers})"
    return str(error)  # duplicate sections or options: the message names them, never a value


def _save_stored_tokens_full(stored_tokens: dict[str, dict[str, str]]) -> None:
    """Rewrite the stored tokens file with these sections, sorted by name."""
    parser = _new_ini_parser()
    for name in sorted(stored_tokens):
        parser.add_section(name)
        for key, value in stored_tokens[name].items():
            parser.set(name, key, value)
    buffer = io.StringIO()
    parser.write(buffer)
    _write_secret(Path(constants.HF_STORED_TOKENS_PATH), buffer.getvalue())


def _new_ini_parser() -> configparser.ConfigParser:
    # Tokens are opaque strings: a `%` in one must not be read as an interpolation.
    return configparser.ConfigParser(interpolation=None)


def _get_token_by_name(token_name: str) -> str | None:
    """The saved token called `token_name`, or `None` if there is none."""
    stored = get_stored_tokens()
    return _clean_token(stored[token_name]) if token_name in stored else None


def _save_token(
    token: str, token_name: str, *, refresh_token: str | None = None, expires_at: int | None = None
) -> None:
    """Save `token` under `token_name` in the stored tokens file (created if needed).

    The whole section is replaced, so logging in again under the same name drops stale refresh metadata.

    Args:
        token (`str`): the access token.
        token_name (`str`): the section name.
        refresh_token (`str`, *optional*): OAuth refresh token to renew the access token with.
        expires_at (`int`, *optional*): unix time at which the access token expires.
    """
    stored = _read_stored_tokens_full()
    fields = {"hf_token": token}
    if refresh_token is not None:
        fields["refresh_token"] = refresh_token
    if expires_at is not None:
        fields["expires_at"] = str(expires_at)
    stored[token_name] = fields
    _save_stored_tokens_full(stored)
    logger.info(f"The token `{token_name}` has been saved to {constants.HF_STORED_TOKENS_PATH}")


def _write_secret(path: Path, content: str) -> None:
    """Write a secret file readable by its owner only, and restrict its directory to the owner as well."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=_SECRET_DIR_MODE)
    # Created with the final mode straight away, so the secret is never readable by others, even briefly.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _SECRET_FILE_MODE)
    with os.fdopen(descriptor, "w") as file:
        file.write(content)
    try:
        # O_CREAT does not change the mode of a file that already existed; the directory may predate us too.
        path.chmod(_SECRET_FILE_MODE)
        path.parent.chmod(_SECRET_DIR_MODE)
    except (OSError, NotImplementedError):
        pass  # e.g. Windows, or a directory owned by someone else: best effort
