"""`hf spaces hot-reload` prints what upstream's `hf` 1.29 prints, against the same local Hub and the same kind of
app reload server (tests/e2e/_reload_server_double.py). Each side has Spaces of its own (`o-*` for ours, `u-*` for
upstream's); names, commit shas and temporary paths are aligned before comparing."""

import re
import sys
from pathlib import Path

import pytest

from huggingface_hub import HfApi
from huggingface_hub.local_hub import LocalHub
from tests.e2e._cli_runner import Run, run_cli
from tests.e2e._reload_server_double import ReloadServerDouble

pytestmark = pytest.mark.compat

README = "---\nsdk: gradio\nsdk_version: 6.2.0\n---\n"
REGION = {"startLine": 2, "startCol": 0, "endLine": 2, "endCol": 5}
EVENTS = [
    {"kind": "file", "created": True},
    {"kind": "add", "region": REGION, "objectType": "function", "objectName": "hello"},
    {"kind": "run", "region": REGION, "codeLines": "x = 1"},
    {"kind": "ui", "updated": False},
]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    with LocalHub(tmp_path_factory.mktemp("hub")) as hub:
        token = hub.create_user("alice")
        api = HfApi(endpoint=hub.endpoint, token=token)
        for side in "ou":
            for name, sdk, readme in (
                ("space", "gradio", README),
                ("live", "gradio", README),
                ("docker", "docker", "---\nsdk: docker\n---\n"),
                ("old", "gradio", "---\nsdk: gradio\nsdk_version: 4.44.0\n---\n"),
            ):
                repo_id = f"alice/{side}-{name}"
                api.create_repo(repo_id, repo_type="space", space_sdk=sdk)
                for path, content in (("README.md", readme), ("app.py", "import gradio\n")):
                    api.upload_file(
                        path_or_fileobj=content.encode(), path_in_repo=path, repo_id=repo_id, repo_type="space"
                    )
        yield hub, token


def _clean(run: Run, side: str) -> tuple[int, str, str]:
    def clean(text: str) -> str:
        text = re.sub(r"\b[0-9a-f]{40}\b", "<sha>", text)
        text = re.sub(r"/tmp/tmp[^/\s`]+", "<tmp>", text)
        text = re.sub(r"127\.0\.0\.1:\d+", "<app>", text)
        text = re.sub(rf"\b{side}-", "@-", text)
        return text.replace(sys.executable, "<python>")

    return run.returncode, clean(run.stdout), clean(run.stderr)


def _both(hub, upstream_python: Path, tmp_path: Path, args: list[str]) -> tuple[int, str, str]:
    local_hub, token = hub
    ours = run_cli(local_hub.endpoint, token, tmp_path / "ours", *[a.replace("@", "o") for a in args])
    theirs = run_cli(
        local_hub.endpoint, token, tmp_path / "up", *[a.replace("@", "u") for a in args], python=upstream_python
    )
    assert _clean(ours, "o") == _clean(theirs, "u"), args
    return _clean(ours, "o")


CASES = [
    ["spaces", "hot-reload", "--help"],
    ["spaces", "hot-reload", "alice/@-space"],  # neither file nor -f
    ["spaces", "hot-reload", "alice/@-docker", "app.py", "-f", "@LOCAL"],
    ["spaces", "hot-reload", "alice/@-old", "app.py", "-f", "@LOCAL"],
    ["spaces", "hot-reload", "alice/@-nope", "app.py", "-f", "@LOCAL"],
    ["spaces", "hot-reload", "alice/@-space", "app.py"],  # no terminal: the file is left to edit
    ["spaces", "hot-reload", "alice/@-space", "app.py", "-f", "@LOCAL"],  # no app runs it: canceled
    ["spaces", "hot-reload", "alice/@-space", "app.py", "-f", "@LOCAL", "--skip-summary"],
    ["spaces", "hot-reload", "alice/@-docker", "app.py", "-f", "@LOCAL", "--skip-checks"],
]


def test_same_output_as_upstream(hub, upstream_python: Path, tmp_path: Path) -> None:
    local = tmp_path / "app.py"
    local.write_text("import gradio\nprint('v2')\n")
    for args in CASES:
        _both(hub, upstream_python, tmp_path, [str(local) if a == "@LOCAL" else a for a in args])


def test_same_summary_as_upstream_with_a_running_app(hub, upstream_python: Path, tmp_path: Path) -> None:
    local_hub, _ = hub
    local = tmp_path / "app.py"
    local.write_text("import gradio\n\ndef hello():\n    pass\n")
    differing = [EVENTS[0], {"kind": "ui", "updated": True}]
    with (
        ReloadServerDouble("alice-o-live", events={"r1": EVENTS, "r2": EVENTS, "r3": differing}) as ours,
        ReloadServerDouble("alice-u-live", events={"r1": EVENTS, "r2": EVENTS, "r3": differing}) as theirs,
    ):
        local_hub.attach_space_app("alice/o-live", ours.host, ["r1", "r2", "r3"])
        local_hub.attach_space_app("alice/u-live", theirs.host, ["r1", "r2", "r3"])
        _, stdout, _ = _both(
            hub, upstream_python, tmp_path, ["spaces", "hot-reload", "alice/@-live", "app.py", "-f", str(local)]
        )
    # Meaningful: both went through the reload servers.
    assert (
        "---- Replica r2 ----\n✔︎ Same as first replica\n---- Replica r3 ----\n✔︎ app.py created\n⟳ UI updated\n"
        in stdout
    )
    assert [r for r, route, _, _ in theirs.requests if route == "get-reload"] == ["r1", "r2", "r3"]
