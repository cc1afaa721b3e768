"""Collections: curated, ordered lists of Hub items (models, datasets, Spaces, papers, collections, buckets).

The dataclasses [`Collection`] and [`CollectionItem`] and the `HfApi` methods that read and edit collections
(`{endpoint}/api/collections[/{slug}[/items[/{item_object_id}]]]`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any, Literal

from . import constants
from .errors import HfHubHTTPError
from .utils import parse_datetime
from .utils._http import get_session, hf_raise_for_status
from .utils._pagination import paginate
from .utils._validators import validate_hf_hub_args

CollectionItemType_T = Literal["model", "dataset", "space", "paper", "collection", "bucket"]
CollectionSort_T = Literal["lastModified", "trending", "upvotes"]


@dataclass
class CollectionItem:
    """One item of a [`Collection`].

    Built from the item as the Hub sends it (keys `_id`, `id`, `type`, `position`, `note`, ...).

    Attributes:
        item_object_id (`str`):
            Id of the item *within the collection* (what [`~HfApi.update_collection_item`] and
            [`~HfApi.delete_collection_item`] take).
        item_id (`str`):
            Id of the object on the Hub: a repo id (`"namespace/name"`), a paper id (`"2307.09288"`), a collection
            slug or a bucket id.
        item_type (`str`):
            `"model"`, `"dataset"`, `"space"`, `"paper"`, `"collection"` or `"bucket"`.
        position (`int`):
            Position of the item in the collection (0-based).
        note (`str`, *optional*):
            The note attached to the item, as plain text.
    """

    item_object_id: str
    item_id: str
    item_type: str
    position: int
    note: str | None = None

    def __init__(
        self,
        _id: str,
        id: str,
        type: CollectionItemType_T,
        position: int,
        note: dict | None = None,
        **kwargs: Any,
    ) -> None:
        self.item_object_id = _id
        # A collection inside a collection is named by its slug, not by the database id the Hub puts in `id`.
        slug = kwargs.get("slug")
        self.item_id = slug if slug is not None else id
        self.item_type = type
        self.position = position
        text = note.get("text") if note is not None else None
        self.note = text if isinstance(text, str) else None


@dataclass
class Collection:
    """A collection on the Hub.

    Built from the collection as the Hub sends it; an extra `endpoint` keyword sets the Hub used for `url`
    (default: `constants.ENDPOINT`).

    Attributes:
        slug (`str`):
            Unique id of the collection, e.g. `"TheBloke/recent-models-64f9a55bb3115b4f513ec026"`.
        title (`str`):
            Its title.
        owner (`str`):
            Its owner (user or organization), as the Hub sends it.
        items (`list[CollectionItem]`):
            Its items, in order. Listings ([`~HfApi.list_collections`]) only give the first 4.
        last_updated (`datetime`):
            When it was last changed.
        position (`int`):
            Its position among its owner's collections.
        private (`bool`):
            Whether only its owner can see it.
        theme (`str`):
            Its color theme, e.g. `"green"`.
        upvotes (`int`):
            Its number of upvotes.
        description (`str`, *optional*):
            Its description, as plain text.
        url (`str`):
            (property) Its page on the Hub.
    """

    slug: str
    title: str
    owner: str
    items: list[CollectionItem]
    last_updated: datetime
    position: int
    private: bool
    theme: str
    upvotes: int
    description: str | None = None

    def __init__(self, **kwargs: Any) -> None:
        self.slug = kwargs.pop("slug")
        self.title = kwargs.pop("title")
        self.owner = kwargs.pop("owner")
        self.items = [CollectionItem(**item) for item in kwargs.pop("items")]
        self.last_updated = parse_datetime(kwargs.pop("lastUpdated"))
        self.position = kwargs.pop("position")
        self.private = kwargs.pop("private")
        self.theme = kwargs.pop("theme")
        self.upvotes = kwargs.pop("upvotes")
        self.description = kwargs.pop("description", None)
        endpoint = kwargs.pop("endpoint", None) or constants.ENDPOINT
        self._url = f"{endpoint}/collections/{self.slug}"

    @property
    def url(self) -> str:
        """The page of the collection on the Hub."""
        return self._url


class CollectionsMixin:
    """Reading, listing, creating, editing and deleting collections and their items."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi
    whoami: Callable[..., dict]  # provided by HfApi

    @validate_hf_hub_args
    def list_collections(
        self,
        *,
        owner: list[str] | str | None = None,
        item: list[str] | str | None = None,
        sort: CollectionSort_T | None = None,
        limit: int | None = None,
        token: bool | str | None = None,
    ) -> Iterable[Collection]:
        """Iterate over the collections on the Hub, optionally filtered by owner and by item.

        Listed collections carry at most 4 of their items; use [`~HfApi.get_collection`] for all of them.

        Args:
            owner (`str` or `list[str]`, *optional*):
                Only collections owned by this user or organization (or any of these).
            item (`str` or `list[str]`, *optional*):
                Only collections containing this item (or any of these), written `"{type}s/{id}"`, e.g.
                `"models/teknium/OpenHermes-2.5-Mistral-7B"`, `"datasets/squad"` or `"papers/2311.12983"`.
            sort (`str`, *optional*):
                `"lastModified"`, `"trending"` or `"upvotes"`.
            limit (`int`, *optional*):
                Stop after this many collections.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none. Private collections are listed only to their owner.

        Returns:
            `Iterable[Collection]`: collections, fetched page by page as the iteration goes on.
        """
        params: dict[str, Any] = {}
        if owner is not None:
            params["owner"] = owner
        if item is not None:
            params["item"] = item
        if sort is not None:
            params["sort"] = sort
        if limit is not None:
            params["limit"] = limit
        collections: Iterable[dict] = paginate(
            f"{self.endpoint}/api/collections", params=params, headers=self._build_hf_headers(token=token)
        )
        if limit is not None:
            collections = islice(collections, limit)  # so that no page past the limit is requested
        # A listing gives no position: a collection's position is its rank in the listing.
        for position, data in enumerate(collections):
            yield Collection(**{**data, "position": position, "endpoint": self.endpoint})

    def get_collection(self, collection_slug: str, *, token: bool | str | None = None) -> Collection:
        """Read a collection with all its items.

        Args:
            collection_slug (`str`):
                Slug of the collection, e.g. `"TheBloke/recent-models-64f9a55bb3115b4f513ec026"`.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one; `False` sends
                none. Needed for a private collection.

        Returns:
            [`Collection`]

        Raises:
            [`~errors.HfHubHTTPError`]: 404 if there is no such collection (or it is private and not yours).
        """
        response = get_session().get(
            f"{self.endpoint}/api/collections/{collection_slug}", headers=self._build_hf_headers(token=token)
        )
        hf_raise_for_status(response)
        return Collection(**{**response.json(), "endpoint": self.endpoint})

    def create_collection(
        self,
        title: str,
        *,
        namespace: str | None = None,
        description: str | None = None,
        private: bool = False,
        resource_group_id: str | None = None,
        exists_ok: bool = False,
        token: bool | str | None = None,
    ) -> Collection:
        """Create an empty collection.

        Args:
            title (`str`):
                Its title.
            namespace (`str`, *optional*):
                The user or organization that will own it. Defaults to the token's user.
            description (`str`, *optional*):
                Its description.
            private (`bool`, defaults to `False`):
                Whether only its owner can see it.
            resource_group_id (`str`, *optional*):
                An organization's resource group to put it in (Enterprise Hub).
            exists_ok (`bool`, defaults to `False`):
                If the owner already has a collection with this title, return it instead of failing.
            token (`bool` or `str`, *optional*):
                A User Access Token with write access to `namespace`. Defaults to the client's token, then to the
                locally saved one.

        Returns:
            [`Collection`]: the new (or, with `exists_ok`, the existing) collection.

        Raises:
            [`~errors.HfHubHTTPError`]: 409 if such a collection exists and `exists_ok` is `False`; 403 if the token
                may not write to `namespace`.
        """
        if namespace is None:
            namespace = self.whoami(token)["name"]
        payload: dict[str, Any] = {"title": title, "namespace": namespace, "private": private}
        if description is not None:
            payload["description"] = description
        if resource_group_id is not None:
            payload["resourceGroupId"] = resource_group_id
        response = get_session().post(
            f"{self.endpoint}/api/collections", json=payload, headers=self._build_hf_headers(token=token)
        )
        try:
            hf_raise_for_status(response)
        except HfHubHTTPError:
            if exists_ok and response.status_code == 409:
                # The conflict answer names the existing collection.
                return self.get_collection(response.json()["slug"], token=token)
            raise
        return Collection(**{**response.json(), "endpoint": self.endpoint})

    def update_collection_metadata(
        self,
        collection_slug: str,
        *,
        title: str | None = None,
        description: str | None = None,
        position: int | None = None,
        private: bool | None = None,
        theme: str | None = None,
        token: bool | str | None = None,
    ) -> Collection:
        """Change the title, description, position, visibility or theme of a collection.

        Only the arguments that are not `None` are changed.

        Args:
            collection_slug (`str`):
                Slug of the collection.
            title (`str`, *optional*):
                New title.
            description (`str`, *optional*):
                New description.
            position (`int`, *optional*):
                New position among the owner's collections.
            private (`bool`, *optional*):
                New visibility.
            theme (`str`, *optional*):
                New color theme.
            token (`bool` or `str`, *optional*):
                A User Access Token with write access to the collection. Defaults to the client's token, then to
                the locally saved one.

        Returns:
            [`Collection`]: the collection after the change.

        Raises:
            [`~errors.HfHubHTTPError`]: 404 if there is no such collection, 403 if the token may not edit it.
        """
        payload = {
            "position": position,
            "private": private,
            "theme": theme,
            "title": title,
            "description": description,
        }
        response = get_session().patch(
            f"{self.endpoint}/api/collections/{collection_slug}",
            json={key: value for key, value in payload.items() if value is not None},
            headers=self._build_hf_headers(token=token),
        )
        hf_raise_for_status(response)
        return Collection(**{**response.json()["data"], "endpoint": self.endpoint})

    def update_collection_resource_group(
        self,
        collection_slug: str,
        resource_group_id: str | None,
        *,
        token: bool | str | None = None,
    ) -> None:
        """Move a collection into an organization's resource group (Enterprise Hub), or out of it with `None`.

        Raises:
            [`~errors.HfHubHTTPError`]: 404 if there is no such collection, 403 if the token may not edit it.
        """
        response = get_session().post(
            f"{self.endpoint}/api/collections/{collection_slug}/resource-group",
            json={"resourceGroupId": resource_group_id},
            headers=self._build_hf_headers(token=token),
        )
        hf_raise_for_status(response)

    def delete_collection(
        self, collection_slug: str, *, missing_ok: bool = False, token: bool | str | None = None
    ) -> None:
        """Delete a collection (the items themselves are not affected). This cannot be undone.

        Args:
            collection_slug (`str`):
                Slug of the collection.
            missing_ok (`bool`, defaults to `False`):
                Do not fail if there is no such collection.
            token (`bool` or `str`, *optional*):
                A User Access Token with write access to the collection. Defaults to the client's token, then to
                the locally saved one.

        Raises:
            [`~errors.HfHubHTTPError`]: 404 if there is no such collection and `missing_ok` is `False`; 403 if the
                token may not delete it.
        """
        response = get_session().delete(
            f"{self.endpoint}/api/collections/{collection_slug}", headers=self._build_hf_headers(token=token)
        )
        _raise_unless_missing_ok(response, missing_ok)

    def add_collection_item(
        self,
        collection_slug: str,
        item_id: str,
        item_type: CollectionItemType_T,
        *,
        note: str | None = None,
        exists_ok: bool = False,
        token: bool | str | None = None,
    ) -> Collection:
        """Append an item to a collection.

        Args:
            collection_slug (`str`):
                Slug of the collection.
            item_id (`str`):
                Id of the object: a repo id, a paper id (`"2307.09288"`), a collection slug or a bucket id.
            item_type (`str`):
                `"model"`, `"dataset"`, `"space"`, `"paper"`, `"collection"` or `"bucket"`.
            note (`str`, *optional*):
                A note shown with the item (up to 500 characters on the Hub).
            exists_ok (`bool`, defaults to `False`):
                If the item is already in the collection, return the collection instead of failing.
            token (`bool` or `str`, *optional*):
                A User Access Token with write access to the collection. Defaults to the client's token, then to
                the locally saved one.

        Returns:
            [`Collection`]: the collection after the change.

        Raises:
            [`~errors.HfHubHTTPError`]: 409 if the item is already there and `exists_ok` is `False`; 404 if the
                collection or the item does not exist; 403 if the token may not edit the collection.
        """
        payload: dict[str, Any] = {"item": {"id": item_id, "type": item_type}}
        if note is not None:
            payload["note"] = note
        response = get_session().post(
            f"{self.endpoint}/api/collections/{collection_slug}/items",
            json=payload,
            headers=self._build_hf_headers(token=token),
        )
        try:
            hf_raise_for_status(response)
        except HfHubHTTPError:
            if exists_ok and response.status_code == 409:
                return self.get_collection(collection_slug, token=token)
            raise
        return Collection(**{**response.json(), "endpoint": self.endpoint})

    def update_collection_item(
        self,
        collection_slug: str,
        item_object_id: str,
        *,
        note: str | None = None,
        position: int | None = None,
        token: bool | str | None = None,
    ) -> None:
        """Change the note or the position of an item in a collection.

        Only the arguments that are not `None` are changed.

        Args:
            collection_slug (`str`):
                Slug of the collection.
            item_object_id (`str`):
                Id of the item within the collection (`CollectionItem.item_object_id`, not the repo id).
            note (`str`, *optional*):
                New note.
            position (`int`, *optional*):
                New position (0-based); the other items move to make room.
            token (`bool` or `str`, *optional*):
                A User Access Token with write access to the collection. Defaults to the client's token, then to
                the locally saved one.

        Raises:
            [`~errors.HfHubHTTPError`]: 404 if there is no such collection or item, 403 if the token may not edit it.
        """
        payload = {"position": position, "note": note}
        response = get_session().patch(
            f"{self.endpoint}/api/collections/{collection_slug}/items/{item_object_id}",
            json={key: value for key, value in payload.items() if value is not None},
            headers=self._build_hf_headers(token=token),
        )
        hf_raise_for_status(response)

    def delete_collection_item(
        self,
        collection_slug: str,
        item_object_id: str,
        *,
        missing_ok: bool = False,
        token: bool | str | None = None,
    ) -> None:
        """Remove an item from a collection.

        Args:
            collection_slug (`str`):
                Slug of the collection.
            item_object_id (`str`):
                Id of the item within the collection (`CollectionItem.item_object_id`, not the repo id).
            missing_ok (`bool`, defaults to `False`):
                Do not fail if there is no such item.
            token (`bool` or `str`, *optional*):
                A User Access Token with write access to the collection. Defaults to the client's token, then to
                the locally saved one.

        Raises:
            [`~errors.HfHubHTTPError`]: 404 if there is no such item and `missing_ok` is `False`; 403 if the token
                may not edit the collection.
        """
        response = get_session().delete(
            f"{self.endpoint}/api/collections/{collection_slug}/items/{item_object_id}",
            headers=self._build_hf_headers(token=token),
        )
        _raise_unless_missing_ok(response, missing_ok)


def _raise_unless_missing_ok(response: Any, missing_ok: bool) -> None:
    """`hf_raise_for_status`, except that a 404 is fine when the caller said the target may be gone already."""
    try:
        hf_raise_for_status(response)
    except HfHubHTTPError:
        if not (missing_ok and response.status_code == 404):
            raise
