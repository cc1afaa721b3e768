"""`hf models|datasets|spaces ls <repo_id>` (a repository's files) and `hf models|datasets|spaces info` against the
local Hub, run as users run them."""

import json
from pathlib import Path

import pytest

from huggingface_hub import HfApi
from huggingface_hub.local_hub import LocalHub
from tests.e2e._cli_runner import Run, run_cli
from tests.e2e._seed import commit, create_repo

DEBUG_HINT = "Hint: set HF_DEBUG=1 as environment variable for full traceback.\n"
RECURSE_HINT = "Hint: Use -R to list files recursively.\n"
FILES = {"config.json": b"{}", "docs/a.txt": b"a" * 1500, "docs/sub/b.txt": b"bb", "data/x.bin": b"x" * 2_500_000}


@pytest.fixture
def hf(local_hub: LocalHub, alice_token: str, tmp_path: Path):
    def run(*args: str, token: str | None = alice_token) -> Run:
        return run_cli(local_hub.endpoint, token, tmp_path / "home", *args)

    return run


@pytest.fixture
def dates(local_hub: LocalHub, alice_token: str) -> dict[str, object]:
    """Repository alice/demo with FILES; returns each path's last commit date."""
    create_repo(local_hub.endpoint, alice_token, "alice/demo")
    commit(local_hub.endpoint, alice_token, "alice/demo", files=FILES)
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    return {item.path: item.last_commit.date for item in api.list_repo_tree("alice/demo", recursive=True, expand=True)}


def _long(dates: dict, path: str, human: bool = False) -> str:
    return dates[path].strftime("%b %d %H:%M" if human else "%Y-%m-%d %H:%M:%S")


def test_flat_listing_with_sizes_and_dates(hf, dates) -> None:
    top = hf("models", "ls", "alice/demo")
    assert top.returncode == 0, top.stderr
    assert top.stdout.splitlines() == [
        f"        1519  {_long(dates, '.gitattributes')}  .gitattributes",
        f"           2  {_long(dates, 'config.json')}  config.json",
        f"              {_long(dates, 'data')}  data/",
        f"              {_long(dates, 'docs')}  docs/",
    ]
    assert top.stderr == RECURSE_HINT

    everything = hf("models", "ls", "alice/demo", "-R", "-h")
    assert [line.split("  ")[-1] for line in everything.stdout.splitlines()] == [
        ".gitattributes", "config.json", "data/", "data/x.bin", "docs/", "docs/a.txt", "docs/sub/", "docs/sub/b.txt",
    ]  # fmt: skip
    assert f"      2.5 MB         {_long(dates, 'data/x.bin', human=True)}  data/x.bin" in everything.stdout
    assert f"         2 B         {_long(dates, 'config.json', human=True)}  config.json" in everything.stdout
    assert everything.stderr == ""  # no hint: already recursive


def test_tree_listing(hf, dates) -> None:
    tree = hf("models", "ls", "alice/demo", "--tree", "-R")
    assert tree.returncode == 0, tree.stderr
    blank = " " * 30
    assert tree.stdout.splitlines() == [
        f"   1519  {_long(dates, '.gitattributes')}  ├── .gitattributes",
        f"      2  {_long(dates, 'config.json')}  ├── config.json",
        f"{blank}├── data/",
        f"2500000  {_long(dates, 'data/x.bin')}  │   └── x.bin",
        f"{blank}└── docs/",
        f"   1500  {_long(dates, 'docs/a.txt')}      ├── a.txt",
        f"{blank}    └── sub/",
        f"      2  {_long(dates, 'docs/sub/b.txt')}          └── b.txt",
    ]
    quiet_tree = hf("models", "ls", "alice/demo", "--tree", "-q")
    assert quiet_tree.stdout == "├── .gitattributes\n├── config.json\n├── data/\n└── docs/\n"
    assert quiet_tree.stderr == ""  # quiet mode has no hints

    as_json = hf("models", "ls", "alice/demo", "--tree", "--json")
    assert as_json.returncode == 2
    assert as_json.stderr.endswith("Error: Invalid value: Cannot use --tree with --format json.\n")


def test_quiet_and_json_listings(hf, dates) -> None:
    assert hf("models", "ls", "alice/demo", "-q").stdout == ".gitattributes\nconfig.json\ndata/\ndocs/\n"
    items = json.loads(hf("models", "ls", "alice/demo", "--json").stdout)
    assert [item["path"] for item in items] == [".gitattributes", "config.json", "data", "docs"]
    config = items[1]
    assert config["size"] == 2 and len(config["blob_id"]) == 40
    assert config["last_commit"]["title"] == "seed"
    assert config["last_commit"]["date"] == dates["config.json"].isoformat()
    assert "tree_id" in items[2] and "size" not in items[2]


def test_listing_a_revision_and_missing_things(hf, local_hub, alice_token, dates) -> None:
    first = HfApi(endpoint=local_hub.endpoint, token=alice_token).list_repo_commits("alice/demo")[-1].commit_id
    assert hf("models", "ls", "alice/demo", "--revision", first, "-q").stdout == ".gitattributes\n"

    missing = hf("models", "ls", "alice/nope")
    assert missing.returncode == 1
    assert missing.stderr == (
        "Error: Model 'alice/nope' not found.\n"
        "If the repo is private, make sure you are authenticated and your token has the required permissions.\n"
        "If the repo does not exist, create it with: hf repos create alice/nope\n" + DEBUG_HINT
    )
    wrong_type = hf("datasets", "ls", "alice/demo")
    assert "If the repo does not exist, create it with: hf repos create alice/demo --type dataset\n" in (
        wrong_type.stderr
    )
    bad_revision = hf("models", "ls", "alice/demo", "--revision", "nope")
    assert bad_revision.returncode == 1
    assert bad_revision.stderr == "Error: Revision not found in model 'alice/demo'.\n" + DEBUG_HINT


def test_dataset_and_space_files(hf, local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/ds", repo_type="dataset")
    commit(local_hub.endpoint, alice_token, "alice/ds", files={"train.csv": b"a,b\n"}, repo_type="dataset")
    assert hf("datasets", "ls", "alice/ds", "-q").stdout == ".gitattributes\ntrain.csv\n"
    assert hf("repos", "create", "alice/sp", "--type", "space", "--sdk", "static").returncode == 0
    assert hf("spaces", "list", "alice/sp", "-q").stdout.startswith(".gitattributes\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["models", "ls", "alice/demo", "--search", "x"], "Cannot use --search when listing files."),
        (["models", "ls", "alice/demo", "--no-gated"], "Cannot use --gated/--no-gated when listing files."),
        (["models", "ls", "alice/demo", "--warm"], "Cannot use --warm when listing files."),
        (["models", "ls", "alice/demo", "--limit", "5"], "Cannot use --limit when listing files."),
        (["models", "ls", "alice/demo", "--expand", "likes"], "Cannot use --expand when listing files."),
        (["models", "ls", "--tree"], "Cannot use --tree when listing models."),
        (["models", "ls", "-R"], "Cannot use --recursive when listing models."),
        (["models", "ls", "-h"], "Cannot use --human-readable when listing models."),
        (["models", "ls", "--revision", "main"], "Cannot use --revision when listing models."),
        (
            ["models", "ls", "--warm", "--inference-provider", "groq"],
            "Cannot use --warm together with --inference-provider.",
        ),
        (["datasets", "ls", "alice/demo", "--sort", "likes"], "Cannot use --sort when listing files."),
        (["datasets", "ls", "--tree"], "Cannot use --tree when listing datasets."),
        (["spaces", "ls", "alice/demo", "--author", "alice"], "Cannot use --author when listing files."),
        (["spaces", "ls", "-R"], "Cannot use --recursive when listing spaces."),
    ],
)
def test_options_of_the_other_listing_are_refused(hf, args: list[str], message: str) -> None:
    result = hf(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.endswith(f"\n\nError: Invalid value: {message}\n")


# --- info ---------------------------------------------------------------------------------------------------


def test_model_info(hf, local_hub, alice_token, dates) -> None:
    api = HfApi(endpoint=local_hub.endpoint, token=alice_token)
    expected = api.model_info("alice/demo")

    human = hf("models", "info", "alice/demo")
    assert human.returncode == 0, human.stderr
    assert human.stdout.startswith('{\n  "id": "alice/demo",\n')  # indented JSON for humans
    data = json.loads(human.stdout)
    assert data["sha"] == expected.sha
    assert data["private"] is False
    assert data["created_at"] == expected.created_at.isoformat()
    assert [sibling["rfilename"] for sibling in data["siblings"]] == [
        ".gitattributes", "config.json", "data/x.bin", "docs/a.txt", "docs/sub/b.txt",
    ]  # fmt: skip
    assert "card_data" not in data  # None fields are left out
    assert json.loads(hf("models", "info", "alice/demo", "-q").stdout) == data  # compact JSON otherwise

    expanded = hf("models", "info", "alice/demo", "--expand", "downloads,likes", "--json")
    assert json.loads(expanded.stdout) == {"id": "alice/demo", "downloads": 0, "likes": 0}
    first = api.list_repo_commits("alice/demo")[-1].commit_id
    at_first = json.loads(hf("models", "info", "alice/demo", "--revision", first).stdout)
    assert at_first["sha"] == first
    assert [sibling["rfilename"] for sibling in at_first["siblings"]] == [".gitattributes"]


def test_info_errors(hf, local_hub, alice_token, dates) -> None:
    def error(*args: str, **kwargs: str) -> str:
        result = hf(*args, **kwargs)
        assert result.returncode == 1, result
        return result.stderr.removesuffix(DEBUG_HINT)

    assert error("models", "info", "alice/nope") == "Error: Model 'alice/nope' not found.\n"
    assert error("datasets", "info", "alice/demo") == "Error: Dataset 'alice/demo' not found.\n"
    assert error("spaces", "info", "alice/demo") == "Error: Space 'alice/demo' not found.\n"
    assert error("models", "info", "alice/demo", "--revision", "nope") == (
        "Error: Revision 'nope' not found on 'alice/demo'.\n"
    )
    invalid = hf("models", "info", "alice/demo", "--expand", "likes,bogus")
    assert invalid.returncode == 2
    assert "Error: Invalid value for '--expand': Invalid expand property: 'bogus'. Valid values are: author," in (
        invalid.stderr
    )
    # A private repository is invisible without a token that can read it.
    create_repo(local_hub.endpoint, alice_token, "alice/secret", private=True)
    bob = local_hub.create_user("bob")
    assert error("models", "info", "alice/secret", token=bob) == "Error: Model 'alice/secret' not found.\n"
    assert json.loads(hf("models", "info", "alice/secret").stdout)["private"] is True


def test_dataset_and_space_info(hf, local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/ds", repo_type="dataset")
    data = json.loads(hf("datasets", "info", "alice/ds", "--json").stdout)
    assert (data["id"], data["private"]) == ("alice/ds", False)
    expanded = hf("datasets", "info", "alice/ds", "--expand", "downloads,likes", "--json")
    assert json.loads(expanded.stdout) == {"id": "alice/ds", "downloads": 0, "likes": 0}

    assert hf("repos", "create", "alice/sp", "--type", "space", "--sdk", "docker").returncode == 0
    space = json.loads(hf("spaces", "info", "alice/sp", "--json").stdout)
    assert (space["id"], space["sdk"]) == ("alice/sp", "docker")
    assert json.loads(hf("spaces", "info", "alice/sp", "--expand", "sdk", "--json").stdout) == {
        "id": "alice/sp",
        "sdk": "docker",
    }
