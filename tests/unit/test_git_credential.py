"""Git credential helpers (`utils/_git_credential.py`) and the subprocess helpers behind them (`utils/_subprocess.py`).

Git runs for real, with HOME and the global configuration redirected to a temporary folder (the autouse fixture
already points GIT_CONFIG_GLOBAL to an empty file and disables the system configuration).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from huggingface_hub import constants
from huggingface_hub.utils import (
    capture_output,
    list_credential_helpers,
    run_interactive_subprocess,
    run_subprocess,
    set_git_credential,
    unset_git_credential,
)
from huggingface_hub.utils._git_credential import _parse_credential_output

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def git_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HOME and working folder, so that neither user nor repository configuration applies."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(home)
    monkeypatch.setattr(constants, "ENDPOINT", "https://hub.example.test")
    return home


def _git(*args: str) -> None:
    subprocess.run(["git", *args], check=True, capture_output=True)


class TestListCredentialHelpers:
    def test_none_configured(self, git_home: Path) -> None:
        assert list_credential_helpers() == []

    def test_configured_helpers(self, git_home: Path) -> None:
        _git("config", "--global", "credential.helper", "store")
        _git("config", "--global", "--add", "credential.helper", "cache --timeout 3600")
        assert list_credential_helpers() == ["cache", "store"]

    def test_repository_helpers_are_seen_from_its_folder(self, git_home: Path) -> None:
        repo = git_home / "repo"
        _git("init", "-q", str(repo))
        _git("-C", str(repo), "config", "credential.helper", "store")
        assert list_credential_helpers(folder=str(repo)) == ["store"]
        assert list_credential_helpers() == []

    def test_git_failure_becomes_os_error(self, git_home: Path) -> None:
        Path(os.environ["GIT_CONFIG_GLOBAL"]).write_text("[broken\n")
        with pytest.raises(OSError, match="bad config"):
            list_credential_helpers()

    def test_parsing(self) -> None:
        output = "\n".join(
            [
                "user.name=someone",
                "credential.helper=store",
                "credential.helper=cache --timeout=3600",
                "CREDENTIAL.HELPER = /usr/local/bin/git-credential-manager",
                "credential.helper=store",
                "credential.https://huggingface.co.helper=osxkeychain",  # URL-scoped: not detected
                "credential.helper=",  # an empty value resets the list in git: no name to report
            ]
        )
        assert _parse_credential_output(output) == ["/usr/local/bin/git-credential-manager", "cache", "store"]


class TestSetAndUnsetCredential:
    def test_store_then_erase(self, git_home: Path) -> None:
        _git("config", "--global", "credential.helper", "store")
        store = git_home / ".git-credentials"

        set_git_credential("hf_secret_token", username="Alice")
        assert store.read_text().strip() == "https://alice:hf_secret_token@hub.example.test"

        unset_git_credential(username="Alice")
        assert store.read_text().strip() == ""

    def test_default_username(self, git_home: Path) -> None:
        _git("config", "--global", "credential.helper", "store")
        set_git_credential("hf_secret_token")
        assert "https://hf_user:hf_secret_token@hub.example.test" in (git_home / ".git-credentials").read_text()
        unset_git_credential(username=None)  # any user of the endpoint
        assert "hub.example.test" not in (git_home / ".git-credentials").read_text()

    def test_without_helper_nothing_is_stored(self, git_home: Path) -> None:
        set_git_credential("hf_secret_token")
        unset_git_credential()
        assert not (git_home / ".git-credentials").exists()


class TestSubprocessHelpers:
    def test_run_subprocess_splits_strings_and_captures_text(self, tmp_path: Path) -> None:
        result = run_subprocess(f"{sys.executable} -c print(42)", folder=tmp_path)
        assert result.stdout == "42\n"
        assert result.returncode == 0

    def test_run_subprocess_runs_in_the_folder(self, tmp_path: Path) -> None:
        result = run_subprocess([sys.executable, "-c", "import os; print(os.getcwd())"], folder=tmp_path)
        assert Path(result.stdout.strip()).resolve() == tmp_path.resolve()

    def test_run_subprocess_check(self) -> None:
        failing = [sys.executable, "-c", "import sys; sys.stderr.write('bad'); sys.exit(3)"]
        with pytest.raises(subprocess.CalledProcessError) as info:
            run_subprocess(failing)
        assert info.value.stderr == "bad"
        assert run_subprocess(failing, check=False).returncode == 3

    def test_undecodable_output_is_replaced(self) -> None:
        result = run_subprocess([sys.executable, "-c", "import sys; sys.stdout.buffer.write(b'a\\xffb')"])
        assert result.stdout == "a\ufffdb"

    def test_interactive_subprocess(self) -> None:
        echo = [sys.executable, "-c", "import sys; sys.stdout.write(sys.stdin.read().upper())"]
        with run_interactive_subprocess(echo) as (stdin, stdout):
            stdin.write("hello")
            stdin.close()
            assert stdout.read() == "HELLO"

    def test_capture_output(self) -> None:
        original = sys.stdout
        with capture_output() as output:
            print("hello world")
        assert output.getvalue() == "hello world\n"
        assert sys.stdout is original
