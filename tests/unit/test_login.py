"""`HfApi.whoami`, login/logout/switch/list (`_login.py`) and the browser login (`utils/_oauth_device.py`).

The Hub is a `FakeHub` on 127.0.0.1 (see `_fake_hub.py`); `constants.ENDPOINT` points at it.
"""

import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _fake_hub import Answer, FakeHub, running_fake_hub
from _upstream_oracle import UPSTREAM_PYTHON, clean_env, run_snippet, upstream_compat

from huggingface_hub import _login, constants, hf_api
from huggingface_hub._login import auth_list, auth_switch, interpreter_login, login, logout, notebook_login
from huggingface_hub.errors import DeviceCodeError, HfHubHTTPError, LocalTokenNotFoundError
from huggingface_hub.hf_api import HfApi
from huggingface_hub.utils import get_stored_tokens, get_token
from huggingface_hub.utils._auth import _get_token_from_file, _read_stored_tokens_full, _save_token
from huggingface_hub.utils._oauth_device import poll_device_token, request_device_code


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    yield from running_fake_hub(monkeypatch)


TOKEN = "hf_AliceWriteTokenXXXXXXXXXXXXXXXXXXX"
OTHER_TOKEN = "hf_AliceReadTokenYYYYYYYYYYYYYYYYYYYY"

WHOAMI = {
    "type": "user",
    "name": "alice",
    "orgs": [{"name": "acme"}],
    "auth": {"type": "access_token", "accessToken": {"displayName": "laptop", "role": "write", "createdAt": "2024"}},
}


@pytest.fixture
def hub(fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> FakeHub:
    """The fake Hub, also used by the module-level `whoami` that `login()` calls."""
    monkeypatch.setattr(hf_api, "whoami", HfApi().whoami)
    return fake_hub


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="huggingface_hub")
    return caplog


def _assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text and OTHER_TOKEN not in text


# ---------------------------------------------------------------------------
# whoami
# ---------------------------------------------------------------------------


class TestWhoami:
    def test_returns_the_hub_answer_and_sends_the_token(self, hub: FakeHub) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(200, WHOAMI))
        assert HfApi(library_name="lib", library_version="1.0").whoami(token=TOKEN) == WHOAMI
        (request,) = hub.requests_to("/api/whoami-v2")
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["user-agent"].startswith("lib/1.0; hf_hub/")

    def test_token_resolution(self, hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(200, WHOAMI))
        HfApi(token=OTHER_TOKEN).whoami()  # the client's token
        Path(constants.HF_TOKEN_PATH).write_text(TOKEN)
        HfApi().whoami()  # the saved token
        HfApi(token=True).whoami()
        sent = [request.headers["authorization"] for request in hub.requests_to("/api/whoami-v2")]
        assert sent == [f"Bearer {OTHER_TOKEN}", f"Bearer {TOKEN}", f"Bearer {TOKEN}"]

    def test_token_false_is_refused(self) -> None:
        with pytest.raises(ValueError, match="Cannot use `token=False` with `whoami` method"):
            HfApi().whoami(token=False)
        with pytest.raises(ValueError):
            HfApi(token=False).whoami()

    def test_no_token(self) -> None:
        with pytest.raises(LocalTokenNotFoundError) as info:
            HfApi().whoami()
        assert str(info.value) == (
            "Token is required to call the /whoami-v2 endpoint, but no token found. You must provide a token or be"
            " logged in to Hugging Face with `hf auth login` or `huggingface_hub.login`. See"
            " https://huggingface.co/settings/tokens."
        )

    @pytest.mark.parametrize(
        ("source", "hint"),
        [
            ("argument", ""),
            (
                "environment",
                " The token from HF_TOKEN environment variable is invalid. Note that HF_TOKEN takes precedence over"
                " `hf auth login`.",
            ),
            ("file", " The token stored is invalid. Please run `hf auth login --force` to set a new token."),
        ],
    )
    def test_invalid_token_message_names_its_source(
        self, hub: FakeHub, monkeypatch: pytest.MonkeyPatch, source: str, hint: str
    ) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(401, {"error": "Invalid credentials in Authorization header"}))
        if source == "environment":
            monkeypatch.setenv("HF_TOKEN", TOKEN)
        elif source == "file":
            Path(constants.HF_TOKEN_PATH).write_text(TOKEN)
        with pytest.raises(HfHubHTTPError) as info:
            HfApi().whoami(token=TOKEN if source == "argument" else None)
        assert str(info.value) == "Invalid user token." + hint
        assert info.value.response.status_code == 401
        _assert_no_secret(str(info.value))

    def test_rate_limited(self, hub: FakeHub) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(429, {"error": "slow down"}))
        with pytest.raises(HfHubHTTPError) as info:
            HfApi().whoami(token=TOKEN)
        assert str(info.value) == (
            "You've hit the rate limit for the /whoami-v2 endpoint, which is intentionally strict for security reasons."
            " If you're calling it often, consider caching the response with `whoami(..., cache=True)`."
        )

    def test_other_errors_propagate(self, hub: FakeHub) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(500, {"error": "boom"}))
        with pytest.raises(HfHubHTTPError) as info:
            HfApi().whoami(token=TOKEN)
        assert info.value.response.status_code == 500

    def test_cache_is_per_token_and_opt_in(self, hub: FakeHub) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(200, WHOAMI))
        api = HfApi()
        api.whoami(token=TOKEN, cache=True)
        api.whoami(token=TOKEN, cache=True)
        assert len(hub.requests_to("/api/whoami-v2")) == 1
        api.whoami(token=OTHER_TOKEN, cache=True)
        api.whoami(token=TOKEN)  # cache=False always asks
        assert len(hub.requests_to("/api/whoami-v2")) == 3
        HfApi().whoami(token=TOKEN, cache=True)  # the cache belongs to the instance
        assert len(hub.requests_to("/api/whoami-v2")) == 4

    def test_failures_are_not_cached(self, hub: FakeHub) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(500, {}), Answer(200, WHOAMI))
        api = HfApi()
        with pytest.raises(HfHubHTTPError):
            api.whoami(token=TOKEN, cache=True)
        assert api.whoami(token=TOKEN, cache=True) == WHOAMI

    def test_module_level_alias(self) -> None:
        assert hf_api.api.whoami.__func__ is HfApi.whoami  # type: ignore[attr-defined]

    def test_endpoint_is_used_as_given(self, hub: FakeHub) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(200, WHOAMI))
        api = HfApi(endpoint=hub.endpoint)
        assert api.endpoint == hub.endpoint
        api.whoami(token=TOKEN)
        assert len(hub.requests_to("/api/whoami-v2")) == 1


# ---------------------------------------------------------------------------
# login with a token
# ---------------------------------------------------------------------------


class TestLoginWithToken:
    def test_saves_under_the_token_name_and_activates_it(
        self, hub: FakeHub, logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture
    ) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(200, WHOAMI))
        login(token=TOKEN)
        assert get_stored_tokens() == {"laptop": TOKEN}
        assert _get_token_from_file() == TOKEN
        assert get_token() == TOKEN
        assert "Token is valid (permission: write)." in logs.text
        assert "Login successful." in logs.text
        assert "The current active token is: `laptop`" in logs.text
        captured = capsys.readouterr()
        _assert_no_secret(logs.text, captured.out, captured.err)

    def test_oauth_tokens_are_named_after_the_user(self, hub: FakeHub, logs: pytest.LogCaptureFixture) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(200, {"name": "alice", "auth": {}}))
        login(token=TOKEN)
        assert get_stored_tokens() == {"oauth-alice": TOKEN}
        assert "Token is valid." in logs.text

    def test_organization_tokens_are_refused(self, hub: FakeHub) -> None:
        with pytest.raises(ValueError, match="You must use your personal account token, not an organization token."):
            login(token="api_org_xxx")
        assert hub.received == []

    def test_invalid_token_is_not_saved(self, hub: FakeHub) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(401, {}))
        with pytest.raises(HfHubHTTPError, match=r"^Invalid user token\.$"):
            login(token=TOKEN)
        assert get_stored_tokens() == {}
        assert not Path(constants.HF_TOKEN_PATH).exists()

    def test_warns_when_hf_token_overrides(
        self, hub: FakeHub, logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("HF_TOKEN", OTHER_TOKEN)
        hub.answer("GET", "/api/whoami-v2", Answer(200, WHOAMI))
        login(token=TOKEN)
        assert "HF_TOKEN` is set and is the current active token independently" in logs.text

    def test_git_credential_without_helper_prints_a_hint(
        self, hub: FakeHub, logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture
    ) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(200, WHOAMI))
        login(token=TOKEN, add_to_git_credential=True)
        assert "git config --global credential.helper store" in capsys.readouterr().out
        assert "Token has not been saved to git credential helper." in logs.text
        assert _get_token_from_file() == TOKEN

    def test_git_credential_with_store_helper(
        self, hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, logs: pytest.LogCaptureFixture
    ) -> None:
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.chdir(tmp_path)
        subprocess.run(["git", "config", "--global", "credential.helper", "store"], check=True)
        hub.answer("GET", "/api/whoami-v2", Answer(200, WHOAMI))

        login(token=TOKEN, add_to_git_credential=True)
        # git's store helper percent-encodes the port separator: http://user:token@127.0.0.1%3a<port>
        assert f"http://hf_user:{TOKEN}@127.0.0.1" in (tmp_path / ".git-credentials").read_text()
        assert "Your token has been saved in your configured git credential helpers (store)." in logs.text

        logout()  # also erases the git credential
        assert TOKEN not in (tmp_path / ".git-credentials").read_text()


# ---------------------------------------------------------------------------
# logout, switch, list
# ---------------------------------------------------------------------------


def _logged_in_with_two_tokens() -> None:
    _save_token(TOKEN, "write-token")
    _save_token(OTHER_TOKEN, "read-token")
    Path(constants.HF_TOKEN_PATH).write_text(TOKEN)


class TestLogout:
    def test_not_logged_in(self, logs: pytest.LogCaptureFixture) -> None:
        logout()
        assert "Not logged in!" in logs.text

    def test_removes_everything(self) -> None:
        _logged_in_with_two_tokens()
        logout()
        assert not Path(constants.HF_TOKEN_PATH).exists()
        assert not Path(constants.HF_STORED_TOKENS_PATH).exists()
        assert get_token() is None

    def test_one_inactive_token(self) -> None:
        _logged_in_with_two_tokens()
        logout("read-token")
        assert get_stored_tokens() == {"write-token": TOKEN}
        assert _get_token_from_file() == TOKEN

    def test_the_active_token(self, logs: pytest.LogCaptureFixture) -> None:
        _logged_in_with_two_tokens()
        logout("write-token")
        assert get_stored_tokens() == {"read-token": OTHER_TOKEN}
        assert not Path(constants.HF_TOKEN_PATH).exists()
        assert "Active token 'write-token' has been deleted." in logs.text

    def test_unknown_name_changes_nothing(self) -> None:
        _logged_in_with_two_tokens()
        logout("nope")
        assert len(get_stored_tokens()) == 2
        assert _get_token_from_file() == TOKEN

    def test_keeps_other_tokens_metadata(self) -> None:
        _save_token(TOKEN, "a")
        _save_token(OTHER_TOKEN, "b", refresh_token="rt", expires_at=123)
        logout("a")
        assert _read_stored_tokens_full() == {
            "b": {"hf_token": OTHER_TOKEN, "refresh_token": "rt", "expires_at": "123"}
        }

    def test_always_erases_the_git_credential(self, monkeypatch: pytest.MonkeyPatch) -> None:
        calls: list[tuple[Any, ...]] = []
        monkeypatch.setattr(_login, "unset_git_credential", lambda *args: calls.append(args))
        _logged_in_with_two_tokens()
        logout("nope")
        logout()
        assert len(calls) == 2

    def test_environment_token_still_logs_in(self, monkeypatch: pytest.MonkeyPatch) -> None:
        _logged_in_with_two_tokens()
        monkeypatch.setenv("HF_TOKEN", OTHER_TOKEN)
        with pytest.raises(OSError, match="clear out both `HF_TOKEN` and `HUGGING_FACE_HUB_TOKEN`"):
            logout()
        assert not Path(constants.HF_TOKEN_PATH).exists()


class TestAuthSwitch:
    def test_switch(self, logs: pytest.LogCaptureFixture) -> None:
        _logged_in_with_two_tokens()
        auth_switch("read-token")
        assert _get_token_from_file() == OTHER_TOKEN
        assert "The current active token is: read-token" in logs.text
        _assert_no_secret(logs.text)

    def test_unknown_name(self) -> None:
        with pytest.raises(ValueError) as info:
            auth_switch("nope")
        assert str(info.value) == f"Access token nope not found in {constants.HF_STORED_TOKENS_PATH}"

    def test_warns_when_hf_token_overrides(
        self, logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _logged_in_with_two_tokens()
        monkeypatch.setenv("HF_TOKEN", "hf_something_else")
        auth_switch("read-token")
        assert "The environment variable `HF_TOKEN` is set and will override" in logs.text


class TestAuthList:
    def test_table_is_masked_and_marks_the_active_token(
        self, capsys: pytest.CaptureFixture, logs: pytest.LogCaptureFixture
    ) -> None:
        _logged_in_with_two_tokens()
        auth_list()
        out = capsys.readouterr().out
        assert out.splitlines() == [
            "  name        token      ",
            "- ----------- -----------",
            "  read-token  hf_****YYYY",
            "* write-token hf_****XXXX",
        ]
        _assert_no_secret(out, logs.text)
        assert "Note:" not in logs.text

    def test_expiry_column(self, capsys: pytest.CaptureFixture) -> None:
        _save_token(TOKEN, "fresh", refresh_token="r", expires_at=int(time.time()) + 10 * 86400)
        _save_token(OTHER_TOKEN, "stale", refresh_token="r", expires_at=int(time.time()) - 10 * 86400)
        auth_list()
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].split() == ["name", "token", "expires"]
        assert lines[3].endswith(" (expired)")
        assert not lines[2].rstrip().endswith("(expired)")

    def test_notes(
        self, capsys: pytest.CaptureFixture, logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        auth_list()
        assert "No access tokens found." in logs.text
        _save_token(TOKEN, "saved-but-inactive")
        auth_list()
        assert "No active token is set" in logs.text
        monkeypatch.setenv("HF_TOKEN", OTHER_TOKEN)
        auth_list()
        assert "Environment variable `HF_TOKEN` is set and is the current active token" in logs.text
        _assert_no_secret(capsys.readouterr().out, logs.text)


# ---------------------------------------------------------------------------
# Browser login (device flow) and interactive entry points
# ---------------------------------------------------------------------------


def _device_answer(**overrides: Any) -> dict[str, Any]:
    return {
        "device_code": "dev-123",
        "user_code": "ABCD-EFGH",
        "verification_uri": "https://hub.test/device",
        "verification_uri_complete": "https://hub.test/device?code=ABCD-EFGH",
        "interval": 1,
        "expires_in": 60,
        **overrides,
    }


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Polling waits, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr("huggingface_hub.utils._oauth_device.time.sleep", recorded.append)
    return recorded


class TestDeviceFlow:
    def test_request_device_code_fills_defaults(self, fake_hub: FakeHub) -> None:
        fake_hub.answer(
            "POST",
            "/oauth/device",
            Answer(200, {"device_code": "d", "user_code": "U", "verification_uri": "https://v"}),
        )
        info = request_device_code()
        assert info == {
            "device_code": "d",
            "user_code": "U",
            "verification_uri": "https://v",
            "verification_uri_complete": "https://v",
            "interval": 5,
            "expires_in": 900,
        }
        assert fake_hub.requests_to("/oauth/device")[0].form == {"client_id": constants.DEVICE_CODE_OAUTH_CLIENT_ID}

    def test_request_device_code_failure(self, fake_hub: FakeHub) -> None:
        fake_hub.answer("POST", "/oauth/device", Answer(400, {"error": "bad"}))
        with pytest.raises(DeviceCodeError, match="Failed to request device code from .*/oauth/device"):
            request_device_code()

    def test_poll_until_authorized(self, fake_hub: FakeHub, sleeps: list[float]) -> None:
        granted = {"access_token": "hf_oauth", "refresh_token": "rt", "expires_in": 100}
        fake_hub.answer(
            "POST",
            "/oauth/token",
            Answer(400, {"error": "authorization_pending"}),
            Answer(400, {"error": "slow_down"}),
            Answer(503, b"maintenance"),  # transient: keep polling
            Answer(403, {"message": "not an OAuth answer"}),  # transient too
            Answer(200, granted),
        )
        pending: list[None] = []
        assert poll_device_token(_device_answer(), on_pending=lambda: pending.append(None)) == granted
        assert len(pending) == 1
        assert sleeps == [1, 6, 6, 6]  # slow_down adds 5 s to the interval
        assert fake_hub.requests_to("/oauth/token")[0].form == {
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
            "device_code": "dev-123",
            "client_id": constants.DEVICE_CODE_OAUTH_CLIENT_ID,
        }

    @pytest.mark.parametrize(
        ("error", "message"),
        [
            ("expired_token", "Device code expired. Please try again."),
            ("access_denied", "Authorization was denied. Please try again."),
            ("weird", "OAuth error: weird - details"),
        ],
    )
    def test_poll_errors(self, fake_hub: FakeHub, sleeps: list[float], error: str, message: str) -> None:
        fake_hub.answer("POST", "/oauth/token", Answer(400, {"error": error, "error_description": "details"}))
        with pytest.raises(DeviceCodeError) as info:
            poll_device_token(_device_answer())
        assert str(info.value) == message
        assert info.value.error_code == error

    def test_poll_gives_up_at_the_deadline(self, fake_hub: FakeHub, sleeps: list[float]) -> None:
        with pytest.raises(DeviceCodeError, match=r"Device code expired \(timeout\)"):
            poll_device_token(_device_answer(expires_in=0))
        assert fake_hub.received == []

    def test_interpreter_login_without_tty_uses_the_browser(
        self,
        hub: FakeHub,
        sleeps: list[float],
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture,
        logs: pytest.LogCaptureFixture,
    ) -> None:
        monkeypatch.setattr("sys.stdin", None)
        hub.answer("POST", "/oauth/device", Answer(200, _device_answer()))
        hub.answer(
            "POST",
            "/oauth/token",
            Answer(400, {"error": "authorization_pending"}),
            Answer(200, {"access_token": TOKEN, "refresh_token": "rt_1", "expires_in": 30 * 86400}),
        )
        hub.answer("GET", "/api/whoami-v2", Answer(200, {"name": "alice", "auth": {}}))

        interpreter_login()

        out = capsys.readouterr().out
        assert "https://hub.test/device?code=ABCD-EFGH" in out
        assert "And enter the code: ABCD-EFGH" in out
        assert "Waiting for authorization." in out
        fields = _read_stored_tokens_full()["oauth-alice"]
        assert fields["hf_token"] == TOKEN and fields["refresh_token"] == "rt_1"
        assert int(fields["expires_at"]) > time.time() + 29 * 86400
        assert _get_token_from_file() == TOKEN
        assert "This token will be refreshed automatically when it expires." in logs.text
        _assert_no_secret(out, logs.text)

    def test_already_logged_in(self, hub: FakeHub, logs: pytest.LogCaptureFixture) -> None:
        Path(constants.HF_TOKEN_PATH).write_text(TOKEN)
        interpreter_login()
        login()
        assert logs.text.count("User is already logged in.") == 2
        assert hub.received == []

    def test_pasted_token(self, hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(_login, "_prompt_login_method", lambda: "token")
        monkeypatch.setattr(_login, "getpass", lambda prompt: TOKEN)
        hub.answer("GET", "/api/whoami-v2", Answer(200, WHOAMI))
        interpreter_login(skip_if_logged_in=False)
        assert get_stored_tokens() == {"laptop": TOKEN}
        assert get_token() == TOKEN

    def test_notebook_login_without_ipython_falls_back_to_the_terminal(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(sys.modules, "IPython", None)  # makes `import IPython` fail, installed or not
        called: list[bool] = []
        monkeypatch.setattr(_login, "interpreter_login", lambda *, skip_if_logged_in: called.append(skip_if_logged_in))
        notebook_login()
        assert called == [False]

    def test_login_without_token_uses_the_terminal_outside_notebooks(self, monkeypatch: pytest.MonkeyPatch) -> None:
        called: list[bool] = []
        monkeypatch.setattr(_login, "is_notebook", lambda: False)
        monkeypatch.setattr(_login, "interpreter_login", lambda *, skip_if_logged_in: called.append(skip_if_logged_in))
        login(skip_if_logged_in=False)
        assert called == [False]


# ---------------------------------------------------------------------------
# Same observable behaviour as upstream
# ---------------------------------------------------------------------------

_LOGIN_SESSION = r"""
import os
from huggingface_hub import constants
from huggingface_hub._login import auth_list, auth_switch, login, logout
from huggingface_hub.utils import logging
logging.set_verbosity_info()
login(token="hf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
login(token="hf_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", add_to_git_credential=True)
auth_list()
auth_switch("laptop")
print(repr(open(constants.HF_STORED_TOKENS_PATH).read()), repr(open(constants.HF_TOKEN_PATH).read()))
print([oct(os.stat(p).st_mode & 0o777) for p in (constants.HF_TOKEN_PATH, constants.HF_STORED_TOKENS_PATH, constants.HF_HOME)])
logout("laptop")
logout()
logout()
"""


@upstream_compat
def test_login_session_matches_upstream(fake_hub: FakeHub, tmp_path: Path) -> None:
    outputs = []
    for python in (sys.executable, UPSTREAM_PYTHON):
        fake_hub.answer(
            "GET",
            "/api/whoami-v2",
            *(
                Answer(200, {"name": "al", "auth": {"accessToken": {"displayName": name}}})
                for name in ("laptop", "ci")
            ),
        )
        home = tmp_path / Path(python).parent.parent.name
        env = clean_env(HOME=str(home), HF_HOME=str(home / "hf"), HF_ENDPOINT=fake_hub.endpoint)
        result = run_snippet(python, _LOGIN_SESSION, env=env)
        assert result.returncode == 0, result.stderr
        outputs.append((result.stdout + result.stderr).replace(str(home), "<HOME>"))
        fake_hub.clear()
    ours, theirs = outputs
    assert ours == theirs
    # The snippet prints the two files on purpose; no log line shows a token.
    assert ours.count("hf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") == 2
