"""`list_user_repos`: every repository of the token's user, or of one of its organizations, with the storage it
uses ([`RepoStorageInfo`])."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .utils._datetime import parse_datetime
from .utils._pagination import paginate


@dataclass
class RepoStorageInfo:
    """A repository and the storage it uses, as listed by [`HfApi.list_user_repos`].

    Attributes:
        id (`str`): the repo id, e.g. `"username/repo-name"`.
        type (`str`): `"model"`, `"dataset"`, `"space"` or `"bucket"`.
        updated_at (`datetime`): when it last changed.
        visibility (`str`): `"public"` or `"private"`.
        storage (`int`): bytes it uses.
        storage_percent (`float`): its share of its namespace's total storage, in percent.
    """

    id: str
    type: str
    updated_at: datetime
    visibility: str
    storage: int
    storage_percent: float

    def __init__(self, **kwargs: Any) -> None:
        self.id = kwargs["id"]
        self.type = kwargs["type"]
        self.updated_at = parse_datetime(kwargs["updatedAt"])
        self.visibility = kwargs["visibility"]
        self.storage = kwargs["storage"]
        self.storage_percent = kwargs.get("storagePercent") or 0


class UserReposMixin:
    """Storage listing of a namespace's repositories."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi

    def list_user_repos(
        self,
        namespace: str | None = None,
        *,
        token: bool | str | None = None,
    ) -> Iterable[RepoStorageInfo]:
        """Iterate over the repositories (models, datasets, Spaces, buckets) of the token's user or of one of its
        organizations, with the storage each uses.

        Args:
            namespace (`str`, *optional*):
                An organization the token's user belongs to. Defaults to the token's user.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one.

        Returns:
            `Iterable[RepoStorageInfo]`: the repositories, fetched page by page.

        Raises:
            [`~errors.HfHubHTTPError`]: 401 without a token, 403 if the user is not a member of `namespace`, 404 if
                there is no such organization.
        """
        if namespace is not None:
            url = f"{self.endpoint}/api/organizations/{namespace}/settings/repositories"
        else:
            url = f"{self.endpoint}/api/settings/repositories"
        for item in paginate(url, params={}, headers=self._build_hf_headers(token=token)):
            yield RepoStorageInfo(**item)
