"""Access requests to gated repositories: the [`AccessRequest`] dataclass and the `HfApi` methods a repository's
administrators use to list, accept, reject, cancel and grant access
(`{endpoint}/api/{repo_type}s/{repo_id}/user-access-request/...`).

Upstream sends these requests to `constants.ENDPOINT` whatever the client's endpoint; we use the client's
endpoint like every other method (the two agree unless `HfApi(endpoint=...)` differs from `HF_ENDPOINT`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from ._api_discussions import _checked_repo_type
from .utils import parse_datetime
from .utils._http import get_session, hf_raise_for_status
from .utils._pagination import paginate
from .utils._validators import validate_hf_hub_args

_RequestStatus = Literal["accepted", "rejected", "pending"]


@dataclass
class AccessRequest:
    """A user's request for access to a gated repository.

    Attributes:
        username (`str`):
            Who asked.
        fullname (`str`):
            Their display name.
        email (`str`, *optional*):
            Their email address; `None` in the accepted list for users who were granted access without asking.
        timestamp (`datetime`):
            When the request was made.
        status (`str`):
            `"pending"`, `"accepted"` or `"rejected"`.
        fields (`dict[str, Any]`, *optional*):
            The answers to the repository's custom gate form, if it has one.
    """

    username: str
    fullname: str
    email: str | None
    timestamp: datetime
    status: Literal["pending", "accepted", "rejected"]

    fields: dict[str, Any] | None = None


class AccessRequestsMixin:
    """Reviewing who may download a gated repository."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi

    @validate_hf_hub_args
    def list_pending_access_requests(
        self, repo_id: str, *, repo_type: str | None = None, token: bool | str | None = None
    ) -> Iterable[AccessRequest]:
        """Iterate over the access requests of a gated repository that wait for a decision.

        Requests are pending when the repository's gating is `"manual"`; accept them with
        [`~HfApi.accept_access_request`] or reject them with [`~HfApi.reject_access_request`].

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            token (`bool` or `str`, *optional*):
                A User Access Token with write access to the repository. Defaults to the client's token, then to
                the locally saved one.

        Returns:
            `Iterable[AccessRequest]`: fetched page by page as the iteration goes on.

        Raises:
            `ValueError`: for an unknown `repo_type`.
            [`~errors.HfHubHTTPError`]: 400 if the repository is not gated; 403 if the token may not administer it.
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
        """
        yield from self._list_access_requests(repo_id, "pending", repo_type=repo_type, token=token)

    @validate_hf_hub_args
    def list_accepted_access_requests(
        self, repo_id: str, *, repo_type: str | None = None, token: bool | str | None = None
    ) -> Iterable[AccessRequest]:
        """Iterate over the users allowed to download a gated repository (accepted requests and granted access).

        Same arguments and errors as [`~HfApi.list_pending_access_requests`].
        """
        yield from self._list_access_requests(repo_id, "accepted", repo_type=repo_type, token=token)

    @validate_hf_hub_args
    def list_rejected_access_requests(
        self, repo_id: str, *, repo_type: str | None = None, token: bool | str | None = None
    ) -> Iterable[AccessRequest]:
        """Iterate over the rejected access requests of a gated repository.

        Same arguments and errors as [`~HfApi.list_pending_access_requests`].
        """
        yield from self._list_access_requests(repo_id, "rejected", repo_type=repo_type, token=token)

    def _list_access_requests(
        self,
        repo_id: str,
        status: _RequestStatus,
        repo_type: str | None = None,
        token: bool | str | None = None,
    ) -> Iterable[AccessRequest]:
        repo_type = _checked_repo_type(repo_type)
        for request in paginate(
            f"{self.endpoint}/api/{repo_type}s/{repo_id}/user-access-request/{status}",
            params={},
            headers=self._build_hf_headers(token=token),
        ):
            yield _access_request_from_json(request)

    @validate_hf_hub_args
    def cancel_access_request(
        self, repo_id: str, user: str, *, repo_type: str | None = None, token: bool | str | None = None
    ) -> None:
        """Move a user's accepted or rejected request back to pending (they lose access until a new decision).

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            user (`str`):
                The username whose request changes.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            token (`bool` or `str`, *optional*):
                A User Access Token with write access to the repository. Defaults to the client's token, then to
                the locally saved one.

        Raises:
            `ValueError`: for an unknown `repo_type`.
            [`~errors.HfHubHTTPError`]: 400 if the repository is not gated; 403 if the token may not administer it;
                404 if the user does not exist or has no request; 400 if the request is already pending.
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
        """
        self._handle_access_request(repo_id, user, "pending", repo_type=repo_type, token=token)

    @validate_hf_hub_args
    def accept_access_request(
        self, repo_id: str, user: str, *, repo_type: str | None = None, token: bool | str | None = None
    ) -> None:
        """Accept a user's pending or rejected request: they can download the repository.

        Same arguments and errors as [`~HfApi.cancel_access_request`] (400 if the request is already accepted).
        """
        self._handle_access_request(repo_id, user, "accepted", repo_type=repo_type, token=token)

    @validate_hf_hub_args
    def reject_access_request(
        self,
        repo_id: str,
        user: str,
        *,
        repo_type: str | None = None,
        rejection_reason: str | None,
        token: bool | str | None = None,
    ) -> None:
        """Reject a user's pending or accepted request: they cannot download the repository.

        Same arguments and errors as [`~HfApi.cancel_access_request`] (400 if the request is already rejected),
        plus:

        Args:
            rejection_reason (`str`, *optional*):
                Why, shown to the user. Must be passed (possibly as `None`).
        """
        self._handle_access_request(
            repo_id, user, "rejected", repo_type=repo_type, rejection_reason=rejection_reason, token=token
        )

    @validate_hf_hub_args
    def _handle_access_request(
        self,
        repo_id: str,
        user: str,
        status: _RequestStatus,
        repo_type: str | None = None,
        rejection_reason: str | None = None,
        token: bool | str | None = None,
    ) -> None:
        repo_type = _checked_repo_type(repo_type)
        payload = {"user": user, "status": status}
        if rejection_reason is not None:
            if status != "rejected":
                raise ValueError("`rejection_reason` can only be passed when rejecting an access request.")
            payload["rejectionReason"] = rejection_reason
        response = get_session().post(
            f"{self.endpoint}/api/{repo_type}s/{repo_id}/user-access-request/handle",
            json=payload,
            headers=self._build_hf_headers(token=token),
        )
        hf_raise_for_status(response)

    @validate_hf_hub_args
    def grant_access(
        self, repo_id: str, user: str, *, repo_type: str | None = None, token: bool | str | None = None
    ) -> None:
        """Give a user access to a gated repository without waiting for them to ask.

        The user lands in the accepted list; revoke it with [`~HfApi.cancel_access_request`] or
        [`~HfApi.reject_access_request`].

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            user (`str`):
                The username to let in.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            token (`bool` or `str`, *optional*):
                A User Access Token with write access to the repository. Defaults to the client's token, then to
                the locally saved one.

        Returns:
            The Hub's JSON answer (annotated `None`, as upstream).

        Raises:
            `ValueError`: for an unknown `repo_type`.
            [`~errors.HfHubHTTPError`]: 400 if the repository is not gated or the user already has access; 403 if
                the token may not administer it; 404 if the user does not exist.
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
        """
        repo_type = _checked_repo_type(repo_type)
        response = get_session().post(
            f"{self.endpoint}/api/{repo_type}s/{repo_id}/user-access-request/grant",
            json={"user": user},
            headers=self._build_hf_headers(token=token),
        )
        hf_raise_for_status(response)
        return response.json()  # type: ignore[return-value]


def _access_request_from_json(request: dict) -> AccessRequest:
    """An item of a `user-access-request/{status}` listing: `{user: {user, fullname, email?}, status, timestamp,
    fields?}`."""
    user = request["user"]
    return AccessRequest(
        username=user["user"],
        fullname=user["fullname"],
        email=user.get("email"),
        timestamp=parse_datetime(request["timestamp"]),
        status=request["status"],
        fields=request.get("fields"),  # only when the gate has a custom form
    )
