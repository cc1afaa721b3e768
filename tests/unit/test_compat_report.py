"""The docs/compat.md generator: classification, signature diffs and Markdown, on synthetic dumps.

No virtualenv and no network: the dumps are written by hand in the format ``introspect.py`` produces.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import pytest

from tools.compat import introspect
from tools.compat.compare import (
    DIFFERENT,
    MISSING,
    PRESENT,
    compare_dumps,
    compare_signatures,
    render_signature,
)
from tools.compat.render import escape_cell, render_markdown
from tools.compat.report import check_sides
from tools.compat.upstream_env import ensure_upstream_venv


def p(name: str, kind: str = "POSITIONAL_OR_KEYWORD", default: str | None = None) -> dict[str, Any]:
    return {"name": name, "kind": kind, "default": default}


def sig(*params: dict[str, Any]) -> dict[str, Any]:
    return {"params": list(params)}


def func(*params: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "function", "signature": sig(*params)}


def klass(
    init: dict[str, Any] | None = None,
    members: dict[str, Any] | None = None,
    bases: list[tuple[str, str]] = (),
    defined_in: str = "huggingface_hub.x.C",
) -> dict[str, Any]:
    return {
        "kind": "class",
        "defined_in": defined_in,
        "signature": init or sig(),
        "bases": [{"module": module, "name": name} for module, name in bases],
        "members": members or {},
    }


def method(*params: dict[str, Any], owner: str = "huggingface_hub.x.C") -> dict[str, Any]:
    return {"kind": "method", "owner": owner, "signature": sig(*params)}


def dump(modules: dict[str, Any], version: str = "1.29.0", walked: list[str] | None = None) -> dict[str, Any]:
    return {
        "schema": 1,
        "python": "3.11",
        "package": {"version": version, "file": "/somewhere/huggingface_hub/__init__.py"},
        "walked": walked if walked is not None else sorted(modules),
        "walk_errors": [],
        "modules": modules,
    }


def module(names: dict[str, Any], all_: list[str] | None = None) -> dict[str, Any]:
    return {"all": all_, "names": names}


def rows_by_name(report, module_name: str) -> dict[str, Any]:
    (result,) = [m for m in report.modules if m.name == module_name]
    return {row.name: row for row in result.rows}


# --------------------------------------------------------------------------------------------------
# Signatures.
# --------------------------------------------------------------------------------------------------


def test_render_signature_uses_python_spelling_without_annotations():
    params = [
        p("a", "POSITIONAL_ONLY"),
        p("b", default="1"),
        p("c", "KEYWORD_ONLY", "None"),
        p("kw", "VAR_KEYWORD"),
    ]
    assert render_signature(params) == "(a, /, b=1, *, c=None, **kw)"
    assert render_signature([p("args", "VAR_POSITIONAL"), p("d", "KEYWORD_ONLY")]) == "(*args, d)"
    assert render_signature([]) == "()"


def test_identical_signatures_are_compatible():
    s = sig(p("repo_id"), p("token", "KEYWORD_ONLY", "None"))
    assert compare_signatures(s, copy.deepcopy(s)) == ([], [])


@pytest.mark.parametrize(
    ("upstream", "ours", "expected_problem"),
    [
        (sig(p("a"), p("b")), sig(p("a")), "missing parameter `b`"),
        (sig(p("a"), p("b"), p("c")), sig(p("a")), "missing parameters `b`, `c`"),
        (sig(p("a", default="None")), sig(p("a", default="'main'")), "`a` defaults to `'main'` (upstream: `None`)"),
        (sig(p("a", default="None")), sig(p("a")), "`a` is required (upstream default `None`)"),
        (sig(p("a")), sig(p("a", "KEYWORD_ONLY")), "`a` is keyword-only (upstream: positional-or-keyword)"),
        (sig(p("a"), p("b")), sig(p("b"), p("a")), "positional order `(b, a)` (upstream: `(a, b)`)"),
        (sig(p("a")), sig(p("x"), p("a")), "extra required parameter `x`"),
        (sig(p("kw", "VAR_KEYWORD")), sig(), "missing parameter `**kw`"),
    ],
)
def test_incompatible_signatures_explain_why(upstream, ours, expected_problem):
    problems, _ = compare_signatures(upstream, ours)
    assert expected_problem in problems


def test_extra_optional_parameters_are_compatible_but_noted():
    problems, notes = compare_signatures(
        sig(p("a")), sig(p("a"), p("b", default="0"), p("rest", "KEYWORD_ONLY", "None"), p("kw", "VAR_KEYWORD"))
    )
    assert problems == []
    assert notes == ["extra optional parameters `b`, `rest`, `**kw`"]


def test_a_default_where_upstream_requires_one_is_compatible_but_noted():
    problems, notes = compare_signatures(sig(p("a")), sig(p("a", default="None")))
    assert problems == []
    assert notes == ["`a` has a default `None` (required upstream)"]


def test_variadic_parameters_match_by_kind_not_name():
    upstream = sig(p("args", "VAR_POSITIONAL"), p("kwargs", "VAR_KEYWORD"))
    ours = sig(p("arguments", "VAR_POSITIONAL"), p("options", "VAR_KEYWORD"))
    assert compare_signatures(upstream, ours) == ([], [])


def test_signature_introspection_failures():
    # Upstream unknown: nothing to hold ours to. Ours unknown while upstream has one: a difference.
    assert compare_signatures({"error": "ValueError: no signature"}, sig(p("a"))) == ([], [])
    problems, _ = compare_signatures(sig(p("a")), {"error": "ValueError: no signature"})
    assert problems == ["signature not introspectable in ours (ValueError: no signature)"]


# --------------------------------------------------------------------------------------------------
# Classification of module attributes.
# --------------------------------------------------------------------------------------------------


def test_present_different_and_missing_names():
    upstream = dump(
        {
            "huggingface_hub.m": module(
                {
                    "same": func(p("a"), p("b", default="1")),
                    "changed": func(p("a"), p("b", default="1")),
                    "gone": func(),
                    "NAME": {"kind": "constant", "type": "str", "repr": "'x'"},
                    "VALUE": {"kind": "constant", "type": "str", "repr": "'x'"},
                    "Kind": klass(),
                    "Alias": {"kind": "type alias", "repr": "typing.Literal['a']"},
                }
            )
        }
    )
    ours = dump(
        {
            "huggingface_hub.m": module(
                {
                    "same": func(p("a"), p("b", default="1")),
                    "changed": func(p("a")),
                    "NAME": {"kind": "constant", "type": "str", "repr": "'x'"},
                    "VALUE": {"kind": "constant", "type": "str", "repr": "'y'"},
                    "Kind": func(),
                    "Alias": {"kind": "type alias", "repr": "typing.Literal['a']"},
                    "bonus": func(),
                }
            )
        }
    )
    report = compare_dumps(upstream, ours)
    rows = rows_by_name(report, "huggingface_hub.m")
    assert {name: row.status for name, row in rows.items()} == {
        "Alias": PRESENT,
        "Kind": DIFFERENT,
        "NAME": PRESENT,
        "VALUE": DIFFERENT,
        "changed": DIFFERENT,
        "gone": MISSING,
        "same": PRESENT,
    }
    assert rows["changed"].notes == ("missing parameter `b`",)
    assert rows["VALUE"].notes == ("value `'y'` (upstream: `'x'`)",)
    assert rows["Kind"].notes == ("function in ours",)
    assert rows["Kind"].kind == "class"  # the table shows upstream's kind
    (result,) = report.modules
    assert result.extra == ["bonus"]
    assert (result.count(PRESENT), result.count(DIFFERENT), result.count(MISSING)) == (3, 3, 1)


def test_class_members_bases_and_constructor():
    upstream_class = klass(
        init=sig(p("endpoint", default="None")),
        bases=[("huggingface_hub.errors", "HfHubHTTPError"), ("httpx", "HTTPError"), ("builtins", "OSError")],
        members={
            "kept": method(p("x")),
            "changed": method(p("x", "KEYWORD_ONLY")),
            "gone": method(),
            "prop": {"kind": "property", "owner": "huggingface_hub.x.C"},
            "inherited_from_fsspec": method(owner="fsspec.spec.AbstractFileSystem"),
        },
    )
    ours_class = klass(
        init=sig(p("endpoint", default="None"), p("extra", default="0")),
        bases=[("huggingface_hub._errors", "HfHubHTTPError"), ("requests", "HTTPError")],
        members={
            "kept": method(p("x")),
            "changed": method(p("x")),
            "prop": {"kind": "attribute", "owner": "huggingface_hub._impl.C"},  # same way to read it
        },
    )
    report = compare_dumps(
        dump({"huggingface_hub.m": module({"C": upstream_class})}),
        dump({"huggingface_hub.m": module({"C": ours_class})}),
    )
    row = rows_by_name(report, "huggingface_hub.m")["C"]
    assert row.status == DIFFERENT
    # httpx vs requests bases do not count; the built-in OSError does.
    assert row.notes == (
        "missing base `OSError`",
        "members: 1 missing, 1 different of 4 (see Class members)",
        "constructor: extra optional parameter `extra`",
    )
    (detail,) = report.classes
    assert detail.title == "C" and detail.total == 4
    assert [(r.name, r.status) for r in detail.rows] == [("changed", DIFFERENT), ("gone", MISSING)]
    assert detail.rows[0].notes == ("`x` is positional-or-keyword (upstream: keyword-only)",)


def test_a_class_exported_twice_gets_one_member_table():
    upstream_class = klass(members={"gone": method()})
    ours_class = klass(members={})
    upstream = dump(
        {"huggingface_hub": module({"C": upstream_class}), "huggingface_hub.m": module({"C": upstream_class})}
    )
    ours = dump({"huggingface_hub": module({"C": ours_class}), "huggingface_hub.m": module({"C": ours_class})})
    (detail,) = compare_dumps(upstream, ours).classes
    assert detail.locations == ["huggingface_hub.C", "huggingface_hub.m.C"]


def test_a_name_missing_from_dunder_all_is_different():
    upstream = dump({"huggingface_hub": module({"f": func()}, all_=["f"])})
    ours = dump({"huggingface_hub": module({"f": func()}, all_=[])})
    row = rows_by_name(compare_dumps(upstream, ours), "huggingface_hub")["f"]
    assert (row.status, row.notes) == (DIFFERENT, ("not in `__all__`",))


def test_modules_ours_lacks_or_cannot_import():
    upstream = dump(
        {
            "huggingface_hub.absent": module({"f": func()}),
            "huggingface_hub.broken": module({"g": func()}),
        }
    )
    ours = dump(
        {
            "huggingface_hub.absent": {
                "import_error": "ModuleNotFoundError: No module named 'huggingface_hub.absent'"
            },
            "huggingface_hub.broken": {"import_error": "ImportError: cannot import name 'x'"},
            "huggingface_hub.ours_only": module({}),
        },
        walked=["huggingface_hub.broken", "huggingface_hub.ours_only"],
    )
    report = compare_dumps(upstream, ours)
    absent, broken = report.modules
    assert absent.missing_in_ours and not broken.missing_in_ours
    assert [row.status for row in absent.rows + broken.rows] == [MISSING, MISSING]
    assert report.extra_modules == ["huggingface_hub.ours_only"]
    markdown = render_markdown(report, "python tools/compat/report.py", "2026-01-01")
    assert "module missing in ours" in markdown
    assert "Ours fails to import this module: `ImportError: cannot import name 'x'`." in markdown
    assert "- module `huggingface_hub.ours_only`" in markdown


# --------------------------------------------------------------------------------------------------
# Markdown.
# --------------------------------------------------------------------------------------------------


def _sample() -> tuple[dict[str, Any], dict[str, Any]]:
    upstream = dump(
        {
            "huggingface_hub": module(
                {"b": func(p("x", default="'a|b'")), "a": func(), "C": klass()}, all_=["a", "b"]
            ),
            "huggingface_hub.utils": module({"z": func(), "y": {"kind": "constant", "type": "int", "repr": "1"}}),
        }
    )
    ours = dump(
        {
            "huggingface_hub": module({"a": func(), "b": func(p("x", default="None"))}, all_=["a", "b"]),
            "huggingface_hub.utils": module({"y": {"kind": "constant", "type": "int", "repr": "1"}}),
        },
        version="1.29.0+rs.1",
    )
    return upstream, ours


def test_markdown_has_header_summary_and_module_tables():
    markdown = render_markdown(compare_dumps(*_sample()), "python tools/compat/report.py", "2026-01-01")
    assert markdown.startswith("# Public API compatibility with upstream `huggingface_hub`\n")
    assert "Generated by `python tools/compat/report.py` on 2026-01-01" in markdown
    assert (
        "upstream `huggingface_hub==1.29.0`" in markdown
        and "with ours (`1.29.0+rs.1`), both on Python 3.11" in markdown
    )
    assert "| `huggingface_hub` (top level) | 1 | 1 | 1 | 3 |  |" in markdown
    assert "| `huggingface_hub.utils` | 1 | 0 | 1 | 2 |  |" in markdown
    assert "| **total** | **2** | **1** | **2** | **5** |  |" in markdown
    # Rows are sorted, and a pipe inside a default cannot break the table.
    assert markdown.index("| `C` |") < markdown.index("| `a` |") < markdown.index("| `b` |")
    assert "| `b` | function | different | `x` defaults to `None` (upstream: `'a\\|b'`) |" in markdown
    assert markdown.endswith("\n") and not markdown.endswith("\n\n")


def test_markdown_is_deterministic_whatever_the_dump_order():
    upstream, ours = _sample()
    first = render_markdown(compare_dumps(upstream, ours), "cmd", "2026-01-01")

    def reversed_dicts(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: reversed_dicts(value[key]) for key in reversed(list(value))}
        return value

    second = render_markdown(compare_dumps(reversed_dicts(upstream), reversed_dicts(ours)), "cmd", "2026-01-01")
    assert first == second


def test_escape_cell_flattens_newlines_and_pipes():
    assert escape_cell("a |\n b") == "a \\| b"


# --------------------------------------------------------------------------------------------------
# The introspection side (stdlib only; exercised here on local objects).
# --------------------------------------------------------------------------------------------------


class _Sample:
    flag: bool

    def __init__(self, repo_id: str, *, token: str | None = None) -> None:
        self.repo_id = repo_id

    def method(self, x: int, sentinel: object = object()) -> None: ...

    @classmethod
    def build(cls, value: int = 1) -> _Sample:
        return cls(str(value))

    @property
    def size(self) -> int:
        return 0


def test_describe_class_records_constructor_members_and_normalised_defaults():
    described = introspect.describe(_Sample)
    assert described["kind"] == "class"
    assert render_signature(described["signature"]["params"]) == "(repo_id, *, token=None)"
    members = described["members"]
    assert {name: member["kind"] for name, member in members.items()} == {
        "build": "classmethod",
        "flag": "attribute",
        "method": "method",
        "size": "property",
    }
    # `self` is dropped and the sentinel's memory address does not leak into the dump.
    assert render_signature(members["method"]["signature"]["params"]) == "(x, sentinel=<object object>)"


def test_public_attribute_filter_skips_reimports_but_keeps_constants():
    typing_helpers = introspect.TypingHelpers()
    assert not introspect.is_public_attribute("huggingface_hub.m", "Optional", Any, typing_helpers)
    assert not introspect.is_public_attribute("huggingface_hub.m", "TYPE_CHECKING", False, typing_helpers)
    assert not introspect.is_public_attribute("huggingface_hub.m", "partial", functools.partial, typing_helpers)
    assert not introspect.is_public_attribute("huggingface_hub.m", "_private", 1, typing_helpers)
    assert introspect.is_public_attribute("huggingface_hub.m", "REPO_TYPES", ["model"], typing_helpers)
    # Plain values are compared by name: a flag that happens to equal one of typing's values is kept.
    assert introspect.is_public_attribute("huggingface_hub.m", "NOTSET", 0, typing_helpers)
    assert introspect.is_public_attribute("huggingface_hub.m", "HF_HUB_OFFLINE", False, typing_helpers)
    assert introspect.render_value({"b", "a"}) == "set({'a', 'b'})"


# --------------------------------------------------------------------------------------------------
# Guards of the report script (no virtualenv is created).
# --------------------------------------------------------------------------------------------------


def test_a_directory_that_is_not_a_virtualenv_is_never_wiped(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(RuntimeError, match="is not a virtualenv"):
        ensure_upstream_venv(tmp_path, log=lambda message: None)
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_ours_must_not_be_upstreams_copy(tmp_path):
    upstream = dump({})
    ours = dump({}, version="1.29.0")
    ours["package"]["file"] = str(tmp_path / "lib" / "huggingface_hub" / "__init__.py")
    with pytest.raises(RuntimeError, match="resolved to upstream's copy"):
        check_sides(upstream, ours, "1.29.0", tmp_path)
    with pytest.raises(RuntimeError, match="expected version 1.30.0"):
        check_sides(upstream, dump({}), "1.30.0", tmp_path / "elsewhere")
