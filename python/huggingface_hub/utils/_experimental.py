"""The `experimental` decorator: warn that a feature may change without notice."""

import warnings
from collections.abc import Callable
from functools import wraps
from typing import Any

from .. import constants

__all__ = ["experimental"]


def experimental(fn: Callable) -> Callable:
    """Decorate ``fn`` so that each call emits a `UserWarning` saying it is experimental.

    Set ``HF_HUB_DISABLE_EXPERIMENTAL_WARNING=1`` to silence the warning (read at call time from
    ``constants``). To flag a class, decorate its ``__new__``: the warning then names the class.
    """
    qualname = fn.__qualname__
    feature_name = qualname.removesuffix(".__new__")

    @wraps(fn)
    def _inner_fn(*args: Any, **kwargs: Any) -> Any:
        if not constants.HF_HUB_DISABLE_EXPERIMENTAL_WARNING:
            warnings.warn(
                f"'{feature_name}' is experimental and might be subject to breaking changes in the future without"
                " prior notice. You can disable this warning by setting `HF_HUB_DISABLE_EXPERIMENTAL_WARNING=1` as"
                " environment variable.",
                UserWarning,
                stacklevel=2,
            )
        return fn(*args, **kwargs)

    return _inner_fn
