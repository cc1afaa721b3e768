"""Xet metadata parsing and token-route URLs (`utils._xet`), and `ResolvedRevision`."""

import pickle

import requests

from huggingface_hub import constants
from huggingface_hub.file_download import ResolvedRevision, XetTokenType, is_valid_xet_hash
from huggingface_hub.file_download import xet_connection_info_refresh_url as refresh_url
from huggingface_hub.utils import XetFileData, parse_xet_file_data_from_response
from huggingface_hub.utils._xet import XetConnectionInfo, parse_xet_connection_info_from_headers


def _response(headers: dict[str, str]) -> requests.Response:
    response = requests.Response()
    response.headers.update(headers)
    return response


def test_xet_hash_shape() -> None:
    assert is_valid_xet_hash("a" * 64)
    assert is_valid_xet_hash("AbC0" * 16)
    assert not is_valid_xet_hash("a" * 63)
    assert not is_valid_xet_hash("g" * 64)


def test_file_data_from_link_header_takes_precedence_and_is_rewritten_to_the_endpoint() -> None:
    response = _response(
        {
            "X-Xet-Hash": "f" * 64,
            "X-Xet-Refresh-Route": "https://other/route",
            "Link": '<https://huggingface.co/api/models/a/b/xet-read-token/c>; rel="xet-auth"',
        }
    )
    data = parse_xet_file_data_from_response(response, endpoint="http://127.0.0.1:9")
    assert data == XetFileData(file_hash="f" * 64, refresh_route="http://127.0.0.1:9/api/models/a/b/xet-read-token/c")


def test_file_data_from_refresh_route_header_and_missing_data() -> None:
    response = _response({"X-Xet-Hash": "e" * 64, "X-Xet-Refresh-Route": "/api/x"})
    assert parse_xet_file_data_from_response(response) == XetFileData("e" * 64, "/api/x")
    assert parse_xet_file_data_from_response(_response({"X-Xet-Hash": "e" * 64})) is None
    assert parse_xet_file_data_from_response(None) is None


def test_connection_info_headers() -> None:
    headers = {"X-Xet-Cas-Url": "https://cas", "X-Xet-Access-Token": "tok", "X-Xet-Token-Expiration": "1700000000"}
    assert parse_xet_connection_info_from_headers(headers) == XetConnectionInfo("tok", 1700000000, "https://cas")
    assert parse_xet_connection_info_from_headers({**headers, "X-Xet-Token-Expiration": "soon"}) is None


def test_token_route_urls() -> None:
    url = refresh_url(token_type=XetTokenType.READ, repo_id="a/b", repo_type="model", revision="main", endpoint="E")
    assert url == "E/api/models/a/b/xet-read-token/main"
    # A commit opening a PR does not know its revision yet: the Hub expects the literal "None".
    url = refresh_url(token_type=XetTokenType.WRITE, repo_id="a/b", repo_type="dataset", endpoint="E")
    assert url == "E/api/datasets/a/b/xet-write-token/None"
    assert refresh_url(token_type=XetTokenType.WRITE, repo_id="a/b", repo_type="bucket", endpoint="E") == (
        "E/api/buckets/a/b/xet-write-token"
    )


def test_resolved_revision_is_the_requested_name_and_carries_the_commit() -> None:
    revision = ResolvedRevision("a" * 40, initial="refs/pr/1")
    assert revision == "refs/pr/1" and revision.resolved == "a" * 40
    default = ResolvedRevision("b" * 40)
    assert default == constants.DEFAULT_REVISION and default.initial is None
    assert repr(default) == f"ResolvedRevision(initial=None, resolved='{'b' * 40}')"
    copy = pickle.loads(pickle.dumps(revision))
    assert (copy, copy.initial, copy.resolved) == ("refs/pr/1", "refs/pr/1", "a" * 40)
