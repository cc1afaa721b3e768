"""``hf spaces``: search the Spaces of the Hub, list a Space's files, describe one Space, and drive its runtime.

``hf spaces ls`` without argument searches (``HfApi.list_spaces``); with a Space id it lists that repository's
files instead, and the options of the other use are refused. The runtime commands (pause, restart, settings, wait,
logs, dev-mode, ssh) are here; volumes, secrets and variables are sub-groups defined in ``_spaces_groups``.
``hot-reload`` is defined in ``_spaces_hot_reload``. ``card`` is absent: ``SpaceCard`` is not part of this package
yet.
"""

import enum
import itertools
from collections import deque
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
from huggingface_hub.repocard import SpaceCard
from huggingface_hub.utils import disable_progress_bars as disable_progress_bars
from huggingface_hub.utils._parsing import parse_duration as parse_duration

from ._cli_utils import RevisionOpt, TokenOpt, get_hf_api, typer_factory
from ._cli_utils import SoftChoice as SoftChoice
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
from ._repo_options import EnvFileOpt as EnvFileOpt
from ._repo_options import EnvOpt as EnvOpt
from ._repo_options import SecretsFileOpt as SecretsFileOpt
from ._repo_options import SecretsOpt as SecretsOpt
from ._repo_options import VolumesOpt as VolumesOpt
from ._repo_options import parse_env_map as parse_env_map
from ._repo_options import parse_volumes as parse_volumes
from ._spaces_groups import (  # noqa: F401  (upstream's module exposes these commands)
    secrets_add,
    secrets_cli,
    secrets_delete,
    secrets_ls,
    variables_add,
    variables_cli,
    variables_delete,
    variables_ls,
    volumes_cli,
    volumes_delete,
    volumes_ls,
    volumes_set,
)
from ._spaces_hot_reload import HOT_RELOAD_EXAMPLES, spaces_hot_reload
from ._spaces_hot_reload import HOT_RELOADING_MIN_GRADIO as HOT_RELOADING_MIN_GRADIO
from ._spaces_hot_reload import PREFERRED_EDITORS as PREFERRED_EDITORS
from ._spaces_hot_reload import ApiGetReloadEventSourceData as ApiGetReloadEventSourceData
from ._spaces_hot_reload import ReloadRegion as ReloadRegion
from ._spaces_hot_reload import multi_replica_reload_events as multi_replica_reload_events
from ._ssh import SshDryRunOpt, SshIdentityFileOpt, exec_ssh

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
spaces_cli.add_group(volumes_cli, name="volumes")
spaces_cli.add_group(secrets_cli, name="secrets")
spaces_cli.add_group(variables_cli, name="variables")


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


@spaces_cli.command(
    "card",
    examples=[
        "hf spaces card mteb/leaderboard",
        "hf spaces card mteb/leaderboard --metadata",
        "hf spaces card mteb/leaderboard --metadata --format json",
        "hf spaces card mteb/leaderboard --text",
    ],
)
def spaces_card(
    space_id: Annotated[str, Argument(help="The space ID (e.g. `username/repo-name`).")],
    metadata: Annotated[bool, Option("--metadata", help="Output only the metadata from the card.")] = False,
    text: Annotated[bool, Option("--text", help="Output only the text body (no metadata).")] = False,
    token: TokenOpt = None,
) -> None:
    """Get the Space card (README) for a Space on the Hub."""
    print_repo_card(lambda: SpaceCard.load(space_id, token=token), "spaces", space_id, metadata=metadata, text=text)


@spaces_cli.command("templates", examples=["hf spaces templates"])
def spaces_templates(token: TokenOpt = None) -> None:
    """List the available Space templates.

    The `repo_id` (or `name`) of a template can be passed to `hf repos create --template ...` to
    create a new Space from that template.
    """
    templates = get_hf_api(token=token).list_space_templates()
    out.table([_dataclass_as_dict(template) for template in templates], id_key="name")
    out.hint(
        "Create a Space from a template with "
        "`hf repos create <id> --type space --space-sdk <sdk> --template <repo_id>`."
    )


@spaces_cli.command(
    "search",
    examples=[
        'hf spaces search "generate image"',
        'hf spaces search "identify objects in pictures" --sdk gradio --limit 5',
        'hf spaces search "remove background from photo" --description --json',
    ],
)
def spaces_search(
    query: Annotated[str, Argument(help="Search query.")],
    filter: FilterOpt = None,
    sdk: Annotated[list[str] | None, Option(help="Filter by SDK (e.g. gradio, docker, static).")] = None,
    include_non_running: Annotated[bool, Option(help="Include non-running spaces in results.")] = False,
    description: Annotated[bool, Option(help="Show AI-generated descriptions.")] = False,
    limit: LimitOpt = 10,
    token: TokenOpt = None,
) -> None:
    """Search spaces on the Hub using semantic search."""
    results = get_hf_api(token=token).search_spaces(
        query=query, filter=filter, sdk=sdk, include_non_running=include_non_running, token=token
    )
    rows = []
    for hit in itertools.islice(results, limit):
        score = hit.semantic_relevancy_score
        row: dict = {
            "id": hit.id,
            "title": hit.title,
            "sdk": hit.sdk,
            "likes": hit.likes,
            "stage": hit.runtime.stage if hit.runtime else None,
            "category": hit.ai_category,
            "score": round(score, 2) if score is not None else None,
        }
        if description:
            row["description"] = hit.ai_short_description
        rows.append(row)
    out.table(rows)
    if not description:
        out.hint("Use --description to show AI-generated descriptions.")


_SpaceIdArg = Annotated[str, Argument(help="The space ID (e.g. `username/repo-name`).")]


@spaces_cli.command(
    "wait", examples=["hf spaces wait username/my-space", "hf spaces wait username/my-space --timeout 5m"]
)
def spaces_wait(
    space_id: _SpaceIdArg,
    timeout: Annotated[
        str | None,
        Option(help="Max time to wait: int with s (seconds, default), m (minutes), h (hours) or d (days)."),
    ] = None,
    token: TokenOpt = None,
) -> None:
    """Wait for a Space to finish building/starting.

    Blocks until the Space leaves an intermediate stage (BUILDING, APP_STARTING, etc.)
    and reaches a settled stage. Exits with code 0 if the Space is RUNNING,
    or a non-zero exit code otherwise (e.g. BUILD_ERROR, RUNTIME_ERROR).
    """
    seconds = parse_duration(timeout) if timeout is not None else None
    api = get_hf_api(token=token)
    status = out.status("Waiting for Space to be ready...")
    try:
        runtime = api.wait_for_space(space_id, timeout=seconds)
    except TimeoutError:
        status.done("Timed out.")
        raise CLIError(f"Timed out after {timeout} waiting for Space '{space_id}' to be ready.") from None
    status.done(f"Space reached stage '{runtime.stage}'.")
    if runtime.stage != SpaceStage.RUNNING:
        raise CLIError(f"Space '{space_id}' is not running (stage='{runtime.stage}').")
    out.result("Space ready", space_id=space_id, stage=str(runtime.stage))
    out.hint(f"Use `hf spaces logs {space_id}` to view run logs.")


@spaces_cli.command("dev-mode", examples=["hf spaces dev-mode my-user-name/deepsite"])
def dev_mode(
    space_id: _SpaceIdArg,
    stop: Annotated[bool, Option(help="Stop dev mode.")] = False,
    token: TokenOpt = None,
) -> None:
    """
    Enable or disable dev mode on a Space.

    Spaces Dev Mode eases the debugging of your application and makes iterating on Spaces faster by allowing you to
    restart your application without stopping the Space container itself. This feature is available as part of a PRO
    or Team & Enterprise plan.

    See docs: https://huggingface.co/docs/hub/spaces-dev-mode
    """
    api = get_hf_api(token=token)
    if stop:
        api.disable_space_dev_mode(space_id)
        print(f"Dev mode disabled for '{space_id}'")
        return
    api.enable_space_dev_mode(space_id)
    runtime = api.wait_for_space(space_id)
    if runtime.stage != SpaceStage.RUNNING:
        out.warning(f"Dev mode is not ready (stage='{runtime.stage}')")
        return
    info = api.space_info(space_id)
    default_folder = "" if info.sdk == "docker" else "/home/user/app"
    folder = getattr(info.card_data, "dev-mode-folder", default_folder)
    web_url = f"https://huggingface.co/spaces/{info.id}/dev-mode/vscode-web" + (f"?folder={folder}" if folder else "")
    host = f"{info.subdomain}@ssh.hf.space"
    lines = [
        "Connect to dev environment:",
        "",
        "Web:",
        f"  * VSCode: {web_url}",
        "",
        "Local:",
        "1. Add your SSH key to https://huggingface.co/settings/keys",
        f"2. SSH with `hf spaces ssh {space_id}` (or `ssh -i <your_key> {host}`)",
        "   Or open",
        f"  * VSCode: vscode://vscode-remote/ssh-remote+{host}{folder}",
        f"  * Cursor: cursor://vscode-remote/ssh-remote+{host}{folder}",
        "",
        "PS: Dev mode stops after 48h of inactivity, don't forget to save your changes regularly.",
    ]
    print("\n".join(lines))


@spaces_cli.command(
    "ssh",
    examples=[
        "hf spaces ssh username/my-space",
        "hf spaces ssh username/my-space --dry-run",
        "hf spaces ssh username/my-space -i ~/.ssh/id_ed25519",
        "hf spaces ssh username/my-space --auto",
    ],
)
def spaces_ssh(
    space_id: _SpaceIdArg,
    identity_file: SshIdentityFileOpt = None,
    dry_run: SshDryRunOpt = False,
    auto: Annotated[bool, Option("--auto", help="Enable Dev Mode without prompting if not already enabled.")] = False,
    token: TokenOpt = None,
) -> None:
    """SSH into a Space's Dev Mode container.

    Requires Dev Mode to be running on the Space and your SSH public key to be registered at https://huggingface.co/settings/keys.

    See: https://huggingface.co/docs/hub/spaces-dev-mode
    """
    api = get_hf_api(token=token)
    info = api.space_info(space_id)
    if info.runtime is None or not info.runtime.dev_mode:
        out.confirm(
            f"Dev Mode is disabled on '{space_id}'. Enable it now?", yes=auto, default=True, confirm_param="--auto"
        )
        api.enable_space_dev_mode(space_id)
        runtime = api.wait_for_space(space_id)
        if runtime.stage != SpaceStage.RUNNING:
            raise CLIError(f"Space '{space_id}' is not running (stage='{runtime.stage}').")
        info = api.space_info(space_id)
    exec_ssh(f"{info.subdomain}@ssh.hf.space", identity_file=identity_file, dry_run=dry_run)


_VOLUMES_HINT = "Mount a Volume or bucket to persist data across restarts: `hf spaces volumes set {} -v hf://...`"


@spaces_cli.command("pause", examples=["hf spaces pause username/my-space"])
def spaces_pause(space_id: _SpaceIdArg, token: TokenOpt = None) -> None:
    """Pause a Space."""
    runtime = get_hf_api(token=token).pause_space(space_id)
    out.result("Space paused", space_id=space_id, stage=runtime.stage)
    out.hint(f"Use `hf spaces restart {space_id}` to restart it.")
    out.hint(_VOLUMES_HINT.format(space_id))


@spaces_cli.command(
    "restart", examples=["hf spaces restart username/my-space", "hf spaces restart username/my-space --factory-reboot"]
)
def spaces_restart(
    space_id: _SpaceIdArg,
    factory_reboot: Annotated[
        bool, Option("--factory-reboot", help="Rebuild the Space from scratch without using the build cache.")
    ] = False,
    token: TokenOpt = None,
) -> None:
    """Restart a Space."""
    runtime = get_hf_api(token=token).restart_space(space_id, factory_reboot=factory_reboot)
    out.result("Space restart triggered", space_id=space_id, stage=runtime.stage, factory_reboot=factory_reboot)
    out.hint(f"Use `hf spaces wait {space_id}` to wait until the Space is ready.")
    out.hint(_VOLUMES_HINT.format(space_id))


@spaces_cli.command("hardware", examples=["hf spaces hardware"])
def spaces_hardware(token: TokenOpt = None) -> None:
    """List available hardware options for Spaces."""
    rows = []
    for hw in get_hf_api(token=token).list_spaces_hardware():
        acc = hw.accelerator
        cost = hw.unit_cost_usd
        rows.append(
            {
                "name": hw.name,
                "pretty name": hw.pretty_name,
                "cpu": hw.cpu,
                "ram": hw.ram,
                "accelerator": f"{acc.quantity}x {acc.model} ({acc.vram})" if acc else None,
                "cost/min": f"${cost:.4f}" if cost else "free",
                "cost/hour": f"${cost * 60:.2f}" if cost else "free",
            }
        )
    out.table(rows)
    out.hint("Use `hf spaces settings <space_id> --hardware <name>` to request hardware for a Space.")


@spaces_cli.command(
    "settings",
    examples=[
        "hf spaces settings username/my-space --sleep-time 300",
        "hf spaces settings username/my-space --hardware t4-medium",
    ],
)
def spaces_settings(
    space_id: _SpaceIdArg,
    sleep_time: Annotated[
        int | None,
        Option(
            "--sleep-time",
            help="Idle time in seconds after which the Space goes to sleep. Use -1 to never sleep. "
            "Only available on upgraded hardware.",
        ),
    ] = None,
    hardware: Annotated[
        str | None,
        Option(
            "--hardware",
            help="Space hardware flavor (e.g. 'cpu-basic', 't4-medium', 'l4x4'). "
            "Run 'hf spaces hardware' to list available options.",
            click_type=SoftChoice(SpaceHardware),
        ),
    ] = None,
    token: TokenOpt = None,
) -> None:
    """Update the settings of a Space."""
    api = get_hf_api(token=token)
    if hardware is not None:
        runtime = api.request_space_hardware(space_id, hardware=hardware, sleep_time=sleep_time)  # type: ignore[arg-type]
    elif sleep_time is not None:
        runtime = api.set_space_sleep_time(space_id, sleep_time=sleep_time)
    else:
        raise CLIError("Specify at least one setting to update.")
    out.result(
        "Space settings updated", space_id=space_id, hardware=runtime.requested_hardware, sleep_time=runtime.sleep_time
    )
    out.hint(f"Use `hf spaces info {space_id}` to verify the runtime configuration.")


@spaces_cli.command(
    "logs",
    examples=[
        "hf spaces logs username/my-space",
        "hf spaces logs username/my-space --build",
        "hf spaces logs -f username/my-space",
        "hf spaces logs -n 50 username/my-space",
    ],
)
def spaces_logs(
    space_id: _SpaceIdArg,
    build: Annotated[
        bool,
        Option(
            "--build",
            help="Fetch the container build logs instead of the run logs. Useful when a Space is stuck in BUILD_ERROR.",
        ),
    ] = False,
    follow: Annotated[
        bool,
        Option(
            "-f",
            "--follow",
            help="Follow log output (stream until the server closes the stream). "
            "Without this flag, only currently available logs are printed.",
        ),
    ] = False,
    tail: Annotated[
        int | None, Option("-n", "--tail", help="Number of lines to show from the end of the logs.")
    ] = None,
    token: TokenOpt = None,
) -> None:
    """Fetch the run or build logs of a Space.

    By default, prints currently available run logs and exits (non-blocking, like
    `docker logs`). Use --follow/-f to stream until the server closes the stream.
    Use --build to see the container build logs instead (useful when a Space is
    stuck in BUILD_ERROR).
    """
    if follow and tail is not None:
        raise CLIError(
            "Cannot use --follow and --tail together. Use --follow to stream logs or --tail to show recent logs."
        )
    lines = get_hf_api(token=token).fetch_space_logs(space_id, build=build, follow=follow)
    if tail is not None:
        lines = deque(lines, maxlen=tail)
    found = False
    for line in lines:
        text = line.strip()
        out.text(text)
        found = found or bool(text)
    if not found and not build:
        out.hint(f"No run logs found for space {space_id}. Try passing --build to fetch build logs instead.")


spaces_cli.command("hot-reload", examples=HOT_RELOAD_EXAMPLES)(spaces_hot_reload)
