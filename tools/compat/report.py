"""Generate docs/compat.md: our public API compared with upstream huggingface_hub.

    python tools/compat/report.py [--upstream-venv PATH] [--output docs/compat.md]

Upstream is installed from PyPI into its own virtualenv (created on first use, reused afterwards);
``introspect.py`` then describes the API once with that interpreter and once with the current one (ours),
and the two dumps are compared. The exit status is 0 whatever is missing: this is a report, not a gate.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # run as a script: make `tools.compat` importable
    sys.path.insert(0, str(REPO_ROOT))

from tools.compat.compare import DIFFERENT, MISSING, PRESENT, compare_dumps  # noqa: E402
from tools.compat.render import render_markdown  # noqa: E402
from tools.compat.upstream_env import (  # noqa: E402
    UPSTREAM_VERSION,
    default_venv_path,
    ensure_upstream_venv,
    isolated_env,
)

INTROSPECT = Path(__file__).resolve().with_name("introspect.py")
DEFAULT_OUTPUT = REPO_ROOT / "docs" / "compat.md"
COMMAND = "python tools/compat/report.py"
TIMEOUT = 600


def log(message: str) -> None:
    print(f"[compat] {message}", file=sys.stderr, flush=True)


def _controlled(env: dict[str, str], hf_home: Path) -> dict[str, str]:
    """Same Hub-related settings for both sides, so environment-derived constants compare equal."""
    env = {key: value for key, value in env.items() if not key.startswith(("HF_", "HUGGINGFACE_"))}
    env["HF_HOME"] = str(hf_home)
    env["PYTHONHASHSEED"] = "0"
    return env


def run_introspection(
    interpreter: list[str], env: dict[str, str], out: Path, side: str, extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    proc = subprocess.run(
        [*interpreter, str(INTROSPECT), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"introspecting {side} failed (exit {proc.returncode}):\n{proc.stderr.strip()[-4000:]}")
    with out.open(encoding="utf-8") as fh:
        return json.load(fh)


def collect_dumps(upstream_python: Path, workdir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    hf_home = workdir / "hf_home"
    hf_home.mkdir()
    # -I: neither PYTHONPATH, the user site nor the script's directory may bring our package into upstream's run.
    upstream = run_introspection(
        [str(upstream_python), "-I"], _controlled(isolated_env(), hf_home), workdir / "upstream.json", "upstream"
    )
    # Ours is looked up under every name upstream has, even where our own enumeration would not list it.
    probe = {name: sorted(module.get("names", {})) for name, module in upstream["modules"].items()}
    probe_file = workdir / "probe.json"
    probe_file.write_text(json.dumps(probe), encoding="utf-8")
    ours = run_introspection(
        [sys.executable],
        _controlled(dict(os.environ), hf_home),
        workdir / "ours.json",
        "ours",
        ("--probe", str(probe_file)),
    )
    return upstream, ours


def check_sides(upstream: dict[str, Any], ours: dict[str, Any], version: str, venv: Path) -> None:
    """Refuse to compare upstream with itself, or the wrong upstream version."""
    if upstream.get("package", {}).get("version") != version:
        raise RuntimeError(f"the upstream virtualenv imported {upstream.get('package')}, expected version {version}")
    our_file = ours.get("package", {}).get("file")
    if our_file and Path(our_file).resolve().is_relative_to(venv.resolve()):
        raise RuntimeError(f"'ours' resolved to upstream's copy ({our_file}); run this with our interpreter")
    if upstream.get("python") != ours.get("python"):
        log(f"warning: upstream runs on Python {upstream.get('python')}, ours on {ours.get('python')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare our public API with upstream huggingface_hub.")
    parser.add_argument("--upstream-venv", type=Path, help="virtualenv for upstream (created if needed)")
    parser.add_argument("--upstream-version", default=UPSTREAM_VERSION, help="upstream version to compare with")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Markdown file to write")
    parser.add_argument("--keep-dumps", type=Path, help="also copy the two JSON dumps into this directory")
    args = parser.parse_args(argv)

    started = time.monotonic()
    venv = (args.upstream_venv or default_venv_path(args.upstream_version)).expanduser().absolute()
    try:
        upstream_python = ensure_upstream_venv(venv, args.upstream_version, log)
        with tempfile.TemporaryDirectory(prefix="hfh-compat-") as tmp:
            upstream, ours = collect_dumps(upstream_python, Path(tmp))
        check_sides(upstream, ours, args.upstream_version, venv)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        log(f"error: {exc}")
        return 1

    if args.keep_dumps:
        args.keep_dumps.mkdir(parents=True, exist_ok=True)
        for name, dump in (("upstream.json", upstream), ("ours.json", ours)):
            (args.keep_dumps / name).write_text(json.dumps(dump, indent=1, sort_keys=True), encoding="utf-8")

    report = compare_dumps(upstream, ours)
    markdown = render_markdown(report, COMMAND, datetime.date.today().isoformat())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(markdown, encoding="utf-8")

    totals = {
        status: sum(module.count(status) for module in report.modules) for status in (PRESENT, DIFFERENT, MISSING)
    }
    summary = ", ".join(f"{count} {status}" for status, count in totals.items())
    log(f"wrote {args.output} ({summary}) in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
