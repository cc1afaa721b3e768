"""Check local files of a repo revision against the checksums the Hub lists (`hf cache verify`).

A file stored with LFS (or Xet) is checked by its SHA-256, any other file by its git blob SHA-1. The files are
hashed in parallel in Rust, and every mismatch is reported, not only the first one.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypedDict
from urllib.parse import quote

from .. import constants
from ._http import get_session, hf_raise_for_status, http_backoff

# A full commit hash, lowercase: anything else is a branch, a tag or a short hash.
_REGEX_COMMIT_HASH = re.compile(r"^[0-9a-f]{40}$")

HashAlgo = Literal["sha256", "git-sha1"]


class Mismatch(TypedDict):
    """One file whose checksum differs from the Hub's."""

    path: str
    expected: str
    actual: str
    algorithm: str


@dataclass(frozen=True)
class FolderVerification:
    """What [`HfApi.verify_repo_checksums`] found.

    Args:
        revision (`str`):
            The revision verified (a commit hash in cache mode).
        checked_count (`int`):
            Number of files present both locally and remotely, whose checksums were compared.
        mismatches (`list[Mismatch]`):
            Files whose checksum differs, with the expected and actual values and the algorithm.
        missing_paths (`list[str]`):
            Files of the remote revision absent locally (sorted).
        extra_paths (`list[str]`):
            Local files absent from the remote revision (sorted).
        verified_path (`Path`):
            The local folder that was verified.
    """

    revision: str
    checked_count: int
    mismatches: list[Mismatch]
    missing_paths: list[str]
    extra_paths: list[str]
    verified_path: Path


def collect_local_files(root: Path) -> dict[str, Path]:
    """Every file under `root` (symlinks to files included), by POSIX path relative to `root`."""
    return {path.relative_to(root).as_posix(): path for path in root.rglob("*") if path.is_file()}


def _resolve_commit_hash_from_cache(storage_folder: Path, revision: str | None) -> str:
    """The commit of a cached repo to verify: `revision` if it is a commit hash, else what its ref (or `main`)
    points to, else the only snapshot."""
    if revision and _REGEX_COMMIT_HASH.fullmatch(revision):
        return revision

    refs_dir = storage_folder / "refs"
    if revision:
        ref_path = refs_dir / revision
        if ref_path.is_file():
            return ref_path.read_text(encoding="utf-8").strip()
        raise ValueError(f"Revision '{revision}' could not be resolved in cache (expected file '{ref_path}').")

    main_ref = refs_dir / "main"
    if main_ref.is_file():
        return main_ref.read_text(encoding="utf-8").strip()

    snapshots_dir = storage_folder / "snapshots"
    if not snapshots_dir.is_dir():
        raise ValueError(f"Cache repo is missing snapshots directory: {snapshots_dir}. Provide --revision explicitly.")
    candidates = [p.name for p in snapshots_dir.iterdir() if p.is_dir() and _REGEX_COMMIT_HASH.fullmatch(p.name)]
    if len(candidates) == 1:
        return candidates[0]
    raise ValueError(
        "Ambiguous cached revision: multiple snapshots found and no refs to disambiguate. Please pass --revision."
    )


def resolve_local_root(
    *,
    repo_id: str,
    repo_type: str,
    revision: str | None,
    cache_dir: Path | None,
    local_dir: Path | None,
) -> tuple[Path, str]:
    """The local folder to verify and the remote revision to compare it with.

    With `local_dir`, that folder and `revision` (default `main`); otherwise the snapshot folder of the cached
    repo and its commit hash.
    """
    if local_dir is not None:
        root = Path(local_dir).expanduser().resolve()
        if not root.is_dir():
            raise ValueError(f"Local directory does not exist or is not a directory: {root}")
        return root, (revision or constants.DEFAULT_REVISION)

    cache_root = Path(cache_dir or constants.HF_HUB_CACHE).expanduser().resolve()
    folder_name = constants.REPO_ID_SEPARATOR.join([f"{repo_type}s", *repo_id.split("/")])
    storage_folder = cache_root / folder_name
    if not storage_folder.exists():
        raise ValueError(
            f"Repo is not present in cache: {storage_folder}. Use 'hf download' first or pass --local-dir."
        )
    commit = _resolve_commit_hash_from_cache(storage_folder, revision)
    snapshot_dir = storage_folder / "snapshots" / commit
    if not snapshot_dir.is_dir():
        raise ValueError(f"Snapshot directory does not exist for revision '{commit}': {snapshot_dir}.")
    return snapshot_dir, commit


def compute_file_hash(path: Path, algorithm: HashAlgo) -> str:
    """Hex checksum of one local file: `"sha256"` or `"git-sha1"` (git's blob hash)."""
    from .. import _rust

    if algorithm not in ("sha256", "git-sha1"):
        raise ValueError(f"Unsupported hash algorithm: {algorithm}")
    return _rust.hash_file(path, algorithm).hex()


def _expected_checksum(entry: Any) -> tuple[HashAlgo, str]:
    """(algorithm, expected hex) for a remote entry: a `RepoFile`-like object or a tree-listing dict."""
    lfs = entry.get("lfs") if isinstance(entry, dict) else getattr(entry, "lfs", None)
    lfs_sha = None
    if isinstance(lfs, dict):
        lfs_sha = lfs.get("sha256") or lfs.get("oid")
    elif lfs is not None:
        lfs_sha = getattr(lfs, "sha256", None)
    if lfs_sha:
        return "sha256", str(lfs_sha).lower()
    blob_id = entry.get("oid") if isinstance(entry, dict) else entry.blob_id
    return "git-sha1", str(blob_id).lower()


def verify_maps(
    *,
    remote_by_path: dict[str, Any],
    local_by_path: dict[str, Path],
    revision: str,
    verified_path: Path,
) -> FolderVerification:
    """Compare the remote files with the local ones, hashing every file present on both sides."""
    from .. import _rust

    remote_paths, local_paths = set(remote_by_path), set(local_by_path)
    both = sorted(remote_paths & local_paths)

    planned: dict[HashAlgo, list[tuple[str, str]]] = {"sha256": [], "git-sha1": []}
    for rel_path in both:
        algorithm, expected = _expected_checksum(remote_by_path[rel_path])
        planned[algorithm].append((rel_path, expected))

    actual: dict[str, tuple[HashAlgo, str, str]] = {}
    for algorithm, items in planned.items():
        if not items:
            continue
        digests = _rust.hash_files([local_by_path[rel_path] for rel_path, _ in items], algorithm)
        for (rel_path, expected), digest in zip(items, digests, strict=True):
            actual[rel_path] = (algorithm, expected, digest.hex())

    mismatches = [
        Mismatch(path=rel_path, expected=expected, actual=got, algorithm=algorithm)
        for rel_path in both
        for algorithm, expected, got in [actual[rel_path]]
        if got != expected
    ]
    return FolderVerification(
        revision=revision,
        checked_count=len(both),
        mismatches=mismatches,
        missing_paths=sorted(remote_paths - local_paths),
        extra_paths=sorted(local_paths - remote_paths),
        verified_path=verified_path,
    )


def list_remote_files(
    *, endpoint: str, repo_id: str, repo_type: str, revision: str, headers: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Every file of a remote revision (the recursive, paginated tree listing), by path."""
    url: str | None = f"{endpoint}/api/{repo_type}s/{repo_id}/tree/{quote(revision, safe='')}"
    params: dict[str, str] | None = {"recursive": "true", "expand": "false"}  # as upstream (httpx) sends them
    files: dict[str, dict[str, Any]] = {}
    while url is not None:
        if params is not None:
            response = get_session().get(url, params=params, headers=headers)
        else:
            response = http_backoff("GET", url, headers=headers)
        hf_raise_for_status(response)
        for entry in response.json():
            if entry.get("type") == "file":
                files[entry["path"]] = entry
        url = (response.links.get("next") or {}).get("url")
        params = None
    return files
