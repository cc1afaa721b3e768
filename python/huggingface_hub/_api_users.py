"""Users and organizations on the Hub: overviews, organization members, followers and followings.

The lists are lazy generators of [`User`], fetched page by page. A user or organization that does not exist is an
[`~errors.HfHubHTTPError`] with status 404.
"""

from collections.abc import Callable, Iterable

from ._api_social import Organization, User
from .utils._http import get_session, hf_raise_for_status
from .utils._pagination import paginate
from .utils._validators import validate_hf_hub_args


class UsersMixin:
    """Overviews of users and organizations, and who belongs to or follows whom."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi

    def _users(self, path: str, token: bool | str | None) -> Iterable[User]:
        for item in paginate(f"{self.endpoint}{path}", params={}, headers=self._build_hf_headers(token=token)):
            yield User(**item)

    def get_user_overview(self, username: str, token: bool | str | None = None) -> User:
        """Get the public profile of a user: names, avatar, organizations and counts (models, followers, ...).

        Args:
            username (`str`):
                The user's name on the Hub.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none. With a token, `is_following` says whether its user follows this one.

        Returns:
            [`User`]: the overview.

        Raises:
            [`~errors.HfHubHTTPError`]: 404 if there is no such user.
        """
        response = get_session().get(
            f"{self.endpoint}/api/users/{username}/overview", headers=self._build_hf_headers(token=token)
        )
        hf_raise_for_status(response)
        return User(**response.json())

    @validate_hf_hub_args
    def get_organization_overview(self, organization: str, token: bool | str | None = None) -> Organization:
        """Get the public profile of an organization: names, avatar and counts (members, models, followers, ...).

        Args:
            organization (`str`):
                The organization's name on the Hub.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none.

        Returns:
            [`Organization`]: the overview.

        Raises:
            [`~errors.HfHubHTTPError`]: 404 if there is no such organization.
        """
        response = get_session().get(
            f"{self.endpoint}/api/organizations/{organization}/overview", headers=self._build_hf_headers(token=token)
        )
        hf_raise_for_status(response)
        return Organization(**response.json())

    def list_organization_members(self, organization: str, token: bool | str | None = None) -> Iterable[User]:
        """Iterate over the members of an organization.

        Args:
            organization (`str`):
                The organization's name on the Hub.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one.

        Returns:
            `Iterable[User]`: the members.

        Raises:
            [`~errors.HfHubHTTPError`]: 404 if there is no such organization.
        """
        yield from self._users(f"/api/organizations/{organization}/members", token)

    @validate_hf_hub_args
    def list_organization_followers(self, organization: str, token: bool | str | None = None) -> Iterable[User]:
        """Iterate over the users following an organization.

        Args:
            organization (`str`):
                The organization's name on the Hub.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one.

        Returns:
            `Iterable[User]`: the followers.

        Raises:
            [`~errors.HfHubHTTPError`]: 404 if there is no such organization.
        """
        yield from self._users(f"/api/organizations/{organization}/followers", token)

    def list_user_followers(self, username: str, token: bool | str | None = None) -> Iterable[User]:
        """Iterate over the users following a user.

        Args:
            username (`str`):
                The user's name on the Hub.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one.

        Returns:
            `Iterable[User]`: the followers.

        Raises:
            [`~errors.HfHubHTTPError`]: 404 if there is no such user.
        """
        yield from self._users(f"/api/users/{username}/followers", token)

    def list_user_following(self, username: str, token: bool | str | None = None) -> Iterable[User]:
        """Iterate over the users a user follows.

        Args:
            username (`str`):
                The user's name on the Hub.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one.

        Returns:
            `Iterable[User]`: the users followed.

        Raises:
            [`~errors.HfHubHTTPError`]: 404 if there is no such user.
        """
        yield from self._users(f"/api/users/{username}/following", token)
