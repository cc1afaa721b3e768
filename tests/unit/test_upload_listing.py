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
