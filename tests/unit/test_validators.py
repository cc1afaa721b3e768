"""Repo id validation and the removal of legacy keyword arguments (`utils/_validators.py`)."""

import warnings
from pathlib import Path

import pytest

from huggingface_hub.errors import HFValidationError
from huggingface_hub.utils import validate_hf_hub_args, validate_repo_id
from huggingface_hub.utils._validators import smoothly_deprecate_legacy_arguments


@pytest.mark.parametrize(
    "repo_id",
    [
        "foo",
        "foo/bar",
        "123",
        "Foo-BAR_foo.bar123",
        "a",
        "user/" + "x" * 96,
        "org.name/model-v1.0",
        "名前/モデル",  # \w is Unicode-aware, as upstream's regex
        None,  # optional repo ids are allowed through
    ],
)
def test_valid_repo_ids(repo_id: str | None) -> None:
    validate_repo_id(repo_id)


@pytest.mark.parametrize(
    ("repo_id", "message"),
    [
        (
            Path("foo/bar"),
            "Repo id must be a string, not <class 'pathlib.PosixPath'>: 'foo/bar'.",
        ),
        (
            "datasets/foo/bar",
            "Repo id must be in the form 'repo_name' or 'namespace/repo_name': 'datasets/foo/bar'."
            " Use `repo_type` argument if needed.",
        ),
        (
            ".repo_id",
            "Repo id must use alphanumeric chars, '-', '_' or '.'. The name cannot start or end with '-' or '.' and"
            " the maximum length is 96: '.repo_id'.",
        ),
        (
            "repo_id-",
            "Repo id must use alphanumeric chars, '-', '_' or '.'. The name cannot start or end with '-' or '.' and"
            " the maximum length is 96: 'repo_id-'.",
        ),
        (
            "x" * 97,
            "Repo id must use alphanumeric chars, '-', '_' or '.'. The name cannot start or end with '-' or '.' and"
            f" the maximum length is 96: '{'x' * 97}'.",
        ),
        ("foo bar", None),
        ("", None),
        ("foo--bar", "Cannot have -- or .. in repo_id: 'foo--bar'."),
        ("foo..bar", "Cannot have -- or .. in repo_id: 'foo..bar'."),
        ("foo.git", "Repo_id cannot end by '.git': 'foo.git'."),
        ("user/foo.git", "Repo_id cannot end by '.git': 'user/foo.git'."),
    ],
)
def test_invalid_repo_ids(repo_id: object, message: str | None) -> None:
    with pytest.raises(HFValidationError) as exc_info:
        validate_repo_id(repo_id)  # type: ignore[arg-type]
    if message is not None:
        assert str(exc_info.value) == message
    assert isinstance(exc_info.value, ValueError)  # callers catching ValueError keep working


@validate_hf_hub_args
def _echo(repo_id: str, from_id: str | None = None, *, to_id: str | None = None, **kwargs: object) -> dict:
    return {"repo_id": repo_id, "from_id": from_id, "to_id": to_id, **kwargs}


class TestValidateHfHubArgs:
    def test_valid_arguments_pass_through(self) -> None:
        assert _echo("a/b", "c/d", to_id="e/f", extra=1) == {
            "repo_id": "a/b",
            "from_id": "c/d",
            "to_id": "e/f",
            "extra": 1,
        }

    @pytest.mark.parametrize(
        ("args", "kwargs"),
        [
            (("bad..id",), {}),  # positional repo_id
            ((), {"repo_id": "bad..id"}),
            (("ok",), {"from_id": "a/b/c"}),
            (("ok", "a--b"), {}),  # positional from_id
            (("ok",), {"to_id": "x.git"}),
        ],
    )
    def test_each_repo_id_argument_is_validated(self, args: tuple, kwargs: dict) -> None:
        with pytest.raises(HFValidationError):
            _echo(*args, **kwargs)

    def test_keeps_function_metadata(self) -> None:
        assert _echo.__name__ == "_echo"
        assert "repo_id" in str(_echo.__wrapped__.__code__.co_varnames)

    @pytest.mark.parametrize(
        ("name", "fragment"),
        [
            ("proxies", "The `proxies` argument is ignored in `_echo`."),
            ("resume_download", "The `resume_download` argument is deprecated and ignored in `_echo`."),
            ("force_filename", "The `force_filename` argument is deprecated and ignored in `_echo`."),
            ("local_dir_use_symlinks", "The `local_dir_use_symlinks` argument is deprecated and ignored in `_echo`."),
        ],
    )
    def test_legacy_arguments_are_dropped_with_a_warning(self, name: str, fragment: str) -> None:
        with pytest.warns(UserWarning) as record:
            result = _echo("a/b", **{name: "something"})
        assert name not in result
        assert len(record) == 1
        assert str(record[0].message).startswith(fragment)

    def test_legacy_argument_set_to_none_is_dropped_silently(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = _echo("a/b", proxies=None, resume_download=None)
        assert "proxies" not in result and "resume_download" not in result


def test_smoothly_deprecate_does_not_modify_its_input() -> None:
    kwargs = {"proxies": {"https": "http://proxy"}, "keep": 1}
    with pytest.warns(UserWarning):
        result = smoothly_deprecate_legacy_arguments(fn_name="f", kwargs=kwargs)
    assert result == {"keep": 1}
    assert kwargs == {"proxies": {"https": "http://proxy"}, "keep": 1}
