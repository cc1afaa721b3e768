"""`get_dataset_leaderboard` and `hf datasets leaderboard` against the local Hub, which ranks the scores that model
repositories publish in `.eval_results/*.yaml` about a benchmark dataset (one with `eval.yaml` at its root)."""

import json
from pathlib import Path

import pytest

from huggingface_hub import CommitOperationAdd, DatasetLeaderboardEntry, HfApi, Organization, User
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.local_hub import LocalHub
from tests.e2e._cli_runner import run_cli


def _results(*entries: dict) -> bytes:
    lines = []
    for entry in entries:
        lines.append(f"- dataset: {{id: {entry['dataset']}, task_id: {entry.get('task', 'default')}}}")
        lines.append(f"  value: {entry['value']}")
        if "source" in entry:
            lines.append(f"  source: {json.dumps(entry['source'])}")
        if "notes" in entry:
            lines.append(f"  notes: {entry['notes']}")
    return ("\n".join(lines) + "\n").encode()


def _model(api: HfApi, repo_id: str, files: dict[str, bytes], private: bool = False) -> None:
    api.create_repo(repo_id, private=private)
    api.create_commit(
        repo_id, operations=[CommitOperationAdd(p, c) for p, c in files.items()], commit_message="results"
    )


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    with LocalHub(tmp_path_factory.mktemp("hub")) as hub:
        alice = hub.create_user("alice")
        bob = hub.create_user("bob")
        hub.create_org("acme", ["alice"])
        api = HfApi(endpoint=hub.endpoint, token=alice)
        bob_api = HfApi(endpoint=hub.endpoint, token=bob)

        api.create_repo("alice/bench", repo_type="dataset")
        api.upload_file(path_or_fileobj=b"name: bench\ntasks: [{id: default}]\n", path_in_repo="eval.yaml",
                        repo_id="alice/bench", repo_type="dataset")  # fmt: skip
        api.create_repo("alice/plain", repo_type="dataset")

        paper = {"url": "https://example.org/paper", "name": "Paper"}
        _model(api, "alice/model-a", {".eval_results/bench.yaml": _results(
            {"dataset": "alice/bench", "value": 71.5, "source": paper},
            {"dataset": "someone/else", "value": 99},
        )})  # fmt: skip
        _model(api, "acme/model-b", {".eval_results/bench_tools.yaml": _results(
            {"dataset": "alice/bench", "value": 80, "notes": "With tools"},
        )})  # fmt: skip
        _model(api, "alice/model-c", {
            ".eval_results/a.yaml": _results({"dataset": "alice/bench", "value": 71.5}),
            ".eval_results/b.yml": _results({"dataset": "alice/bench", "value": 60}),
            ".eval_results/notes.txt": _results({"dataset": "alice/bench", "value": 1000}),  # not a result file
            "other/bench.yaml": _results({"dataset": "alice/bench", "value": 1000}),  # not in .eval_results
        })  # fmt: skip
        _model(api, "alice/finetune", {
            "README.md": b"---\nbase_model: alice/model-a\n---\n",
            ".eval_results/bench.yaml": _results({"dataset": "alice/bench", "value": 99}),
        })  # fmt: skip
        _model(bob_api, "bob/secret", {".eval_results/bench.yaml": _results({"dataset": "alice/bench", "value": 90})},
               private=True)  # fmt: skip
        _model(api, "alice/model-pr", {"config.json": b"{}"})
        bob_api.create_commit("alice/model-pr", operations=[CommitOperationAdd(
            ".eval_results/bench.yaml", _results({"dataset": "alice/bench", "value": 50}))],
            commit_message="add my eval", create_pr=True)  # fmt: skip
        closed = bob_api.create_commit("alice/model-pr", operations=[CommitOperationAdd(
            ".eval_results/other.yaml", _results({"dataset": "alice/bench", "value": 95}))],
            commit_message="another eval", create_pr=True)  # fmt: skip
        api.change_discussion_status("alice/model-pr", closed.pr_num, "closed")
        yield hub, alice, bob


def test_ranking_of_root_models(hub) -> None:
    local_hub, alice, _ = hub
    board = HfApi(endpoint=local_hub.endpoint, token=alice).get_dataset_leaderboard("alice/bench")

    assert all(isinstance(entry, DatasetLeaderboardEntry) for entry in board)
    assert [(e.rank, e.model_id, e.value, e.filename, e.pull_request) for e in board] == [
        (1, "acme/model-b", 80, ".eval_results/bench_tools.yaml", None),
        (2, "alice/model-a", 71.5, ".eval_results/bench.yaml", None),
        (2, "alice/model-c", 71.5, ".eval_results/a.yaml", None),
        (4, "alice/model-c", 60, ".eval_results/b.yml", None),
        (5, "alice/model-pr", 50, ".eval_results/bench.yaml", 1),
    ]
    first, second = board[0], board[1]
    assert first.notes == "With tools" and first.source is None and first.verified is False
    assert isinstance(first.author, Organization) and first.author.name == "acme"
    assert isinstance(second.author, User) and second.author.username == "alice"
    assert second.source == {"url": "https://example.org/paper", "name": "Paper", "isExternal": True}


def test_derived_models_and_private_ones(hub) -> None:
    local_hub, alice, bob = hub
    everything = HfApi(endpoint=local_hub.endpoint, token=alice).get_dataset_leaderboard(
        "alice/bench", base_model_only=False
    )
    assert [(e.rank, e.model_id) for e in everything][:2] == [(1, "alice/finetune"), (2, "acme/model-b")]
    assert len(everything) == 6

    # Bob sees his private model; anonymous callers do not.
    bobs = HfApi(endpoint=local_hub.endpoint, token=bob).get_dataset_leaderboard("alice/bench", base_model_only=True)
    assert [(e.rank, e.model_id) for e in bobs][:2] == [(1, "bob/secret"), (2, "acme/model-b")]
    anonymous = HfApi(endpoint=local_hub.endpoint, token=False).get_dataset_leaderboard("alice/bench")
    assert "bob/secret" not in {e.model_id for e in anonymous} and len(anonymous) == 5


def test_datasets_without_leaderboard(hub) -> None:
    local_hub, alice, _ = hub
    api = HfApi(endpoint=local_hub.endpoint, token=alice)
    with pytest.raises(HfHubHTTPError) as error:
        api.get_dataset_leaderboard("alice/plain")
    assert not isinstance(error.value, RepositoryNotFoundError)
    assert error.value.response.status_code == 404
    assert "does not have a leaderboard" in str(error.value)
    with pytest.raises(RepositoryNotFoundError):
        api.get_dataset_leaderboard("alice/missing")


def test_cli(hub, tmp_path: Path) -> None:
    local_hub, alice, _ = hub
    run = run_cli(local_hub.endpoint, alice, tmp_path, "datasets", "leaderboard", "alice/bench", "--limit", "2",
                  "--format", "json")  # fmt: skip
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)
    assert [(r["rank"], r["model_id"]) for r in rows] == [(1, "acme/model-b"), (2, "alice/model-a")]
    assert rows[0]["author"]["name"] == "acme"
    assert "Use 'hf models info acme/model-b' to get details about a model." in run.stderr

    run = run_cli(local_hub.endpoint, alice, tmp_path, "datasets", "leaderboard", "alice/bench")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["RANK", "MODEL_ID", "VALUE", "SOURCE"]
    assert lines[2].split() == ["1", "acme/model-b", "80"]  # no source: an empty cell
    assert lines[3].split() == ["2", "alice/model-a", "71.5", "Paper"]
    assert len(lines) == 7
