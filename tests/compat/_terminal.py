"""Run a command with its stderr on a pseudo-terminal (or a pipe) and replay what it wrote on a virtual screen.

Progress bars redraw themselves many times, and how many intermediate frames get drawn depends on timing. What a
user ends up seeing, the final screen, does not: replaying the stream (carriage returns, newlines, cursor-up
escapes) and comparing screens compares what matters.
"""

import fcntl
import os
import pty
import re
import struct
import subprocess
import termios
import threading
from collections.abc import Mapping, Sequence

COLUMNS = 120
_TOKEN = re.compile(r"\x1b\[(\d*)([A-Za-z])|\r|\n|[^\x1b\r\n]")


def replay(stream: str) -> list[str]:
    """The lines left on a terminal after `stream` was written to it (trailing spaces and empty lines dropped)."""
    lines: list[list[str]] = [[]]
    row = col = 0
    for match in _TOKEN.finditer(stream):
        text = match.group()
        if text == "\r":
            col = 0
        elif text == "\n":
            row, col = row + 1, 0
        elif match.group(2):
            count = int(match.group(1) or 1)
            if match.group(2) == "A":
                row = max(0, row - count)
            elif match.group(2) == "B":
                row += count
            continue  # colours and other escapes do not move the cursor here
        else:
            while len(lines[row]) <= col:
                lines[row].append(" ")
            lines[row][col] = text
            col += 1
        while len(lines) <= row:
            lines.append([])
    rendered = ["".join(line).rstrip() for line in lines]
    while rendered and not rendered[-1]:
        rendered.pop()
    return rendered


def final_frames(stream: str) -> list[str]:
    """The last frame drawn by each bar (told apart by description), in the order the bars first appeared.

    For streams whose screen replay is not stable: bars that share one line (`TQDM_POSITION=-1` gives every
    bar the same position) leave the end of a longer, timing-dependent frame behind a shorter final one.
    """
    last: dict[str, str] = {}
    for frame in re.split(r"\r|\n|\x1b\[\d*[A-Za-z]", stream):
        frame = frame.rstrip()
        if frame:
            last[frame.split(":", 1)[0]] = frame
    return list(last.values())


def run(command: Sequence[str], env: Mapping[str, str], *, terminal: bool) -> tuple[int, str, str]:
    """Run `command`; returns (exit code, stdout, stderr), stderr having gone to a `COLUMNS`-wide pty if `terminal`."""
    if not terminal:
        # Bytes, not text mode: text mode would turn the bars' carriage returns into newlines.
        proc = subprocess.run(list(command), capture_output=True, env=dict(env), timeout=300, cwd="/")
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode(errors="replace")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, COLUMNS, 0, 0))
    chunks: list[bytes] = []

    def drain() -> None:  # the pty buffer is small: read while the child writes
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO once the child's side is closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        proc = subprocess.run(
            list(command), stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=dict(env), timeout=300,
            cwd="/",
        )  # fmt: skip
    finally:
        os.close(slave)
    reader.join(timeout=30)
    os.close(master)
    return proc.returncode, proc.stdout.decode(), b"".join(chunks).decode(errors="replace")
