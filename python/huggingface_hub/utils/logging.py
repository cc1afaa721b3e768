"""Logging for the library: one root logger named ``huggingface_hub`` and helpers to tune it.

Every module logs through ``get_logger(__name__)``, so all records end up under the
``huggingface_hub`` logger, whose level users set with ``set_verbosity*`` (or the
``HF_HUB_VERBOSITY`` environment variable, read once at import). ``HF_DEBUG=1`` forces DEBUG.
"""

import logging
import os
from logging import (  # re-exported so that `huggingface_hub.logging.INFO` and friends work
    CRITICAL,
    DEBUG,
    ERROR,
    FATAL,
    INFO,
    NOTSET,
    WARN,
    WARNING,
)

from .. import constants

__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "FATAL",
    "INFO",
    "NOTSET",
    "WARN",
    "WARNING",
    "disable_propagation",
    "enable_propagation",
    "get_logger",
    "get_verbosity",
    "log_levels",
    "set_verbosity",
    "set_verbosity_debug",
    "set_verbosity_error",
    "set_verbosity_info",
    "set_verbosity_warning",
]

# Accepted values of HF_HUB_VERBOSITY (lowercase only, as upstream).
log_levels: dict[str, int] = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}

_default_log_level = logging.WARNING


def _get_library_name() -> str:
    # "huggingface_hub.utils.logging" -> "huggingface_hub"
    return __name__.split(".", 1)[0]


def _get_library_root_logger() -> logging.Logger:
    return logging.getLogger(_get_library_name())


def _get_default_logging_level() -> int:
    """Level named by ``HF_HUB_VERBOSITY`` if it is valid, else WARNING (with a warning on the root logger)."""
    requested = os.getenv("HF_HUB_VERBOSITY")
    if not requested:
        return _default_log_level
    if requested in log_levels:
        return log_levels[requested]
    # Logged on the root logger because ours is not configured yet.
    logging.getLogger().warning(
        f"Unknown option HF_HUB_VERBOSITY={requested}, has to be one of: {', '.join(log_levels)}"
    )
    return _default_log_level


def _configure_library_root_logger() -> None:
    root = _get_library_root_logger()
    root.addHandler(logging.StreamHandler())
    root.setLevel(_get_default_logging_level())


def _reset_library_root_logger() -> None:
    _get_library_root_logger().setLevel(logging.NOTSET)


def get_logger(name: str | None = None) -> logging.Logger:
    """Return the logger called ``name`` (the library root logger ``huggingface_hub`` when omitted).

    Meant for the library's own modules and for integrations that want their records to follow
    the library's verbosity: pass a dotted name under ``huggingface_hub``.

    Args:
        name (`str`, *optional*):
            The logger name, usually ``__name__`` of the calling module.
    """
    return logging.getLogger(_get_library_name() if name is None else name)


def get_verbosity() -> int:
    """Return the effective level of the ``huggingface_hub`` root logger (e.g. ``logging.WARNING``)."""
    return _get_library_root_logger().getEffectiveLevel()


def set_verbosity(verbosity: int) -> None:
    """Set the level of the ``huggingface_hub`` root logger.

    Args:
        verbosity (`int`):
            A level such as `huggingface_hub.logging.DEBUG` or `huggingface_hub.logging.INFO`.
    """
    _get_library_root_logger().setLevel(verbosity)


def set_verbosity_info() -> None:
    """Set the verbosity to `logging.INFO`."""
    set_verbosity(INFO)


def set_verbosity_warning() -> None:
    """Set the verbosity to `logging.WARNING`."""
    set_verbosity(WARNING)


def set_verbosity_debug() -> None:
    """Set the verbosity to `logging.DEBUG`."""
    set_verbosity(DEBUG)


def set_verbosity_error() -> None:
    """Set the verbosity to `logging.ERROR`."""
    set_verbosity(ERROR)


def disable_propagation() -> None:
    """Stop the library's records from reaching the handlers of the Python root logger."""
    _get_library_root_logger().propagate = False


def enable_propagation() -> None:
    """Let the library's records reach the handlers of the Python root logger.

    If the root logger has handlers of its own, records are then printed twice (once by the
    library's stderr handler); remove that handler from ``get_logger()`` to avoid it.
    """
    _get_library_root_logger().propagate = True


_configure_library_root_logger()

if constants.HF_DEBUG:
    # HF_DEBUG asks for everything: it wins over HF_HUB_VERBOSITY.
    set_verbosity_debug()
