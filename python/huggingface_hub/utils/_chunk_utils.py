"""Iterate over any iterable in fixed-size chunks."""

import itertools
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["chunk_iterable"]

T = TypeVar("T")


def chunk_iterable(iterable: Iterable[T], chunk_size: int) -> Iterable[Iterable[T]]:
    """Yield successive chunks of at most ``chunk_size`` items (only the last one can be shorter).

    Works on unsized and infinite iterables: nothing is read ahead. Each chunk is a lazy iterator
    over the shared source, so consume a chunk before asking for the next one.

    ```python
    >>> [list(chunk) for chunk in chunk_iterable(range(5), chunk_size=2)]
    [[0, 1], [2, 3], [4]]
    ```

    Raises:
        `ValueError`: if ``chunk_size`` is not a strictly positive integer (raised when iteration starts).
    """
    if not isinstance(chunk_size, int) or chunk_size <= 0:
        raise ValueError("`chunk_size` must be a strictly positive integer (>0).")
    source: Iterator[T] = iter(iterable)
    for first in source:
        yield itertools.chain((first,), itertools.islice(source, chunk_size - 1))
