"""OAuth device authorization (RFC 8628) for the browser login, and renewal of the resulting access tokens.

The device flow: ask the Hub for a device code, show the user a URL and a short code to enter in a browser, then
poll ``POST {ENDPOINT}/oauth/token`` until the Hub issues a token. Tokens may come with a refresh token, which
`get_token()` later uses to renew them transparently.

Protocol only: nothing is printed or saved here. The interactive parts live in ``_login.py`` and the CLI.
"""

import time
from collections.abc import Callable
from typing import Any, TypedDict, cast

import requests

from .. import constants
from ..errors import DeviceCodeError, OAuthErrorCode
from ._http import get_session, hf_raise_for_status

_DEVICE_CODE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
_REFRESH_TOKEN_GRANT_TYPE = "refresh_token"

# RFC 8628 defaults when the server leaves them out: poll every 5 s; give up after 15 minutes.
_DEFAULT_POLL_INTERVAL = 5
_DEFAULT_EXPIRES_IN = 900
_SLOW_DOWN_STEP = 5


class DeviceCodeInfo(TypedDict):
    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str  # equals verification_uri when the server has no pre-filled variant
    interval: int
    expires_in: int


class OAuthTokenResponse(TypedDict, total=False):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str


def request_device_code() -> DeviceCodeInfo:
    """Start a device login: ask the Hub for a device code and the URL the user must visit.

    Optional fields are always filled in (``interval``, ``expires_in``, ``verification_uri_complete``).

    Raises:
        [`~errors.DeviceCodeError`]: if the request fails.
    """
    url = f"{constants.ENDPOINT}/oauth/device"
    try:
        response = get_session().post(
            url, data={"client_id": constants.DEVICE_CODE_OAUTH_CLIENT_ID}, timeout=constants.HF_HUB_DOWNLOAD_TIMEOUT
        )
        hf_raise_for_status(response)
    except requests.RequestException as e:
        raise DeviceCodeError(f"Failed to request device code from {url}: {e}") from e
    info = response.json()
    info.setdefault("interval", _DEFAULT_POLL_INTERVAL)
    info.setdefault("expires_in", _DEFAULT_EXPIRES_IN)
    if not info.get("verification_uri_complete"):
        info["verification_uri_complete"] = info["verification_uri"]
    return cast(DeviceCodeInfo, info)


def poll_device_token(
    device_info: DeviceCodeInfo, *, on_pending: Callable[[], None] | None = None
) -> OAuthTokenResponse:
    """Wait until the user has authorized the device, and return the token response.

    Inconclusive answers (network errors, 5xx, non-JSON pages, JSON without an OAuth ``error``) do not abort the
    login: polling goes on until the device code expires, as RFC 8628 asks.

    Args:
        device_info (`DeviceCodeInfo`): what [`request_device_code`] returned.
        on_pending (`Callable`, *optional*): called after each "authorization pending" answer (e.g. to print a dot).

    Returns:
        `OAuthTokenResponse`: ``access_token``, and when the server sends them ``refresh_token`` and ``expires_in``.

    Raises:
        [`~errors.DeviceCodeError`]: if the user denies access, the code expires, or the server answers with another
            OAuth error.
    """
    interval = device_info["interval"]
    deadline = time.monotonic() + device_info["expires_in"]
    while time.monotonic() < deadline:
        answer = _poll_once(device_info["device_code"])
        if answer is not None:
            if "access_token" in answer:
                return cast(OAuthTokenResponse, answer)
            error = answer.get("error")
            if error == OAuthErrorCode.AUTHORIZATION_PENDING:
                if on_pending is not None:
                    on_pending()
            elif error == OAuthErrorCode.SLOW_DOWN:
                interval += _SLOW_DOWN_STEP
            elif error == OAuthErrorCode.EXPIRED_TOKEN:
                raise DeviceCodeError(
                    "Device code expired. Please try again.", error_code=OAuthErrorCode.EXPIRED_TOKEN
                )
            elif error == OAuthErrorCode.ACCESS_DENIED:
                raise DeviceCodeError(
                    "Authorization was denied. Please try again.", error_code=OAuthErrorCode.ACCESS_DENIED
                )
            elif error is not None:
                raise DeviceCodeError(
                    f"OAuth error: {error} - {answer.get('error_description', '')}", error_code=error
                )
        time.sleep(interval)

    raise DeviceCodeError("Device code expired (timeout). Please try again.", error_code=OAuthErrorCode.EXPIRED_TOKEN)


def _poll_once(device_code: str) -> dict[str, Any] | None:
    """One poll of the token endpoint: its JSON answer, or `None` when the answer says nothing conclusive."""
    try:
        response = get_session().post(
            f"{constants.ENDPOINT}/oauth/token",
            data={
                "grant_type": _DEVICE_CODE_GRANT_TYPE,
                "device_code": device_code,
                "client_id": constants.DEVICE_CODE_OAUTH_CLIENT_ID,
            },
            timeout=constants.HF_HUB_DOWNLOAD_TIMEOUT,
        )
        if response.status_code >= 500:
            return None
        return response.json()
    except (requests.RequestException, ValueError):
        return None


def refresh_access_token(refresh_token: str) -> OAuthTokenResponse:
    """Trade a refresh token for a new access token.

    Returns:
        `OAuthTokenResponse`: ``access_token``, and possibly a rotated ``refresh_token`` and ``expires_in``.

    Raises:
        [`~errors.DeviceCodeError`]: if the Hub refuses (``error_code="invalid_grant"`` when the refresh token is
            expired or revoked) or answers something unexpected.
    """
    try:
        response = get_session().post(
            f"{constants.ENDPOINT}/oauth/token",
            data={
                "grant_type": _REFRESH_TOKEN_GRANT_TYPE,
                "refresh_token": refresh_token,
                "client_id": constants.DEVICE_CODE_OAUTH_CLIENT_ID,
            },
            # This runs inside get_token(): without a timeout, one hung request would stall every Hub call.
            timeout=constants.HF_HUB_DOWNLOAD_TIMEOUT,
        )
    except requests.RequestException as e:
        raise DeviceCodeError(f"Failed to refresh access token: {e}") from e
    answer = _parse_token_response(response)
    if "access_token" in answer:
        return cast(OAuthTokenResponse, answer)
    error = answer.get("error")
    raise DeviceCodeError(
        f"Failed to refresh access token: {error or response.status_code} - {answer.get('error_description', '')}",
        error_code=error,
    )


def _parse_token_response(response: requests.Response) -> dict[str, Any]:
    try:
        return response.json()
    except ValueError as e:
        raise DeviceCodeError(
            f"Failed to parse response from {constants.ENDPOINT}/oauth/token "
            f"(status {response.status_code}): {response.text[:500]}"
        ) from e
