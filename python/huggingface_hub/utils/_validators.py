"""Checks applied to the arguments of public functions: repo ids, and keyword arguments that no longer do anything."""

import inspect
import re
import warnings
from collections.abc import Callable
from functools import wraps
from itertools import chain
from typing import Any, TypeVar

from ..errors import HFValidationError

_CallableT = TypeVar("_CallableT", bound=Callable[..., Any])

# "name" or "namespace/name": word characters, "-" and "."; a name of 1 to 96 characters; the word boundaries
# forbid starting or ending either part with "-" or ".".
REPO_ID_REGEX = re.compile(r"^(\b[\w\-.]+\b/)?\b[\w\-.]{1,96}\b$")

# Arguments that hold a repo id, whatever function they belong to.
_REPO_ID_ARGUMENTS = frozenset({"repo_id", "from_id", "to_id"})


def validate_hf_hub_args(fn: _CallableT) -> _CallableT:
    """Decorator validating the arguments of a public `huggingface_hub` function.

    - Every argument named ``repo_id``, ``from_id`` or ``to_id`` (positional or keyword) goes through
      [`~utils.validate_repo_id`].
    - Keyword arguments that were removed from the API (``proxies``, ``resume_download``, ``force_filename``,
      ``local_dir_use_symlinks``) are dropped with a warning instead of failing, see
      [`smoothly_deprecate_legacy_arguments`].

    Example:
        ```py
        >>> from huggingface_hub.utils import validate_hf_hub_args

        >>> @validate_hf_hub_args
        ... def my_cool_method(repo_id: str):
        ...     print(repo_id)

        >>> my_cool_method(repo_id="valid_repo_id")
        valid_repo_id

        >>> my_cool_method("other..repo..id")
        huggingface_hub.errors.HFValidationError: Cannot have -- or .. in repo_id: 'other..repo..id'.
        ```

    Raises:
        [`~utils.HFValidationError`]: if an argument is not valid.
    """
    parameter_names = list(inspect.signature(fn).parameters)

    @wraps(fn)
    def _inner_fn(*args: Any, **kwargs: Any) -> Any:
        # Positional values pair with parameter names in order; parameters left to their default have no value.
        for name, value in chain(zip(parameter_names, args, strict=False), kwargs.items()):
            if name in _REPO_ID_ARGUMENTS:
                validate_repo_id(value)
        kwargs = smoothly_deprecate_legacy_arguments(fn_name=fn.__name__, kwargs=kwargs)
        return fn(*args, **kwargs)

    return _inner_fn  # type: ignore[return-value]


def validate_repo_id(repo_id: str | None) -> None:
    """Check locally that `repo_id` looks like a Hub repo id, to catch mistakes before any request is made.

    The Hub has the final word; this only rejects what can never be valid, such as a repo type written inside the
    id (use the `repo_type` argument for that). `None` is accepted, for functions where the id is optional.

    Rules:
    - "name" or "namespace/name";
    - letters, digits, "-", "_" and ".", neither part starting or ending with "-" or ".";
    - a name of at most 96 characters;
    - no "--" or "..", and no ".git" suffix.

    Valid: `"foo"`, `"foo/bar"`, `"123"`, `"Foo-BAR_foo.bar123"`.
    Not valid: `"datasets/foo/bar"`, `".repo_id"`, `"foo--bar"`, `"foo.git"`.

    Example:
        ```py
        >>> from huggingface_hub.utils import validate_repo_id
        >>> validate_repo_id(repo_id="valid_repo_id")
        >>> validate_repo_id(repo_id="other..repo..id")
        huggingface_hub.errors.HFValidationError: Cannot have -- or .. in repo_id: 'other..repo..id'.
        ```

    Raises:
        [`~utils.HFValidationError`]: with a message naming the rule that failed.
    """
    if repo_id is None:
        return

    if not isinstance(repo_id, str):
        # Most often a `Path` passed where a repo id was expected.
        raise HFValidationError(f"Repo id must be a string, not {type(repo_id)}: '{repo_id}'.")

    if repo_id.count("/") > 1:
        raise HFValidationError(
            "Repo id must be in the form 'repo_name' or 'namespace/repo_name':"
            f" '{repo_id}'. Use `repo_type` argument if needed."
        )

    if not REPO_ID_REGEX.match(repo_id):
        raise HFValidationError(
            "Repo id must use alphanumeric chars, '-', '_' or '.'."
            " The name cannot start or end with '-' or '.' and the maximum length is 96:"
            f" '{repo_id}'."
        )

    if "--" in repo_id or ".." in repo_id:
        raise HFValidationError(f"Cannot have -- or .. in repo_id: '{repo_id}'.")

    if repo_id.endswith(".git"):
        raise HFValidationError(f"Repo_id cannot end by '.git': '{repo_id}'.")


# Keyword arguments accepted by older versions and now ignored, with the reason given to the user.
_LEGACY_ARGUMENTS: dict[str, str] = {
    "proxies": (
        "The `proxies` argument is ignored in `{fn_name}`. To set up proxies, use the HTTP_PROXY / HTTPS_PROXY"
        " environment variables or configure the HTTP session manually using `huggingface_hub.set_client_factory`."
        " See https://requests.readthedocs.io/en/latest/user/advanced/#proxies for more details."
    ),
    "resume_download": (
        "The `resume_download` argument is deprecated and ignored in `{fn_name}`. Downloads always resume"
        " whenever possible."
    ),
    "force_filename": (
        "The `force_filename` argument is deprecated and ignored in `{fn_name}`. Filename is always the same "
        "as on the Hub."
    ),
    "local_dir_use_symlinks": (
        "The `local_dir_use_symlinks` argument is deprecated and ignored in `{fn_name}`. Downloading to a local"
        " directory does not use symlinks anymore."
    ),
}


def smoothly_deprecate_legacy_arguments(fn_name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of `kwargs` without the legacy arguments, warning about each one that was given a value.

    Ignoring them (rather than failing) keeps old code running while telling its author what changed:

    - `proxies`: proxies are configured process-wide (``HTTP_PROXY`` / ``HTTPS_PROXY`` or the HTTP session), not
      per call;
    - `resume_download`: downloads always resume when they can;
    - `force_filename`: files keep their name on the Hub;
    - `local_dir_use_symlinks`: `local_dir` downloads never use symlinks.

    An argument explicitly set to `None` is dropped silently. The input dict is not modified.
    """
    remaining = dict(kwargs)
    for name, message in _LEGACY_ARGUMENTS.items():
        if remaining.pop(name, None) is not None:
            # stacklevel=3: past this function and the decorator's wrapper, to the code that passed the argument.
            warnings.warn(message.format(fn_name=fn_name), stacklevel=3)
    return remaining
