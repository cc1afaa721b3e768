"""`list_models`, `list_datasets`, `list_spaces` against the local Hub: filters, sort, limit, lazy pages, fields."""

import inspect

import pytest

from huggingface_hub.hf_api import DatasetInfo, HfApi, ModelInfo, SpaceInfo
from huggingface_hub.local_hub import LocalHub
from huggingface_hub.repocard_data import ModelCardData
from tests.e2e._seed import commit

MODEL_CARD = b"""---
license: mit
tags: [vision, vision]
datasets: [alice/pets]
pipeline_tag: image-classification
co2_eq_emissions:
  emissions: 12.5
---
# Classifier
"""
DATASET_CARD = b"---\nlanguage: [en, fr]\nlicense: cc-by-4.0\ntask_categories: [image-classification]\n---\n"
SPACE_CARD = b"---\ntitle: Demo\nsdk: gradio\nmodels: [alice/classifier]\ndatasets: [alice/pets]\n---\n"


@pytest.fixture
def hub(local_hub: LocalHub, alice_token: str) -> dict:
    alice = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    bob = HfApi(endpoint=local_hub.endpoint, token=local_hub.create_user("bob"))
    alice.create_repo("alice/classifier")
    commit(local_hub.endpoint, alice_token, "alice/classifier", files={"README.md": MODEL_CARD})
    alice.create_repo("alice/plain-model")
    alice.create_repo("alice/hidden-model", private=True)
    bob.create_repo("bob/other-model")
    alice.create_repo("alice/pets", repo_type="dataset")
    commit(local_hub.endpoint, alice_token, "alice/pets", files={"README.md": DATASET_CARD}, repo_type="dataset")
    alice.create_repo("alice/secret-data", repo_type="dataset", private=True)
    alice.create_repo("alice/demo", repo_type="space", space_sdk="gradio")
    commit(local_hub.endpoint, alice_token, "alice/demo", files={"README.md": SPACE_CARD}, repo_type="space")
    alice.create_repo("alice/unlinked", repo_type="space", space_sdk="static")
    return {"alice": alice, "bob": bob, "anonymous": HfApi(endpoint=local_hub.endpoint, token=False)}


def ids(infos) -> list[str]:
    return sorted(info.id for info in infos)


def test_list_models_is_lazy_and_typed(hub: dict) -> None:
    models = hub["alice"].list_models(author="alice")
    assert inspect.isgenerator(models)
    listed = list(models)
    assert all(isinstance(m, ModelInfo) and m.siblings is None for m in listed)
    assert ids(listed) == ["alice/classifier", "alice/hidden-model", "alice/plain-model"]


def test_private_repositories_are_listed_for_members_only(hub: dict) -> None:
    assert "alice/hidden-model" not in ids(hub["bob"].list_models(author="alice"))
    assert "alice/hidden-model" not in ids(hub["anonymous"].list_models())
    assert ids(hub["bob"].list_datasets(author="alice")) == ["alice/pets"]
    assert ids(hub["alice"].list_datasets(author="alice")) == ["alice/pets", "alice/secret-data"]


def test_list_models_filters(hub: dict) -> None:
    api = hub["anonymous"]
    assert ids(api.list_models(search="model")) == ["alice/plain-model", "bob/other-model"]
    assert ids(api.list_models(filter="vision")) == ["alice/classifier"]
    assert ids(api.list_models(filter=["vision", "license:mit"])) == ["alice/classifier"]
    assert ids(api.list_models(filter=["vision", "license:apache-2.0"])) == []
    assert ids(api.list_models(trained_dataset="alice/pets")) == ["alice/classifier"]
    assert ids(api.list_models(trained_dataset=["dataset:alice/pets"])) == ["alice/classifier"]
    assert ids(api.list_models(pipeline_tag="image-classification")) == ["alice/classifier"]
    with pytest.warns(FutureWarning, match="model_name"):
        assert ids(api.list_models(model_name="other")) == ["bob/other-model"]


def test_sort_and_limit(hub: dict) -> None:
    api = hub["alice"]
    newest_first = [m.id for m in api.list_models(sort="created_at")]
    assert newest_first[0] == "bob/other-model" and newest_first[-1] == "alice/classifier"
    assert [m.id for m in api.list_models(sort="created_at", limit=2)] == newest_first[:2]
    assert [m.id for m in api.list_models(sort="last_modified", limit=1)] == ["bob/other-model"]


def test_fields_full_card_data_expand(hub: dict) -> None:
    api = hub["anonymous"]
    (full,) = api.list_models(search="classifier", full=True)
    assert full.sha is not None and full.siblings is not None
    assert sorted(s.rfilename for s in full.siblings) == [".gitattributes", "README.md"]
    (with_card,) = api.list_models(search="classifier", cardData=True)
    assert isinstance(with_card.card_data, ModelCardData)
    assert with_card.card_data.license == "mit" and with_card.card_data.tags == ["vision"]
    (expanded,) = api.list_models(search="classifier", expand=["sha", "author"])
    assert expanded.sha == full.sha and expanded.author == "alice" and expanded.tags is None
    with pytest.raises(ValueError, match="`expand` cannot be used"):
        list(api.list_models(expand=["sha"], full=True))


def test_emissions_thresholds(hub: dict) -> None:
    api = hub["anonymous"]
    assert ids(api.list_models(cardData=True, emissions_thresholds=(10, 20))) == ["alice/classifier"]
    assert ids(api.list_models(cardData=True, emissions_thresholds=(0, 12))) == []
    with pytest.raises(ValueError, match="without setting `cardData=True`"):
        list(api.list_models(emissions_thresholds=(0, 1)))


def test_list_datasets(hub: dict) -> None:
    api = hub["anonymous"]
    listed = list(api.list_datasets(author="alice"))
    assert [d.id for d in listed] == ["alice/pets"] and isinstance(listed[0], DatasetInfo)
    assert ids(api.list_datasets(language="fr")) == ["alice/pets"]
    assert ids(api.list_datasets(language=["de"])) == []
    assert ids(api.list_datasets(task_categories="image-classification")) == ["alice/pets"]
    assert ids(api.list_datasets(filter="license:cc-by-4.0")) == ["alice/pets"]
    assert ids(api.list_datasets(dataset_name="pet")) == ["alice/pets"]
    (full,) = api.list_datasets(search="pets", full=True)
    assert full.siblings is not None and full.sha is not None
    (with_card,) = api.list_datasets(search="pets", expand=["cardData"])
    assert with_card.card_data is not None and with_card.card_data.language == ["en", "fr"]
    with pytest.raises(ValueError, match="`expand` cannot be used"):
        list(api.list_datasets(expand=["sha"], full=True))


def test_list_spaces(hub: dict) -> None:
    api = hub["anonymous"]
    listed = list(api.list_spaces(author="alice"))
    assert ids(listed) == ["alice/demo", "alice/unlinked"] and all(isinstance(s, SpaceInfo) for s in listed)
    assert {s.id: s.sdk for s in listed} == {"alice/demo": "gradio", "alice/unlinked": "static"}
    assert ids(api.list_spaces(models="alice/classifier")) == ["alice/demo"]
    assert ids(api.list_spaces(datasets=["alice/pets"])) == ["alice/demo"]
    assert ids(api.list_spaces(linked=True)) == ["alice/demo"]
    assert ids(api.list_spaces(search="unl", limit=5)) == ["alice/unlinked"]
    (expanded,) = api.list_spaces(search="demo", expand=["sdk", "models"])
    assert expanded.sdk == "gradio" and expanded.models == ["alice/classifier"]


def test_listing_follows_link_pages(local_hub: LocalHub, alice_token: str) -> None:
    # The server pages by `limit`; pages after the first are fetched from the `Link` header as given.
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    for i in range(5):
        api.create_repo(f"alice/m{i}")
    from huggingface_hub.utils import paginate

    pages = paginate(f"{local_hub.endpoint}/api/models", params={"limit": 2, "author": "alice"}, headers={})
    assert sorted(item["id"] for item in pages) == [f"alice/m{i}" for i in range(5)]
