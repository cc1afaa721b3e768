"""Copies in a commit: what each copied file is, and cross-repository LFS objects brought into the destination.

A copied LFS file is committed by reference (its sha256), so only its metadata is fetched; a copied regular file
is downloaded and committed again with its content. Both come from one `paths-info` request per 500 paths.
"""

import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from . import constants
from ._commit_queries import paths_info
from .errors import EntryNotFoundError, FileDuplicationError
from .utils import chunk_iterable, get_session, hf_raise_for_status, logging

if TYPE_CHECKING:
    from ._commit_api import CommitOperationCopy

logger = logging.get_logger(__name__)

# The Hub answers 413 above 1,000 paths per paths-info request; 500 keeps a margin.
FETCH_LFS_BATCH_SIZE = 500
DUPLICATE_LFS_BATCH_SIZE = 500


class _CopySource(NamedTuple):
    """Key of a copied file: repository (`None` for the destination one), path and revision as the caller gave them."""

    src_repo_id: str | None
    src_repo_type: str | None
    path: str
    revision: str | None


class _LfsSource(NamedTuple):
    """A copied LFS file: committed by reference to its object."""

    path: str
    sha256: str
    size: int
    xet_hash: str | None


def _fetch_files_to_copy(
    copies: Iterable["CommitOperationCopy"],
    repo_type: str,
    repo_id: str,
    headers: dict[str, str],
    revision: str,
    endpoint: str | None = None,
) -> dict[_CopySource, _LfsSource | bytes]:
    """What each copy copies: `_LfsSource` for an LFS file, the content (`bytes`) for a regular file.

    Also sets each copy's `_dest_oid` (what is at the destination now) and, within one repository, `_src_oid`,
    so that copying a file onto an identical one can be skipped.

    Raises:
        `NotImplementedError`: if a source is a folder.
        [`~errors.EntryNotFoundError`]: if a source does not exist.
        [`~errors.HfHubHTTPError`]: if the Hub answers with an error.
    """
    endpoint = endpoint if endpoint is not None else constants.ENDPOINT
    copies = list(copies)
    files_to_copy: dict[_CopySource, _LfsSource | bytes] = {}
    oids: dict[tuple[str, str | None], str | None] = {}

    for batch in chunk_iterable([op.path_in_repo for op in copies], FETCH_LFS_BATCH_SIZE):
        for entry in paths_info(endpoint, headers, repo_type, repo_id, revision, list(batch)):
            if entry.get("type") == "file":
                oids[(entry["path"], revision)] = entry.get("oid")

    def group_key(op: "CommitOperationCopy") -> tuple[str, str, str]:
        return (op.src_repo_id or "", op.src_repo_type or "", op.src_revision or "")

    for _, group in itertools.groupby(sorted(copies, key=group_key), key=group_key):
        operations = list(group)
        src_repo_id, src_repo_type, src_revision = (
            operations[0].src_repo_id,
            operations[0].src_repo_type,
            operations[0].src_revision,
        )
        cross_repo = src_repo_id is not None
        source_repo_id = src_repo_id or repo_id
        source_repo_type = src_repo_type or repo_type
        source_revision = src_revision or (constants.DEFAULT_REVISION if cross_repo else revision)

        for batch in chunk_iterable([op.src_path_in_repo for op in operations], FETCH_LFS_BATCH_SIZE):
            for entry in paths_info(endpoint, headers, source_repo_type, source_repo_id, source_revision, list(batch)):
                if entry.get("type") != "file":
                    raise NotImplementedError("Copying a folder is not implemented.")
                key = _CopySource(src_repo_id, src_repo_type, entry["path"], src_revision)
                lfs = entry.get("lfs")
                if lfs:
                    files_to_copy[key] = _LfsSource(entry["path"], lfs["oid"], int(lfs["size"]), entry.get("xetHash"))
                else:
                    files_to_copy[key] = _download(
                        endpoint, headers, source_repo_type, source_repo_id, source_revision, entry["path"]
                    )
                if not cross_repo:
                    oids[(entry["path"], src_revision)] = entry.get("oid")

        for operation in operations:
            key = _CopySource(src_repo_id, src_repo_type, operation.src_path_in_repo, src_revision)
            if key not in files_to_copy:
                where = f" from {source_repo_type}s/{source_repo_id}" if cross_repo else ""
                raise EntryNotFoundError(
                    f"Cannot copy {operation.src_path_in_repo} at revision {source_revision}{where}: file is missing on"
                    " repo."
                )
            operation._dest_oid = oids.get((operation.path_in_repo, revision))
            if not cross_repo:
                operation._src_oid = oids.get((operation.src_path_in_repo, operation.src_revision))
    return files_to_copy


def _download(endpoint: str, headers: dict[str, str], repo_type: str, repo_id: str, revision: str, path: str) -> bytes:
    """Content of a regular (small) file of the Hub."""
    prefix = constants.REPO_TYPES_URL_PREFIXES.get(repo_type, "")
    url = f"{endpoint}/{prefix}{repo_id}/resolve/{quote(revision, safe='')}/{quote(path)}"
    response = get_session().get(url, headers=headers)
    hf_raise_for_status(response)
    return response.content


def _duplicate_lfs_files(
    endpoint: str,
    headers: dict[str, str],
    repo_type: str,
    repo_id: str,
    copies: Iterable["CommitOperationCopy"],
    files_to_copy: dict[_CopySource, _LfsSource | bytes],
) -> None:
    """Make the LFS objects copied from other repositories available in the destination repository.

    The Hub's duplicate endpoint lives on the source repository and names the destination as its target; it
    works with Xet-backed objects (which carry a Xet hash) within one storage region.

    Raises:
        `ValueError`: if a copied LFS file has no Xet hash.
        [`~errors.FileDuplicationError`]: if the Hub could not duplicate some objects.
    """
    pending = [op for op in copies if op.src_repo_id is not None and not op._is_duplicated]
    if not pending:
        logger.debug("No cross-repo LFS files to duplicate.")
        return

    def group_key(op: "CommitOperationCopy") -> tuple[str, str, str]:
        return (op.src_repo_id or "", op.src_repo_type or "", op.src_revision or "")

    for (src_repo_id, src_repo_type, _), group in itertools.groupby(sorted(pending, key=group_key), key=group_key):
        operations = list(group)
        files: list[dict[str, Any]] = []
        seen: set[str] = set()
        for op in operations:
            source = files_to_copy.get(
                _CopySource(op.src_repo_id, op.src_repo_type, op.src_path_in_repo, op.src_revision)
            )
            if not isinstance(source, _LfsSource):
                continue
            if not source.xet_hash:
                raise ValueError(
                    f"Cannot duplicate LFS file '{source.path}' from {src_repo_type}s/{src_repo_id}: file has no xet"
                    f" hash. (file: {source})"
                )
            if source.sha256 not in seen:
                seen.add(source.sha256)
                files.append({"xetHash": source.xet_hash, "sha256": source.sha256, "filename": source.path})
        for batch in chunk_iterable(files, DUPLICATE_LFS_BATCH_SIZE):
            response = get_session().post(
                f"{endpoint}/api/{src_repo_type}s/{src_repo_id}/lfs-files/duplicate",
                headers=headers,
                json={"target": {"type": repo_type, "name": repo_id}, "files": list(batch)},
            )
            hf_raise_for_status(response)
            failures = response.json().get("failed", [])
            if failures:
                details = "\n".join(f"  - {failure['sha256']}: {failure['error']}" for failure in failures)
                raise FileDuplicationError(
                    f"Failed to duplicate files from {src_repo_type}s/{src_repo_id} to {repo_type}s/{repo_id}:\n{details}"
                )
    for op in pending:
        op._is_duplicated = True
