"""The per-file state of upload_large_folder on disk: format, and when a saved state is not trusted."""

import os
import time
from pathlib import Path

import pytest

from huggingface_hub._local_folder_upload import (
    LocalUploadFileMetadata,
    get_local_upload_paths,
    read_upload_metadata,
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "file.bin").write_bytes(b"12345")
    return tmp_path


def test_paths_layout(folder: Path) -> None:
    paths = get_local_upload_paths(folder, "sub/file.bin")
    upload_dir = folder / ".cache" / "huggingface" / "upload"
    assert paths.file_path == folder / "sub" / "file.bin"
    assert paths.metadata_path == upload_dir / "sub" / "file.bin.metadata"
    assert paths.lock_path == upload_dir / "sub" / "file.bin.lock"
    assert (folder / ".cache" / "huggingface" / ".gitignore").read_text() == "*"
    with pytest.raises(ValueError, match="'..' path segment"):
        get_local_upload_paths(folder, "../escape.txt")
    with pytest.raises(ValueError, match="absolute"):
        get_local_upload_paths(folder, "/etc/passwd")


def test_save_and_read_round_trip(folder: Path) -> None:
    paths = get_local_upload_paths(folder, "sub/file.bin")
    # Unknown fields are empty lines.
    LocalUploadFileMetadata(size=5).save(paths)
    timestamp, rest = paths.metadata_path.read_bytes().split(b"\n", 1)
    assert float(timestamp) <= time.time()
    assert rest == b"5\n\n\n\n\n0\n0\n"

    metadata = LocalUploadFileMetadata(
        size=5, should_ignore=False, sha256="ab" * 32, upload_mode="lfs", remote_oid="cd" * 32, is_uploaded=True
    )
    metadata.save(paths)
    assert (
        paths.metadata_path.read_bytes().split(b"\n", 1)[1] == f"5\n0\n{'ab' * 32}\nlfs\n{'cd' * 32}\n1\n0\n".encode()
    )
    assert read_upload_metadata(folder, "sub/file.bin") == metadata


def test_unreadable_metadata_is_deleted(folder: Path) -> None:
    paths = get_local_upload_paths(folder, "sub/file.bin")
    paths.metadata_path.write_text(f"{time.time()}\n5\n\n\nbogus-mode\n\n0\n0\n")
    assert read_upload_metadata(folder, "sub/file.bin") == LocalUploadFileMetadata(size=5)
    assert not paths.metadata_path.exists()

    paths.metadata_path.write_text("not a timestamp\n")
    assert read_upload_metadata(folder, "sub/file.bin") == LocalUploadFileMetadata(size=5)
    assert not paths.metadata_path.exists()


def test_file_modified_after_the_save_starts_over(folder: Path) -> None:
    paths = get_local_upload_paths(folder, "sub/file.bin")
    LocalUploadFileMetadata(size=5, sha256="ab" * 32, upload_mode="regular", is_committed=True).save(paths)
    later = time.time() + 10
    os.utime(paths.file_path, (later, later))
    assert read_upload_metadata(folder, "sub/file.bin") == LocalUploadFileMetadata(size=5)


def test_uploaded_but_uncommitted_for_20_hours_is_uploaded_again(folder: Path) -> None:
    paths = get_local_upload_paths(folder, "sub/file.bin")
    old = time.time() - 21 * 3600
    os.utime(paths.file_path, (old - 10, old - 10))
    lines = [str(old), "5", "0", "ab" * 32, "lfs", "", "1", "0"]
    paths.metadata_path.write_text("".join(line + "\n" for line in lines))
    metadata = read_upload_metadata(folder, "sub/file.bin")
    assert (metadata.sha256, metadata.upload_mode, metadata.is_uploaded) == ("ab" * 32, "lfs", False)

    # Committed: the object is referenced, nothing to redo.
    lines[-1] = "1"
    paths.metadata_path.write_text("".join(line + "\n" for line in lines))
    assert read_upload_metadata(folder, "sub/file.bin").is_uploaded is True
