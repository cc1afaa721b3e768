"""`hf download` prints what upstream's `hf download` 1.29 prints, `hf://` URIs included, against the same local Hub.

Each side has its own HF_HOME (so its own cache); the home folder is the only thing replaced before comparing.
Progress bars are off here (they have their own parity test).
"""

import re
import sys
from pathlib import Path

import pytest

from huggingface_hub.local_hub import LocalHub
from tests.e2e._cli_runner import Run, run_cli
from tests.e2e._seed import commit, create_repo

pytestmark = pytest.mark.compat

CASES = [
    ["download", "hf://alice/demo"],
    ["download", "hf://models/alice/demo/config.json"],
    ["download", "hf://alice/demo@main/data/"],
    ["download", "hf://alice/demo@v1/data/sub/b.txt", "--format", "agent"],
    ["download", "hf://alice/demo/data/", "--dry-run"],
    ["download", "hf://alice/demo", "config.json", "data/sub/", "--json"],
    ["download", "hf://datasets/alice/ds@main/train.csv", "-q"],
    ["download", "hf://datasets/alice/ds", "--local-dir", "{home}/ds-out"],
    ["download", "hf://alice/demo/config.json", "--local-dir", "{home}/out", "--cache-dir", "{home}/c"],
    # errors
    ["download", "hf://alice/demo", "--revision", "main"],
    ["download", "hf://alice/demo", "--repo-type", "dataset"],
    ["download", "hf://buckets/alice/b"],
    ["download", "hf://buckets/alice/b/x.txt"],
    ["download", "hf://alice"],
    ["download", "hf://"],
    ["download", "hf://model/alice/demo"],
    ["download", "hf://alice/demo@/config.json"],
    ["download", "hf://alice/demo/config.json", "data/a.txt"],
    ["download", "hf://alice/demo/data/", "--include", "*.txt"],
    ["download", "hf://alice/demo@nope/config.json"],
    ["download", "hf://alice/demo/missing.txt"],
    ["download", "hf://spaces/alice/nope"],
    ["download", "--help"],
]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    with LocalHub(tmp_path_factory.mktemp("hub")) as hub:
        token = hub.create_user("alice")
        create_repo(hub.endpoint, token, "alice/demo")
        commit(
            hub.endpoint,
            token,
            "alice/demo",
            files={"config.json": b"{}", "data/a.txt": b"a" * 1500, "data/sub/b.txt": b"bb"},
        )
        create_repo(hub.endpoint, token, "alice/ds", repo_type="dataset")
        commit(hub.endpoint, token, "alice/ds", files={"train.csv": b"x,y\n"}, repo_type="dataset")
        run_cli(hub.endpoint, token, tmp_path_factory.mktemp("home"), "repos", "tag", "create", "alice/demo", "v1")
        yield hub, token


def _run(hub, home: Path, args: list[str], python: Path | str = sys.executable) -> Run:
    local_hub, token = hub
    run = run_cli(
        local_hub.endpoint,
        token,
        home,
        *[arg.replace("{home}", str(home)) for arg in args],
        python=python,
        HF_HUB_DISABLE_PROGRESS_BARS="1",
    )

    def clean(text: str) -> str:
        text = text.replace(str(home), "<home>").replace(sys.executable, "<python>")
        return re.sub(r"Request ID: [0-9A-Za-z-]+", "Request ID: <id>", text)

    return Run(run.returncode, clean(run.stdout), clean(run.stderr))


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_download_output_matches_upstream(hub, upstream_python: Path, tmp_path: Path, args: list[str]) -> None:
    ours = _run(hub, tmp_path / "home", args)
    theirs = _run(hub, tmp_path / "home-up", args, python=upstream_python)
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr)
