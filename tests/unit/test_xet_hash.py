"""Xet file hashes from the Rust core equal hf_xet's (a test-only oracle) on many sizes and contents."""

import hashlib
import os
import random

import pytest

from huggingface_hub import _rust

hf_xet = pytest.importorskip("hf_xet", reason="hf_xet (test-only oracle) is not installed")

KIB, MIB = 1024, 1024 * 1024


def contents() -> dict[str, bytes]:
    rng = random.Random(7)
    cases = {f"random-{n}": rng.randbytes(n) for n in (0, 1, 8191, 8192, 8193, 64 * KIB, 128 * KIB + 1, 3 * MIB + 5)}
    cases["zeros-5MiB"] = bytes(5 * MIB)
    cases["repeat-period-3"] = b"abc" * (MIB // 3)
    cases["repeat-8191"] = rng.randbytes(8191) * 64
    # A short motif spliced in every ~8 KiB of random data, so it lands across chunk boundaries.
    motif = b"straddle" * 25
    cases["straddling"] = b"".join(rng.randbytes(8 * KIB - 100) + motif for _ in range(200))
    return cases


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("xet")
    paths = []
    for name, data in contents().items():
        path = folder / name
        path.write_bytes(data)
        paths.append((name, str(path)))
    return paths


def test_xet_hashes_equal_hf_xet(files):
    paths = [path for _, path in files]
    ours = _rust.xet_hash_files(paths)
    theirs = hf_xet.hash_files(paths)
    for (name, path), mine, reference in zip(files, ours, theirs, strict=True):
        assert mine.hash == reference.hash, name
        assert mine.size == reference.file_size == os.path.getsize(path), name
        with open(path, "rb") as f:
            assert mine.sha256 == hashlib.file_digest(f, "sha256").hexdigest(), name


def random_content(rng: random.Random) -> bytes:
    """Random, repetitive or mostly-constant content of a random size, up to 3 MiB."""
    size = rng.choice([rng.randrange(0, 64 * KIB), rng.randrange(0, 3 * MIB)])
    kind = rng.choice(["random", "motif", "sparse"])
    if kind == "random":
        return rng.randbytes(size)
    if kind == "motif":
        motif = rng.randbytes(rng.randrange(1, 20_000))
        return (motif * (size // len(motif) + 1))[:size]
    data = bytearray(size)
    for _ in range(size // 4096):
        data[rng.randrange(size)] = rng.randrange(256)
    return bytes(data)


@pytest.mark.parametrize("seed", range(4))
def test_random_contents_equal_hf_xet(tmp_path, seed):
    rng = random.Random(seed)
    paths = []
    for i in range(8):
        path = tmp_path / f"file-{i}"
        path.write_bytes(random_content(rng))
        paths.append(str(path))
    assert [h.hash for h in _rust.xet_hash_files(paths)] == [h.hash for h in hf_xet.hash_files(paths)]


def test_file_over_100_mib_equals_hf_xet(tmp_path):
    path = tmp_path / "large.bin"
    with open(path, "wb") as f:
        for _ in range(10):
            f.write(os.urandom(10 * MIB))
        f.write(os.urandom(12345))
    (ours,) = _rust.xet_hash_files([path])
    (theirs,) = hf_xet.hash_files([str(path)])
    assert (ours.hash, ours.size) == (theirs.hash, theirs.file_size)


def test_sha256_is_optional_and_errors_name_the_file(files, tmp_path):
    (result,) = _rust.xet_hash_files([files[0][1]], sha256=False, workers=1)
    assert result.sha256 is None
    missing = tmp_path / "missing"
    with pytest.raises(FileNotFoundError) as info:
        _rust.xet_hash_files([files[0][1], missing])
    assert info.value.filename == str(missing)


# The 128-byte pattern of xet-core's "hitting data" chunking test; followed by `pad` zeros and repeated to
# 64 KiB, it puts a chunk boundary at a different offset for every pad. We transcribe 29 of xet-core's expected
# boundary lists in the Rust tests; here all 128 pads are checked against hf_xet (xet-core's own build).
HITTING_PATTERN = bytes(
    [
        154, 52, 42, 34, 159, 75, 126, 224, 70, 236, 12, 196, 79, 236, 178, 124, 127, 50, 99, 178, 44, 176, 174,
        126, 250, 235, 205, 174, 252, 122, 35, 10, 20, 101, 214, 69, 193, 8, 115, 105, 158, 228, 120, 111, 136,
        162, 198, 251, 211, 183, 253, 252, 164, 147, 63, 16, 186, 162, 117, 23, 170, 36, 205, 187, 174, 76, 210,
        174, 211, 175, 12, 173, 145, 59, 2, 70, 222, 181, 159, 227, 182, 156, 189, 51, 226, 106, 24, 50, 183, 157,
        140, 10, 8, 23, 212, 70, 10, 234, 23, 33, 219, 254, 39, 236, 70, 49, 191, 116, 9, 115, 15, 101, 26, 159,
        165, 220, 15, 170, 56, 125, 92, 163, 94, 235, 38, 40, 49, 81,
    ]
)  # fmt: skip


def test_all_128_hitting_data_cases_equal_hf_xet(tmp_path):
    assert len(HITTING_PATTERN) == 128
    paths = []
    for pad in range(128):
        unit = HITTING_PATTERN + bytes(pad)
        path = tmp_path / f"hitting-{pad}"
        path.write_bytes((unit * (65536 // len(unit) + 1))[:65536])
        paths.append(str(path))
    ours = _rust.xet_hash_files(paths, sha256=False)
    theirs = hf_xet.hash_files(paths)
    assert [(h.hash, h.chunks > 1) for h in ours] == [(h.hash, True) for h in theirs]
