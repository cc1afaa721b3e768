"""SSH into Hub containers (a Space in dev mode): the `ssh` command line the CLI runs, or prints with `--dry-run`."""

import shlex
import subprocess
from pathlib import Path
from typing import Annotated

import click

from ._framework import Option
from ._output import out

SshIdentityFileOpt = Annotated[
    Path | None,
    Option("-i", "--identity-file", help="Path to the SSH identity file (forwarded to `ssh -i`)."),
]

SshDryRunOpt = Annotated[
    bool,
    Option("--dry-run", help="Print the SSH command instead of running it."),
]


def exec_ssh(
    destination: str, *, port: int | None = None, identity_file: Path | None = None, dry_run: bool = False
) -> None:
    """Run `ssh` to `destination` (`user@host`) interactively and exit with its exit code; with `dry_run`, only print
    the command line."""
    command = ["ssh"]
    if identity_file is not None:
        command += ["-i", str(identity_file)]
    if port is not None:
        command += ["-p", str(port)]
    command.append(destination)
    line = shlex.join(command)
    if dry_run:
        out.text(line)
        return
    out.text(f"Running `{line}`")
    raise click.exceptions.Exit(code=subprocess.run(command).returncode)
