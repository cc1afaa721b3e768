"""Parsers behind `hf repos create|duplicate` Space options and `--expand`: dotenv, env/secrets maps, volumes."""

import click
import pytest

from huggingface_hub._space_api import Volume
from huggingface_hub.cli._repo_options import (
    env_map_to_key_value_list,
    make_expand_properties_parser,
    parse_env_map,
    parse_volumes,
)
from huggingface_hub.errors import CLIError, HfUriError
from huggingface_hub.utils._dotenv import load_dotenv


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A=1", {"A": "1"}),
        ("export A=1 # comment", {"A": "1"}),
        ("A='x y' # comment", {"A": "x y"}),
        ('A="a\\nb\\$c"', {"A": "a\nb$c"}),
        ("A='a\\$c'", {"A": "a\\$c"}),  # `\$` is an escape in double quotes only
        ("A=  spaced  ", {"A": "spaced"}),
        ("A=", {"A": ""}),
        ("A=x#y", {"A": "x"}),
        ("A='x#y'", {"A": "x#y"}),
        ('A="x"  extra # c', {"A": '"x"  extra'}),  # not a quoted value: kept as written
        ("A='abc\\'", {"A": "abc\\"}),  # the escaped quote was the closing one
        ("A=b=c", {"A": "b=c"}),
        ('A="it\\"s"', {"A": 'it"s'}),
        ("A=\\\\n", {"A": "\\\\n"}),  # unquoted: no escapes
        ("A='\\\\n'", {"A": "\\n"}),  # an escaped backslash, then `n`
        ("HOME", {"HOME": "/root"}),  # a bare name comes from the environment
        ("NOPE", {}),
        ("FOO-BAR=1", {}),  # `FOO`, without `=`: looked up, and not there
        ("1A=2", {}),
        ("exportB=2", {"exportB": "2"}),
        ("# comment\n\n  \nA=1\nA=2", {"A": "2"}),
    ],
)
def test_load_dotenv(text: str, expected: dict[str, str]) -> None:
    assert load_dotenv(text, environ={"HOME": "/root"}) == expected


def test_bare_names_are_left_out_without_environ() -> None:
    assert load_dotenv("HOME\nA=1") == {"A": "1"}


def test_env_map_reads_the_file_then_the_flags_and_forwards_the_token(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_from_env")
    monkeypatch.setenv("SHELL_VAR", "from-shell")
    env_file = tmp_path / ".env"
    env_file.write_text("A=file\nB=file\n")

    variables = parse_env_map(["B=flag", "SHELL_VAR", "HF_TOKEN"], str(env_file))
    assert variables == {"A": "file", "B": "flag", "SHELL_VAR": "from-shell", "HF_TOKEN": "hf_from_env"}
    assert env_map_to_key_value_list({"A": "1", "EMPTY": None}) == [
        {"key": "A", "value": "1"},
        {"key": "EMPTY", "value": ""},
    ]
    assert env_map_to_key_value_list({}) is None
    assert parse_env_map(None, None) == {}


def test_volumes() -> None:
    assert parse_volumes(None) is None
    volumes = parse_volumes(["hf://alice/model:/models", "hf://datasets/alice/ds@v1/train:/data:ro"])
    assert volumes == [
        Volume(type="model", source="alice/model", mount_path="/models"),
        Volume(type="dataset", source="alice/ds", mount_path="/data", read_only=True, path="train", revision="v1"),
    ]
    with pytest.raises(HfUriError, match="Missing mount path"):
        parse_volumes(["hf://alice/model"])


def test_expand_parser() -> None:
    parse = make_expand_properties_parser(["downloads", "likes"])
    assert parse(None) is None
    assert parse("likes, downloads") == ["likes", "downloads"]
    with pytest.raises(
        click.BadParameter, match="Invalid expand property: 'tags'. Valid values are: downloads, likes"
    ):
        parse("likes,tags")


def test_an_unreadable_env_file_is_a_one_line_error(tmp_path) -> None:
    # Upstream shows a FileNotFoundError traceback here; the message says the same in one line.
    with pytest.raises(CLIError, match=r"^Cannot read '.*missing.env': No such file or directory\.$"):
        parse_env_map(None, str(tmp_path / "missing.env"))
    with pytest.raises(CLIError, match="Is a directory"):
        parse_env_map(["A=1"], str(tmp_path))
