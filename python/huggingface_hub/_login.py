"""Logging in to the Hub and managing the saved access tokens: `login`, `logout`, `auth_switch`, `auth_list`.

A login validates a token against the Hub (``/api/whoami-v2``), saves it under a name in the stored tokens file and
makes it the active token (the token file). Without a token, the user logs in through the browser (OAuth device
flow), or pastes a token in a terminal.

Token values are secrets: they are never printed or logged, only their names (and a masked form in `auth_list`).
"""

import html
import os
import subprocess
import sys
import time
from datetime import datetime
from getpass import getpass
from pathlib import Path

from . import constants
from .errors import DeviceCodeError
from .utils._auth import (
    _get_token_by_name,
    _get_token_from_environment,
    _get_token_from_file,
    _get_token_from_google_colab,
    _read_stored_tokens_full,
    _save_stored_tokens_full,
    _save_token,
    _write_secret,
    get_stored_tokens,
    get_token,
)
from .utils._git_credential import list_credential_helpers, set_git_credential, unset_git_credential
from .utils._oauth_device import OAuthTokenResponse, poll_device_token, request_device_code
from .utils._runtime import is_google_colab, is_notebook
from .utils._subprocess import run_subprocess
from .utils._terminal import ANSI, select_choice, tabulate
from .utils.logging import get_logger

logger = get_logger(__name__)

_ALREADY_LOGGED_IN = "User is already logged in. Use `hf auth login --force` to force re-login."


def login(
    token: str | None = None,
    *,
    add_to_git_credential: bool = False,
    skip_if_logged_in: bool = True,
) -> None:
    """Log this machine in to the Hub.

    With a `token`, it is checked against the Hub, saved and made the active token, so that every
    `huggingface_hub` call (and every process on the machine) uses it. Without one, the user logs in through the
    browser: open a URL, enter a short code, and the token is fetched and saved. In a terminal, pasting an existing
    access token is offered as well. The `hf auth login` command does the same.

    > [!TIP]
    > Without a token, [`login`] guesses whether it runs in a notebook. If the guess is wrong, call
    > [`notebook_login`] or [`interpreter_login`] directly.

    Args:
        token (`str`, *optional*):
            A User Access Token, see https://huggingface.co/settings/tokens.
        add_to_git_credential (`bool`, defaults to `False`):
            Also give the token to git's credential helpers (a warning is shown if none is configured). Only used
            when `token` is given; the browser login ignores it.
        skip_if_logged_in (`bool`, defaults to `True`):
            Do nothing when a token is already available. Set to `False` to log in again (`--force` in the CLI).

    Raises:
        [`ValueError`](https://docs.python.org/3/library/exceptions.html#ValueError):
            If `token` is an organization token: only personal tokens can log in.
        [`~errors.HfHubHTTPError`]:
            If the Hub rejects the token.
        [`~errors.DeviceCodeError`]:
            If the browser login fails (authorization denied, code expired, ...).
    """
    if token is not None:
        if not add_to_git_credential:
            logger.info(
                "The token has not been saved to the git credentials helper. Pass "
                "`add_to_git_credential=True` in this function directly or "
                "`--add-to-git-credential` if using via `hf`CLI if "
                "you want to set the git credential as well."
            )
        _validate_and_save_token(token, add_to_git_credential=add_to_git_credential)
        return

    if add_to_git_credential:
        logger.warning(
            "`add_to_git_credential=True` is only supported when a token is passed directly. "
            "It is ignored by the browser-based login."
        )
    if is_notebook():
        notebook_login(skip_if_logged_in=skip_if_logged_in)
    else:
        interpreter_login(skip_if_logged_in=skip_if_logged_in)


def logout(token_name: str | None = None) -> None:
    """Log this machine out of the Hub.

    Without `token_name`, every saved token is deleted; with it, only that one (and the active token file if it was
    the active one; an unknown name does nothing). The Hub credential is then removed from git's credential helpers.

    Args:
        token_name (`str`, *optional*):
            Name of the saved token to delete. Deletes them all when omitted.

    Raises:
        `OSError`: if a token still resolves afterwards, because it comes from the ``HF_TOKEN`` environment variable
            or a Google Colab secret, which only the user can remove.
    """
    if get_token() is None and not get_stored_tokens():
        logger.warning("Not logged in!")
        return

    if token_name:
        _logout_from_token(token_name)
        logger.info(f"Successfully logged out from access token: {token_name}.")
    else:
        for path in (constants.HF_TOKEN_PATH, constants.HF_STORED_TOKENS_PATH):
            Path(path).unlink(missing_ok=True)
        logger.info("Successfully logged out from all access tokens.")

    unset_git_credential()

    if _get_token_from_google_colab() is not None:
        raise OSError(
            "You are automatically logged in using a Google Colab secret.\n"
            "To log out, you must unset the `HF_TOKEN` secret in your Colab settings."
        )
    if _get_token_from_environment() is not None:
        raise OSError(
            "Token has been deleted from your machine but you are still logged in.\n"
            "To log out, you must clear out both `HF_TOKEN` and `HUGGING_FACE_HUB_TOKEN` environment variables."
        )


def auth_switch(token_name: str, add_to_git_credential: bool = False) -> None:
    """Make another saved token the active one.

    Args:
        token_name (`str`):
            Name of the saved token to switch to.
        add_to_git_credential (`bool`, defaults to `False`):
            Also give the token to git's credential helpers (a warning is shown if none is configured).

    Raises:
        [`ValueError`](https://docs.python.org/3/library/exceptions.html#ValueError):
            If no token is saved under that name.
    """
    token = _get_token_by_name(token_name)
    if not token:
        raise ValueError(f"Access token {token_name} not found in {constants.HF_STORED_TOKENS_PATH}")
    _set_active_token(token_name, add_to_git_credential)
    logger.info(f"The current active token is: {token_name}")
    environment_token = _get_token_from_environment()
    if environment_token is not None and environment_token != token:
        logger.warning(
            "The environment variable `HF_TOKEN` is set and will override the access token you've just switched to."
        )


def auth_list() -> None:
    """Print a table of the saved access tokens, masked, with a `*` on the active one."""
    # Resolve first: get_token() may refresh an OAuth token, which rewrites the stored tokens file.
    current_token = get_token()
    stored_tokens = _read_stored_tokens_full()

    if not stored_tokens:
        if _get_token_from_environment():
            logger.info("No stored access tokens found.")
            logger.warning("Note: Environment variable `HF_TOKEN` is set and is the current active token.")
        else:
            logger.info("No access tokens found.")
        return

    show_expiry = any("expires_at" in fields for fields in stored_tokens.values())
    headers = [" ", "name", "token"] + (["expires"] if show_expiry else [])
    rows: list[list[str | int]] = []
    active_name = None
    for name, fields in stored_tokens.items():
        token = fields.get("hf_token")
        is_active = token is not None and token == current_token
        if is_active:
            active_name = name
        row: list[str | int] = ["*" if is_active else "", name, _mask_token(token)]
        if show_expiry:
            row.append(_format_expiration(fields.get("expires_at")))
        rows.append(row)
    print(tabulate(rows, headers=headers))

    if _get_token_from_environment():
        logger.warning(
            "\nNote: Environment variable `HF_TOKEN` is set and is the current active token independently from the"
            " stored tokens listed above."
        )
    elif active_name is None:
        logger.warning(
            "\nNote: No active token is set and no environment variable `HF_TOKEN` is found. Use `hf auth login` to"
            " log in."
        )


def _mask_token(token: str | None) -> str:
    """Enough of a token to recognise it (first 3 and last 4 characters), not enough to use it."""
    if token is None:
        return "<not set>"
    return f"{token[:3]}****{token[-4:]}"


def _format_expiration(expires_at: str | None) -> str:
    """Render an ``expires_at`` unix time for `auth_list`: ``YYYY-MM-DD``, marked when past; blank if unusable."""
    if not expires_at:
        return ""
    try:
        timestamp = int(expires_at)
    except ValueError:
        return ""
    day = datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d")
    return f"{day} (expired)" if timestamp < time.time() else day


# ---------------------------------------------------------------------------
# Browser login (OAuth device flow, RFC 8628)
# ---------------------------------------------------------------------------


def _device_code_login() -> None:
    """Browser login in a terminal: show the URL and code, wait for the user to authorize, save the token."""
    device_info = request_device_code()
    # The "complete" URL has the code pre-filled when the server supports it.
    print(f"\n    Open this URL in your browser:\n        {device_info['verification_uri_complete']}\n")
    print(f"    And enter the code: {device_info['user_code']}\n")
    print("    Waiting for authorization", end="", flush=True)
    try:
        response = poll_device_token(device_info, on_pending=lambda: print(".", end="", flush=True))
    finally:
        print()  # end the line of dots, whatever happened
    _save_oauth_token(response)


def _save_oauth_token(response: OAuthTokenResponse) -> tuple[str, str]:
    """Validate and save the token obtained by the device flow, with what is needed to refresh it later."""
    expires_in = response.get("expires_in")
    token_name, username = _validate_and_save_token(
        response["access_token"],
        add_to_git_credential=False,
        refresh_token=response.get("refresh_token"),
        expires_at=int(time.time()) + int(expires_in) if expires_in else None,
    )
    note = _expiration_note(response)
    if note:
        logger.info(f"Note: {note}")
    return token_name, username


def _expiration_note(response: OAuthTokenResponse) -> str | None:
    """A sentence about the lifetime of a new OAuth token, when the server told it."""
    expires_in = response.get("expires_in")
    if not expires_in:
        return None
    if response.get("refresh_token"):
        return "This token will be refreshed automatically when it expires."
    days = max(1, int(expires_in) // 86400)
    return f"This token expires in {days} days. Log in again to renew it."


# ---------------------------------------------------------------------------
# Terminal login
# ---------------------------------------------------------------------------


def interpreter_login(*, skip_if_logged_in: bool = True) -> None:
    """Log in from a terminal: through the browser, or by pasting an access token.

    This is what [`login`] does without a token outside notebooks; call it directly to force the terminal flow.
    Without an interactive terminal, the browser login is used straight away.

    Args:
        skip_if_logged_in (`bool`, defaults to `True`):
            Do nothing when a token is already available. Set to `False` to log in again (`--force` in the CLI).
    """
    if skip_if_logged_in and get_token() is not None:
        logger.info(_ALREADY_LOGGED_IN)
        return
    if get_token() is not None:
        logger.info("Note: a token is already saved on this machine. Logging in again will replace the active token.")

    if _prompt_login_method() == "token":
        _paste_token_login()
    else:
        _device_code_login()


def _prompt_login_method() -> str:
    """``"browser"`` (the default) or ``"token"``; only asks when stdin is a terminal."""
    if sys.stdin is None or not sys.stdin.isatty():
        return "browser"
    choice = select_choice("How would you like to log in?", ["Log in with your browser", "Paste an access token"])
    return "browser" if choice == 0 else "token"


def _paste_token_login() -> None:
    logger.info(
        "    To log in, `huggingface_hub` requires a token generated from https://huggingface.co/settings/tokens ."
    )
    if os.name == "nt":
        logger.info("Token can be pasted using 'Right-Click'.")
    # getpass: the token is not echoed on screen (nor kept in the terminal's scrollback).
    token = getpass("Enter your token (input will not be visible): ")
    _validate_and_save_token(token=token, add_to_git_credential=False)


# ---------------------------------------------------------------------------
# Notebook login
# ---------------------------------------------------------------------------


def notebook_login(*, skip_if_logged_in: bool = True) -> None:
    """Log in from a notebook, through the browser, with the instructions shown as HTML in the cell output.

    This is what [`login`] does without a token in a notebook; call it directly to force the notebook flow. When
    IPython is not installed, it falls back to [`interpreter_login`].

    Args:
        skip_if_logged_in (`bool`, defaults to `True`):
            Do nothing when a token is already available. Set to `False` to log in again.
    """
    if skip_if_logged_in and get_token() is not None:
        logger.info(_ALREADY_LOGGED_IN)
        return

    try:
        from IPython.display import HTML, display  # type: ignore[import-not-found]
    except ImportError:
        interpreter_login(skip_if_logged_in=False)
        return

    device_info = request_device_code()
    # Everything that comes from the server is escaped: it ends up inside raw HTML.
    verification_uri = html.escape(device_info["verification_uri"])
    verification_uri_complete = html.escape(device_info["verification_uri_complete"])
    user_code = html.escape(device_info["user_code"])
    display(
        HTML(
            '<center><img src="https://huggingface.co/front/assets/huggingface_logo-noborder.svg"'
            ' width="100" alt="Hugging Face"><br><br>'
            "<p>To log in, open this URL and enter the code:</p>"
            f'<p><a href="{verification_uri_complete}" target="_blank"><b>{verification_uri}</b></a></p>'
            '<p style="font-size: 1.6em; letter-spacing: 0.3em; font-family: monospace;">'
            f"<b>{user_code}</b></p></center>"
        )
    )
    display(HTML("<center><i>Waiting for authorization...</i></center>"))

    # In a notebook, failures are shown in the cell output rather than raised.
    try:
        response = poll_device_token(device_info)
    except DeviceCodeError as e:
        display(HTML(f"<center><b style='color: red;'>Login failed: {html.escape(str(e))}</b></center>"))
        return
    try:
        token_name, username = _save_oauth_token(response)
    except Exception as error:
        display(HTML(f"<center><b style='color: red;'>{html.escape(str(error))}</b></center>"))
        return

    message = f"Login successful. Logged in as <b>{html.escape(username)}</b> (token: <code>{html.escape(token_name)}</code>)."
    note = _expiration_note(response)
    if note:
        message += f"<br>{html.escape(note)}"
    display(HTML(f"<center>{message}</center>"))


# ---------------------------------------------------------------------------
# Saving and activating tokens
# ---------------------------------------------------------------------------


def _validate_and_save_token(
    token: str,
    add_to_git_credential: bool,
    refresh_token: str | None = None,
    expires_at: int | None = None,
) -> tuple[str, str]:
    """Check `token` against the Hub, save it and make it the active token; return its name and the user name.

    The token is saved under the ``displayName`` the Hub gives it, or ``oauth-<username>`` for OAuth tokens, which
    have none.

    Args:
        token (`str`): the access token.
        add_to_git_credential (`bool`): also give it to git's credential helpers.
        refresh_token (`str`, *optional*): OAuth refresh token to save with it.
        expires_at (`int`, *optional*): unix time at which the token expires.
    """
    from .hf_api import whoami  # hf_api imports this module's dependencies: import at call time

    if token.startswith("api_org"):
        raise ValueError("You must use your personal account token, not an organization token.")

    token_info = whoami(token)
    username = token_info["name"]
    access_token_info = (token_info.get("auth") or {}).get("accessToken") or {}
    role = access_token_info.get("role")
    logger.info(f"Token is valid (permission: {role})." if role else "Token is valid.")

    token_name = access_token_info.get("displayName") or f"oauth-{username}"
    _save_token(token=token, token_name=token_name, refresh_token=refresh_token, expires_at=expires_at)
    _set_active_token(token_name=token_name, add_to_git_credential=add_to_git_credential)
    logger.info("Login successful.")
    if _get_token_from_environment():
        logger.warning(
            "Note: Environment variable`HF_TOKEN` is set and is the current active token independently from the"
            " token you've just configured."
        )
    else:
        logger.info(f"The current active token is: `{token_name}`")
    return token_name, username


def _logout_from_token(token_name: str) -> None:
    """Delete one saved token; if it was the active one, delete the token file too. Unknown names are ignored."""
    stored_tokens = _read_stored_tokens_full()
    if token_name not in stored_tokens:
        return
    fields = stored_tokens.pop(token_name)
    _save_stored_tokens_full(stored_tokens)
    if fields.get("hf_token") == _get_token_from_file():
        logger.warning(f"Active token '{token_name}' has been deleted.")
        Path(constants.HF_TOKEN_PATH).unlink(missing_ok=True)


def _set_active_token(token_name: str, add_to_git_credential: bool) -> None:
    """Write the saved token `token_name` to the active token file (and optionally to git's credential helpers)."""
    token = _get_token_by_name(token_name)
    if not token:
        raise ValueError(f"Token {token_name} not found in {constants.HF_STORED_TOKENS_PATH}")
    if add_to_git_credential:
        if _is_git_credential_helper_configured():
            set_git_credential(token)
            logger.info(
                "Your token has been saved in your configured git credential helpers"
                f" ({','.join(list_credential_helpers())})."
            )
        else:
            logger.warning("Token has not been saved to git credential helper.")
    _write_secret(Path(constants.HF_TOKEN_PATH), token)
    logger.info(f"Your token has been saved to {constants.HF_TOKEN_PATH}")


def _is_git_credential_helper_configured() -> bool:
    """Whether git has a credential helper; if not, print a hint on how to set one up.

    In Google Colab, "store" is configured silently instead: users there rarely care about git's configuration.
    """
    if list_credential_helpers():
        return True
    if is_google_colab():
        _set_store_as_git_credential_helper_globally()
        return True
    print(
        ANSI.red(
            "Cannot authenticate through git-credential as no helper is defined on your"
            " machine.\nYou might have to re-authenticate when pushing to the Hugging"
            " Face Hub.\nRun the following command in your terminal in case you want to"
            " set the 'store' credential helper as default.\n\ngit config --global"
            " credential.helper store\n\nRead"
            " https://git-scm.com/book/en/v2/Git-Tools-Credential-Storage for more"
            " details."
        )
    )
    return False


def _set_store_as_git_credential_helper_globally() -> None:
    """Configure git's "store" credential helper globally (used in Google Colab only)."""
    try:
        run_subprocess("git config --global credential.helper store")
    except subprocess.CalledProcessError as exc:
        raise OSError(exc.stderr) from exc
