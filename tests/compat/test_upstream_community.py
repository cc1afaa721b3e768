"""Discussions, collections, likes and access requests: the upstream client (huggingface_hub 1.29, in its own
virtualenv) and ours run the same scenario, each against a fresh local Hub, and must observe the same things.

The scenario only uses public API and the standard library (for what no client method does: committing, liking, asking
for access), and prints a JSON summary without ids or timestamps.
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

_TIMEOUT = 600

SCENARIO = textwrap.dedent(
    """
    import base64, json, os, sys, urllib.request, warnings
    from huggingface_hub import HfApi
    from huggingface_hub.community import DiscussionComment

    endpoint = os.environ["HF_ENDPOINT"]
    alice_token, bob_token = sys.argv[1], sys.argv[2]
    api, bob = HfApi(), HfApi(token=bob_token)
    result = {}

    def call(method, path, token, body=None, content_type="application/json"):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        request = urllib.request.Request(endpoint + path, data=data, method=method)
        request.add_header("authorization", "Bearer " + token)
        if data is not None:
            request.add_header("content-type", content_type)
        with urllib.request.urlopen(request) as response:
            return response.read()

    def commit(repo_id, revision, path, content):
        lines = [
            {"key": "header", "value": {"summary": "Add " + path, "description": ""}},
            {"key": "file", "value": {"path": path, "content": base64.b64encode(content).decode(), "encoding": "base64"}},
        ]
        body = "".join(json.dumps(line) + "\\n" for line in lines).encode()
        quoted = urllib.request.quote(revision, safe="")
        call("POST", f"/api/models/{repo_id}/commit/{quoted}", alice_token, body, "application/x-ndjson")

    def error_of(fn):
        try:
            fn()
        except Exception as e:
            return [type(e).__name__, getattr(getattr(e, "response", None), "status_code", None)]
        return None

    def event_summary(event):
        summary = [type(event).__name__, event.author]
        if isinstance(event, DiscussionComment):
            summary += [event.content, event.edited, event.hidden]
        return summary

    commit("alice/talk", "main", "README.md", b"# talk\\n")

    # --- discussions and pull requests
    d = api.create_discussion("alice/talk", "  First  ", description="Hello")
    pr = api.create_pull_request("alice/talk", "Change")
    result["created"] = [[x.num, x.title, x.status, x.is_pull_request, x.git_reference, x.target_branch, x.url]
                         for x in (d, pr)]
    comment = api.comment_discussion("alice/talk", 1, "A comment")
    edited = api.edit_discussion_comment("alice/talk", 1, comment.id, "Edited")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hidden = api.hide_discussion_comment("alice/talk", 1, comment.id)
    result["comment"] = [event_summary(comment), event_summary(edited), hidden.hidden, len(edited.edit_history)]
    renamed = api.rename_discussion("alice/talk", 1, "Renamed")
    result["renamed"] = [renamed.old_title, renamed.new_title]
    result["closed"] = api.change_discussion_status("alice/talk", 1, "closed", comment="Done").new_status
    commit("alice/talk", "refs/pr/2", "weights.txt", b"42\\n")
    result["draft_merge"] = error_of(lambda: api.merge_pull_request("alice/talk", 2))
    api.change_discussion_status("alice/talk", 2, "open")
    api.merge_pull_request("alice/talk", 2, comment="Thanks")
    details = api.get_discussion_details("alice/talk", 2)
    result["merged"] = [details.status, bool(details.merge_commit_oid), details.conflicting_files,
                        [event_summary(e) for e in details.events], "weights.txt" in (details.diff or "")]
    result["timeline_1"] = [event_summary(e) for e in api.get_discussion_details("alice/talk", 1).events]
    result["listed"] = [[x.num, x.title, x.status, x.author] for x in api.get_repo_discussions("alice/talk")]
    result["filtered"] = [
        [x.num for x in api.get_repo_discussions("alice/talk", discussion_type="pull_request")],
        [x.num for x in api.get_repo_discussions("alice/talk", discussion_status="open")],
        [x.num for x in api.get_repo_discussions("alice/talk", author="bob")],
    ]
    result["discussion_errors"] = [
        error_of(lambda: list(bob.get_repo_discussions("alice/secret"))),
        error_of(lambda: api.get_discussion_details("alice/talk", 99)),
        error_of(lambda: bob.rename_discussion("alice/talk", 1, "Mine")),
        error_of(lambda: api.change_discussion_status("alice/talk", 1, "merged")),
    ]

    # --- collections
    c = api.create_collection("Picks", description="Good ones")
    api.add_collection_item(c.slug, "alice/talk", "model", note="Talk")
    api.add_collection_item(c.slug, "2307.09288", "paper")
    again = api.add_collection_item(c.slug, "alice/talk", "model", exists_ok=True)
    first = again.items[0]
    api.update_collection_item(c.slug, first.item_object_id, note="Updated", position=1)
    updated = api.update_collection_metadata(c.slug, title="Best picks", private=True)
    got = api.get_collection(c.slug)
    result["collection"] = [
        c.slug.startswith("alice/picks-"), updated.title, updated.private, got.description,
        [[i.item_id, i.item_type, i.position, i.note] for i in got.items], got.url == endpoint + "/collections/" + c.slug,
        api.create_collection("Picks", exists_ok=True).title,
    ]
    result["collections_listed"] = [[x.title, x.position, len(x.items)] for x in api.list_collections(owner="alice")]
    result["collection_errors"] = [
        error_of(lambda: bob.get_collection(c.slug)),
        error_of(lambda: bob.delete_collection(c.slug)),
        error_of(lambda: api.add_collection_item(c.slug, "alice/nothing", "model")),
    ]
    api.delete_collection_item(c.slug, first.item_object_id)
    api.delete_collection(c.slug)
    api.delete_collection(c.slug, missing_ok=True)
    result["collection_deleted"] = error_of(lambda: api.get_collection(c.slug))

    # --- likes
    call("POST", "/api/models/alice/talk/like", bob_token)
    likes = bob.list_liked_repos()
    result["likes"] = [likes.user, likes.total, likes.models, [u.username for u in api.list_repo_likers("alice/talk")]]
    bob.unlike("alice/talk")
    result["unliked"] = [bob.list_liked_repos().total, list(api.list_repo_likers("alice/talk"))]

    # --- access requests
    call("POST", "/api/models/alice/gated/ask-access", bob_token, {"company": "ACME"})
    pending = list(api.list_pending_access_requests("alice/gated"))
    result["pending"] = [[r.username, r.status, r.fields] for r in pending]
    api.accept_access_request("alice/gated", "bob")
    result["accepted"] = [r.username for r in api.list_accepted_access_requests("alice/gated")]
    api.reject_access_request("alice/gated", "bob", rejection_reason="No")
    result["rejected"] = [r.username for r in api.list_rejected_access_requests("alice/gated")]
    api.cancel_access_request("alice/gated", "bob")
    result["cancelled"] = [r.username for r in api.list_pending_access_requests("alice/gated")]
    result["access_errors"] = [
        error_of(lambda: list(bob.list_pending_access_requests("alice/gated"))),
        error_of(lambda: list(api.list_pending_access_requests("alice/talk"))),
        error_of(lambda: api.grant_access("alice/gated", "nobody")),
    ]
    print(json.dumps(result))
    """
)


def set_gated(hub: LocalHub, repo_id: str, gated: str) -> None:
    """Set a repository's gating mode in the server's database (the `PUT .../settings` route comes from another
    branch of this project), from a child process: a second SQLite library in this process would drop the
    in-process server's file locks when it closes the database."""
    namespace, name = repo_id.split("/")
    script = (
        "import sqlite3, sys\n"
        "with sqlite3.connect(sys.argv[1], timeout=30) as db:\n"
        "    db.execute('UPDATE repos SET gated = ? WHERE type = ? AND namespace = ? AND name = ?', sys.argv[2:6])\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(hub.data_dir / "hub.sqlite"), gated, "model", namespace, name],
        check=True,
        timeout=60,
    )


def _run(python: Path, tmp_path: Path, side: str) -> dict[str, Any]:
    with LocalHub(tmp_path / f"hub-{side}") as hub:
        alice, bob = hub.create_user("alice"), hub.create_user("bob")
        for name, private in (("alice/talk", False), ("alice/gated", False), ("alice/secret", True)):
            response = get_session().post(
                f"{hub.endpoint}/api/repos/create",
                json={"name": name, "type": "model", "private": private},
                headers=build_hf_headers(token=alice),
            )
            hf_raise_for_status(response)
        set_gated(hub, "alice/gated", "manual")
        env = {name: value for name, value in isolated_env().items() if not name.startswith(("HF_", "HUGGING"))}
        env.update(
            HF_ENDPOINT=hub.endpoint,
            HF_TOKEN=alice,
            HF_HOME=str(tmp_path / f"hf-home-{side}"),
            HF_HUB_DISABLE_TELEMETRY="1",
            HF_HUB_DISABLE_XET="1",
        )
        proc = subprocess.run(
            [str(python), "-c", SCENARIO, alice, bob],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=_TIMEOUT,
            check=False,
        )
        assert proc.returncode == 0, f"{side}: {proc.stderr[-4000:]}"
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        # URLs carry each hub's own port.
        return json.loads(json.dumps(result).replace(hub.endpoint, "{E}"))


def test_same_observations_as_upstream(upstream_python: Path, tmp_path: Path) -> None:
    ours = _run(Path(sys.executable), tmp_path, "ours")
    theirs = _run(upstream_python, tmp_path, "upstream")
    assert ours == theirs
    # And they are the right observations, not the same mistake twice.
    assert ours["created"][0] == [1, "First", "open", False, None, None, "{E}/alice/talk/discussions/1"]
    assert ours["created"][1][:6] == [2, "Change", "draft", True, "refs/pr/2", "refs/heads/main"]
    assert ours["merged"][:3] == ["merged", True, []]
    assert ours["listed"] == [[2, "Change", "merged", "alice"], [1, "Renamed", "closed", "alice"]]
    assert ours["pending"] == [["bob", "pending", {"company": "ACME"}]]
    assert ours["likes"] == ["bob", 1, ["alice/talk"], ["bob"]]
    assert ours["collection"][1:5] == [
        "Best picks",
        True,
        "Good ones",
        [["2307.09288", "paper", 0, None], ["alice/talk", "model", 1, "Updated"]],
    ]
    assert ours["collection_deleted"] == ["HfHubHTTPError", 404]
    assert ours["unliked"] == [0, []]
