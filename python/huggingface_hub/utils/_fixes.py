"""Forgiving variants of standard helpers: temporary directories, file locks and YAML dumping."""

import contextlib
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import yaml
from filelock import BaseFileLock, FileLock, SoftFileLock, Timeout

from .. import constants
from . import logging

__all__ = ["SoftTemporaryDirectory", "WeakFileLock", "yaml_dump"]

logger = logging.get_logger(__name__)

# Lock files are group-writable so that users sharing one cache directory can wait on each other's locks.
_LOCK_FILE_MODE = 0o664


def yaml_dump(data: Any, *, stream: Any = None, Dumper: Any = yaml.Dumper, **kwargs: Any) -> Any:
    """`yaml.dump` (to a string unless `stream` is given), keeping non-ASCII characters as they are instead of
    escaping them.

    ``yaml_dump({"emoji": "👀"})`` gives ``'emoji: 👀\\n'`` where ``yaml.dump`` gives ``'emoji: "\\U0001F440"\\n'``.
    Any keyword of `yaml.dump` can be passed (``sort_keys=False``, ...).
    """
    kwargs.setdefault("allow_unicode", True)
    return yaml.dump(data, stream=stream, Dumper=Dumper, **kwargs)


@contextlib.contextmanager
def SoftTemporaryDirectory(
    suffix: str | None = None,
    prefix: str | None = None,
    dir: Path | str | None = None,
    **kwargs: Any,
) -> Generator[Path, None, None]:
    """Create a temporary directory, yield its resolved `Path`, and delete it on exit without ever raising.

    Deletion first retries after making read-only entries writable (needed on Windows), then gives
    up silently: a leftover temporary directory must not turn a successful operation into an error.
    Extra keyword arguments go to `tempfile.TemporaryDirectory`.
    """
    tmpdir = tempfile.TemporaryDirectory(suffix=suffix, prefix=prefix, dir=dir, **kwargs)
    try:
        yield Path(tmpdir.name).resolve()
    finally:
        _remove_tree_quietly(tmpdir.name)
        try:
            tmpdir.cleanup()
        except Exception:
            pass


def _remove_tree_quietly(path: str) -> None:
    try:
        shutil.rmtree(path)
        return
    except Exception:
        pass
    try:
        if sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=_make_writable_and_retry)
        else:
            shutil.rmtree(path, onerror=lambda func, failed, _exc_info: _make_writable_and_retry(func, failed, None))
    except Exception:
        pass


def _make_writable_and_retry(func: Callable[[str], Any], path: str, _exc: BaseException | None) -> None:
    os.chmod(path, stat.S_IWRITE)
    func(path)


@contextlib.contextmanager
def WeakFileLock(lock_file: str | Path, *, timeout: float | None = None) -> Generator[BaseFileLock, None, None]:
    """Hold an inter-process file lock on ``lock_file`` for the duration of the block.

    Weaker than a plain `filelock.FileLock` in three ways:

    1. a failure to release it is ignored (the lock file is removed if possible);
    2. on file systems without ``flock`` support it falls back to a `filelock.SoftFileLock`;
    3. the lock file is created group-writable (mode 0o664).

    While waiting, an INFO record is logged every ``constants.FILELOCK_LOG_EVERY_SECONDS`` seconds.

    Args:
        lock_file (`str` or `Path`):
            Path of the lock file.
        timeout (`float`, *optional*):
            Seconds to wait before raising `filelock.Timeout`; wait forever when omitted.
            ``0`` tries once without waiting.
    """
    log_interval: float = constants.FILELOCK_LOG_EVERY_SECONDS
    lock: BaseFileLock = FileLock(lock_file, timeout=log_interval, mode=_LOCK_FILE_MODE)
    started = time.monotonic()
    deadline = None if timeout is None else started + timeout
    attempted = False
    while True:
        wait = log_interval
        if deadline is not None:
            remaining = deadline - time.monotonic()
            # At least one attempt, so that `timeout=0` means "only if free right now".
            if remaining <= 0 and attempted:
                raise Timeout(str(lock_file))
            wait = min(log_interval, max(remaining, 0.0))
        try:
            attempted = True
            lock.acquire(timeout=wait)
        except Timeout:
            logger.info(
                f"Still waiting to acquire lock on {lock_file} (elapsed: {time.monotonic() - started:.1f} seconds)"
            )
        except NotImplementedError as err:
            # filelock raises this when the file system cannot flock (some network mounts).
            if "use SoftFileLock instead" not in str(err):
                raise
            logger.warning(
                "FileSystem does not appear to support flock. Falling back to SoftFileLock for %s", lock_file
            )
            lock = SoftFileLock(lock_file, timeout=log_interval)
            attempted = False  # the soft lock deserves its own attempt
        else:
            break

    try:
        yield lock
    finally:
        try:
            lock.release()
        except OSError:
            try:
                Path(lock_file).unlink()
            except OSError:
                pass
