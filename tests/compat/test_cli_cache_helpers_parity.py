"""The helpers `huggingface_hub.cli.cache` exposes take upstream's parameter names and give upstream's results.

One script runs in both interpreters on the same hand-built cache, calling every helper with keyword arguments
(so a renamed parameter fails), and prints what it got.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests._cache_trees import build_valid_cache

pytestmark = pytest.mark.compat

SCRIPT = r"""
import contextlib, io, json, sys
from huggingface_hub.cli import cache as c

def call(function, *args):
    try:
        return function(*args)
    except Exception as error:
        return [type(error).__name__, str(error)]

info = c.scan_cache_dir(sys.argv[1])
repos_by_id, revisions_by_hash = c.build_cache_index(hf_cache_info=info)
out = {
    "index_repos": sorted((key, repo.cache_id) for key, repo in repos_by_id.items()),
    "index_revisions": sorted((key, repo.cache_id, rev.commit_hash) for key, (repo, rev) in revisions_by_hash.items()),
}
for include_revisions in (False, True):
    entries, repo_refs_map = c.collect_cache_entries(hf_cache_info=info, include_revisions=include_revisions)
    out[f"entries_{include_revisions}"] = [[repo.cache_id, rev.commit_hash if rev else None] for repo, rev in entries]
    out[f"refs_{include_revisions}"] = sorted((repo.cache_id, sorted(refs)) for repo, refs in repo_refs_map.items())
    for expr in ("refs=main", "type=dataset", "size>1KB", "modified>30d", "accessed<1d", "size<=0"):
        test = c.compile_cache_filter(expr, repo_refs_map=repo_refs_map)
        out[f"{expr}_{include_revisions}"] = [[r.cache_id, v.commit_hash if v else None] for r, v in entries
                                              if test(r, v, 1e10 if "d" in expr[-2:] else 0.0)]
    for bad in ("size~1", "colour=red", "refs>main", "type!=model"):
        try:
            c.compile_cache_filter(bad, repo_refs_map=repo_refs_map)
        except ValueError as error:
            out[f"error {bad}"] = str(error)

# `info.repos` is a set: pick by name, not by iteration order.
models = sorted((r for r in info.repos if r.repo_type == "model" and len(r.revisions) > 1), key=lambda r: r.cache_id)
selected = {models[0]: frozenset(sorted(models[0].revisions, key=lambda r: r.commit_hash)[:1])}
selected.update({repo: frozenset(repo.revisions) for repo in info.repos if repo.repo_type == "dataset"})
out["counts"] = list(vars(c.summarize_deletions(selected_by_repo=selected)).values())
buffer = io.StringIO()
with contextlib.redirect_stdout(buffer):
    c.print_cache_selected_revisions(selected_by_repo=selected)
out["printed"] = buffer.getvalue()
out["parsed"] = [call(c.parse_size, v) for v in ("1.5GB", "3GB", "12", "1kb", "x")] + [
    call(c.parse_duration, v) for v in ("7d", "2h", "30", "1y", "-1d")
]
uri = c.parse_hf_uri("hf://datasets/a/b@v1/x.txt")
out["uri"] = [uri.type, uri.id, uri.revision, uri.path_in_repo]
out["counts_type"] = type(c.summarize_deletions(selected_by_repo={})).__name__
print(json.dumps(out, sort_keys=True))
"""


def _run(python: str | Path, cache: Path) -> dict:
    # Same hash seed: error messages list a set of keys, in hash order.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "HF_"))}
    env.update(PYTHONHASHSEED="0", NO_COLOR="1", HF_HUB_DISABLE_TELEMETRY="1", HF_HOME=str(cache.parent / "home"))
    proc = subprocess.run(
        [str(python), "-c", SCRIPT, str(cache)], capture_output=True, text=True, env=env, timeout=120, cwd="/"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_cli_cache_helpers_match_upstream(upstream_python: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build_valid_cache(cache)
    ours, theirs = _run(sys.executable, cache), _run(upstream_python, cache)
    assert ours["printed"].startswith("  - ")  # the selection was printed, not swallowed
    assert ours == theirs
