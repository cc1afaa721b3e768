"""Local Hub server throughput on loopback: one 2 GiB LFS file through the `resolve` redirect, and small-file
`resolve` requests per second over keep-alive connections.

Targets (issue "reliability, security and performance"): the LFS GET at 1 GB/s or more to /dev/null, and at least
3,000 small-file `resolve` requests per second.

The server is the release `hfh-server` binary and the load generator the `resolve_load` example of the same crate
(rust/hfh-server/examples/resolve_load.rs: one thread, N keep-alive connections, every answer checked for status
and length); both are built with cargo on first use. curl downloads through the 302 (`-L`); for reference the same
blob is also fetched from Python's `http.server` (a plain local file server) and read by curl from `file://`.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from ._harness import REPO_ROOT, median, scratch

BIG_SIZE = int(os.environ.get("HFH_BENCH_SERVER_MIB", 2048)) * 1024 * 1024
SMALL_FILES = 200
SMALL_SIZE = 1024
REPEAT = int(os.environ.get("HFH_BENCH_REPEAT", 3))
LOAD_SECONDS = float(os.environ.get("HFH_BENCH_LOAD_SECONDS", 5))
CONNECTIONS = (1, 4, 16)
TOKEN = "hf_bench_server_token"


def _build() -> tuple[Path, Path]:
    """Release builds of the server and of the load generator; returns their paths."""
    subprocess.run(
        ["cargo", "build", "--release", "-p", "hfh-server", "--bin", "hfh-server", "--example", "resolve_load"],
        cwd=REPO_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target")) / "release"
    return target / "hfh-server", target / "examples" / "resolve_load"


def _first_line(process: subprocess.Popen[str], timeout: float = 60) -> str:
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    if not line or not line[0].strip():
        process.kill()
        raise RuntimeError("the server printed no endpoint")
    return line[0].strip()


def _seed(endpoint: str, work: Path) -> None:
    from tests.e2e._seed import commit, create_repo

    big = work / "big.bin"
    with open(big, "wb") as f:
        block = os.urandom(64 * 1024 * 1024)
        for offset in range(0, BIG_SIZE, len(block)):
            f.write(offset.to_bytes(8, "little") + block[8 : BIG_SIZE - offset])
    create_repo(endpoint, TOKEN, "bench/big")
    commit(endpoint, TOKEN, "bench/big", lfs={"big.bin": big})
    big.unlink()
    create_repo(endpoint, TOKEN, "bench/small")
    files = {f"d{i % 10}/f{i}.txt": os.urandom(SMALL_SIZE) for i in range(SMALL_FILES)}
    commit(endpoint, TOKEN, "bench/small", files=files)


def _curl_gbps(url: str, follow: bool = False) -> float:
    """GB/s (10^9 bytes per second) of one curl download of `url` to /dev/null."""
    argv = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}"]
    if follow:
        argv.append("-L")
    out = subprocess.run([*argv, url], check=True, capture_output=True, text=True).stdout.split()
    status, size, seconds = out[0], int(out[1]), float(out[2])
    if status not in ("200", "000") or size != BIG_SIZE:  # file:// URLs report status 000
        raise RuntimeError(f"curl {url}: status {status}, {size} bytes")
    return size / seconds / 1e9


def _resolve_rate(load: Path, endpoint: str, connections: int) -> float:
    urls = [f"{endpoint}/bench/small/resolve/main/d{i % 10}/f{i}.txt" for i in range(SMALL_FILES)]
    out = subprocess.run(
        [str(load), str(connections), str(LOAD_SECONDS), str(SMALL_SIZE), *urls],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(out)
    if result["errors"]:
        raise RuntimeError(f"{result['errors']} wrong answers under load")
    return float(result["per_second"])


def run() -> str:
    server_bin, load_bin = _build()
    work = scratch("server")
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        tmp_path = Path(tmp)
        data_dir = tmp_path / "hub"
        server = subprocess.Popen(
            [str(server_bin), str(data_dir), "--user", f"bench:{TOKEN}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        plain = None
        try:
            endpoint = _first_line(server)
            _seed(endpoint, tmp_path)
            blobs = [p for p in (data_dir / "blobs" / "sha256").glob("*/*") if p.stat().st_size == BIG_SIZE]
            blob = blobs[0]
            plain = subprocess.Popen(
                [sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(blob.parent)],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            # "Serving HTTP on 127.0.0.1 port N (http://127.0.0.1:N/) ..."
            plain_url = _first_line(plain).split("(")[1].split(")")[0] + blob.name

            contenders = {
                "ours: `resolve` → 302 → signed blob URL (curl -L)": (
                    f"{endpoint}/bench/big/resolve/main/big.bin",
                    True,
                ),
                "Python `http.server` on the same blob (curl)": (plain_url, False),
                "the blob file itself (curl `file://`)": (blob.as_uri(), False),
            }
            _curl_gbps(contenders["ours: `resolve` → 302 → signed blob URL (curl -L)"][0], True)  # warm the page cache
            speeds: dict[str, list[float]] = {name: [] for name in contenders}
            for _ in range(REPEAT):  # interleaved, so every contender sees the same machine state
                for name, (url, follow) in contenders.items():
                    speeds[name].append(_curl_gbps(url, follow))
            rates = {c: _resolve_rate(load_bin, endpoint, c) for c in CONNECTIONS}
        finally:
            for process in (server, plain):
                if process is not None:
                    process.terminate()
                    process.wait(30)

    ours = median(speeds["ours: `resolve` → 302 → signed blob URL (curl -L)"])
    gib = BIG_SIZE / 1024**3
    lines = [
        f"### Local Hub server ({REPEAT} interleaved runs, median; release `hfh-server` binary, loopback)",
        "",
        f"One {gib:.1f} GiB LFS file to /dev/null (target: 1 GB/s or more through the redirect):",
        "",
        "| source | GB/s | ours vs it |",
        "|---|---:|---:|",
    ]
    for name, samples in speeds.items():
        lines.append(f"| {name} | {median(samples):.2f} | {ours / median(samples):.2f}x |")
    lines += [
        "",
        f"Small-file `resolve` (GET, {SMALL_SIZE} B files, {LOAD_SECONDS:.0f} s, keep-alive connections; target: "
        "3,000 requests/s or more):",
        "",
        "| connections | requests/s |",
        "|---:|---:|",
        *[f"| {c} | {rate:,.0f} |" for c, rate in rates.items()],
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(run())
