"""Discussions and Pull Requests against the local Hub: opening, listing (filters, pages), commenting, editing,
hiding, renaming, closing, committing to and merging a Pull Request, with the Hub's permissions and errors."""

import warnings

import pytest
import requests
from _seed import commit, create_repo

from huggingface_hub import HfApi
from huggingface_hub.community import (
    DiscussionComment,
    DiscussionCommit,
    DiscussionStatusChange,
    DiscussionTitleChange,
    DiscussionWithDetails,
)
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.local_hub import LocalHub

REPO = "alice/talk"
DEFAULT_DESCRIPTION = (
    "Discussion opened with the [huggingface_hub Python library](https://huggingface.co/docs/huggingface_hub)"
)


@pytest.fixture
def api(local_hub: LocalHub, alice_token: str) -> HfApi:
    create_repo(local_hub.endpoint, alice_token, REPO)
    commit(local_hub.endpoint, alice_token, REPO, {"README.md": b"# talk\n"})
    return HfApi(endpoint=local_hub.endpoint, token=alice_token)


@pytest.fixture
def bob(local_hub: LocalHub) -> HfApi:
    return HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("bob"))


def _status(error: pytest.ExceptionInfo[HfHubHTTPError]) -> int:
    assert error.value.response is not None
    return error.value.response.status_code


def test_open_a_discussion_and_read_it_back(api: HfApi, local_hub: LocalHub) -> None:
    created = api.create_discussion(REPO, "  Typo in the card  ", description="  It says *teh*.  ")

    assert isinstance(created, DiscussionWithDetails)
    assert (created.num, created.title, created.status, created.author) == (1, "Typo in the card", "open", "alice")
    assert (created.repo_id, created.repo_type, created.is_pull_request) == (REPO, "model", False)
    assert (created.git_reference, created.target_branch, created.conflicting_files) == (None, None, None)
    assert created.url == f"{local_hub.endpoint}/{REPO}/discussions/1"
    # The description is the first comment.
    (first,) = created.events
    assert isinstance(first, DiscussionComment)
    assert (first.content, first.author, first.edited, first.hidden) == ("It says *teh*.", "alice", False, False)
    assert first.rendered  # HTML rendering of the markdown

    assert api.get_discussion_details(REPO, 1) == created


def test_an_empty_description_gets_the_librarys_default(api: HfApi) -> None:
    discussion = api.create_discussion(REPO, "Question", description="   ")
    pull_request = api.create_pull_request(REPO, "Change")
    assert discussion.events[0].content == DEFAULT_DESCRIPTION  # type: ignore[attr-defined]
    assert pull_request.events[0].content == DEFAULT_DESCRIPTION.replace("Discussion", "Pull Request")  # type: ignore[attr-defined]


def test_discussions_and_pull_requests_share_numbers_and_list_newest_first(api: HfApi, bob: HfApi) -> None:
    api.create_discussion(REPO, "first")
    api.create_pull_request(REPO, "second")
    bob.create_discussion(REPO, "third")
    api.change_discussion_status(REPO, 1, "closed")

    listed = list(api.get_repo_discussions(REPO))
    assert [(d.num, d.title, d.is_pull_request) for d in listed] == [
        (3, "third", False),
        (2, "second", True),
        (1, "first", False),
    ]
    assert [d.num for d in api.get_repo_discussions(REPO, discussion_type="pull_request")] == [2]
    assert [d.num for d in api.get_repo_discussions(REPO, discussion_type="discussion")] == [3, 1]
    assert [d.num for d in api.get_repo_discussions(REPO, discussion_status="closed")] == [1]
    assert [d.num for d in api.get_repo_discussions(REPO, discussion_status="open")] == [3, 2]  # a draft is open
    assert [d.num for d in api.get_repo_discussions(REPO, author="bob")] == [3]
    assert [d.num for d in api.get_repo_discussions(REPO, discussion_type="all", discussion_status="all")] == [3, 2, 1]
    # Anyone who can see the repository can list them.
    assert [d.num for d in HfApi(endpoint=api.endpoint, token=False).get_repo_discussions(REPO)] == [3, 2, 1]


def test_listing_walks_every_page(api: HfApi) -> None:
    count = 60  # more than one page of the Hub's listing
    session = requests.Session()
    for index in range(count):  # opened directly: reading each one back is not what this test is about
        response = session.post(
            f"{api.endpoint}/api/models/{REPO}/discussions",
            json={"title": f"d{index}", "description": "x", "pullRequest": False},
            headers={"authorization": f"Bearer {api.token}"},
        )
        response.raise_for_status()

    listed = api.get_repo_discussions(REPO)
    assert [d.num for d in listed] == list(range(count, 0, -1))


def test_comment_edit_and_hide(api: HfApi) -> None:
    api.create_discussion(REPO, "Thread")

    comment = api.comment_discussion(REPO, 1, "I **agree**")
    assert isinstance(comment, DiscussionComment)
    assert (comment.content, comment.author, comment.edited) == ("I **agree**", "alice", False)

    # Comment ids are sent lower-cased, as upstream does.
    edited = api.edit_discussion_comment(REPO, 1, comment.id.upper(), "I agree, mostly")
    assert (edited.id, edited.content, edited.edited) == (comment.id, "I agree, mostly", True)
    assert edited.number_of_edits >= 1
    assert edited.last_edited_by == "alice"

    with pytest.warns(UserWarning, match="Hiding a comment is irreversible"):
        hidden = api.hide_discussion_comment(REPO, 1, comment.id)
    assert (hidden.id, hidden.hidden) == (comment.id, True)

    events = api.get_discussion_details(REPO, 1).events
    assert [event.id for event in events][1:] == [comment.id]
    assert events[1].hidden  # type: ignore[attr-defined]


def test_rename_and_change_status_with_a_comment(api: HfApi) -> None:
    api.create_discussion(REPO, "Old title")

    renamed = api.rename_discussion(REPO, 1, "New title")
    assert isinstance(renamed, DiscussionTitleChange)
    assert (renamed.old_title, renamed.new_title, renamed.author) == ("Old title", "New title", "alice")

    closed = api.change_discussion_status(REPO, 1, "closed", comment="  Fixed.  ")
    assert isinstance(closed, DiscussionStatusChange)
    assert closed.new_status == "closed"

    details = api.get_discussion_details(REPO, 1)
    assert (details.title, details.status) == ("New title", "closed")
    kinds = [type(event) for event in details.events]
    assert kinds[:2] == [DiscussionComment, DiscussionTitleChange]
    assert DiscussionStatusChange in kinds
    assert "Fixed." in [event.content for event in details.events if isinstance(event, DiscussionComment)]

    assert api.change_discussion_status(REPO, 1, "open").new_status == "open"
    assert api.get_discussion_details(REPO, 1).status == "open"


def test_pull_request_commit_then_merge(api: HfApi, local_hub: LocalHub, alice_token: str) -> None:
    pr = api.create_pull_request(REPO, "Add weights", description="Adds a file")
    assert (pr.num, pr.status, pr.git_reference, pr.target_branch) == (1, "draft", "refs/pr/1", "refs/heads/main")
    assert pr.merge_commit_oid is None

    oid = commit(local_hub.endpoint, alice_token, REPO, {"weights.txt": b"42\n"}, revision="refs/pr/1", summary="Add")
    details = api.get_discussion_details(REPO, 1)
    commits = [event for event in details.events if isinstance(event, DiscussionCommit)]
    assert [(c.oid, c.summary) for c in commits] == [(oid, "Add")]
    assert "weights.txt" in (details.diff or "")

    # A Pull Request opened through the API is a draft: it must be opened before it can be merged.
    with pytest.raises(HfHubHTTPError):
        api.merge_pull_request(REPO, 1)
    api.change_discussion_status(REPO, 1, "open")
    api.merge_pull_request(REPO, 1, comment="Thanks!")

    merged = api.get_discussion_details(REPO, 1)
    assert merged.status == "merged"
    assert merged.merge_commit_oid
    resolved = requests.get(f"{local_hub.endpoint}/{REPO}/resolve/main/weights.txt")
    assert (resolved.status_code, resolved.content) == (200, b"42\n")
    assert resolved.headers["X-Repo-Commit"] == merged.merge_commit_oid
    # Merging twice is refused.
    with pytest.raises(HfHubHTTPError):
        api.merge_pull_request(REPO, 1)


def test_a_discussion_cannot_be_merged(api: HfApi) -> None:
    api.create_discussion(REPO, "Not a PR")
    with pytest.raises(HfHubHTTPError):
        api.merge_pull_request(REPO, 1)
    assert api.get_discussion_details(REPO, 1).status == "open"


def test_discussions_on_a_dataset(api: HfApi, local_hub: LocalHub, alice_token: str) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/data", repo_type="dataset")
    created = api.create_discussion("alice/data", "About the data", repo_type="dataset")
    assert (created.repo_type, created.url) == ("dataset", f"{local_hub.endpoint}/datasets/alice/data/discussions/1")
    assert [d.num for d in api.get_repo_discussions("alice/data", repo_type="dataset")] == [1]
    # The model namespace is separate.
    with pytest.raises(RepositoryNotFoundError):
        list(api.get_repo_discussions("alice/data"))


# --- permissions and errors --------------------------------------------------------------------------------


def test_other_users_may_discuss_but_not_moderate(api: HfApi, bob: HfApi) -> None:
    api.create_discussion(REPO, "Owner's thread")
    mine = bob.create_discussion(REPO, "Bob's thread")
    assert mine.author == "bob"
    assert bob.comment_discussion(REPO, 1, "Hello").author == "bob"

    # Bob may close his own discussion, not alice's.
    assert bob.change_discussion_status(REPO, mine.num, "closed").new_status == "closed"
    with pytest.raises(HfHubHTTPError) as error:
        bob.change_discussion_status(REPO, 1, "closed")
    assert _status(error) == 403
    with pytest.raises(HfHubHTTPError) as error:
        bob.rename_discussion(REPO, 1, "Bob's now")
    assert _status(error) == 403
    # ... nor edit someone else's comment.
    first_comment = api.get_discussion_details(REPO, 1).events[0]
    with pytest.raises(HfHubHTTPError) as error:
        bob.edit_discussion_comment(REPO, 1, first_comment.id, "Hijacked")
    assert _status(error) == 403

    # Only the repository's owners merge.
    pr = bob.create_pull_request(REPO, "Bob's change")
    bob.change_discussion_status(REPO, pr.num, "open")
    with pytest.raises(HfHubHTTPError) as error:
        bob.merge_pull_request(REPO, pr.num)
    assert _status(error) == 403
    assert api.get_discussion_details(REPO, pr.num).status == "open"


def test_read_tokens_and_anonymous_callers_cannot_write(api: HfApi, local_hub: LocalHub) -> None:
    reader = HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("carol", role="read"))
    with pytest.raises(HfHubHTTPError) as error:
        reader.create_discussion(REPO, "Read only")
    assert _status(error) == 403
    with pytest.raises(HfHubHTTPError) as error:
        HfApi(endpoint=local_hub.endpoint, token=False).create_discussion(REPO, "Anonymous")
    assert _status(error) == 401
    assert list(api.get_repo_discussions(REPO)) == []


def test_private_repositories_hide_their_discussions(
    api: HfApi, bob: HfApi, local_hub: LocalHub, alice_token: str
) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/secret", private=True)
    api.create_discussion("alice/secret", "Internal")
    assert [d.title for d in api.get_repo_discussions("alice/secret")] == ["Internal"]

    with pytest.raises(RepositoryNotFoundError):
        list(bob.get_repo_discussions("alice/secret"))
    with pytest.raises(RepositoryNotFoundError):
        bob.get_discussion_details("alice/secret", 1)
    with pytest.raises(RepositoryNotFoundError):
        bob.create_discussion("alice/secret", "Let me in")
    with pytest.raises(RepositoryNotFoundError):
        bob.comment_discussion("alice/secret", 1, "Hi")


def test_missing_repositories_and_discussions(api: HfApi) -> None:
    with pytest.raises(RepositoryNotFoundError):
        list(api.get_repo_discussions("alice/nothing-here"))
    with pytest.raises(RepositoryNotFoundError):
        api.create_discussion("alice/nothing-here", "Hello?")
    with pytest.raises(HfHubHTTPError) as error:
        api.get_discussion_details(REPO, 7)
    assert _status(error) == 404
    with pytest.raises(HfHubHTTPError) as error:
        api.comment_discussion(REPO, 7, "Hello?")
    assert _status(error) == 404
    api.create_discussion(REPO, "Exists")
    with pytest.raises(HfHubHTTPError) as error:
        api.edit_discussion_comment(REPO, 1, "0123456789abcdef01234567", "No such comment")
    assert _status(error) == 404


def test_module_level_functions_use_the_configured_endpoint(
    api: HfApi, local_hub: LocalHub, alice_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub
    from huggingface_hub import hf_api

    monkeypatch.setattr(hf_api.api, "endpoint", local_hub.endpoint)
    monkeypatch.setattr(hf_api.api, "token", alice_token)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none expected on this path
        created = huggingface_hub.create_discussion(REPO, "From the module")
    assert [d.num for d in huggingface_hub.get_repo_discussions(REPO)] == [created.num]
