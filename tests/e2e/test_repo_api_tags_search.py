"""`get_model_tags`, `get_dataset_tags` and `search_spaces` against the local Hub, which answers from the cards of
its repositories (tags grouped by type; Spaces ranked by a plain text match)."""

import pytest
from _seed import commit, create_repo

from huggingface_hub import HfApi
from huggingface_hub.errors import BadRequestError
from huggingface_hub.hf_api import SpaceSearchResult
from huggingface_hub.local_hub import LocalHub
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

MODEL_CARD = b"""---
license: mit
library_name: transformers
pipeline_tag: text-classification
language: [en]
datasets: [squad]
tags: [foo]
---
A model.
"""
DATASET_CARD = b"""---
license: apache-2.0
task_categories: [question-answering]
language: [fr]
tags: [bar]
---
"""
IMAGE_SPACE = b"""---
title: Image Maker
emoji: "\xf0\x9f\x8e\xa8"
sdk: gradio
short_description: Generate images from text
tags: [art]
---
Type a prompt, get a picture.
"""
CHAT_SPACE = b"""---
title: Chat Bot
sdk: docker
---
Talk with a friendly bot that can also describe an image.
"""


def _create_space(endpoint: str, token: str, repo_id: str, private: bool = False) -> None:
    response = get_session().post(
        f"{endpoint}/api/repos/create",
        json={"name": repo_id.split("/")[1], "type": "space", "sdk": "static", "private": private},
        headers=build_hf_headers(token=token),
    )
    hf_raise_for_status(response)


@pytest.fixture
def api(local_hub: LocalHub, alice_token: str) -> HfApi:
    e = local_hub.endpoint
    create_repo(e, alice_token, "alice/m")
    commit(e, alice_token, "alice/m", files={"README.md": MODEL_CARD})
    create_repo(e, alice_token, "alice/hidden", private=True)
    commit(e, alice_token, "alice/hidden", files={"README.md": b"---\ntags: [secret]\n---\n"})
    create_repo(e, alice_token, "alice/d", repo_type="dataset")
    commit(e, alice_token, "alice/d", files={"README.md": DATASET_CARD}, repo_type="dataset")
    _create_space(e, alice_token, "alice/painter")
    commit(e, alice_token, "alice/painter", files={"README.md": IMAGE_SPACE}, repo_type="space")
    _create_space(e, alice_token, "alice/chat")
    commit(e, alice_token, "alice/chat", files={"README.md": CHAT_SPACE}, repo_type="space")
    _create_space(e, alice_token, "alice/private-image", private=True)
    return HfApi(endpoint=e, token=alice_token)


def _tag(tag_id: str, label: str, kind: str) -> dict:
    return {"id": tag_id, "label": label, "type": kind}


def test_model_tags_by_type(api: HfApi) -> None:
    assert api.get_model_tags() == {
        "dataset": [_tag("dataset:squad", "squad", "dataset")],
        "language": [_tag("en", "en", "language")],
        "library": [_tag("transformers", "transformers", "library")],
        "license": [_tag("license:mit", "mit", "license")],
        "other": [_tag("foo", "foo", "other")],
        "pipeline_tag": [_tag("text-classification", "Text Classification", "pipeline_tag")],
    }


def test_dataset_tags_by_type(api: HfApi) -> None:
    assert api.get_dataset_tags() == {
        "language": [_tag("language:fr", "fr", "language")],
        "license": [_tag("license:apache-2.0", "apache-2.0", "license")],
        "other": [_tag("bar", "bar", "other")],
        "task_categories": [_tag("task_categories:question-answering", "question-answering", "task_categories")],
    }


def test_search_spaces_ranks_by_matching_words(api: HfApi) -> None:
    results = list(api.search_spaces("generate image"))
    assert all(isinstance(r, SpaceSearchResult) for r in results)
    # The private Space matches its id ("image") and is visible to its owner.
    assert [(r.id, r.semantic_relevancy_score) for r in results] == [
        ("alice/painter", 1.0),
        ("alice/chat", 0.5),
        ("alice/private-image", 0.5),
    ]
    painter = results[0]
    assert (painter.title, painter.emoji, painter.sdk, painter.author) == ("Image Maker", "🎨", "gradio", "alice")
    assert painter.ai_short_description == "Generate images from text"
    assert painter.tags == ["gradio", "art"] and painter.likes == 0 and painter.private is False
    anonymous = HfApi(endpoint=api.endpoint, token=False)
    assert [r.id for r in anonymous.search_spaces("image", include_non_running=True)] == [
        "alice/chat",
        "alice/painter",
    ]
    assert [r.id for r in api.search_spaces("image", sdk="docker")] == ["alice/chat"]
    assert [r.id for r in api.search_spaces("image", sdk=["gradio", "static"])] == [
        "alice/painter",
        "alice/private-image",
    ]
    assert [r.id for r in api.search_spaces("image", filter="art")] == ["alice/painter"]
    assert [r.id for r in api.search_spaces("image", filter=["art", "gradio"])] == ["alice/painter"]
    assert list(api.search_spaces("nothing-matches-this")) == []


def test_search_spaces_needs_a_query(api: HfApi) -> None:
    with pytest.raises(BadRequestError):
        list(api.search_spaces(""))
