"""A whole-Hub scenario using only `huggingface_hub`'s public API, run by upstream's client and by ours.

Usage: ``python scenario_hub.py WORK_DIR`` with ``HF_ENDPOINT`` pointing at a fresh local Hub that has the users
``alice`` (token in ``ALICE_TOKEN``, write), ``bob`` (``BOB_TOKEN``, write) and a read token of alice's
(``ALICE_READ_TOKEN``). Prints one JSON object: for every section, either its record (only values that do not
depend on time or random ids: names, sizes, hashes, counts, statuses, exception class names) or
``{"error": "<ExceptionClass>: <message>"}`` when the section itself failed. The test compares the records of
both clients and checks the expected values.

This file is executed by upstream's interpreter too: it must only use what both packages offer publicly.
"""

import hashlib
import json
import os
import sys
import traceback
import urllib.request
from collections.abc import Callable
from typing import Any

import huggingface_hub as hfh
from huggingface_hub import CommitOperationAdd, CommitOperationCopy, CommitOperationDelete, HfApi

WORK = sys.argv[1]
ENDPOINT = os.environ["HF_ENDPOINT"]
alice = HfApi(endpoint=ENDPOINT, token=os.environ["ALICE_TOKEN"])
bob = HfApi(endpoint=ENDPOINT, token=os.environ["BOB_TOKEN"])
alice_read = HfApi(endpoint=ENDPOINT, token=os.environ["ALICE_READ_TOKEN"])
anonymous = HfApi(endpoint=ENDPOINT, token=False)

# Above the server's multipart threshold (20 MiB), so the LFS upload is split into parts.
BIG_SIZE = 21 * 1024 * 1024 + 4321
MID_SIZE = 11 * 1024 * 1024  # LFS (over 10 MiB), single PUT
results: dict[str, Any] = {}


def section(name: str) -> Callable[[Callable[[], Any]], None]:
    def run(body: Callable[[], Any]) -> None:
        try:
            results[name] = body()
        except Exception as error:  # recorded, compared: both clients must fail alike
            traceback.print_exc(file=sys.stderr)
            results[name] = {"error": f"{type(error).__name__}: {error}"[:300]}

    return run


def error_of(call: Callable[[], Any]) -> list[Any] | None:
    """`[exception class, HTTP status]` of a call expected to fail, or None if it succeeded."""
    try:
        call()
    except Exception as error:
        response = getattr(error, "response", None)
        return [type(error).__name__, getattr(response, "status_code", None)]
    return None


def write(path: str, data: bytes) -> str:
    full = os.path.join(WORK, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)
    return full


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def files_of(api: HfApi, repo_id: str, **kwargs: Any) -> list[str]:
    return sorted(api.list_repo_files(repo_id, **kwargs))


big = write("big.bin", os.urandom(BIG_SIZE))
mid = write("mid.bin", os.urandom(MID_SIZE))


@section("identity")
def _() -> Any:
    me = alice.whoami()
    return {"name": me["name"], "type": me["type"], "role": me["auth"]["accessToken"]["role"]}


@section("create")
def _() -> Any:
    url = alice.create_repo("alice/demo")
    again = alice.create_repo("alice/demo", exist_ok=True)
    alice.create_repo("alice/secret-data", repo_type="dataset", private=True)
    alice.create_repo("alice/gated")
    alice.update_repo_settings("alice/gated", gated="auto")
    return {
        "url": str(url),
        "repo_id": url.repo_id,
        "same_url": str(again) == str(url),
        "conflict": error_of(lambda: alice.create_repo("alice/demo")),
        "private": alice.dataset_info("alice/secret-data").private,
        "gated": alice.model_info("alice/gated").gated,
    }


@section("upload")
def _() -> Any:
    small = alice.upload_file(path_or_fileobj=b"hello\n", path_in_repo="hello.txt", repo_id="alice/demo")
    lfs = alice.upload_file(path_or_fileobj=big, path_in_repo="weights/big.bin", repo_id="alice/demo")
    noop = alice.upload_file(path_or_fileobj=big, path_in_repo="weights/big.bin", repo_id="alice/demo")
    write("folder/a.txt", b"a")
    write("folder/sub/b.json", b"{}")
    write("folder/sub/skip.log", b"log")
    write("folder/mid.bin", open(mid, "rb").read())
    folder = alice.upload_folder(
        folder_path=os.path.join(WORK, "folder"),
        path_in_repo="data",
        repo_id="alice/demo",
        ignore_patterns=["*.log"],
        commit_message="Add data folder",
    )
    infos = {p.path: p for p in alice.get_paths_info("alice/demo", ["weights/big.bin", "data/mid.bin", "hello.txt"])}
    return {
        "small_commit_message": small.commit_message,
        "lfs_is_commit": len(lfs.oid) == 40,
        "noop_same_commit": noop.oid == lfs.oid,
        "folder_commit_message": folder.commit_message,
        "files": files_of(alice, "alice/demo"),
        "big_lfs": [infos["weights/big.bin"].lfs.sha256 == sha256_of(big), infos["weights/big.bin"].size],
        "mid_lfs": [infos["data/mid.bin"].lfs.sha256 == sha256_of(mid), infos["data/mid.bin"].size],
        "hello_is_regular": infos["hello.txt"].lfs is None,
    }


@section("commit_ops")
def _() -> Any:
    info = alice.create_commit(
        "alice/demo",
        operations=[
            CommitOperationCopy(src_path_in_repo="weights/big.bin", path_in_repo="weights/copy.bin"),
            CommitOperationCopy(src_path_in_repo="hello.txt", path_in_repo="hello-copy.txt"),
            CommitOperationDelete(path_in_repo="data/sub/"),
            CommitOperationAdd(path_in_repo="notes.md", path_or_fileobj=b"# notes\n"),
        ],
        commit_message="Copy, delete and add",
    )
    stale_parent = alice.list_repo_commits("alice/demo")[1].commit_id
    return {
        "message": info.commit_message,
        "files": files_of(alice, "alice/demo"),
        "copy_sha_ok": alice.get_paths_info("alice/demo", ["weights/copy.bin"])[0].lfs.sha256 == sha256_of(big),
        "stale_parent": error_of(
            lambda: alice.create_commit(
                "alice/demo",
                operations=[CommitOperationAdd(path_in_repo="x.txt", path_or_fileobj=b"x")],
                commit_message="stale",
                parent_commit=stale_parent,
            )
        ),
        "escape": error_of(lambda: CommitOperationAdd(path_in_repo="../evil.txt", path_or_fileobj=b"x")),
        "titles": [c.title for c in alice.list_repo_commits("alice/demo")],
    }


@section("refs")
def _() -> Any:
    alice.create_branch("alice/demo", branch="dev")
    alice.upload_file(path_or_fileobj=b"dev only", path_in_repo="dev.txt", repo_id="alice/demo", revision="dev")
    alice.create_tag("alice/demo", tag="v1", tag_message="first")
    refs = alice.list_repo_refs("alice/demo")
    record = {
        "branches": sorted(b.name for b in refs.branches),
        "tags": sorted(t.name for t in refs.tags),
        "dev_files": files_of(alice, "alice/demo", revision="dev"),
        "tag_files_equal_main": files_of(alice, "alice/demo", revision="v1") == files_of(alice, "alice/demo"),
        "revision_exists": [alice.revision_exists("alice/demo", "dev"), alice.revision_exists("alice/demo", "nope")],
        "duplicate_branch": error_of(lambda: alice.create_branch("alice/demo", branch="dev")),
    }
    alice.delete_tag("alice/demo", tag="v1")
    alice.delete_branch("alice/demo", branch="dev")
    after = alice.list_repo_refs("alice/demo")
    record["after_delete"] = [sorted(b.name for b in after.branches), sorted(t.name for t in after.tags)]
    return record


@section("pull_request")
def _() -> Any:
    commit = bob.create_commit(
        "alice/demo",
        operations=[CommitOperationAdd(path_in_repo="from-bob.txt", path_or_fileobj=b"hi from bob")],
        commit_message="Bob's contribution",
        create_pr=True,
    )
    num = commit.pr_num
    bob.comment_discussion("alice/demo", num, "please merge")
    details = alice.get_discussion_details("alice/demo", num)
    pr_files = files_of(alice, "alice/demo", revision=commit.pr_revision)
    alice.merge_pull_request("alice/demo", num, comment="thanks")
    merged = alice.get_discussion_details("alice/demo", num)
    return {
        "pr_revision": commit.pr_revision == f"refs/pr/{num}",
        "title": details.title,
        "is_pull_request": details.is_pull_request,
        "status_before": details.status,
        "events": [e.type for e in details.events],
        "pr_has_file": "from-bob.txt" in pr_files,
        "status_after": merged.status,
        "main_has_file": "from-bob.txt" in files_of(alice, "alice/demo"),
    }


@section("discussions")
def _() -> Any:
    discussion = bob.create_discussion("alice/demo", title="A question", description="How?")
    bob.rename_discussion("alice/demo", discussion.num, new_title="A better question")
    alice.change_discussion_status("alice/demo", discussion.num, new_status="closed", comment="answered")
    listed = list(alice.get_repo_discussions("alice/demo"))
    details = alice.get_discussion_details("alice/demo", discussion.num)
    return {
        "listed": sorted((d.title, d.is_pull_request, d.status) for d in listed),
        "events": [e.type for e in details.events],
        "status": details.status,
        "read_token_comments": error_of(lambda: alice_read.comment_discussion("alice/demo", discussion.num, "hi")),
    }


@section("info_and_lists")
def _() -> Any:
    model = alice.model_info("alice/demo", files_metadata=True)
    return {
        "id": model.id,
        "author": model.author,
        "private": model.private,
        "siblings": sorted((s.rfilename, s.size) for s in model.siblings),
        "sha_is_main": model.sha == alice.list_repo_commits("alice/demo")[0].commit_id,
        "models_of_alice": sorted(m.id for m in alice.list_models(author="alice")),
        "search": sorted(m.id for m in alice.list_models(search="dem")),
        "bob_sees_datasets": sorted(d.id for d in bob.list_datasets(author="alice")),
        "alice_sees_datasets": sorted(d.id for d in alice.list_datasets(author="alice")),
        "exists": [
            alice.repo_exists("alice/demo"),
            bob.repo_exists("alice/secret-data", repo_type="dataset"),
            alice.file_exists("alice/demo", "hello.txt"),
            alice.file_exists("alice/demo", "missing.txt"),
        ],
        "tree_top": sorted((e.path, type(e).__name__) for e in alice.list_repo_tree("alice/demo")),
    }


@section("downloads")
def _() -> Any:
    cache = os.path.join(WORK, "cache")
    small = hfh.hf_hub_download("alice/demo", "hello.txt", cache_dir=cache, token=os.environ["ALICE_TOKEN"])
    large = hfh.hf_hub_download("alice/demo", "weights/big.bin", cache_dir=cache, token=os.environ["ALICE_TOKEN"])
    snapshot = hfh.snapshot_download("alice/demo", cache_dir=cache, allow_patterns=["data/*", "*.md"])
    return {
        "small": open(small, "rb").read().decode(),
        "big_sha_ok": sha256_of(large) == sha256_of(big),
        "snapshot": sorted(
            os.path.relpath(os.path.join(root, name), snapshot)
            for root, _dirs, names in os.walk(snapshot)
            for name in names
        ),
    }


@section("filesystem")
def _() -> Any:
    fs = hfh.HfFileSystem(endpoint=ENDPOINT, token=os.environ["ALICE_TOKEN"])
    with fs.open("alice/demo/weights/big.bin", "rb") as f:
        f.seek(1000)
        chunk = f.read(100)
    with open(big, "rb") as f:
        f.seek(1000)
        expected = f.read(100)
    return {
        "ls": sorted(fs.ls("alice/demo", detail=False)),
        "read": fs.cat_file("alice/demo/hello.txt").decode(),
        "ranged_read_ok": chunk == expected,
    }


def like_on_the_web(token: str, repo_id: str) -> None:
    """Liking has no client method (the Hub keeps it to its web UI): the same route, with the standard library."""
    request = urllib.request.Request(
        f"{ENDPOINT}/api/models/{repo_id}/like", method="POST", headers={"authorization": f"Bearer {token}"}
    )
    urllib.request.urlopen(request, timeout=30).close()


@section("social")
def _() -> Any:
    like_on_the_web(os.environ["BOB_TOKEN"], "alice/demo")
    likers = sorted(u.username for u in alice.list_repo_likers("alice/demo"))
    liked = bob.list_liked_repos("bob")
    bob.unlike("alice/demo")
    collection = alice.create_collection("My picks", description="best repos")
    alice.add_collection_item(collection.slug, item_id="alice/demo", item_type="model", note="great")
    fetched = alice.get_collection(collection.slug)
    return {
        "likers": likers,
        "liked": [liked.user, liked.models, liked.datasets, liked.total],
        "likers_after_unlike": sorted(u.username for u in alice.list_repo_likers("alice/demo")),
        "collection": [fetched.title, fetched.description, [(i.item_id, i.item_type, i.note) for i in fetched.items]],
        "slug_prefix": fetched.slug.startswith("alice/my-picks"),
    }


@section("gated")
def _() -> Any:
    alice.upload_file(path_or_fileobj=b"gated content", path_in_repo="g.txt", repo_id="alice/gated")
    cache = os.path.join(WORK, "gated-cache")
    before = error_of(lambda: hfh.hf_hub_download("alice/gated", "g.txt", cache_dir=cache, token=bob.token))
    alice.grant_access("alice/gated", "bob")
    path = hfh.hf_hub_download("alice/gated", "g.txt", cache_dir=cache, token=bob.token)
    return {
        "before": before,
        "after": open(path, "rb").read().decode(),
        "accepted": sorted(r.username for r in alice.list_accepted_access_requests("alice/gated")),
    }


@section("failures")
def _() -> Any:
    wrong = HfApi(endpoint=ENDPOINT, token="hf_not_a_real_token")
    return {
        "wrong_token": error_of(lambda: wrong.model_info("alice/demo")),
        "read_token_writes": error_of(
            lambda: alice_read.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id="alice/demo")
        ),
        "private_anonymous": error_of(lambda: anonymous.dataset_info("alice/secret-data")),
        "private_other_user": error_of(lambda: bob.dataset_info("alice/secret-data")),
        "missing_revision": error_of(lambda: alice.list_repo_files("alice/demo", revision="nope")),
        "missing_file": error_of(
            lambda: hfh.hf_hub_download(
                "alice/demo", "nope.txt", cache_dir=os.path.join(WORK, "c2"), token=os.environ["ALICE_TOKEN"]
            )
        ),
        "invalid_repo_id": error_of(lambda: alice.model_info("not a/valid//id")),
        "missing_repo": error_of(lambda: alice.model_info("alice/nothing-here")),
    }


@section("delete_and_move")
def _() -> Any:
    alice.delete_file("hello-copy.txt", "alice/demo")
    alice.delete_folder("data", "alice/demo")
    after_deletes = files_of(alice, "alice/demo")
    alice.move_repo("alice/demo", "alice/renamed")
    cache = os.path.join(WORK, "moved-cache")
    via_old_name = hfh.hf_hub_download("alice/demo", "notes.md", cache_dir=cache, token=os.environ["ALICE_TOKEN"])
    # An LFS upload under the old name: preupload, the LFS batch and the commit all follow the redirect.
    alice.upload_file(path_or_fileobj=b"moved weights", path_in_repo="weights.bin", repo_id="alice/demo")
    lfs_via_old_name = [
        (f.path, f.lfs.sha256 if f.lfs else None) for f in alice.get_paths_info("alice/renamed", ["weights.bin"])
    ]
    alice.delete_repo("alice/renamed")
    return {
        "after_deletes": after_deletes,
        "old_name_download": open(via_old_name, "rb").read().decode(),
        "old_name_lfs_upload": lfs_via_old_name,
        "exists_after_delete": alice.repo_exists("alice/renamed"),
        "delete_missing": error_of(lambda: alice.delete_repo("alice/renamed")),
        "delete_missing_ok": error_of(lambda: alice.delete_repo("alice/renamed", missing_ok=True)),
    }


print(json.dumps(results, sort_keys=True))
