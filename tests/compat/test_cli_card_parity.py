"""`hf models|datasets|spaces card` print what upstream's `hf` 1.29 prints, run against the same local Hub.

Every command is read-only: both sides run it with the same arguments, and stdout, stderr and the exit code must be
equal, byte for byte.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from huggingface_hub import HfApi
from huggingface_hub.local_hub import LocalHub
from tests.e2e._cli_runner import Run, run_cli
from tests.e2e._seed import commit

pytestmark = pytest.mark.compat

MODEL_CARD = (
    "---\r\nlicense: mit\r\nlanguage:\r\n- en\r\n- fr\r\ntags: [b, a, b]\r\nwidget:\r\n- text: Ça va? 👀\r\n"
    "model-index:\r\n- name: demo\r\n  results:\r\n  - task: {type: text-classification}\r\n"
    "    dataset: {name: IMDB, type: imdb}\r\n    metrics: [{type: accuracy, value: 0.9}]\r\n---\r\n"
    "# Demo\r\n\r\nA model.\r\n"
)
DATASET_CARD = "---\ntrain-eval-index:\n- config: default\nlicense: cc\npretty_name: Data\nnone_value:\n---\nRows.\n"
SPACE_CARD = "---\ntitle: App\nemoji: 🚀\nsdk: gradio\napp_port: 7860\npinned: false\n---\n\n# App\n"

HELP_PAGES = [
    ["models", "card", "--help"],
    ["datasets", "card", "--help"],
    ["spaces", "card", "--help"],
    ["models", "card"],  # no argument: the help, exit 0
    ["models", "--help"],
    ["datasets", "--help"],
]

COMMANDS = [
    ["models", "card", "alice/demo"],
    ["models", "card", "alice/demo", "--metadata"],
    ["models", "card", "alice/demo", "--metadata", "--format", "json"],
    ["models", "card", "alice/demo", "--metadata", "--format", "agent"],
    ["models", "card", "alice/demo", "--metadata", "-q"],
    ["models", "card", "alice/demo", "--text"],
    ["models", "card", "alice/demo", "--text", "--json"],
    ["models", "card", "alice/demo", "--json"],
    ["models", "card", "alice/demo", "-q"],
    ["models", "card", "alice/demo", "--format", "agent"],
    ["models", "card", "alice/demo", "--metadata", "--text"],
    ["models", "card", "alice/nope"],
    ["models", "card", "alice/private"],
    ["models", "card", "alice/bare"],
    ["models", "card", "alice/plain"],
    ["models", "card", "alice/plain", "--metadata"],
    ["models", "card", "alice/list-meta"],
    ["models", "card", "alice/bad-index", "--metadata"],
    ["models", "card", "datasets/alice/data"],
    ["models", "card", "not a valid id"],
    ["models", "card", "alice/demo", "--bogus"],
    ["datasets", "card", "alice/data"],
    ["datasets", "card", "alice/data", "--metadata"],
    ["datasets", "card", "alice/data", "--text", "--format", "agent"],
    ["datasets", "card", "alice/demo"],
    ["spaces", "card", "alice/app"],
    ["spaces", "card", "alice/app", "--metadata", "--json"],
    ["spaces", "card", "alice/app", "--text"],
    ["spaces", "card", "alice/nope", "--metadata"],
]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    with LocalHub(tmp_path_factory.mktemp("hub")) as hub:
        token = hub.create_user("alice")
        repos = {
            ("alice/demo", "model"): MODEL_CARD,
            ("alice/private", "model"): "---\nlicense: mit\n---\nSecret.\n",
            ("alice/bare", "model"): None,
            ("alice/plain", "model"): "# No metadata\n\nJust text.\n",
            ("alice/list-meta", "model"): "---\n- a\n- b\n---\nbody\n",
            ("alice/bad-index", "model"): "---\nmodel-index:\n- name: x\n  results:\n  - task: {}\n---\nbody\n",
            ("alice/data", "dataset"): DATASET_CARD,
            ("alice/app", "space"): SPACE_CARD,
        }
        api = HfApi(endpoint=hub.endpoint, token=token)
        for (repo_id, repo_type), card in repos.items():
            sdk = "gradio" if repo_type == "space" else None
            api.create_repo(repo_id, repo_type=repo_type, private=repo_id == "alice/private", space_sdk=sdk)
            if card is not None:
                commit(hub.endpoint, token, repo_id, repo_type=repo_type, files={"README.md": card.encode()})
        yield hub, token


def _normalised(run: Run) -> Run:
    def clean(text: str) -> str:
        text = re.sub(r"Request ID: [0-9A-Za-z-]+", "Request ID: <id>", text)
        return text.replace(sys.executable, "<python>")

    return Run(run.returncode, clean(run.stdout), clean(run.stderr))


def _both(hub, upstream_python: Path, tmp_path: Path, args: list[str], token_of_alice: bool = True) -> None:
    local_hub, token = hub
    token = token if token_of_alice else None
    ours = _normalised(run_cli(local_hub.endpoint, token, tmp_path / "ours", *args))
    theirs = _normalised(run_cli(local_hub.endpoint, token, tmp_path / "up", *args, python=upstream_python))
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr), args


@pytest.mark.parametrize("args", HELP_PAGES, ids=" ".join)
def test_help_pages(hub, upstream_python: Path, tmp_path: Path, args: list[str]) -> None:
    _both(hub, upstream_python, tmp_path, args)


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_card_commands(hub, upstream_python: Path, tmp_path: Path, args: list[str]) -> None:
    _both(hub, upstream_python, tmp_path, args)


def test_private_card_without_a_token(hub, upstream_python: Path, tmp_path: Path) -> None:
    _both(hub, upstream_python, tmp_path, ["models", "card", "alice/private"], token_of_alice=False)


def test_card_bytes_keep_crlf(hub, upstream_python: Path, tmp_path: Path) -> None:
    """`run_cli` decodes output as text (CRLF read as LF): this one compares the raw bytes of both sides."""
    local_hub, token = hub
    outputs = []
    for python in (sys.executable, upstream_python):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "PYTHON", "VIRTUAL_ENV"))}
        env.update(HF_ENDPOINT=local_hub.endpoint, HF_TOKEN=token, HF_HOME=str(tmp_path / Path(python).parent.name))
        env.update(HF_HUB_DISABLE_UPDATE_CHECK="1", HF_HUB_DISABLE_TELEMETRY="1", NO_COLOR="1")
        args = [str(python), "-m", "huggingface_hub.cli.hf", "models", "card", "alice/demo", "--text"]
        outputs.append(subprocess.run(args, capture_output=True, env=env, cwd="/", timeout=120).stdout)
    assert outputs[0] == outputs[1] == b"# Demo\r\n\r\nA model.\r\n\n"


def test_our_card_commands_output(hub, tmp_path: Path) -> None:
    """What the parity above compares, asserted directly (so that it fails even where upstream is unavailable)."""
    local_hub, token = hub
    full = run_cli(local_hub.endpoint, token, tmp_path, "models", "card", "alice/demo")
    assert full.returncode == 0
    # (`run_cli` reads the output as text: the card's CRLF line endings arrive as "\n".)
    assert full.stdout.startswith("---\nlicense: mit\nlanguage:\n- en\n- fr\ntags:\n- b\n- a\nwidget:\n- text: Ça va")
    assert full.stderr == "Hint: Use `hf models card alice/demo --metadata` to extract only the card metadata.\n"
    meta = run_cli(local_hub.endpoint, token, tmp_path, "datasets", "card", "alice/data", "--metadata", "--json")
    assert meta.stdout == '{"license": "cc", "pretty_name": "Data", "train-eval-index": [{"config": "default"}]}\n'
    both = run_cli(local_hub.endpoint, token, tmp_path, "spaces", "card", "alice/app", "--metadata", "--text")
    assert (both.returncode, both.stderr.splitlines()[0]) == (
        1,
        "Error: --metadata and --text are mutually exclusive.",
    )
