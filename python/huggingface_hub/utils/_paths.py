"""Selection of repository paths with allow/ignore glob patterns."""

from collections.abc import Callable, Generator, Iterable
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TypeVar

__all__ = ["DEFAULT_IGNORE_PATTERNS", "FORBIDDEN_FOLDERS", "filter_repo_objects"]

T = TypeVar("T")

# Never uploaded: git internals and huggingface_hub's own local metadata, at any depth.
DEFAULT_IGNORE_PATTERNS = [
    ".git",
    ".git/*",
    "*/.git",
    "**/.git/**",
    ".cache/huggingface",
    ".cache/huggingface/*",
    "*/.cache/huggingface",
    "**/.cache/huggingface/**",
]

# Folders a commit may not write into.
FORBIDDEN_FOLDERS = [".git", ".cache"]


def filter_repo_objects(
    items: Iterable[T],
    *,
    allow_patterns: list[str] | str | None = None,
    ignore_patterns: list[str] | str | None = None,
    key: Callable[[T], str] | None = None,
) -> Generator[T, None, None]:
    """Yield the items whose path matches ``allow_patterns`` (if given) and none of ``ignore_patterns``.

    Patterns are globs matched with `fnmatch.fnmatchcase`: case-sensitive everywhere, and ``*``
    also crosses ``/`` (``"data/*.json"`` matches ``data/a/b.json``). A pattern ending with ``/``
    matches everything below that folder. Backslashes in paths and patterns count as ``/``.
    An empty ``allow_patterns`` list matches nothing; ``None`` allows everything.

    Args:
        items (`Iterable`):
            Paths (`str` or `Path`), or arbitrary objects together with ``key``.
        allow_patterns (`str` or `list[str]`, *optional*):
            A path must match at least one of these.
        ignore_patterns (`str` or `list[str]`, *optional*):
            A path must match none of these.
        key (`Callable[[T], str]`, *optional*):
            Extracts the path from an item.

    Raises:
        `ValueError`: if ``key`` is omitted and an item is neither `str` nor `Path` (raised while iterating).

    ```python
    >>> list(filter_repo_objects(["a.pdf", "b.jpg", ".c.pdf"], allow_patterns=["*.pdf"], ignore_patterns=[".*"]))
    ['a.pdf']
    ```
    """
    allowed = _prepare_patterns(allow_patterns)
    ignored = _prepare_patterns(ignore_patterns)
    path_of = key if key is not None else _path_of_plain_item

    for item in items:
        path = _normalize_separators(path_of(item))
        if allowed is not None and not any(fnmatchcase(path, pattern) for pattern in allowed):
            continue
        if ignored is not None and any(fnmatchcase(path, pattern) for pattern in ignored):
            continue
        yield item


def _prepare_patterns(patterns: list[str] | str | None) -> list[str] | None:
    if patterns is None:
        return None
    if isinstance(patterns, str):
        patterns = [patterns]
    return [_add_wildcard_to_directories(_normalize_separators(pattern)) for pattern in patterns]


def _path_of_plain_item(item: object) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, Path):
        return str(item)
    raise ValueError(f"Please provide `key` argument in `filter_repo_objects`: `{item}` is not a string.")


def _normalize_separators(value: str | Path) -> str:
    # Repo paths always use "/"; a backslash is never an fnmatch escape, so reading it as a
    # separator is safe and makes patterns built with os.path.join on Windows work.
    return str(value).replace("\\", "/")


def _add_wildcard_to_directories(pattern: str) -> str:
    # "folder/" means "everything inside folder".
    return pattern + "*" if pattern.endswith("/") else pattern
