"""``hf spaces volumes|secrets|variables``: the sub-groups of ``hf spaces`` that manage a Space's volumes, secrets and
environment variables (mounted by ``cli.spaces``, which also exposes these names, as upstream's module does)."""

from typing import Annotated

from huggingface_hub.errors import CLIError

from ._cli_utils import TokenOpt, get_hf_api, typer_factory
from ._framework import Argument, Option
from ._output import _dataclass_as_dict, out
from ._repo_options import EnvFileOpt, EnvOpt, SecretsFileOpt, SecretsOpt, VolumesOpt, parse_env_map, parse_volumes

volumes_cli = typer_factory(help="Manage volumes for a Space on the Hub.")
secrets_cli = typer_factory(help="Manage secrets for a Space on the Hub.")
variables_cli = typer_factory(help="Manage environment variables for a Space on the Hub.")

SpaceIdArg = Annotated[str, Argument(help="The space ID (e.g. `username/repo-name`).")]
YesOpt = Annotated[bool, Option("-y", "--yes", help="Answer Yes to prompt automatically.")]

_SET_VOLUMES_HINT = (
    "Use `hf spaces volumes set {} -v hf://<repo_type>/<repo_id>:/<mount_path>` to set volumes for a Space."
)


@volumes_cli.command("list | ls", examples=["hf spaces volumes ls username/my-space"])
def volumes_ls(space_id: SpaceIdArg, token: TokenOpt = None) -> None:
    """List volumes mounted in a Space."""
    info = get_hf_api(token=token).space_info(space_id)
    if info.runtime is None:
        raise CLIError(f"Runtime not available for Space '{space_id}'.")
    out.table([_dataclass_as_dict(volume) for volume in info.runtime.volumes or []])
    out.hint(_SET_VOLUMES_HINT.format(space_id))


@volumes_cli.command(
    "set",
    examples=[
        "hf spaces volumes set username/my-space -v hf://models/username/my-model:/models",
        "hf spaces volumes set username/my-space -v hf://buckets/username/my-bucket:/data "
        "-v hf://datasets/username/my-dataset:/datasets:ro",
    ],
)
def volumes_set(space_id: SpaceIdArg, volume: VolumesOpt = None, token: TokenOpt = None) -> None:
    """Set (replace) volumes for a Space."""
    volumes = parse_volumes(volume)
    if not volumes:
        raise CLIError("At least one volume must be specified with -v/--volume.")
    get_hf_api(token=token).set_space_volumes(space_id, volumes=volumes)
    out.result("Volumes set", space_id=space_id, volumes=[v.to_uri() for v in volumes])
    out.hint(f"Use `hf spaces volumes ls {space_id}` to list volumes for a Space.")


@volumes_cli.command(
    "delete",
    examples=["hf spaces volumes delete username/my-space", "hf spaces volumes delete username/my-space --yes"],
)
def volumes_delete(space_id: SpaceIdArg, yes: YesOpt = False, token: TokenOpt = None) -> None:
    """Remove all volumes from a Space."""
    out.confirm(f"You are about to remove all volumes from Space '{space_id}'. Proceed?", yes=yes)
    get_hf_api(token=token).delete_space_volumes(space_id)
    out.result("Volumes deleted", space_id=space_id)
    out.hint(_SET_VOLUMES_HINT.format(space_id))


@secrets_cli.command("list | ls", examples=["hf spaces secrets ls username/my-space"])
def secrets_ls(space_id: SpaceIdArg, token: TokenOpt = None) -> None:
    """List secrets for a Space. Secret values are write-only and not returned."""
    secrets = get_hf_api(token=token).get_space_secrets(space_id)
    out.table([_dataclass_as_dict(secret) for secret in secrets.values()])
    out.hint(f"Use `hf spaces secrets add {space_id} -s KEY=VALUE` to add secrets to a Space.")


@secrets_cli.command(
    "add",
    examples=[
        "hf spaces secrets add username/my-space -s HF_TOKEN",
        "hf spaces secrets add username/my-space -s OPENAI_API_KEY=sk-... -s ANTHROPIC_API_KEY=sk-...",
        "hf spaces secrets add username/my-space --secrets-file .env.secrets",
    ],
)
def secrets_add(
    space_id: SpaceIdArg, secrets: SecretsOpt = None, secrets_file: SecretsFileOpt = None, token: TokenOpt = None
) -> None:
    """Add or update secrets for a Space."""
    secrets_map = parse_env_map(secrets, secrets_file)
    if not secrets_map:
        raise CLIError("At least one secret must be specified with -s/--secrets or --secrets-file.")
    api = get_hf_api(token=token)
    for key, value in secrets_map.items():
        api.add_space_secret(space_id, key=key, value=value or "")
    out.result("Secrets added", space_id=space_id, keys=list(secrets_map))
    out.hint(f"Use `hf spaces secrets delete {space_id} <key>` to remove a secret from a Space.")


@secrets_cli.command(
    "delete",
    examples=[
        "hf spaces secrets delete username/my-space HF_TOKEN",
        "hf spaces secrets delete username/my-space HF_TOKEN --yes",
    ],
)
def secrets_delete(
    space_id: SpaceIdArg,
    key: Annotated[str, Argument(help="Name of the secret to remove.")],
    yes: YesOpt = False,
    token: TokenOpt = None,
) -> None:
    """Remove a secret from a Space."""
    out.confirm(
        f"You are about to remove secret '{key}' from Space '{space_id}'. The value cannot be recovered. Proceed?",
        yes=yes,
    )
    get_hf_api(token=token).delete_space_secret(space_id, key=key)
    out.result("Secret deleted", space_id=space_id, key=key)
    out.hint(f"Use `hf spaces secrets add {space_id} -s {key}=<value>` to re-add a secret to a Space.")


@variables_cli.command("list | ls", examples=["hf spaces variables ls username/my-space"])
def variables_ls(space_id: SpaceIdArg, token: TokenOpt = None) -> None:
    """List environment variables for a Space."""
    variables = get_hf_api(token=token).get_space_variables(space_id)
    out.table([_dataclass_as_dict(variable) for variable in variables.values()])
    out.hint(f"Use `hf spaces variables add {space_id} -e KEY=VALUE` to add variables to a Space.")


@variables_cli.command(
    "add",
    examples=[
        "hf spaces variables add username/my-space -e DEBUG=1",
        "hf spaces variables add username/my-space -e MODEL_ID=gpt2 -e MAX_TOKENS=512",
        "hf spaces variables add username/my-space --env-file .env",
    ],
)
def variables_add(
    space_id: SpaceIdArg, env: EnvOpt = None, env_file: EnvFileOpt = None, token: TokenOpt = None
) -> None:
    """Add or update environment variables for a Space."""
    env_map = parse_env_map(env, env_file)
    if not env_map:
        raise CLIError("At least one variable must be specified with -e/--env or --env-file.")
    api = get_hf_api(token=token)
    for key, value in env_map.items():
        api.add_space_variable(space_id, key=key, value=value or "")
    out.result("Variables added", space_id=space_id, keys=list(env_map))
    out.hint(f"Use `hf spaces variables ls {space_id}` to list variables for a Space.")


@variables_cli.command(
    "delete",
    examples=[
        "hf spaces variables delete username/my-space DEBUG",
        "hf spaces variables delete username/my-space DEBUG --yes",
    ],
)
def variables_delete(
    space_id: SpaceIdArg,
    key: Annotated[str, Argument(help="Name of the variable to remove.")],
    yes: YesOpt = False,
    token: TokenOpt = None,
) -> None:
    """Remove an environment variable from a Space."""
    out.confirm(f"You are about to remove variable '{key}' from Space '{space_id}'. Proceed?", yes=yes)
    get_hf_api(token=token).delete_space_variable(space_id, key=key)
    out.result("Variable deleted", space_id=space_id, key=key)
    out.hint(f"Use `hf spaces variables ls {space_id}` to list remaining variables for a Space.")
