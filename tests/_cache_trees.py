"""Hand-built Hugging Face caches for the cache tests and benchmarks: valid, corrupted and hostile ones.

The layout is upstream's (``<type>s--<namespace>--<name>/{blobs,refs,snapshots}`` with relative symlinks). Times
are set explicitly (days in the past) so that relative times ("3 days ago") are stable during a test run.
"""

import hashlib
import json
import os
import subprocess
import time
from pathlib import Path

DAY = 24 * 3600

# Scans both interpreters run: every field of the scan result, as JSON (paths with undecodable bytes keep their
# surrogate escapes through `json`).
DUMP_SCRIPT = """
import json, sys
from huggingface_hub import scan_cache_dir
from huggingface_hub.errors import CacheNotFound

def file_fields(f):
    return {"file_name": f.file_name, "file_path": str(f.file_path), "blob_path": str(f.blob_path),
            "size_on_disk": f.size_on_disk, "blob_last_accessed": f.blob_last_accessed,
            "blob_last_modified": f.blob_last_modified}

def revision_fields(r):
    return {"commit_hash": r.commit_hash, "snapshot_path": str(r.snapshot_path), "size_on_disk": r.size_on_disk,
            "refs": sorted(r.refs), "last_modified": r.last_modified, "nb_files": r.nb_files,
            "files": sorted((file_fields(f) for f in r.files), key=lambda f: f["file_path"])}

def repo_fields(repo):
    return {"repo_id": repo.repo_id, "repo_type": repo.repo_type, "repo_path": str(repo.repo_path),
            "size_on_disk": repo.size_on_disk, "nb_files": repo.nb_files, "last_accessed": repo.last_accessed,
            "last_modified": repo.last_modified, "cache_id": repo.cache_id, "refs": sorted(repo.refs),
            "revisions": sorted((revision_fields(r) for r in repo.revisions), key=lambda r: r["commit_hash"])}

try:
    info = scan_cache_dir(sys.argv[1])
except (CacheNotFound, ValueError, OSError) as error:
    print(json.dumps({"error": [type(error).__name__, str(error)]}))
    raise SystemExit(0)
print(json.dumps({
    "size_on_disk": info.size_on_disk,
    "repos": sorted((repo_fields(repo) for repo in info.repos), key=lambda repo: repo["repo_path"]),
    "incomplete": sorted([str(f.file_path), f.size_on_disk] for f in info.incomplete_files),
    "incomplete_size_on_disk": info.incomplete_size_on_disk,
    "warnings": [[type(w).__name__, str(w)] for w in info.warnings],
    "table0": info.export_as_table(verbosity=0),
    "table1": info.export_as_table(verbosity=1),
}))
"""


def dump_scan(python: str | Path, cache_dir: Path, **env: str) -> dict:
    """Every field of `scan_cache_dir(cache_dir)` as seen by the interpreter `python` (ours or upstream's)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    environment.update(PYTHONHASHSEED="0", **env)
    result = subprocess.run(
        [str(python), "-c", DUMP_SCRIPT, os.fsdecode(cache_dir)],
        capture_output=True,
        text=True,
        errors="surrogateescape",
        env=environment,
        cwd="/",
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def commit(label: str) -> str:
    """A deterministic 40-hex commit hash."""
    return hashlib.sha1(label.encode()).hexdigest()


class RepoTree:
    """One repo folder of a hand-built cache."""

    def __init__(self, cache: Path, folder: str) -> None:
        self.path = cache / folder
        self.path.mkdir(parents=True, exist_ok=True)

    def blob(self, content: bytes, *, age_days: float = 3, etag: str | None = None) -> Path:
        """A blob (named by its sha256 unless given), with access and modification times `age_days` ago."""
        path = self.path / "blobs" / (etag or hashlib.sha256(content).hexdigest())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        stamp = time.time() - age_days * DAY
        os.utime(path, (stamp, stamp))
        return path

    def file(
        self,
        revision: str,
        filename: str,
        content: bytes,
        *,
        symlink: bool = True,
        age_days: float = 3,
        etag: str | None = None,
    ) -> Path:
        """A snapshot file: a relative symlink to its blob, or (``symlink=False``) a copy in the snapshot."""
        pointer = self.path / "snapshots" / revision / filename
        pointer.parent.mkdir(parents=True, exist_ok=True)
        if symlink:
            blob = self.blob(content, age_days=age_days, etag=etag)
            os.symlink(os.path.relpath(blob, pointer.parent), pointer)
        else:
            pointer.write_bytes(content)
            stamp = time.time() - age_days * DAY
            os.utime(pointer, (stamp, stamp))
        return pointer

    def ref(self, name: str, target: str | bytes) -> Path:
        path = self.path / "refs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(target.encode() if isinstance(target, str) else target)
        return path

    def empty_revision(self, revision: str) -> Path:
        path = self.path / "snapshots" / revision
        path.mkdir(parents=True, exist_ok=True)
        return path

    def incomplete(self, name: str, size: int) -> Path:
        path = self.path / "blobs" / f"{name}.incomplete"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\0" * size)
        return path

    def age(self, days: float) -> None:
        """Set the repo folder's own times (used when it holds no blob)."""
        stamp = time.time() - days * DAY
        os.utime(self.path, (stamp, stamp))


def build_valid_cache(cache: Path) -> dict[str, RepoTree]:
    """Repos of every type and shape upstream handles without a warning."""
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n")
    (cache / ".locks" / "models--org--model").mkdir(parents=True)
    (cache / ".DS_Store").write_bytes(b"")
    repos: dict[str, RepoTree] = {}

    model = repos["model"] = RepoTree(cache, "models--org--model")
    main, old, pr = commit("main"), commit("old"), commit("pr")
    model.file(main, "config.json", b'{"a": 1}', age_days=2)
    model.file(main, "weights/model.bin", b"W" * 5000, age_days=10)
    model.file(main, "weights/copy.bin", b"W" * 5000, age_days=10)  # same blob twice in a revision
    model.file(old, "config.json", b'{"a": 0}', age_days=40)
    model.file(old, "weights/model.bin", b"W" * 5000, age_days=10)  # shared with main
    model.file(pr, "README.md", b"# pr\n", age_days=1)
    model.ref("main", main)
    model.ref("v1.0", main)
    model.ref("refs/pr/1", pr)
    model.blob(b"unreferenced blob", age_days=1)
    model.incomplete("deadbeef.1234abcd", 1234)
    (model.path / ".no_exist" / main).mkdir(parents=True)
    (model.path / ".no_exist" / main / "missing.txt").write_bytes(b"")
    (model.path / "trees").mkdir()
    (model.path / "trees" / f"{main}.json").write_text("{}")
    (model.path / "snapshots" / ".DS_Store").write_bytes(b"")
    (model.path / "refs" / "Thumbs.db").write_bytes(b"")

    dataset = repos["dataset"] = RepoTree(cache, "datasets--org--data")
    dataset.file(commit("data"), "train/part-0.parquet", b"P" * 12345, age_days=400)
    dataset.file(commit("data"), "train/.DS_Store", b"", age_days=400)  # counted: only top-level names are ignored
    dataset.ref("main", commit("data"))

    space = repos["space"] = RepoTree(cache, "spaces--user--demo")
    space.file(commit("space"), "app.py", b"print('hi')\n", age_days=0.5)
    space.file(commit("space-detached"), "app.py", b"print('old')\n", age_days=20)
    space.ref("main", commit("space"))

    no_symlinks = repos["no_symlinks"] = RepoTree(cache, "models--nosymlink")
    no_symlinks.file(commit("copy"), "a.txt", b"copied file", symlink=False, age_days=5)
    no_symlinks.file(commit("copy"), "sub/b.txt", b"another copy", symlink=False, age_days=6)
    no_symlinks.ref("main", commit("copy"))

    empty = repos["empty"] = RepoTree(cache, "models--org--empty")
    empty.empty_revision(commit("empty"))
    empty.age(7)

    blobless = repos["blobless"] = RepoTree(cache, "datasets--no--snapshots-yet")
    (blobless.path / "snapshots").mkdir()
    blobless.age(8)

    weird = repos["weird"] = RepoTree(cache, "models--org--name--with--dashes")
    weird.file(commit("weird"), "caf\u00e9 \U0001f600.txt", b"unicode", age_days=2)
    weird.file(commit("weird"), os.fsdecode(b"latin1-\xe9.bin"), b"undecodable", age_days=2)
    weird.ref("main", commit("weird"))

    type_char = repos["type_char"] = RepoTree(cache, "modelX--odd--prefix")  # Python drops one character
    type_char.file(commit("odd"), "x", b"x", age_days=2)

    # A repo stored elsewhere and linked into the cache; a snapshot that is a symlink to a folder; a snapshot
    # entry that is a symlink to a folder (neither a file nor walked into).
    elsewhere = RepoTree(cache.parent / f"{cache.name}-storage", "models--linked--repo")
    elsewhere.file(commit("linked"), "f.txt", b"linked repo", age_days=4)
    elsewhere.ref("main", commit("linked"))
    os.symlink(elsewhere.path, cache / "models--linked--repo")
    linked_snapshot = RepoTree(cache, "models--linked--snapshot")
    target = linked_snapshot.file(commit("real"), "f.txt", b"real snapshot", age_days=4).parent
    os.symlink(target.name, linked_snapshot.path / "snapshots" / commit("alias"))
    os.symlink("../../blobs", linked_snapshot.path / "snapshots" / commit("real") / "folder-link")
    return repos


def build_corrupted_cache(cache: Path) -> None:
    """One repo per corruption upstream reports (each is skipped with a warning), plus one valid repo."""
    cache.mkdir(parents=True, exist_ok=True)
    RepoTree(cache, "models--valid").file(commit("valid"), "f", b"valid", age_days=2)

    (cache / "version.txt").write_text("1")  # a file at the top level
    (cache / "not-a-repo").mkdir()  # no "--"
    RepoTree(cache, "kernels--org--kernel").file(commit("kernel"), "k", b"k")  # kernels are not cache repos
    RepoTree(cache, "things--org--x").file(commit("thing"), "k", b"k")

    refs_only = RepoTree(cache, "models--local-dir--download")  # snapshot_download with local_dir
    refs_only.ref("main", commit("local"))

    refs_file = RepoTree(cache, "models--refs--file")
    refs_file.file(commit("rf"), "f", b"f")
    (refs_file.path / "refs").write_text(commit("rf"))

    snapshot_file = RepoTree(cache, "datasets--snapshot--file")
    snapshot_file.file(commit("sf"), "f", b"f")
    (snapshot_file.path / "snapshots" / "stray.txt").write_text("x")

    snapshots_file = RepoTree(cache, "models--snapshots--is-a-file")
    (snapshots_file.path / "snapshots").write_text("x")

    broken = RepoTree(cache, "models--broken--symlink")
    broken.file(commit("broken"), "ok.txt", b"ok")
    pointer = broken.file(commit("broken"), "sub/gone.bin", b"gone")
    os.remove(os.path.realpath(pointer))

    missing_commit = RepoTree(cache, "spaces--missing--commit")
    missing_commit.file(commit("present"), "f", b"f")
    missing_commit.ref("main", commit("present"))
    missing_commit.ref("v2", commit("absent"))

    newline_ref = RepoTree(cache, "models--newline--ref")  # readers don't strip: the ref matches no snapshot
    newline_ref.file(commit("nl"), "f", b"f")
    newline_ref.ref("main", commit("nl") + "\n")

    crlf_ref = RepoTree(cache, "models--crlf--ref")  # universal newlines: "\r\n" reads as "\n"
    crlf_ref.file(commit("crlf"), "f", b"f")
    crlf_ref.ref("main", commit("crlf") + "\r\n")

    dangling_repo = cache / "models--dangling--repo-link"
    os.symlink(cache / "nowhere", dangling_repo)


def build_benchmark_cache(cache: Path, repos: int = 300, revisions: int = 2, files: int = 200) -> None:
    """`repos` model repos of `revisions` revisions of `files` files each; consecutive revisions share 3/4 of
    their blobs, and a quarter of the files sit in a sub-folder."""
    cache.mkdir(parents=True, exist_ok=True)
    for r in range(repos):
        repo = cache / f"models--org{r % 7}--repo-{r:04d}"
        blobs = repo / "blobs"
        blobs.mkdir(parents=True, exist_ok=True)
        hashes = [commit(f"{r}-{k}") for k in range(revisions)]
        for k, revision in enumerate(hashes):
            for f in range(files):
                shared = f < files * 3 // 4
                content = f"{r}-{f}-{'s' if shared else k}".encode() * (1 + f % 5)
                blob = blobs / hashlib.sha256(content).hexdigest()
                if not blob.exists():
                    blob.write_bytes(content)
                pointer = repo / "snapshots" / revision / ("sub/" if f % 4 == 0 else "") / f"file-{f}.txt"
                pointer.parent.mkdir(parents=True, exist_ok=True)
                if not os.path.lexists(pointer):
                    os.symlink(os.path.relpath(blob, pointer.parent), pointer)
        (repo / "refs").mkdir(exist_ok=True)
        (repo / "refs" / "main").write_text(hashes[-1])


def tree_listing(root: Path) -> list[tuple[str, str]]:
    """Every path under `root` with its kind (dir, file, link -> target), for comparing two trees (absolute
    link targets are shown relative to the parent of `root`)."""
    base = str(root.parent)
    listing = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            relative = os.fsdecode(path.relative_to(root))
            if path.is_symlink():
                listing.append((relative, "-> " + os.readlink(path).replace(base, "<base>")))
            elif path.is_dir():
                listing.append((relative, "dir"))
            else:
                listing.append((relative, f"file {path.stat().st_size}"))
    return sorted(listing)
