"""`hf repos` against the local Hub: create, delete, branches and tags, with upstream's outputs and errors.

Every command runs in a subprocess, as users run it; what it did is checked on the Hub with `HfApi`.
"""

import json
from pathlib import Path

import pytest

from huggingface_hub import HfApi
from huggingface_hub.local_hub import LocalHub
from tests.e2e._cli_runner import Run, run_cli
from tests.e2e._seed import commit, create_repo

DEBUG_HINT = "Hint: set HF_DEBUG=1 as environment variable for full traceback.\n"


@pytest.fixture
def hf(local_hub: LocalHub, alice_token: str, tmp_path: Path):
    """`hf(*args, token=..., input=...)` runs our CLI as alice (by default) against the local Hub."""

    def run(*args: str, token: str | None = alice_token, input: str = "") -> Run:
        return run_cli(local_hub.endpoint, token, tmp_path / "home", *args, input=input)

    return run


@pytest.fixture
def api(local_hub: LocalHub, alice_token: str) -> HfApi:
    return HfApi(endpoint=local_hub.endpoint, token=alice_token)


# --- create ---------------------------------------------------------------------------------------------


def test_create_prints_the_repo_and_its_url_in_every_format(hf, api, local_hub) -> None:
    human = hf("repos", "create", "alice/m1")
    assert human.returncode == 0, human.stderr
    assert human.stdout == f"✓ Repo created\n  repo_id: alice/m1\n  url: {local_hub.endpoint}/alice/m1\n"
    assert api.model_info("alice/m1").private is False

    as_json = hf("repos", "create", "m2", "--private", "--json")  # the namespace defaults to the caller's
    assert json.loads(as_json.stdout) == {"repo_id": "alice/m2", "url": f"{local_hub.endpoint}/alice/m2"}
    assert api.model_info("alice/m2").private is True

    quiet = hf("repos", "create", "datasets/alice/d1", "-q")  # type prefix: a dataset
    assert quiet.stdout == "alice/d1\n"
    assert api.dataset_info("alice/d1").id == "alice/d1"

    agent = hf("repos", "create", "alice/s1", "--type", "space", "--sdk", "static", "--format", "agent")
    assert agent.stdout == f"repo_id=alice/s1 url={local_hub.endpoint}/spaces/alice/s1\n"
    assert api.space_info("alice/s1").sdk == "static"


def test_create_an_existing_repo_fails_unless_exist_ok(hf) -> None:
    assert hf("repos", "create", "alice/m1").returncode == 0
    again = hf("repos", "create", "alice/m1")
    assert again.returncode == 1
    assert again.stdout == ""
    assert again.stderr.startswith("Error: Client error '409 Conflict' for url ")
    assert "You already created this model repo\n" in again.stderr
    assert again.stderr.endswith(DEBUG_HINT)

    tolerated = hf("repos", "create", "alice/m1", "--exist-ok", "-q")
    assert (tolerated.returncode, tolerated.stdout) == (0, "alice/m1\n")


def test_create_a_space_with_settings_and_bad_space_options(hf, api) -> None:
    created = hf(
        "repos", "create", "alice/s2", "--type", "space", "--sdk", "gradio", "--private",
        "-e", "THEME=dark", "--secrets", "HF_TOKEN", "--sleep-time", "600", "-v", "hf://alice/s1:/models", "-q",
    )  # fmt: skip
    assert (created.returncode, created.stdout) == (0, "alice/s2\n"), created.stderr
    assert (api.space_info("alice/s2").sdk, api.space_info("alice/s2").private) == ("gradio", True)

    no_sdk = hf("repos", "create", "alice/s3", "--type", "space")
    assert no_sdk.returncode == 1
    assert no_sdk.stderr.startswith("Error: Invalid value. No space_sdk provided.")
    bad_volume = hf("repos", "create", "alice/s3", "--type", "space", "--sdk", "gradio", "-v", "hf://alice/s1")
    assert bad_volume.returncode == 1
    assert bad_volume.stderr == (
        "Error: Invalid HF URI: hf://alice/s1. Missing mount path. Expected ':<MOUNT_PATH>' (e.g. "
        "'hf://org/model:/data').\n" + DEBUG_HINT
    )
    bad_region = hf("repos", "create", "alice/m3", "--region", "mars")
    assert bad_region.returncode == 2
    assert "Error: Invalid value for '--region': 'mars' is not one of 'us', 'eu'." in bad_region.stderr
    assert not api.repo_exists("alice/s3", repo_type="space")
    assert not api.repo_exists("alice/m3")


def test_create_with_a_read_token_is_forbidden(hf, local_hub, api) -> None:
    reader = local_hub.create_user("bob", role="read")
    result = hf("repos", "create", "alice/m1", token=reader)
    assert result.returncode == 1
    assert '403 Forbidden: You don\'t have the rights to write to the namespace "alice".' in result.stderr
    assert "Make sure your token has the correct permissions.\n" in result.stderr
    assert not api.repo_exists("alice/m1")


def test_deprecated_repo_alias_warns_then_runs(hf, api) -> None:
    result = hf("repo", "create", "alice/m1")
    assert result.returncode == 0
    assert result.stderr == "Warning: `hf repo` is deprecated in favor of `hf repos`.\n"
    assert api.repo_exists("alice/m1")


# --- delete ---------------------------------------------------------------------------------------------


def test_delete_asks_for_confirmation(hf, api, local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/m1")
    declined = hf("repos", "delete", "alice/m1", input="n\n")
    assert declined.returncode == 1
    assert declined.stdout == "You are about to permanently delete model 'alice/m1'. Proceed? [y/N]: "
    assert declined.stderr == "Aborted!\n"
    assert api.repo_exists("alice/m1")

    # Without a human to ask, the command refuses and names the flag that skips the question.
    no_prompt = hf("repos", "delete", "alice/m1", "--json")
    assert no_prompt.returncode == 1
    assert no_prompt.stderr == (
        "Error: You are about to permanently delete model 'alice/m1'. Proceed? Use --yes to skip confirmation.\n"
        + DEBUG_HINT
    )
    assert api.repo_exists("alice/m1")

    accepted = hf("repos", "delete", "alice/m1", input="y\n")
    assert accepted.returncode == 0
    assert accepted.stdout.endswith("Proceed? [y/N]: ✓ Repo deleted\n  repo_id: alice/m1\n")
    assert not api.repo_exists("alice/m1")


def test_delete_a_missing_repo(hf, local_hub, alice_token, api) -> None:
    missing = hf("repos", "delete", "alice/nope", "--yes")
    assert missing.returncode == 1
    assert missing.stderr == (
        "Error: Repository not found.\n"
        "If the repo is private, make sure you are authenticated and your token has the required permissions.\n"
        "If the repo does not exist, create it with: hf repos create <repo_id>\n" + DEBUG_HINT
    )
    tolerated = hf("repos", "delete", "alice/nope", "--yes", "--missing-ok", "-q")
    assert (tolerated.returncode, tolerated.stdout) == (0, "alice/nope\n")

    create_repo(local_hub.endpoint, alice_token, "alice/d1", repo_type="dataset")
    deleted = hf("repos", "delete", "alice/d1", "--type", "dataset", "-y", "--format", "agent")
    assert (deleted.returncode, deleted.stdout) == (0, "repo_id=alice/d1\n")
    assert not api.repo_exists("alice/d1", repo_type="dataset")


# --- branches ---------------------------------------------------------------------------------------------


def test_branch_create_and_delete(hf, api, local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/m1")
    first = commit(local_hub.endpoint, alice_token, "alice/m1", files={"a.txt": b"a"})
    commit(local_hub.endpoint, alice_token, "alice/m1", files={"b.txt": b"b"})

    created = hf("repos", "branch", "create", "alice/m1", "dev", "--revision", first)
    assert created.returncode == 0, created.stderr
    assert created.stdout == "✓ Branch created\n  branch: dev\n  repo_type: model\n  repo_id: alice/m1\n"
    branches = {ref.name: ref.target_commit for ref in api.list_repo_refs("alice/m1").branches}
    assert branches["dev"] == first

    again = hf("repos", "branch", "create", "alice/m1", "dev")
    assert again.returncode == 1
    assert "Reference refs/heads/dev already exists" in again.stderr
    tolerated = hf("repos", "branch", "create", "alice/m1", "dev", "--exist-ok", "--json")
    assert json.loads(tolerated.stdout) == {"branch": "dev", "repo_type": "model", "repo_id": "alice/m1"}

    deleted = hf("repos", "branch", "delete", "alice/m1", "dev", "-q")
    assert (deleted.returncode, deleted.stdout) == (0, "dev\n")
    assert [ref.name for ref in api.list_repo_refs("alice/m1").branches] == ["main"]

    gone = hf("repos", "branch", "delete", "alice/m1", "dev")
    assert gone.returncode == 1
    assert gone.stderr == "Error: Revision not found in model 'alice/m1'.\n" + DEBUG_HINT


def test_branch_errors_on_missing_repo_and_read_token(hf, local_hub, alice_token) -> None:
    missing = hf("repos", "branch", "create", "alice/nope", "dev")
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: Model 'alice/nope' not found.\n")

    create_repo(local_hub.endpoint, alice_token, "alice/m1")
    reader = local_hub.create_user("bob", role="read")
    forbidden = hf("repos", "branch", "create", "alice/m1", "dev", token=reader)
    assert forbidden.returncode == 1
    assert "403 Forbidden" in forbidden.stderr


# --- tags -------------------------------------------------------------------------------------------------


def test_tag_create_list_delete(hf, api, local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/m1")
    head = commit(local_hub.endpoint, alice_token, "alice/m1", files={"a.txt": b"a"})

    created = hf("repos", "tag", "create", "alice/m1", "v1.0", "-m", "First release")
    assert created.returncode == 0, created.stderr
    assert created.stdout == "✓ Tag created\n  tag: v1.0\n  repo_type: model\n  repo_id: alice/m1\n"
    assert hf("repos", "tag", "create", "alice/m1", "v2.0", "-q").stdout == "v2.0\n"

    listed = hf("repos", "tag", "list", "alice/m1")
    assert listed.stdout.splitlines() == [
        "NAME TARGET_COMMIT                            REF           ",
        "---- ---------------------------------------- --------------",
        f"v1.0 {head} refs/tags/v1.0",
        f"v2.0 {head} refs/tags/v2.0",
    ]
    assert json.loads(hf("repos", "tag", "ls", "alice/m1", "--json").stdout) == [
        {"name": "v1.0", "target_commit": head, "ref": "refs/tags/v1.0"},
        {"name": "v2.0", "target_commit": head, "ref": "refs/tags/v2.0"},
    ]
    assert hf("repos", "tag", "list", "alice/m1", "-q").stdout == "v1.0\nv2.0\n"
    agent = hf("repos", "tag", "list", "alice/m1", "--format", "agent").stdout
    assert agent.splitlines()[:2] == ["name\ttarget_commit\tref", f"v1.0\t{head}\trefs/tags/v1.0"]

    deleted = hf("repos", "tag", "delete", "alice/m1", "v1.0", input="y\n")
    assert deleted.returncode == 0
    assert deleted.stdout == (
        "You are about to delete tag v1.0 on model alice/m1\nProceed? [y/N]: "
        "✓ Tag deleted\n  tag: v1.0\n  repo_type: model\n  repo_id: alice/m1\n"
    )
    assert [tag.name for tag in api.list_repo_refs("alice/m1").tags] == ["v2.0"]


def test_tag_errors_with_upstreams_messages(hf, local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/m1")
    hf("repos", "tag", "create", "alice/m1", "v1")

    def error(*args: str) -> str:
        result = hf(*args)
        assert result.returncode == 1, result
        return result.stderr.removesuffix(DEBUG_HINT)

    assert error("repos", "tag", "create", "alice/m1", "v1") == "Error: Tag 'v1' already exists on 'alice/m1'.\n"
    assert error("repos", "tag", "create", "alice/m1", "v2", "--revision", "nope") == (
        "Error: Revision 'nope' not found.\n"
    )
    assert error("repos", "tag", "create", "alice/nope", "v1") == "Error: Model 'alice/nope' not found.\n"
    assert error("repos", "tag", "list", "alice/nope", "--type", "dataset") == (
        "Error: Dataset 'alice/nope' not found.\n"
    )
    assert error("repos", "tag", "delete", "alice/m1", "v9", "-y") == "Error: Tag 'v9' not found on 'alice/m1'.\n"
    assert error("repos", "tag", "delete", "alice/nope", "v1", "-y") == "Error: Model 'alice/nope' not found.\n"

    empty = hf("repos", "tag", "list", "alice/m1", "--type", "model")
    assert empty.stdout.count("\n") == 3  # header, rule, v1

    reader = local_hub.create_user("bob", role="read")
    forbidden = hf("repos", "tag", "create", "alice/m1", "v2", token=reader)
    assert forbidden.returncode == 1
    assert "403 Forbidden" in forbidden.stderr


def test_tag_list_of_a_repo_without_tags(hf, local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/m1")
    assert hf("repos", "tag", "list", "alice/m1").stdout == "No results found.\n"
    assert hf("repos", "tag", "list", "alice/m1", "--json").stdout == "[]\n"


# --- settings, move, duplicate ---------------------------------------------------------------------------


def test_settings_change_visibility_and_gating(hf, api, local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/m1")
    private = hf("repos", "settings", "alice/m1", "--private")
    assert private.returncode == 0, private.stderr
    assert private.stdout == "✓ Repo settings updated\n  repo_id: alice/m1\n"
    assert api.model_info("alice/m1").private is True

    assert hf("repos", "settings", "alice/m1", "--gated", "auto", "--public", "-q").stdout == "alice/m1\n"
    info = api.model_info("alice/m1")
    assert (info.private, info.gated) == (False, "auto")
    assert hf("repos", "settings", "alice/m1", "--gated", "false").returncode == 0
    assert api.model_info("alice/m1").gated is False

    bad_choice = hf("repos", "settings", "alice/m1", "--gated", "bogus")
    assert bad_choice.returncode == 2
    assert "Error: Invalid value for '--gated': 'bogus' is not one of 'auto', 'manual', 'false'." in bad_choice.stderr
    protected = hf("repos", "settings", "alice/m1", "--protected")
    assert protected.returncode == 1
    assert protected.stderr == (
        "Error: Invalid value. Only Spaces can be 'protected'. Please set visibility to 'public' or 'private'.\n"
        + DEBUG_HINT
    )
    missing = hf("repos", "settings", "alice/nope", "--private")
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: Model 'alice/nope' not found.\n")


def test_move_renames_the_repo(hf, api, local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/m1", repo_type="dataset")
    moved = hf("repos", "move", "datasets/alice/m1", "datasets/alice/m2")
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout == "✓ Repo moved\n  from_id: alice/m1\n  to_id: alice/m2\n"
    assert api.dataset_info("alice/m2").id == "alice/m2"

    conflicting = hf("repos", "move", "datasets/alice/m2", "models/alice/m3")
    assert conflicting.returncode == 2
    assert "Error: Conflicting repo type prefixes: 'datasets/' and 'models/'." in conflicting.stderr

    gone = hf("repos", "move", "alice/m1", "alice/m4", "--type", "dataset")  # the old name is only a redirect now
    assert gone.returncode == 1
    assert gone.stderr.startswith("Error: Repository not found.\n")


def test_duplicate_copies_history_and_refs(hf, api, local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/src")
    head = commit(local_hub.endpoint, alice_token, "alice/src", files={"a.txt": b"a"})
    hf("repos", "tag", "create", "alice/src", "v1")

    copied = hf("repos", "duplicate", "alice/src", "alice/copy")
    assert copied.returncode == 0, copied.stderr
    assert copied.stdout == (
        f"✓ Repo duplicated\n  from_id: alice/src\n  to_id: alice/copy\n  url: {local_hub.endpoint}/alice/copy\n"
    )
    assert api.model_info("alice/copy").sha == head
    assert [tag.name for tag in api.list_repo_refs("alice/copy").tags] == ["v1"]

    # Without a destination, the copy goes to the caller's namespace under the same name: here, the source.
    same_name = hf("repos", "duplicate", "alice/src")
    assert same_name.returncode == 1
    assert "You already created this model repo" in same_name.stderr
    tolerated = hf("repos", "duplicate", "alice/src", "alice/copy", "--exist-ok", "--json")
    assert json.loads(tolerated.stdout) == {
        "from_id": "alice/src",
        "to_id": "alice/copy",
        "url": f"{local_hub.endpoint}/alice/copy",
    }
    missing = hf("repos", "duplicate", "alice/nope", "alice/x")
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: Model 'alice/nope' not found.\n")
