"""Decorators that emit a `FutureWarning` for deprecated methods, arguments and positional uses."""

import warnings
from collections.abc import Callable, Iterable
from functools import wraps
from inspect import Parameter, signature
from typing import Any

__all__ = ["_deprecate_arguments", "_deprecate_method", "_deprecate_positional_args"]


def _deprecate_positional_args(*, version: str) -> Callable[[Callable], Callable]:
    """Warn when keyword-only parameters of the decorated function are passed positionally.

    The decorated function still works when called the old way: extra positional values are
    mapped onto the parameters in signature order.

    Args:
        version (`str`):
            The version from which passing them positionally will be an error.
    """

    def decorator(f: Callable) -> Callable:
        sig = signature(f)
        positional_names = [name for name, p in sig.parameters.items() if p.kind == Parameter.POSITIONAL_OR_KEYWORD]
        keyword_only_names = [name for name, p in sig.parameters.items() if p.kind == Parameter.KEYWORD_ONLY]

        @wraps(f)
        def inner_f(*args: Any, **kwargs: Any) -> Any:
            n_extra = len(args) - len(positional_names)
            if n_extra <= 0:
                return f(*args, **kwargs)
            misused = ", ".join(
                f"{name}='{value}'" if isinstance(value, str) else f"{name}={value}"
                for name, value in zip(keyword_only_names[:n_extra], args[-n_extra:], strict=False)
            )
            warnings.warn(
                f"Deprecated positional argument(s) used in '{f.__name__}': pass {misused} as keyword args. From"
                f" version {version} passing these as positional arguments will result in an error,",
                FutureWarning,
                stacklevel=2,
            )
            kwargs.update(zip(sig.parameters, args, strict=False))
            return f(**kwargs)

        return inner_f

    return decorator


def _deprecate_arguments(
    *,
    version: str,
    deprecated_args: Iterable[str],
    custom_message: str | None = None,
) -> Callable[[Callable], Callable]:
    """Warn when any of ``deprecated_args`` is passed (positionally, or by keyword with a non-default value).

    Args:
        version (`str`):
            The version from which these arguments will no longer be supported.
        deprecated_args (`Iterable[str]`):
            Names of the deprecated parameters.
        custom_message (`str`, *optional*):
            Text appended to the warning, e.g. what to use instead.
    """
    deprecated = set(deprecated_args)

    def decorator(f: Callable) -> Callable:
        sig = signature(f)

        @wraps(f)
        def inner_f(*args: Any, **kwargs: Any) -> Any:
            used = [
                param.name for _, param in zip(args, sig.parameters.values(), strict=False) if param.name in deprecated
            ]
            # Passing the default value explicitly is harmless: it will keep working after removal.
            used += [
                name for name, value in kwargs.items() if name in deprecated and value != sig.parameters[name].default
            ]
            if used:
                message = (
                    f"Deprecated argument(s) used in '{f.__name__}': {', '.join(used)}. Will not be supported from"
                    f" version '{version}'."
                )
                if custom_message is not None:
                    message += "\n\n" + custom_message
                warnings.warn(message, FutureWarning, stacklevel=2)
            return f(*args, **kwargs)

        return inner_f

    return decorator


def _deprecate_method(*, version: str, message: str | None = None) -> Callable[[Callable], Callable]:
    """Warn on every call of the decorated function (or, for ``__init__``, of the class).

    Args:
        version (`str`):
            The version in which it will be removed.
        message (`str`, *optional*):
            Text appended to the warning, e.g. what to use instead.
    """

    def decorator(f: Callable) -> Callable:
        # For a constructor, name the class rather than "__init__".
        name = f.__qualname__.split(".")[0] if f.__name__ == "__init__" else f.__name__

        @wraps(f)
        def inner_f(*args: Any, **kwargs: Any) -> Any:
            warning = f"'{name}' (from '{f.__module__}') is deprecated and will be removed from version '{version}'."
            if message is not None:
                warning += " " + message
            warnings.warn(warning, FutureWarning, stacklevel=2)
            return f(*args, **kwargs)

        return inner_f

    return decorator
