"""The repository API (create, info, listings, files, refs, settings, moves) driven through `HfApi`, by upstream's
client or by ours, against a fresh local Hub.

Usage: ``python repo_api_scenario.py`` with ``HF_ENDPOINT`` pointing at a local Hub that has the users ``alice``
(token in ``ALICE_TOKEN``), ``bob`` (``BOB_TOKEN``), a read token of alice's (``ALICE_READ_TOKEN``) and an
organization ``acme`` with alice as member. Prints one JSON object: per section, a record of what the calls return
(values that do not depend on time or random ids; failures as ``[exception class, HTTP status]``, client-side
`ValueError`s with their message), or ``{"error": ...}`` if the section itself broke.

Files are committed with plain HTTP (the NDJSON commit API), so only the API under comparison goes through the
client. This file runs under upstream's interpreter too: it only uses what both packages offer publicly.
"""

import base64
import dataclasses
import json
import os
import sys
import traceback
import urllib.request
from collections.abc import Callable
from typing import Any

from huggingface_hub import HfApi

ENDPOINT = os.environ["HF_ENDPOINT"]
TOKENS = {name: os.environ[f"{name.upper()}_TOKEN"] for name in ("alice", "bob", "alice_read")}
alice = HfApi(endpoint=ENDPOINT, token=TOKENS["alice"])
bob = HfApi(endpoint=ENDPOINT, token=TOKENS["bob"])
alice_read = HfApi(endpoint=ENDPOINT, token=TOKENS["alice_read"])
anonymous = HfApi(endpoint=ENDPOINT, token=False)
results: dict[str, Any] = {}

README = b"---\nlicense: mit\ntags: [vision]\ndatasets: [alice/pets]\nco2_eq_emissions: 12.5\n---\n# Model\n"


def section(name: str) -> Callable[[Callable[[], Any]], None]:
    def run(body: Callable[[], Any]) -> None:
        try:
            results[name] = body()
        except Exception as error:
            traceback.print_exc(file=sys.stderr)
            results[name] = {"error": f"{type(error).__name__}: {error}"[:300]}

    return run


def outcome(call: Callable[[], Any]) -> Any:
    """What a call gives: its (normalized) result, or how it failed."""
    try:
        return normalize(call())
    except ValueError as error:
        response = getattr(error, "response", None)
        if response is None:  # refused by the client: the message is part of the contract
            return ["ValueError", str(error)]
        return [type(error).__name__, response.status_code]
    except Exception as error:
        response = getattr(error, "response", None)
        return [type(error).__name__, getattr(response, "status_code", None)]


def normalize(value: Any) -> Any:
    """JSON-able view without times and ids that differ between two runs."""
    if value is None or isinstance(value, bool | int | float | str) and not hasattr(value, "repo_id"):
        return value
    if hasattr(value, "repo_id") and hasattr(value, "repo_type"):  # RepoUrl
        return {"url": str(value), "repo_id": value.repo_id, "repo_type": value.repo_type, "ns": value.namespace}
    if hasattr(value, "to_dict") and type(value).__name__.endswith("CardData"):
        return value.to_dict()
    if dataclasses.is_dataclass(value):
        skipped = {
            "created_at",
            "last_modified",
            "lastModified",
            "date",
            "_id",
            "sha",
            "oid",
            "commit_id",
            "target_commit",
        }
        return {k: normalize(v) for k, v in sorted(vars(value).items()) if k not in skipped}
    if isinstance(value, dict):
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize(v) for v in value]
    if hasattr(value, "__iter__"):
        return [normalize(v) for v in value]
    return repr(value)


def commit(repo_id: str, files: dict[str, bytes], repo_type: str = "model", revision: str = "main") -> None:
    lines = [{"key": "header", "value": {"summary": "seed", "description": ""}}]
    for path, content in files.items():
        value = {"path": path, "content": base64.b64encode(content).decode(), "encoding": "base64"}
        lines.append({"key": "file", "value": value})
    request = urllib.request.Request(
        f"{ENDPOINT}/api/{repo_type}s/{repo_id}/commit/{revision}",
        data=("\n".join(json.dumps(line) for line in lines) + "\n").encode(),
        headers={"authorization": f"Bearer {TOKENS['alice']}", "content-type": "application/x-ndjson"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200


@section("create")
def _() -> Any:
    record = {
        "model": outcome(lambda: alice.create_repo("alice/demo")),
        "again_ok": outcome(lambda: alice.create_repo("alice/demo", exist_ok=True)),
        "conflict": outcome(lambda: alice.create_repo("alice/demo")),
        "bare_name": outcome(lambda: alice.create_repo("bare")),
        "dataset": outcome(lambda: alice.create_repo("alice/pets", repo_type="dataset")),
        "private": outcome(lambda: alice.create_repo("alice/secret", repo_type="dataset", private=True)),
        "space": outcome(lambda: alice.create_repo("alice/app", repo_type="space", space_sdk="gradio")),
        "org": outcome(lambda: alice.create_repo("acme/shared", visibility="private")),
        "bob_in_alice": outcome(lambda: bob.create_repo("alice/intruder")),
        "bob_exist_ok": outcome(lambda: bob.create_repo("alice/demo", exist_ok=True)),
        "bob_exist_ok_private": outcome(lambda: bob.create_repo("alice/secret", repo_type="dataset", exist_ok=True)),
        "read_token": outcome(lambda: alice_read.create_repo("alice/read-only")),
        "anonymous": outcome(lambda: anonymous.create_repo("alice/anon")),
        "space_without_sdk": outcome(lambda: alice.create_repo("alice/x", repo_type="space")),
        "both_visibilities": outcome(lambda: alice.create_repo("alice/x", private=True, visibility="public")),
        "protected_model": outcome(lambda: alice.create_repo("alice/x", visibility="protected")),
        "bad_type": outcome(lambda: alice.create_repo("alice/x", repo_type="bucket")),
        "invalid_id": outcome(lambda: alice.create_repo("alice/bad--id")),
    }
    commit("alice/demo", {"README.md": README, "a/b.txt": b"deep", "top.txt": b"top", "x y/z#1.txt": b"odd"})
    commit("alice/pets", {"README.md": b"---\nlanguage: [en]\n---\n"}, repo_type="dataset")
    return record


@section("info")
def _() -> Any:
    return {
        "model": outcome(lambda: alice.model_info("alice/demo")),
        "files_metadata": outcome(lambda: alice.model_info("alice/demo", files_metadata=True).siblings),
        "expand": outcome(lambda: alice.model_info("alice/demo", expand=["author", "private", "cardData"])),
        "expand_and_metadata": outcome(lambda: alice.model_info("alice/demo", expand=["sha"], files_metadata=True)),
        "dataset": outcome(lambda: alice.dataset_info("alice/pets")),
        "space": outcome(lambda: alice.space_info("alice/app")),
        "repo_info_types": [
            type(alice.repo_info("alice/demo")).__name__,
            type(alice.repo_info("alice/pets", repo_type="dataset")).__name__,
            type(alice.repo_info("alice/app", repo_type="space")).__name__,
        ],
        "missing_repo": outcome(lambda: alice.model_info("alice/missing")),
        "missing_revision": outcome(lambda: alice.model_info("alice/demo", revision="nope")),
        "wrong_type": outcome(lambda: alice.repo_info("alice/demo", repo_type="dataset")),
        "invalid_id": outcome(lambda: alice.model_info("not a/valid//id")),
        "private_anonymous": outcome(lambda: anonymous.dataset_info("alice/secret")),
        "private_other_user": outcome(lambda: bob.dataset_info("alice/secret")),
        "bad_token": outcome(lambda: HfApi(endpoint=ENDPOINT, token="hf_wrong").model_info("alice/demo")),
        "exists": [
            alice.repo_exists("alice/demo"),
            alice.repo_exists("alice/missing"),
            bob.repo_exists("alice/secret", repo_type="dataset"),
            alice.revision_exists("alice/demo", "main"),
            alice.revision_exists("alice/demo", "nope"),
            alice.file_exists("alice/demo", "a/b.txt"),
            alice.file_exists("alice/demo", "x y/z#1.txt"),
            alice.file_exists("alice/demo", "a"),
            alice.file_exists("alice/missing", "a"),
        ],
    }


@section("files")
def _() -> Any:
    return {
        "root": outcome(lambda: sorted(alice.list_repo_tree("alice/demo"), key=lambda e: e.path)),
        "recursive": sorted(e.path for e in alice.list_repo_tree("alice/demo", recursive=True)),
        "folder": outcome(lambda: list(alice.list_repo_tree("alice/demo", "x y"))),
        "expanded_titles": sorted(e.last_commit.title for e in alice.list_repo_tree("alice/demo", expand=True)),
        "missing_folder": outcome(lambda: list(alice.list_repo_tree("alice/demo", "nope"))),
        "files": sorted(alice.list_repo_files("alice/demo")),
        "paths_info": outcome(lambda: alice.get_paths_info("alice/demo", ["a", "top.txt", "missing"])),
        "files_missing_revision": outcome(lambda: alice.list_repo_files("alice/demo", revision="nope")),
    }


@section("refs")
def _() -> Any:
    record = {
        "branch": outcome(lambda: alice.create_branch("alice/demo", branch="dev")),
        "branch_conflict": outcome(lambda: alice.create_branch("alice/demo", branch="dev")),
        "branch_exist_ok": outcome(lambda: alice.create_branch("alice/demo", branch="dev", exist_ok=True)),
        "branch_bad_name": outcome(lambda: alice.create_branch("alice/demo", branch="refs/pr/5")),
        "branch_bob_exist_ok": outcome(lambda: bob.create_branch("alice/demo", branch="dev", exist_ok=True)),
        "branch_bob": outcome(lambda: bob.create_branch("alice/demo", branch="bob")),
        "tag": outcome(lambda: alice.create_tag("alice/demo", tag="v1", tag_message="first")),
        "tag_conflict": outcome(lambda: alice.create_tag("alice/demo", tag="v1")),
        "tag_missing_revision": outcome(lambda: alice.create_tag("alice/demo", tag="v2", revision="nope")),
        "refs": outcome(lambda: alice.list_repo_refs("alice/demo")),
        "refs_with_prs": outcome(lambda: alice.list_repo_refs("alice/demo", include_pull_requests=True)),
        "commits": [c.title for c in alice.list_repo_commits("alice/demo")],
        "formatted": outcome(lambda: alice.list_repo_commits("alice/demo", formatted=True)[0].formatted_title),
        "delete_main": outcome(lambda: alice.delete_branch("alice/demo", branch="main")),
        "delete_missing_tag": outcome(lambda: alice.delete_tag("alice/demo", tag="nope")),
    }
    alice.delete_tag("alice/demo", tag="v1")
    alice.delete_branch("alice/demo", branch="dev")
    record["after"] = outcome(lambda: alice.list_repo_refs("alice/demo"))
    return record


@section("listing")
def _() -> Any:
    return {
        "models_of_alice": sorted(m.id for m in alice.list_models(author="alice")),
        "bob_sees": sorted(d.id for d in bob.list_datasets(author="alice")),
        "search": sorted(m.id for m in anonymous.list_models(search="dem")),
        "filter": sorted(m.id for m in anonymous.list_models(filter="vision")),
        "trained_on": sorted(m.id for m in anonymous.list_models(trained_dataset="alice/pets")),
        "card_data": outcome(lambda: [m.card_data for m in anonymous.list_models(search="demo", cardData=True)]),
        "emissions": sorted(m.id for m in anonymous.list_models(cardData=True, emissions_thresholds=(10, 20))),
        "limit": len(list(alice.list_models(limit=2))),
        "language": sorted(d.id for d in anonymous.list_datasets(language="en")),
        "spaces": sorted(s.id for s in anonymous.list_spaces(author="alice")),
        "expand_with_full": outcome(lambda: list(alice.list_models(expand=["sha"], full=True))),
    }


@section("settings")
def _() -> Any:
    record = {
        "nothing": outcome(lambda: alice.update_repo_settings("alice/demo")),
        "gated": outcome(lambda: alice.update_repo_settings("alice/demo", gated="manual")),
        "gated_value": alice.model_info("alice/demo").gated,
        "bob_auth_gated": outcome(lambda: bob.auth_check("alice/demo")),
        "ungated": outcome(lambda: alice.update_repo_settings("alice/demo", gated=False)),
        "bob_auth": outcome(lambda: bob.auth_check("alice/demo")),
        "bob_auth_write": outcome(lambda: bob.auth_check("alice/demo", write=True)),
        "alice_auth_write": outcome(lambda: alice.auth_check("alice/demo", write=True)),
        "private": outcome(lambda: alice.update_repo_settings("alice/pets", private=True, repo_type="dataset")),
        "bob_after_private": outcome(lambda: bob.dataset_info("alice/pets")),
        "bob_settings": outcome(lambda: bob.update_repo_settings("alice/demo", private=True)),
    }
    return record


@section("move_duplicate_delete")
def _() -> Any:
    record = {
        "move": outcome(lambda: alice.move_repo("alice/demo", "acme/moved")),
        "info_by_old_name": outcome(lambda: alice.model_info("alice/demo").id),
        "move_bad_id": outcome(lambda: alice.move_repo("demo", "acme/x")),
        "duplicate": outcome(lambda: alice.duplicate_repo("acme/moved", "alice/copy")),
        "duplicate_default_target": outcome(lambda: bob.duplicate_repo("acme/moved")),
        "duplicate_conflict": outcome(lambda: alice.duplicate_repo("acme/moved", "alice/copy")),
        "duplicate_exist_ok": outcome(lambda: alice.duplicate_repo("acme/moved", "alice/copy", exist_ok=True)),
        "copy_files": sorted(alice.list_repo_files("alice/copy")),
        "squash": outcome(lambda: alice.super_squash_history("alice/copy")),
        "squashed": [c.title for c in alice.list_repo_commits("alice/copy")],
        "delete": outcome(lambda: alice.delete_repo("alice/copy")),
        "delete_missing": outcome(lambda: alice.delete_repo("alice/copy")),
        "delete_missing_ok": outcome(lambda: alice.delete_repo("alice/copy", missing_ok=True)),
        "bob_delete": outcome(lambda: bob.delete_repo("acme/moved")),
    }
    record["exists_after"] = [alice.repo_exists("alice/copy"), alice.repo_exists("acme/moved")]
    return record


print(json.dumps(results, sort_keys=True))
