"""Terminal output helpers: ANSI styling, plain-text tables, a status line and a choice prompt."""

import ctypes
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from ._detect_agent import is_agent

if sys.platform == "win32":
    import msvcrt
else:
    import select
    import termios
    import tty

__all__ = ["ANSI", "StatusLine", "select_choice", "tabulate"]

_CLEAR_LINE = "\r\x1b[K"
_HIDE_CURSOR = "\x1b[?25l"
_SHOW_CURSOR = "\x1b[?25h"


class StatusLine:
    """A single, self-overwriting gray line on stderr, for progress messages; silent when stderr is not a TTY."""

    def __init__(self, enabled: bool = True):
        self._active = enabled and sys.stderr.isatty()

    def update(self, msg: str) -> None:
        """Replace the line with ``msg``."""
        self._write(msg, end="")

    def done(self, msg: str) -> None:
        """Replace the line with ``msg`` and move to the next line, leaving it visible."""
        self._write(msg, end="\n")

    def _write(self, msg: str, *, end: str) -> None:
        if not self._active:
            return
        width = shutil.get_terminal_size().columns
        if len(msg) > width - 1:  # a wrapped line could not be overwritten
            msg = msg[: width - 4] + "..."
        sys.stderr.write(f"{_CLEAR_LINE}\x1b[90m{msg}\x1b[0m{end}")
        sys.stderr.flush()


class ANSI:
    """Wrap strings in ANSI escape codes (https://en.wikipedia.org/wiki/ANSI_escape_code).

    Plain text is returned when ``NO_COLOR`` is set to a non-empty value (https://no-color.org/) or
    when an AI agent runs the process (see `is_agent`); whether the output is a TTY does not matter.
    """

    _blue = "\u001b[34m"
    _bold = "\u001b[1m"
    _gray = "\u001b[90m"
    _green = "\u001b[32m"
    _red = "\u001b[31m"
    _reset = "\u001b[0m"
    _underline = "\u001b[4m"
    _yellow = "\u001b[33m"

    @classmethod
    def blue(cls, s: str) -> str:
        return cls._format(s, cls._blue)

    @classmethod
    def bold(cls, s: str) -> str:
        return cls._format(s, cls._bold)

    @classmethod
    def gray(cls, s: str) -> str:
        return cls._format(s, cls._gray)

    @classmethod
    def green(cls, s: str) -> str:
        return cls._format(s, cls._green)

    @classmethod
    def red(cls, s: str) -> str:
        # Errors stand out more in bold.
        return cls._format(s, cls._bold + cls._red)

    @classmethod
    def underline(cls, s: str) -> str:
        return cls._format(s, cls._underline)

    @classmethod
    def yellow(cls, s: str) -> str:
        return cls._format(s, cls._yellow)

    @classmethod
    def _format(cls, s: str, code: str) -> str:
        if os.environ.get("NO_COLOR") or is_agent():
            return s
        return f"{code}{s}{cls._reset}"


def tabulate(
    rows: list[list[str | int]],
    headers: list[str],
    alignments: dict[str, str] | None = None,
) -> str:
    """Render ``rows`` as a plain-text table: a header line, a dashed line, then one line per row.

    Columns are as wide as their widest cell and separated by one space; trailing spaces are kept.

    Args:
        rows (`list[list[str | int]]`):
            The cells, one list per row, in the order of ``headers``.
        headers (`list[str]`):
            Column titles.
        alignments (`dict[str, str]`, *optional*):
            ``"left"`` (default) or ``"right"``, per header title.

    Raises:
        `IndexError`: if a row has fewer values than there are headers.
    """
    for row in rows:
        if len(row) < len(headers):
            raise IndexError(f"Row has {len(row)} values but expected {len(headers)} (headers: {headers})")
    alignments = alignments or {}
    widths = [max(len(str(cell)) for cell in column) for column in zip(*rows, headers, strict=False)]
    align_marks = ["<" if alignments.get(header, "left") != "right" else ">" for header in headers]
    line_format = " ".join(f"{{:{mark}{width}}}" for mark, width in zip(align_marks, widths, strict=True))
    lines = [line_format.format(*headers), line_format.format(*("-" * width for width in widths))]
    lines.extend(line_format.format(*row) for row in rows)
    return "\n".join(lines)


def select_choice(prompt: str, choices: list[str]) -> int:
    """Ask the user to pick one of ``choices`` and return its index.

    In an interactive terminal this draws a menu driven by the arrow keys (Enter confirms, 1-9
    picks directly, Ctrl+C aborts); otherwise it prints a numbered list and reads a number with
    `input` (empty answer = first choice). Callers must not prompt in non-interactive contexts.

    Raises:
        `ValueError`: if ``choices`` is empty.
    """
    if not choices:
        raise ValueError("select_choice() requires at least one choice.")
    if _supports_raw_keyboard():
        return _select_with_arrows(prompt, choices)
    return _select_with_numbers(prompt, choices)


def _supports_raw_keyboard() -> bool:
    if not (sys.stdin and sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    if sys.platform == "win32":
        return _enable_windows_vt_processing()
    return True


def _enable_windows_vt_processing() -> bool:
    """Turn on escape-sequence support in a Windows console (legacy consoles would print them literally)."""
    enable_virtual_terminal_processing = 0x0004
    std_output_handle = -11
    try:
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.GetStdHandle(std_output_handle)
        mode = ctypes.c_uint32()
        if not kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
            return False
        return bool(kernel32.SetConsoleMode(handle, mode.value | enable_virtual_terminal_processing))
    except Exception:
        return False


@contextmanager
def _raw_terminal() -> Iterator[None]:
    """Deliver key presses one by one (cbreak mode) for the duration of the block; no-op on Windows."""
    if sys.platform == "win32":
        yield
        return
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _read_key() -> str:
    """Read one key press; the arrow keys come back as ``"up"`` / ``"down"``, unknown sequences as ``""``."""
    if sys.platform == "win32":
        char = msvcrt.getwch()
        if char in ("\x00", "\xe0"):  # prefix of a special key such as an arrow
            return {"H": "up", "P": "down"}.get(msvcrt.getwch(), "")
        return char

    # Read the descriptor itself: sys.stdin would buffer the rest of an escape sequence and
    # `select` would then see nothing left to read.
    fd = sys.stdin.fileno()
    first = os.read(fd, 1)
    if first != b"\x1b":
        return first.decode(errors="replace")

    def more_pending() -> bool:
        return bool(select.select([fd], [], [], 0.05)[0])

    # A lone Escape has nothing after it; an arrow key is the sequence ESC [ A (or B).
    if not more_pending():
        return first.decode()
    if os.read(fd, 1) == b"[" and more_pending():
        return {b"A": "up", b"B": "down"}.get(os.read(fd, 1), "")
    return ""


def _select_with_arrows(prompt: str, choices: list[str]) -> int:
    selected = 0
    print(ANSI.bold(f"? {prompt}") + ANSI.gray("  [Use arrows, Enter to confirm]"))

    def draw_menu() -> None:
        for index, choice in enumerate(choices):
            line = ANSI.green("> ") + ANSI.bold(choice) if index == selected else f"  {choice}"
            sys.stdout.write(f"{_CLEAR_LINE}{line}\n")
        sys.stdout.flush()

    try:
        sys.stdout.write(_HIDE_CURSOR)
        draw_menu()
        with _raw_terminal():
            while True:
                key = _read_key()
                if key == "\x03":  # Ctrl+C arrives as a character on Windows (POSIX raises by itself)
                    raise KeyboardInterrupt
                if key in ("\r", "\n"):
                    break
                if key.isdecimal() and 1 <= int(key) <= len(choices):
                    selected = int(key) - 1
                    break
                if key == "up":
                    selected = (selected - 1) % len(choices)
                elif key == "down":
                    selected = (selected + 1) % len(choices)
                else:
                    continue
                sys.stdout.write(f"\x1b[{len(choices)}A")  # back to the first menu line
                draw_menu()
    finally:
        sys.stdout.write(_SHOW_CURSOR)
        sys.stdout.flush()

    # Replace the prompt and the menu by a one-line summary of the answer.
    sys.stdout.write(f"\x1b[{len(choices) + 1}A\r\x1b[J")
    print(ANSI.bold(f"? {prompt} ") + ANSI.green(choices[selected]))
    return selected


def _select_with_numbers(prompt: str, choices: list[str]) -> int:
    print(f"? {prompt}")
    for number, choice in enumerate(choices, start=1):
        print(f"  {number}. {choice}")
    while True:
        answer = input("Choice [1]: ").strip()
        if not answer:
            return 0
        if answer.isdecimal() and 1 <= int(answer) <= len(choices):
            return int(answer) - 1
        print(f"Invalid choice. Enter a number between 1 and {len(choices)}.")
