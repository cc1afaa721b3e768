"""Xet file hashing (chunking + hashes, plus SHA-256 as uploads need): ours vs `hf_xet.hash_files`.

Target (issue "Xet storage core"): throughput at least 1.0x `hf_xet.hash_files` on this machine, for one
2 GiB file and for 8 files of 512 MiB. hf_xet is a test-only dependency (the `testing` extra); it is imported
in this interpreter, which is safe: it is a separate package from huggingface_hub. Inputs are in the page cache.
"""

import os
import sys

from ._harness import median, ratio, scratch, time_call
from .bench_hashing import make_files

BIG_SIZE = int(os.environ.get("HFH_BENCH_XET_BIG_MIB", 2048)) * 1024 * 1024
REPEAT = int(os.environ.get("HFH_BENCH_REPEAT", 3))


def make_big_file() -> str:
    path = scratch("xet") / "big.bin"
    if not path.exists() or path.stat().st_size != BIG_SIZE:
        block = os.urandom(64 * 1024 * 1024)
        with open(path, "wb") as f:
            for offset in range(0, BIG_SIZE, len(block)):
                f.write(offset.to_bytes(8, "little") + block[8 : BIG_SIZE - offset])
    with open(path, "rb") as f:  # warm the page cache
        while f.read(64 * 1024 * 1024):
            pass
    return str(path)


def run() -> str:
    try:
        import hf_xet
    except ImportError:
        return "### Xet file hashing\n\nSkipped: hf_xet is not installed (pip install '.[testing]').\n"
    from huggingface_hub import _rust

    cases = {"one 2 GiB file": [make_big_file()], "8 files of 512 MiB": make_files()}
    lines = [
        "### Xet file hashing (chunking, chunk and merkle hashes)",
        "",
        f"Median of {REPEAT} runs, page cache warm. Ratio = hf_xet time / our time for the same work (the Xet",
        "hash only, as `hf_xet.hash_files` computes it); the last column adds the SHA-256 that uploads also need.",
        "",
        "| input | ours s | ours GB/s | hf_xet s | hf_xet GB/s | ours vs hf_xet | ours + SHA-256, GB/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, paths in cases.items():
        total = sum(os.path.getsize(p) for p in paths)
        ours_hashes = [h.hash for h in _rust.xet_hash_files(paths)]
        assert ours_hashes == [h.hash for h in hf_xet.hash_files(paths)], "ours disagrees with hf_xet"
        ours = median(time_call(lambda paths=paths: _rust.xet_hash_files(paths, sha256=False), REPEAT))
        theirs = median(time_call(lambda paths=paths: hf_xet.hash_files(paths), REPEAT))
        with_sha = median(time_call(lambda paths=paths: _rust.xet_hash_files(paths), REPEAT))
        lines.append(
            f"| {name} | {ours:.2f} | {total / ours / 1e9:.2f} | {theirs:.2f} | {total / theirs / 1e9:.2f} "
            f"| {ratio(theirs, ours)} | {total / with_sha / 1e9:.2f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(run())
