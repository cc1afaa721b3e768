"""Dump the public API of the importable ``huggingface_hub`` as JSON.

This file runs *inside* the interpreter being described (the upstream virtualenv, or ours), so it
must only use the standard library and must not import anything from ``tools``. The report script
runs it once per side and compares the two dumps.

Usage: python introspect.py --out FILE [--probe FILE]

``--probe`` names a JSON object ``{module: [names]}`` (usually built from the upstream dump): those
modules are imported and those names looked up even if this side's own enumeration would not list
them, so that lazily resolved or unconventionally defined names are still found.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import importlib
import inspect
import json
import os
import pkgutil
import re
import sys
import traceback
import typing
import warnings
from collections.abc import Callable, Collection
from typing import Any

PACKAGE = "huggingface_hub"
SCHEMA_VERSION = 1
MAX_REPR = 300

# Modules whose attributes are "typing helpers": re-importing them does not make them part of our API.
_TYPING_MODULES = ("typing", "typing_extensions", "collections.abc", "__future__")
_PLAIN_VALUES = (bool, int, float, complex, str, bytes, tuple, frozenset, type(None))
# `<pkg.mod.Thing object at 0x7f..>`: the address changes every run, the defining module is an internal detail.
_DEFAULT_REPR = re.compile(r"<(?:[\w.]+\.)?(\w+) object at 0x[0-9a-fA-F]+>")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
# `huggingface_hub._commit_api.CommitOperationAdd` in a type alias: where a class lives privately may differ.
_OWN_CLASS_PATH = re.compile(r"\bhuggingface_hub(?:\.\w+)*\.([A-Z]\w*)")


def is_public_module_name(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split("."))


def is_own_module_name(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def is_own(obj: Any) -> bool:
    """Whether an object was defined inside the package (as opposed to re-imported from elsewhere)."""
    module = getattr(obj, "__module__", None)
    if not isinstance(module, str):
        module = type(obj).__module__
    return is_own_module_name(module)


class TypingHelpers:
    """What `typing` & co. define, to recognise `from typing import Optional, TYPE_CHECKING` re-imports."""

    def __init__(self) -> None:
        self._ids: set[int] = set()
        self._plain: dict[str, Any] = {}
        for module_name in _TYPING_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            for name, value in vars(module).items():
                if isinstance(value, _PLAIN_VALUES):
                    # Matched by name too: `NOTSET = 0` is no typing helper just because some flag there is 0.
                    self._plain[name] = value
                else:
                    self._ids.add(id(value))

    def __contains__(self, item: tuple[str, Any]) -> bool:
        name, value = item
        if isinstance(value, _PLAIN_VALUES):
            return name in self._plain and self._plain[name] is value
        return id(value) in self._ids


def _is_typing_construct(value: Any) -> bool:
    """Type aliases (``Literal[...]``, ``Union[...]``, ``list[str]``), TypeVars and the like."""
    module = type(value).__module__
    return module in ("typing", "typing_extensions") or isinstance(value, type(list[int]))


# --------------------------------------------------------------------------------------------------
# Rendering values so that both sides produce comparable, run-independent text.
# --------------------------------------------------------------------------------------------------


def path_replacements(package_dir: str | None) -> list[tuple[str, str]]:
    """Machine-specific path prefixes and their placeholders, longest first.

    Values derived from the environment (cache paths) or from where the package is installed (card templates)
    must compare equal across the two virtualenvs and across machines.
    """
    pairs = []
    if package_dir:
        pairs.append((package_dir, "<package>"))
    hf_home = os.environ.get("HF_HOME")
    if hf_home:
        pairs.append((hf_home, "<HF_HOME>"))
    home = os.path.expanduser("~")
    if home and home != "/":
        pairs.append((home, "~"))
    return sorted(pairs, key=lambda pair: -len(pair[0]))


_REPLACEMENTS = path_replacements(None)  # completed with the package's directory once it is imported


def render_value(value: Any) -> str:
    """A normalised repr: no memory addresses, sets sorted, classes/functions by qualified name."""
    if inspect.isclass(value):
        text = f"<class {value.__qualname__}>"
    elif inspect.isroutine(value):
        text = f"<function {getattr(value, '__qualname__', getattr(value, '__name__', '?'))}>"
    elif isinstance(value, (set, frozenset)):
        items = sorted(render_value(item) for item in value)
        inner = ", ".join(items)
        text = f"{type(value).__name__}({{{inner}}})" if items else f"{type(value).__name__}()"
    else:
        try:
            text = repr(value)
        except Exception as exc:  # a broken __repr__ is still worth a line in the report
            text = f"<unrepresentable {type(value).__qualname__}: {type(exc).__name__}>"
    return normalize_text(text)


def normalize_text(text: str) -> str:
    text = _DEFAULT_REPR.sub(r"<\1 object>", text)
    text = _ADDRESS.sub(" at 0x…", text)
    text = _OWN_CLASS_PATH.sub(r"\1", text)
    for old, new in _REPLACEMENTS:
        text = text.replace(old, new)
    if len(text) > MAX_REPR:
        text = text[: MAX_REPR - 1] + "…"
    return text


def _error_text(exc: BaseException) -> str:
    first_line = (str(exc).splitlines() or [""])[0]
    return normalize_text(f"{type(exc).__name__}: {first_line}")


# --------------------------------------------------------------------------------------------------
# Signatures, functions, classes.
# --------------------------------------------------------------------------------------------------


def describe_signature(obj: Any, drop_first: bool = False) -> dict[str, Any]:
    """``{"params": [...]}`` or ``{"error": ...}`` when the object has no introspectable signature."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError) as exc:
        return {"error": _error_text(exc)}
    params = list(sig.parameters.values())
    if drop_first and params and params[0].kind in (params[0].POSITIONAL_ONLY, params[0].POSITIONAL_OR_KEYWORD):
        params = params[1:]  # `self`: its name is irrelevant to callers
    return {
        "params": [
            {
                "name": p.name,
                "kind": p.kind.name,
                "default": None if p.default is p.empty else render_value(p.default),
            }
            for p in params
        ]
    }


def _owner_of(cls: type, name: str) -> type | None:
    for klass in cls.__mro__:
        if name in vars(klass):
            return klass
    return None


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def describe_member(cls: type, name: str, raw: Any) -> dict[str, Any]:
    if isinstance(raw, (property, functools.cached_property)) or inspect.isdatadescriptor(raw):
        return {"kind": "property"}
    if isinstance(raw, staticmethod):
        return {"kind": "staticmethod", "signature": describe_signature(raw.__func__)}
    if isinstance(raw, classmethod):
        return {"kind": "classmethod", "signature": describe_signature(getattr(cls, name))}
    if inspect.isfunction(raw):
        return {"kind": "method", "signature": describe_signature(raw, drop_first=True)}
    if callable(raw) and not inspect.isclass(raw):
        # decorator objects, functools.partialmethod, ...: described as seen through the class
        try:
            bound = getattr(cls, name)
        except Exception:
            bound = raw
        return {"kind": "method", "signature": describe_signature(bound, drop_first=inspect.isfunction(bound))}
    return {"kind": "attribute"}


def describe_class(cls: type) -> dict[str, Any]:
    members: dict[str, dict[str, Any]] = {}
    for name in sorted(dir(cls)):
        if name.startswith("_"):
            continue
        owner = _owner_of(cls, name)
        if owner is None or owner.__module__ == "builtins":
            continue  # metaclass attributes, object/Exception plumbing
        try:
            member = describe_member(cls, name, vars(owner)[name])
        except Exception as exc:
            member = {"kind": "error", "error": _error_text(exc)}
        member["owner"] = _qualified(owner)
        members[name] = member
    # Annotated instance attributes (dataclass fields and the like) are API too, even without a class-level value.
    for klass in reversed(cls.__mro__):
        annotations = vars(klass).get("__annotations__", {})
        if not isinstance(annotations, dict):
            continue
        for name in annotations:
            if not name.startswith("_") and name not in members:
                members[name] = {"kind": "attribute", "owner": _qualified(klass)}
    if dataclasses.is_dataclass(cls):
        for field in dataclasses.fields(cls):
            if not field.name.startswith("_") and field.name not in members:
                members[field.name] = {"kind": "attribute", "owner": _qualified(cls)}
    return {
        "kind": "class",
        "defined_in": _qualified(cls),
        "signature": describe_signature(cls),
        "bases": [{"module": base.__module__, "name": base.__qualname__} for base in cls.__mro__[1:]],
        "members": dict(sorted(members.items())),
    }


def describe(value: Any) -> dict[str, Any]:
    if inspect.ismodule(value):
        return {"kind": "module", "target": value.__name__}
    if inspect.isclass(value):
        return describe_class(value)
    if inspect.isroutine(value) or (callable(value) and not _is_typing_construct(value)):
        return {"kind": "function", "signature": describe_signature(value)}
    if _is_typing_construct(value):
        return {"kind": "type alias", "repr": render_value(value)}
    return {"kind": "constant", "type": type(value).__qualname__, "repr": render_value(value)}


# --------------------------------------------------------------------------------------------------
# Modules.
# --------------------------------------------------------------------------------------------------


def is_public_attribute(module_name: str, name: str, value: Any, typing_helpers: TypingHelpers) -> bool:
    """Whether an attribute found by enumeration belongs to the module's public API."""
    if name.startswith("_"):
        return False
    if (name, value) in typing_helpers:
        return False  # `from typing import Optional`
    if inspect.ismodule(value):
        # Stdlib/third-party re-imports are noise; a package's own submodules are reported as modules of their own.
        return is_own_module_name(value.__name__) and value.__name__ != f"{module_name}.{name}"
    if isinstance(value, (typing.TypeVar, typing.ParamSpec)):
        return False
    if inspect.isclass(value) or inspect.isroutine(value):
        return is_own(value)
    return True  # constants, type aliases, instances, callable objects such as functools.partial


def describe_module(module_name: str, probe: Collection[str], typing_helpers: TypingHelpers) -> dict[str, Any]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = importlib.import_module(module_name)
    except BaseException as exc:  # SystemExit from a CLI module is a failure to record, not to obey
        if isinstance(exc, KeyboardInterrupt):
            raise
        return {"import_error": _error_text(exc)}

    exported = getattr(module, "__all__", None)
    exported_names = sorted(str(n) for n in exported) if isinstance(exported, (list, tuple)) else None
    listed = set(exported_names or ()) | set(probe)  # looked up and reported whatever they turn out to be
    names: dict[str, dict[str, Any]] = {}
    for name in sorted(set(dir(module)) | listed):
        if name.startswith("_") and name not in listed:
            continue  # upstream's __all__ does list a few underscored names: those are API
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = getattr(module, name)  # resolves lazily exported names
        except AttributeError:
            continue  # a probed name this side does not have
        except Exception as exc:
            names[name] = {"kind": "error", "error": _error_text(exc)}
            continue
        wanted = name in listed or is_public_attribute(module_name, name, value, typing_helpers)
        if not wanted:
            continue
        try:
            names[name] = describe(value)
        except Exception as exc:
            names[name] = {"kind": "error", "error": _error_text(exc)}
    return {"all": exported_names, "names": names}


def walk_public_modules(on_error: Callable[[str], None]) -> list[str]:
    package = importlib.import_module(PACKAGE)
    found = {PACKAGE}
    for info in pkgutil.walk_packages(package.__path__, PACKAGE + ".", onerror=on_error):
        if is_public_module_name(info.name):
            found.add(info.name)
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="where to write the JSON dump")
    parser.add_argument("--probe", help="JSON file {module: [names]} to look up besides this side's own names")
    args = parser.parse_args(argv)

    probe: dict[str, list[str]] = {}
    if args.probe:
        with open(args.probe, encoding="utf-8") as fh:
            probe = json.load(fh)

    dump: dict[str, Any] = {"schema": SCHEMA_VERSION, "python": ".".join(map(str, sys.version_info[:2]))}
    try:
        package = importlib.import_module(PACKAGE)
    except Exception as exc:
        dump.update(package={"import_error": _error_text(exc)}, modules={}, walk_errors=[])
    else:
        _REPLACEMENTS[:] = path_replacements(os.path.dirname(os.path.abspath(package.__file__ or "")))
        walk_errors: list[str] = []
        walked = walk_public_modules(lambda name: walk_errors.append(f"{name}: {_error_text(sys.exc_info()[1])}"))
        typing_helpers = TypingHelpers()
        modules = {
            name: describe_module(name, probe.get(name, ()), typing_helpers)
            for name in sorted(set(walked) | set(probe))
        }
        dump.update(
            package={"version": str(getattr(package, "__version__", "")), "file": str(package.__file__)},
            walked=walked,
            walk_errors=sorted(walk_errors),
            modules=modules,
        )
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(dump, fh, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:
        traceback.print_exc()
        sys.exit(2)
