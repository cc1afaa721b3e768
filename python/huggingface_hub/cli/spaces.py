"""``hf spaces``: search the Spaces of the Hub, list a Space's files, describe one Space.

``hf spaces ls`` without argument searches (``HfApi.list_spaces``); with a Space id it lists that repository's
files instead, and the options of the other use are refused. The commands that drive a running Space (logs,
restart, hardware, secrets, ...) need the Spaces runtime, which the local Hub does not have: they are absent.
"""

import enum
from typing import Annotated, get_args

# Besides what this module uses, the `X as X` imports are names upstream's module exposes (its commands driving a
# running Space use them): they stay importable from here.
from huggingface_hub._repo_info_types import ExpandSpaceProperty_T, SpaceSort_T
from huggingface_hub._space_api import SpaceHardware as SpaceHardware
from huggingface_hub._space_api import SpaceStage as SpaceStage
from huggingface_hub.errors import CLIError as CLIError
from huggingface_hub.errors import RemoteEntryNotFoundError as RemoteEntryNotFoundError
from huggingface_hub.errors import RepositoryNotFoundError as RepositoryNotFoundError
from huggingface_hub.errors import RevisionNotFoundError as RevisionNotFoundError
from huggingface_hub.file_download import hf_hub_download as hf_hub_download
from huggingface_hub.hf_api import HfApi as HfApi
from huggingface_hub.utils import disable_progress_bars as disable_progress_bars
from huggingface_hub.utils._parsing import parse_duration as parse_duration

from ._cli_utils import RevisionOpt, TokenOpt, get_hf_api, typer_factory
from ._cli_utils import SoftChoice as SoftChoice
from ._file_listing import list_repo_files_cmd  # noqa: F401  (upstream's module exposes it)
from ._framework import Argument, Option
from ._output import _dataclass_as_dict, out
from ._repo_listing import list_files_instead_of_searching, print_repo_info, refuse_file_options, search_options_given
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
from ._repo_options import EnvFileOpt as EnvFileOpt
from ._repo_options import EnvOpt as EnvOpt
from ._repo_options import SecretsFileOpt as SecretsFileOpt
from ._repo_options import SecretsOpt as SecretsOpt
from ._repo_options import VolumesOpt as VolumesOpt
from ._repo_options import parse_env_map as parse_env_map
from ._repo_options import parse_volumes as parse_volumes

_EXPAND_PROPERTIES = sorted(get_args(ExpandSpaceProperty_T))
SpaceSortEnum = enum.Enum("SpaceSortEnum", {key: key for key in get_args(SpaceSort_T)}, type=str)  # type: ignore[misc]

ExpandOpt = Annotated[
    str | None,
    Option(
        help="Comma-separated properties to return. When used, only the listed properties (and id) are returned. "
        f"Example: '--expand=likes,tags'. Valid: {', '.join(_EXPAND_PROPERTIES)}.",
        callback=make_expand_properties_parser(_EXPAND_PROPERTIES),
    ),
]

spaces_cli = typer_factory(help="Interact with spaces on the Hub.")


@spaces_cli.command(
    "list | ls",
    examples=[
        "hf spaces ls --limit 10",
        'hf spaces ls --search "chatbot" --author huggingface',
        "hf spaces ls victor/deepsite",
        "hf spaces ls victor/deepsite -R",
        "hf spaces ls victor/deepsite --tree -h",
    ],
)
def spaces_ls(
    repo_id: Annotated[
        str | None,
        Argument(help="Space ID (e.g. `username/repo-name`) to list files from. If omitted, lists spaces."),
    ] = None,
    search: SearchOpt = None,
    author: AuthorOpt = None,
    filter: FilterOpt = None,
    sort: Annotated[SpaceSortEnum | None, Option(help="Sort results.")] = None,
    limit: LimitOpt = REPO_LIST_DEFAULT_LIMIT,
    expand: ExpandOpt = None,
    human_readable: HumanReadableOpt = False,
    as_tree: TreeOpt = False,
    recursive: RecursiveOpt = False,
    revision: RevisionOpt = None,
    token: TokenOpt = None,
) -> None:
    """List spaces on the Hub, or files in a space repo.

    When called with no argument, lists spaces on the Hub.
    When called with a space ID, lists files in that space repo.
    """
    search_options = search_options_given(
        search=search, author=author, filter=filter, sort=sort, limit=limit, expand=expand
    )
    if repo_id is not None:
        list_files_instead_of_searching(
            repo_id,
            "space",
            search_options,
            human_readable=human_readable,
            as_tree=as_tree,
            recursive=recursive,
            revision=revision,
            token=token,
        )
        return

    refuse_file_options(
        "spaces", as_tree=as_tree, recursive=recursive, human_readable=human_readable, revision=revision
    )
    spaces = get_hf_api(token=token).list_spaces(
        filter=filter,
        author=author,
        search=search,
        sort=sort.value if sort else None,
        limit=limit,
        expand=expand,  # type: ignore[arg-type]  # the option's parser returns the list
    )
    out.table([_dataclass_as_dict(space) for space in spaces])


@spaces_cli.command(
    "info",
    examples=[
        "hf spaces info enzostvs/deepsite",
        "hf spaces info gradio/theme_builder --expand sdk,runtime,likes",
    ],
)
def spaces_info(
    space_id: Annotated[str, Argument(help="The space ID (e.g. `username/repo-name`).")],
    revision: RevisionOpt = None,
    expand: ExpandOpt = None,
    token: TokenOpt = None,
) -> None:
    """Get info about a space on the Hub."""
    api = get_hf_api(token=token)
    print_repo_info(
        "Space",
        space_id,
        revision,
        lambda: api.space_info(repo_id=space_id, revision=revision, expand=expand),  # type: ignore[arg-type]
    )
