"""`hf models|datasets|spaces ls` without a repository: search listings of the local Hub, one table row per repo."""

import json
from pathlib import Path

import pytest

from huggingface_hub.local_hub import LocalHub
from tests.e2e._cli_runner import Run, run_cli
from tests.e2e._seed import commit, create_repo

CARD = b"---\nlicense: mit\npipeline_tag: text-classification\ntags: [foo]\n---\nA model.\n"


@pytest.fixture
def hf(local_hub: LocalHub, alice_token: str, tmp_path: Path):
    def run(*args: str, token: str | None = alice_token) -> Run:
        return run_cli(local_hub.endpoint, token, tmp_path / "home", *args)

    return run


@pytest.fixture
def repos(local_hub: LocalHub, alice_token: str) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/classifier")
    commit(local_hub.endpoint, alice_token, "alice/classifier", files={"README.md": CARD})
    create_repo(local_hub.endpoint, alice_token, "alice/plain")
    create_repo(local_hub.endpoint, alice_token, "alice/hidden", private=True)
    bob = local_hub.create_user("bob")
    create_repo(local_hub.endpoint, bob, "bob/other")
    create_repo(local_hub.endpoint, alice_token, "alice/data", repo_type="dataset")


def test_models_table_in_every_format(hf, repos) -> None:
    human = hf("models", "ls", "--author", "alice", "--sort", "created_at")
    assert human.returncode == 0, human.stderr
    lines = human.stdout.splitlines()
    assert lines[0].split() == ["ID", "CREATED_AT", "DOWNLOADS", "LIKES", "PRIVATE", "TAGS", "TRENDING_SCORE"]
    assert [line.split()[0] for line in lines[2:]] == ["alice/hidden", "alice/plain", "alice/classifier"]
    assert "✔" in lines[2] and "✔" not in lines[3]  # private
    assert "text-classification, foo, license:mit" in lines[4]

    rows = json.loads(hf("models", "ls", "--author", "alice", "--json").stdout)
    classifier = next(row for row in rows if row["id"] == "alice/classifier")
    assert classifier["pipeline_tag"] == "text-classification"
    assert classifier["tags"] == ["text-classification", "foo", "license:mit"]
    assert "siblings" not in classifier  # None fields are left out

    agent = hf("models", "ls", "--search", "plain", "--format", "agent").stdout.splitlines()
    assert agent[0] == "id\tcreated_at\tdownloads\tlikes\tprivate\ttags\ttrending_score"
    assert agent[1].startswith("alice/plain\t") and agent[1].endswith("\t0\t0\tFalse\t[]\t0")
    assert sorted(hf("models", "ls", "-q").stdout.split()) == [
        "alice/classifier",
        "alice/hidden",
        "alice/plain",
        "bob/other",
    ]


def test_models_filters(hf, repos, local_hub) -> None:
    def ids(*args: str, **kwargs: str) -> list[str]:
        result = hf("models", "ls", *args, "-q", **kwargs)
        assert result.returncode == 0, result.stderr
        return sorted(result.stdout.split())

    assert ids("--filter", "foo") == ["alice/classifier"]
    assert ids("--pipeline-tag", "text-classification") == ["alice/classifier"]
    assert ids("--search", "cla") == ["alice/classifier"]
    assert ids("--author", "bob") == ["bob/other"]
    assert ids("--gated") == []
    assert len(ids("--no-gated")) == 4
    assert len(ids("--limit", "2")) == 2
    assert ids(token=local_hub.create_user("carol")) == ["alice/classifier", "alice/plain", "bob/other"]

    expanded = json.loads(hf("models", "ls", "--search", "plain", "--expand", "downloads,likes", "--json").stdout)
    assert expanded == [{"id": "alice/plain", "downloads": 0, "likes": 0}]
    invalid = hf("models", "ls", "--sort", "size")
    assert invalid.returncode == 2
    assert "Error: Invalid value for '--sort': 'size' is not one of" in invalid.stderr


def test_inference_options_and_hint(hf, repos) -> None:
    # The local Hub serves no inference: nothing matches, and the hint says how to see the providers.
    warm = hf("models", "ls", "--warm")
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout == "No results found.\n"
    assert warm.stderr == (
        "Hint: Use `--expand inferenceProviderMapping` to see which provider serves each model and the "
        "provider-specific model id.\n"
    )
    # A provider the client does not know yet is still accepted (the Hub learns new ones).
    assert hf("models", "ls", "--inference-provider", "brand-new-provider", "--json").stdout == "[]\n"


def test_datasets_and_spaces(hf, repos, local_hub, alice_token) -> None:
    assert hf("datasets", "ls", "-q").stdout == "alice/data\n"
    assert hf("datasets", "ls", "--author", "bob").stdout == "No results found.\n"
    datasets = json.loads(hf("datasets", "list", "--expand", "likes", "--json").stdout)
    assert datasets == [{"id": "alice/data", "likes": 0}]

    assert hf("spaces", "ls").stdout == "No results found.\n"
    assert hf("repos", "create", "alice/app", "--type", "space", "--sdk", "gradio").returncode == 0
    spaces = json.loads(hf("spaces", "ls", "--sort", "likes", "--json").stdout)
    assert [(space["id"], space.get("sdk")) for space in spaces] == [("alice/app", "gradio")]
    invalid = hf("spaces", "ls", "--sort", "downloads")  # Spaces have no download counts
    assert invalid.returncode == 2
