"""`import huggingface_hub` time: ours vs upstream 1.29, each in a fresh interpreter.

Target (issue "Foundation"): no slower than upstream.
"""

import sys

from ._harness import median, ratio, time_command, upstream_python

REPEAT = 15


def run() -> str:
    code = "import huggingface_hub"
    baseline = median(time_command([sys.executable, "-c", "pass"], REPEAT))
    ours = median(time_command([sys.executable, "-c", code], REPEAT)) - baseline
    rows = [("ours", ours)]
    upstream = upstream_python()
    if upstream:
        upstream_baseline = median(time_command([upstream, "-c", "pass"], REPEAT))
        rows.append(("upstream 1.29", median(time_command([upstream, "-c", code], REPEAT)) - upstream_baseline))
    lines = [
        "### `import huggingface_hub`",
        "",
        f"Median of {REPEAT} fresh interpreters, interpreter start-up subtracted.",
        "",
        "| contender | milliseconds | ours vs it |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {seconds * 1000:.1f} | {ratio(seconds, ours)} |" for name, seconds in rows]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(run())
