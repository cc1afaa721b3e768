"""Collections against the local Hub: creating, reading, listing (filters, sort, limit, pages), editing and
deleting collections and their items, with the Hub's permissions and errors."""

import pytest
from _seed import create_repo

from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.hf_api import Collection, CollectionItem
from huggingface_hub.local_hub import LocalHub
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status


def _create_space(endpoint: str, token: str, repo_id: str) -> None:
    response = get_session().post(
        f"{endpoint}/api/repos/create",
        json={"name": repo_id, "type": "space", "sdk": "static"},
        headers=build_hf_headers(token=token),
    )
    hf_raise_for_status(response)


@pytest.fixture
def api(local_hub: LocalHub, alice_token: str) -> HfApi:
    create_repo(local_hub.endpoint, alice_token, "alice/bert")
    create_repo(local_hub.endpoint, alice_token, "alice/squad", repo_type="dataset")
    _create_space(local_hub.endpoint, alice_token, "alice/demo")
    return HfApi(endpoint=local_hub.endpoint, token=alice_token)


@pytest.fixture
def bob(local_hub: LocalHub) -> HfApi:
    return HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("bob"))


def _status(error: pytest.ExceptionInfo[HfHubHTTPError]) -> int:
    assert error.value.response is not None
    return error.value.response.status_code


def test_create_then_read_an_empty_collection(api: HfApi, local_hub: LocalHub) -> None:
    created = api.create_collection("Favourites", description="The best ones")

    assert isinstance(created, Collection)
    assert created.slug.startswith("alice/favourites-")
    assert (created.title, created.description, created.private, created.items) == (
        "Favourites",
        "The best ones",
        False,
        [],
    )
    assert created.url == f"{local_hub.endpoint}/collections/{created.slug}"
    assert created.theme
    assert created.upvotes == 0
    assert api.get_collection(created.slug) == created


def test_exists_ok_returns_the_existing_collection(api: HfApi) -> None:
    first = api.create_collection("Same title")
    with pytest.raises(HfHubHTTPError) as error:
        api.create_collection("Same title")
    assert _status(error) == 409
    assert api.create_collection("Same title", exists_ok=True).slug == first.slug


def test_items_of_every_kind_with_notes_and_positions(api: HfApi) -> None:
    other = api.create_collection("Other")
    collection = api.create_collection("Mixed")

    api.add_collection_item(collection.slug, "alice/bert", "model", note="A *model*")
    api.add_collection_item(collection.slug, "alice/squad", "dataset")
    api.add_collection_item(collection.slug, "alice/demo", "space")
    api.add_collection_item(collection.slug, "2307.09288", "paper")
    updated = api.add_collection_item(collection.slug, other.slug, "collection")

    assert [(item.item_id, item.item_type, item.position) for item in updated.items] == [
        ("alice/bert", "model", 0),
        ("alice/squad", "dataset", 1),
        ("alice/demo", "space", 2),
        ("2307.09288", "paper", 3),
        (other.slug, "collection", 4),
    ]
    assert updated.items[0].note == "A *model*"
    assert updated.items[1].note is None
    assert all(isinstance(item, CollectionItem) and item.item_object_id for item in updated.items)
    assert api.get_collection(collection.slug).items == updated.items


def test_adding_an_item_twice(api: HfApi) -> None:
    collection = api.create_collection("Twice")
    api.add_collection_item(collection.slug, "alice/bert", "model")
    with pytest.raises(HfHubHTTPError) as error:
        api.add_collection_item(collection.slug, "alice/bert", "model")
    assert _status(error) == 409
    again = api.add_collection_item(collection.slug, "alice/bert", "model", exists_ok=True)
    assert [item.item_id for item in again.items] == ["alice/bert"]


def test_adding_a_missing_repository_fails(api: HfApi) -> None:
    collection = api.create_collection("Missing")
    with pytest.raises(HfHubHTTPError) as error:
        api.add_collection_item(collection.slug, "alice/nothing", "model")
    assert _status(error) == 404
    with pytest.raises(HfHubHTTPError):  # the dataset type has no `alice/bert`
        api.add_collection_item(collection.slug, "alice/bert", "dataset")
    assert api.get_collection(collection.slug).items == []


def test_update_and_delete_items(api: HfApi) -> None:
    collection = api.create_collection("Edit items")
    for repo_id in ("alice/bert", "alice/squad"):
        api.add_collection_item(collection.slug, repo_id, "model" if repo_id == "alice/bert" else "dataset")
    bert, squad = api.get_collection(collection.slug).items

    api.update_collection_item(collection.slug, bert.item_object_id, note="Now with a note")
    api.update_collection_item(collection.slug, squad.item_object_id, position=0)
    items = api.get_collection(collection.slug).items
    assert [(item.item_id, item.position, item.note) for item in items] == [
        ("alice/squad", 0, None),
        ("alice/bert", 1, "Now with a note"),
    ]

    api.delete_collection_item(collection.slug, bert.item_object_id)
    assert [item.item_id for item in api.get_collection(collection.slug).items] == ["alice/squad"]
    with pytest.raises(HfHubHTTPError) as error:
        api.delete_collection_item(collection.slug, bert.item_object_id)
    assert _status(error) == 404
    api.delete_collection_item(collection.slug, bert.item_object_id, missing_ok=True)


def test_update_metadata(api: HfApi) -> None:
    collection = api.create_collection("Before")
    updated = api.update_collection_metadata(
        collection.slug, title="After", description="Described", private=True, theme="pink"
    )
    assert (updated.title, updated.description, updated.private, updated.theme) == ("After", "Described", True, "pink")
    # A new title renames the slug but keeps its id, and the old slug still leads to the collection.
    assert updated.slug.startswith("alice/after-")
    assert updated.slug.rsplit("-", 1)[1] == collection.slug.rsplit("-", 1)[1]
    # Arguments left to None are not changed.
    assert api.update_collection_metadata(collection.slug, title="Again").description == "Described"
    assert api.get_collection(collection.slug).title == "Again"


def test_delete(api: HfApi) -> None:
    collection = api.create_collection("Short-lived")
    api.delete_collection(collection.slug)
    with pytest.raises(HfHubHTTPError) as error:
        api.get_collection(collection.slug)
    assert _status(error) == 404
    with pytest.raises(HfHubHTTPError) as error:
        api.delete_collection(collection.slug)
    assert _status(error) == 404
    api.delete_collection(collection.slug, missing_ok=True)


def test_listing_filters_sorts_and_limits(api: HfApi, bob: HfApi, local_hub: LocalHub) -> None:
    create_repo(local_hub.endpoint, bob.token, "bob/gpt")  # type: ignore[arg-type]
    with_bert = api.create_collection("With bert")
    api.add_collection_item(with_bert.slug, "alice/bert", "model")
    empty = api.create_collection("Empty")
    bobs = bob.create_collection("Bob's")
    bob.add_collection_item(bobs.slug, "alice/bert", "model")
    bob.add_collection_item(bobs.slug, "bob/gpt", "model")

    everything = list(api.list_collections())
    assert {c.slug for c in everything} >= {with_bert.slug, empty.slug, bobs.slug}
    assert [c.position for c in everything] == list(range(len(everything)))  # rank in the listing
    assert {c.slug for c in api.list_collections(owner="alice")} == {with_bert.slug, empty.slug}
    assert {c.slug for c in api.list_collections(owner=["alice", "bob"])} == {with_bert.slug, empty.slug, bobs.slug}
    assert {c.slug for c in api.list_collections(item="models/alice/bert")} == {with_bert.slug, bobs.slug}
    assert {c.slug for c in api.list_collections(item=["models/bob/gpt", "models/nobody/x"])} == {bobs.slug}
    assert len(list(api.list_collections(limit=2))) == 2
    by_update = list(api.list_collections(owner=["alice", "bob"], sort="lastModified"))
    assert [c.slug for c in by_update][0] == bobs.slug  # changed last
    assert by_update[0].url.startswith(local_hub.endpoint)


def test_listed_collections_show_at_most_four_items(api: HfApi, local_hub: LocalHub, alice_token: str) -> None:
    collection = api.create_collection("Big")
    for index in range(6):
        create_repo(local_hub.endpoint, alice_token, f"alice/m{index}")
        api.add_collection_item(collection.slug, f"alice/m{index}", "model")
    (listed,) = api.list_collections(owner="alice")
    assert [item.item_id for item in listed.items] == [f"alice/m{index}" for index in range(4)]
    assert len(api.get_collection(collection.slug).items) == 6


def test_private_collections_are_invisible_to_others(api: HfApi, bob: HfApi) -> None:
    hidden = api.create_collection("Hidden", private=True)
    assert api.get_collection(hidden.slug).private
    assert [c.slug for c in api.list_collections(owner="alice")] == [hidden.slug]

    assert list(bob.list_collections(owner="alice")) == []
    with pytest.raises(HfHubHTTPError) as error:
        bob.get_collection(hidden.slug)
    assert _status(error) == 404
    assert list(HfApi(endpoint=api.endpoint, token=False).list_collections(owner="alice")) == []


def test_others_cannot_edit(api: HfApi, bob: HfApi, local_hub: LocalHub) -> None:
    collection = api.create_collection("Alice's")
    api.add_collection_item(collection.slug, "alice/bert", "model")
    item = api.get_collection(collection.slug).items[0]

    for attempt in (
        lambda: bob.update_collection_metadata(collection.slug, title="Bob's"),
        lambda: bob.add_collection_item(collection.slug, "alice/squad", "dataset"),
        lambda: bob.update_collection_item(collection.slug, item.item_object_id, note="Bob was here"),
        lambda: bob.delete_collection_item(collection.slug, item.item_object_id),
        lambda: bob.delete_collection(collection.slug),
    ):
        with pytest.raises(HfHubHTTPError) as error:
            attempt()
        assert _status(error) == 403
    with pytest.raises(HfHubHTTPError) as error:
        bob.create_collection("In alice's name", namespace="alice")
    assert _status(error) == 403
    reader = HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("carol", role="read"))
    with pytest.raises(HfHubHTTPError) as error:
        reader.create_collection("Read only")
    assert _status(error) == 403

    after = api.get_collection(collection.slug)
    assert (after.title, [i.item_id for i in after.items], after.items[0].note) == ("Alice's", ["alice/bert"], None)


def test_organization_collections(api: HfApi, local_hub: LocalHub) -> None:
    local_hub.create_org("acme", ["alice"])
    collection = api.create_collection("Team picks", namespace="acme")
    assert collection.slug.startswith("acme/team-picks-")
    assert [c.slug for c in api.list_collections(owner="acme")] == [collection.slug]


def test_listing_walks_every_page(api: HfApi) -> None:
    count = 103  # more than one page of the listing
    for index in range(count):
        api.create_collection(f"c{index:03d}")
    titles = [collection.title for collection in api.list_collections(owner="alice")]
    assert sorted(titles) == [f"c{index:03d}" for index in range(count)]
    # With a limit, the listing stops there.
    assert len(list(api.list_collections(owner="alice", limit=101))) == 101
