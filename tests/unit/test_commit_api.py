"""Commit operations, upload info, the NDJSON payload and the small parsers of the commit protocol (no server)."""

import base64
import hashlib
import io
import json
import warnings
from pathlib import Path

import pytest
from _upstream_oracle import ours_and_upstream, upstream_compat

from huggingface_hub import CommitInfo, CommitOperationAdd, CommitOperationCopy, CommitOperationDelete, RepoUrl
from huggingface_hub._commit_api import (
    _compute_missing_sha256s,
    _encode_line,
    _prepare_commit_payload,
    _validate_preupload_info,
    _warn_on_overwriting_operations,
)
from huggingface_hub._commit_copies import _CopySource, _LfsSource
from huggingface_hub.errors import HfUriError
from huggingface_hub.lfs import SliceFileObj, UploadInfo, _completion_payload, _get_sorted_parts_urls
from huggingface_hub.utils.sha import git_hash


class TestPathInRepo:
    @pytest.mark.parametrize(
        ("given", "kept"),
        [
            ("/a.txt", "a.txt"),
            ("./a.txt", "a.txt"),
            ("/./a/b.txt", "a/b.txt"),
            ("a/../b", "a/../b"),  # left to the Hub to judge
            (".gitignore", ".gitignore"),
            ("x.git", "x.git"),
            (".git_thing/f", ".git_thing/f"),
            (".huggingface/f", ".huggingface/f"),
            ("dir/", "dir/"),
        ],
    )
    def test_normalisation(self, given: str, kept: str) -> None:
        assert CommitOperationDelete(path_in_repo=given).path_in_repo == kept

    @pytest.mark.parametrize("path", [".", "..", "../x", "/../x", "/.."])
    def test_escapes_are_refused(self, path: str) -> None:
        with pytest.raises(ValueError, match=r"Invalid `path_in_repo` in CommitOperation: '"):
            CommitOperationAdd(path_in_repo=path, path_or_fileobj=b"x")

    @pytest.mark.parametrize(
        ("path", "folder"), [(".git/config", ".git"), ("a/.git/b", ".git"), (".cache/x", ".cache")]
    )
    def test_forbidden_folders(self, path: str, folder: str) -> None:
        with pytest.raises(ValueError, match=rf"cannot update files under a '{folder}/' folder \(path: '{path}'\)"):
            CommitOperationCopy(src_path_in_repo="ok.txt", path_in_repo=path)
        with pytest.raises(ValueError, match="cannot update files under"):
            CommitOperationCopy(src_path_in_repo=path, path_in_repo="ok.txt")


@upstream_compat
def test_path_validation_matches_upstream() -> None:
    code = """
import json
from huggingface_hub import CommitOperationDelete
paths = ["/a", "./a", "/./a", ".", "..", "../a", "a/..", "a/../b", ".git", "a/.git", "a/.git/b", ".cache/x",
         ".gitignore", "x.git", "dir/", "", "./", "//a", "a\\\\b"]
out = {}
for path in paths:
    try:
        op = CommitOperationDelete(path_in_repo=path)
        out[path] = [op.path_in_repo, op.is_folder]
    except ValueError as e:
        out[path] = str(e)
print(json.dumps(out))
"""
    ours, theirs = ours_and_upstream(code)
    assert ours == theirs


class TestOperations:
    def test_delete_is_folder(self) -> None:
        assert CommitOperationDelete("a/").is_folder is True
        assert CommitOperationDelete("a").is_folder is False
        assert CommitOperationDelete("a", is_folder=True).is_folder is True
        with pytest.raises(ValueError, match="Wrong value for `is_folder`"):
            CommitOperationDelete("a", is_folder="yes")  # type: ignore[arg-type]

    def test_copy_needs_repo_id_and_type_together(self) -> None:
        with pytest.raises(ValueError, match="`src_repo_type` is required"):
            CommitOperationCopy("a", "b", src_repo_id="x/y")
        with pytest.raises(ValueError, match="`src_repo_id` is required"):
            CommitOperationCopy("a", "b", src_repo_type="model")
        assert CommitOperationCopy("a", "b", src_repo_id="x/y", src_repo_type="dataset").src_repo_type == "dataset"

    def test_add_from_path(self, tmp_path: Path) -> None:
        content = bytes(range(256)) * 5
        (tmp_path / "f.bin").write_bytes(content)
        op = CommitOperationAdd(path_in_repo="f.bin", path_or_fileobj=tmp_path / "f.bin")
        assert op.path_or_fileobj == str(tmp_path / "f.bin")
        assert op.upload_info.size == len(content)
        assert op.upload_info.sample == content[:512]
        assert not op.upload_info.is_hashed  # hashed only when needed
        assert op.upload_info.sha256 == hashlib.sha256(content).digest()
        assert op.upload_info.is_hashed
        assert op.b64content() == base64.b64encode(content)
        with op.as_file() as f:
            assert f.read() == content

    def test_add_expands_user_and_normalises(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HOME", str(tmp_path))
        (tmp_path / "f.txt").write_text("x")
        op = CommitOperationAdd(path_in_repo="f.txt", path_or_fileobj="~/sub/../f.txt")
        assert op.path_or_fileobj == str(tmp_path / "f.txt")

    def test_add_from_bytes_and_file_object(self) -> None:
        data = b"hello world" * 100
        op = CommitOperationAdd(path_in_repo="a", path_or_fileobj=data)
        assert op.upload_info.is_hashed and op.upload_info.sha256 == hashlib.sha256(data).digest()
        buffer = io.BytesIO(data)
        buffer.seek(5)
        op = CommitOperationAdd(path_in_repo="a", path_or_fileobj=buffer)
        assert (op.upload_info.size, op.upload_info.sample) == (len(data), data[:512])
        assert op.upload_info.sha256 == hashlib.sha256(data).digest()
        assert buffer.tell() == 0  # rewound after hashing
        buffer.seek(7)
        with op.as_file() as f:
            assert f is buffer
        assert buffer.tell() == 7  # position restored

    def test_add_refuses_bad_sources(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="is not a file on the local file system"):
            CommitOperationAdd(path_in_repo="a", path_or_fileobj=str(tmp_path / "missing"))
        with pytest.raises(ValueError, match="is not a file on the local file system"):
            CommitOperationAdd(path_in_repo="a", path_or_fileobj=tmp_path)  # a folder
        with pytest.raises(ValueError, match="must be either an instance of str, bytes or io.BufferedIOBase"):
            CommitOperationAdd(path_in_repo="a", path_or_fileobj=io.StringIO("text"))  # type: ignore[arg-type]

    def test_local_oid(self, tmp_path: Path) -> None:
        op = CommitOperationAdd(path_in_repo="a", path_or_fileobj=b"content")
        assert op._local_oid is None  # mode unknown
        op._upload_mode = "regular"
        assert op._local_oid == git_hash(b"content") == hashlib.sha1(b"blob 7\0content").hexdigest()
        op._upload_mode = "lfs"
        assert op._local_oid == hashlib.sha256(b"content").hexdigest()

    def test_many_files_hashed_in_one_pass(self, tmp_path: Path) -> None:
        ops = []
        for i in range(20):
            path = tmp_path / f"{i}.bin"
            path.write_bytes(bytes([i]) * (1000 + i))
            ops.append(CommitOperationAdd(path_in_repo=path.name, path_or_fileobj=path))
        ops.append(CommitOperationAdd(path_in_repo="mem", path_or_fileobj=b"in memory"))
        _compute_missing_sha256s(ops)
        for i, op in enumerate(ops[:-1]):
            assert op.upload_info.is_hashed
            assert op.upload_info.sha256 == hashlib.sha256(bytes([i]) * (1000 + i)).digest()
            assert op.upload_info._hashed_stat is not None


class TestOverwriteWarnings:
    def test_add_twice_and_delete_after_add_warn(self) -> None:
        with pytest.warns(UserWarning, match="About to update multiple times the same file"):
            _warn_on_overwriting_operations([CommitOperationAdd("a.txt", b"1"), CommitOperationAdd("a.txt", b"2")])
        with pytest.warns(UserWarning, match="About to delete a folder containing files"):
            _warn_on_overwriting_operations([CommitOperationAdd("d/a.txt", b"1"), CommitOperationDelete("d/")])
        with pytest.warns(UserWarning, match="About to delete a file that have just been updated"):
            _warn_on_overwriting_operations([CommitOperationAdd("a.txt", b"1"), CommitOperationDelete("a.txt")])

    def test_delete_then_add_is_silent(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _warn_on_overwriting_operations([CommitOperationDelete("d/"), CommitOperationAdd("d/a.txt", b"1")])


def test_commit_payload_lines() -> None:
    regular = CommitOperationAdd("a.txt", b"hello")
    regular._upload_mode = "regular"
    lfs = CommitOperationAdd("big.bin", b"\0" * 100)
    lfs._upload_mode = "lfs"
    ignored = CommitOperationAdd("ignored.txt", b"x")
    ignored._upload_mode, ignored._should_ignore = "regular", True
    copy_regular = CommitOperationCopy("a.txt", "a2.txt")
    copy_lfs = CommitOperationCopy("big.bin", "big2.bin", src_revision="v1")
    files_to_copy = {
        _CopySource(None, None, "a.txt", None): b"copied",
        _CopySource(None, None, "big.bin", "v1"): _LfsSource("big.bin", "ab" * 32, 100, None),
    }
    operations = [
        regular,
        lfs,
        ignored,
        CommitOperationDelete("old.txt"),
        CommitOperationDelete("old/"),
        copy_regular,
        copy_lfs,
    ]
    lines = list(_prepare_commit_payload(operations, files_to_copy, "msg", None, parent_commit="abcdef1"))
    assert lines == [
        {"key": "header", "value": {"summary": "msg", "description": "", "parentCommit": "abcdef1"}},
        {
            "key": "file",
            "value": {"content": base64.b64encode(b"hello").decode(), "path": "a.txt", "encoding": "base64"},
        },
        {
            "key": "lfsFile",
            "value": {
                "path": "big.bin",
                "algo": "sha256",
                "oid": hashlib.sha256(b"\0" * 100).hexdigest(),
                "size": 100,
            },
        },
        {"key": "deletedFile", "value": {"path": "old.txt"}},
        {"key": "deletedFolder", "value": {"path": "old/"}},
        {
            "key": "file",
            "value": {"content": base64.b64encode(b"copied").decode(), "path": "a2.txt", "encoding": "base64"},
        },
        {"key": "lfsFile", "value": {"path": "big2.bin", "algo": "sha256", "oid": "ab" * 32}},  # no size for copies
    ]
    json.dumps(lines)  # every line is plain JSON


class TestCommitInfo:
    def test_fields(self) -> None:
        info = CommitInfo(
            commit_url="http://localhost:1234/datasets/me/data/commit/" + "a" * 40,
            commit_message="m",
            commit_description="d",
            oid="a" * 40,
            pr_url="http://localhost:1234/datasets/me/data/discussions/3",
            _endpoint="http://localhost:1234",
        )
        assert info == "http://localhost:1234/datasets/me/data/commit/" + "a" * 40  # it is its URL
        assert (info.pr_revision, info.pr_num) == ("refs/pr/3", 3)
        assert isinstance(info.repo_url, RepoUrl)
        assert (info.repo_url.repo_type, info.repo_url.repo_id) == ("dataset", "me/data")
        assert info.repo_url.endpoint == "http://localhost:1234"

    def test_without_pr_and_bad_pr_url(self) -> None:
        info = CommitInfo(
            commit_url="https://huggingface.co/me/m/commit/1", commit_message="", commit_description="", oid="1"
        )
        assert info.pr_revision is None and info.pr_num is None
        with pytest.raises(RuntimeError, match="expected a Pull Request URL"):
            CommitInfo(
                commit_url="https://huggingface.co/me/m/commit/1",
                commit_message="",
                commit_description="",
                oid="1",
                pr_url="https://huggingface.co/me/m/pulls/1",
            )


class TestRepoUrl:
    @pytest.mark.parametrize(
        ("args", "repo_type", "repo_id"),
        [
            (("https://huggingface.co/a/b",), "model", "a/b"),
            (("http://127.0.0.1:5555/datasets/a/b", "http://127.0.0.1:5555"), "dataset", "a/b"),
            (("http://127.0.0.1:5555/hf/spaces/a/b", "http://127.0.0.1:5555/hf"), "space", "a/b"),
            (("hf://datasets/a/b",), "dataset", "a/b"),
            (("a/b",), "model", "a/b"),
        ],
    )
    def test_parsing(self, args: tuple[str, ...], repo_type: str, repo_id: str) -> None:
        url = RepoUrl(*args)
        assert (url.repo_type, url.repo_id, url.namespace + "/" + url.repo_name) == (repo_type, repo_id, repo_id)
        assert url == url.url == args[0]

    def test_hub_url_points_at_custom_endpoint(self) -> None:
        url = RepoUrl("https://huggingface.co/datasets/a/b", endpoint="http://127.0.0.1:5555")
        assert url == "http://127.0.0.1:5555/datasets/a/b"

    @pytest.mark.parametrize("url", ["https://huggingface.co/gpt2", "gpt2", "https://example.com/a/b"])
    def test_unparsable(self, url: str) -> None:
        with pytest.raises(HfUriError):
            RepoUrl(url)


class TestLfsHelpers:
    def test_sorted_part_urls(self) -> None:
        info = UploadInfo(size=25, sample=b"", sha256=b"\0" * 32)
        header = {"chunk_size": "10", "00003": "u3", "1": "u1", "2": "u2", "other": "x"}
        assert _get_sorted_parts_urls(header, info, 10) == ["u1", "u2", "u3"]
        with pytest.raises(ValueError, match="Invalid server response to upload large LFS file"):
            _get_sorted_parts_urls({"1": "u1"}, info, 10)

    def test_completion_payload(self) -> None:
        assert _completion_payload(['"e1"', "e2"], "oid") == {
            "oid": "oid",
            "parts": [{"partNumber": 1, "etag": '"e1"'}, {"partNumber": 2, "etag": "e2"}],
        }
        with pytest.raises(ValueError, match="Invalid etag"):
            _completion_payload(["e1", ""], "oid")

    def test_upload_info_needs_a_digest_or_a_path(self) -> None:
        with pytest.raises(ValueError, match="Either `sha256` or `source_path` must be provided."):
            UploadInfo(size=1, sample=b"x")

    def test_slice_file_obj(self) -> None:
        data = io.BytesIO(bytes(range(100)))
        data.seek(42)
        with SliceFileObj(data, seek_from=90, read_limit=20) as part:
            assert len(part) == 10
            assert part.read(4) == bytes(range(90, 94))
            assert part.read() == bytes(range(94, 100))
            assert part.read() == b""
            part.seek(0)
            assert b"".join(part) == bytes(range(90, 100))
            assert part.seek(-3, io.SEEK_END) == 7
            assert part.seek(100) == 10  # clamped to the window
        assert data.tell() == 42


def test_preupload_answer_validation() -> None:
    assert _validate_preupload_info({"files": [{"path": "a", "uploadMode": "lfs"}]})
    for bad in (
        {},
        {"files": {}},
        {"files": [{"path": "a", "uploadMode": "xet"}]},
        {"files": [{"uploadMode": "lfs"}]},
    ):
        with pytest.raises(ValueError, match="preupload_info is improperly formatted"):
            _validate_preupload_info(bad)


def test_commit_body_is_exactly_json_lines() -> None:
    regular = CommitOperationAdd('dir/ünïcode "quoted".txt', bytes(range(256)))
    regular._upload_mode = "regular"
    copy = CommitOperationCopy("a.txt", "b.txt")
    operations = [regular, CommitOperationDelete("x/"), copy]
    files_to_copy = {_CopySource(None, None, "a.txt", None): b"copied"}
    fast = b"".join(
        _encode_line(line)
        for line in _prepare_commit_payload(operations, files_to_copy, "msg", "déscription", _content_as_bytes=True)
    )
    plain = b"".join(
        json.dumps(line).encode() + b"\n"
        for line in _prepare_commit_payload(operations, files_to_copy, "msg", "déscription")
    )
    assert fast == plain
