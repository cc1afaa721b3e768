"""Render a comparison ``Report`` as the Markdown page docs/compat.md.

Everything is sorted and free of run-specific data (apart from the date in the header), so that a
regeneration diffs cleanly against the previous page.
"""

from __future__ import annotations

from pathlib import Path

from tools.compat.compare import DIFFERENT, MISSING, PRESENT, ModuleResult, Report

RULES = """\
How to read this page:

- **present**: same kind and a compatible signature. Every upstream parameter exists with the same kind
  (positional, keyword-only, ...) and the same default; annotations are ignored; upstream's positional
  parameters keep their positions; extra optional parameters are allowed (and noted). A class also needs a
  compatible constructor, upstream's base classes (the package's own and Python's built-in ones, by name) and
  every public method and attribute upstream defines in the package, with the same kind and compatible signatures.
  Constants and type aliases need the same type and the same (normalised) repr.
- **different**: the name exists but differs as the notes say.
- **missing**: the name does not exist in ours.

Public modules are upstream's modules with no path component starting with `_`; public names are the
attributes without a leading `_`, leaving out what a module merely re-imports from the standard library,
third-party packages or `typing`."""


def escape_cell(text: str) -> str:
    """Make text safe for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(escape_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def _module_title(name: str) -> str:
    return f"`{name}` (top level)" if "." not in name else f"`{name}`"


def _summary(report: Report) -> list[str]:
    rows = []
    totals = {PRESENT: 0, DIFFERENT: 0, MISSING: 0}
    for module in report.modules:
        counts = {status: module.count(status) for status in totals}
        for status, count in counts.items():
            totals[status] += count
        note = ""
        if module.upstream_error:
            note = "upstream fails to import"
        elif module.missing_in_ours:
            note = "module missing in ours"
        elif module.ours_error:
            note = "ours fails to import"
        rows.append(
            [_module_title(module.name), *(str(counts[status]) for status in totals), str(len(module.rows)), note]
        )
    rows.append(["**total**", *(f"**{totals[status]}**" for status in totals), f"**{sum(totals.values())}**", ""])
    return _table(["module", PRESENT, DIFFERENT, MISSING, "total", "notes"], rows)


def _module_section(module: ModuleResult) -> list[str]:
    lines = [f"### {_module_title(module.name)}", ""]
    if module.upstream_error:
        lines += [f"Upstream fails to import this module: `{escape_cell(module.upstream_error)}`.", ""]
    if module.missing_in_ours:
        lines += ["Ours has no such module.", ""]
    elif module.ours_error:
        lines += [f"Ours fails to import this module: `{escape_cell(module.ours_error)}`.", ""]
    if not module.rows:
        return lines + ["No public names.", ""]
    rows = [[f"`{row.name}`", row.kind, row.status, "; ".join(row.notes)] for row in module.rows]
    return lines + _table(["name", "kind", "status", "notes"], rows) + [""]


def _classes_section(report: Report) -> list[str]:
    lines = [
        "## Class members",
        "",
        "Classes that ours has but whose members (defined by upstream in the package) are missing or different;",
        "only those members are listed.",
        "",
    ]
    if not report.classes:
        return lines + ["None.", ""]
    for detail in report.classes:
        places = ", ".join(f"`{place}`" for place in detail.locations)
        present = detail.total - len(detail.rows)
        lines += [
            f"### `{detail.title}`",
            "",
            f"Exported as {places}; {present} of {detail.total} members present.",
            "",
        ]
        rows = [[f"`{row.name}`", row.kind, row.status, "; ".join(row.notes)] for row in detail.rows]
        lines += _table(["member", "kind", "status", "notes"], rows) + [""]
    return lines


def _extra_section(report: Report) -> list[str]:
    lines = ["## Extra in ours", "", "Names and modules ours has that upstream does not.", ""]
    items = [f"- module `{name}`" for name in report.extra_modules]
    items += [
        f"- `{module.name}`: " + ", ".join(f"`{name}`" for name in module.extra)
        for module in report.modules
        if module.extra
    ]
    return lines + (items or ["None."]) + [""]


DEVIATIONS = Path(__file__).with_name("deviations.md")


def render_markdown(report: Report, command: str, date: str) -> str:
    """The whole page. ``date`` is passed in (rather than read here) to keep rendering deterministic.

    The hand-written list of deliberate differences (``tools/compat/deviations.md``) is included
    after the summary, so the page says both what differs and why.
    """
    ours = f"ours (`{report.ours_version}`)"
    if report.ours_error:
        ours = f"ours, which fails to import (`{escape_cell(report.ours_error)}`)"
    lines = [
        "# Public API compatibility with upstream `huggingface_hub`",
        "",
        f"Generated by `{command}` on {date}, comparing upstream `huggingface_hub=={report.upstream_version}`",
        f"(installed from PyPI in its own virtualenv) with {ours}, both on Python {report.python}.",
        "Do not edit by hand: rerun the command.",
        "",
        RULES,
        "",
        "## Summary",
        "",
        *_summary(report),
        "",
        *([DEVIATIONS.read_text().rstrip("\n"), ""] if DEVIATIONS.exists() else []),
        "## Modules",
        "",
    ]
    for module in report.modules:
        lines += _module_section(module)
    lines += _classes_section(report)
    lines += _extra_section(report)
    return "\n".join(lines).rstrip("\n") + "\n"
