"""Which editor `hf spaces hot-reload` opens: the configured one, else the first of `PREFERRED_EDITORS` installed."""

import stat
import sys
from pathlib import Path

import pytest

from huggingface_hub.cli import _spaces_hot_reload as hot_reload
from huggingface_hub.cli.spaces import PREFERRED_EDITORS


@pytest.fixture
def editors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A PATH holding only the executables the test installs, no editor variable, a fresh lookup."""
    for variable in ("HF_EDITOR", "VISUAL", "EDITOR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    hot_reload._get_editor_command.cache_clear()

    def install(name: str) -> None:
        path = tmp_path / name
        path.write_text("#!/bin/sh\nexit 0\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
        hot_reload._get_editor_command.cache_clear()

    yield install
    hot_reload._get_editor_command.cache_clear()


def test_installed_editors_are_tried_in_order(editors, monkeypatch: pytest.MonkeyPatch) -> None:
    assert [binary for binary, _ in PREFERRED_EDITORS] == ["code", "nvim", "nano", "vim", "vi"]
    assert hot_reload._get_editor_command() is None
    editors("vi")
    assert hot_reload._get_editor_command() == "vi"
    editors("nano")
    assert hot_reload._get_editor_command() == "nano"
    editors("code")
    assert hot_reload._get_editor_command() == "code --wait"
    # A configured editor wins, HF_EDITOR first; blank values do not count.
    monkeypatch.setenv("EDITOR", "ed")
    monkeypatch.setenv("VISUAL", "  ")
    hot_reload._get_editor_command.cache_clear()
    assert hot_reload._get_editor_command() == "ed"
    monkeypatch.setenv("HF_EDITOR", "emacs -nw")
    hot_reload._get_editor_command.cache_clear()
    assert hot_reload._get_editor_command() == "emacs -nw"


def test_editor_outcomes(editors, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "app.py"
    assert hot_reload._editor_open(str(target)) == "no-tty"  # pytest's stdin is not a terminal
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert hot_reload._editor_open(str(target)) == "no-editor"
    script = tmp_path / "edit.py"
    script.write_text("import sys\nopen(sys.argv[1], 'w').write('x = 2\\n')\nsys.exit(3)\n")
    monkeypatch.setenv("HF_EDITOR", f"{sys.executable} {script}")
    hot_reload._get_editor_command.cache_clear()
    assert hot_reload._editor_open(str(target)) == 3  # the editor's exit code
    assert target.read_text() == "x = 2\n"
