"""Compare two API dumps written by ``introspect.py``: upstream's and ours.

Pure functions over plain JSON data, so the classification rules can be tested without any virtualenv.

Rules (also stated in the generated report):
- a function is *present* when its signature is compatible: every upstream parameter exists with the same
  kind and default (annotations are ignored), upstream's positional parameters keep their positions, and
  ours adds no required parameter; extra optional parameters are fine but noted;
- a class is *present* when its constructor signature is compatible, it keeps upstream's base classes
  (those of the package and the built-in ones, by name) and every public member upstream defines in the
  package exists with the same kind (and, for methods, a compatible signature);
- a constant or type alias is *present* when its type and normalised repr are equal;
- otherwise the name is *different* (with the reasons as notes) or *missing*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PRESENT, DIFFERENT, MISSING = "present", "different", "missing"
PACKAGE = "huggingface_hub"

_KIND_LABELS = {
    "POSITIONAL_ONLY": "positional-only",
    "POSITIONAL_OR_KEYWORD": "positional-or-keyword",
    "VAR_POSITIONAL": "*args",
    "KEYWORD_ONLY": "keyword-only",
    "VAR_KEYWORD": "**kwargs",
}
_POSITIONAL = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")
_VARIADIC = ("VAR_POSITIONAL", "VAR_KEYWORD")
_DATA_MEMBERS = ("property", "attribute")

Params = list[dict[str, Any]]


@dataclass(frozen=True)
class Row:
    """One compared name (a module attribute or a class member)."""

    name: str
    kind: str
    status: str
    notes: tuple[str, ...] = ()


@dataclass
class ClassDetail:
    """Member-level differences of one upstream class that ours has but not identically."""

    title: str  # the class name
    locations: list[str]  # public places it is exported from, "module.name"
    total: int  # members compared
    rows: list[Row]  # only the members that are not present


@dataclass
class ModuleResult:
    name: str
    upstream_error: str | None = None
    ours_error: str | None = None
    rows: list[Row] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def missing_in_ours(self) -> bool:
        """Ours has no such module at all (as opposed to having one that fails to import)."""
        return self.ours_error == f"ModuleNotFoundError: No module named '{self.name}'"

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)


@dataclass
class Report:
    upstream_version: str
    ours_version: str
    ours_error: str | None
    python: str
    modules: list[ModuleResult]
    classes: list[ClassDetail]
    extra_modules: list[str]


# --------------------------------------------------------------------------------------------------
# Signatures.
# --------------------------------------------------------------------------------------------------


def render_param(param: dict[str, Any]) -> str:
    if param["kind"] == "VAR_POSITIONAL":
        return "*" + param["name"]
    if param["kind"] == "VAR_KEYWORD":
        return "**" + param["name"]
    if param.get("default") is None:
        return param["name"]
    return f"{param['name']}={param['default']}"


def render_signature(params: Params) -> str:
    """``(a, /, b=1, *, c=None, **kwargs)``: Python's own spelling, without annotations."""
    parts: list[str] = []
    seen_star = False
    for index, param in enumerate(params):
        kind = param["kind"]
        if kind == "VAR_POSITIONAL":
            seen_star = True
        if kind == "KEYWORD_ONLY" and not seen_star:
            parts.append("*")
            seen_star = True
        parts.append(render_param(param))
        is_last_positional_only = kind == "POSITIONAL_ONLY" and (
            index + 1 == len(params) or params[index + 1]["kind"] != "POSITIONAL_ONLY"
        )
        if is_last_positional_only:
            parts.append("/")
    return "(" + ", ".join(parts) + ")"


def _label(param: dict[str, Any]) -> str:
    return f"`{render_param({**param, 'default': None})}`"


def _code_list(names: list[str]) -> str:
    return ", ".join(names)


def _param_key(param: dict[str, Any]) -> str:
    # Variadic parameters are matched by kind: `*args` and `*arguments` accept the same calls.
    return param["kind"] if param["kind"] in _VARIADIC else param["name"]


def compare_signatures(upstream: dict[str, Any] | None, ours: dict[str, Any] | None) -> tuple[list[str], list[str]]:
    """Return ``(problems, notes)``: problems make the name *different*, notes are merely informative."""
    upstream = upstream or {"error": "no signature"}
    ours = ours or {"error": "no signature"}
    if "params" not in upstream:
        # Upstream's own signature is not introspectable (e.g. a builtin-derived exception): nothing to hold us to.
        return [], []
    if "params" not in ours:
        return [f"signature not introspectable in ours ({ours.get('error', '?')})"], []

    up_params: Params = upstream["params"]
    our_params: Params = ours["params"]
    ours_by_key = {_param_key(p): p for p in our_params}
    up_keys = {_param_key(p) for p in up_params}

    problems: list[str] = []
    notes: list[str] = []
    missing: list[str] = []
    for param in up_params:
        mine = ours_by_key.get(_param_key(param))
        if mine is None:
            missing.append(_label(param))
            continue
        if mine["kind"] != param["kind"]:
            problems.append(
                f"{_label(param)} is {_KIND_LABELS[mine['kind']]} (upstream: {_KIND_LABELS[param['kind']]})"
            )
        if param["kind"] in _VARIADIC:
            continue
        up_default, our_default = param.get("default"), mine.get("default")
        if up_default == our_default:
            continue
        if our_default is None:
            problems.append(f"{_label(param)} is required (upstream default `{up_default}`)")
        elif up_default is None:
            notes.append(f"{_label(param)} has a default `{our_default}` (required upstream)")
        else:
            problems.append(f"{_label(param)} defaults to `{our_default}` (upstream: `{up_default}`)")
    if missing:
        problems.insert(0, f"missing parameter{'s' if len(missing) > 1 else ''} {_code_list(missing)}")

    up_positional = [p["name"] for p in up_params if p["kind"] in _POSITIONAL]
    our_positional = [p["name"] for p in our_params if p["kind"] in _POSITIONAL]
    if not missing and our_positional[: len(up_positional)] != up_positional:
        problems.append(f"positional order `({', '.join(our_positional)})` (upstream: `({', '.join(up_positional)})`)")

    extra = [p for p in our_params if _param_key(p) not in up_keys]
    required_extra = [_label(p) for p in extra if p["kind"] not in _VARIADIC and p.get("default") is None]
    optional_extra = [_label(p) for p in extra if p["kind"] in _VARIADIC or p.get("default") is not None]
    if required_extra:
        problems.append(
            f"extra required parameter{'s' if len(required_extra) > 1 else ''} {_code_list(required_extra)}"
        )
    if optional_extra:
        notes.append(f"extra optional parameter{'s' if len(optional_extra) > 1 else ''} {_code_list(optional_extra)}")
    return problems, notes


# --------------------------------------------------------------------------------------------------
# Names.
# --------------------------------------------------------------------------------------------------


def _is_own_path(qualified: str) -> bool:
    return qualified == PACKAGE or qualified.startswith(PACKAGE + ".")


def compare_member(name: str, upstream: dict[str, Any], ours: dict[str, Any] | None) -> Row:
    kind = upstream["kind"]
    if ours is None:
        return Row(name, kind, MISSING)
    if ours["kind"] == "error":
        return Row(name, kind, DIFFERENT, (f"lookup failed in ours: {ours.get('error')}",))
    if kind in _DATA_MEMBERS and ours["kind"] in _DATA_MEMBERS:
        return Row(name, kind, PRESENT)  # a property and a plain attribute read the same way
    if ours["kind"] != kind:
        return Row(name, kind, DIFFERENT, (f"{ours['kind']} in ours",))
    if kind in _DATA_MEMBERS:
        return Row(name, kind, PRESENT)
    problems, notes = compare_signatures(upstream.get("signature"), ours.get("signature"))
    return Row(name, kind, DIFFERENT if problems else PRESENT, tuple(problems + notes))


def compare_class(upstream: dict[str, Any], ours: dict[str, Any]) -> tuple[list[str], list[str], list[Row]]:
    """Return ``(problems, notes, member_rows)`` for two class descriptions."""
    init_problems, init_notes = compare_signatures(upstream.get("signature"), ours.get("signature"))
    problems = [f"constructor: {'; '.join(init_problems + init_notes)}"] if init_problems else []
    notes = [f"constructor: {'; '.join(init_notes)}"] if init_notes and not init_problems else []

    # Base classes are compared by name: only ours and Python's own matter (httpx vs requests bases do not).
    our_bases = {base["name"] for base in ours.get("bases", [])}
    missing_bases = [
        f"`{base['name']}`"
        for base in upstream.get("bases", [])
        if (base["module"] == "builtins" or _is_own_path(base["module"]))
        and base["name"] != "object"
        and base["name"] not in our_bases
    ]
    if missing_bases:
        problems.append(f"missing base{'s' if len(missing_bases) > 1 else ''} {_code_list(missing_bases)}")

    our_members = ours.get("members", {})
    member_rows = [
        compare_member(name, member, our_members.get(name))
        for name, member in sorted(upstream.get("members", {}).items())
        if _is_own_path(member.get("owner", ""))
    ]
    missing = sum(1 for row in member_rows if row.status == MISSING)
    different = sum(1 for row in member_rows if row.status == DIFFERENT)
    if missing or different:
        parts = [f"{count} {label}" for count, label in ((missing, "missing"), (different, "different")) if count]
        problems.append(f"members: {', '.join(parts)} of {len(member_rows)} (see Class members)")
    return problems, notes, member_rows


def compare_name(upstream: dict[str, Any], ours: dict[str, Any] | None) -> tuple[str, list[str], list[Row]]:
    """Return ``(status, notes, member_rows)`` for one module attribute."""
    if ours is None:
        return MISSING, [], []
    up_kind, our_kind = upstream["kind"], ours["kind"]
    if up_kind == "error":
        return PRESENT, [f"lookup failed upstream: {upstream.get('error')}"], []
    if our_kind == "error":
        return DIFFERENT, [f"lookup failed in ours: {ours.get('error')}"], []
    if up_kind != our_kind:
        return DIFFERENT, [f"{our_kind} in ours"], []

    problems: list[str] = []
    notes: list[str] = []
    member_rows: list[Row] = []
    if up_kind == "function":
        problems, notes = compare_signatures(upstream.get("signature"), ours.get("signature"))
    elif up_kind == "class":
        problems, notes, member_rows = compare_class(upstream, ours)
    elif up_kind == "module":
        if upstream.get("target") != ours.get("target"):
            problems.append(f"refers to `{ours.get('target')}` (upstream: `{upstream.get('target')}`)")
    else:  # constant, type alias
        if upstream.get("type") != ours.get("type"):
            problems.append(f"type `{ours.get('type')}` (upstream: `{upstream.get('type')}`)")
        elif upstream.get("repr") != ours.get("repr"):
            problems.append(f"value `{ours.get('repr')}` (upstream: `{upstream.get('repr')}`)")
    return (DIFFERENT if problems else PRESENT), problems + notes, member_rows


def compare_module(
    name: str, upstream: dict[str, Any], ours: dict[str, Any] | None
) -> tuple[ModuleResult, list[tuple[str, dict[str, Any], dict[str, Any], list[Row]]]]:
    """Compare one module; also return the classes whose members differ, for the Class members section."""
    result = ModuleResult(name, upstream_error=upstream.get("import_error"))
    if ours is None:
        ours = {"import_error": "not found"}
    result.ours_error = ours.get("import_error")
    up_names: dict[str, Any] = upstream.get("names", {})
    our_names: dict[str, Any] = ours.get("names", {})
    up_all = set(upstream.get("all") or ())
    our_all = ours.get("all")

    class_diffs = []
    for attr in sorted(up_names):
        entry = up_names[attr]
        status, notes, member_rows = compare_name(entry, our_names.get(attr))
        # `from module import *` only sees names listed in __all__.
        if status != MISSING and attr in up_all and our_all is not None and attr not in our_all:
            notes.append("not in `__all__`")
            status = DIFFERENT
        result.rows.append(Row(attr, entry["kind"], status, tuple(notes)))
        if any(row.status != PRESENT for row in member_rows):
            class_diffs.append((f"{name}.{attr}", entry, our_names[attr], member_rows))
    result.extra = sorted(set(our_names) - set(up_names))
    return result, class_diffs


def compare_dumps(upstream: dict[str, Any], ours: dict[str, Any]) -> Report:
    up_modules: dict[str, Any] = upstream.get("modules", {})
    our_modules: dict[str, Any] = ours.get("modules", {})
    modules: list[ModuleResult] = []
    # The same class is often exported from several modules: report its members once.
    details: dict[tuple[str, str], ClassDetail] = {}
    for name in sorted(up_modules):
        result, class_diffs = compare_module(name, up_modules[name], our_modules.get(name))
        modules.append(result)
        for location, up_entry, our_entry, member_rows in class_diffs:
            key = (up_entry.get("defined_in", location), our_entry.get("defined_in", location))
            if key in details:
                details[key].locations.append(location)
                continue
            details[key] = ClassDetail(
                title=location.rsplit(".", 1)[1],
                locations=[location],
                total=len(member_rows),
                rows=[row for row in member_rows if row.status != PRESENT],
            )
    classes = sorted(details.values(), key=lambda d: (d.title, d.locations))
    return Report(
        upstream_version=str(upstream.get("package", {}).get("version", "?")),
        ours_version=str(ours.get("package", {}).get("version", "?")),
        ours_error=ours.get("package", {}).get("import_error"),
        python=str(upstream.get("python", "?")),
        modules=modules,
        classes=classes,
        extra_modules=sorted(set(ours.get("walked", ())) - set(up_modules)),
    )
