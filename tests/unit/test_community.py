"""Discussions, collections, likes and access requests: how the Hub's JSON answers become dataclasses, and the
argument checks made before any request (no network; the JSON below has the shapes the Hub sends)."""

import dataclasses
import warnings
from datetime import datetime, timezone

import pytest

from huggingface_hub import HfApi
from huggingface_hub._api_access_requests import _access_request_from_json
from huggingface_hub._api_discussions import _discussion_from_json, _discussion_with_details_from_json
from huggingface_hub.community import (
    Discussion,
    DiscussionComment,
    DiscussionCommit,
    DiscussionEvent,
    DiscussionStatusChange,
    DiscussionTitleChange,
    DiscussionWithDetails,
    deserialize_event,
)
from huggingface_hub.hf_api import AccessRequest, Collection, CollectionItem, Organization, User, UserLikes

# Nothing listens there: a test that reached the network would fail with a connection error, not pass.
UNREACHABLE = "http://127.0.0.1:9"

AUTHOR = {
    "_id": "62441d1d9fdefb55a0b7d12c",
    "avatarUrl": "/avatars/alice.svg",
    "fullname": "Alice",
    "name": "alice",
    "type": "user",
    "isPro": False,
    "isHf": False,
    "isOwner": True,
    "isOrgMember": False,
}


def comment_event(**data_overrides: object) -> dict:
    data = {
        "edited": True,
        "hidden": False,
        "latest": {
            "raw": "Second version",
            "html": "<p>Second version</p>\n",
            "updatedAt": "2024-03-02T10:00:00.000Z",
            "author": {**AUTHOR, "name": "bob"},
        },
        "numEdits": 1,
        "editors": ["alice", "bob"],
        "reactions": [],
        "isReport": False,
        "history": [
            {"raw": "Second version", "updatedAt": "2024-03-02T10:00:00.000Z", "author": {**AUTHOR, "name": "bob"}},
            {"raw": "First version", "updatedAt": "2024-03-01T09:00:00.000Z", "author": AUTHOR},
        ],
    }
    data.update(data_overrides)
    return {
        "id": "65e1a5b2c3d4e5f60718293a",
        "author": AUTHOR,
        "createdAt": "2024-03-01T09:00:00.000Z",
        "type": "comment",
        "data": data,
    }


LISTED_PR = {
    "num": 3,
    "title": "Add weights",
    "status": "draft",
    "createdAt": "2024-03-01T09:00:00.000Z",
    "isPullRequest": True,
    "numComments": 1,
    "pinned": False,
    "author": AUTHOR,
    "repo": {"name": "alice/data", "type": "dataset"},
    "topReactions": [],
    "numReactionUsers": 0,
}


# --- community: events ------------------------------------------------------------------------------------


def test_a_comment_event_gives_its_latest_content_and_edit_details() -> None:
    comment = deserialize_event(comment_event())
    assert isinstance(comment, DiscussionComment)
    assert (comment.id, comment.type, comment.author) == ("65e1a5b2c3d4e5f60718293a", "comment", "alice")
    assert comment.created_at == datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
    assert (comment.content, comment.edited, comment.hidden) == ("Second version", True, False)
    assert comment.rendered == "<p>Second version</p>\n"
    assert comment.last_edited_at == datetime(2024, 3, 2, 10, 0, tzinfo=timezone.utc)
    assert comment.last_edited_by == "bob"
    assert [version["raw"] for version in comment.edit_history] == ["Second version", "First version"]
    assert comment.number_of_edits == 2
    assert comment._event["data"]["editors"] == ["alice", "bob"]  # the raw event stays available


def test_events_of_deleted_accounts_are_attributed_to_deleted() -> None:
    event = comment_event()
    del event["author"]
    del event["data"]["latest"]["author"]
    comment = deserialize_event(event)
    assert isinstance(comment, DiscussionComment)
    assert comment.author == "deleted"
    assert comment.last_edited_by == "deleted"


@pytest.mark.parametrize(
    ("event_type", "data", "expected_class", "expected_fields"),
    [
        ("status-change", {"status": "merged"}, DiscussionStatusChange, {"new_status": "merged"}),
        (
            "commit",
            {"subject": "Upload model.safetensors", "oid": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"},
            DiscussionCommit,
            {"summary": "Upload model.safetensors", "oid": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"},
        ),
        (
            "title-change",
            {"from": "Old", "to": "New"},
            DiscussionTitleChange,
            {"old_title": "Old", "new_title": "New"},
        ),
    ],
)
def test_each_event_type_has_its_class(
    event_type: str, data: dict, expected_class: type, expected_fields: dict[str, str]
) -> None:
    event = {"id": "abc", "author": AUTHOR, "createdAt": "2024-03-01T09:00:00Z", "type": event_type, "data": data}
    parsed = deserialize_event(event)
    assert type(parsed) is expected_class
    assert {name: getattr(parsed, name) for name in expected_fields} == expected_fields


def test_an_unknown_event_type_gives_a_plain_event() -> None:
    event = {"id": "abc", "createdAt": "2024-03-01T09:00:00Z", "type": "pinned", "data": {"pinned": True}}
    parsed = deserialize_event(event)
    assert type(parsed) is DiscussionEvent
    assert (parsed.type, parsed.author, parsed._event) == ("pinned", "deleted", event)


# --- community: discussions -------------------------------------------------------------------------------


def test_a_listed_pull_request_on_a_dataset() -> None:
    discussion = _discussion_from_json(LISTED_PR, "http://hub.test")
    assert discussion == Discussion(
        title="Add weights",
        status="draft",
        num=3,
        repo_id="alice/data",
        repo_type="dataset",
        author="alice",
        is_pull_request=True,
        created_at=datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc),
        endpoint="http://hub.test",
    )
    assert discussion.git_reference == "refs/pr/3"
    assert discussion.url == "http://hub.test/datasets/alice/data/discussions/3"


def test_a_discussion_on_a_model_has_no_git_reference_and_no_type_prefix_in_its_url() -> None:
    data = {**LISTED_PR, "isPullRequest": False, "status": "open", "repo": {"name": "alice/m", "type": "model"}}
    del data["author"]
    discussion = _discussion_from_json(data, "http://hub.test")
    assert (discussion.git_reference, discussion.author) == (None, "deleted")
    assert discussion.url == "http://hub.test/alice/m/discussions/3"


def test_pull_request_details() -> None:
    details = {
        **LISTED_PR,
        "_id": "65e1a5b2c3d4e5f607182900",
        "status": "merged",
        "events": [
            comment_event(),
            {
                "id": "e2",
                "author": AUTHOR,
                "createdAt": "2024-03-01T09:05:00.000Z",
                "type": "commit",
                "data": {"subject": "Upload", "oid": "a" * 40},
            },
            {
                "id": "e3",
                "author": AUTHOR,
                "createdAt": "2024-03-01T09:06:00.000Z",
                "type": "status-change",
                "data": {"status": "merged"},
            },
        ],
        "changes": {"base": "refs/heads/main", "mergeCommitId": "b" * 40},
        "filesWithConflicts": [],
        "diff": "diff --git a/x b/x\n",
    }
    pr = _discussion_with_details_from_json(details, "http://hub.test")
    assert isinstance(pr, DiscussionWithDetails)
    assert [type(event) for event in pr.events] == [DiscussionComment, DiscussionCommit, DiscussionStatusChange]
    assert (pr.target_branch, pr.merge_commit_oid, pr.conflicting_files) == ("refs/heads/main", "b" * 40, [])
    assert pr.diff == "diff --git a/x b/x\n"
    assert (pr.status, pr.git_reference) == ("merged", "refs/pr/3")


def test_pull_request_conflicts_may_be_just_true_and_an_unmerged_pr_has_no_merge_commit() -> None:
    details = {**LISTED_PR, "events": [], "changes": {"base": "refs/heads/dev"}, "filesWithConflicts": True}
    pr = _discussion_with_details_from_json(details, "http://hub.test")
    assert (pr.target_branch, pr.merge_commit_oid, pr.conflicting_files, pr.diff) == (
        "refs/heads/dev",
        None,
        True,
        None,
    )


def test_discussion_details_leave_pull_request_fields_empty() -> None:
    details = {**LISTED_PR, "isPullRequest": False, "status": "closed", "events": [comment_event()]}
    discussion = _discussion_with_details_from_json(details, "http://hub.test")
    assert (discussion.target_branch, discussion.merge_commit_oid, discussion.conflicting_files) == (None, None, None)
    assert discussion.git_reference is None


def test_dataclass_fields_are_upstreams() -> None:
    assert [f.name for f in dataclasses.fields(DiscussionWithDetails)] == [
        "title", "status", "num", "repo_id", "repo_type", "author", "is_pull_request", "created_at", "endpoint",
        "events", "conflicting_files", "target_branch", "merge_commit_oid", "diff",
    ]  # fmt: skip
    assert [f.name for f in dataclasses.fields(DiscussionComment)] == [
        "id", "type", "created_at", "author", "_event", "content", "edited", "hidden",
    ]  # fmt: skip


# --- collections ------------------------------------------------------------------------------------------


def collection_json(**overrides: object) -> dict:
    data = {
        "slug": "alice/favourites-65e1a5b2c3d4e5f607182911",
        "title": "Favourites",
        "description": "The best ones",
        "gating": False,
        "lastUpdated": "2024-03-01T09:00:00.000Z",
        "owner": {"_id": "62441d1d9fdefb55a0b7d12c", "name": "alice", "fullname": "Alice", "type": "user"},
        "items": [
            {
                "_id": "65e1a5b2c3d4e5f607182912",
                "position": 0,
                "type": "model",
                "author": "alice",
                "id": "alice/bert",
                "downloads": 10,
                "likes": 1,
                "private": False,
                "note": {"html": "<p>a <em>note</em></p>", "text": "a note"},
            },
            {
                "_id": "65e1a5b2c3d4e5f607182913",
                "position": 1,
                "type": "collection",
                "id": "65e1a5b2c3d4e5f607182999",
                "slug": "bob/tools-65e1a5b2c3d4e5f607182999",
                "title": "Tools",
            },
            {
                "_id": "65e1a5b2c3d4e5f607182914",
                "position": 2,
                "type": "paper",
                "id": "2307.09288",
                "title": "Llama 2",
            },
        ],
        "position": 1,
        "theme": "green",
        "private": False,
        "upvotes": 4,
        "isUpvotedByUser": False,
    }
    data.update(overrides)
    return data


def test_a_collection_and_its_items() -> None:
    collection = Collection(**collection_json(), endpoint="http://hub.test")
    assert (collection.slug, collection.title, collection.description) == (
        "alice/favourites-65e1a5b2c3d4e5f607182911",
        "Favourites",
        "The best ones",
    )
    assert collection.owner["name"] == "alice"  # stored as the Hub sends it
    assert collection.last_updated == datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
    assert (collection.position, collection.private, collection.theme, collection.upvotes) == (1, False, "green", 4)
    assert collection.url == "http://hub.test/collections/alice/favourites-65e1a5b2c3d4e5f607182911"

    model, nested, paper = collection.items
    assert model == CollectionItem(
        _id="65e1a5b2c3d4e5f607182912", id="alice/bert", type="model", position=0, note={"text": "a note"}
    )
    assert (model.item_object_id, model.item_id, model.item_type, model.note) == (
        "65e1a5b2c3d4e5f607182912",
        "alice/bert",
        "model",
        "a note",
    )
    assert (nested.item_id, nested.item_type, nested.note) == (
        "bob/tools-65e1a5b2c3d4e5f607182999",
        "collection",
        None,
    )
    assert (paper.item_id, paper.position) == ("2307.09288", 2)


def test_a_collection_without_endpoint_links_to_the_configured_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "ENDPOINT", "http://configured.test")
    data = collection_json()
    del data["description"]
    collection = Collection(**data)
    assert collection.description is None
    assert collection.url.startswith("http://configured.test/collections/")


def test_a_collection_item_note_that_is_not_text_is_ignored() -> None:
    item = CollectionItem(_id="x", id="a/b", type="dataset", position=0, note={"html": "<p>x</p>"})
    assert item.note is None


# --- users, organizations, likes, access requests ---------------------------------------------------------


def test_a_user_overview_with_its_organizations_and_unknown_keys() -> None:
    user = User(
        user="alice",
        fullname="Alice",
        avatarUrl="/avatars/alice.svg",
        isPro=True,
        numModels=3,
        numFollowers=7,
        type="user",
        orgs=[{"name": "acme", "fullname": "ACME", "avatarUrl": "/avatars/acme.svg", "plan": "team"}],
        createdAt="2022-01-01T00:00:00.000Z",
    )
    assert (user.username, user.fullname, user.avatar_url, user.is_pro) == (
        "alice",
        "Alice",
        "/avatars/alice.svg",
        True,
    )
    assert (user.num_models, user.num_followers, user.num_likes, user.user_type) == (3, 7, None, "user")
    assert user.orgs == [Organization(name="acme", fullname="ACME", avatarUrl="/avatars/acme.svg", plan="team")]
    assert user.orgs[0].plan == "team"
    assert user.createdAt == "2022-01-01T00:00:00.000Z"  # type: ignore[attr-defined]  # kept as given


def test_user_likes_fields() -> None:
    likes = UserLikes(user="alice", total=1, datasets=[], kernels=[], models=["a/b"], spaces=[])
    assert [f.name for f in dataclasses.fields(likes)] == ["user", "total", "datasets", "kernels", "models", "spaces"]


def test_an_access_request_with_form_fields() -> None:
    request = _access_request_from_json(
        {
            "user": {"user": "bob", "fullname": "Bob", "email": "bob@example.com", "avatarUrl": "/a.svg"},
            "status": "pending",
            "timestamp": "2024-03-01T09:00:00.000Z",
            "fields": {"company": "ACME"},
        }
    )
    assert request == AccessRequest(
        username="bob",
        fullname="Bob",
        email="bob@example.com",
        timestamp=datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc),
        status="pending",
        fields={"company": "ACME"},
    )


def test_an_access_granted_without_request_has_no_email_nor_fields() -> None:
    request = _access_request_from_json(
        {"user": {"user": "bob", "fullname": "Bob"}, "status": "accepted", "timestamp": "2024-03-01T09:00:00Z"}
    )
    assert (request.email, request.fields, request.status) == (None, None, "accepted")


# --- checks made before any request -----------------------------------------------------------------------


@pytest.mark.parametrize("num", [0, -1, "1", 1.0])
def test_discussion_numbers_must_be_positive_integers(num: object) -> None:
    api = HfApi(endpoint=UNREACHABLE, token=False)
    with pytest.raises(ValueError, match="Invalid discussion_num, must be a positive integer"):
        api.get_discussion_details("alice/m", num)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Invalid discussion_num"):
        api.comment_discussion("alice/m", num, "hi")  # type: ignore[arg-type]


def test_unknown_repo_types_and_filters_are_refused_when_listing_starts() -> None:
    api = HfApi(endpoint=UNREACHABLE, token=False)
    listing = api.get_repo_discussions("alice/m", repo_type="kernel")  # lazy, like upstream: nothing raised yet
    with pytest.raises(ValueError, match="Invalid repo type"):
        next(iter(listing))
    with pytest.raises(ValueError, match="Invalid discussion_type"):
        next(iter(api.get_repo_discussions("alice/m", discussion_type="issue")))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Invalid discussion_status"):
        next(iter(api.get_repo_discussions("alice/m", discussion_status="merged")))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Invalid repo type"):
        api.create_discussion("alice/m", "title", repo_type="models")


def test_only_open_and_closed_are_statuses_one_can_set() -> None:
    api = HfApi(endpoint=UNREACHABLE, token=False)
    with pytest.raises(ValueError, match="Invalid status, valid statuses are: 'open' and 'closed'"):
        api.change_discussion_status("alice/m", 1, "merged")  # type: ignore[arg-type]


def test_a_rejection_reason_only_goes_with_a_rejection() -> None:
    api = HfApi(endpoint=UNREACHABLE, token=False)
    with pytest.raises(ValueError, match="`rejection_reason` can only be passed when rejecting"):
        api._handle_access_request("alice/m", "bob", "accepted", rejection_reason="no")
    with pytest.raises(ValueError, match="Invalid repo type"):
        api.grant_access("alice/m", "bob", repo_type="kernel")


def test_hiding_a_comment_warns_that_it_cannot_be_undone() -> None:
    api = HfApi(endpoint=UNREACHABLE, token=False)
    with warnings.catch_warnings(record=True) as caught, pytest.raises(ValueError, match="Invalid discussion_num"):
        warnings.simplefilter("always")
        api.hide_discussion_comment("alice/m", 0, "abc")
    assert [str(w.message) for w in caught] == [
        "Hidden comments' content cannot be retrieved anymore. Hiding a comment is irreversible."
    ]


def test_repo_ids_are_validated() -> None:
    from huggingface_hub.errors import HFValidationError

    api = HfApi(endpoint=UNREACHABLE, token=False)
    with pytest.raises(HFValidationError):
        api.get_discussion_details("a/b/c", 1)
    with pytest.raises(HFValidationError):
        api.list_pending_access_requests("bad..id")
