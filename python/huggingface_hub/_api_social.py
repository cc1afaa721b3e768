"""People on the Hub and what they like: the [`User`], [`Organization`] and [`UserLikes`] dataclasses and the
likes methods of `HfApi` (`unlike`, `list_liked_repos`, `list_repo_likers`).

There is no `like` method, as upstream: the Hub does not let scripts like repositories.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import constants
from .utils._http import get_session, hf_raise_for_status
from .utils._pagination import paginate
from .utils._validators import validate_hf_hub_args


@dataclass
class Organization:
    """An organization on the Hub, built from its JSON (`avatarUrl`, `name`, `fullname`, `numUsers`, ...).

    Keys the Hub sends that have no attribute below are kept as attributes under their own names.

    Attributes:
        avatar_url (`str`):
            URL of its avatar.
        name (`str`):
            Its unique name on the Hub.
        fullname (`str`):
            Its display name.
        details (`str`, *optional*):
            Its description.
        is_verified (`bool`, *optional*):
            Whether it is verified.
        is_following (`bool`, *optional*):
            Whether the authenticated user follows it.
        num_users (`int`, *optional*):
            Its number of members.
        num_models (`int`, *optional*):
            Its number of models.
        num_spaces (`int`, *optional*):
            Its number of Spaces.
        num_datasets (`int`, *optional*):
            Its number of datasets.
        num_followers (`int`, *optional*):
            Its number of followers.
        num_papers (`int`, *optional*):
            Its number of papers.
        plan (`str`, *optional*):
            Its plan, e.g. `"team"` or `"enterprise"`.
    """

    avatar_url: str
    name: str
    fullname: str
    details: str | None = None
    is_verified: bool | None = None
    is_following: bool | None = None
    num_users: int | None = None
    num_models: int | None = None
    num_spaces: int | None = None
    num_datasets: int | None = None
    num_followers: int | None = None
    num_papers: int | None = None
    plan: str | None = None

    def __init__(self, **kwargs: Any) -> None:
        self.avatar_url = kwargs.pop("avatarUrl", "")
        self.name = kwargs.pop("name", "")
        self.fullname = kwargs.pop("fullname", "")
        self.details = kwargs.pop("details", None)
        self.is_verified = kwargs.pop("isVerified", None)
        self.is_following = kwargs.pop("isFollowing", None)
        self.num_users = kwargs.pop("numUsers", None)
        self.num_models = kwargs.pop("numModels", None)
        self.num_spaces = kwargs.pop("numSpaces", None)
        self.num_datasets = kwargs.pop("numDatasets", None)
        self.num_followers = kwargs.pop("numFollowers", None)
        self.num_papers = kwargs.pop("numPapers", None)
        self.plan = kwargs.pop("plan", None)
        # Keys added to the Hub's answers later stay reachable.
        self.__dict__.update(**kwargs)


@dataclass
class User:
    """A user of the Hub, built from its JSON (`user`, `fullname`, `avatarUrl`, `numModels`, `orgs`, ...).

    Keys the Hub sends that have no attribute below are kept as attributes under their own names; `type` is
    kept as `user_type`.

    Attributes:
        username (`str`):
            Their unique name on the Hub.
        fullname (`str`):
            Their display name.
        avatar_url (`str`):
            URL of their avatar.
        details (`str`, *optional*):
            Their self-description.
        is_following (`bool`, *optional*):
            Whether the authenticated user follows them.
        is_pro (`bool`, *optional*):
            Whether they have a PRO subscription.
        num_models (`int`, *optional*):
            Their number of models.
        num_datasets (`int`, *optional*):
            Their number of datasets.
        num_spaces (`int`, *optional*):
            Their number of Spaces.
        num_discussions (`int`, *optional*):
            Number of Discussions they opened.
        num_papers (`int`, *optional*):
            Number of papers they authored.
        num_upvotes (`int`, *optional*):
            Number of upvotes they received.
        num_likes (`int`, *optional*):
            Number of likes they gave.
        num_following (`int`, *optional*):
            Number of users they follow.
        num_followers (`int`, *optional*):
            Number of users following them.
        orgs (list of [`Organization`]):
            The organizations they belong to.
    """

    username: str
    fullname: str
    avatar_url: str
    details: str | None = None
    is_following: bool | None = None
    is_pro: bool | None = None
    num_models: int | None = None
    num_datasets: int | None = None
    num_spaces: int | None = None
    num_discussions: int | None = None
    num_papers: int | None = None
    num_upvotes: int | None = None
    num_likes: int | None = None
    num_following: int | None = None
    num_followers: int | None = None
    orgs: list[Organization] = field(default_factory=list)

    def __init__(self, **kwargs: Any) -> None:
        self.username = kwargs.pop("user", "")
        self.fullname = kwargs.pop("fullname", "")
        self.avatar_url = kwargs.pop("avatarUrl", "")
        self.is_following = kwargs.pop("isFollowing", None)
        self.is_pro = kwargs.pop("isPro", None)
        self.details = kwargs.pop("details", None)
        self.num_models = kwargs.pop("numModels", None)
        self.num_datasets = kwargs.pop("numDatasets", None)
        self.num_spaces = kwargs.pop("numSpaces", None)
        self.num_discussions = kwargs.pop("numDiscussions", None)
        self.num_papers = kwargs.pop("numPapers", None)
        self.num_upvotes = kwargs.pop("numUpvotes", None)
        self.num_likes = kwargs.pop("numLikes", None)
        self.num_following = kwargs.pop("numFollowing", None)
        self.num_followers = kwargs.pop("numFollowers", None)
        self.user_type = kwargs.pop("type", None)
        self.orgs = [Organization(**org) for org in kwargs.pop("orgs", [])]
        # Keys added to the Hub's answers later stay reachable.
        self.__dict__.update(**kwargs)


@dataclass
class UserLikes:
    """The repositories a user likes, by type.

    Attributes:
        user (`str`):
            The user whose likes these are.
        total (`int`):
            Number of liked repositories, all types together.
        datasets (`list[str]`):
            Liked datasets (repo ids).
        kernels (`list[str]`):
            Liked kernels (repo ids).
        models (`list[str]`):
            Liked models (repo ids).
        spaces (`list[str]`):
            Liked Spaces (repo ids).
    """

    user: str
    total: int

    datasets: list[str]
    kernels: list[str]
    models: list[str]
    spaces: list[str]


class LikesMixin:
    """Likes: removing one's like from a repository, listing a user's likes and a repository's likers."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi
    whoami: Callable[..., dict]  # provided by HfApi

    @validate_hf_hub_args
    def unlike(
        self,
        repo_id: str,
        *,
        token: bool | str | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Remove the token user's like from a repository.

        Liking cannot be done from a script (the Hub refuses it); do it on the website.

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.

        Raises:
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
        """
        repo_type = repo_type or constants.REPO_TYPE_MODEL
        response = get_session().delete(
            f"{self.endpoint}/api/{repo_type}s/{repo_id}/like", headers=self._build_hf_headers(token=token)
        )
        hf_raise_for_status(response)

    @validate_hf_hub_args
    def list_liked_repos(
        self,
        user: str | None = None,
        *,
        token: bool | str | None = None,
    ) -> UserLikes:
        """List the repositories a user likes.

        Args:
            user (`str`, *optional*):
                The user. Defaults to the token's user.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one.

        Returns:
            [`UserLikes`]: the liked repo ids, by repository type.

        Raises:
            `ValueError`: if `user` is not given and the token does not belong to a user (e.g. an organization
                token).
            [`~errors.HfHubHTTPError`]: 404 if there is no such user.
        """
        if user is None:
            me = self.whoami(token=token)
            if me["type"] != "user":
                raise ValueError(
                    "Cannot list liked repos. You must provide a 'user' as input or be logged in as a user."
                )
            user = me["name"]
        likes = list(
            paginate(f"{self.endpoint}/api/users/{user}/likes", params={}, headers=self._build_hf_headers(token=token))
        )
        # Each like reads {"createdAt": ..., "repo": {"name": "namespace/name", "type": "model"|"dataset"|...}}.
        by_type: dict[str, list[str]] = {"dataset": [], "kernel": [], "model": [], "space": []}
        for like in likes:
            repo = like["repo"]
            if repo["type"] in by_type:
                by_type[repo["type"]].append(repo["name"])
        return UserLikes(
            user=user,
            total=len(likes),
            datasets=by_type["dataset"],
            kernels=by_type["kernel"],
            models=by_type["model"],
            spaces=by_type["space"],
        )

    @validate_hf_hub_args
    def list_repo_likers(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        token: bool | str | None = None,
    ) -> Iterable[User]:
        """Iterate over the users who like a repository.

        Args:
            repo_id (`str`):
                A namespace (user or organization) and a repo name separated by a `/`.
            repo_type (`str`, *optional*):
                `"model"` (default), `"dataset"` or `"space"`.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none.

        Returns:
            `Iterable[User]`: the likers, with `username`, `fullname` and `avatar_url` set, fetched page by page.

        Raises:
            [`~errors.RepositoryNotFoundError`]: if the repository does not exist or is not visible to the token.
        """
        repo_type = repo_type or constants.REPO_TYPE_MODEL
        for liker in paginate(
            f"{self.endpoint}/api/{repo_type}s/{repo_id}/likers",
            params={},
            headers=self._build_hf_headers(token=token),
        ):
            yield User(user=liker["user"], fullname=liker["fullname"], avatarUrl=liker["avatarUrl"])
