"""Environment parsing in `huggingface_hub.constants`.

The module reads the environment once, at import, so each case runs a fresh interpreter with a controlled
environment and reads back the values it computed.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _upstream_oracle import UPSTREAM_PYTHON, upstream_compat

from huggingface_hub import constants

# Prints every public constant that JSON can carry (sets as sorted lists, compiled patterns as their pattern).
_DUMP_CONSTANTS = """
import json, re
import huggingface_hub.constants as c
out = {}
for name in dir(c):
    if name.startswith("__"):
        continue
    value = getattr(c, name)
    if isinstance(value, (set, frozenset)):
        value = sorted(value)
    elif isinstance(value, re.Pattern):
        value = value.pattern
    try:
        json.dumps(value)
    except TypeError:
        continue
    out[name] = value
print(json.dumps(out))
"""


def _constants_with_env(home: Path, python: str | Path = sys.executable, **env: str) -> dict[str, Any]:
    """Import `constants` in a new interpreter whose environment is only HOME, PATH and `env`."""
    result = _run_import(home, python, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _run_import(home: Path, python: str | Path = sys.executable, **env: str) -> subprocess.CompletedProcess:
    base = {"HOME": str(home), "PATH": os.environ.get("PATH", "")}
    return subprocess.run(
        [str(python), "-c", _DUMP_CONSTANTS],
        env={**base, **env},
        capture_output=True,
        text=True,
        cwd=home,  # a neutral folder: no local checkout shadows the installed package
        timeout=120,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


class TestPaths:
    def test_defaults_live_under_home_cache(self, home: Path) -> None:
        c = _constants_with_env(home)
        hf_home = str(home / ".cache" / "huggingface")
        assert c["HF_HOME"] == hf_home
        assert c["HF_HUB_CACHE"] == c["HUGGINGFACE_HUB_CACHE"] == f"{hf_home}/hub"
        assert c["HF_ASSETS_CACHE"] == c["HUGGINGFACE_ASSETS_CACHE"] == f"{hf_home}/assets"
        assert c["HF_XET_CACHE"] == f"{hf_home}/xet"
        assert c["HF_TOKEN_PATH"] == f"{hf_home}/token"
        assert c["HF_STORED_TOKENS_PATH"] == f"{hf_home}/stored_tokens"
        assert c["AGENT_HARNESSES_PATH"] == f"{hf_home}/.agent_harnesses.json"
        assert c["CHECK_FOR_UPDATE_DONE_PATH"] == f"{hf_home}/.check_for_update_done"

    def test_xdg_cache_home_is_the_parent_of_the_default_home(self, home: Path) -> None:
        c = _constants_with_env(home, XDG_CACHE_HOME=str(home / "xdg"))
        assert c["HF_HOME"] == str(home / "xdg" / "huggingface")

    def test_hf_home_is_expanded(self, home: Path) -> None:
        c = _constants_with_env(home, HF_HOME="~/$SUBDIR/hf", SUBDIR="data")
        assert c["HF_HOME"] == str(home / "data" / "hf")
        assert c["HF_HUB_CACHE"] == str(home / "data" / "hf" / "hub")

    def test_legacy_cache_variables_are_fallbacks_and_not_expanded(self, home: Path) -> None:
        c = _constants_with_env(home, HUGGINGFACE_HUB_CACHE="~/legacy-hub", HUGGINGFACE_ASSETS_CACHE="~/legacy-assets")
        assert c["HUGGINGFACE_HUB_CACHE"] == "~/legacy-hub"
        assert c["HF_HUB_CACHE"] == str(home / "legacy-hub")
        assert c["HF_ASSETS_CACHE"] == str(home / "legacy-assets")

    def test_new_cache_variables_win_over_legacy_ones(self, home: Path) -> None:
        c = _constants_with_env(home, HUGGINGFACE_HUB_CACHE="/legacy", HF_HUB_CACHE="/new")
        assert c["HF_HUB_CACHE"] == "/new"

    def test_xet_cache_is_not_expanded(self, home: Path) -> None:
        assert _constants_with_env(home, HF_XET_CACHE="~/xet")["HF_XET_CACHE"] == "~/xet"

    def test_stored_tokens_live_next_to_the_token_file(self, home: Path) -> None:
        c = _constants_with_env(home, HF_TOKEN_PATH="~/secrets/tok")
        assert c["HF_TOKEN_PATH"] == str(home / "secrets" / "tok")
        assert c["HF_STORED_TOKENS_PATH"] == str(home / "secrets" / "stored_tokens")


class TestEndpoint:
    def test_default(self, home: Path) -> None:
        c = _constants_with_env(home)
        assert c["ENDPOINT"] == "https://huggingface.co"
        assert c["HUGGINGFACE_CO_URL_TEMPLATE"] == "https://huggingface.co/{repo_id}/resolve/{revision}/{filename}"

    def test_trailing_slashes_are_removed_and_host_is_recognised(self, home: Path) -> None:
        c = _constants_with_env(home, HF_ENDPOINT="http://My-Hub.local:8080//")
        assert c["ENDPOINT"] == "http://My-Hub.local:8080"
        assert c["HUGGINGFACE_CO_URL_TEMPLATE"].startswith("http://My-Hub.local:8080/{repo_id}/")
        assert set(c["HF_URL_HOSTS"]) == {"hf.co", "huggingface.co", "hub-ci.huggingface.co", "my-hub.local"}

    def test_staging_overrides_endpoint_and_moves_only_some_paths(self, home: Path) -> None:
        c = _constants_with_env(home, HUGGINGFACE_CO_STAGING="yes", HF_ENDPOINT="http://ignored")
        staging_home = home / ".cache" / "huggingface_staging"
        assert c["ENDPOINT"] == "https://hub-ci.huggingface.co"
        assert c["HUGGINGFACE_CO_URL_TEMPLATE"].startswith("https://hub-ci.huggingface.co/")
        assert set(c["HF_URL_HOSTS"]) == {"hf.co", "huggingface.co", "hub-ci.huggingface.co"}
        assert c["HF_TOKEN_PATH"] == str(staging_home / "token")
        assert c["HUGGINGFACE_HUB_CACHE"] == str(staging_home / "hub")
        # Computed before the staging override, hence unchanged (a quirk kept from upstream).
        assert c["HF_HUB_CACHE"] == str(home / ".cache" / "huggingface" / "hub")
        assert c["HF_STORED_TOKENS_PATH"] == str(home / ".cache" / "huggingface" / "stored_tokens")

    def test_inference_endpoint_and_device_client_id_overrides(self, home: Path) -> None:
        c = _constants_with_env(home, HF_INFERENCE_ENDPOINT="http://inf", HF_DEVICE_CODE_OAUTH_CLIENT_ID="my-client")
        assert c["INFERENCE_ENDPOINT"] == "http://inf"
        assert c["DEVICE_CODE_OAUTH_CLIENT_ID"] == "my-client"


class TestBooleans:
    @pytest.mark.parametrize("value", ["1", "ON", "on", "YES", "yes", "TRUE", "True", "true"])
    def test_true_values(self, home: Path, value: str) -> None:
        c = _constants_with_env(home, HF_HUB_DISABLE_SYMLINKS=value, HF_DEBUG=value)
        assert c["HF_HUB_DISABLE_SYMLINKS"] is True
        assert c["HF_DEBUG"] is True

    @pytest.mark.parametrize("value", ["", "0", "false", "no", "off", "2", "y", " 1"])
    def test_other_values_are_false(self, home: Path, value: str) -> None:
        c = _constants_with_env(home, HF_HUB_DISABLE_SYMLINKS=value, HF_DEBUG=value)
        assert c["HF_HUB_DISABLE_SYMLINKS"] is False
        assert c["HF_DEBUG"] is False

    def test_flags_default_to_false(self, home: Path) -> None:
        c = _constants_with_env(home)
        for name in (
            "HF_HUB_OFFLINE",
            "HF_DEBUG",
            "HF_HUB_DISABLE_TELEMETRY",
            "HF_HUB_DISABLE_SYMLINKS",
            "HF_HUB_DISABLE_SYMLINKS_WARNING",
            "HF_HUB_DISABLE_EXPERIMENTAL_WARNING",
            "HF_HUB_DISABLE_IMPLICIT_TOKEN",
            "HF_HUB_DISABLE_UPDATE_CHECK",
            "HF_XET_HIGH_PERFORMANCE",
            "HF_HUB_DISABLE_XET",
        ):
            assert c[name] is False, name

    @pytest.mark.parametrize("variable", ["HF_HUB_DISABLE_TELEMETRY", "DISABLE_TELEMETRY", "DO_NOT_TRACK"])
    def test_any_telemetry_opt_out_disables_it(self, home: Path, variable: str) -> None:
        assert _constants_with_env(home, **{variable: "1"})["HF_HUB_DISABLE_TELEMETRY"] is True

    @pytest.mark.parametrize(
        ("hub_offline", "transformers_offline", "expected"),
        [
            (None, "1", True),
            ("", "1", True),  # empty counts as unset
            ("0", "1", False),  # an explicit value wins
            ("1", "0", True),
            (None, None, False),
        ],
    )
    def test_offline(
        self, home: Path, hub_offline: str | None, transformers_offline: str | None, expected: bool
    ) -> None:
        env = {"HF_HUB_OFFLINE": hub_offline, "TRANSFORMERS_OFFLINE": transformers_offline}
        c = _constants_with_env(home, **{k: v for k, v in env.items() if v is not None})
        assert c["HF_HUB_OFFLINE"] is expected

    @pytest.mark.parametrize(
        ("value", "expected"), [(None, None), ("1", True), ("true", True), ("0", False), ("", False)]
    )
    def test_progress_bars_switch_is_tri_state(self, home: Path, value: str | None, expected: bool | None) -> None:
        env = {} if value is None else {"HF_HUB_DISABLE_PROGRESS_BARS": value}
        assert _constants_with_env(home, **env)["HF_HUB_DISABLE_PROGRESS_BARS"] is expected


class TestTimeouts:
    @pytest.mark.parametrize(("value", "expected"), [(None, 10), ("0", 10), ("25", 25), ("-1", -1)])
    def test_values(self, home: Path, value: str | None, expected: int) -> None:
        env = {} if value is None else {"HF_HUB_ETAG_TIMEOUT": value, "HF_HUB_DOWNLOAD_TIMEOUT": value}
        c = _constants_with_env(home, **env)
        assert c["HF_HUB_ETAG_TIMEOUT"] == expected
        assert c["HF_HUB_DOWNLOAD_TIMEOUT"] == expected

    @pytest.mark.parametrize("variable", ["HF_HUB_ETAG_TIMEOUT", "HF_HUB_DOWNLOAD_TIMEOUT"])
    def test_non_integer_fails_the_import(self, home: Path, variable: str) -> None:
        result = _run_import(home, **{variable: "ten"})
        assert result.returncode != 0
        assert "ValueError" in result.stderr


class TestHfTransferDeprecation:
    def test_warns_at_import(self, home: Path) -> None:
        result = _run_import(home, HF_HUB_ENABLE_HF_TRANSFER="1", PYTHONWARNINGS="error::FutureWarning")
        assert result.returncode != 0
        assert "FutureWarning: The `HF_HUB_ENABLE_HF_TRANSFER` environment variable is deprecated" in result.stderr

    def test_silent_in_high_performance_mode(self, home: Path) -> None:
        result = _run_import(
            home, HF_HUB_ENABLE_HF_TRANSFER="1", HF_XET_HIGH_PERFORMANCE="1", PYTHONWARNINGS="error::FutureWarning"
        )
        assert result.returncode == 0, result.stderr


def test_is_offline_mode_reads_the_attribute_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert constants.is_offline_mode() is True
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    assert constants.is_offline_mode() is False


def test_repo_type_tables() -> None:
    assert constants.REPO_TYPES == [None, "model", "dataset", "space"]
    assert constants.REPO_TYPES_WITH_KERNEL == [None, "model", "dataset", "space", "kernel"]
    assert constants.REPO_TYPES_URL_PREFIXES == {"dataset": "datasets/", "space": "spaces/", "kernel": "kernels/"}
    assert constants.DISCUSSION_TYPES == ("all", "discussion", "pull_request")
    assert constants.DISCUSSION_STATUS == ("all", "open", "closed")
    assert constants.REGEX_COMMIT_OID.fullmatch("abc12")
    assert not constants.REGEX_COMMIT_OID.fullmatch("abc1")


_COMPAT_ENVIRONMENTS = [
    {},
    {"HF_HOME": "~/$SUB/h", "SUB": "s", "HF_XET_CACHE": "~/x", "HUGGINGFACE_HUB_CACHE": "~/legacy"},
    {"HUGGINGFACE_CO_STAGING": "1", "HF_ENDPOINT": "http://127.0.0.1:9/"},
    {"HF_ENDPOINT": "http://Example.com/", "HF_HUB_OFFLINE": "", "TRANSFORMERS_OFFLINE": "on"},
    {
        "HF_HUB_DISABLE_PROGRESS_BARS": "0",
        "HF_HUB_ETAG_TIMEOUT": "0",
        "HF_HUB_DOWNLOAD_TIMEOUT": "3",
        "DO_NOT_TRACK": "1",
    },
    {"HF_TOKEN_PATH": "~/t/token", "HF_HUB_USER_AGENT_ORIGIN": "me", "OAUTH_SCOPES": "openid"},
]


@upstream_compat
@pytest.mark.parametrize("env", _COMPAT_ENVIRONMENTS)
def test_same_values_as_upstream(home: Path, env: dict[str, str]) -> None:
    ours = _constants_with_env(home, **env)
    theirs = _constants_with_env(home, python=UPSTREAM_PYTHON, **env)
    assert ours == theirs
