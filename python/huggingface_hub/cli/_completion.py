"""``hf --install-completion`` / ``hf --show-completion``: shell completion through Click's own machinery.

Click completes ``hf`` when the ``_HF_COMPLETE`` variable is set (e.g. ``_HF_COMPLETE=bash_source hf``
prints the bash script). These two root options only print that script or wire it into the shell.
"""

import os
from pathlib import Path
from typing import Annotated

import click
from click.shell_completion import get_completion_class

from ._framework import Option

COMPLETE_VAR = "_HF_COMPLETE"


def _detect_shell() -> str:
    return Path(os.environ.get("SHELL", "")).name or "bash"


def _completion_script(shell: str) -> str:
    from .hf import app  # hf.py imports this module: resolve the app only when asked

    completion_class = get_completion_class(shell)
    if completion_class is None:
        raise click.ClickException(f"Shell '{shell}' is not supported for completion.")
    return completion_class(app, {}, "hf", COMPLETE_VAR).source()


def _show_completion(requested: bool) -> None:
    if requested:
        click.echo(_completion_script(_detect_shell()))
        raise click.exceptions.Exit()


def _install_completion(requested: bool) -> None:
    if not requested:
        return
    shell = _detect_shell()
    home = Path.home()
    if shell == "fish":
        # Fish loads one file per command from its completions directory: write the script there.
        target = home / ".config" / "fish" / "completions" / "hf.fish"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_completion_script("fish"))
    elif shell in ("bash", "zsh"):
        # Other shells evaluate the script at startup, so it follows CLI updates.
        target = home / f".{shell}rc"
        activation = f'eval "$({COMPLETE_VAR}={shell}_source hf)"'
        existing = target.read_text() if target.exists() else ""
        if activation not in existing:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("a") as rc_file:
                rc_file.write(f"\n{activation}\n")
    else:
        raise click.ClickException(f"Shell '{shell}' is not supported for completion.")
    click.echo(f"{shell} completion installed in {target}. Restart your shell for it to take effect.")
    raise click.exceptions.Exit()


InstallCompletionOpt = Annotated[
    bool,
    Option(
        "--install-completion",
        callback=_install_completion,
        is_eager=True,
        help="Install completion for the current shell.",
    ),
]

ShowCompletionOpt = Annotated[
    bool,
    Option(
        "--show-completion",
        callback=_show_completion,
        is_eager=True,
        help="Show completion for the current shell, to copy it or customize the installation.",
    ),
]
