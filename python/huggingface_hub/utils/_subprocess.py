"""Small wrappers around `subprocess` (used for git) and a helper to capture what is printed."""

import os
import subprocess
import sys
from collections.abc import Generator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import IO, Any


@contextmanager
def capture_output() -> Generator[StringIO, None, None]:
    """Redirect `sys.stdout` into a buffer for the duration of the block.

    Example:
        ```py
        >>> with capture_output() as output:
        ...     print("hello world")
        >>> assert output.getvalue() == "hello world\\n"
        ```
    """
    buffer = StringIO()
    original = sys.stdout
    sys.stdout = buffer
    try:
        yield buffer
    finally:
        sys.stdout = original


def _as_argv(command: str | list[str]) -> list[str]:
    # A string command is split on whitespace, with no shell involved (so no quoting rules either).
    return command.split() if isinstance(command, str) else command


def run_subprocess(
    command: str | list[str],
    folder: str | Path | None = None,
    check: bool = True,
    **kwargs: Any,
) -> subprocess.CompletedProcess:
    """Run a command to completion, capturing its stdout and stderr as text.

    Args:
        command (`str` or `list[str]`): the command; a string is split on whitespace.
        folder (`str` or `Path`, *optional*): working directory; defaults to the current one.
        check (`bool`, defaults to `True`): raise `subprocess.CalledProcessError` on a non-zero exit code.
        kwargs: passed on to `subprocess.run`.

    Returns:
        `subprocess.CompletedProcess`: the finished process, with `stdout` and `stderr` as `str`.
    """
    return subprocess.run(
        _as_argv(command),
        capture_output=True,
        check=check,
        encoding="utf-8",
        errors="replace",  # undecodable bytes must not crash the caller: they become U+FFFD
        cwd=str(folder) if folder else os.getcwd(),
        **kwargs,
    )


@contextmanager
def run_interactive_subprocess(
    command: str | list[str],
    folder: str | Path | None = None,
    **kwargs: Any,
) -> Generator[tuple[IO[str], IO[str]], None, None]:
    """Start a command and hand its stdin and stdout (text, UTF-8) to the block; stderr is merged into stdout.

    The process is waited for when the block exits.

    Args:
        command (`str` or `list[str]`): the command; a string is split on whitespace.
        folder (`str` or `Path`, *optional*): working directory; defaults to the current one.
        kwargs: passed on to `subprocess.Popen`.

    Example:
        ```py
        >>> with run_interactive_subprocess("git credential fill") as (stdin, stdout):
        ...     stdin.write("url=https://huggingface.co\\n\\n")
        ...     stdin.flush()
        ...     answer = stdout.read()
        ```
    """
    with subprocess.Popen(
        _as_argv(command),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        encoding="utf-8",
        errors="replace",
        cwd=str(folder) if folder else os.getcwd(),
        **kwargs,
    ) as process:
        if process.stdin is None or process.stdout is None:  # cannot happen with PIPE; narrows the types
            raise RuntimeError("subprocess pipes were not created")
        yield process.stdin, process.stdout
