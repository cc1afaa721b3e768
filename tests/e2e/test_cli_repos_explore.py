"""`hf repos ls --explore` driven through a pseudo-terminal against a local Hub: it starts on the largest repository,
moves with the arrow, WASD and vim keys, details the marked repository, and on q leaves the terminal as it found it."""

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

import pytest

from huggingface_hub import HfApi
from huggingface_hub.local_hub import LocalHub

_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    with LocalHub(tmp_path_factory.mktemp("hub")) as hub:
        token = hub.create_user("alice")
        api = HfApi(endpoint=hub.endpoint, token=token)
        for repo_id, repo_type, size in (
            ("alice/big-model", "model", 90_000),
            ("alice/mid-data", "dataset", 30_000),
            ("alice/small-space", "space", 5_000),
        ):
            api.create_repo(repo_id, repo_type=repo_type, space_sdk="static" if repo_type == "space" else None)
            api.upload_file(path_or_fileobj=b"x" * size, path_in_repo="blob.bin", repo_id=repo_id, repo_type=repo_type)
        yield hub, token


class Terminal:
    """A child process on a pty of 130x40, and what it drew."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, self.slave = pty.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 130, 0, 0))
        self.attributes = termios.tcgetattr(self.slave)
        self.output = ""
        self.process = subprocess.Popen(
            args, stdin=self.slave, stdout=self.slave, stderr=self.slave, env=env, cwd="/", start_new_session=True
        )

    def read_until(self, predicate, deadline: float = 60.0) -> None:
        """Reads what the child draws until `predicate(screen)` holds (fails after `deadline` s: a hang guard)."""
        end = time.monotonic() + deadline
        while not predicate(self.screen()):
            assert time.monotonic() < end, f"screen never matched:\n{self.output[-3000:]!r}"
            if select.select([self.master], [], [], 0.2)[0]:
                try:
                    self.output += os.read(self.master, 65536).decode(errors="replace")
                except OSError:  # the child is gone
                    return

    def drain(self) -> None:
        """Reads what is left once the child has exited."""
        while select.select([self.master], [], [], 0)[0]:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.output += data.decode(errors="replace")

    def screen(self) -> str:
        """The last whole frame drawn (frames start at cursor home and end with the key help), without colours;
        the text read so far when none is whole yet."""
        frames = [_ESCAPE.sub("", frame).replace("\r\n", "\n") for frame in self.output.split("\x1b[H")]
        return next((frame for frame in reversed(frames) if "Q/Esc: quit" in frame), frames[-1])

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        os.close(self.master)
        os.close(self.slave)


def _details(screen: str) -> str:
    """The marked repository's name, from the details panel."""
    lines = [line.strip() for line in screen.splitlines()]
    header = next(i for i, line in enumerate(lines) if line.endswith("City Explorer"))
    return lines[header + 3].split()[-1]  # after the rule and a blank line; the panel is the rightmost


def test_explore_moves_shows_details_and_quits_cleanly(hub) -> None:
    local_hub, token = hub
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "PYTHON"))}
    env.update(HF_ENDPOINT=local_hub.endpoint, HF_TOKEN=token, HF_HUB_DISABLE_UPDATE_CHECK="1", TERM="xterm")
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    term = Terminal([sys.executable, "-m", "huggingface_hub.cli.hf", "repos", "ls", "--explore"], env)
    try:
        term.read_until(lambda s: "Q/Esc: quit" in s)
        first = term.screen()
        assert _details(first) == "alice/big-model"
        assert "Type       model" in first and "Visibility public" in first
        assert "Storage Overview" in first and "Datasets" in first and "Spaces" in first
        assert "Arrows/WASD/HJKL: move" in first
        assert "\x1b[?1049h" in term.output and "\x1b[?25l" in term.output  # alternate screen, cursor hidden
        # The terminal is in raw mode while exploring: no echo, keys delivered one by one.
        assert not termios.tcgetattr(term.slave)[3] & termios.ECHO

        for keys, expected in (
            ("d", "alice/mid-data"),
            ("\x1b[C", "alice/small-space"),
            ("l", "alice/small-space"),  # no block further right: stays
            ("a", "alice/mid-data"),
            ("h", "alice/big-model"),
            ("\x1b[B", "alice/big-model"),  # one row only
            ("\x1b[C", "alice/mid-data"),
        ):
            term.press(keys)
            term.read_until(lambda s, expected=expected: "Q/Esc: quit" in s and _details(s) == expected)
        assert "Type       dataset" in term.screen()

        term.press("q")
        assert term.process.wait(timeout=60) == 0
        term.drain()
        assert term.output.endswith("\x1b[?25h\x1b[?1049l")  # cursor shown, main screen back
        assert termios.tcgetattr(term.slave) == term.attributes  # cooked mode and echo restored
    finally:
        term.close()


def test_escape_quits_and_a_small_terminal_is_refused(hub) -> None:
    local_hub, token = hub
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "PYTHON"))}
    env.update(HF_ENDPOINT=local_hub.endpoint, HF_TOKEN=token, HF_HUB_DISABLE_UPDATE_CHECK="1")
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    args = [sys.executable, "-m", "huggingface_hub.cli.hf", "repos", "ls", "--explore"]
    term = Terminal(args, env)
    try:
        term.read_until(lambda s: "Q/Esc: quit" in s)
        term.press("\x1b")
        assert term.process.wait(timeout=60) == 0
        assert termios.tcgetattr(term.slave) == term.attributes
    finally:
        term.close()

    small = Terminal(args, {**env, "COLUMNS": "80", "LINES": "20"})
    try:
        assert small.process.wait(timeout=60) == 0
        small.drain()
        assert "Your terminal is 80×20 characters." in small.output
        assert "Please resize to at least 100×24 to explore the city!" in small.output
    finally:
        small.close()
