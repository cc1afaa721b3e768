"""``hf repos`` (alias ``hf repo``, deprecated): create, duplicate, move, configure and delete repositories, and
manage their branches and tags.

Every command is one ``HfApi`` call; its outcome is printed with ``out.result`` (``✓ Repo created`` and
``key: value`` lines for humans, ``k=v`` for agents, JSON, or the first value alone in quiet mode). Deleting a
repository or a tag asks for confirmation unless ``--yes`` is given.
"""

import enum
from typing import Annotated

import click

# The `X as X` imports are names upstream's module exposes (some only for its `hf repos list`): they stay importable
# from here.
from huggingface_hub._repo_info_types import REPO_REGIONS
from huggingface_hub._space_api import SpaceHardware, SpaceStorage
from huggingface_hub.errors import CLIError, HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError

from ._cli_utils import (
    RepoIdArg,
    RepoType,
    RepoTypeOpt,
    RevisionOpt,
    SoftChoice,
    TokenOpt,
    get_hf_api,
    typer_factory,
)
from ._file_listing import format_size as format_size
from ._framework import Argument, Option
from ._output import OutputFormat, out
from ._repo_explorer import run_city_game
from ._repo_options import REPO_LIST_DEFAULT_LIMIT as REPO_LIST_DEFAULT_LIMIT
from ._repo_options import (
    EnvFileOpt,
    EnvOpt,
    PrivateOpt,
    SecretsFileOpt,
    SecretsOpt,
    VolumesOpt,
    env_map_to_key_value_list,
    parse_env_map,
    parse_volumes,
)
from ._repo_options import LimitOpt as LimitOpt
from ._repo_options import SearchOpt as SearchOpt

repos_cli = typer_factory(help="Manage repos on the Hub.")


@repos_cli.group_callback(invoke_without_command=True)
def _repos_callback(ctx: click.Context) -> None:
    if ctx.info_name == "repo":
        out.warning("`hf repo` is deprecated in favor of `hf repos`.")


class GatedChoices(str, enum.Enum):
    auto = "auto"
    manual = "manual"
    false = "false"


PublicOpt = Annotated[
    bool | None, Option("--public", help="Whether to make the repo public. Ignored if the repo already exists.")
]

ProtectedOpt = Annotated[
    bool | None,
    Option(
        "--protected",
        help="Whether to make the Space protected (Spaces only). Ignored if the repo already exists.",
    ),
]

SpaceHardwareOpt = Annotated[
    str | None,
    Option(
        "--flavor",
        help="Space hardware flavor (e.g. 'cpu-basic', 't4-medium', 'l4x4'). Only for Spaces.",
        click_type=SoftChoice(SpaceHardware),
    ),
]

SpaceStorageOpt = Annotated[
    SpaceStorage | None,
    Option(
        "--storage",
        help="(Deprecated, use volumes instead) Space persistent storage tier ('small', 'medium', or 'large')."
        " Only for Spaces.",
    ),
]

SpaceSleepTimeOpt = Annotated[
    int | None,
    Option(
        "--sleep-time",
        help="Seconds of inactivity before the Space is put to sleep. Use -1 to disable. Only for Spaces.",
    ),
]

YesOpt = Annotated[bool, Option("-y", "--yes", help="Answer Yes to prompt automatically.")]

tag_cli = typer_factory(help="Manage tags for a repo on the Hub.")
branch_cli = typer_factory(help="Manage branches for a repo on the Hub.")
repos_cli.add_group(tag_cli, name="tag")
repos_cli.add_group(branch_cli, name="branch")


def _visibility(private: bool | None, public: bool | None, protected: bool | None) -> str | None:
    """The visibility asked for by ``--private``/``--public``/``--protected`` (the first one given wins)."""
    if private:
        return "private"
    if public:
        return "public"
    if protected:
        return "protected"
    return None


# --- Repositories --------------------------------------------------------------------------------------


class RepoTypeAll(str, enum.Enum):
    """Repository types of `hf repos list`, which also lists buckets."""

    model = "model"
    dataset = "dataset"
    space = "space"
    bucket = "bucket"


@repos_cli.command(
    "list | ls",
    examples=[
        "hf repos ls",
        "hf repos ls --explore",
        "hf repos ls --namespace my-org --search bert",
    ],
)
def repo_list(
    namespace: Annotated[
        str | None,
        Option(help="Organization name. If not provided, lists repos for the authenticated user."),
    ] = None,
    repo_type: Annotated[
        RepoTypeAll | None,
        Option("--type", "--repo-type", help="Filter by repository type (model, dataset, space, or bucket)."),
    ] = None,
    search: SearchOpt = None,
    limit: LimitOpt = REPO_LIST_DEFAULT_LIMIT,
    explore: Annotated[bool, Option("--explore", help="Explore your repos as an interactive 3D city.")] = False,
    token: TokenOpt = None,
) -> None:
    """List all repos (models, datasets, spaces, buckets) with storage info."""
    repos = list(get_hf_api(token=token).list_user_repos(namespace=namespace))
    # Filtering and the limit apply client-side: the endpoint has neither.
    if repo_type is not None:
        repos = [r for r in repos if r.type == repo_type.value]
    if search is not None:
        needle = search.lower()
        repos = [r for r in repos if needle in r.id.lower()]
    total = len(repos)
    if explore:  # every repository, whatever `--limit`: the city shows them all
        if out.mode != OutputFormat.human:
            raise CLIError("Repository exploration is only available in terminal.")
        run_city_game(repos)
        return
    if limit > 0:
        repos = repos[:limit]
    rows = [
        {
            "id": r.id,
            "type": r.type,
            "updated": r.updated_at.strftime("%Y-%m-%d"),
            "visibility": r.visibility,
            "storage": format_size(r.storage, human_readable=True),
            "%_of_total": f"{r.storage_percent:.1f}%",
        }
        for r in repos
    ]
    out.table(rows, id_key="id", alignments={"storage": "right", "%_of_total": "right"})
    if limit > 0 and total > limit:
        out.hint(f"Showing {limit} of {total} repos. Use `--limit 0` to list all.")


@repos_cli.command(
    "create",
    examples=[
        "hf repos create my-model",
        "hf repos create my-dataset --repo-type dataset --private",
        "hf repos create my-space --type space --sdk gradio --flavor t4-medium --secrets HF_TOKEN -e THEME=dark"
        " --protected",
        "hf repos create my-jupyterlab --type space --template SpacesExamples/jupyterlab",
        "hf repos create my-space --type space --sdk gradio -v hf://org/my-model:/models -v hf://buckets/org/b:/data",
        "hf repos create my-model --region us",
    ],
)
def repo_create(
    repo_id: RepoIdArg,
    repo_type: RepoTypeOpt = RepoType.model,
    sdk: Annotated[
        str | None,
        Option("--sdk", "--space-sdk", help="Hugging Face Spaces SDK type. Required when --type is set to 'space'."),
    ] = None,
    template: Annotated[
        str | None,
        Option(
            "--template",
            help="Create a Space from an official template. Pass a template repo id (e.g. "
            "'SpacesExamples/jupyterlab') or its short name (e.g. 'JupyterLab'). List available templates with "
            "`hf spaces templates`. Spaces only.",
        ),
    ] = None,
    private: PrivateOpt = None,
    public: PublicOpt = None,
    protected: ProtectedOpt = None,
    token: TokenOpt = None,
    exist_ok: Annotated[bool, Option(help="Do not raise an error if repo already exists.")] = False,
    resource_group_id: Annotated[
        str | None,
        Option(
            help="Resource group in which to create the repo. Resource groups is only available for Enterprise Hub"
            " organizations."
        ),
    ] = None,
    region: Annotated[
        REPO_REGIONS | None,
        Option(
            "--region",
            help="Cloud region in which to create the repo. Can be one of 'us' or 'eu'. Requires Team plan or above.",
        ),
    ] = None,
    hardware: SpaceHardwareOpt = None,
    storage: SpaceStorageOpt = None,
    sleep_time: SpaceSleepTimeOpt = None,
    secrets: SecretsOpt = None,
    secrets_file: SecretsFileOpt = None,
    env: EnvOpt = None,
    env_file: EnvFileOpt = None,
    volume: VolumesOpt = None,
) -> None:
    """Create a new repo on the Hub."""
    repo_url = get_hf_api(token=token).create_repo(
        repo_id=repo_id,
        repo_type=repo_type.value,
        visibility=_visibility(private, public, protected),  # type: ignore[arg-type]
        token=token,
        exist_ok=exist_ok,
        resource_group_id=resource_group_id,
        region=region,
        space_sdk=sdk,
        space_hardware=hardware,  # type: ignore[arg-type]  # a flavor the client does not know yet is sent as is
        space_storage=storage,
        space_sleep_time=sleep_time,
        space_secrets=env_map_to_key_value_list(parse_env_map(secrets, secrets_file)),
        space_variables=env_map_to_key_value_list(parse_env_map(env, env_file)),
        space_volumes=parse_volumes(volume),
        space_template=template,
    )
    out.result("Repo created", repo_id=repo_url.repo_id, url=str(repo_url))


@repos_cli.command(
    "duplicate",
    examples=[
        "hf repos duplicate openai/gdpval --type dataset",
        "hf repos duplicate multimodalart/dreambooth-training my-dreambooth --type space --flavor l4x4"
        " --secrets HF_TOKEN --private",
        "hf repos duplicate org/my-space my-space --type space -v hf://org/my-model:/models"
        " -v hf://buckets/org/b:/data",
    ],
)
def repo_duplicate(
    from_id: RepoIdArg,
    to_id: Annotated[
        str | None,
        Argument(
            help="Destination repo ID (e.g. `myorg/my-copy`). Defaults to your namespace with the same repo name."
        ),
    ] = None,
    repo_type: RepoTypeOpt = RepoType.model,
    private: PrivateOpt = None,
    public: PublicOpt = None,
    protected: ProtectedOpt = None,
    token: TokenOpt = None,
    exist_ok: Annotated[bool, Option(help="Do not raise an error if repo already exists.")] = False,
    hardware: SpaceHardwareOpt = None,
    storage: SpaceStorageOpt = None,
    sleep_time: SpaceSleepTimeOpt = None,
    secrets: SecretsOpt = None,
    secrets_file: SecretsFileOpt = None,
    env: EnvOpt = None,
    env_file: EnvFileOpt = None,
    volume: VolumesOpt = None,
) -> None:
    """Duplicate a repo on the Hub (model, dataset, or Space)."""
    repo_url = get_hf_api(token=token).duplicate_repo(
        from_id=from_id,
        to_id=to_id,
        repo_type=repo_type.value,
        visibility=_visibility(private, public, protected),  # type: ignore[arg-type]
        token=token,
        exist_ok=exist_ok,
        space_hardware=hardware,  # type: ignore[arg-type]  # a flavor the client does not know yet is sent as is
        space_storage=storage,
        space_sleep_time=sleep_time,
        space_secrets=env_map_to_key_value_list(parse_env_map(secrets, secrets_file)),
        space_variables=env_map_to_key_value_list(parse_env_map(env, env_file)),
        space_volumes=parse_volumes(volume),
    )
    out.result("Repo duplicated", from_id=from_id, to_id=repo_url.repo_id, url=str(repo_url))


@repos_cli.command("delete", examples=["hf repos delete my-model"])
def repo_delete(
    repo_id: RepoIdArg,
    repo_type: RepoTypeOpt = RepoType.model,
    token: TokenOpt = None,
    missing_ok: Annotated[bool, Option(help="If set to True, do not raise an error if repo does not exist.")] = False,
    yes: YesOpt = False,
) -> None:
    """Delete a repo from the Hub. This is an irreversible operation."""
    out.confirm(f"You are about to permanently delete {repo_type.value} '{repo_id}'. Proceed?", yes=yes)
    get_hf_api(token=token).delete_repo(repo_id=repo_id, repo_type=repo_type.value, missing_ok=missing_ok)
    out.result("Repo deleted", repo_id=repo_id)


@repos_cli.command("move", examples=["hf repos move old-namespace/my-model new-namespace/my-model"])
def repo_move(
    from_id: RepoIdArg,
    to_id: RepoIdArg,
    token: TokenOpt = None,
    repo_type: RepoTypeOpt = RepoType.model,
) -> None:
    """Move a repository from a namespace to another namespace."""
    get_hf_api(token=token).move_repo(from_id=from_id, to_id=to_id, repo_type=repo_type.value)
    out.result("Repo moved", from_id=from_id, to_id=to_id)


@repos_cli.command(
    "settings",
    examples=[
        "hf repos settings my-model --private",
        "hf repos settings my-model --gated auto",
        "hf repos settings my-space --repo-type space --protected",
    ],
)
def repo_settings(
    repo_id: RepoIdArg,
    gated: Annotated[GatedChoices | None, Option(help="The gated status for the repository.")] = None,
    private: PrivateOpt = None,
    public: PublicOpt = None,
    protected: ProtectedOpt = None,
    token: TokenOpt = None,
    repo_type: RepoTypeOpt = RepoType.model,
) -> None:
    """Update the settings of a repository."""
    get_hf_api(token=token).update_repo_settings(
        repo_id=repo_id,
        # "false" on the command line means "not gated", which the API spells `False`.
        gated=None if gated is None else False if gated is GatedChoices.false else gated.value,  # type: ignore[arg-type]
        visibility=_visibility(private, public, protected),  # type: ignore[arg-type]
        repo_type=repo_type.value,
    )
    out.result("Repo settings updated", repo_id=repo_id)


@repos_cli.command(
    "delete-files",
    examples=[
        "hf repos delete-files my-model file.txt",
        'hf repos delete-files my-model "*.json"',
        "hf repos delete-files my-model folder/",
    ],
)
def repo_delete_files(
    repo_id: RepoIdArg,
    patterns: Annotated[
        list[str],
        Argument(help="Glob patterns to match files to delete. Based on fnmatch, '*' matches files recursively."),
    ],
    repo_type: RepoTypeOpt = RepoType.model,
    revision: RevisionOpt = None,
    commit_message: Annotated[
        str | None, Option(help="The summary / title / first line of the generated commit.")
    ] = None,
    commit_description: Annotated[str | None, Option(help="The description of the generated commit.")] = None,
    create_pr: Annotated[bool, Option(help="Whether to create a new Pull Request for these changes.")] = False,
    token: TokenOpt = None,
) -> None:
    """Delete files from a repo on the Hub."""
    url = get_hf_api(token=token).delete_files(
        delete_patterns=patterns,
        repo_id=repo_id,
        repo_type=repo_type.value,
        revision=revision,
        commit_message=commit_message,
        commit_description=commit_description,
        create_pr=create_pr,
    )
    out.result("Files deleted", repo_id=repo_id, commit_url=url)


# --- Branches --------------------------------------------------------------------------------------------


@branch_cli.command(
    "create",
    examples=[
        "hf repos branch create my-model dev",
        "hf repos branch create my-model dev --revision abc123",
    ],
)
def branch_create(
    repo_id: RepoIdArg,
    branch: Annotated[str, Argument(help="The name of the branch to create.")],
    revision: RevisionOpt = None,
    token: TokenOpt = None,
    repo_type: RepoTypeOpt = RepoType.model,
    exist_ok: Annotated[bool, Option(help="If set to True, do not raise an error if branch already exists.")] = False,
) -> None:
    """Create a new branch for a repo on the Hub."""
    get_hf_api(token=token).create_branch(
        repo_id=repo_id, branch=branch, revision=revision, repo_type=repo_type.value, exist_ok=exist_ok
    )
    out.result("Branch created", branch=branch, repo_type=repo_type.value, repo_id=repo_id)


@branch_cli.command("delete", examples=["hf repos branch delete my-model dev"])
def branch_delete(
    repo_id: RepoIdArg,
    branch: Annotated[str, Argument(help="The name of the branch to delete.")],
    token: TokenOpt = None,
    repo_type: RepoTypeOpt = RepoType.model,
) -> None:
    """Delete a branch from a repo on the Hub."""
    get_hf_api(token=token).delete_branch(repo_id=repo_id, branch=branch, repo_type=repo_type.value)
    out.result("Branch deleted", branch=branch, repo_type=repo_type.value, repo_id=repo_id)


# --- Tags ------------------------------------------------------------------------------------------------


@tag_cli.command(
    "create",
    examples=[
        "hf repos tag create my-model v1.0",
        'hf repos tag create my-model v1.0 -m "First release"',
    ],
)
def tag_create(
    repo_id: RepoIdArg,
    tag: Annotated[str, Argument(help="The name of the tag to create.")],
    message: Annotated[str | None, Option("-m", "--message", help="The description of the tag to create.")] = None,
    revision: RevisionOpt = None,
    token: TokenOpt = None,
    repo_type: RepoTypeOpt = RepoType.model,
) -> None:
    """Create a tag for a repo."""
    type_name = repo_type.value
    try:
        get_hf_api(token=token).create_tag(
            repo_id=repo_id, tag=tag, tag_message=message, revision=revision, repo_type=type_name
        )
    except RepositoryNotFoundError as error:
        raise CLIError(f"{type_name.capitalize()} '{repo_id}' not found.") from error
    except RevisionNotFoundError as error:
        raise CLIError(f"Revision '{revision}' not found.") from error
    except HfHubHTTPError as error:
        if error.response is not None and error.response.status_code == 409:
            raise CLIError(f"Tag '{tag}' already exists on '{repo_id}'.") from error
        raise
    out.result("Tag created", tag=tag, repo_type=type_name, repo_id=repo_id)


@tag_cli.command("list | ls", examples=["hf repos tag list my-model"])
def tag_list(
    repo_id: RepoIdArg,
    token: TokenOpt = None,
    repo_type: RepoTypeOpt = RepoType.model,
) -> None:
    """List tags for a repo."""
    type_name = repo_type.value
    try:
        refs = get_hf_api(token=token).list_repo_refs(repo_id=repo_id, repo_type=type_name)
    except RepositoryNotFoundError as error:
        raise CLIError(f"{type_name.capitalize()} '{repo_id}' not found.") from error
    out.table([{"name": tag.name, "target_commit": tag.target_commit, "ref": tag.ref} for tag in refs.tags])


@tag_cli.command("delete", examples=["hf repos tag delete my-model v1.0"])
def tag_delete(
    repo_id: RepoIdArg,
    tag: Annotated[str, Argument(help="The name of the tag to delete.")],
    yes: Annotated[bool, Option("-y", "--yes", help="Answer Yes to prompt automatically")] = False,
    token: TokenOpt = None,
    repo_type: RepoTypeOpt = RepoType.model,
) -> None:
    """Delete a tag for a repo."""
    type_name = repo_type.value
    out.text(f"You are about to delete tag {tag} on {type_name} {repo_id}")
    out.confirm("Proceed?", yes=yes)
    try:
        get_hf_api(token=token).delete_tag(repo_id=repo_id, tag=tag, repo_type=type_name)
    except RepositoryNotFoundError as error:
        raise CLIError(f"{type_name.capitalize()} '{repo_id}' not found.") from error
    except RevisionNotFoundError as error:
        raise CLIError(f"Tag '{tag}' not found on '{repo_id}'.") from error
    out.result("Tag deleted", tag=tag, repo_type=type_name, repo_id=repo_id)
