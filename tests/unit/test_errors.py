"""The exception hierarchy (`huggingface_hub.errors`) and how `hf_raise_for_status` maps failed responses onto it.

Responses here are real `requests.Response` objects whose body is read from `raw`, like a response coming off the
network; tests over an actual socket live in test_http.py.
"""

import io
import json
import logging
import pickle
from types import SimpleNamespace

import pytest
import requests
from _upstream_oracle import ours_and_upstream, upstream_compat
from requests.structures import CaseInsensitiveDict

from huggingface_hub import errors
from huggingface_hub.errors import (
    BadRequestError,
    BucketNotFoundError,
    CacheNotFound,
    DeviceCodeError,
    DisabledRepoError,
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    HfUriError,
    IncompleteSnapshotError,
    JobNotFoundError,
    LocalEntryNotFoundError,
    OAuthErrorCode,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
    SandboxCommandError,
    SandboxError,
    StrictDataclassClassValidationError,
    StrictDataclassFieldValidationError,
)
from huggingface_hub.utils import _http, hf_raise_for_status

API = "https://huggingface.co/api/models/org/name"
REPO_NOT_FOUND_HINT = (
    "\nPlease make sure you specified the correct `repo_id` and `repo_type`.\nIf you are trying to access a private or"
    " gated repo, make sure you are authenticated and your token has the required permissions.\nFor more details, see"
    " https://huggingface.co/docs/huggingface_hub/authentication"
)


def make_response(
    status: int,
    url: str = API,
    *,
    headers: dict | None = None,
    body: bytes | str | dict = b"",
    method: str = "GET",
    request_headers: dict | None = None,
    reason: str | None = None,
) -> requests.Response:
    """A `requests.Response` as the adapter builds it: body unread, in `raw`."""
    if isinstance(body, dict):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    response = requests.Response()
    response.status_code = status
    response.reason = reason  # type: ignore[assignment]
    response.headers = CaseInsensitiveDict(headers or {})
    response.raw = io.BytesIO(body)
    response.url = url
    response.request = requests.Request(method, url, headers=request_headers).prepare()
    return response


def raised_by(response: requests.Response, endpoint_name: str | None = None) -> HfHubHTTPError:
    with pytest.raises(HfHubHTTPError) as info:
        hf_raise_for_status(response, endpoint_name=endpoint_name)
    return info.value


# ---------------------------------------------------------------------------
# Hierarchy and constructors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "parents"),
    [
        (errors.CacheNotFound, (Exception,)),
        (errors.CorruptedCacheException, (Exception,)),
        (errors.CachedRepoTreeNotFoundError, (Exception,)),
        (errors.LocalTokenNotFoundError, (OSError,)),
        (errors.OfflineModeIsEnabled, (ConnectionError,)),
        (errors.HfHubHTTPError, (requests.HTTPError, OSError)),
        (errors.BucketNotFoundError, (HfHubHTTPError,)),
        (errors.JobNotFoundError, (HfHubHTTPError,)),
        (errors.RepositoryNotFoundError, (HfHubHTTPError,)),
        (errors.GatedRepoError, (RepositoryNotFoundError,)),
        (errors.DisabledRepoError, (HfHubHTTPError,)),
        (errors.RevisionNotFoundError, (HfHubHTTPError,)),
        (errors.RemoteEntryNotFoundError, (HfHubHTTPError, EntryNotFoundError)),
        (errors.LocalEntryNotFoundError, (FileNotFoundError, EntryNotFoundError)),
        (errors.IncompleteSnapshotError, (LocalEntryNotFoundError,)),
        (errors.BadRequestError, (HfHubHTTPError, ValueError)),
        (errors.DryRunError, (OSError,)),
        (errors.FileMetadataError, (OSError,)),
        (errors.HFValidationError, (ValueError,)),
        (errors.HfUriError, (ValueError,)),
        (errors.InferenceTimeoutError, (requests.HTTPError, TimeoutError)),
        (errors.InferenceEndpointTimeoutError, (errors.InferenceEndpointError, TimeoutError)),
        (errors.ValidationError, (errors.TextGenerationError, requests.HTTPError)),
        (errors.GenerationError, (errors.TextGenerationError,)),
        (errors.OverloadedError, (errors.TextGenerationError,)),
        (errors.IncompleteGenerationError, (errors.TextGenerationError,)),
        (errors.UnknownError, (errors.TextGenerationError,)),
        (errors.NotASafetensorsRepoError, (Exception,)),
        (errors.SafetensorsParsingError, (Exception,)),
        (errors.DDUFCorruptedFileError, (errors.DDUFError,)),
        (errors.DDUFInvalidEntryNameError, (errors.DDUFExportError, errors.DDUFError)),
        (errors.StrictDataclassDefinitionError, (errors.StrictDataclassError,)),
        (errors.ConfirmationError, (errors.CLIError,)),
        (errors.CLIExtensionInstallError, (errors.CLIError,)),
        (errors.SandboxCommandError, (SandboxError,)),
        (errors.XetDownloadError, (Exception,)),
        (errors.FileDuplicationError, (Exception,)),
        (errors.RevisionResolutionError, (Exception,)),
        (errors.OIDCError, (Exception,)),
    ],
)
def test_hierarchy(cls, parents):
    for parent in parents:
        assert issubclass(cls, parent)


def test_offline_error_is_the_builtin_connection_error_not_requests_one():
    # `except requests.ConnectionError` (retry loops) must not swallow it.
    assert not issubclass(OfflineModeIsEnabled, requests.ConnectionError)


def test_repo_attributes_default_to_none_on_the_class():
    for cls in (RepositoryNotFoundError, GatedRepoError, RevisionNotFoundError, RemoteEntryNotFoundError):
        assert cls.repo_id is None and cls.repo_type is None
    assert BucketNotFoundError.bucket_id is None


def test_small_constructors():
    assert CacheNotFound("missing", cache_dir="/x").cache_dir == "/x"
    assert DeviceCodeError("denied", error_code="access_denied").error_code == "access_denied"
    assert DeviceCodeError("boom").error_code is None
    assert OAuthErrorCode("slow_down") is OAuthErrorCode.SLOW_DOWN and OAuthErrorCode.SLOW_DOWN == "slow_down"
    assert [code.value for code in OAuthErrorCode] == [
        "authorization_pending",
        "slow_down",
        "expired_token",
        "access_denied",
        "invalid_grant",
    ]
    assert str(LocalEntryNotFoundError("not cached")) == "not cached"
    incomplete = IncompleteSnapshotError("partial", snapshot_path="/snap")
    assert (str(incomplete), incomplete.snapshot_path) == ("partial", "/snap")
    assert SandboxError("gone", status_code=404).status_code == 404
    assert SandboxError("gone").status_code is None


def test_hf_uri_error_message():
    with_uri = HfUriError("hf://bad", "Missing repo id.")
    assert (str(with_uri), with_uri.uri, with_uri.msg) == (
        "Invalid HF URI 'hf://bad'. Missing repo id.",
        "hf://bad",
        "Missing repo id.",
    )
    assert str(HfUriError("", "Empty.")) == "Invalid HF URI. Empty."


def test_strict_dataclass_validation_messages():
    field_error = StrictDataclassFieldValidationError("age", TypeError("expected int"))
    assert str(field_error) == "Validation error for field 'age':\n    TypeError: expected int"
    class_error = StrictDataclassClassValidationError("check_range", ValueError("too big"))
    assert str(class_error) == "Class validation error for validator 'check_range':\n    ValueError: too big"


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (
            SimpleNamespace(timed_out=True, signal=None, exit_code=None, stderr="late"),
            "Command 'x' timed out. stderr:\nlate",
        ),
        (
            SimpleNamespace(timed_out=False, signal=9, exit_code=None, stderr=""),
            "Command 'x' was killed by signal 9. stderr:\n<empty>",
        ),
        (
            SimpleNamespace(timed_out=False, signal=None, exit_code=2, stderr="e" * 1500),
            "Command 'x' exited with code 2. stderr:\n" + "e" * 1000,
        ),
    ],
)
def test_sandbox_command_error_message(result, expected):
    error = SandboxCommandError("x", result)
    assert str(error) == expected
    assert (error.cmd, error.result) == ("x", result)


# ---------------------------------------------------------------------------
# HfHubHTTPError itself
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-Request-Id": "a", "X-Amzn-Trace-Id": "b", "X-Amz-Cf-Id": "c"}, "a"),
        ({"X-Amzn-Trace-Id": "b", "X-Amz-Cf-Id": "c"}, "b"),
        ({"x-amz-cf-id": "c"}, "c"),
        ({}, None),
    ],
)
def test_request_id_precedence(headers, expected):
    assert HfHubHTTPError("boom", response=make_response(500, headers=headers)).request_id == expected


def test_http_error_attributes_and_append_to_message():
    response = make_response(500)
    error = HfHubHTTPError("boom", response=response, server_message="server says")
    assert error.response is response and error.request is response.request
    assert error.server_message == "server says"
    error.append_to_message("\nhint")
    assert str(error) == "boom\nhint"
    assert error.args == ("boom\nhint",)


def test_pickling_keeps_class_message_attributes_and_response():
    response = make_response(
        404, headers={"X-Error-Code": "RepoNotFound", "X-Request-Id": "REQ"}, body={"error": "nope"}
    )
    error = raised_by(response)
    error.append_to_message("\nextra")
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is RepositoryNotFoundError
    assert str(clone) == str(error)
    assert (clone.repo_id, clone.repo_type) == ("org/name", "model")
    assert (clone.request_id, clone.server_message) == ("REQ", "nope")
    assert clone.response.status_code == 404 and clone.response.json() == {"error": "nope"}
    assert clone.request.url == API


def test_pickling_survives_a_request_with_a_file_body(tmp_path):
    path = tmp_path / "upload.bin"
    path.write_bytes(b"data")
    with path.open("rb") as body:
        response = make_response(500)
        response.request = requests.Request("PUT", API, data=body).prepare()
        clone = pickle.loads(pickle.dumps(HfHubHTTPError("boom", response=response)))
    assert str(clone) == "boom" and clone.request.method == "PUT"


# ---------------------------------------------------------------------------
# The mapping table, rule by rule
# ---------------------------------------------------------------------------


def test_success_and_redirects_do_not_raise():
    for status in (200, 204, 301, 302, 304, 307):
        assert hf_raise_for_status(make_response(status)) is None


def test_rule_1_revision_not_found():
    error = raised_by(make_response(404, f"{API}/revision/v9", headers={"X-Error-Code": "RevisionNotFound"}))
    assert type(error) is RevisionNotFoundError
    assert str(error) == f"404 Client Error.\n\nRevision Not Found for url: {API}/revision/v9."
    assert (error.repo_type, error.repo_id) == ("model", "org/name")


def test_rule_2_entry_not_found_on_a_resolve_url_has_no_repo_attributes():
    url = "https://huggingface.co/org/name/resolve/main/missing.bin"
    error = raised_by(make_response(404, url, headers={"X-Error-Code": "EntryNotFound"}))
    assert type(error) is RemoteEntryNotFoundError and isinstance(error, EntryNotFoundError)
    assert str(error) == f"404 Client Error.\n\nEntry Not Found for url: {url}."
    assert (error.repo_type, error.repo_id) == (None, None)


def test_rule_3_gated_repo_appends_the_server_message():
    headers = {
        "X-Error-Code": "GatedRepo",
        "X-Error-Message": "Access to model org/name is restricted.",
        "X-Request-Id": "REQ4",
    }
    error = raised_by(make_response(403, f"{API}/revision/main", headers=headers))
    assert type(error) is GatedRepoError
    assert str(error) == (
        f"403 Client Error. (Request ID: REQ4)\n\nCannot access gated repo for url {API}/revision/main.\n"
        "Access to model org/name is restricted."
    )
    assert (error.repo_type, error.repo_id) == ("model", "org/name")


def test_rule_4_disabled_repo():
    url = "https://huggingface.co/api/datasets/laion/art"
    error = raised_by(make_response(403, url, headers={"X-Error-Message": "Access to this resource is disabled."}))
    assert type(error) is DisabledRepoError
    assert (
        str(error)
        == f"403 Client Error.\n\nCannot access repository for url {url}.\nAccess to this resource is disabled."
    )


def test_rule_5_bucket_not_found():
    url = "https://huggingface.co/api/buckets/ns/bucket/tree"
    error = raised_by(make_response(404, url, headers={"X-Error-Code": "RepoNotFound"}))
    assert type(error) is BucketNotFoundError and error.bucket_id == "ns/bucket"
    assert str(error) == (
        f"404 Client Error.\n\nBucket Not Found for url: {url}.\nPlease make sure you specified the correct bucket id"
        " (namespace/name).\nIf the bucket is private, make sure you are authenticated and your token has the required"
        " permissions."
    )


@pytest.mark.parametrize("kind", ["jobs", "scheduled-jobs"])
def test_rule_6_job_not_found(kind):
    url = f"https://huggingface.co/api/{kind}/ns/job123/logs"
    error = raised_by(make_response(404, url))
    assert type(error) is JobNotFoundError and error.job_id == "job123"
    assert str(error) == (
        f"404 Client Error.\n\nJob Not Found for url: {url}.\nPlease make sure you specified the correct job ID and namespace."
    )


def test_rule_7_repo_not_found_by_error_code_skips_a_server_message_it_already_contains():
    headers = {"X-Error-Code": "RepoNotFound", "X-Request-Id": "REQ1"}
    url = f"{API}/revision/main"
    error = raised_by(make_response(404, url, headers=headers, body={"error": "Repository not found"}))
    assert type(error) is RepositoryNotFoundError
    assert (
        str(error)
        == f"404 Client Error. (Request ID: REQ1)\n\nRepository Not Found for url: {url}.{REPO_NOT_FOUND_HINT}"
    )
    assert error.server_message == "Repository not found"
    assert (error.repo_type, error.repo_id) == ("model", "org/name")


@pytest.mark.parametrize(
    ("url", "repo_type", "repo_id"),
    [
        ("https://huggingface.co/api/datasets/user/data", "dataset", "user/data"),
        ("https://huggingface.co/api/spaces/gradio/demo/tree/main", "space", "gradio/demo"),
        ("https://huggingface.co/api/models/gpt2/revision/main", "model", "gpt2"),
        ("https://huggingface.co/org/name/resolve/main/file.txt", None, None),  # matched by the https rule, no /api/
    ],
)
def test_rule_7_unauthorized_on_an_https_repo_url_means_repo_not_found(url, repo_type, repo_id):
    error = raised_by(make_response(401, url))
    assert type(error) is RepositoryNotFoundError
    assert (error.repo_type, error.repo_id) == (repo_type, repo_id)


def test_rule_7_quirk_unauthorized_over_plain_http_stays_generic():
    url = "http://127.0.0.1:8080/api/models/org/name"
    error = raised_by(make_response(401, url))
    assert type(error) is HfHubHTTPError
    assert str(error).startswith(f"Client error '401 Unauthorized' for url '{url}'")


def test_rule_7_invalid_credentials_is_not_reported_as_repo_not_found():
    headers = {"X-Error-Message": "Invalid credentials in Authorization header"}
    error = raised_by(make_response(401, API, headers=headers))
    assert type(error) is HfHubHTTPError
    assert str(error) == (
        f"Client error '401 Unauthorized' for url '{API}'\n"
        "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/401\n\n"
        "Invalid credentials in Authorization header"
    )


def test_rule_8_bad_request_with_and_without_endpoint_name():
    response = make_response(400, headers={"X-Request-Id": "REQ6"}, body={"error": "bad thing"})
    error = raised_by(response)
    assert type(error) is BadRequestError and isinstance(error, ValueError)
    assert str(error) == "(Request ID: REQ6)\n\nBad request:\nbad thing"
    named = raised_by(make_response(400, body={"error": "bad thing"}), endpoint_name="preupload")
    assert str(named) == "Bad request for preupload endpoint:\nbad thing"


def test_rule_9_forbidden():
    error = raised_by(make_response(403, headers={"X-Error-Message": "no write access"}))
    assert type(error) is HfHubHTTPError
    assert str(error) == (
        f"403 Forbidden: no write access.\nCannot access content at: {API}.\nMake sure your token has the correct permissions."
    )
    # Without X-Error-Message, upstream prints "None": kept for identical messages.
    assert str(raised_by(make_response(403))).startswith("403 Forbidden: None.")


def test_rule_10_too_many_requests_with_exhausted_rate_limit():
    headers = {"RateLimit": '"api";r=0;t=55', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
    assert str(raised_by(make_response(429, headers=headers))) == (
        "429 Too Many Requests: you have reached your 'api' rate limit.\n"
        f"Retry after 55 seconds (0/500 requests remaining in current 300s window).\nUrl: {API}."
    )
    no_policy = raised_by(make_response(429, headers={"RateLimit": '"resolvers";r=0;t=3'}))
    assert str(no_policy) == (
        f"429 Too Many Requests: you have reached your 'resolvers' rate limit.\nRetry after 3 seconds.\nUrl: {API}."
    )


def test_rule_10_too_many_requests_when_the_headers_are_not_the_cause():
    error = raised_by(make_response(429, headers={"RateLimit": '"api";r=12;t=55'}))
    assert str(error) == f"429 Too Many Requests for url: {API}."


def test_rule_11_range_not_satisfiable():
    response = make_response(
        416,
        headers={"Content-Range": "bytes */10"},
        request_headers={"Range": "bytes=20-"},
        reason="Range Not Satisfiable",
    )
    assert str(raised_by(response)) == (
        f"Client error '416 Range Not Satisfiable' for url '{API}'\n"
        "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/416."
        " Requested range: bytes=20-. Content-Range: bytes */10."
    )


@pytest.mark.parametrize(
    ("status", "reason", "label"),
    [
        (404, None, "Client error '404 Not Found'"),
        (500, None, "Server error '500 Internal Server Error'"),
        (502, "Bad Gateway", "Server error '502 Bad Gateway'"),
        (418, "I'm a teapot", "Client error '418 I'm a teapot'"),
        (599, None, "Server error '599 '"),
    ],
)
def test_rule_12_generic_message_is_worded_like_httpx(status, reason, label):
    error = raised_by(make_response(status, reason=reason))
    assert type(error) is HfHubHTTPError
    assert str(error) == (
        f"{label} for url '{API}'\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/{status}"
    )


# ---------------------------------------------------------------------------
# Message assembly
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ({"error": "single"}, "application/json", "single"),
        ({"error": ["first", "second", "first"]}, "application/json", "first\nsecond"),
        ({"error": "invalid_grant", "error_description": "expired"}, "application/json", "invalid_grant: expired"),
        ({"error_description": "only a description"}, "application/json", "only a description"),
        ({"errors": [{"message": "a"}, {"message": "b"}, {"code": 1}]}, "application/json", "a\nb"),
        ({"error": "top", "errors": [{"message": "nested"}]}, "application/json", "top\nnested"),
        ("  plain text failure \n", "text/plain", "plain text failure"),
        ("<html><body>Bad gateway</body></html>", "text/html; charset=utf-8", None),
        ("", "text/plain", None),
        ({"error": "  "}, "application/json", None),
        ([1, 2], "application/json", None),  # JSON, but not a shape we know
    ],
)
def test_server_message_from_body(body, content_type, expected):
    body = json.dumps(body) if isinstance(body, list) else body
    error = raised_by(make_response(500, headers={"Content-Type": content_type}, body=body))
    assert error.server_message == expected
    if expected:
        assert str(error).endswith("\n\n" + expected)


def test_header_and_body_messages_are_merged_without_duplicates():
    headers = {"X-Error-Message": "Same text"}
    error = raised_by(make_response(500, headers=headers, body={"error": ["Same text", "Other"]}))
    assert error.server_message == "Same text\nOther"


def test_server_message_joins_with_a_single_newline_after_a_blank_line_message():
    error = raised_by(make_response(400, body={"error": "why"}))
    assert str(error) == "Bad request:\nwhy"
    generic = raised_by(make_response(500, body={"error": "why"}))
    assert str(generic).endswith("/Status/500\n\nwhy")


@pytest.mark.parametrize(
    ("headers", "tag"),
    [
        ({"X-Request-Id": "R-1"}, "(Request ID: R-1)"),
        ({"X-Amzn-Trace-Id": "Root=1-abc"}, "(Amzn Trace ID: Root=1-abc)"),
        ({"X-Amz-Cf-Id": "cf-9"}, "(Amz CF ID: cf-9)"),
    ],
)
def test_request_id_goes_right_before_the_first_newline(headers, tag):
    error = raised_by(make_response(404, headers={"X-Error-Code": "EntryNotFound", **headers}))
    assert str(error).startswith(f"404 Client Error. {tag}\n\nEntry Not Found")


def test_request_id_is_appended_when_the_message_has_one_line():
    # A 403 message starts with "\n\n": the id lands first, then the message is stripped.
    error = raised_by(make_response(403, headers={"X-Error-Message": "nope", "X-Request-Id": "R9"}))
    assert str(error).startswith("(Request ID: R9)\n\n403 Forbidden: nope.")
    built = _http._format(HfHubHTTPError, "single line", make_response(500, headers={"X-Request-Id": "R9"}))
    assert str(built) == "single line (Request ID: R9)"


def test_request_id_already_in_the_message_is_not_repeated():
    built = _http._format(HfHubHTTPError, "failed for r9", make_response(500, headers={"X-Request-Id": "R9"}))
    assert str(built) == "failed for r9"


def test_a_streamed_body_is_read_to_build_the_message():
    response = make_response(500, body={"error": "from the stream"})
    assert response._content is False  # not read yet
    assert raised_by(response).server_message == "from the stream"


def test_an_already_consumed_body_does_not_break_the_mapping():
    response = make_response(500, body=b"lost")
    list(response.iter_content(chunk_size=2))  # consumed without being kept
    error = raised_by(response)
    assert error.server_message is None


def test_response_without_request():
    response = make_response(404)
    response.request = None  # type: ignore[assignment]
    error = raised_by(response)
    assert str(error).startswith(f"Client error '404 Not Found' for url '{API}'")


def test_warning_headers_are_logged_once_per_topic(caplog, monkeypatch):
    monkeypatch.setattr(_http, "_WARNED_TOPICS", set())
    response = make_response(200, headers={"X-HF-Warning": "deprecation; This endpoint is deprecated"})
    with caplog.at_level(logging.WARNING, logger="huggingface_hub"):
        hf_raise_for_status(response)
        hf_raise_for_status(response)
        hf_raise_for_status(make_response(200, headers={"X-HF-Warning": "no topic here"}))
    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["This endpoint is deprecated", "no topic here"]


# ---------------------------------------------------------------------------
# Parity with upstream (same table, httpx responses on its side)
# ---------------------------------------------------------------------------

_PARITY_SNIPPET = r"""
import json
import huggingface_hub
from huggingface_hub.utils import hf_raise_for_status

OURS = "+rs" in huggingface_hub.__version__
CASES = [
    (404, "https://huggingface.co/api/models/org/name/revision/main", {"X-Error-Code": "RepoNotFound", "X-Request-Id": "R1"}, b'{"error": "Repository not found"}', None),
    (404, "https://huggingface.co/api/models/gpt2/revision/v1", {"X-Error-Code": "RevisionNotFound"}, b"", None),
    (404, "https://huggingface.co/org/name/resolve/main/f.bin", {"X-Error-Code": "EntryNotFound", "X-Amzn-Trace-Id": "T"}, b"", None),
    (403, "https://huggingface.co/api/models/org/name", {"X-Error-Code": "GatedRepo", "X-Error-Message": "Restricted."}, b"", None),
    (403, "https://huggingface.co/api/datasets/a/b", {"X-Error-Message": "Access to this resource is disabled."}, b"", None),
    (404, "https://huggingface.co/api/buckets/ns/b", {"X-Error-Code": "RepoNotFound"}, b"", None),
    (404, "https://huggingface.co/api/jobs/ns/j1", {}, b"", None),
    (401, "https://huggingface.co/api/spaces/a/b/tree/main", {}, b"", None),
    (401, "http://127.0.0.1:9/api/models/a/b", {}, b"", None),
    (400, "https://huggingface.co/api/x", {"X-Request-Id": "R6"}, b'{"error": ["bad", "worse"]}', None),
    (400, "https://huggingface.co/api/x", {}, b'{"error": "e", "error_description": "d"}', "check"),
    (403, "https://huggingface.co/api/x", {"X-Error-Message": "nope"}, b"", None),
    (429, "https://huggingface.co/api/x", {"RateLimit": '"api";r=0;t=5', "RateLimit-Policy": '"f";"api";q=10;w=60'}, b"", None),
    (429, "https://huggingface.co/api/x", {}, b"", None),
    (500, "https://huggingface.co/api/x", {"Content-Type": "text/plain", "x-amz-cf-id": "CF"}, b"  oops  ", None),
    (502, "https://huggingface.co/api/x", {"Content-Type": "text/html"}, b"<html>gateway</html>", None),
    (503, "https://huggingface.co/api/x", {}, b'{"errors": [{"message": "m1"}, {"message": "m2"}]}', None),
]

def build(status, url, headers, body):
    if OURS:
        import io, requests
        from requests.structures import CaseInsensitiveDict
        response = requests.Response()
        response.status_code, response.url, response.raw = status, url, io.BytesIO(body)
        response.headers = CaseInsensitiveDict(headers)
        response.request = requests.Request("GET", url).prepare()
        return response
    import httpx
    return httpx.Response(status, headers=headers, content=body, request=httpx.Request("GET", url))

results = []
for status, url, headers, body, endpoint in CASES:
    try:
        hf_raise_for_status(build(status, url, headers, body), endpoint_name=endpoint)
        results.append(None)
    except Exception as e:
        results.append([type(e).__name__, str(e), e.server_message, e.request_id,
                        getattr(e, "repo_id", None), getattr(e, "repo_type", None), getattr(e, "bucket_id", None)])
print(json.dumps(results))
"""


@upstream_compat
def test_mapping_matches_upstream():
    ours, upstream = ours_and_upstream(_PARITY_SNIPPET)
    assert ours == upstream
