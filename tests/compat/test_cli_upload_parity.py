"""`hf upload` (with `hf://` URIs), `hf upload-large-folder`, `hf repos delete-files` and `hf repo-files delete` print
what upstream's `hf` 1.29 prints, run against the same local Hub.

Each side works on repositories (and local folders) of its own, `o-...` for ours and `u-...` for upstream's; names,
commit ids, dates and temporary paths are aligned before comparing.
"""

import re
import sys
from pathlib import Path

import pytest

from huggingface_hub.local_hub import LocalHub
from tests.e2e._cli_runner import Run, run_cli
from tests.e2e._repo_reads import tree
from tests.e2e._seed import commit, create_repo, random_bytes

pytestmark = pytest.mark.compat

HELP_PAGES = [
    ["upload-large-folder", "--help"],
    ["repos", "delete-files", "--help"],
    ["repo-files", "--help"],
    ["repo-files", "delete", "--help"],
    ["repos", "delete-files"],  # no argument: the help, exit 0
]

FILES = {"a.json": b"{}", "b.json": b"[]", "docs/x.txt": b"x", "docs/y.txt": b"y", "keep.md": b"k"}

# `@-` stands for `o-` in our run and `u-` in upstream's.
DELETIONS = [
    ["repos", "delete-files", "alice/@-del", "*.json"],
    ["repos", "delete-files", "alice/@-del", "docs/", "--commit-message", "Bye docs", "--format", "agent"],
    ["repo-files", "delete", "alice/@-del", "keep.md", "--json"],
    ["repos", "delete-files", "alice/@-nope", "x.txt"],
    ["repos", "delete-files", "alice/@-del", "x.txt", "--revision", "nope"],
    ["repos", "delete-files", "alice/@-del", "x.txt", "--create-pr", "-q"],
]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    with LocalHub(tmp_path_factory.mktemp("hub")) as hub:
        token = hub.create_user("alice")
        for side in "ou":
            create_repo(hub.endpoint, token, f"alice/{side}-del")
            commit(hub.endpoint, token, f"alice/{side}-del", files=FILES)
        yield hub, token


def _normalised(run: Run, tmp_path: Path) -> Run:
    def clean(text: str) -> str:
        text = re.sub(r"Request ID: [0-9A-Za-z-]+", "Request ID: <id>", text)
        text = re.sub(r"\b[0-9a-f]{40}\b", "<sha>", text)
        text = re.sub(r"-{10} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(\d+:\d\d:\d\d\) -{10}", "-- <date> --", text)
        # The first report is printed while the workers already run: its counts vary, not its shape.
        text = re.sub(
            r"^(Files|Workers):.*$",
            lambda line: re.sub(r"\d+(\.\d+)?[KMG]?", "#", line.group(0)),
            text,
            flags=re.MULTILINE,
        )
        text = text.replace(str(tmp_path), "<tmp>").replace("<tmp>/up/", "<tmp>/ours/")
        text = re.sub(r"(?<=[/' ])u-", "o-", text)
        return text.replace(sys.executable, "<python>")

    return Run(run.returncode, clean(run.stdout), clean(run.stderr))


def _both(hub, upstream_python: Path, tmp_path: Path, args: list[str]) -> tuple[Run, Run]:
    endpoint, token = hub
    ours_args = [arg.replace("@-", "o-").replace("<side>", "ours") for arg in args]
    theirs_args = [arg.replace("@-", "u-").replace("<side>", "up") for arg in args]
    ours = _normalised(run_cli(endpoint.endpoint, token, tmp_path / "ours-home", *ours_args), tmp_path)
    theirs = _normalised(
        run_cli(endpoint.endpoint, token, tmp_path / "up-home", *theirs_args, python=upstream_python), tmp_path
    )
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr), args
    return ours, theirs


@pytest.mark.parametrize("args", HELP_PAGES, ids=" ".join)
def test_help_pages(hub, upstream_python: Path, tmp_path: Path, args: list[str]) -> None:
    _both(hub, upstream_python, tmp_path, args)


def test_delete_files(hub, upstream_python: Path, tmp_path: Path) -> None:
    for args in DELETIONS:
        _both(hub, upstream_python, tmp_path, args)
    endpoint, token = hub
    assert set(tree(endpoint.endpoint, token, "alice/o-del")) == set(tree(endpoint.endpoint, token, "alice/u-del"))


def test_upload_large_folder(hub, upstream_python: Path, tmp_path: Path) -> None:
    for side in ("ours", "up"):
        folder = tmp_path / side / "data"
        (folder / "sub").mkdir(parents=True)
        (folder / "config.json").write_bytes(b"{}")
        (folder / "sub" / "notes.txt").write_bytes(b"notes")
        (folder / "model.bin").write_bytes(random_bytes(1536 * 1024))
        (folder / "debug.log").write_bytes(b"left out")

    for args in [
        ["upload-large-folder", "alice/@-big", str(tmp_path / "<side>" / "data"), "--exclude", "*.log", "--no-bars"],
        # Again: everything is committed already.
        ["upload-large-folder", "alice/@-big", str(tmp_path / "<side>" / "data"), "--exclude", "*.log", "--no-bars"],
        ["upload-large-folder", "alice/@-big", str(tmp_path / "<side>" / "missing")],
        ["upload-large-folder", "alice/@-big", str(tmp_path / "<side>" / "data"), "--repo-type", "bucket"],
    ]:
        _both(hub, upstream_python, tmp_path, args)
    endpoint, token = hub
    ours, theirs = (tree(endpoint.endpoint, token, f"alice/{side}-big") for side in "ou")
    assert set(ours) == set(theirs) and "sub/notes.txt" in ours and "debug.log" not in ours


def test_upload_with_hf_uris(hub, upstream_python: Path, tmp_path: Path) -> None:
    for side in ("ours", "up"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "a.txt").write_text("a")
    file = str(tmp_path / "<side>" / "a.txt")
    for args in [
        ["upload", "hf://datasets/alice/@-ds/sub/a.txt", file],
        ["upload", "hf://datasets/alice/@-ds@main", file, "--format", "agent"],
        ["upload", "hf://alice/@-m", file, "b.txt", "-q"],
        ["upload", "hf://datasets/alice/@-ds/sub", file, "x.txt"],
        ["upload", "hf://datasets/alice/@-ds", file, "--revision", "dev"],
        ["upload", "hf://datasets/alice/@-ds", file, "--repo-type", "model"],
        ["upload", "hf://buckets/alice/@-b", file],
        ["upload", "hf://nope/alice/@-ds", file],
    ]:
        _both(hub, upstream_python, tmp_path, args)
    endpoint, token = hub
    assert set(tree(endpoint.endpoint, token, "alice/o-ds", repo_type="dataset")) == set(
        tree(endpoint.endpoint, token, "alice/u-ds", repo_type="dataset")
    )
