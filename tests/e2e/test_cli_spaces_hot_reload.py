"""`hf spaces hot-reload` against the local Hub and a stand-in for the Space app's reload server.

Without an app declared by the operator, the local Hub records the hot-reload commit as `canceled` (it runs no app);
with one, it hands the file to each replica's reload server and the command streams what every replica did.
"""

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from huggingface_hub import HfApi
from huggingface_hub._hot_reload import client as reload_client
from huggingface_hub.local_hub import LocalHub
from tests.e2e._cli_runner import Run, run_cli
from tests.e2e._reload_server_double import ReloadServerDouble

README = "---\nsdk: gradio\nsdk_version: 6.2.0\napp_file: app.py\n---\n"
REGION = {"startLine": 3, "startCol": 0, "endLine": 4, "endCol": 10}
EVENTS = [
    {"kind": "file", "created": False},
    {"kind": "update", "region": REGION, "objectType": "function", "objectName": "greet"},
    {"kind": "add", "region": REGION, "objectType": "function", "objectName": "shout"},
    {"kind": "delete", "region": REGION, "objectType": "variable", "objectName": "OLD"},
    {"kind": "run", "region": {**REGION, "endLine": 3}, "codeLines": "demo = build()", "stdout": ""},
    {"kind": "exception", "region": REGION, "traceback": "Traceback: boom"},
    {"kind": "ui", "updated": True},
]


@pytest.fixture
def space(local_hub: LocalHub, alice_token: str) -> HfApi:
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    api.create_repo("alice/demo", repo_type="space", space_sdk="gradio")
    for path, content in (("README.md", README), ("app.py", "import gradio\n")):
        api.upload_file(path_or_fileobj=content.encode(), path_in_repo=path, repo_id="alice/demo", repo_type="space")
    return api


@pytest.fixture
def new_app(tmp_path: Path) -> Path:
    path = tmp_path / "app.py"
    path.write_text("import gradio\n\ndef greet():\n    return 'hi'\n")
    return path


def hf(local_hub: LocalHub, token: str, tmp_path: Path, *args: str) -> Run:
    return run_cli(local_hub.endpoint, token, tmp_path / "home", *args)


def test_without_a_running_app_the_commit_lands_but_cannot_be_applied(
    space: HfApi, local_hub: LocalHub, alice_token: str, tmp_path: Path, new_app: Path
) -> None:
    run = hf(local_hub, alice_token, tmp_path, "spaces", "hot-reload", "alice/demo", "app.py", "-f", str(new_app))
    assert run.returncode == 0, run.stderr
    info = space.space_info("alice/demo")
    assert run.stdout == (
        "This feature is experimental and subject to change\n"
        f"Created commit {info.sha} in remote Space repository.\n"
        "Consider running `git pull --autostash` to stay synced if you are working from a local clone.\n"
        "Hot-reload summary:\n"
        "Failed creating hot-reloaded commit. hot_reloading.replica_statuses=[]\n"
    )
    assert info.runtime.hot_reloading.status == "canceled"
    assert info.runtime.hot_reloading.replica_statuses == []
    assert info.runtime.stage == "STOPPED" and info.host is None
    path = space.hf_hub_download("alice/demo", "app.py", repo_type="space", cache_dir=tmp_path / "cache")
    assert Path(path).read_text() == new_app.read_text()
    logs = "".join(space.fetch_space_logs("alice/demo"))
    assert f"Hot-reload of {info.sha} not applied: no app runs this Space on the local Hub" in logs

    # An ordinary commit replaces the running code: the hot-reload no longer describes it.
    space.upload_file(path_or_fileobj=b"x", path_in_repo="other.txt", repo_id="alice/demo", repo_type="space")
    assert space.get_space_runtime("alice/demo").hot_reloading is None


def test_every_replica_reloads_and_reports_its_events(
    space: HfApi, local_hub: LocalHub, alice_token: str, tmp_path: Path, new_app: Path
) -> None:
    with ReloadServerDouble("alice-demo", events={"r1": EVENTS, "r2": EVENTS}) as app:
        local_hub.attach_space_app("alice/demo", app.host, ["r1", "r2"])
        info = space.space_info("alice/demo")
        assert (info.host, info.runtime.stage, info.runtime.raw["replicas"]["current"]) == (app.host, "RUNNING", 2)
        before = info.sha

        run = hf(local_hub, alice_token, tmp_path, "spaces", "hot-reload", "alice/demo", "app.py", "-f", str(new_app))
        assert run.returncode == 0, run.stderr
        sha = space.space_info("alice/demo").sha
        assert sha != before
        path = str(new_app)
        assert run.stdout == (
            "This feature is experimental and subject to change\n"
            f"Created commit {sha} in remote Space repository.\n"
            "Consider running `git pull --autostash` to stay synced if you are working from a local clone.\n"
            "Hot-reload summary:\n"
            "---- Replica r1 ----\n"
            "✔︎ app.py updated\n"  # the file by its path in the repository, regions by the local path
            "✔︎ Updated greet function\n"
            "✔︎ Created shout function\n"
            "∅ Deleted OLD variable\n"
            f"▶ Run {path}, line 2\n"
            "demo = build()\n"
            f"✘ Exception at {path}, lines 2-4\n"
            "Traceback: boom\n"
            "⟳ UI updated\n"
            "---- Replica r2 ----\n"
            "✔︎ Same as first replica\n"
        )
        # The Hub handed the file to both replicas, with the commit as reload id; the client then asked each replica
        # for that reload, with the user's token.
        created = [(r, body) for r, route, body, _ in app.requests if route == "create-reload"]
        expected_body = {"filepath": "app.py", "contents": new_app.read_text(), "reloadId": sha}
        assert created == [("r1", expected_body), ("r2", expected_body)]
        followed = [(r, body, auth) for r, route, body, auth in app.requests if route == "get-reload"]
        assert followed == [(r, {"reloadId": sha}, f"Bearer {alice_token}") for r in ("r1", "r2")]
        hot = space.get_space_runtime("alice/demo").hot_reloading
        assert (hot.status, hot.replica_statuses) == ("created", [["r1", "created"], ["r2", "created"]])


def test_replicas_that_differ_are_shown_and_unready_ones_retried(
    space: HfApi, local_hub: LocalHub, alice_token: str, tmp_path: Path, new_app: Path, monkeypatch
) -> None:
    other = [EVENTS[0], {"kind": "error", "traceback": "SyntaxError"}]
    with ReloadServerDouble("alice-demo", events={"r1": EVENTS[:1], "r2": other}, not_ready={"r1": 1}) as app:
        local_hub.attach_space_app("alice/demo", app.host, ["r1", "r2"])
        monkeypatch.setattr(reload_client, "RETRY_DELAY", 0.01)
        commit = space.upload_file(
            path_or_fileobj=new_app, path_in_repo="app.py", repo_id="alice/demo", repo_type="space", _hot_reload=True
        )
        items = list(
            reload_client.multi_replica_reload_events(
                commit.oid, app.host, "alice-demo", ["r1", "r2"], token=alice_token
            )
        )
    assert items == [
        {"kind": "replicaHash", "hash": "r1"},
        {"kind": "warning", "message": "Retrying on unexpected reloadId not found"},
        {"kind": "event", "event": {"data": EVENTS[0]}},
        {"kind": "replicaHash", "hash": "r2"},
        {"kind": "event", "event": {"data": EVENTS[0]}},  # held back while it matched, shown once it did not
        {"kind": "event", "event": {"data": other[1]}},
    ]


def test_replicas_that_refuse_leave_the_reload_canceled(
    space: HfApi, local_hub: LocalHub, alice_token: str, tmp_path: Path, new_app: Path
) -> None:
    with ReloadServerDouble("alice-demo", events={"r1": []}, create_status={"r1": "alreadyReloading"}) as app:
        local_hub.attach_space_app("alice/demo", app.host, ["r1", "gone"])
        run = hf(local_hub, alice_token, tmp_path, "spaces", "hot-reload", "alice/demo", "app.py", "-f", str(new_app))
    assert run.returncode == 0, run.stderr
    assert run.stdout.endswith(
        "Failed creating hot-reloaded commit. hot_reloading.replica_statuses=[['r1', 'alreadyReloading'], ['gone', None]]\n"
    )
    # Withdrawing the app: the Space is back to its derived stage and serves no host.
    local_hub.attach_space_app("alice/demo", None)
    info = space.space_info("alice/demo")
    assert (info.runtime.stage, info.host) == ("STOPPED", None)


def test_pausing_stops_hot_reloads(space: HfApi, local_hub: LocalHub, alice_token: str, new_app: Path) -> None:
    with ReloadServerDouble("alice-demo", events={"r1": []}) as app:
        local_hub.attach_space_app("alice/demo", app.host, ["r1"])
        space.pause_space("alice/demo")
        space.upload_file(
            path_or_fileobj=new_app, path_in_repo="app.py", repo_id="alice/demo", repo_type="space", _hot_reload=True
        )
        assert app.requests == []
    assert space.get_space_runtime("alice/demo").hot_reloading.status == "canceled"


def test_operator_declarations_are_checked(space: HfApi, local_hub: LocalHub) -> None:
    for host, replicas in (("ftp://x", ["r1"]), ("http://x/", ["r1"]), ("http://x", []), ("http://x", ["a/b"])):
        with pytest.raises(ValueError):
            local_hub.attach_space_app("alice/demo", host, replicas)
    with pytest.raises(ValueError, match="not found"):
        local_hub.attach_space_app("alice/nope", "http://x", ["r1"])


def test_hot_reload_flag_elsewhere_is_an_ordinary_commit(space: HfApi, new_app: Path) -> None:
    space.create_repo("alice/model")
    space.upload_file(path_or_fileobj=new_app, path_in_repo="app.py", repo_id="alice/model", _hot_reload=True)
    assert space.list_repo_files("alice/model") == [".gitattributes", "app.py"]


@pytest.mark.parametrize(
    ("readme", "sdk", "message"),
    [
        ("---\nsdk: docker\n---\n", "docker", "Hot-reloading is only available on Gradio SDK. Found docker SDK"),
        (
            "---\nsdk: gradio\nsdk_version: 5.9.1\n---\n",
            "gradio",
            "Hot-reloading requires Gradio >= 6.1.0 (found 5.9.1)",
        ),
        ("---\nsdk: gradio\n---\n", "gradio", "Unable to read sdk_version from alice/checked cardData"),
    ],
)
def test_checks_refuse_spaces_that_cannot_hot_reload(
    space: HfApi, local_hub: LocalHub, alice_token: str, tmp_path: Path, new_app: Path, readme, sdk, message
) -> None:
    space.create_repo("alice/checked", repo_type="space", space_sdk=sdk)
    space.upload_file(
        path_or_fileobj=readme.encode(), path_in_repo="README.md", repo_id="alice/checked", repo_type="space"
    )
    run = hf(local_hub, alice_token, tmp_path, "spaces", "hot-reload", "alice/checked", "app.py", "-f", str(new_app))
    assert run.returncode == 1 and f"Error: {message}" in run.stderr
    skipped = hf(
        local_hub,
        alice_token,
        tmp_path,
        "spaces",
        "hot-reload",
        "alice/checked",
        "app.py",
        "-f",
        str(new_app),
        "--skip-checks",
    )
    assert skipped.returncode == 0, skipped.stderr
    assert skipped.stdout.endswith("Failed creating hot-reloaded commit. hot_reloading.replica_statuses=[]\n")


def test_usage_errors_and_skip_summary(space: HfApi, local_hub: LocalHub, alice_token: str, tmp_path: Path, new_app):
    run = hf(local_hub, alice_token, tmp_path, "spaces", "hot-reload", "alice/demo")
    assert run.returncode == 1 and "Either filename or --local-file/-f must be specified" in run.stderr
    run = hf(
        local_hub,
        alice_token,
        tmp_path,
        "spaces",
        "hot-reload",
        "alice/demo",
        "app.py",
        "-f",
        str(new_app),
        "--skip-summary",
    )
    assert run.returncode == 0 and "Hot-reload summary" not in run.stdout and "Created commit" in run.stdout
    run = hf(local_hub, None, tmp_path, "spaces", "hot-reload", "alice/demo", "app.py")  # type: ignore[arg-type]
    assert run.returncode == 1


def test_without_a_terminal_the_file_is_left_to_edit(space: HfApi, local_hub: LocalHub, alice_token: str, tmp_path):
    run = hf(local_hub, alice_token, tmp_path, "spaces", "hot-reload", "alice/demo", "app.py")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:2] == [
        "This feature is experimental and subject to change",
        "No TTY detected. Non-interactive fallback:",
    ]
    kept = Path(lines[2].removeprefix("- Edit "))
    assert kept.name == "app.py" and kept.read_text() == "import gradio\n"
    assert lines[3] == f"- Run `hf spaces hot-reload alice/demo app.py -f {kept}`"
    assert space.list_repo_commits("alice/demo", repo_type="space")[0].title == "Upload app.py with huggingface_hub"


def test_the_editor_edits_the_remote_file(space: HfApi, local_hub: LocalHub, alice_token: str, tmp_path: Path) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nwith open(sys.argv[1], 'a') as f:\n    f.write('EDITED = True\\n')\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "PYTHON"))}
    env.update(
        HF_ENDPOINT=local_hub.endpoint,
        HF_TOKEN=alice_token,
        HF_HOME=str(tmp_path / "home"),
        HF_HUB_DISABLE_UPDATE_CHECK="1",
        HF_EDITOR=f"{sys.executable} {editor}",
    )
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    try:
        args = [sys.executable, "-m", "huggingface_hub.cli.hf", "spaces", "hot-reload", "alice/demo", "new.py"]
        process = subprocess.run(
            [*args, "--skip-summary"], stdin=slave, stdout=slave, stderr=slave, env=env, cwd="/", timeout=120
        )
        assert process.returncode == 0
        os.set_blocking(master, False)
        output = os.read(master, 65536).decode(errors="replace")
    finally:
        os.close(master)
        os.close(slave)
    assert "new.py not found in remote repository. Assuming new file" in output
    path = space.hf_hub_download("alice/demo", "new.py", repo_type="space", cache_dir=tmp_path / "cache")
    assert Path(path).read_text() == "EDITED = True\n"


def test_sse_parsing_copes_with_any_chunking() -> None:
    from huggingface_hub._hot_reload.sse_client import iter_events

    stream = (
        b': hi\r\n\r\nevent: ping\r\ndata: a\r\n\r\ndata: {"x":\r\ndata:  1}\n\nid: 7\rretry: 10\rdata: \xc3\xa9\r\r'
    )
    expected = [("ping", "a", None, None), ("message", '{"x":\n 1}', None, None), ("message", "é", "7", 10)]
    for size in (1, 2, 3, 5, len(stream)):
        chunks = [stream[i : i + size] for i in range(0, len(stream), size)]
        events = [(e.event, e.data, e.id, e.retry) for e in iter_events(chunks)]
        assert events == expected, size
    assert json.loads([e.data for e in iter_events([stream])][1]) == {"x": 1}
