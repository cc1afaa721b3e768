"""``hf datasets``: search the datasets of the Hub, list a dataset's files, describe one dataset, show a benchmark's
leaderboard, list a dataset's parquet conversion and query parquet files with SQL.

``hf datasets ls`` without argument searches (``HfApi.list_datasets``); with a dataset id it lists that
repository's files instead, and the options of the other use are refused.
"""

import enum
from typing import Annotated, get_args

from huggingface_hub._dataset_viewer import execute_raw_sql_query
from huggingface_hub._repo_info_types import DatasetSort_T, ExpandDatasetProperty_T
from huggingface_hub.errors import CLIError, RepositoryNotFoundError, RevisionNotFoundError  # noqa: F401  (upstream's module exposes them)
from huggingface_hub.repocard import DatasetCard

from ._cli_utils import RevisionOpt, TokenOpt, get_hf_api, typer_factory
from ._file_listing import list_repo_files_cmd  # noqa: F401  (upstream's module exposes it)
from ._framework import Argument, Option
from ._output import _dataclass_as_dict, out
from ._repo_listing import (
    list_files_instead_of_searching,
    print_repo_card,
    print_repo_info,
    refuse_file_options,
    search_options_given,
)
from ._repo_options import (
    REPO_LIST_DEFAULT_LIMIT,
    AuthorOpt,
    FilterOpt,
    HumanReadableOpt,
    LimitOpt,
    RecursiveOpt,
    SearchOpt,
    TreeOpt,
    make_expand_properties_parser,
)

_EXPAND_PROPERTIES = sorted(get_args(ExpandDatasetProperty_T))
DatasetSortEnum = enum.Enum("DatasetSortEnum", {key: key for key in get_args(DatasetSort_T)}, type=str)  # type: ignore[misc]

ExpandOpt = Annotated[
    str | None,
    Option(
        help="Comma-separated properties to return. When used, only the listed properties (and id) are returned. "
        f"Example: '--expand=downloads,likes,tags'. Valid: {', '.join(_EXPAND_PROPERTIES)}.",
        callback=make_expand_properties_parser(_EXPAND_PROPERTIES),
    ),
]

datasets_cli = typer_factory(help="Interact with datasets on the Hub.")


@datasets_cli.command(
    "list | ls",
    examples=[
        "hf datasets ls",
        "hf datasets ls --sort downloads --limit 10",
        'hf datasets ls --search "code"',
        "hf datasets ls --filter benchmark:official",
        "hf datasets ls HuggingFaceFW/fineweb",
        "hf datasets ls HuggingFaceFW/fineweb -R",
        "hf datasets ls HuggingFaceFW/fineweb --tree -h",
    ],
)
def datasets_ls(
    repo_id: Annotated[
        str | None,
        Argument(help="Dataset ID (e.g. `username/repo-name`) to list files from. If omitted, lists datasets."),
    ] = None,
    search: SearchOpt = None,
    author: AuthorOpt = None,
    filter: FilterOpt = None,
    sort: Annotated[DatasetSortEnum | None, Option(help="Sort results.")] = None,
    limit: LimitOpt = REPO_LIST_DEFAULT_LIMIT,
    expand: ExpandOpt = None,
    human_readable: HumanReadableOpt = False,
    as_tree: TreeOpt = False,
    recursive: RecursiveOpt = False,
    revision: RevisionOpt = None,
    token: TokenOpt = None,
) -> None:
    """List datasets on the Hub, or files in a dataset repo.

    When called with no argument, lists datasets on the Hub.
    When called with a dataset ID, lists files in that dataset repo.
    """
    search_options = search_options_given(
        search=search, author=author, filter=filter, sort=sort, limit=limit, expand=expand
    )
    if repo_id is not None:
        list_files_instead_of_searching(
            repo_id,
            "dataset",
            search_options,
            human_readable=human_readable,
            as_tree=as_tree,
            recursive=recursive,
            revision=revision,
            token=token,
        )
        return

    refuse_file_options(
        "datasets", as_tree=as_tree, recursive=recursive, human_readable=human_readable, revision=revision
    )
    datasets = get_hf_api(token=token).list_datasets(
        filter=filter,
        author=author,
        search=search,
        sort=sort.value if sort else None,
        limit=limit,
        expand=expand,  # type: ignore[arg-type]  # the option's parser returns the list
    )
    out.table([_dataclass_as_dict(dataset) for dataset in datasets])


@datasets_cli.command(
    "leaderboard",
    examples=[
        "hf datasets leaderboard SWE-bench/SWE-bench_Verified",
        "hf datasets leaderboard SWE-bench/SWE-bench_Verified --limit 5 --format json",
        "hf datasets ls --filter benchmark:official  # list available leaderboards",
    ],
)
def datasets_leaderboard(
    dataset_id: Annotated[str, Argument(help="The benchmark dataset ID (e.g. `SWE-bench/SWE-bench_Verified`).")],
    limit: LimitOpt = 20,
    token: TokenOpt = None,
) -> None:
    """List model scores from a dataset leaderboard. This command helps find the best models for a task or compare models by benchmark scores. Use 'hf datasets ls --filter benchmark:official' to list available leaderboards."""
    leaderboard = get_hf_api(token=token).get_dataset_leaderboard(repo_id=dataset_id)
    out.table(
        [_dataclass_as_dict(entry) for entry in leaderboard[:limit]],
        headers=["rank", "model_id", "value", "source"],
        id_key="model_id",
    )
    out.hint("Use 'hf datasets ls --filter benchmark:official' to list available leaderboards.")
    if leaderboard:
        out.hint(f"Use 'hf models info {leaderboard[0].model_id}' to get details about a model.")


@datasets_cli.command(
    "info",
    examples=[
        "hf datasets info HuggingFaceFW/fineweb",
        "hf datasets info my-dataset --expand downloads,likes,tags",
    ],
)
def datasets_info(
    dataset_id: Annotated[str, Argument(help="The dataset ID (e.g. `username/repo-name`).")],
    revision: RevisionOpt = None,
    expand: ExpandOpt = None,
    token: TokenOpt = None,
) -> None:
    """Get info about a dataset on the Hub."""
    api = get_hf_api(token=token)
    print_repo_info(
        "Dataset",
        dataset_id,
        revision,
        lambda: api.dataset_info(repo_id=dataset_id, revision=revision, expand=expand),  # type: ignore[arg-type]
    )


@datasets_cli.command(
    "parquet",
    examples=[
        "hf datasets parquet cfahlgren1/hub-stats",
        "hf datasets parquet cfahlgren1/hub-stats --subset models",
        "hf datasets parquet cfahlgren1/hub-stats --split train",
        "hf datasets parquet cfahlgren1/hub-stats --format json",
    ],
)
def datasets_parquet(
    dataset_id: Annotated[str, Argument(help="The dataset ID (e.g. `username/repo-name`).")],
    subset: Annotated[str | None, Option("--subset", help="Filter parquet entries by subset/config.")] = None,
    split: Annotated[str | None, Option(help="Filter parquet entries by split.")] = None,
    token: TokenOpt = None,
) -> None:
    """List parquet file URLs available for a dataset."""
    # The subset is filtered by the Dataset Viewer, the split here (its /parquet endpoint has no split filter).
    entries = get_hf_api(token=token).list_dataset_parquet_files(repo_id=dataset_id, config=subset)
    out.table(
        [
            {"subset": entry.config, "split": entry.split, "url": entry.url, "size": entry.size}
            for entry in entries
            if split is None or entry.split == split
        ],
        headers=["subset", "split", "url", "size"],
        id_key="url",
    )


@datasets_cli.command(
    "sql",
    examples=[
        "hf datasets sql \"SELECT COUNT(*) AS rows FROM read_parquet('https://huggingface.co/api/datasets/cfahlgren1/hub-stats/parquet/models/train/0.parquet')\"",
        "hf datasets sql \"SELECT * FROM read_parquet('https://huggingface.co/api/datasets/cfahlgren1/hub-stats/parquet/models/train/0.parquet') LIMIT 5\" --format json",
    ],
)
def datasets_sql(
    sql: Annotated[str, Argument(help="Raw SQL query to execute.")],
    token: TokenOpt = None,
) -> None:
    """Execute a raw SQL query with DuckDB against dataset parquet URLs."""
    try:
        rows = execute_raw_sql_query(sql_query=sql, token=token)
    except ImportError as e:  # no DuckDB: a message saying how to install it, not a traceback
        raise CLIError(str(e)) from e
    out.table(rows)


@datasets_cli.command(
    "card",
    examples=[
        "hf datasets card HuggingFaceFW/fineweb",
        "hf datasets card HuggingFaceFW/fineweb --metadata",
        "hf datasets card HuggingFaceFW/fineweb --metadata --format json",
        "hf datasets card HuggingFaceFW/fineweb --text",
    ],
)
def datasets_card(
    dataset_id: Annotated[str, Argument(help="The dataset ID (e.g. `username/repo-name`).")],
    metadata: Annotated[bool, Option("--metadata", help="Output only the metadata from the card.")] = False,
    text: Annotated[bool, Option("--text", help="Output only the text body (no metadata).")] = False,
    token: TokenOpt = None,
) -> None:
    """Get the dataset card (README) for a dataset on the Hub."""
    print_repo_card(
        lambda: DatasetCard.load(dataset_id, token=token), "datasets", dataset_id, metadata=metadata, text=text
    )
