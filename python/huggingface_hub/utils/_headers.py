"""The headers sent with every call to the Hub: `user-agent` and, when wanted, `authorization`.

The token is resolved through the module global `get_token` at call time, so that tests can patch
`huggingface_hub.utils._headers.get_token`.

Header values must be sendable: HTTP/1.1 carries bytes, and `http.client` (under `requests`)
encodes text values as latin-1, failing deep inside the stack on anything else. This module makes
that failure impossible or explicit:

- user-agent parts (library name, `user_agent`, `HF_HUB_USER_AGENT_ORIGIN`...) are percent-encoded
  as UTF-8 outside printable ASCII, so `"café/1.0"` is sent as `"caf%C3%A9/1.0"`;
- a token containing a non-ASCII or control character raises `ValueError` (a real token never
  does: it usually is a copy-paste accident) and the message never includes the token;
- a caller-supplied header whose text value cannot be encoded as latin-1, or contains CR, LF or NUL,
  raises `ValueError` naming the header but not its value (which may be a secret).
"""

from typing import Any

from .. import constants
from ..errors import LocalTokenNotFoundError
from ._auth import get_token
from ._detect_agent import detect_agent
from ._runtime import get_hf_hub_version, get_python_version, get_torch_version, is_torch_available
from ._validators import validate_hf_hub_args


@validate_hf_hub_args
def build_hf_headers(
    *,
    token: bool | str | None = None,
    library_name: str | None = None,
    library_version: str | None = None,
    user_agent: dict | str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, str]:
    """Headers to send with a call to the Hub.

    Keys are lowercase: `user-agent`, then `authorization` (`Bearer <token>`) when a token is sent,
    then `headers` merged over them (the caller wins; keys are kept as given).

    Args:
        token (`str`, `bool`, *optional*):
            - a `str` is sent as is;
            - `True` sends the locally saved token, and raises `LocalTokenNotFoundError` if there is none;
            - `False` sends no token;
            - `None` (default) sends the saved token if any, unless `HF_HUB_DISABLE_IMPLICIT_TOKEN` is set.
        library_name (`str`, *optional*): name of the library making the call, first in the user-agent.
        library_version (`str`, *optional*): its version.
        user_agent (`str` or `dict`, *optional*): more user-agent entries, `{"name": "version"}` or `"name/version"`.
        headers (`dict`, *optional*): extra headers, which take precedence over the generated ones.

    Returns:
        `dict[str, str]`: the headers.

    Raises:
        `LocalTokenNotFoundError`: `token=True` and no token is saved.
        `ValueError`: the token or a caller-supplied header value cannot be sent over HTTP (see the
            module documentation). The message names the problem, never the token.

    Example:
    ```py
    >>> build_hf_headers(token="hf_***", library_name="transformers", library_version="4.0")
    {'user-agent': 'transformers/4.0; hf_hub/1.29.0; python/3.11.7', 'authorization': 'Bearer hf_***'}
    >>> build_hf_headers(token=False)
    {'user-agent': 'unknown/None; hf_hub/1.29.0; python/3.11.7'}
    ```
    """
    token_to_send = get_token_to_send(token)
    hf_headers = {
        "user-agent": _http_user_agent(
            library_name=library_name, library_version=library_version, user_agent=user_agent
        )
    }
    if token_to_send is not None:
        _check_token(token_to_send)
        hf_headers["authorization"] = f"Bearer {token_to_send}"
    if headers is not None:
        for name, value in headers.items():
            _check_header_value(name, value)
        hf_headers.update(headers)
    return hf_headers


def get_token_to_send(token: bool | str | None) -> str | None:
    """The token a request should carry, following the `token` argument convention of `build_hf_headers`."""
    if isinstance(token, str):
        return token
    if token is False:
        return None
    if token is True:
        saved = get_token()
        if saved is None:
            raise LocalTokenNotFoundError(
                "Token is required (`token=True`), but no token found. You need to provide a token or be logged in"
                " to Hugging Face with `hf auth login` or `huggingface_hub.login`. See"
                " https://huggingface.co/settings/tokens."
            )
        return saved
    # Checked before resolving: `get_token()` may refresh an OAuth token (a request and a file
    # write), pointless when the token would not be sent anyway.
    if constants.HF_HUB_DISABLE_IMPLICIT_TOKEN:
        return None
    return get_token()


# ---------------------------------------------------------------------------
# User-agent
# ---------------------------------------------------------------------------


def _http_user_agent(
    *,
    library_name: str | None = None,
    library_version: str | None = None,
    user_agent: dict | str | None = None,
) -> str:
    """`{library}/{version}; hf_hub/...; python/...[; torch/...][; agent/...][; extras][; origin/...]`."""
    parts = [f"{library_name}/{library_version}" if library_name is not None else "unknown/None"]
    parts.append(f"hf_hub/{get_hf_hub_version()}")
    parts.append(f"python/{get_python_version()}")
    # Telemetry off means no torch version and no agent detection (which may query the Hub).
    if not constants.HF_HUB_DISABLE_TELEMETRY:
        if is_torch_available():
            parts.append(f"torch/{get_torch_version()}")
        agent = detect_agent()
        if agent:
            parts.append(f"agent/{agent}")
    if isinstance(user_agent, dict):
        parts.extend(f"{key}/{value}" for key, value in user_agent.items())
    elif isinstance(user_agent, str):
        parts.append(user_agent)
    origin = constants.HF_HUB_USER_AGENT_ORIGIN
    if origin is not None:
        parts.append(f"origin/{origin}")
    return _deduplicate_user_agent(_to_header_safe_text("; ".join(parts)))


def _deduplicate_user_agent(user_agent: str) -> str:
    """Split on ";", strip each entry and drop repeated ones, keeping the first occurrence's place."""
    return "; ".join(dict.fromkeys(entry.strip() for entry in user_agent.split(";")))


def _to_header_safe_text(text: str) -> str:
    """Percent-encode (as UTF-8) every character outside printable ASCII."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        char if " " <= char <= "~" else "".join(f"%{byte:02X}" for byte in char.encode("utf-8")) for char in text
    )


# ---------------------------------------------------------------------------
# Header value checks
# ---------------------------------------------------------------------------

_FORBIDDEN_IN_HEADER = ("\r", "\n", "\0")


def _check_token(token: str) -> None:
    """Reject a token that cannot be sent, without ever putting the token in the message."""
    if not (token.isascii() and token.isprintable()):
        raise ValueError(
            "The Hugging Face token contains characters that cannot be sent in an HTTP header (non-ASCII or"
            " control characters). It was probably mangled when copied: copy it again from"
            " https://huggingface.co/settings/tokens."
        )


def _check_header_value(name: Any, value: Any) -> None:
    """Reject a caller header `requests` would fail on, naming the header but not its value."""
    if not isinstance(value, str):
        return  # bytes are sent as they are; other types are for requests to judge
    if value[:1].isspace():
        # requests would refuse it too, but quoting the value (possibly a secret) in its error.
        raise ValueError(f"The value of header {name!r} starts with whitespace, which HTTP forbids.")
    if str(name).lower() == "authorization":
        if not (value.isascii() and value.isprintable()):
            raise ValueError(
                "The 'authorization' header contains characters that cannot be sent in an HTTP header"
                " (non-ASCII or control characters)."
            )
        return
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(
            f"The value of header {name!r} contains characters that cannot be sent in an HTTP header (only latin-1"
            " is allowed). Percent-encode it or pass it as bytes."
        ) from None
    if any(char in value for char in _FORBIDDEN_IN_HEADER):
        raise ValueError(f"The value of header {name!r} contains a line break or NUL character, which HTTP forbids.")
