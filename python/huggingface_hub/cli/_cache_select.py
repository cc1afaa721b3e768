"""Selecting what the ``hf cache`` commands show or delete: rows, filters, sort keys and deletion targets."""

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from huggingface_hub import constants
from huggingface_hub.errors import CLIError
from huggingface_hub.utils import CachedRepoInfo, CachedRevisionInfo, HFCacheInfo, parse_hf_uri
from huggingface_hub.utils._parsing import parse_duration, parse_size

# A row of `hf cache ls`: a repo, with one of its revisions in `--revisions` mode.
CacheEntry = tuple[CachedRepoInfo, CachedRevisionInfo | None]
RepoRefsMap = dict[CachedRepoInfo, frozenset[str]]
EntryFilter = Callable[[CachedRepoInfo, CachedRevisionInfo | None, float], bool]

_FILTER_PATTERN = re.compile(r"^(?P<key>[a-zA-Z_]+)\s*(?P<op>==|!=|>=|<=|>|<|=)\s*(?P<value>.+)$")
_ALLOWED_OPERATORS = {"=", "!=", ">", "<", ">=", "<="}
_FILTER_KEYS = {"accessed", "modified", "refs", "size", "type"}
_SORT_KEYS = {"accessed", "modified", "name", "size"}
_SORT_PATTERN = re.compile(r"^(?P<key>[a-zA-Z_]+)(?::(?P<order>asc|desc))?$")
# Newest and biggest first; names alphabetically.
_SORT_DEFAULT_ORDER = {"accessed": "desc", "modified": "desc", "size": "desc", "name": "asc"}

SortOptions = Enum(  # type: ignore[misc]  # functional API, values like "size:desc"
    "SortOptions",
    {
        name: value
        for key in sorted(_SORT_KEYS)
        for name, value in ((key, key), (f"{key}_asc", f"{key}:asc"), (f"{key}_desc", f"{key}:desc"))
    },
    type=str,
    module=__name__,
)


@dataclass(frozen=True)
class CacheDeletionCounts:
    """How many repos and revisions a deletion touches, for the messages of `rm` and `prune`."""

    repo_count: int
    partial_revision_count: int
    total_revision_count: int


@dataclass(frozen=True)
class DeletionResolution:
    """What `hf cache rm` targets resolved to."""

    revisions: frozenset[str]
    selected: dict[CachedRepoInfo, frozenset[CachedRevisionInfo]]
    missing: tuple[str, ...]


def summarize_deletions(
    selected_by_repo: Mapping[CachedRepoInfo, frozenset[CachedRevisionInfo]],
) -> CacheDeletionCounts:
    """Whole repos (every revision selected), revisions of other repos, and all revisions."""
    repo_count = total = in_full_repos = 0
    for repo, revisions in selected_by_repo.items():
        total += len(revisions)
        if len(revisions) == len(repo.revisions):
            repo_count += 1
            in_full_repos += len(revisions)
    return CacheDeletionCounts(repo_count, total - in_full_repos, total)


def build_cache_index(
    hf_cache_info: HFCacheInfo,
) -> tuple[dict[str, CachedRepoInfo], dict[str, tuple[CachedRepoInfo, CachedRevisionInfo]]]:
    """Repos by lowercased cache id (`model/org/name`) and (repo, revision) by lowercased commit hash."""
    repos_by_id: dict[str, CachedRepoInfo] = {}
    revisions_by_hash: dict[str, tuple[CachedRepoInfo, CachedRevisionInfo]] = {}
    for repo in hf_cache_info.repos:
        repos_by_id[repo.cache_id.lower()] = repo
        for revision in repo.revisions:
            revisions_by_hash[revision.commit_hash.lower()] = (repo, revision)
    return repos_by_id, revisions_by_hash


def collect_cache_entries(
    hf_cache_info: HFCacheInfo, *, include_revisions: bool
) -> tuple[list[CacheEntry], RepoRefsMap]:
    """The rows of `hf cache ls` in default order (cache id, then commit hash), and each repo's refs."""
    entries: list[CacheEntry] = []
    repo_refs_map: RepoRefsMap = {}
    for repo in sorted(hf_cache_info.repos, key=lambda repo: (repo.repo_type, repo.repo_id.lower())):
        repo_refs_map[repo] = frozenset(ref for revision in repo.revisions for ref in revision.refs)
        if include_revisions:
            entries.extend((repo, revision) for revision in sorted(repo.revisions, key=lambda r: r.commit_hash))
        else:
            entries.append((repo, None))
    entries.sort(key=lambda entry: (entry[0].cache_id, entry[1].commit_hash if entry[1] is not None else ""))
    return entries, repo_refs_map


def compile_cache_filter(expr: str, repo_refs_map: RepoRefsMap) -> EntryFilter:
    """A `--filter` expression (`size>1GB`, `type=model`, `accessed>7d`, `refs=main`...) as a row test.

    Raises:
        `ValueError`: on a malformed expression, an unknown key or an operator the key does not support.
    """
    match = _FILTER_PATTERN.match(expr.strip())
    if not match:
        raise ValueError(f"Invalid filter expression: '{expr}'.")
    key, op, value = match.group("key").lower(), match.group("op"), match.group("value").strip()
    if op not in _ALLOWED_OPERATORS:
        raise ValueError(f"Unsupported operator '{op}' in filter '{expr}'. Must be one of {list(_ALLOWED_OPERATORS)}.")
    if key not in _FILTER_KEYS:
        raise ValueError(f"Unsupported filter key '{key}' in '{expr}'. Must be one of {list(_FILTER_KEYS)}.")

    if key == "size":
        threshold = parse_size(value)
        return lambda repo, revision, _: _compare(
            revision.size_on_disk if revision is not None else repo.size_on_disk, op, threshold
        )

    if key in ("modified", "accessed"):
        seconds = parse_duration(value)

        def age_filter(repo: CachedRepoInfo, revision: CachedRevisionInfo | None, now: float) -> bool:
            # Revisions have no access time of their own: `accessed` is always the repo's.
            if key == "accessed":
                timestamp = repo.last_accessed
            else:
                timestamp = revision.last_modified if revision is not None else repo.last_modified
            # A time the scan could not read matches no filter rather than crashing the listing.
            return timestamp is not None and _compare(now - timestamp, op, seconds)

        return age_filter

    if op != "=":
        quoted = f"'{op}'" if key == "type" else op
        raise ValueError(f"Only '=' is supported for '{key}' filters. Got {quoted}.")
    expected = value.lower()
    if key == "type":
        return lambda repo, revision, _: repo.repo_type.lower() == expected

    def refs_filter(repo: CachedRepoInfo, revision: CachedRevisionInfo | None, _: float) -> bool:
        refs = revision.refs if revision is not None else repo_refs_map.get(repo, frozenset())
        return expected in [ref.lower() for ref in refs]

    return refs_filter


def _compare(left: float, op: str, right: float) -> bool:
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if op == ">":
        return left > right
    if op == "<":
        return left < right
    if op == ">=":
        return left >= right
    return left <= right


def compile_cache_sort(sort_expr: str) -> tuple[Callable[[CacheEntry], tuple[Any, ...]], bool]:
    """A `--sort` expression (`size`, `modified:asc`...) as (sort key, reverse).

    Raises:
        `ValueError`: on a malformed expression or an unknown key.
    """
    match = _SORT_PATTERN.match(sort_expr.strip().lower())
    if not match:
        raise ValueError(f"Invalid sort expression: '{sort_expr}'. Expected format: 'key' or 'key:asc' or 'key:desc'.")
    key = match.group("key").lower()
    if key not in _SORT_KEYS:
        raise ValueError(f"Unsupported sort key '{key}' in '{sort_expr}'. Must be one of {list(_SORT_KEYS)}.")
    reverse = (match.group("order") or _SORT_DEFAULT_ORDER[key]) == "desc"

    def sort_key(entry: CacheEntry) -> tuple[Any, ...]:
        repo, revision = entry
        if key == "name":
            return (repo.cache_id.lower(),)
        if key == "size":
            return (revision.size_on_disk if revision is not None else repo.size_on_disk,)
        timestamp = (
            repo.last_accessed
            if key == "accessed"
            else revision.last_modified
            if revision is not None
            else repo.last_modified
        )
        return (timestamp if timestamp is not None else 0.0,)

    return sort_key, reverse


def resolve_deletion_targets(info: HFCacheInfo, targets: list[str]) -> DeletionResolution:
    """What `hf cache rm TARGETS...` selects: full 40-hex revision hashes, `type/id` cache ids and repo-level
    `hf://` URIs, all case-insensitive; the targets found nowhere are returned as `missing`."""
    repos_by_id, revisions_by_hash = build_cache_index(info)
    selected: dict[CachedRepoInfo, set[CachedRevisionInfo]] = defaultdict(set)
    hashes: set[str] = set()
    missing: list[str] = []
    for raw_target in targets:
        target = raw_target.strip()
        if not target:
            continue
        if re.fullmatch(r"[0-9a-fA-F]{40}", target):
            found = revisions_by_hash.get(target.lower())
            if found is None:
                missing.append(raw_target)
                continue
            repo, revision = found
            selected[repo].add(revision)
            hashes.add(revision.commit_hash)
            continue
        matched = repos_by_id.get(_cache_id_of_target(target).lower())
        if matched is None:
            missing.append(raw_target)
            continue
        selected[matched].update(matched.revisions)
        hashes.update(revision.commit_hash for revision in matched.revisions)

    return DeletionResolution(
        revisions=frozenset(hashes),
        selected={repo: frozenset(revisions) for repo, revisions in selected.items()},
        missing=tuple(missing),
    )


def _cache_id_of_target(target: str) -> str:
    """`type/id` for a `hf://` repo URI; any other target is already a cache id (or nothing)."""
    if not target.startswith(constants.HF_PROTOCOL):
        return target
    uri = parse_hf_uri(target)
    if not uri.is_repo:
        raise CLIError("Only repository hf:// URIs are supported by `hf cache rm`.")
    if uri.revision is not None or uri.path_in_repo:
        raise CLIError("Only repo-level hf:// URIs are supported by `hf cache rm` for now.")
    return f"{uri.type}/{uri.id}"
