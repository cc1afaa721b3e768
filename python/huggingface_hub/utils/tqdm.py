"""Progress bars: a `tqdm` subclass that obeys global and per-group on/off switches.

Switches, strongest first:

1. ``HF_HUB_DISABLE_PROGRESS_BARS`` (``constants.HF_HUB_DISABLE_PROGRESS_BARS``) is tri-state:
   true forces every bar off, false forces them on (``disable_progress_bars`` then only warns),
   unset leaves the decision to code.
2. ``disable_progress_bars(name)`` / ``enable_progress_bars(name)`` set the state of a dotted group
   (``"peft.foo"`` also covers ``"peft.foo.bar"``) or, without a name, of every bar.
3. The ``disable=`` argument given to a bar, which can only turn a bar off, never force it on.

Bars created by the library itself (see ``_get_progress_bar_context``) also follow the logger's
level and ``TQDM_POSITION=-1`` (see ``is_tqdm_disabled``).
"""

import io
import logging
import os
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar, cast

from tqdm.auto import tqdm as old_tqdm

from .. import constants

__all__ = [
    "are_progress_bars_disabled",
    "disable_progress_bars",
    "enable_progress_bars",
    "hf_thread_map",
    "is_tqdm_disabled",
    "silent_tqdm",
    "tqdm",
    "tqdm_stream_file",
]

# Programmatic state per group: True = enabled, False = disabled. The key "_global" holds the
# state set without a group name; a group without an entry inherits from its closest parent.
progress_bar_states: dict[str, bool] = {}

_GLOBAL_KEY = "_global"

_UNSET: Any = object()


def __getattr__(name: str) -> Any:
    # Upstream imports HF_HUB_DISABLE_PROGRESS_BARS into this module by value, and its test-suite
    # patches it here. Reading it through this hook keeps `constants` the source of truth at call
    # time while a patched module global (see `_env_override`) still takes precedence.
    if name == "HF_HUB_DISABLE_PROGRESS_BARS":
        return constants.HF_HUB_DISABLE_PROGRESS_BARS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _env_override() -> bool | None:
    """The tri-state HF_HUB_DISABLE_PROGRESS_BARS: True forces bars off, False forces them on, None defers."""
    patched = globals().get("HF_HUB_DISABLE_PROGRESS_BARS", _UNSET)
    if patched is not _UNSET:
        return patched
    return constants.HF_HUB_DISABLE_PROGRESS_BARS


def _set_group_state(name: str | None, enabled: bool) -> None:
    """Record ``enabled`` for a group, dropping the states of its subgroups (the new setting covers them)."""
    if name is None:
        progress_bar_states.clear()
        progress_bar_states[_GLOBAL_KEY] = enabled
        return
    prefix = f"{name}."
    for key in [key for key in progress_bar_states if key.startswith(prefix)]:
        del progress_bar_states[key]
    progress_bar_states[name] = enabled


class disable_progress_bars:
    """Disable progress bars globally or for one dotted group, as a call or as a context manager.

    ``disable_progress_bars()`` keeps bars off until ``enable_progress_bars()``; ``with
    disable_progress_bars():`` turns them off for the block only and restores them on exit if they
    were on before. When ``HF_HUB_DISABLE_PROGRESS_BARS=0`` is set, nothing changes and a
    `UserWarning` is emitted.

    Args:
        name (`str`, *optional*):
            The group to disable (``"peft.foo"`` also disables ``"peft.foo.bar"``). All bars when omitted.
    """

    def __init__(self, name: str | None = None) -> None:
        self.name = name
        if _env_override() is False:
            warnings.warn(
                "Cannot disable progress bars: environment variable `HF_HUB_DISABLE_PROGRESS_BARS=0` is set and has"
                " priority.",
                stacklevel=2,
            )
            self._should_reenable = False
            return
        # Only a block that actually turned bars off turns them back on: nesting stays correct.
        self._should_reenable = not are_progress_bars_disabled(name)
        _set_group_state(name, enabled=False)

    def __enter__(self) -> "disable_progress_bars":
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._should_reenable:
            enable_progress_bars(self.name)


def enable_progress_bars(name: str | None = None) -> None:
    """Enable progress bars globally or for one dotted group.

    When ``HF_HUB_DISABLE_PROGRESS_BARS=1`` is set, nothing changes and a `UserWarning` is emitted.

    Args:
        name (`str`, *optional*):
            The group to enable (``"peft.foo"`` also enables ``"peft.foo.bar"``). All bars when omitted.
    """
    if _env_override() is True:
        warnings.warn(
            "Cannot enable progress bars: environment variable `HF_HUB_DISABLE_PROGRESS_BARS=1` is set and has"
            " priority.",
            stacklevel=2,
        )
        return
    _set_group_state(name, enabled=True)


def are_progress_bars_disabled(name: str | None = None) -> bool:
    """Whether bars are disabled globally, or for the group ``name`` (looking up its parents in turn).

    Args:
        name (`str`, *optional*):
            The dotted group to check; the global state when omitted.
    """
    if _env_override() is True:
        return True
    # Walk "a.b.c" -> "a.b" -> "a": the most specific recorded group decides.
    group = name
    while group:
        if group in progress_bar_states:
            return not progress_bar_states[group]
        group = group.rpartition(".")[0]
    return not progress_bar_states.get(_GLOBAL_KEY, True)


def is_tqdm_disabled(log_level: int) -> bool | None:
    """The ``disable`` value for a library-made bar, given the effective level of the logger it reports to.

    ``True`` when the level is NOTSET, ``False`` when ``TQDM_POSITION=-1`` forces bars on (useful
    when stderr is not a terminal), otherwise ``None``, which lets tqdm hide the bar when stderr
    is not a TTY.
    """
    if log_level == logging.NOTSET:
        return True
    if os.getenv("TQDM_POSITION") == "-1":
        return False
    return None


class tqdm(old_tqdm):
    """`tqdm.auto.tqdm` that stays silent when progress bars are disabled.

    Accepts one extra keyword, ``name``: the dotted group the bar belongs to (see
    `disable_progress_bars`). ``disable=False`` does not override a disabled group.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name = kwargs.pop("name", None)  # tqdm itself rejects unknown keywords
        if are_progress_bars_disabled(name):
            kwargs["disable"] = True
        super().__init__(*args, **kwargs)

    def __delattr__(self, attr: str) -> None:
        # tqdm deletes `_lock` on close; a bar closed twice (or never fully built) must not raise.
        try:
            super().__delattr__(attr)
        except AttributeError:
            if attr != "_lock":
                raise


# tqdm's default lock is a multiprocessing lock, whose creation can start a resource-tracker
# process; that fails in hosts with an invalid stderr descriptor (e.g. some TUIs). Bars of this
# class are only coordinated between threads, so a thread lock is enough.
tqdm.set_lock(threading.RLock())


class silent_tqdm:
    """A stand-in for `tqdm` that shows nothing (pass it as ``tqdm_class`` to silence one call)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __enter__(self) -> "silent_tqdm":
        return self

    def __exit__(self, exc_type: object, exc_value: object, traceback: object) -> None:
        pass

    def update(self, n: int | float | None = 1) -> None:
        pass


@contextmanager
def tqdm_stream_file(path: Path | str) -> Iterator[io.BufferedReader]:
    """Open ``path`` for binary reading, advancing a progress bar (in bytes) as it is read.

    Meant for streaming a local file as a request body::

        with tqdm_stream_file("model.bin") as f:
            session.put(url, data=f)
    """
    path = Path(path)
    with path.open("rb") as file:
        bar = tqdm(unit="B", unit_scale=True, total=path.stat().st_size, initial=0, desc=path.name)
        plain_read = file.read

        def read_with_progress(size: int | None = -1) -> bytes:
            chunk = plain_read(size)
            bar.update(len(chunk))
            return chunk

        file.read = read_with_progress  # type: ignore[method-assign]
        try:
            yield file
        finally:
            bar.close()


def _create_progress_bar(*, cls: type[old_tqdm], log_level: int, name: str | None = None, **kwargs: Any) -> old_tqdm:
    """Instantiate a bar of class ``cls``.

    Our `tqdm` (and its subclasses) get ``disable`` from the log level and ``TQDM_POSITION`` plus
    the group ``name``. Any other class is the caller's choice and is left alone: no ``disable``
    is injected, and ``name`` is dropped because plain tqdm rejects it.
    """
    # `issubclass` raises on callables that are not classes (e.g. functools.partial).
    if not (isinstance(cls, type) and issubclass(cls, tqdm)):
        return cls(**kwargs)
    return cls(disable=is_tqdm_disabled(log_level), name=name, **kwargs)


def _get_progress_bar_context(
    *,
    desc: str,
    log_level: int,
    total: int | None = None,
    initial: int = 0,
    unit: str = "B",
    unit_scale: bool = True,
    name: str | None = None,
    tqdm_class: type[old_tqdm] | None = None,
    _tqdm_bar: tqdm | None = None,
) -> AbstractContextManager[tqdm]:
    """A context manager yielding the bar for one transfer.

    When ``_tqdm_bar`` is given (a bar shared by several transfers), it is yielded as is and not
    closed on exit; otherwise a new bar is created and closed on exit.
    """
    if _tqdm_bar is not None:
        return nullcontext(_tqdm_bar)
    return cast(
        AbstractContextManager[tqdm],
        _create_progress_bar(
            cls=tqdm_class or tqdm,
            log_level=log_level,
            name=name,
            unit=unit,
            unit_scale=unit_scale,
            total=total,
            initial=initial,
            desc=desc,
        ),
    )


T = TypeVar("T")
R = TypeVar("R")


def _make_thread_pool_executor(*, max_workers: int | None, bar_class: type[old_tqdm]) -> ThreadPoolExecutor:
    """A thread pool whose workers share the bar class's write lock.

    Bars created inside the mapped function (e.g. one per downloaded file) then never interleave
    their output. Classes without tqdm's lock API (e.g. `silent_tqdm`) draw nothing and need none.
    """
    if hasattr(bar_class, "get_lock") and hasattr(bar_class, "set_lock"):
        return ThreadPoolExecutor(
            max_workers=max_workers, initializer=bar_class.set_lock, initargs=(bar_class.get_lock(),)
        )
    return ThreadPoolExecutor(max_workers=max_workers)


def hf_thread_map(
    fn: Callable[[T], R],
    iterable: Iterable[T],
    *,
    max_workers: int | None = None,
    tqdm_class: type[old_tqdm] | None = None,
    **tqdm_kwargs: Any,
) -> list[R]:
    """Run ``fn`` over ``iterable`` in threads with one progress bar, like `tqdm.contrib.concurrent.thread_map`.

    Unlike tqdm's version, the bar advances as soon as any item finishes (not in input order), so
    one slow early item does not freeze it. If an item raises, items not yet started are cancelled
    and the exception propagates.

    Args:
        fn (`Callable`):
            Function applied to each item.
        iterable (`Iterable`):
            The items.
        max_workers (`int`, *optional*):
            Number of threads; defaults to ``min(32, cpu_count + 4)``.
        tqdm_class (`type`, *optional*):
            Bar class; defaults to this module's `tqdm`.
        **tqdm_kwargs:
            Passed to the bar (``desc``, ``disable``, ...); ``total`` defaults to the number of items.

    Returns:
        `list`: ``fn``'s results, in the order of ``iterable``.
    """
    items = list(iterable)
    if max_workers is None:
        max_workers = min(32, (os.cpu_count() or 1) + 4)
    tqdm_kwargs.setdefault("total", len(items))
    bar_class = tqdm_class or tqdm
    results: list[Any] = [None] * len(items)
    with (
        bar_class(**tqdm_kwargs) as bar,
        _make_thread_pool_executor(max_workers=max_workers, bar_class=bar_class) as executor,
    ):
        index_of = {executor.submit(fn, item): index for index, item in enumerate(items)}
        try:
            for future in as_completed(index_of):
                results[index_of[future]] = future.result()
                bar.update(1)
        except BaseException:
            # Without this, the executor's exit would wait for the whole queue to run.
            for future in index_of:
                future.cancel()
            raise
    return results
