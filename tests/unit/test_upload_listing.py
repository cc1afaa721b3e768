"""The folder listing of upload_folder: same files, same order as upstream's `sorted(Path.glob("**/*"))`."""

import os
from pathlib import Path

from huggingface_hub._api_uploads import _list_files
from huggingface_hub._commit_api import _normalised, _parent_folders


def test_listing_matches_pathlib(tmp_path: Path) -> None:
    names = ["a", "b/c", "b/d/e", ".hidden/x", "B/z", "a.b/c", "a b/x", "b-c/y", "b/c.d", "é/ü", "z/.git/config"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    (tmp_path / "empty-dir").mkdir()
    os.symlink(tmp_path / "a", tmp_path / "link-to-file")
    os.symlink(tmp_path / "b", tmp_path / "link-to-folder")  # not entered, not a file
    os.symlink(tmp_path / "missing", tmp_path / "broken-link")
    expected = [(p.relative_to(tmp_path).as_posix(), str(p)) for p in sorted(tmp_path.glob("**/*")) if p.is_file()]
    assert _list_files(str(tmp_path)) == expected
    assert ("link-to-file", str(tmp_path / "link-to-file")) in expected


def test_parent_folders_match_pure_posix_path() -> None:
    from itertools import product
    from pathlib import PurePosixPath

    for parts in (p for k in range(1, 4) for p in product(["a", "b.c", ".", "", ".."], repeat=k)):
        for lead in ("", "/", "./"):
            path = lead + "/".join(parts)
            assert _parent_folders(path) == [str(parent) for parent in PurePosixPath(path).parents]
            assert _normalised(path) == str(PurePosixPath(path))


def test_selection_equals_filter_repo_objects() -> None:
    from huggingface_hub._api_uploads import _select
    from huggingface_hub.utils import DEFAULT_IGNORE_PATTERNS, filter_repo_objects

    paths = [
        "a.txt", ".git", ".git/HEAD", "sub/.git", "sub/.git/config", "x.git/y", ".gitignore", "a/.gitattributes",
        ".cache/huggingface/x", "sub/.cache/huggingface", ".cache/other", "back\\.git\\x", ".cache\\huggingface\\y",
        "data/b.json", "logs/run.log",
    ]  # fmt: skip
    for allow in (None, "*.txt", ["*.json", "*/*"]):
        for user_ignores in ([], ["*.log"], ".git*"):
            ignore = (
                [user_ignores] if isinstance(user_ignores, str) else list(user_ignores)
            ) + DEFAULT_IGNORE_PATTERNS
            expected = list(filter_repo_objects(paths, allow_patterns=allow, ignore_patterns=ignore))
            assert _select(paths, allow, ignore) == expected


def test_listed_file_operation_equals_the_constructed_one(tmp_path: Path) -> None:
    from huggingface_hub import CommitOperationAdd

    path = tmp_path / "f.bin"
    path.write_bytes(bytes(range(256)) * 3)
    built = CommitOperationAdd(path_in_repo="./dir/f.bin", path_or_fileobj=path)
    listed = CommitOperationAdd._from_listed_file("./dir/f.bin", str(path))
    for name in ("path_in_repo", "path_or_fileobj", "_upload_mode", "_should_ignore", "_remote_oid", "_is_uploaded"):
        assert getattr(listed, name) == getattr(built, name)
    assert listed._is_committed is built._is_committed is False
    assert (listed.upload_info.size, listed.upload_info.sample) == (built.upload_info.size, built.upload_info.sample)
    assert listed.upload_info.sha256 == built.upload_info.sha256
    assert repr(listed) == repr(built)
