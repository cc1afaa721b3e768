"""``hf auth ...``: log in and out, and manage the saved access tokens.

The work is done by the library (``login``, ``logout``, ``auth_switch``, ``auth_list`` of ``_login``);
these commands choose between interactive and non-interactive flows according to the output format.
The token itself is printed by ``hf auth token`` only. The API client is imported by the one command
that calls the Hub directly, so that the rest of the CLI does not pay for it.
"""

from typing import Annotated

import click

from huggingface_hub import constants
from huggingface_hub._login import _save_oauth_token, auth_list, auth_switch, login, logout
from huggingface_hub.errors import CLIError
from huggingface_hub.utils import get_stored_tokens, get_token, logging, select_choice
from huggingface_hub.utils._oauth_device import poll_device_token, request_device_code

from ._cli_utils import TokenOpt, typer_factory
from ._framework import Option
from ._output import OutputFormat, out

logger = logging.get_logger(__name__)

auth_cli = typer_factory(help="Manage authentication (login, logout, etc.).")

_GIT_CREDENTIAL_HELP = "Save to git credential helper. Useful only if you plan to run git commands directly."


@auth_cli.command(
    "login",
    examples=[
        "hf auth login",
        "hf auth login --token $HF_TOKEN",
        "hf auth login --token $HF_TOKEN --add-to-git-credential",
        "hf auth login --force",
    ],
)
def auth_login(
    token: TokenOpt = None,
    add_to_git_credential: Annotated[bool, Option(help=_GIT_CREDENTIAL_HELP)] = False,
    force: Annotated[bool, Option(help="Force re-login even if already logged in.")] = False,
) -> None:
    """Login from your browser, or using a token from huggingface.co/settings/tokens."""
    if token is not None or out.mode == OutputFormat.human:
        # With a token there is nothing to ask; a human gets the browser/paste menu of `login()`.
        login(token=token, add_to_git_credential=add_to_git_credential, skip_if_logged_in=not force)
        return
    if out.mode != OutputFormat.agent:
        raise CLIError(
            "`hf auth login` is interactive and does not support --format json/quiet. "
            "Pass --token for a non-interactive login."
        )
    _agent_device_login(force=force)


def _agent_device_login(*, force: bool) -> None:
    """Browser login driven by an AI agent: never prompt, print instructions the agent relays to its user."""
    if not force and get_token() is not None:
        out.text(agent="Already logged in. Use `hf auth login --force` to re-login.")
        return
    device = request_device_code()
    out.text(
        agent=(
            f"Ask the user to open {device['verification_uri_complete']} in a browser and enter the code "
            f"{device['user_code']}. The code expires in {device['expires_in']} seconds. "
            "Waiting for authorization..."
        )
    )
    token_name, username = _save_oauth_token(poll_device_token(device))
    out.text(agent=f"Login successful: logged in as {username} (token saved as '{token_name}').")


@auth_cli.command("logout", examples=["hf auth logout", "hf auth logout --token-name my-token"])
def auth_logout(
    token_name: Annotated[str | None, Option(help="Name of token to logout")] = None,
) -> None:
    """Logout from a specific token."""
    logout(token_name=token_name)


@auth_cli.command("switch", examples=["hf auth switch", "hf auth switch --token-name my-token"])
def auth_switch_cmd(
    token_name: Annotated[str | None, Option(help="Name of the token to switch to")] = None,
    add_to_git_credential: Annotated[bool, Option(help=_GIT_CREDENTIAL_HELP)] = False,
) -> None:
    """Switch between access tokens."""
    if token_name is None:
        token_name = _ask_token_name()
    if token_name is None:
        print("No token name provided. Aborting.")
        raise click.exceptions.Exit()
    auth_switch(token_name, add_to_git_credential=add_to_git_credential)


def _ask_token_name() -> str | None:
    """Let a human pick one of the saved tokens; None when there is none to pick."""
    names = list(get_stored_tokens())
    if not names:
        logger.error("No stored tokens found. Please login first.")
        return None
    if out.mode != OutputFormat.human:
        raise CLIError("Use --token-name to select a token in non-interactive mode.")
    return names[select_choice("Select a token to switch to:", names)]


@auth_cli.command("list | ls", examples=["hf auth list"])
def auth_list_cmd() -> None:
    """List all stored access tokens."""
    auth_list()


@auth_cli.command("token", examples=["hf auth token", "hf auth token | xargs curl -H 'Authorization: Bearer {}'"])
def auth_token() -> None:
    """Print the current access token to stdout."""
    token = get_token()
    if token is None:
        out.error("Not logged in. Run `hf auth login` first.")
        raise click.exceptions.Exit(code=1)
    # The one command whose purpose is to reveal the token: raw, on stdout, in every format.
    print(token)
    out.hint("Run `hf auth whoami` to see which account this token belongs to.")


@auth_cli.command("whoami", examples=["hf auth whoami", "hf auth whoami --format json"])
def auth_whoami() -> None:
    """Find out which huggingface.co account you are logged in as."""
    from huggingface_hub.hf_api import whoami

    token = get_token()
    if token is None:
        out.error("Not logged in")
        raise click.exceptions.Exit(code=1)
    info = whoami(token)
    orgs = ",".join(org["name"] for org in info.get("orgs") or []) or None
    # The endpoint is only worth showing when it is not the public Hub.
    endpoint = constants.ENDPOINT if constants.ENDPOINT != "https://huggingface.co" else None
    out.result("Logged in", user=info["name"], orgs=orgs, endpoint=endpoint)
