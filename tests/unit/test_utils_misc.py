"""Small helpers of `huggingface_hub.utils`: paths, datetimes, locks, temp dirs, tables, decorators, typing."""

import json
import logging
import os
import stat
import subprocess
import sys
import textwrap
import threading
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path, PureWindowsPath
from typing import Optional, Union
from unittest.mock import patch

import filelock
import pytest
from _upstream_oracle import ours_and_upstream, upstream_compat

from huggingface_hub import constants
from huggingface_hub.utils import (
    ANSI,
    DEFAULT_IGNORE_PATTERNS,
    FORBIDDEN_FOLDERS,
    SoftTemporaryDirectory,
    StatusLine,
    WeakFileLock,
    cached_assets_path,
    chunk_iterable,
    experimental,
    filter_repo_objects,
    is_jsonable,
    is_simple_optional_type,
    parse_datetime,
    select_choice,
    tabulate,
    unwrap_simple_optional_type,
    yaml_dump,
)
from huggingface_hub.utils._deprecation import _deprecate_arguments, _deprecate_method, _deprecate_positional_args

# --- filter_repo_objects ---------------------------------------------------------------------------------------------

FILES = ["README.md", "config.json", "data/train.json", "data/sub/test.json", "logs/run.txt", ".gitattributes"]


def select(items=FILES, **kwargs) -> list:
    return list(filter_repo_objects(items, **kwargs))


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, FILES),
        ({"allow_patterns": "*.json"}, ["config.json", "data/train.json", "data/sub/test.json"]),
        ({"allow_patterns": ["data/*.json"]}, ["data/train.json", "data/sub/test.json"]),  # * crosses "/"
        ({"allow_patterns": ["data/"]}, ["data/train.json", "data/sub/test.json"]),  # trailing "/" = folder
        ({"ignore_patterns": ["data/", ".*"]}, ["README.md", "config.json", "logs/run.txt"]),
        ({"allow_patterns": ["*.json"], "ignore_patterns": ["data/sub/*"]}, ["config.json", "data/train.json"]),
        ({"allow_patterns": ["readme.md"]}, []),  # case-sensitive everywhere
        (
            {"allow_patterns": ["*.[jt][sx][ot]*"]},
            ["config.json", "data/train.json", "data/sub/test.json", "logs/run.txt"],
        ),
        ({"allow_patterns": []}, []),  # an empty allowlist allows nothing
        ({"ignore_patterns": []}, FILES),
    ],
)
def test_filter_repo_objects(kwargs, expected):
    assert select(**kwargs) == expected


def test_backslashes_are_separators_in_patterns_and_paths():
    assert select(allow_patterns=["data\\sub\\*"]) == ["data/sub/test.json"]
    assert select(["data\\train.json", "other\\x"], allow_patterns=["data/"]) == ["data\\train.json"]
    assert select(allow_patterns=[str(PureWindowsPath("data", "sub")) + "\\"]) == ["data/sub/test.json"]


def test_items_are_yielded_unchanged_and_lazily():
    paths = [Path("a.txt"), Path("b.bin")]
    result = filter_repo_objects(paths, allow_patterns="*.txt")
    assert not isinstance(result, list)
    assert list(result) == [Path("a.txt")]


def test_objects_need_a_key():
    class Op:
        def __init__(self, path_in_repo: str):
            self.path_in_repo = path_in_repo

    ops = [Op("x.pdf"), Op("y.jpg"), Op(".z.pdf")]
    kept = select(ops, allow_patterns=["*.pdf"], ignore_patterns=[".*"], key=lambda op: op.path_in_repo)
    assert kept == [ops[0]]
    with pytest.raises(ValueError, match="Please provide `key` argument"):
        select(ops)


def test_default_ignore_patterns_drop_git_and_local_metadata():
    paths = [
        ".git",
        ".git/config",
        "sub/.git",
        "a/b/.git/HEAD",
        ".cache/huggingface",
        ".cache/huggingface/download/x.metadata",
        "nested/.cache/huggingface/y",
        "model.safetensors",
        ".gitignore",
        "git/.keep",
        ".cache/other",
    ]
    assert select(paths, ignore_patterns=DEFAULT_IGNORE_PATTERNS) == [
        "model.safetensors",
        ".gitignore",
        "git/.keep",
        ".cache/other",
    ]
    assert FORBIDDEN_FOLDERS == [".git", ".cache"]


_FILTER_SCRIPT = """
import json
from huggingface_hub.utils import filter_repo_objects
paths = ["README.md", "a/b.json", "a\\\\c.json", "A/B.JSON", "x/", "x/y/z.bin", ".hidden", "a/.git/x", "data/[1].txt"]
cases = [None, [], "*", "a/", "a\\\\", "*.json", ["*.JSON"], ["a/*"], ["*/b.*"], ["x/"], ["data/[[]1].txt"], ["?/*"]]
out = [[list(filter_repo_objects(paths, allow_patterns=allow, ignore_patterns=ignore))
        for ignore in cases] for allow in cases]
print(json.dumps(out))
"""


@upstream_compat
def test_filter_repo_objects_matches_upstream():
    ours, upstream = ours_and_upstream(_FILTER_SCRIPT)
    assert ours == upstream


# --- parse_datetime --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-08-19T07:19:38.123Z", datetime(2022, 8, 19, 7, 19, 38, 123000, tzinfo=timezone.utc)),
        ("2024-11-16T00:27:02Z", datetime(2024, 11, 16, 0, 27, 2, tzinfo=timezone.utc)),
        ("2022-08-19T07:19:38.123456Z", datetime(2022, 8, 19, 7, 19, 38, 123456, tzinfo=timezone.utc)),
        ("2022-08-19T07:19:38.123456789Z", datetime(2022, 8, 19, 7, 19, 38, 123456, tzinfo=timezone.utc)),
        ("2022-08-19T07:19:38.1Z", datetime(2022, 8, 19, 7, 19, 38, 100000, tzinfo=timezone.utc)),
        ("2000-02-29T23:59:59.000Z", datetime(2000, 2, 29, 23, 59, 59, tzinfo=timezone.utc)),
    ],
)
def test_parse_datetime_accepts_the_hub_formats(text, expected):
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "2022-08-19T07:19:38.123",  # no Z
        "2022-08-19T07:19:38+00:00",
        "2022-08-19 07:19:38Z",
        "2022-13-01T00:00:00Z",
        "2022-08-19T07:19:38.12.3Z",
        "not a date",
        "",
    ],
)
def test_parse_datetime_rejects_other_shapes(text):
    with pytest.raises(ValueError, match=r"Cannot parse '.*' as a datetime\. Date string is expected to follow"):
        parse_datetime(text)


_DATETIME_SCRIPT = """
import json
from huggingface_hub.utils import parse_datetime
inputs = ["2022-08-19T07:19:38.123Z", "2024-11-16T00:27:02Z", "2022-08-19T07:19:38.123456789Z", "2022-08-19T07:19:38.1Z",
          "2022-08-19T07:19:38.123", "garbageZ", "2022-08-19T07:19:38.Z", "", "2022-02-30T00:00:00Z"]
out = []
for text in inputs:
    try:
        out.append(parse_datetime(text).isoformat())
    except ValueError as err:
        out.append("ValueError: " + str(err))
print(json.dumps(out))
"""


@upstream_compat
def test_parse_datetime_matches_upstream():
    ours, upstream = ours_and_upstream(_DATETIME_SCRIPT)
    assert ours == upstream


# --- chunk_iterable --------------------------------------------------------------------------------------------------


def test_chunk_iterable():
    assert [list(chunk) for chunk in chunk_iterable(range(17), chunk_size=8)] == [
        list(range(8)),
        list(range(8, 16)),
        [16],
    ]
    assert [list(chunk) for chunk in chunk_iterable([], chunk_size=3)] == []
    assert [list(chunk) for chunk in chunk_iterable(iter("abcd"), chunk_size=2)] == [["a", "b"], ["c", "d"]]


def test_chunk_iterable_works_on_infinite_iterators():
    def naturals():
        n = 0
        while True:
            yield n
            n += 1

    chunks = chunk_iterable(naturals(), chunk_size=3)
    assert list(next(iter(chunks))) == [0, 1, 2]


@pytest.mark.parametrize("size", [0, -1, 1.5, "2"])
def test_chunk_iterable_rejects_bad_sizes(size):
    with pytest.raises(ValueError, match="strictly positive integer"):
        list(chunk_iterable(range(3), chunk_size=size))


# --- WeakFileLock ----------------------------------------------------------------------------------------------------


def test_weak_file_lock_yields_a_group_writable_lock(tmp_path):
    lock_path = tmp_path / "x.lock"
    with WeakFileLock(lock_path) as lock:
        assert isinstance(lock, filelock.BaseFileLock)
        assert lock.is_locked
        assert stat.S_IMODE(lock_path.stat().st_mode) == 0o664
    assert not lock.is_locked


def test_weak_file_lock_excludes_other_threads(tmp_path):
    lock_path = tmp_path / "x.lock"
    holding, may_release = threading.Event(), threading.Event()

    def hold():
        with WeakFileLock(lock_path):
            holding.set()
            may_release.wait(timeout=60)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=60)
        with pytest.raises(filelock.Timeout) as exc_info:
            with WeakFileLock(lock_path, timeout=0):
                pass
        assert exc_info.value.lock_file == str(lock_path)
    finally:
        may_release.set()
        holder.join(timeout=60)
    with WeakFileLock(lock_path, timeout=0):
        pass  # free again


def test_weak_file_lock_serialises_read_modify_write_across_threads(tmp_path):
    counter = tmp_path / "counter"
    counter.write_text("0")

    def increment_many():
        for _ in range(25):
            with WeakFileLock(tmp_path / "counter.lock"):
                value = int(counter.read_text())
                counter.write_text(str(value + 1))

    threads = [threading.Thread(target=increment_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert counter.read_text() == "100"


def test_weak_file_lock_excludes_other_processes(tmp_path):
    lock_path = tmp_path / "x.lock"
    holder_code = textwrap.dedent(
        f"""
        import sys
        from huggingface_hub.utils import WeakFileLock
        with WeakFileLock({str(lock_path)!r}):
            print("locked", flush=True)
            sys.stdin.readline()
        print("released", flush=True)
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", holder_code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(filelock.Timeout):
            with WeakFileLock(lock_path, timeout=0):
                pass
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
    finally:
        holder.kill() if holder.poll() is None else None
        holder.wait(timeout=60)
    with WeakFileLock(lock_path, timeout=0):
        pass


def test_weak_file_lock_logs_while_waiting_then_times_out(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(constants, "FILELOCK_LOG_EVERY_SECONDS", 0.05)
    lock_path = tmp_path / ".lock"
    with caplog.at_level(logging.INFO, logger="huggingface_hub.utils._fixes"):
        with WeakFileLock(lock_path):
            with pytest.raises(filelock.Timeout) as exc_info:
                with WeakFileLock(lock_path, timeout=0.2):
                    pass
    assert exc_info.value.lock_file == str(lock_path)
    messages = [record.getMessage() for record in caplog.records]
    assert messages
    assert all(message.startswith(f"Still waiting to acquire lock on {lock_path} (elapsed: ") for message in messages)


def test_weak_file_lock_falls_back_to_soft_lock_without_flock(tmp_path, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise NotImplementedError("FileSystem does not appear to support flock; use SoftFileLock instead")

    monkeypatch.setattr(filelock.FileLock, "acquire", refuse)
    with WeakFileLock(tmp_path / "x.lock") as lock:
        assert isinstance(lock, filelock.SoftFileLock)


def test_weak_file_lock_ignores_release_errors(tmp_path, monkeypatch):
    def broken_release(self, *args, **kwargs):
        raise OSError("stale handle")

    lock_path = tmp_path / "x.lock"
    with WeakFileLock(lock_path) as lock:
        monkeypatch.setattr(type(lock), "release", broken_release)
    monkeypatch.undo()
    assert not lock_path.exists()  # removed as a fallback


# --- SoftTemporaryDirectory and yaml_dump ----------------------------------------------------------------------------


def test_soft_temporary_directory(tmp_path):
    with SoftTemporaryDirectory(prefix="pre-", suffix="-suf", dir=tmp_path) as path:
        assert isinstance(path, Path)
        assert path.is_dir() and path.is_absolute() and path == path.resolve()
        assert path.parent == tmp_path.resolve()
        assert path.name.startswith("pre-") and path.name.endswith("-suf")
        (path / "sub").mkdir()
        (path / "sub" / "file").write_text("x")
    assert not path.exists()


def test_soft_temporary_directory_removes_read_only_content(tmp_path):
    with SoftTemporaryDirectory(dir=tmp_path) as path:
        (path / "ro").write_text("x")
        os.chmod(path / "ro", stat.S_IREAD)
    assert not path.exists()


def test_soft_temporary_directory_cleans_up_when_the_block_raises(tmp_path):
    with pytest.raises(KeyError):
        with SoftTemporaryDirectory(dir=tmp_path) as path:
            raise KeyError
    assert not path.exists()


def test_soft_temporary_directory_never_raises_on_cleanup(tmp_path):
    with SoftTemporaryDirectory(dir=tmp_path) as path:
        path.rmdir()  # already gone: nothing to clean, no error


def test_yaml_dump_keeps_unicode():
    assert yaml_dump({"emoji": "👀", "some unicode": "日本か"}) == "emoji: 👀\nsome unicode: 日本か\n"
    assert yaml_dump({"emoji": "👀"}, allow_unicode=False) == 'emoji: "\\U0001F440"\n'
    assert yaml_dump({"b": 1, "a": 2}, sort_keys=False) == "b: 1\na: 2\n"


# --- tabulate, ANSI, StatusLine, select_choice -----------------------------------------------------------------------


def test_tabulate_left_aligns_and_sizes_columns():
    table = tabulate([["gpt2", 548], ["bert-base-uncased", 1]], headers=["repo", "size"])
    assert table == ("repo              size\n----------------- ----\ngpt2              548 \nbert-base-uncased 1   ")


def test_tabulate_right_alignment_and_no_rows():
    assert tabulate([["a", 10], ["bb", 2]], headers=["id", "n"], alignments={"n": "right"}) == (
        "id  n\n-- --\na  10\nbb  2"
    )
    assert tabulate([], headers=["id", "name"]) == "id name\n-- ----"


def test_tabulate_rejects_short_rows():
    with pytest.raises(IndexError, match=r"Row has 1 values but expected 2 \(headers: \['a', 'b'\]\)"):
        tabulate([["x"]], headers=["a", "b"])


_TABULATE_SCRIPT = """
import json
from huggingface_hub.utils import tabulate
out = [
    tabulate([["gpt2", 548, "x"], ["bert", 1, "yy"]], headers=["repo", "size", "z"]),
    tabulate([["a", 10], ["bb", 2]], headers=["id", "n"], alignments={"n": "right", "id": "center"}),
    tabulate([], headers=["id", "name"]),
    tabulate([["long value", 3, "extra"]], headers=["h1", "h2"]),
]
print(json.dumps(out))
"""


@upstream_compat
def test_tabulate_matches_upstream():
    ours, upstream = ours_and_upstream(_TABULATE_SCRIPT)
    assert ours == upstream


@pytest.fixture()
def not_an_agent(monkeypatch):
    monkeypatch.setattr("huggingface_hub.utils._terminal.is_agent", lambda: False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.mark.usefixtures("not_an_agent")
def test_ansi_styles():
    assert ANSI.bold("x") == "\x1b[1mx\x1b[0m"
    assert ANSI.red("x") == "\x1b[1m\x1b[31mx\x1b[0m"
    assert ANSI.green("x") == "\x1b[32mx\x1b[0m"
    assert ANSI.gray("x") == "\x1b[90mx\x1b[0m"
    assert ANSI.blue("x") == "\x1b[34mx\x1b[0m"
    assert ANSI.yellow("x") == "\x1b[33mx\x1b[0m"
    assert ANSI.underline("x") == "\x1b[4mx\x1b[0m"


@pytest.mark.usefixtures("not_an_agent")
def test_ansi_no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert ANSI.red("x") == ANSI.bold("x") == "x"
    monkeypatch.setenv("NO_COLOR", "")  # empty means unset (no-color.org)
    assert ANSI.bold("x") == "\x1b[1mx\x1b[0m"


def test_ansi_is_plain_for_agents(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr("huggingface_hub.utils._terminal.is_agent", lambda: True)
    assert ANSI.green("x") == "x"


class _FakeTTY:
    def __init__(self, tty: bool):
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_status_line_writes_only_to_a_tty():
    fake = _FakeTTY(tty=True)
    with patch.object(sys, "stderr", fake), patch("shutil.get_terminal_size", return_value=os.terminal_size((20, 5))):
        line = StatusLine()
        line.update("scanning")
        line.done("a" * 30)
    assert fake.text == "\r\x1b[K\x1b[90mscanning\x1b[0m" + "\r\x1b[K\x1b[90m" + "a" * 16 + "...\x1b[0m\n"

    for fake, enabled in ((_FakeTTY(tty=False), True), (_FakeTTY(tty=True), False)):
        with patch.object(sys, "stderr", fake):
            StatusLine(enabled=enabled).update("hidden")
        assert fake.text == ""


def test_select_choice_falls_back_to_numbers(monkeypatch, capsys):
    answers = iter(["9", "abc", "2"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert select_choice("Pick one", ["red", "green", "blue"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("? Pick one\n  1. red\n  2. green\n  3. blue\n")
    assert out.count("Invalid choice. Enter a number between 1 and 3.") == 2


def test_select_choice_defaults_to_first_and_needs_choices(monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "  ")
    assert select_choice("Pick", ["only"]) == 0
    with pytest.raises(ValueError, match="at least one choice"):
        select_choice("Pick", [])


# --- experimental and deprecation decorators -------------------------------------------------------------------------


@experimental
def new_feature(x: int) -> int:
    """Doc kept."""
    return x * 2


class NewThing:
    @experimental
    def __new__(cls, *args, **kwargs):
        return super().__new__(cls)


def test_experimental_warns_and_calls_through(monkeypatch):
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_EXPERIMENTAL_WARNING", False)
    with pytest.warns(UserWarning, match=r"^'new_feature' is experimental and might be subject to breaking changes"):
        assert new_feature(2) == 4
    assert new_feature.__doc__ == "Doc kept." and new_feature.__name__ == "new_feature"
    with pytest.warns(UserWarning, match=r"^'NewThing' is experimental"):
        assert isinstance(NewThing(), NewThing)


def test_experimental_warning_can_be_disabled_at_call_time(monkeypatch):
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_EXPERIMENTAL_WARNING", True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert new_feature(1) == 2


class Legacy:
    @_deprecate_method(version="2.0", message="Use `new()`.")
    def old(self):
        return "old"

    @_deprecate_method(version="3.0")
    def __init__(self):
        pass


def test_deprecate_method():
    with pytest.warns(
        FutureWarning, match=r"^'Legacy' \(from '.*'\) is deprecated and will be removed from version '3.0'\.$"
    ):
        legacy = Legacy()
    with pytest.warns(FutureWarning, match=r"'old' \(from 'test_utils_misc'\) .* version '2.0'\. Use `new\(\)`\.$"):
        assert legacy.old() == "old"


def test_deprecate_arguments():
    @_deprecate_arguments(version="2.0", deprecated_args=["legacy"], custom_message="Drop it.")
    def fn(a, legacy=None):
        return a, legacy

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fn(1) == (1, None)
        assert fn(1, legacy=None) == (1, None)  # the default value is harmless
    with pytest.warns(FutureWarning, match=r"Deprecated argument\(s\) used in 'fn': legacy\. .* '2.0'\.\n\nDrop it\."):
        assert fn(1, legacy=3) == (1, 3)
    with pytest.warns(FutureWarning, match="legacy"):
        assert fn(1, 5) == (1, 5)


def test_deprecate_positional_args():
    @_deprecate_positional_args(version="2.0")
    def fn(a, *, b=0, c=0):
        return a, b, c

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fn(1, b=2) == (1, 2, 0)
    with pytest.warns(FutureWarning, match=r"used in 'fn': pass b='x', c=3 as keyword args\. From version 2\.0"):
        assert fn(1, "x", 3) == (1, "x", 3)


# --- typing helpers and cached_assets_path ---------------------------------------------------------------------------


class WithJson:
    def __json__(self):
        return {}


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (1, True),
        (1.5, True),
        ("s", True),
        (True, True),
        (None, True),
        ([1, "a", [None, {"k": (1, 2)}]], True),
        ({"a": 1, 2: "int keys are accepted", None: 0}, True),
        ({("tuple", "key"): 1}, False),
        ({1, 2}, False),
        (b"bytes", False),
        (object(), False),
        (WithJson(), True),
        ([object()], False),
    ],
)
def test_is_jsonable(obj, expected):
    assert is_jsonable(obj) is expected


def test_is_jsonable_handles_cycles_and_shared_references():
    cyclic: list = [1]
    cyclic.append(cyclic)
    assert is_jsonable(cyclic) is False
    shared = {"x": 1}
    assert is_jsonable([shared, shared, {"again": shared}]) is True


def test_optional_type_helpers():
    assert is_simple_optional_type(Optional[int])
    assert is_simple_optional_type(Union[str, None])
    assert is_simple_optional_type(int | None)
    assert is_simple_optional_type(None | list[str])
    assert not is_simple_optional_type(int)
    assert not is_simple_optional_type(Union[int, str])
    assert not is_simple_optional_type(Optional[Union[int, str]])
    assert unwrap_simple_optional_type(Optional[int]) is int
    assert unwrap_simple_optional_type(None | list[str]) == list[str]
    with pytest.raises(ValueError, match="is not an optional type"):
        unwrap_simple_optional_type(int)


def test_cached_assets_path_defaults_to_the_assets_cache_read_at_call_time(tmp_path, monkeypatch):
    monkeypatch.setattr(constants, "HF_ASSETS_CACHE", str(tmp_path / "assets"))
    path = cached_assets_path("datasets")
    assert path == tmp_path.resolve() / "assets" / "datasets" / "default" / "default"
    assert path.is_dir()


def test_cached_assets_path_honours_a_patched_module_global(tmp_path):
    with patch("huggingface_hub.utils._cache_assets.HF_ASSETS_CACHE", tmp_path):
        assert cached_assets_path("lib") == tmp_path.resolve() / "lib" / "default" / "default"


def test_cached_assets_path_sanitises_names(tmp_path):
    path = cached_assets_path("ReAlLy dumb", "user/repo_name", "this is\\not clever", assets_dir=tmp_path)
    assert path == tmp_path.resolve() / "ReAlLy--dumb" / "user--repo_name" / "this--is--not--clever"
    assert path.is_dir()


def test_cached_assets_path_refuses_a_file_in_the_way(tmp_path):
    (tmp_path / "lib").write_text("not a folder")
    with pytest.raises(ValueError, match="Corrupted assets folder"):
        cached_assets_path("lib", assets_dir=str(tmp_path))


_JSONABLE_SCRIPT = """
import json
from huggingface_hub.utils import is_jsonable
class J:
    def __json__(self): return 1
loop = [1]; loop.append(loop)
objs = [1, "a", None, [1, [2, {"a": 3}]], {1: 2}, {(1,): 2}, {1, 2}, b"x", J(), loop, (1, 2), {"x": object()}]
print(json.dumps([is_jsonable(o) for o in objs]))
"""


@upstream_compat
def test_is_jsonable_matches_upstream():
    ours, upstream = ours_and_upstream(_JSONABLE_SCRIPT)
    assert ours == upstream
    assert json.dumps(ours)  # plain JSON round-trip


_DECORATORS_SCRIPT = """
import json, warnings
from huggingface_hub.utils._deprecation import _deprecate_arguments, _deprecate_method, _deprecate_positional_args
from huggingface_hub.utils import experimental
@_deprecate_positional_args(version="9")
def f(a, *, b=1, c="x"): return [a, b, c]
@_deprecate_arguments(version="9", deprecated_args=["c"], custom_message="msg")
def g(a, b=1, c=None): return [a, b, c]
class K:
    @_deprecate_method(version="9", message="m")
    def __init__(self): pass
    @experimental
    def __new__(cls): return super().__new__(cls)
@experimental
def e(): return 3
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    results = [f(1, 2, "y"), f(1, b=3), g(1, 2, 3), g(1, c=None), g(1, c=5), e()]
    K()
print(json.dumps([results, [(w.category.__name__, str(w.message)) for w in caught]]))
"""


@upstream_compat
def test_decorator_warnings_match_upstream():
    ours, upstream = ours_and_upstream(_DECORATORS_SCRIPT)
    assert ours == upstream
