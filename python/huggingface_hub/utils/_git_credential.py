"""Storing the Hub token in git's credential helpers, so that `git push` to the Hub works without a prompt.

See https://git-scm.com/docs/gitcredentials and https://git-scm.com/docs/git-credential.
"""

import re
import subprocess

from .. import constants
from ._subprocess import run_interactive_subprocess, run_subprocess

# A line of `git config --list` that names a credential helper, e.g. "credential.helper=store". The helper is a
# name or an absolute path; whatever follows a space (helper options) is ignored.
GIT_CREDENTIAL_REGEX = re.compile(
    r"^\s*credential\.helper\s*=\s*(?P<helper>[\w\-/]+)(?:\s|$)",
    flags=re.MULTILINE | re.IGNORECASE,
)


def list_credential_helpers(folder: str | None = None) -> list[str]:
    """List the git credential helpers configured (store, cache, osxkeychain, ...), sorted and without duplicates.

    Helpers scoped to one URL (``credential.https://host.helper=...``) are not detected.

    Args:
        folder (`str`, *optional*): the folder whose git configuration is read (repository config included).

    Raises:
        `OSError`: if `git config --list` fails; the message is git's stderr.
    """
    try:
        output = run_subprocess("git config --list", folder=folder).stdout
    except subprocess.CalledProcessError as exc:
        raise OSError(exc.stderr) from exc
    return _parse_credential_output(output)


def _parse_credential_output(output: str) -> list[str]:
    """Extract the helper names from the output of `git config --list`."""
    return sorted({match.group("helper") for match in GIT_CREDENTIAL_REGEX.finditer(output)})


def set_git_credential(token: str, username: str = "hf_user", folder: str | None = None) -> None:
    """Give `username`/`token` for the Hub endpoint to every configured git credential helper.

    Runs `git credential approve`; with no helper configured, git stores nothing.

    Args:
        token (`str`): the password, in practice a User Access Token (https://huggingface.co/settings/tokens).
        username (`str`, defaults to `"hf_user"`): the git user name (lower-cased), the Hub's default being `hf_user`.
        folder (`str`, *optional*): the folder whose git configuration decides which helpers are used.
    """
    # The protocol is "key=value" lines ended by a blank line; the token goes through stdin, never argv.
    request = f"url={constants.ENDPOINT}\nusername={username.lower()}\npassword={token}\n\n"
    with run_interactive_subprocess("git credential approve", folder=folder) as (stdin, _):
        stdin.write(request)
        stdin.flush()


def unset_git_credential(username: str | None = "hf_user", folder: str | None = None) -> None:
    """Erase the Hub endpoint's credentials from every configured git credential helper.

    Runs `git credential reject`. With `username=None`, any credential for the endpoint is erased.

    Args:
        username (`str`, defaults to `"hf_user"`): the git user name (lower-cased) whose credential is erased.
        folder (`str`, *optional*): the folder whose git configuration decides which helpers are used.
    """
    request = f"url={constants.ENDPOINT}\n"
    if username is not None:
        request += f"username={username.lower()}\n"
    request += "\n"
    with run_interactive_subprocess("git credential reject", folder=folder) as (stdin, _):
        stdin.write(request)
        stdin.flush()
