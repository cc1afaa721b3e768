"""`build_hf_headers`: user-agent assembly, which token is sent, values that HTTP cannot carry; agent detection."""

import json
import logging
import os
import sys
import time

import pytest
import requests
from _upstream_oracle import ours_and_upstream, upstream_compat

from huggingface_hub import __version__, constants
from huggingface_hub.errors import LocalTokenNotFoundError
from huggingface_hub.utils import _detect_agent, _headers, _runtime, build_hf_headers, get_token_to_send

TOKEN = "hf_SECRETtokenVALUE0123456789"
PY = sys.version.split()[0].rstrip("+")
BASE_UA = f"unknown/None; hf_hub/{__version__}; python/{PY}"


def no_token_lookup():
    raise AssertionError("get_token() must not be called")


@pytest.fixture
def telemetry_on(monkeypatch):
    """Telemetry enabled, but neither torch nor an agent, unless a test says otherwise."""
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", False)
    monkeypatch.setattr(_headers, "is_torch_available", lambda: False)
    monkeypatch.setattr(_headers, "detect_agent", lambda: None)


# ---------------------------------------------------------------------------
# User-agent
# ---------------------------------------------------------------------------


def test_default_headers_without_token():
    assert build_hf_headers(token=False) == {"user-agent": BASE_UA}


def test_user_agent_parts_in_order(monkeypatch):
    monkeypatch.setattr(constants, "HF_HUB_USER_AGENT_ORIGIN", "partner-x")
    headers = build_hf_headers(
        token=False, library_name="transformers", library_version="4.0", user_agent={"a": "b", "file_type": "model"}
    )
    assert headers["user-agent"] == (
        f"transformers/4.0; hf_hub/{__version__}; python/{PY}; a/b; file_type/model; origin/partner-x"
    )


def test_user_agent_string_is_split_stripped_and_deduplicated():
    headers = build_hf_headers(token=False, user_agent=f"a/b;  a/b ; c/d; python/{PY}")
    assert headers["user-agent"] == f"{BASE_UA}; a/b; c/d"


def test_library_name_without_version():
    assert build_hf_headers(token=False, library_name="lib")["user-agent"].startswith("lib/None; hf_hub/")


def test_telemetry_adds_torch_and_agent(monkeypatch, telemetry_on):
    monkeypatch.setattr(_headers, "is_torch_available", lambda: True)
    monkeypatch.setattr(_headers, "get_torch_version", lambda: "2.5.0")
    monkeypatch.setattr(_headers, "detect_agent", lambda: "claude-code")
    assert build_hf_headers(token=False)["user-agent"] == f"{BASE_UA}; torch/2.5.0; agent/claude-code"


def test_disabled_telemetry_skips_torch_and_agent_detection(monkeypatch):
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
    monkeypatch.setattr(_headers, "is_torch_available", lambda: True)
    monkeypatch.setattr(_headers, "detect_agent", no_token_lookup)  # would fail the test if called
    monkeypatch.setattr(_detect_agent, "_fetch_registry", no_token_lookup)
    assert build_hf_headers(token=False)["user-agent"] == BASE_UA


def test_non_ascii_user_agent_parts_are_percent_encoded(monkeypatch):
    monkeypatch.setattr(constants, "HF_HUB_USER_AGENT_ORIGIN", "Zürich")
    headers = build_hf_headers(token=False, library_name="café", library_version="1.0", user_agent={"🤗": "x\ty"})
    assert headers["user-agent"] == (
        f"caf%C3%A9/1.0; hf_hub/{__version__}; python/{PY}; %F0%9F%A4%97/x%09y; origin/Z%C3%BCrich"
    )
    headers["user-agent"].encode("ascii")  # sendable by any HTTP stack


def test_non_ascii_user_agent_can_actually_be_sent():
    # No server needed: preparing the request is where requests/http.client validate headers; sending goes
    # through http.client's latin-1 encoding, exercised by encoding here.
    prepared = requests.Request("GET", "http://x/", headers=build_hf_headers(token=False, library_name="ñ")).prepare()
    prepared.headers["user-agent"].encode("latin-1")


# ---------------------------------------------------------------------------
# Token
# ---------------------------------------------------------------------------


def test_explicit_token_is_sent_and_caller_headers_win(monkeypatch):
    monkeypatch.setattr(_headers, "get_token", no_token_lookup)
    headers = build_hf_headers(token=TOKEN, headers={"X-Extra": "1", "user-agent": "mine"})
    assert headers == {"user-agent": "mine", "authorization": f"Bearer {TOKEN}", "X-Extra": "1"}
    assert list(headers) == ["user-agent", "authorization", "X-Extra"]


def test_token_true_uses_the_saved_token_or_explains_how_to_log_in(monkeypatch):
    monkeypatch.setattr(_headers, "get_token", lambda: TOKEN)
    assert build_hf_headers(token=True)["authorization"] == f"Bearer {TOKEN}"
    monkeypatch.setattr(_headers, "get_token", lambda: None)
    with pytest.raises(LocalTokenNotFoundError) as info:
        build_hf_headers(token=True)
    assert str(info.value) == (
        "Token is required (`token=True`), but no token found. You need to provide a token or be logged in to Hugging"
        " Face with `hf auth login` or `huggingface_hub.login`. See https://huggingface.co/settings/tokens."
    )


def test_token_false_never_looks_up_the_token(monkeypatch):
    monkeypatch.setattr(_headers, "get_token", no_token_lookup)
    assert "authorization" not in build_hf_headers(token=False)
    assert get_token_to_send(False) is None


def test_implicit_token_is_sent_unless_disabled(monkeypatch):
    monkeypatch.setattr(_headers, "get_token", lambda: TOKEN)
    assert build_hf_headers()["authorization"] == f"Bearer {TOKEN}"
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_IMPLICIT_TOKEN", True)
    monkeypatch.setattr(_headers, "get_token", no_token_lookup)  # not even resolved (no OAuth refresh)
    assert "authorization" not in build_hf_headers()
    assert get_token_to_send(TOKEN) == TOKEN  # an explicit token still goes through


def test_no_saved_token_means_no_authorization_header(monkeypatch):
    monkeypatch.setattr(_headers, "get_token", lambda: None)
    assert build_hf_headers() == {"user-agent": BASE_UA}


def test_token_saved_on_disk_is_picked_up():
    with open(constants.HF_TOKEN_PATH, "w") as f:
        f.write(TOKEN)
    assert build_hf_headers()["authorization"] == f"Bearer {TOKEN}"


def test_token_from_environment_is_picked_up(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    assert build_hf_headers()["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize("bad_token", ["hf_abc’def", "hf_abc\ndef", "hf_\x00", "hf_ümlaut"])
def test_unsendable_token_raises_a_value_error_without_the_token(bad_token, caplog):
    with caplog.at_level(logging.DEBUG), pytest.raises(ValueError) as info:
        build_hf_headers(token=bad_token)
    assert "cannot be sent in an HTTP header" in str(info.value)
    assert bad_token not in str(info.value) and "hf_abc" not in str(info.value)
    assert bad_token not in caplog.text


# ---------------------------------------------------------------------------
# Caller headers
# ---------------------------------------------------------------------------


def test_latin1_and_bytes_caller_headers_are_kept():
    headers = build_hf_headers(token=False, headers={"X-Name": "José", "X-Raw": b"\xff"})
    assert (headers["X-Name"], headers["X-Raw"]) == ("José", b"\xff")


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("X-Name", "名前", "only latin-1 is allowed"),
        ("X-Split", "a\r\nInjected: 1", "line break or NUL"),
        ("X-Api-Key", " secret-with-space", "starts with whitespace"),
        ("Authorization", "Bearer hf_’x", "cannot be sent in an HTTP header"),
    ],
)
def test_unsendable_caller_header_raises_naming_the_header_not_the_value(name, value, problem):
    with pytest.raises(ValueError) as info:
        build_hf_headers(token=False, headers={name: value})
    message = str(info.value)
    assert problem in message
    assert value.strip() not in message
    if name != "Authorization":
        assert repr(name) in message


def test_legacy_keyword_arguments_are_dropped_with_a_warning():
    with pytest.warns(UserWarning, match="proxies"):
        headers = build_hf_headers(token=False, proxies={"https": "http://proxy"})  # type: ignore[call-arg]
    assert headers == {"user-agent": BASE_UA}


# ---------------------------------------------------------------------------
# Agent detection
# ---------------------------------------------------------------------------

REGISTRY = {
    "standardEnvVars": ["AI_AGENT", "AGENT"],
    "harnesses": {
        "claude-code": {"envVars": {"CLAUDECODE": "1"}},
        "cursor": {"envVars": {"CURSOR_AGENT": "*"}},
        "Codex": {},
    },
}
AGENT_VARS = ("AI_AGENT", "AGENT", "CLAUDECODE", "CURSOR_AGENT")


@pytest.fixture
def registry(monkeypatch):
    for var in AGENT_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(_detect_agent, "_registry", REGISTRY)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),
        ({"CLAUDECODE": "1"}, "claude-code"),
        ({"CLAUDECODE": "0"}, None),  # exact value required
        ({"CURSOR_AGENT": "anything"}, "cursor"),
        ({"AI_AGENT": "cursor"}, "cursor"),
        ({"AGENT": " Codex "}, "Codex"),
        ({"AI_AGENT": "CURSOR"}, "cursor"),  # case-insensitive fallback returns the lowercased value
        ({"AI_AGENT": "my-own-bot"}, "unknown"),
        ({"CURSOR_AGENT": "x", "CLAUDECODE": "1"}, "claude-code"),  # registry order wins
    ],
)
def test_detect_agent(registry, monkeypatch, env, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert _detect_agent.detect_agent() == expected
    assert _detect_agent.is_agent() is (expected is not None)


def test_detected_agent_appears_in_the_user_agent(registry, monkeypatch):
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", False)
    monkeypatch.setattr(_headers, "is_torch_available", lambda: False)
    monkeypatch.setenv("AI_AGENT", "unlisted")
    assert build_hf_headers(token=False)["user-agent"] == f"{BASE_UA}; agent/unknown"


@pytest.fixture
def loading(monkeypatch):
    """Agent detection with nothing resolved yet, telemetry on, and a fetch that must be declared per test."""
    monkeypatch.setattr(_detect_agent, "_registry", None)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)


def _write_cache(age_seconds: float) -> None:
    with open(constants.AGENT_HARNESSES_PATH, "w") as f:
        json.dump(REGISTRY, f)
    mtime = time.time() - age_seconds
    os.utime(constants.AGENT_HARNESSES_PATH, (mtime, mtime))


def test_fresh_cache_is_used_without_fetching(loading, monkeypatch):
    _write_cache(age_seconds=3600)
    monkeypatch.setattr(_detect_agent, "_fetch_registry", no_token_lookup)
    assert _detect_agent._load_registry() == REGISTRY


def test_stale_cache_is_refreshed_and_rewritten(loading, monkeypatch):
    _write_cache(age_seconds=25 * 3600)
    newer = {"standardEnvVars": ["AI_AGENT"], "harnesses": {}}
    monkeypatch.setattr(_detect_agent, "_fetch_registry", lambda: newer)
    assert _detect_agent._load_registry() == newer
    with open(constants.AGENT_HARNESSES_PATH) as f:
        assert json.load(f) == newer


def test_stale_cache_is_used_when_the_fetch_fails(loading, monkeypatch):
    _write_cache(age_seconds=30 * 24 * 3600)
    monkeypatch.setattr(_detect_agent, "_fetch_registry", lambda: None)
    assert _detect_agent._load_registry() == REGISTRY


def test_nothing_cached_and_no_fetch_means_no_detection(loading, monkeypatch):
    monkeypatch.setattr(_detect_agent, "_fetch_registry", lambda: None)
    monkeypatch.setenv("AI_AGENT", "claude-code")
    assert _detect_agent.detect_agent() is None
    assert not os.path.exists(constants.AGENT_HARNESSES_PATH)


def test_corrupted_cache_is_ignored(loading, monkeypatch):
    with open(constants.AGENT_HARNESSES_PATH, "w") as f:
        f.write("{not json")
    monkeypatch.setattr(_detect_agent, "_fetch_registry", lambda: REGISTRY)
    assert _detect_agent._load_registry() == REGISTRY


@pytest.mark.parametrize("switch", ["HF_HUB_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"])
def test_no_fetch_when_offline_or_telemetry_disabled(loading, monkeypatch, switch):
    monkeypatch.setattr(constants, switch, True)
    monkeypatch.setattr("huggingface_hub.utils._http.get_session", no_token_lookup)
    assert _detect_agent._fetch_registry() is None


def test_unexpected_errors_degrade_to_no_agent(loading, monkeypatch):
    def explode():
        raise RuntimeError("boom")

    monkeypatch.setattr(_detect_agent, "_load_registry", explode)
    monkeypatch.setenv("AI_AGENT", "claude-code")
    assert _detect_agent.detect_agent() is None


# ---------------------------------------------------------------------------
# Parity with upstream
# ---------------------------------------------------------------------------

_UA_SNIPPET = r"""
import json
from huggingface_hub.utils import build_hf_headers
h = build_hf_headers(token="hf_x", library_name="transformers", library_version="4.0",
                     user_agent={"a": "b", "file_type": "model"}, headers={"X-Extra": "1"})
h2 = build_hf_headers(token=False, user_agent="a/b;  a/b ; c/d")
strip = lambda ua: "; ".join(p for p in ua.split("; ") if not p.startswith("hf_hub/"))
print(json.dumps([list(h), strip(h["user-agent"]), h["authorization"], strip(h2["user-agent"])]))
"""


@upstream_compat
def test_headers_match_upstream():
    env = {"HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_USER_AGENT_ORIGIN": "o"}
    ours, upstream = ours_and_upstream(_UA_SNIPPET, **env)
    assert ours == upstream


def test_runtime_helpers_used_by_headers_are_the_runtime_ones():
    # Tests patch `_headers.is_torch_available` etc.; make sure those names are the real helpers by default.
    assert _headers.get_hf_hub_version is _runtime.get_hf_hub_version
    assert _headers.get_python_version() == PY
