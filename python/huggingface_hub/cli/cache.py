"""``hf cache ...``: list, delete, prune and verify what is in the local cache.

Listing and deletion work from one scan of the cache (``scan_cache_dir``, done in Rust); rows are
filtered and sorted by ``_cache_select``. Nothing is deleted without a confirmation (``--yes`` skips
it; non-interactive formats require it), and ``--dry-run`` only shows the plan.
"""

import time
from collections.abc import Mapping
from typing import Annotated

import click

from huggingface_hub.errors import CLIError
from huggingface_hub.utils import (
    ANSI,
    CachedRepoInfo,
    CachedRevisionInfo,
    CacheNotFound,
    HFCacheInfo,
    _format_size,
    parse_hf_uri,  # noqa: F401  (upstream's module exposes it)
    scan_cache_dir,
)
from huggingface_hub.utils._parsing import parse_duration, parse_size  # noqa: F401  (upstream's module exposes them)

from ._cache_select import (  # noqa: F401  (CacheEntry, RepoRefsMap, build_cache_index: upstream's module has them)
    CacheDeletionCounts,
    CacheEntry,
    RepoRefsMap,
    SortOptions,
    build_cache_index,
    collect_cache_entries,
    compile_cache_filter,
    compile_cache_sort,
    resolve_deletion_targets,
    summarize_deletions,
)
from ._cli_utils import RepoIdArg, RepoType, RepoTypeOpt, RevisionOpt, TokenOpt, get_hf_api, typer_factory
from ._framework import Argument, Option
from ._output import out

cache_cli = typer_factory(help="Manage local cache directory.")

CacheDirOpt = Annotated[str | None, Option(help="Cache directory to scan (defaults to Hugging Face cache).")]
YesOpt = Annotated[bool, Option("-y", "--yes", help="Skip confirmation prompt.")]
DryRunOpt = Annotated[bool, Option(help="Preview deletions without removing anything.")]


def _scan(cache_dir: str | None) -> HFCacheInfo:
    try:
        return scan_cache_dir(cache_dir)
    except CacheNotFound as error:
        raise CLIError(f"Cache directory not found: {error.cache_dir}") from error
    except OSError as error:  # the cache folder itself cannot be listed
        raise CLIError(f"Cannot read cache directory: {error}") from error


def print_cache_selected_revisions(selected_by_repo: Mapping[CachedRepoInfo, frozenset[CachedRevisionInfo]]) -> None:
    """The repos and revisions about to be deleted, before the confirmation prompt."""
    for repo in sorted(selected_by_repo, key=lambda repo: (repo.repo_type, repo.repo_id.lower())):
        revisions = sorted(selected_by_repo[repo], key=lambda revision: revision.commit_hash)
        if len(revisions) == len(repo.revisions):
            out.text(f"  - {repo.cache_id} (entire repo)")
            continue
        out.text(f"  - {repo.cache_id}:")
        for revision in revisions:
            refs = " ".join(sorted(revision.refs)) or "(detached)"
            out.text(f"      {revision.commit_hash} [{refs}] {revision.size_on_disk_str}")


@cache_cli.command(
    "list | ls",
    examples=[
        "hf cache ls",
        "hf cache ls --revisions",
        'hf cache ls --filter "size>1GB" --limit 20',
        "hf cache ls --format json",
    ],
)
def ls(
    cache_dir: CacheDirOpt = None,
    revisions: Annotated[
        bool, Option(help="Include revisions in the output instead of aggregated repositories.")
    ] = False,
    filter: Annotated[
        list[str] | None,
        Option(
            "-f",
            "--filter",
            help="Filter entries (e.g. 'size>1GB', 'type=model', 'accessed>7d'). Can be used multiple times.",
        ),
    ] = None,
    sort: Annotated[
        SortOptions | None,
        Option(
            help="Sort entries by key. Supported keys: 'accessed', 'modified', 'name', 'size'. "
            "Append ':asc' or ':desc' to explicitly set the order (e.g., 'modified:asc'). "
            "Defaults: 'accessed', 'modified', 'size' default to 'desc' (newest/biggest first); "
            "'name' defaults to 'asc' (alphabetical).",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        Option(help="Limit the number of results returned. Returns only the top N entries after sorting."),
    ] = None,
    show_warnings: Annotated[bool, Option(help="Show warnings about cache inconsistencies.")] = False,
) -> None:
    """List cached repositories or revisions."""
    info = _scan(cache_dir)
    entries, repo_refs_map = collect_cache_entries(info, include_revisions=revisions)
    try:
        tests = [compile_cache_filter(expr, repo_refs_map) for expr in filter or []]
    except ValueError as error:
        raise click.BadParameter(str(error)) from error
    now = time.time()
    for test in tests:
        entries = [entry for entry in entries if test(entry[0], entry[1], now)]

    if sort:
        try:
            sort_key, reverse = compile_cache_sort(sort.value)
        except ValueError as error:
            raise click.BadParameter(str(error)) from error
        entries.sort(key=sort_key, reverse=reverse)
    if limit is not None:
        if limit < 0:
            raise click.BadParameter(f"Limit must be a positive integer, got {limit}.")
        entries = entries[:limit]

    if revisions:
        out.table(
            [
                {
                    "id": repo.cache_id,
                    "repo_id": repo.repo_id,
                    "repo_type": repo.repo_type,
                    "revision": revision.commit_hash,
                    "snapshot_path": str(revision.snapshot_path),
                    "size": revision.size_on_disk_str,
                    "last_modified": revision.last_modified_str,
                    "refs": sorted(revision.refs),
                }
                for repo, revision in entries
                if revision is not None
            ],
            headers=["id", "revision", "size", "last_modified", "refs"],
            id_key="revision",
            alignments={"size": "right"},
        )
    else:
        out.table(
            [
                {
                    "id": repo.cache_id,
                    "repo_id": repo.repo_id,
                    "repo_type": repo.repo_type,
                    "size": repo.size_on_disk_str,
                    "last_accessed": repo.last_accessed_str,
                    "last_modified": repo.last_modified_str,
                    "refs": sorted(repo_refs_map.get(repo, frozenset())),
                }
                for repo, _ in entries
            ],
            headers=["id", "size", "last_accessed", "last_modified", "refs"],
            id_key="id",
            alignments={"size": "right"},
        )

    if entries:
        repos = {repo for repo, _ in entries}
        if revisions:
            revision_count = sum(1 for _, revision in entries if revision is not None)
            total_size = sum(revision.size_on_disk for _, revision in entries if revision is not None)
        else:
            revision_count = sum(len(repo.revisions) for repo in repos)
            total_size = sum(repo.size_on_disk for repo in repos)
        out.text(
            ANSI.bold(
                f"\nFound {len(repos)} repo(s) for a total of {revision_count} revision(s)"
                f" and {_format_size(total_size)} on disk."
            )
        )

    if info.warnings:
        if show_warnings:
            for warning in info.warnings:
                out.warning(str(warning).rstrip(".") + ". Repo ignored.")
        else:
            out.warning(
                f"Found {len(info.warnings)} cache inconsistencies. Re-run with `--show-warnings` to display them."
            )
    if info.incomplete_files:
        out.hint(
            f"Found {len(info.incomplete_files)} incomplete download(s) totalling "
            f"{_format_size(info.incomplete_size_on_disk)}. Remove them with 'hf cache prune'."
        )


@cache_cli.command(
    examples=[
        "hf cache rm model/gpt2",
        "hf cache rm hf://models/openai-community/gpt2",
        "hf cache rm <revision_hash>",
        "hf cache rm model/gpt2 --dry-run",
        "hf cache rm model/gpt2 --yes",
    ],
)
def rm(
    targets: Annotated[
        list[str],
        Argument(
            help="One or more repo IDs (e.g. model/bert-base-uncased), repo-level hf:// URIs, or revision hashes"
            " to delete.",
        ),
    ],
    cache_dir: CacheDirOpt = None,
    yes: YesOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Remove cached repositories or revisions."""
    info = _scan(cache_dir)
    resolution = resolve_deletion_targets(info, targets)
    if resolution.missing:
        details = "\n".join(f"  - {target}" for target in resolution.missing)
        out.warning(f"Could not find in cache:\n{details}")
    if not resolution.revisions:
        out.text("Nothing to delete.")
        raise click.exceptions.Exit(code=0)

    strategy = info.delete_revisions(*sorted(resolution.revisions))
    counts = summarize_deletions(resolution.selected)
    parts = []
    if counts.repo_count:
        parts.append(f"{counts.repo_count} repo(s)")
    if counts.partial_revision_count:
        parts.append(f"{counts.partial_revision_count} revision(s)")
    if not parts:
        parts.append(f"{counts.total_revision_count} revision(s)")
    out.text(f"About to delete {' and '.join(parts)} totalling {strategy.expected_freed_size_str}.")
    print_cache_selected_revisions(resolution.selected)

    if dry_run:
        out.result(
            "Dry run: no files were deleted.",
            dry_run=True,
            repos=counts.repo_count,
            revisions=counts.total_revision_count,
            size=strategy.expected_freed_size_str,
        )
        return

    out.confirm("Proceed with deletion?", yes=yes)
    strategy.execute()
    out.result(
        f"Deleted {counts.repo_count} repo(s) and {counts.total_revision_count} revision(s);"
        f" freed {strategy.expected_freed_size_str}.",
        repos_deleted=counts.repo_count,
        revisions_deleted=counts.total_revision_count,
        freed=strategy.expected_freed_size_str,
    )


@cache_cli.command(examples=["hf cache prune", "hf cache prune --dry-run"])
def prune(cache_dir: CacheDirOpt = None, yes: YesOpt = False, dry_run: DryRunOpt = False) -> None:
    """Remove detached revisions and incomplete downloads from the cache."""
    info = _scan(cache_dir)
    selected: dict[CachedRepoInfo, frozenset[CachedRevisionInfo]] = {}
    hashes: set[str] = set()
    for repo in info.repos:
        detached = frozenset(revision for revision in repo.revisions if not revision.refs)
        if detached:
            selected[repo] = detached
            hashes.update(revision.commit_hash for revision in detached)
    incomplete = info.incomplete_files
    if not hashes and not incomplete:
        out.text("No unreferenced revisions or incomplete downloads found. Nothing to prune.")
        return

    strategy = info.delete_revisions(*sorted(hashes))
    counts = summarize_deletions(selected)
    total_freed = _format_size(strategy.expected_freed_size + info.incomplete_size_on_disk)
    parts = []
    if counts.total_revision_count:
        parts.append(f"{counts.total_revision_count} unreferenced revision(s)")
    if incomplete:
        parts.append(f"{len(incomplete)} incomplete download(s)")
    summary = " and ".join(parts)
    out.text(f"About to delete {summary} ({total_freed} total).")
    print_cache_selected_revisions(selected)

    if dry_run:
        out.result(
            "Dry run: no files were deleted.",
            dry_run=True,
            revisions=counts.total_revision_count,
            incomplete=len(incomplete),
            size=total_freed,
        )
        return

    out.confirm("Proceed?", yes=yes)
    strategy.execute()
    for file in incomplete:
        try:
            file.file_path.unlink()
        except FileNotFoundError:
            pass  # went with its repo
        except OSError as error:
            out.warning(f"Could not delete incomplete file {file.file_path}: {error}")
    out.result(
        f"Deleted {summary}; freed {total_freed}.",
        revisions_deleted=counts.total_revision_count,
        incomplete_deleted=len(incomplete),
        freed=total_freed,
    )


@cache_cli.command(
    examples=[
        "hf cache verify gpt2",
        "hf cache verify gpt2 --revision refs/pr/1",
        "hf cache verify my-dataset --repo-type dataset",
    ],
)
def verify(
    repo_id: RepoIdArg,
    repo_type: RepoTypeOpt = RepoType.model,
    revision: RevisionOpt = None,
    cache_dir: Annotated[
        str | None,
        Option(help="Cache directory to use when verifying files from cache (defaults to Hugging Face cache)."),
    ] = None,
    local_dir: Annotated[
        str | None, Option(help="If set, verify files under this directory instead of the cache.")
    ] = None,
    fail_on_missing_files: Annotated[
        bool,
        Option("--fail-on-missing-files", help="Fail if some files exist on the remote but are missing locally."),
    ] = False,
    fail_on_extra_files: Annotated[
        bool,
        Option(
            "--fail-on-extra-files",
            help="Fail if some files exist locally but are not present on the remote revision.",
        ),
    ] = False,
    token: TokenOpt = None,
) -> None:
    """Verify checksums for a single repo revision from cache or a local directory.

    Examples:
      - Verify main revision in cache: `hf cache verify gpt2`
      - Verify specific revision: `hf cache verify gpt2 --revision refs/pr/1`
      - Verify dataset: `hf cache verify karpathy/fineweb-edu-100b-shuffle --repo-type dataset`
      - Verify local dir: `hf cache verify deepseek-ai/DeepSeek-OCR --local-dir /path/to/repo`
    """
    if local_dir is not None and cache_dir is not None:
        out.error("Cannot pass both --local-dir and --cache-dir. Use one or the other.")
        raise click.exceptions.Exit(code=2)

    type_name = repo_type.value if hasattr(repo_type, "value") else str(repo_type)
    result = get_hf_api(token=token).verify_repo_checksums(
        repo_id=repo_id,
        repo_type=type_name,
        revision=revision,
        local_dir=local_dir,
        cache_dir=cache_dir,
        token=token,
    )

    exit_code = 0
    if result.mismatches:
        details = "\n".join(
            f"  - {m['path']}: expected {m['expected']} ({m['algorithm']}), got {m['actual']}"
            for m in result.mismatches
        )
        out.text(f"❌ Checksum verification failed for the following file(s):\n{details}")
        exit_code = 1
    if result.missing_paths:
        if fail_on_missing_files:
            details = "\n".join(f"  - {path}" for path in result.missing_paths)
            out.text(f"❌ Missing files (present remotely, absent locally):\n{details}")
            exit_code = 1
        else:
            out.warning(
                f"{len(result.missing_paths)} remote file(s) are missing locally. "
                "Use --fail-on-missing-files for details."
            )
    if result.extra_paths:
        if fail_on_extra_files:
            details = "\n".join(f"  - {path}" for path in result.extra_paths)
            out.text(f"❌ Extra files (present locally, absent remotely):\n{details}")
            exit_code = 1
        else:
            out.warning(
                f"{len(result.extra_paths)} local file(s) do not exist on the remote repo. "
                "Use --fail-on-extra-files for details."
            )

    if exit_code != 0:
        out.error(
            f"Verification failed for '{repo_id}' ({type_name}) in {result.verified_path}.\n"
            f"  Revision: {result.revision}"
        )
        raise click.exceptions.Exit(code=exit_code)
    out.result(
        f"Verified {result.checked_count} file(s) for {type_name} '{repo_id}'. All checksums match.",
        repo_id=repo_id,
        repo_type=type_name,
        checked=result.checked_count,
        path=str(result.verified_path),
    )
