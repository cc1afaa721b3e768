"""Users, organizations, LFS files, storage, tags and Space search driven through `HfApi`, by upstream's client or by
ours, against one seeded local Hub (see test_people_lfs_tags_parity.py).

Usage: ``python people_lfs_tags_scenario.py read`` or ``... delete <repo_id>``, with ``HF_ENDPOINT`` set and the
tokens of alice, bob and carol in ``ALICE_TOKEN``, ``BOB_TOKEN``, ``CAROL_TOKEN``. Prints one JSON object on its
last line: what the calls returned (dataclasses as their attributes, datetimes in ISO form) or how they failed
(``[exception class, HTTP status]``). It only uses what both packages offer publicly.
"""

import dataclasses
import json
import os
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from huggingface_hub import HfApi

ENDPOINT = os.environ["HF_ENDPOINT"]
alice, bob, carol = (HfApi(endpoint=ENDPOINT, token=os.environ[f"{n}_TOKEN"]) for n in ("ALICE", "BOB", "CAROL"))
anonymous = HfApi(endpoint=ENDPOINT, token=False)


def normalize(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return {k: normalize(v) for k, v in sorted(vars(value).items())}
    if isinstance(value, dict):
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple) or hasattr(value, "__iter__"):
        return [normalize(v) for v in value]
    return repr(value)


def outcome(call: Callable[[], Any]) -> Any:
    try:
        return normalize(call())
    except Exception as error:
        response = getattr(error, "response", None)
        return [type(error).__name__, getattr(response, "status_code", None)]


def read() -> dict[str, Any]:
    return {
        "alice_overview_anonymous": outcome(lambda: anonymous.get_user_overview("alice")),
        "alice_overview_by_bob": outcome(lambda: bob.get_user_overview("alice")),
        "bob_overview": outcome(lambda: alice.get_user_overview("bob")),
        "missing_user": outcome(lambda: alice.get_user_overview("nobody")),
        "acme_overview": outcome(lambda: bob.get_organization_overview("acme")),
        "missing_org": outcome(lambda: alice.get_organization_overview("nobody")),
        "members": outcome(lambda: anonymous.list_organization_members("acme")),
        "org_followers": outcome(lambda: anonymous.list_organization_followers("acme")),
        "user_followers": outcome(lambda: anonymous.list_user_followers("alice")),
        "user_following": outcome(lambda: anonymous.list_user_following("bob")),
        "followers_missing": outcome(lambda: anonymous.list_user_followers("nobody")),
        "lfs_files": outcome(lambda: alice.list_lfs_files("alice/weights")),
        "lfs_files_bob": outcome(lambda: bob.list_lfs_files("alice/weights")),
        "lfs_files_anonymous": outcome(lambda: anonymous.list_lfs_files("alice/weights")),
        "lfs_files_missing": outcome(lambda: alice.list_lfs_files("alice/nope")),
        "user_repos": outcome(lambda: alice.list_user_repos()),
        "org_repos": outcome(lambda: alice.list_user_repos(namespace="acme")),
        "org_repos_outsider": outcome(lambda: carol.list_user_repos(namespace="acme")),
        "user_repos_anonymous": outcome(lambda: anonymous.list_user_repos()),
        "model_tags": outcome(alice.get_model_tags),
        "dataset_tags": outcome(alice.get_dataset_tags),
        "search": outcome(lambda: alice.search_spaces("generate image")),
        "search_sdk": outcome(lambda: anonymous.search_spaces("image", sdk=["docker"], include_non_running=True)),
        "search_filter": outcome(lambda: anonymous.search_spaces("image", filter="art")),
    }


def delete(repo_id: str) -> dict[str, Any]:
    files = list(alice.list_lfs_files(repo_id))
    doomed = [f for f in files if f.filename == "w.bin"]
    return {
        "bob_refused": outcome(lambda: bob.permanently_delete_lfs_files(repo_id, doomed)),
        "delete": outcome(lambda: alice.permanently_delete_lfs_files(repo_id, doomed)),
        "left": sorted(f.filename for f in alice.list_lfs_files(repo_id)),
        "files": sorted(alice.list_repo_files(repo_id)),
        "keep_pointers": outcome(
            lambda: alice.permanently_delete_lfs_files(
                repo_id, [f for f in files if f.filename == "k.bin"], rewrite_history=False
            )
        ),
        "files_after_keep": sorted(alice.list_repo_files(repo_id)),
        "left_after_keep": sorted(f.filename for f in alice.list_lfs_files(repo_id)),
    }


if __name__ == "__main__":
    record = read() if sys.argv[1] == "read" else delete(sys.argv[2])
    print(json.dumps(record, sort_keys=True))
