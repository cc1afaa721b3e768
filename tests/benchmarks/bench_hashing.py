"""Hashing 8 files of 512 MiB: ours (Rust, parallel) vs hashlib, openssl and upstream.

Targets (issue "Foundation"): at least 1.8x single-threaded hashlib and at least 0.9x two
`openssl dgst -sha256` processes run in parallel on the same files. Files are read once before
timing so every contender hashes from the page cache.
"""

import hashlib
import os
import shutil
import sys

from ._harness import median, ratio, scratch, time_call, time_command, upstream_python

FILE_COUNT = int(os.environ.get("HFH_BENCH_HASH_FILES", 8))
FILE_SIZE = int(os.environ.get("HFH_BENCH_HASH_FILE_MIB", 512)) * 1024 * 1024
REPEAT = int(os.environ.get("HFH_BENCH_REPEAT", 3))


def make_files() -> list[str]:
    folder = scratch("hashing")
    paths = []
    block = os.urandom(16 * 1024 * 1024)
    for i in range(FILE_COUNT):
        path = folder / f"file-{i}.bin"
        if not path.exists() or path.stat().st_size != FILE_SIZE:
            with open(path, "wb") as f:
                for offset in range(0, FILE_SIZE, len(block)):
                    f.write(i.to_bytes(4, "little") + offset.to_bytes(8, "little") + block[12:])
        paths.append(str(path))
    for path in paths:  # warm the page cache
        with open(path, "rb") as f:
            while f.read(64 * 1024 * 1024):
                pass
    return paths


def hashlib_sequential(paths: list[str]) -> list[bytes]:
    digests = []
    for path in paths:
        with open(path, "rb") as f:
            digests.append(hashlib.file_digest(f, "sha256").digest())
    return digests


def run() -> str:
    from huggingface_hub.utils.sha import sha256_files

    paths = make_files()
    total_gib = FILE_COUNT * FILE_SIZE / 1024**3
    assert sha256_files(paths) == hashlib_sequential(paths), "ours disagrees with hashlib"

    results: dict[str, float] = {}
    results["ours (huggingface_hub.utils.sha.sha256_files)"] = median(time_call(lambda: sha256_files(paths), REPEAT))
    results["hashlib, one thread"] = median(time_call(lambda: hashlib_sequential(paths), REPEAT))

    openssl = shutil.which("openssl")
    if openssl:
        half = len(paths) // 2
        script = (
            f"{openssl} dgst -sha256 {' '.join(paths[:half])} >/dev/null & "
            f"{openssl} dgst -sha256 {' '.join(paths[half:])} >/dev/null & wait"
        )
        results["two `openssl dgst -sha256` in parallel"] = median(time_command(["sh", "-c", script], REPEAT))
    if shutil.which("sha256sum"):
        results["`sha256sum` (one process, no SHA extensions)"] = median(time_command(["sha256sum", *paths], 1))

    upstream = upstream_python()
    if upstream:
        code = (
            "import sys\nfrom huggingface_hub.utils.sha import sha_fileobj\n"
            "for p in sys.argv[1:]:\n    sha_fileobj(open(p, 'rb'))\n"
        )
        results["upstream 1.29 `sha_fileobj`, file by file"] = median(
            time_command([upstream, "-c", code, *paths], REPEAT)
        )

    ours = results["ours (huggingface_hub.utils.sha.sha256_files)"]
    lines = [
        f"### Hashing {FILE_COUNT} files of {FILE_SIZE // 1024**2} MiB (SHA-256, page cache warm)",
        "",
        f"{os.cpu_count()} cores; median of {REPEAT} runs; ratio = contender time / our time (above 1 means we are faster).",
        "",
        "| contender | seconds | GB/s | ours vs it |",
        "|---|---:|---:|---:|",
    ]
    for name, seconds in results.items():
        rate = total_gib * 1.073741824 / seconds
        lines.append(f"| {name} | {seconds:.2f} | {rate:.2f} | {ratio(seconds, ours)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(run())
