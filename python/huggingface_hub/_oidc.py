"""Keyless authentication from CI through OIDC token exchange ("Trusted Publishers").

A CI job proves who it is with a short-lived OIDC id token issued by its CI provider (GitHub Actions for now), and
exchanges it at ``POST {ENDPOINT}/oauth/token`` (RFC 8693) for a short-lived Hub token: no long-lived ``HF_TOKEN``
secret needs to be stored in the CI.

Nothing is persisted here and no public name is registered: `get_token()` (``utils/_auth.py``) calls into this
module when ``HF_OIDC_RESOURCE`` is set. See https://huggingface.co/docs/hub/trusted-publishers.
"""

import os
from enum import Enum
from typing import Any

from . import constants
from .errors import OIDCError
from .utils._http import get_session, hf_raise_for_status

_TOKEN_EXCHANGE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
_ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"


class Provider(str, Enum):
    """CI providers able to mint an OIDC id token by themselves."""

    GITHUB = "github"


def detect_provider() -> Provider | None:
    """The CI provider this process runs in, if it is one that can mint OIDC id tokens."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return Provider.GITHUB
    return None


def get_oidc_token(*, provider: Provider | str | None = None, audience: str | None = None) -> str:
    """Mint a raw OIDC id token (a JWT) from the CI provider.

    Args:
        provider (`str`, *optional*): the CI provider; detected from the environment when omitted.
        audience (`str`, *optional*): the ``aud`` claim to ask for. Defaults to ``constants.ENDPOINT``, the party
            that will check it.

    Returns:
        `str`: the id token, to pass to [`exchange_oidc_token`].
    """
    audience = audience or constants.ENDPOINT
    provider = provider or detect_provider()
    supported = ", ".join(member.value for member in Provider)
    if provider is None:
        raise OIDCError(f"No supported CI OIDC provider detected. Trusted Publishers currently supports: {supported}.")
    if provider == Provider.GITHUB:
        return _get_github_oidc_token(audience)
    raise NotImplementedError(f"OIDC provider '{provider}' is not supported yet. Supported: {supported}.")


def _get_github_oidc_token(audience: str) -> str:
    # GitHub injects these two variables only into jobs declaring `permissions: id-token: write`.
    request_url = os.environ.get("ACTIONS_ID_TOKEN_REQUEST_URL")
    request_token = os.environ.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
    if not request_url or not request_token:
        raise OIDCError(
            "Cannot request an OIDC id token from GitHub Actions. Make sure the workflow job sets "
            "`permissions: id-token: write`. See "
            "https://docs.github.com/en/actions/deployment/security-hardening-your-deployments/about-security-hardening-with-openid-connect"
        )
    response = get_session().get(
        request_url, params={"audience": audience}, headers={"Authorization": f"Bearer {request_token}"}
    )
    hf_raise_for_status(response)
    return response.json()["value"]


def exchange_oidc_token(*, subject_token: str, resource: str, endpoint: str | None = None) -> dict[str, Any]:
    """Trade a CI OIDC id token for a short-lived Hub token (RFC 8693 token exchange).

    Args:
        subject_token (`str`): the id token from the CI provider; its ``aud`` claim must be the Hub URL.
        resource (`str`): what the token is scoped to: a repository (``namespace/name``, ``datasets/namespace/name``,
            ``spaces/...``, ``kernels/...``) for a write token, or a bare user name for a read-only token.
        endpoint (`str`, *optional*): the Hub; defaults to ``constants.ENDPOINT``.

    Returns:
        `dict`: the exchange answer, e.g. ``{"access_token": "hf_jwt_...", "token_type": "bearer", "expires_in": 3600}``.
    """
    response = get_session().post(
        f"{endpoint or constants.ENDPOINT}/oauth/token",
        json={
            "grant_type": _TOKEN_EXCHANGE_GRANT_TYPE,
            "subject_token_type": _ID_TOKEN_TYPE,
            "subject_token": subject_token,
            "resource": resource,
        },
    )
    hf_raise_for_status(response)
    return response.json()


def oidc_login(
    *,
    resource: str,
    subject_token: str | None = None,
    provider: Provider | str | None = None,
    audience: str | None = None,
    endpoint: str | None = None,
) -> dict[str, Any]:
    """Obtain a Hub token through OIDC: mint an id token (unless given) and exchange it. Nothing is saved.

    Args:
        resource (`str`): what to scope the token to, see [`exchange_oidc_token`].
        subject_token (`str`, *optional*): an id token minted beforehand, e.g. by a CI provider that is not supported
            natively; when given, `provider` is ignored.
        provider (`str`, *optional*): the CI provider; detected when omitted.
        audience (`str`, *optional*): the ``aud`` claim; defaults to the endpoint.
        endpoint (`str`, *optional*): the Hub; defaults to ``constants.ENDPOINT``.

    Returns:
        `dict`: the exchange answer (``access_token``, ``token_type``, ``expires_in``, ...).
    """
    endpoint = endpoint or constants.ENDPOINT
    if subject_token is None:
        subject_token = get_oidc_token(provider=provider, audience=audience or endpoint)
    return exchange_oidc_token(subject_token=subject_token, resource=resource, endpoint=endpoint)
