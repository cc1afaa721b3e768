"""Client library for the Hugging Face Hub, with a Rust core.

A drop-in reimplementation of upstream ``huggingface_hub``: the same public names, resolved
lazily on first access so that ``import huggingface_hub`` stays cheap. Set ``EAGER_IMPORT=1``
to resolve every name at import time (useful to check that they all exist).
"""

import importlib
import os
import sys
from typing import Any

__version__ = "1.29.0+rs.1"

# Public names exported at the top level, by the submodule that defines them. A name appears
# here only once the feature behind it exists: absent is better than a stub.
_SUBMOD_ATTRS: dict[str, list[str]] = {
    "constants": [],
    "errors": [],
    "utils": [],
}

_NAME_TO_SUBMOD = {name: submod for submod, names in _SUBMOD_ATTRS.items() for name in names}

__all__ = sorted(_NAME_TO_SUBMOD)


def __getattr__(name: str) -> Any:
    submod = _NAME_TO_SUBMOD.get(name)
    if submod is None:
        if name in _SUBMOD_ATTRS:
            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{submod}"), name)
    globals()[name] = value  # next access skips __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if os.environ.get("EAGER_IMPORT", ""):
    for _name in __all__:
        __getattr__(_name)
    del _name

del sys
