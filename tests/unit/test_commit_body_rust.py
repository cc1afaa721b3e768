"""The commit body and the upload info built in Rust are byte for byte what the Python code builds."""

import errno
import json
import os
from pathlib import Path

import pytest

from huggingface_hub import CommitOperationAdd, CommitOperationCopy, CommitOperationDelete, _rust
from huggingface_hub._commit_api import _commit_body, _CopySource, _prepare_commit_payload
from huggingface_hub.lfs import UploadInfo

# Paths that json.dumps escapes in every way it can: quotes, backslashes, control characters, non-ASCII (BMP and
# beyond, as surrogate pairs), and a lone surrogate (what os.fsdecode makes of an undecodable file name).
ODD_NAMES = [
    "plain.txt",
    'dir/quoted "name".txt',
    "back\\slash.txt",
    "tab\tnew\nline\x01\x1f.txt",
    "ünïcødé/日本語.txt",
    "emoji 🤗.txt",
    "lone \udcff surrogate.txt",
]


def _on_disk(tmp_path: Path, index: int, content: bytes) -> str:
    path = tmp_path / f"src{index}.bin"
    path.write_bytes(content)
    return str(path)


def _regular(path_in_repo: str, source: str | bytes) -> CommitOperationAdd:
    operation = CommitOperationAdd(path_in_repo=path_in_repo, path_or_fileobj=source)
    operation._upload_mode = "regular"
    return operation


def _python_body(operations, files_to_copy) -> bytes:
    lines = _prepare_commit_payload(operations, files_to_copy, "msg ✓", "déscription", parent_commit="abc")
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def _rust_body(operations, files_to_copy) -> bytes:
    lines = _prepare_commit_payload(
        operations,
        files_to_copy,
        "msg ✓",
        "déscription",
        parent_commit="abc",
        _content_as_bytes=True,
        _content_on_disk=True,
    )
    return _commit_body(lines)


def test_body_of_files_on_disk_equals_json_dumps(tmp_path: Path) -> None:
    contents = [b"", b"a", b"ab", b"abc", bytes(range(256)) * 16, os.urandom(100_003), b'\n\x00"\\']
    operations: list = [CommitOperationDelete("old/"), CommitOperationDelete("gone.txt")]
    for index, content in enumerate(contents):
        name = ODD_NAMES[index % len(ODD_NAMES)]
        operations.append(_regular(f"{index}/{name}", _on_disk(tmp_path, index, content)))
    lfs = CommitOperationAdd(path_in_repo="weights.bin", path_or_fileobj=b"\x00lfs")
    lfs._upload_mode = "lfs"
    operations.insert(4, lfs)
    operations.insert(6, _regular("in memory.txt", b"bytes content"))
    operations.append(CommitOperationCopy("a.txt", "copied.txt"))
    files_to_copy = {_CopySource(None, None, "a.txt", None): b"copied"}

    body = _rust_body(operations, files_to_copy)
    assert body == _python_body(operations, files_to_copy)
    assert len(body.splitlines()) == 1 + len(operations)


def test_many_files_keep_their_order(tmp_path: Path) -> None:
    operations = [_regular(f"d{i % 7}/f{i}.txt", _on_disk(tmp_path, i, os.urandom(i % 50))) for i in range(600)]
    assert _rust_body(operations, {}) == _python_body(operations, {})


def test_gitignored_files_are_left_out(tmp_path: Path) -> None:
    kept = _regular("kept.txt", _on_disk(tmp_path, 0, b"kept"))
    ignored = _regular("ignored.txt", _on_disk(tmp_path, 1, b"ignored"))
    ignored._should_ignore = True
    body = _rust_body([kept, ignored], {})
    assert body == _python_body([kept, ignored], {})
    assert b"ignored.txt" not in body


def test_missing_file_raises_file_not_found_naming_it(tmp_path: Path) -> None:
    source = _on_disk(tmp_path, 0, b"soon gone")
    operation = _regular("a.txt", source)
    os.unlink(source)
    with pytest.raises(FileNotFoundError) as caught:
        _rust_body([operation], {})
    assert caught.value.errno == errno.ENOENT
    assert caught.value.filename == source


def test_file_heads_equal_upload_info_from_path(tmp_path: Path) -> None:
    sizes = [0, 1, 511, 512, 513, 70_000]
    paths = [_on_disk(tmp_path, index, os.urandom(size)) for index, size in enumerate(sizes)]
    for budget in (0, 1 << 20):
        heads = _rust.read_file_heads(paths, 512, budget)
        for path, (size, sample, content) in zip(paths, heads, strict=True):
            info = UploadInfo.from_path(path)
            assert (size, sample) == (info.size, info.sample)
            assert content == (Path(path).read_bytes() if budget else None)


def test_listed_files_read_in_bulk_equal_constructed_ones(tmp_path: Path) -> None:
    paths = [_on_disk(tmp_path, index, os.urandom(index * 300)) for index in range(5)]
    listed = CommitOperationAdd._from_listed_files([(f"/dir/f{index}", path) for index, path in enumerate(paths)])
    for index, operation in enumerate(listed):
        built = CommitOperationAdd(path_in_repo=f"/dir/f{index}", path_or_fileobj=paths[index])
        assert operation.path_in_repo == built.path_in_repo == f"dir/f{index}"
        assert (operation.upload_info.size, operation.upload_info.sample) == (
            built.upload_info.size,
            built.upload_info.sample,
        )
        assert operation.upload_info.sha256 == built.upload_info.sha256


def test_listed_files_refuse_bad_paths_and_unreadable_files(tmp_path: Path) -> None:
    path = _on_disk(tmp_path, 0, b"x")
    with pytest.raises(ValueError, match="Invalid `path_in_repo`"):
        CommitOperationAdd._from_listed_files([("ok.txt", path), ("../escape.txt", path)])
    missing = str(tmp_path / "missing.txt")
    with pytest.raises(FileNotFoundError) as caught:
        CommitOperationAdd._from_listed_files([("ok.txt", path), ("missing.txt", missing)])
    assert caught.value.filename == missing


def test_listed_small_files_are_read_once(tmp_path: Path) -> None:
    contents = [os.urandom(size) for size in (0, 10, 600, 3000)]
    files = [
        (f"d/{name}", _on_disk(tmp_path, i, content))
        for i, (name, content) in enumerate(zip(ODD_NAMES[:4], contents, strict=True))
    ]
    listed = CommitOperationAdd._from_listed_files(files)
    assert [op.upload_info._content for op in listed] == contents
    for op in listed:
        op._upload_mode = "regular"
    expected = _python_body(listed, {})
    # The commit sends what was read with the samples: the files are not opened again.
    for _, path in files:
        os.unlink(path)
    assert _rust_body(listed, {}) == expected


def test_listed_content_stays_within_its_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import _commit_api

    monkeypatch.setattr(_commit_api, "LISTED_CONTENT_BUDGET", 1000)
    files = [(f"f{i}", _on_disk(tmp_path, i, os.urandom(size))) for i, size in enumerate((400, 400, 400, 100))]
    listed = CommitOperationAdd._from_listed_files(files)
    kept = [op.upload_info._content is not None for op in listed]
    assert sum(op.upload_info.size for op, keep in zip(listed, kept, strict=True) if keep) <= 1000
    assert kept.count(False) >= 1
    for op in listed:
        op._upload_mode = "regular"
    assert _rust_body(listed, {}) == _python_body(listed, {})
