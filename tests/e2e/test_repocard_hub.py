"""Repository cards against the local Hub: load a README, validate metadata, push a card, update metadata."""

from pathlib import Path

import pytest

from huggingface_hub import (
    DatasetCard,
    DatasetCardData,
    EvalResult,
    HfApi,
    ModelCard,
    ModelCardData,
    RepoCard,
    SpaceCard,
    constants,
    hf_api,
    metadata_eval_result,
    metadata_update,
)
from huggingface_hub.errors import HfHubHTTPError, RemoteEntryNotFoundError, RepositoryNotFoundError
from huggingface_hub.local_hub import LocalHub

README = "---\r\nlicense: mit\r\ntags:\r\n- demo\r\n---\r\n# Demo\r\n"


@pytest.fixture
def api(local_hub: LocalHub, alice_token: str, monkeypatch: pytest.MonkeyPatch) -> HfApi:
    """Module-level helpers (`hf_hub_download`, `upload_file`, validation) pointed at the local Hub as alice."""
    monkeypatch.setattr(constants, "ENDPOINT", local_hub.endpoint)
    template = local_hub.endpoint + "/{repo_id}/resolve/{revision}/{filename}"
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", template)
    monkeypatch.setattr(hf_api.api, "endpoint", local_hub.endpoint)
    monkeypatch.setattr(hf_api.api, "token", alice_token)
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    api.create_repo("alice/model")
    api.upload_file(path_or_fileobj=README.encode(), path_in_repo="README.md", repo_id="alice/model")
    return api


def _readme(api: HfApi, repo_id: str, repo_type: str | None = None, revision: str | None = None) -> str:
    path = api.hf_hub_download(repo_id, "README.md", repo_type=repo_type, revision=revision)
    return Path(path).read_bytes().decode()


def test_load_from_the_hub_keeps_line_endings(api: HfApi, alice_token: str):
    card = ModelCard.load("alice/model", token=alice_token)
    assert card.data.license == "mit" and card.data.tags == ["demo"]
    assert card.text == "# Demo\r\n" and card.content == README


def test_load_errors(api: HfApi, alice_token: str):
    with pytest.raises(RepositoryNotFoundError):
        ModelCard.load("alice/nope", token=alice_token)
    api.create_repo("alice/empty", repo_type="dataset")
    with pytest.raises(RemoteEntryNotFoundError):
        DatasetCard.load("alice/empty", token=alice_token)
    # The class's repository type is used: there is no Space of that name.
    with pytest.raises(RepositoryNotFoundError):
        SpaceCard.load("alice/model", token=alice_token)


def test_validate(api: HfApi):
    ModelCard(README).validate()
    card = ModelCard("---\nlicense: not-a-license\n---\n")
    with pytest.raises(ValueError, match=r'^- Error: "license" must be one of \[apache-2.0, mit,'):
        card.validate()
    # Space metadata is checked as a Space's.
    with pytest.raises(ValueError, match="sdk"):
        SpaceCard("---\nsdk: not-an-sdk\n---\n").validate()


def test_push_to_hub_commits_the_card(api: HfApi, alice_token: str):
    card = ModelCard.from_template(ModelCardData(license="apache-2.0", language="en"), model_id="alice/model")
    info = card.push_to_hub("alice/model", token=alice_token, commit_message="New card")
    assert info.commit_url.startswith(api.endpoint) and "alice/model" in info.commit_url
    assert api.list_repo_commits("alice/model")[0].title == "New card"
    assert _readme(api, "alice/model") == card.content

    # Another branch, a pull request, and a parent commit that is not the head any more.
    api.create_branch("alice/model", branch="dev")
    card.text = "dev body\n"
    card.push_to_hub("alice/model", token=alice_token, revision="dev")
    assert _readme(api, "alice/model", revision="dev").endswith("dev body\n")
    pr = card.push_to_hub("alice/model", token=alice_token, create_pr=True)
    assert pr.pr_num is not None and pr.pr_url is not None
    old_head = api.list_repo_commits("alice/model")[-1].commit_id
    card.text = "stale\n"
    with pytest.raises(HfHubHTTPError) as error:
        card.push_to_hub("alice/model", token=alice_token, parent_commit=old_head)
    assert error.value.response is not None and error.value.response.status_code == 412
    assert "stale" not in _readme(api, "alice/model")


def test_push_to_hub_refuses_invalid_metadata_before_uploading(api: HfApi, alice_token: str):
    head = api.list_repo_commits("alice/model")[0].commit_id
    with pytest.raises(ValueError, match='"license" must be one of'):
        ModelCard("---\nlicense: nope\n---\n").push_to_hub("alice/model", token=alice_token)
    assert api.list_repo_commits("alice/model")[0].commit_id == head


def test_dataset_card_push(api: HfApi, alice_token: str):
    api.create_repo("alice/data", repo_type="dataset")
    card = DatasetCard.from_template(DatasetCardData(license="cc-by-4.0", pretty_name="Data"))
    card.push_to_hub("alice/data", token=alice_token)
    loaded = DatasetCard.load("alice/data", token=alice_token)
    assert loaded.data.pretty_name == "Data" and loaded.text.startswith("\n# Dataset Card for Data\n")


def test_metadata_update_on_a_real_repo(api: HfApi, alice_token: str):
    url = metadata_update("alice/model", {"pipeline_tag": "text-classification"}, token=alice_token)
    assert "alice/model" in url
    assert api.list_repo_commits("alice/model")[0].title == "Update metadata with huggingface_hub"
    content = _readme(api, "alice/model")
    assert (
        content == "---\r\nlicense: mit\r\ntags:\r\n- demo\r\npipeline_tag: text-classification\r\n---\r\n# Demo\r\n"
    )
    assert api.model_info("alice/model").pipeline_tag == "text-classification"

    with pytest.raises(ValueError, match="You passed a new value for the existing meta data field 'license'"):
        metadata_update("alice/model", {"license": "apache-2.0"}, token=alice_token)
    metadata_update("alice/model", {"license": "apache-2.0"}, overwrite=True, token=alice_token)
    assert ModelCard.load("alice/model", token=alice_token).data.license == "apache-2.0"


def test_metadata_update_merges_eval_results(api: HfApi, alice_token: str):
    def result(value: float, split: str = "test") -> dict:
        return metadata_eval_result(
            model_pretty_name="My model",
            task_pretty_name="Text Classification",
            task_id="text-classification",
            metrics_pretty_name="Accuracy",
            metrics_id="accuracy",
            metrics_value=value,
            dataset_pretty_name="IMDB",
            dataset_id="imdb",
            dataset_split=split,
        )

    metadata_update("alice/model", result(0.5), token=alice_token)
    metadata_update("alice/model", result(0.5), token=alice_token)  # same value: nothing to refuse
    with pytest.raises(ValueError, match="You passed a new value for the existing metric 'name: Accuracy, type"):
        metadata_update("alice/model", result(0.7), token=alice_token)
    metadata_update("alice/model", result(0.7), overwrite=True, token=alice_token)
    metadata_update("alice/model", result(0.6, split="validation"), token=alice_token)
    data = ModelCard.load("alice/model", token=alice_token).data
    assert data.model_name == "My model"
    assert [(r.dataset_split, r.metric_value) for r in data.eval_results] == [("test", 0.7), ("validation", 0.6)]
    assert all(isinstance(r, EvalResult) for r in data.eval_results)


def test_metadata_update_without_readme(api: HfApi, alice_token: str):
    api.create_repo("alice/bare")
    metadata_update("alice/bare", {"license": "mit"}, token=alice_token)
    card = ModelCard.load("alice/bare", token=alice_token)
    assert card.data.license == "mit" and "# Model Card for Model ID" in card.text

    api.create_repo("alice/space", repo_type="space", space_sdk="static")
    with pytest.raises(ValueError, match="Cannot update metadata on a Space that doesn't contain a `README.md`"):
        metadata_update("alice/space", {"title": "x"}, repo_type="space", token=alice_token)
    with pytest.raises(ValueError, match="Unknown repo_type: bucket"):
        metadata_update("alice/space", {"title": "x"}, repo_type="bucket", token=alice_token)


def test_metadata_update_reads_the_default_branch_and_commits_to_revision(api: HfApi, alice_token: str):
    api.create_branch("alice/model", branch="dev")
    api.upload_file(
        path_or_fileobj=b"---\nlicense: other\n---\ndev\n",
        path_in_repo="README.md",
        repo_id="alice/model",
        revision="dev",
    )
    metadata_update("alice/model", {"language": "en"}, revision="dev", token=alice_token)
    assert _readme(api, "alice/model", revision="dev").startswith("---\r\nlicense: mit\r\n")  # as upstream
    assert "language" not in _readme(api, "alice/model")


def test_repo_card_on_a_space(api: HfApi, alice_token: str):
    api.create_repo("alice/app", repo_type="space", space_sdk="gradio")
    api.upload_file(
        path_or_fileobj=b"---\ntitle: App\nsdk: gradio\napp_file: app.py\n---\n",
        path_in_repo="README.md",
        repo_id="alice/app",
        repo_type="space",
    )
    card = SpaceCard.load("alice/app", token=alice_token)
    assert card.data.sdk == "gradio" and card.data.app_file == "app.py"
    metadata_update("alice/app", {"emoji": "🚀"}, repo_type="space", token=alice_token)
    assert RepoCard.load("alice/app", repo_type="space", token=alice_token).data.emoji == "🚀"
