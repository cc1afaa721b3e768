"""Regenerate the lazy export table of ``python/huggingface_hub/__init__.py``.

Upstream exports 512 names at the top level, each from a known submodule
(``tools/upstream_toplevel.json``, taken from upstream 1.29). We export exactly those of them
that our same-named submodule really defines, so a name appears the moment its feature exists
and never as a stub. Run after adding a feature:

    python tools/sync_init.py          # rewrite the generated blocks
    python tools/sync_init.py --check  # exit 1 if they are stale (used by the test suite)
"""

import importlib
import importlib.util
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
INIT = REPO_ROOT / "python" / "huggingface_hub" / "__init__.py"
UPSTREAM = Path(__file__).with_name("upstream_toplevel.json")

# Names upstream 1.29 no longer exports at top level but earlier releases (0.x, on requests) did.
# We keep them because our HTTP layer is on requests, like theirs was.
EXTRA_EXPORTS = {"configure_http_backend": "utils"}

BEGIN, END = "# <generated: exports>", "# </generated: exports>"
TC_BEGIN, TC_END = "    # <generated: type-checking imports>", "    # </generated: type-checking imports>"


def available_exports() -> dict[str, list[str]]:
    """Submodule -> sorted names, for every upstream top-level name our submodule defines."""
    wanted: dict[str, str] = {**json.loads(UPSTREAM.read_text()), **EXTRA_EXPORTS}
    by_module: dict[str, list[str]] = {}
    for name, module in sorted(wanted.items()):
        try:
            submodule = importlib.import_module(f"huggingface_hub.{module}")
        except ImportError:
            continue
        if hasattr(submodule, name):
            by_module.setdefault(module, []).append(name)
    return dict(sorted(by_module.items()))


def render(exports: dict[str, list[str]]) -> tuple[str, str]:
    table = ["_SUBMOD_ATTRS: dict[str, list[str]] = {"]
    for module, names in exports.items():
        table.append(f'    "{module}": [')
        table += [f'        "{name}",' for name in names]
        table.append("    ],")
    table.append("}")
    imports = []
    for module, names in exports.items():
        imports.append(f"    from .{module} import (")
        imports += [f"        {name} as {name}," for name in names]
        imports.append("    )")
    return "\n".join(table), "\n".join(imports)


def replace_between(text: str, begin: str, end: str, body: str) -> str:
    head, rest = text.split(begin + "\n", 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{body}\n{end}{tail}"


def main(argv: list[str]) -> int:
    if importlib.util.find_spec("huggingface_hub") is None:
        # Not installed: read the sources (the Rust extension is then missing, so names that
        # need it are left out; install the package for an exact table).
        sys.path.insert(0, str(REPO_ROOT / "python"))
    table, imports = render(available_exports())
    current = INIT.read_text()
    updated = replace_between(current, BEGIN, END, table)
    updated = replace_between(updated, TC_BEGIN, TC_END, imports)
    if "--check" in argv:
        if updated != current:
            print(f"{INIT} is stale: run python tools/sync_init.py", file=sys.stderr)
            return 1
        return 0
    INIT.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
