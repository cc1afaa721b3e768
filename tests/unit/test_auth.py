"""Token resolution, token files and OAuth refresh (`utils/_auth.py`, `utils/_oauth_device.py`, `_oidc.py`)."""

import logging
import os
import shutil
import stat
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from _fake_hub import Answer, FakeHub, running_fake_hub

from huggingface_hub import constants
from huggingface_hub.errors import DeviceCodeError, HfHubHTTPError, OIDCError
from huggingface_hub.utils import _auth, get_stored_tokens, get_token
from huggingface_hub.utils._auth import (
    _clean_token,
    _get_token_by_name,
    _get_token_from_file,
    _read_stored_tokens_full,
    _save_token,
    _write_secret,
)
from huggingface_hub.utils._oauth_device import refresh_access_token


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    yield from running_fake_hub(monkeypatch)


TOKEN = "hf_TestTokenAAAAAAAAAAAAAAAAAAAAAAAAA"
OTHER_TOKEN = "hf_OtherTokenBBBBBBBBBBBBBBBBBBBBBBBB"


def _write_token_file(token: str) -> None:
    Path(constants.HF_TOKEN_PATH).write_text(token)


def _mode(path: str | Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# ---------------------------------------------------------------------------
# Resolution order and cleaning
# ---------------------------------------------------------------------------


class TestResolutionOrder:
    def test_not_logged_in(self) -> None:
        assert get_token() is None

    def test_token_file(self) -> None:
        _write_token_file(TOKEN)
        assert get_token() == TOKEN

    def test_hf_token_env_beats_the_file(self, monkeypatch: pytest.MonkeyPatch) -> None:
        _write_token_file(TOKEN)
        monkeypatch.setenv("HF_TOKEN", OTHER_TOKEN)
        assert get_token() == OTHER_TOKEN

    def test_hf_token_beats_the_legacy_variable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HF_TOKEN", TOKEN)
        monkeypatch.setenv("HUGGING_FACE_HUB_TOKEN", OTHER_TOKEN)
        assert get_token() == TOKEN

    def test_empty_hf_token_falls_back_to_the_legacy_variable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HF_TOKEN", "")
        monkeypatch.setenv("HUGGING_FACE_HUB_TOKEN", OTHER_TOKEN)
        assert get_token() == OTHER_TOKEN

    def test_blank_environment_token_falls_back_to_the_file(self, monkeypatch: pytest.MonkeyPatch) -> None:
        _write_token_file(TOKEN)
        monkeypatch.setenv("HF_TOKEN", " \n")
        assert get_token() == TOKEN

    def test_environment_token_is_cleaned(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HF_TOKEN", f"  {TOKEN}\r\n")
        assert get_token() == TOKEN


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (None, None),
        ("", None),
        ("   \n\r\n", None),
        ("hf_abc", "hf_abc"),
        ("  hf_abc \n", "hf_abc"),
        ("hf_a\nbc\r", "hf_abc"),  # line breaks are removed even inside the token
        ("\thf_abc\t", "hf_abc"),
    ],
)
def test_clean_token(raw: str | None, cleaned: str | None) -> None:
    assert _clean_token(raw) == cleaned


# ---------------------------------------------------------------------------
# Files: formats, permissions, damaged or unusable locations
# ---------------------------------------------------------------------------


class TestFiles:
    def test_stored_tokens_ini_layout(self) -> None:
        _save_token("hf_AAA", "tok1")
        _save_token("hf_BBB", "a-tok", refresh_token="r1", expires_at=123)
        assert Path(constants.HF_STORED_TOKENS_PATH).read_text() == (
            "[a-tok]\nhf_token = hf_BBB\nrefresh_token = r1\nexpires_at = 123\n\n[tok1]\nhf_token = hf_AAA\n\n"
        )
        assert get_stored_tokens() == {"a-tok": "hf_BBB", "tok1": "hf_AAA"}
        assert _read_stored_tokens_full()["a-tok"] == {
            "hf_token": "hf_BBB",
            "refresh_token": "r1",
            "expires_at": "123",
        }

    def test_saving_again_replaces_the_whole_section(self) -> None:
        _save_token(TOKEN, "name", refresh_token="r1", expires_at=123)
        _save_token(OTHER_TOKEN, "name")
        assert _read_stored_tokens_full() == {"name": {"hf_token": OTHER_TOKEN}}

    def test_percent_signs_are_not_interpolated(self) -> None:
        _save_token("hf_%(x)s%", "pct", refresh_token="r%1")
        assert _read_stored_tokens_full()["pct"] == {"hf_token": "hf_%(x)s%", "refresh_token": "r%1"}

    def test_get_token_by_name(self) -> None:
        _save_token(TOKEN, "mine")
        assert _get_token_by_name("mine") == TOKEN
        assert _get_token_by_name("unknown") is None

    def test_missing_stored_tokens_file_is_empty(self) -> None:
        assert get_stored_tokens() == {}

    def test_secret_files_are_private_and_their_folder_too(self, isolated_hf_home: Path) -> None:
        isolated_hf_home.chmod(0o755)
        Path(constants.HF_TOKEN_PATH).write_text("old")
        Path(constants.HF_TOKEN_PATH).chmod(0o644)  # pre-existing file: O_CREAT alone would keep this mode

        _write_secret(Path(constants.HF_TOKEN_PATH), TOKEN)
        _save_token(TOKEN, "name")

        assert Path(constants.HF_TOKEN_PATH).read_bytes() == TOKEN.encode()  # no trailing newline
        assert _mode(constants.HF_TOKEN_PATH) == 0o600
        assert _mode(constants.HF_STORED_TOKENS_PATH) == 0o600
        assert _mode(isolated_hf_home) == 0o700

    def test_missing_hf_home_is_created(self, isolated_hf_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        home = isolated_hf_home / "not" / "yet"
        monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(home / "stored_tokens"))
        _save_token(TOKEN, "name")
        assert get_stored_tokens() == {"name": TOKEN}
        assert _mode(home) == 0o700

    def test_hf_home_being_a_file_raises(self, isolated_hf_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        blocker = isolated_hf_home / "blocker"
        blocker.write_text("")
        monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(blocker / "stored_tokens"))
        monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(blocker / "token"))
        with pytest.raises(FileExistsError):
            _save_token(TOKEN, "name")
        with pytest.raises(NotADirectoryError):
            get_token()
        assert get_stored_tokens() == {}

    @pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
    def test_read_only_hf_home_raises_permission_error(self, isolated_hf_home: Path) -> None:
        with _read_only(isolated_hf_home):
            with pytest.raises(PermissionError):
                _save_token(TOKEN, "name")
            assert get_token() is None  # reading still works
        assert not Path(constants.HF_STORED_TOKENS_PATH).exists()

    def test_token_path_being_a_directory_raises(self) -> None:
        Path(constants.HF_TOKEN_PATH).mkdir()
        with pytest.raises(IsADirectoryError):
            get_token()

    def test_undecodable_token_file_raises(self) -> None:
        Path(constants.HF_TOKEN_PATH).write_bytes(b"\xff\xfe hf_")
        with pytest.raises(UnicodeDecodeError):
            get_token()

    def test_stored_tokens_path_being_a_directory_reads_as_empty(self) -> None:
        Path(constants.HF_STORED_TOKENS_PATH).mkdir()
        assert get_stored_tokens() == {}

    @pytest.mark.parametrize(
        "content",
        [
            f"{TOKEN}\n[name]\nhf_token = x\n",  # no section header before the first line
            f"[name]\n{TOKEN}\n",  # a line that is not key = value
            "[name]\nhf_token = a\n[name]\nhf_token = b\n",  # duplicate section
        ],
    )
    def test_malformed_stored_tokens_read_as_empty_and_are_logged_without_values(
        self, content: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        Path(constants.HF_STORED_TOKENS_PATH).write_text(content)
        with caplog.at_level(logging.ERROR, logger="huggingface_hub"):
            assert get_stored_tokens() == {}
        assert "Error parsing stored tokens file:" in caplog.text
        assert TOKEN not in caplog.text


# ---------------------------------------------------------------------------
# OAuth refresh of the token file
# ---------------------------------------------------------------------------


def _login_with_oauth_token(expires_in: int, token: str = TOKEN, refresh_token: str = "rt_old") -> None:
    _save_token(token, "oauth-user", refresh_token=refresh_token, expires_at=int(time.time()) + expires_in)
    _write_token_file(token)


class TestOAuthRefresh:
    def test_refreshes_when_less_than_a_day_remains(self, fake_hub: FakeHub, caplog: pytest.LogCaptureFixture) -> None:
        _login_with_oauth_token(expires_in=3600)
        fake_hub.answer(
            "POST",
            "/oauth/token",
            Answer(200, {"access_token": OTHER_TOKEN, "refresh_token": "rt_new", "expires_in": 86400 * 30}),
        )
        with caplog.at_level(logging.DEBUG, logger="huggingface_hub"):
            assert get_token() == OTHER_TOKEN
            assert get_token() == OTHER_TOKEN  # decided once, then remembered

        (request,) = fake_hub.requests_to("/oauth/token")
        assert request.form == {
            "grant_type": "refresh_token",
            "refresh_token": "rt_old",
            "client_id": constants.DEVICE_CODE_OAUTH_CLIENT_ID,
        }
        fields = _read_stored_tokens_full()["oauth-user"]
        assert fields["hf_token"] == OTHER_TOKEN
        assert fields["refresh_token"] == "rt_new"
        assert int(fields["expires_at"]) > time.time() + 86400 * 29
        assert _get_token_from_file() == OTHER_TOKEN
        assert "Access token `oauth-user` has been refreshed." in caplog.text
        assert TOKEN not in caplog.text and OTHER_TOKEN not in caplog.text and "rt_" not in caplog.text

    def test_refresh_token_is_kept_when_not_rotated(self, fake_hub: FakeHub) -> None:
        _login_with_oauth_token(expires_in=3600)
        fake_hub.answer("POST", "/oauth/token", Answer(200, {"access_token": OTHER_TOKEN, "expires_in": 86400 * 30}))
        assert get_token() == OTHER_TOKEN
        assert _read_stored_tokens_full()["oauth-user"]["refresh_token"] == "rt_old"

    def test_no_refresh_far_from_expiry(self, fake_hub: FakeHub) -> None:
        _login_with_oauth_token(expires_in=30 * 86400)
        assert get_token() == TOKEN
        assert fake_hub.received == []

    def test_no_refresh_for_tokens_without_metadata(self, fake_hub: FakeHub) -> None:
        _save_token(TOKEN, "classic")
        _write_token_file(TOKEN)
        assert get_token() == TOKEN
        assert fake_hub.received == []

    def test_environment_token_wins_without_refreshing(
        self, fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _login_with_oauth_token(expires_in=3600)
        monkeypatch.setenv("HF_TOKEN", "hf_from_env")
        assert get_token() == "hf_from_env"
        assert fake_hub.received == []

    def test_short_lifetime_does_not_refresh_on_every_call(self, fake_hub: FakeHub) -> None:
        _login_with_oauth_token(expires_in=3600)
        fake_hub.answer("POST", "/oauth/token", Answer(200, {"access_token": OTHER_TOKEN, "expires_in": 60}))
        assert get_token() == OTHER_TOKEN
        assert get_token() == OTHER_TOKEN
        assert len(fake_hub.requests_to("/oauth/token")) == 1

    def test_revoked_session_warns_once_and_stops_trying(
        self, fake_hub: FakeHub, caplog: pytest.LogCaptureFixture
    ) -> None:
        _login_with_oauth_token(expires_in=3600)
        fake_hub.answer(
            "POST", "/oauth/token", Answer(400, {"error": "invalid_grant", "error_description": "revoked"})
        )
        with caplog.at_level(logging.WARNING, logger="huggingface_hub"):
            assert get_token() == TOKEN  # the stale token: the Hub will reject it with a clear error
            assert get_token() == TOKEN
        assert len(fake_hub.requests_to("/oauth/token")) == 1
        assert caplog.text.count("Run `hf auth login` to re-authenticate.") == 1
        assert TOKEN not in caplog.text and "rt_old" not in caplog.text

    def test_transient_failure_warns_once_and_serves_the_old_token(
        self, fake_hub: FakeHub, caplog: pytest.LogCaptureFixture
    ) -> None:
        _login_with_oauth_token(expires_in=3600)
        fake_hub.answer("POST", "/oauth/token", Answer(502, b"<html>bad gateway</html>"))
        with caplog.at_level(logging.WARNING, logger="huggingface_hub"):
            assert get_token() == TOKEN
            assert get_token() == TOKEN
        assert len(fake_hub.requests_to("/oauth/token")) == 1
        assert "Could not refresh your Hugging Face access token" in caplog.text
        assert "Will retry later." in caplog.text
        assert TOKEN not in caplog.text

    def test_retries_after_the_recheck_interval(self, fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
        _login_with_oauth_token(expires_in=3600)
        fake_hub.answer(
            "POST",
            "/oauth/token",
            Answer(502, b"down"),
            Answer(200, {"access_token": OTHER_TOKEN, "expires_in": 86400 * 30}),
        )
        assert get_token() == TOKEN
        cache = _auth._OAUTH_REFRESH_CACHE
        assert cache is not None
        monkeypatch.setitem(cache, "recheck_at", 0)  # as if the interval had elapsed
        assert get_token() == OTHER_TOKEN

    def test_adopts_a_refresh_made_by_another_process(
        self, fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _login_with_oauth_token(expires_in=3600)

        @contextmanager
        def lock_won_after_another_process_refreshed(*args: object, **kwargs: object) -> Iterator[None]:
            _save_token(OTHER_TOKEN, "oauth-user", refresh_token="rt_other", expires_at=int(time.time()) + 30 * 86400)
            yield

        monkeypatch.setattr(_auth, "WeakFileLock", lock_won_after_another_process_refreshed)
        assert get_token() == OTHER_TOKEN
        assert fake_hub.received == []


class TestRefreshAccessToken:
    def test_success(self, fake_hub: FakeHub) -> None:
        payload = {"access_token": "hf_new", "refresh_token": "rt_new", "expires_in": 10}
        fake_hub.answer("POST", "/oauth/token", Answer(200, payload))
        assert refresh_access_token("rt_old") == payload

    def test_invalid_grant(self, fake_hub: FakeHub) -> None:
        fake_hub.answer(
            "POST", "/oauth/token", Answer(400, {"error": "invalid_grant", "error_description": "revoked"})
        )
        with pytest.raises(DeviceCodeError, match="Failed to refresh access token: invalid_grant - revoked") as info:
            refresh_access_token("rt_old")
        assert info.value.error_code == "invalid_grant"

    def test_non_json_answer(self, fake_hub: FakeHub) -> None:
        fake_hub.answer("POST", "/oauth/token", Answer(502, b"<html>oops</html>"))
        with pytest.raises(DeviceCodeError, match=r"Failed to parse response from .*/oauth/token \(status 502\)"):
            refresh_access_token("rt_old")

    def test_unreachable_hub(self, monkeypatch: pytest.MonkeyPatch) -> None:
        with FakeHub() as hub:
            endpoint = hub.endpoint  # a port that is closed once the server stops
        monkeypatch.setattr(constants, "ENDPOINT", endpoint)
        with pytest.raises(DeviceCodeError, match="Failed to refresh access token: "):
            refresh_access_token("rt_old")


# ---------------------------------------------------------------------------
# OIDC (Trusted Publishers)
# ---------------------------------------------------------------------------


class TestOidc:
    def test_exchanges_the_given_id_token_and_wins_over_everything(
        self, fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _write_token_file(TOKEN)
        monkeypatch.setenv("HF_TOKEN", OTHER_TOKEN)
        monkeypatch.setenv("HF_OIDC_RESOURCE", "me/my-model")
        monkeypatch.setenv("HF_OIDC_ID_TOKEN", "id.jwt")
        fake_hub.answer("POST", "/oauth/token", Answer(200, {"access_token": "hf_jwt_x", "expires_in": 600}))

        assert get_token() == "hf_jwt_x"
        assert get_token() == "hf_jwt_x"  # cached

        (request,) = fake_hub.requests_to("/oauth/token")
        assert request.json == {
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
            "subject_token": "id.jwt",
            "resource": "me/my-model",
        }

    def test_mints_the_id_token_from_github_actions(self, fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HF_OIDC_RESOURCE", "me")
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_URL", f"{fake_hub.endpoint}/github-oidc")
        monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh-request-token")
        fake_hub.answer("GET", "/github-oidc", Answer(200, {"value": "minted.jwt"}))
        fake_hub.answer("POST", "/oauth/token", Answer(200, {"access_token": "hf_jwt_y"}))

        assert get_token() == "hf_jwt_y"
        (mint,) = fake_hub.requests_to("/github-oidc")
        assert mint.query == {"audience": [fake_hub.endpoint]}
        assert mint.headers["authorization"] == "Bearer gh-request-token"
        assert fake_hub.requests_to("/oauth/token")[0].json["subject_token"] == "minted.jwt"
        # A self-minted token is exchanged again 300 s before it expires (default lifetime: 3600 s).
        cache = _auth._OIDC_TOKEN_CACHE
        assert cache is not None and cache["expires_at"] - time.monotonic() <= 3300

    def test_cache_is_per_resource(self, fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HF_OIDC_ID_TOKEN", "id.jwt")
        fake_hub.answer(
            "POST",
            "/oauth/token",
            Answer(200, {"access_token": "hf_jwt_a"}),
            Answer(200, {"access_token": "hf_jwt_b"}),
        )
        monkeypatch.setenv("HF_OIDC_RESOURCE", "a")
        assert get_token() == "hf_jwt_a"
        monkeypatch.setenv("HF_OIDC_RESOURCE", "b")
        assert get_token() == "hf_jwt_b"

    def test_no_id_token_available_raises(self, monkeypatch: pytest.MonkeyPatch) -> None:
        _write_token_file(TOKEN)  # never used as a silent fallback
        monkeypatch.setenv("HF_OIDC_RESOURCE", "me")
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
        with pytest.raises(OIDCError, match="HF_OIDC_RESOURCE is set but no OIDC id token is available"):
            get_token()

    def test_github_without_id_token_permission_raises(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HF_OIDC_RESOURCE", "me")
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        monkeypatch.delenv("ACTIONS_ID_TOKEN_REQUEST_URL", raising=False)
        with pytest.raises(OIDCError, match="permissions: id-token: write"):
            get_token()

    def test_rejected_exchange_raises(self, fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HF_OIDC_RESOURCE", "me")
        monkeypatch.setenv("HF_OIDC_ID_TOKEN", "id.jwt")
        fake_hub.answer("POST", "/oauth/token", Answer(403, {"error": "not a trusted publisher"}))
        with pytest.raises(HfHubHTTPError):
            get_token()


# ---------------------------------------------------------------------------
# Google Colab secret
# ---------------------------------------------------------------------------


@pytest.fixture
def fake_colab(monkeypatch: pytest.MonkeyPatch) -> types.SimpleNamespace:
    """Pretend to run in Colab, with a vault whose behaviour each test sets (`state.get`)."""

    class NotebookAccessError(Exception):
        pass

    class SecretNotFoundError(Exception):
        pass

    class ColabError(Exception):
        pass

    state = types.SimpleNamespace(calls=0, get=lambda name: f" {TOKEN}\n")

    def get(name: str) -> str:
        state.calls += 1
        return state.get(name)

    userdata = types.ModuleType("google.colab.userdata")
    userdata.get = get  # type: ignore[attr-defined]
    userdata.NotebookAccessError = NotebookAccessError  # type: ignore[attr-defined]
    userdata.SecretNotFoundError = SecretNotFoundError  # type: ignore[attr-defined]
    errors = types.ModuleType("google.colab.errors")
    errors.Error = ColabError  # type: ignore[attr-defined]
    colab = types.ModuleType("google.colab")
    colab.userdata = userdata  # type: ignore[attr-defined]
    colab.errors = errors  # type: ignore[attr-defined]
    google = types.ModuleType("google")
    google.colab = colab  # type: ignore[attr-defined]
    for name, module in {
        "google": google,
        "google.colab": colab,
        "google.colab.userdata": userdata,
        "google.colab.errors": errors,
    }.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(_auth, "is_google_colab", lambda: True)
    monkeypatch.setattr(_auth, "is_colab_enterprise", lambda: False)
    state.errors = types.SimpleNamespace(access=NotebookAccessError, missing=SecretNotFoundError, other=ColabError)
    return state


class TestGoogleColab:
    def test_secret_is_the_last_resort_and_read_once(self, fake_colab: types.SimpleNamespace) -> None:
        assert get_token() == TOKEN
        assert get_token() == TOKEN
        assert fake_colab.calls == 1

    def test_file_and_environment_come_first(
        self, fake_colab: types.SimpleNamespace, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _write_token_file(OTHER_TOKEN)
        assert get_token() == OTHER_TOKEN
        monkeypatch.setenv("HF_TOKEN", "hf_env")
        assert get_token() == "hf_env"
        assert fake_colab.calls == 0

    def test_colab_enterprise_is_ignored(
        self, fake_colab: types.SimpleNamespace, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(_auth, "is_colab_enterprise", lambda: True)
        assert get_token() is None
        assert fake_colab.calls == 0

    def test_refused_access_warns_and_is_not_asked_again(self, fake_colab: types.SimpleNamespace) -> None:
        def refuse(name: str) -> str:
            raise fake_colab.errors.access()

        fake_colab.get = refuse
        with pytest.warns(UserWarning, match="Access to the secret `HF_TOKEN` has not been granted"):
            assert get_token() is None
        assert get_token() is None
        assert fake_colab.calls == 1

    def test_missing_secret_is_not_an_error(self, fake_colab: types.SimpleNamespace) -> None:
        def missing(name: str) -> str:
            raise fake_colab.errors.missing()

        fake_colab.get = missing
        assert get_token() is None

    def test_other_vault_errors_warn(self, fake_colab: types.SimpleNamespace) -> None:
        def broken(name: str) -> str:
            raise fake_colab.errors.other("boom")

        fake_colab.get = broken
        with pytest.warns(UserWarning, match="Error while fetching `HF_TOKEN` secret value from your vault: 'boom'"):
            assert get_token() is None


@contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` unwritable, even for root (who ignores mode bits): the immutable attribute."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)]).returncode != 0:
        pytest.skip("running as root on a filesystem without the immutable attribute")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
