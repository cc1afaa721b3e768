"""Typing helpers: shared type aliases and small runtime checks on types and values."""

from collections.abc import Callable
from types import UnionType
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

__all__ = [
    "HTTP_METHOD_T",
    "UNION_TYPES",
    "CallableT",
    "is_jsonable",
    "is_simple_optional_type",
    "unwrap_simple_optional_type",
]

# `Optional[X]` / `Union[X, None]` have origin `typing.Union`; `X | None` has origin `types.UnionType`.
UNION_TYPES: list[Any] = [Union, UnionType]

HTTP_METHOD_T = Literal["GET", "OPTIONS", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

# For decorators that return the function with its signature unchanged.
CallableT = TypeVar("CallableT", bound=Callable)

_JSON_SCALAR_TYPES = (int, float, str, bool, type(None))


def is_jsonable(obj: Any, _visited: set[int] | None = None) -> bool:
    """Whether ``obj`` looks JSON-serializable, judging by types only (nothing is serialized).

    True for int, float, str, bool and None; for lists and tuples whose items are jsonable; for
    dicts whose keys are scalars of those types and whose values are jsonable; and for any object
    with a ``__json__`` method. A container that contains itself is not jsonable.
    """
    # Ids of the containers on the current path, to stop on cycles. Removed on the way back up so
    # that the same object reached twice through different branches is still accepted.
    visited = set() if _visited is None else _visited
    obj_id = id(obj)
    if obj_id in visited:
        return False
    visited.add(obj_id)
    try:
        if isinstance(obj, _JSON_SCALAR_TYPES):
            return True
        if isinstance(obj, (list, tuple)):
            return all(is_jsonable(item, visited) for item in obj)
        if isinstance(obj, dict):
            return all(
                isinstance(key, _JSON_SCALAR_TYPES) and is_jsonable(value, visited) for key, value in obj.items()
            )
        return hasattr(obj, "__json__")
    except RecursionError:
        return False
    finally:
        visited.discard(obj_id)


def is_simple_optional_type(type_: type) -> bool:
    """Whether ``type_`` is ``Optional[X]``, ``Union[X, None]`` or ``X | None`` with exactly one other member."""
    if get_origin(type_) not in UNION_TYPES:
        return False
    members = get_args(type_)
    return len(members) == 2 and type(None) in members


def unwrap_simple_optional_type(optional_type: type) -> type:
    """Return ``X`` from ``Optional[X]`` (or ``X | None``).

    Raises:
        `ValueError`: if ``optional_type`` has no member other than ``None``.
    """
    for member in get_args(optional_type):
        if member is not type(None):
            return member
    raise ValueError(f"'{optional_type}' is not an optional type")
