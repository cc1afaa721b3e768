"""upload_folder against the local Hub: file selection, deletions, several commits for large folders, resuming."""

import hashlib
from pathlib import Path

import pytest

from huggingface_hub import HfApi, _upload_pipeline
from tests.e2e._repo_reads import commits, read, tree
from tests.e2e._seed import create_repo, random_bytes

REPO = "alice/folder"


@pytest.fixture
def api(local_hub, alice_token) -> HfApi:
    create_repo(local_hub.endpoint, alice_token, REPO)
    return HfApi(endpoint=local_hub.endpoint, token=alice_token)


def _write(root: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


def test_patterns_prefix_and_default_ignores(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "local",
        {
            "config.json": b"{}",
            "model/weights.txt": b"w",
            "logs/run.log": b"log",
            "notes.md": b"n",
            ".git/HEAD": b"ref",
            "sub/.git/config": b"c",
            ".cache/huggingface/download/x.metadata": b"m",
        },
    )
    ignore = ["*.md"]
    info = api.upload_folder(
        folder_path=folder, path_in_repo="exp/", repo_id=REPO, ignore_patterns=ignore, allow_patterns=["*.json", "*/*"]
    )
    assert info.commit_message == "Upload folder using huggingface_hub"
    assert ".git/*" in ignore  # the caller's list is extended in place, like upstream
    files = tree(local_hub.endpoint, alice_token, REPO)
    assert sorted(files) == [".gitattributes", "exp/config.json", "exp/logs/run.log", "exp/model/weights.txt"]
    assert read(local_hub.endpoint, alice_token, REPO, "exp/model/weights.txt") == b"w"


def test_delete_patterns(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    api.upload_folder(
        folder_path=_write(tmp_path / "v1", {"a.txt": b"1", "old.log": b"1", "keep.log": b"1", "other/x.log": b"1"}),
        path_in_repo="exp",
        repo_id=REPO,
    )
    api.upload_file(path_or_fileobj=b"outside", path_in_repo="root.log", repo_id=REPO)
    api.upload_folder(
        folder_path=_write(tmp_path / "v2", {"a.txt": b"2", "keep.log": b"2"}),
        path_in_repo="exp",
        repo_id=REPO,
        delete_patterns=["*.log", ".gitattributes"],
        commit_message="replace logs",
    )
    # Deletions apply below `path_in_repo` only; a deleted-then-uploaded file is simply replaced.
    assert sorted(tree(local_hub.endpoint, alice_token, REPO)) == [
        ".gitattributes",
        "exp/a.txt",
        "exp/keep.log",
        "root.log",
    ]
    assert read(local_hub.endpoint, alice_token, REPO, "exp/keep.log") == b"2"
    assert commits(local_hub.endpoint, alice_token, REPO)[0]["title"] == "replace logs"


def test_large_folder_is_committed_in_parts_and_resumes(
    api: HfApi, local_hub, alice_token, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small commits, so that a few dozen files already need several of them.
    monkeypatch.setattr(_upload_pipeline, "COMMIT_SIZE_SCALE", [5, 8, 13])
    monkeypatch.setattr(_upload_pipeline, "INITIAL_COMMIT_SIZE_INDEX", 0)
    api.upload_file(path_or_fileobj=b"stale", path_in_repo="stale.txt", repo_id=REPO)
    files = {f"data/{i:03d}.txt": f"row {i}\n".encode() for i in range(40)}
    folder = _write(tmp_path / "big", files)
    before = len(commits(local_hub.endpoint, alice_token, REPO))

    info = api.upload_folder(folder_path=folder, repo_id=REPO, delete_patterns="stale.txt", commit_message="bulk")
    history = commits(local_hub.endpoint, alice_token, REPO)
    made = history[: len(history) - before]
    assert len(made) >= 4
    assert [commit["title"] for commit in reversed(made)] == ["bulk"] + [
        f"bulk (part {n})" for n in range(2, len(made) + 1)
    ]
    assert info.oid == made[0]["id"]
    remote = tree(local_hub.endpoint, alice_token, REPO)
    assert "stale.txt" not in remote and all(name in remote for name in files)

    # Interrupted uploads resume by running again: what is already committed is skipped.
    (folder / "data" / "new.txt").write_bytes(b"new")
    again = api.upload_folder(folder_path=folder, repo_id=REPO, commit_message="resume")
    assert commits(local_hub.endpoint, alice_token, REPO)[0]["title"] == "resume"
    assert len(commits(local_hub.endpoint, alice_token, REPO)) == len(history) + 1
    assert again.oid == commits(local_hub.endpoint, alice_token, REPO)[0]["id"]
    nothing = api.upload_folder(folder_path=folder, repo_id=REPO)
    assert nothing.oid == again.oid


def test_folder_with_lfs_files(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    contents = {
        "big.safetensors": random_bytes(11 * 1024 * 1024, seed=21),
        "small.bin": b"\x00\x01binary",  # LFS by the default .gitattributes patterns
        "twin.bin": b"\x00\x01binary",  # same content: one object
        "readme.txt": b"hello",
    }
    folder = _write(tmp_path / "lfs", contents)
    api.upload_folder(folder_path=folder, repo_id=REPO)
    remote = tree(local_hub.endpoint, alice_token, REPO)
    for name in ("big.safetensors", "small.bin", "twin.bin"):
        assert remote[name]["lfs"]["oid"] == hashlib.sha256(contents[name]).hexdigest()
    assert "lfs" not in remote["readme.txt"]
    assert read(local_hub.endpoint, alice_token, REPO, "big.safetensors") == contents["big.safetensors"]


def test_readme_with_broken_metadata_is_refused_first(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    folder = _write(tmp_path / "card", {"README.md": b"---\nlicense: mit\nno closing marker\n", "a.txt": b"a"})
    before = commits(local_hub.endpoint, alice_token, REPO)
    with pytest.raises(ValueError, match="Invalid metadata in README.md."):
        api.upload_folder(folder_path=folder, repo_id=REPO)
    assert commits(local_hub.endpoint, alice_token, REPO) == before


def test_upload_folder_into_a_pull_request(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    info = api.upload_folder(folder_path=_write(tmp_path / "pr", {"a.txt": b"a"}), repo_id=REPO, create_pr=True)
    assert info.pr_revision == "refs/pr/1"
    assert read(local_hub.endpoint, alice_token, REPO, "a.txt", revision="refs/pr/1") == b"a"


def test_commit_sizes_follow_the_pacer_latest_target(
    api: HfApi, local_hub, alice_token, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No commit is ever too slow: after the first, full one, the next takes as many files as the scale allows, even
    # though the files after the first batch were ready before the first commit ended.
    monkeypatch.setattr(_upload_pipeline, "COMMIT_SIZE_SCALE", [5, 8, 50])
    monkeypatch.setattr(_upload_pipeline, "INITIAL_COMMIT_SIZE_INDEX", 0)
    monkeypatch.setattr(_upload_pipeline, "TARGET_COMMIT_DURATION", 1e9)
    folder = _write(tmp_path / "paced", {f"f{i:02d}.txt": f"file {i}".encode() for i in range(60)})
    before = len(commits(local_hub.endpoint, alice_token, REPO))
    before_files = len(tree(local_hub.endpoint, alice_token, REPO))
    api.upload_folder(folder_path=folder, repo_id=REPO, commit_message="paced")
    made = list(reversed(commits(local_hub.endpoint, alice_token, REPO)))[before:]
    assert [commit["title"] for commit in made] == ["paced", "paced (part 2)", "paced (part 3)"]
    sizes = [len(tree(local_hub.endpoint, alice_token, REPO, revision=commit["id"])) for commit in made]
    assert [size - (sizes[i - 1] if i else before_files) for i, size in enumerate(sizes)] == [5, 50, 5]


def test_folder_fitting_the_scale_is_one_commit(api: HfApi, local_hub, alice_token, tmp_path: Path) -> None:
    folder = _write(tmp_path / "whole", {f"d{i % 3}/f{i}.txt": f"file {i}".encode() for i in range(300)})
    before = len(commits(local_hub.endpoint, alice_token, REPO))
    info = api.upload_folder(folder_path=folder, repo_id=REPO)
    history = commits(local_hub.endpoint, alice_token, REPO)
    assert len(history) == before + 1
    assert history[0]["id"] == info.oid and history[0]["title"] == "Upload folder using huggingface_hub"
    assert len(tree(local_hub.endpoint, alice_token, REPO)) >= 300
