"""Xet metadata the Hub sends with file answers, and the URLs of its Xet token routes.

Pure parsing and URL building; the transfers live in `_xet_upload.py` and the Rust CAS client (`rust/hfh-xet/src/cas`).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .. import constants
from ._validators import validate_hf_hub_args

_XET_HASH = re.compile(r"^[0-9a-fA-F]{64}$")


class XetTokenType(str, Enum):
    """Which Xet access token to ask the Hub for."""

    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class XetFileData:
    """The Xet identity of a file: its content hash and the Hub route that hands out tokens to read it."""

    file_hash: str
    refresh_route: str


@dataclass(frozen=True)
class XetConnectionInfo:
    """A short-lived token for the Xet storage service, its expiry (Unix seconds) and the service URL."""

    access_token: str
    expiration_unix_epoch: int
    endpoint: str


def is_valid_xet_hash(xet_hash: str) -> bool:
    """Whether `xet_hash` has the shape of a Xet content hash (64 hexadecimal characters)."""
    return bool(_XET_HASH.fullmatch(xet_hash))


def parse_xet_file_data_from_response(response: Any, endpoint: str | None = None) -> XetFileData | None:
    """The Xet data of a file from a `resolve` answer (`X-Xet-Hash` and the token route), or `None`.

    The route comes from the `Link` header entry `rel="xet-auth"` when present, else from `X-Xet-Refresh-Route`.
    Routes pointing at huggingface.co are rewritten to `endpoint` (default: `constants.ENDPOINT`).
    """
    if response is None:
        return None
    headers = response.headers
    file_hash = headers.get(constants.HUGGINGFACE_HEADER_X_XET_HASH)
    links = getattr(response, "links", None) or {}
    if constants.HUGGINGFACE_HEADER_LINK_XET_AUTH_KEY in links:
        refresh_route = links[constants.HUGGINGFACE_HEADER_LINK_XET_AUTH_KEY].get("url")
    else:
        refresh_route = headers.get(constants.HUGGINGFACE_HEADER_X_XET_REFRESH_ROUTE)
    if file_hash is None or refresh_route is None:
        return None
    endpoint = endpoint if endpoint is not None else constants.ENDPOINT
    home = constants.HUGGINGFACE_CO_URL_HOME
    if refresh_route.startswith(home):
        refresh_route = refresh_route.replace(home.rstrip("/"), endpoint.rstrip("/"))
    return XetFileData(file_hash=file_hash, refresh_route=refresh_route)


def parse_xet_connection_info_from_headers(headers: Mapping[str, str]) -> XetConnectionInfo | None:
    """The Xet connection info of a token answer's headers, or `None` when one of them is missing or malformed."""
    try:
        return XetConnectionInfo(
            endpoint=headers[constants.HUGGINGFACE_HEADER_X_XET_ENDPOINT],
            access_token=headers[constants.HUGGINGFACE_HEADER_X_XET_ACCESS_TOKEN],
            expiration_unix_epoch=int(headers[constants.HUGGINGFACE_HEADER_X_XET_EXPIRATION]),
        )
    except (KeyError, ValueError, TypeError):
        return None


@validate_hf_hub_args
def xet_connection_info_refresh_url(
    *,
    token_type: XetTokenType,
    repo_id: str,
    repo_type: str,
    revision: str | None = None,
    endpoint: str | None = None,
) -> str:
    """URL of the Hub route that issues (and refreshes) a Xet token of `token_type` for a repository.

    The revision is appended as is, `None` included: for a commit that opens a pull request the revision is not
    known yet and the Hub answers `/None` with a token valid for PR refs. Buckets have no revisions.
    """
    endpoint = endpoint if endpoint is not None else constants.ENDPOINT
    url = f"{endpoint}/api/{repo_type}s/{repo_id}/xet-{XetTokenType(token_type).value}-token"
    if repo_type != "bucket" or revision is not None:
        url += f"/{revision}"
    return url
