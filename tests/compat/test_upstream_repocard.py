"""Cards on the Hub: the upstream client (huggingface_hub 1.29, in its own virtualenv) and ours load, update and push
the same cards, each against a fresh local Hub, and must leave the same `README.md` bytes and commits behind.

Upstream's `RepoCard.validate` always posts to https://huggingface.co (unreachable here), so the scenario replaces it,
on both sides, with a recorder of what it would have sent; the Hub still validates the README on commit, as
`create_commit` does for both clients. Ours is also run once without the replacement (see the last test).
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from huggingface_hub.local_hub import LocalHub
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status
from tools.compat.upstream_env import isolated_env

pytestmark = pytest.mark.compat

SCENARIO = textwrap.dedent(
    """
    import json, os, re, sys
    from huggingface_hub import HfApi, ModelCard, DatasetCard, SpaceCard, RepoCard, metadata_update
    from huggingface_hub import metadata_eval_result
    from huggingface_hub.repocard import RepoCard as _Base

    validated = []
    if sys.argv[1] == "record":
        _Base.validate = lambda self, repo_type=None: validated.append([type(self).__name__, repo_type, str(self)])
    api = HfApi()
    result = {"validated": validated}

    def readme(repo_id, repo_type=None, revision=None):
        path = api.hf_hub_download(repo_id, "README.md", repo_type=repo_type, revision=revision)
        with open(path, "rb") as f:
            return f.read().decode()

    def error_of(fn):
        try:
            fn()
        except Exception as e:
            return [type(e).__name__, re.sub(r" \\(Request ID: [^)]*\\)", "", str(e).splitlines()[0])]
        return None

    def result_for(value, split="test"):
        return metadata_eval_result(
            model_pretty_name="My model", task_pretty_name="Text Classification", task_id="text-classification",
            metrics_pretty_name="Accuracy", metrics_id="accuracy", metrics_value=value, dataset_pretty_name="IMDB",
            dataset_id="imdb", dataset_split=split,
        )

    card = ModelCard.load("alice/model")
    result["loaded"] = [card.content, card.data.to_dict()]
    result["update"] = [
        "/commit/" in metadata_update("alice/model", {"pipeline_tag": "text-classification", "tags": ["demo"]}),
        error_of(lambda: metadata_update("alice/model", {"license": "apache-2.0"})),
        error_of(lambda: metadata_update("alice/model", {"license": "apache-2.0"}, overwrite=True)),
        error_of(lambda: metadata_update("alice/model", result_for(0.5))),
        error_of(lambda: metadata_update("alice/model", result_for(0.7))),
        error_of(lambda: metadata_update("alice/model", result_for(0.7), overwrite=True)),
        error_of(lambda: metadata_update("alice/model", result_for(0.6, split="validation"))),
        error_of(lambda: metadata_update("alice/model", {"model-index": [{"results": []}]})),
        error_of(lambda: metadata_update("alice/model", {"x": 1}, repo_type="bucket")),
        error_of(lambda: metadata_update("alice/model", {"license": "mit"}, overwrite=True, create_pr=True)),
        error_of(lambda: metadata_update("alice/model", {"language": "fr"}, revision="dev")),
    ]
    result["model_readme"] = readme("alice/model")
    result["pr_readme"] = readme("alice/model", revision="refs/pr/1")
    result["dev_readme"] = readme("alice/model", revision="dev")
    result["commits"] = [c.title for c in api.list_repo_commits("alice/model")]

    dataset = DatasetCard.load("alice/data")
    dataset.data.size_categories = ["n<1K"]
    dataset.text = dataset.text + "More.\\r\\n"
    info = dataset.push_to_hub("alice/data", commit_message="Card", commit_description="Why")
    result["dataset"] = [readme("alice/data", "dataset"), info.commit_message, info.commit_description]
    space = SpaceCard.load("alice/app")
    metadata_update("alice/app", {"emoji": "🚀", "app_port": 8080}, repo_type="space")
    result["space"] = [space.data.to_dict(), readme("alice/app", "space")]
    result["stale_parent"] = error_of(
        lambda: ModelCard("---\\nlicense: mit\\n---\\nx").push_to_hub("alice/model", parent_commit="0" * 40)
    )
    print(json.dumps(result))
    """
)

MODEL_README = "---\r\nlicense: mit\r\nzeta: [1, 2]\r\nlanguage: en\r\n---\r\n# Model\r\n"
DATASET_README = "---\ntrain-eval-index:\n- config: default\nlicense: cc-by-4.0\npretty_name: Data\n---\n# Data\n"
SPACE_README = "---\ntitle: App\nsdk: gradio\napp_file: app.py\n---\n\n# App\n"


def _seed(hub: LocalHub) -> str:
    alice = hub.create_user("alice")

    def call(path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> None:
        headers = {**build_hf_headers(token=alice), **(headers or {})}
        response = get_session().post(f"{hub.endpoint}{path}", headers=headers, **kwargs)
        hf_raise_for_status(response)

    for name, kind, readme in (
        ("alice/model", "model", MODEL_README),
        ("alice/data", "dataset", DATASET_README),
        ("alice/app", "space", SPACE_README),
    ):
        call("/api/repos/create", json={"name": name, "type": kind, **({"sdk": "gradio"} if kind == "space" else {})})
        lines = [
            {"key": "header", "value": {"summary": "seed", "description": ""}},
            {"key": "file", "value": {"path": "README.md", "content": readme, "encoding": "utf-8"}},
        ]
        call(
            f"/api/{kind}s/{name}/commit/main",
            data="".join(json.dumps(line) + "\n" for line in lines).encode(),
            headers={"content-type": "application/x-ndjson"},
        )
    call("/api/models/alice/model/branch/dev", json={})
    return alice


def _run(python: Path, tmp_path: Path, side: str, mode: str = "record") -> dict[str, Any]:
    with LocalHub(tmp_path / f"hub-{side}-{mode}") as hub:
        alice = _seed(hub)
        env = {name: value for name, value in isolated_env().items() if not name.startswith(("HF_", "HUGGING"))}
        env.update(
            HF_ENDPOINT=hub.endpoint,
            HF_TOKEN=alice,
            HF_HOME=str(tmp_path / f"hf-home-{side}-{mode}"),
            HF_HUB_DISABLE_TELEMETRY="1",
            HF_HUB_DISABLE_XET="1",
        )
        proc = subprocess.run(
            [str(python), "-c", SCENARIO, mode],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=600,
            check=False,
        )
        assert proc.returncode == 0, f"{side}: {proc.stderr[-4000:]}"
        return json.loads(proc.stdout.strip().splitlines()[-1].replace(hub.endpoint, "{E}"))


def test_same_cards_as_upstream(upstream_python: Path, tmp_path: Path) -> None:
    ours = _run(Path(sys.executable), tmp_path, "ours")
    theirs = _run(upstream_python, tmp_path, "upstream")
    assert ours == theirs
    # The right results, not the same mistake twice.
    assert ours["loaded"][0] == "---\r\nlicense: mit\r\nzeta:\r\n- 1\r\n- 2\r\nlanguage: en\r\n---\r\n# Model\r\n"
    assert ours["update"][0] is True
    assert ours["update"][1][1].startswith("You passed a new value for the existing meta data field 'license'.")
    assert ours["update"][4][1].startswith("You passed a new value for the existing metric 'name: Accuracy, type: acc")
    assert ours["update"][10][1].startswith("You passed a new value for the existing meta data field 'language'.")
    assert ours["model_readme"].startswith("---\r\nlicense: apache-2.0\r\nzeta:\r\n- 1\r\n- 2\r\nlanguage: en\r\n")
    assert "model-index:\r\n- name: My model\r\n" in ours["model_readme"]
    assert "split: validation\r\n    metrics:\r\n    - type: accuracy\r\n      value: 0.6\r\n" in ours["model_readme"]
    assert ours["pr_readme"].startswith("---\r\nlicense: mit\r\n") and ours["dev_readme"].endswith("# Model\r\n")
    assert ours["commits"][0] == "Update metadata with huggingface_hub" and ours["dataset"][1:] == ["Card", "Why"]
    assert (
        ours["space"][1] == "---\ntitle: App\nsdk: gradio\napp_file: app.py\nemoji: 🚀\napp_port: 8080\n---\n\n# App\n"
    )
    assert ours["stale_parent"][1].startswith("Client error '412 Precondition Failed'")
    assert [entry[:2] for entry in ours["validated"][-3:]] == [
        ["DatasetCard", "dataset"],
        ["RepoCard", "space"],
        ["ModelCard", "model"],
    ]


def test_our_validation_reaches_the_configured_hub(tmp_path: Path) -> None:
    """Without the recorder, ours validates on the local Hub and reaches the same end state."""
    recorded = _run(Path(sys.executable), tmp_path, "ours", mode="record")
    real = _run(Path(sys.executable), tmp_path, "ours", mode="validate")
    for key in ("loaded", "update", "model_readme", "pr_readme", "dev_readme", "commits", "dataset", "space"):
        assert real[key] == recorded[key], key
    assert real["validated"] == []
