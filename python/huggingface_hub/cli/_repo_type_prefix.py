"""Repo ids written with a type prefix: ``hf <cmd> datasets/user/name`` means ``user/name --type dataset``.

Only commands that have a ``--type`` option are concerned, and only their repo-id positionals
(parameters named ``repo_id``, ``from_id`` or ``to_id``): file names or local paths that happen to
start with ``datasets/`` must stay untouched.
"""

import click

from huggingface_hub import constants

_REPO_ID_PARAMS = ("repo_id", "from_id", "to_id")
_TYPE_FLAGS = ("--type", "--repo-type")


def rewrite_repo_type_prefix(command: click.Command, args: list[str]) -> None:
    """Strip type prefixes from repo-id positionals in ``args`` (in place) and append ``--type <type>``.

    ``args[0]`` is the command name. Raises ``click.UsageError`` when the prefix contradicts another
    prefix or an explicit ``--type``.
    """
    if not any(isinstance(param, click.Option) and "--type" in param.opts for param in command.params):
        return
    positions = _repo_id_positions(command, args)
    if not positions:
        return

    repo_type: str | None = None
    first_prefix: str | None = None
    rewrites: list[tuple[int, str]] = []
    for position in positions:
        parts = args[position].split("/", 2)
        if len(parts) != 3 or parts[0] not in constants.REPO_TYPES_MAPPING:
            continue
        prefix = parts[0]
        prefixed_type = constants.REPO_TYPES_MAPPING[prefix]
        if repo_type is not None and prefixed_type != repo_type:
            raise click.UsageError(f"Conflicting repo type prefixes: '{first_prefix}/' and '{prefix}/'.")
        repo_type, first_prefix = prefixed_type, prefix
        rewrites.append((position, f"{parts[1]}/{parts[2]}"))
    if not rewrites or repo_type is None:
        return

    if any(arg in _TYPE_FLAGS or arg.startswith(tuple(flag + "=" for flag in _TYPE_FLAGS)) for arg in args):
        raise click.UsageError(
            f"Ambiguous repo type: got prefix '{first_prefix}/' in repo ID and explicit --type. Use one or the other."
        )
    for position, repo_id in rewrites:
        args[position] = repo_id
    args.extend(["--type", repo_type])


def _repo_id_positions(command: click.Command, args: list[str]) -> list[int]:
    """Indexes in ``args`` of the tokens that fill a repo-id positional of ``command``."""
    arguments = [param for param in command.params if isinstance(param, click.Argument)]
    wanted_slots = {slot for slot, param in enumerate(arguments) if param.name in _REPO_ID_PARAMS}
    if not wanted_slots:
        return []
    takes_value = {
        opt
        for param in command.params
        if isinstance(param, click.Option) and not param.is_flag
        for opt in (*param.opts, *param.secondary_opts)
    }

    positions: list[int] = []
    slot = 0
    index = 1  # args[0] is the command name
    while index < len(args):
        arg = args[index]
        if arg == "--":
            break  # what follows is literal
        if arg.startswith("-"):
            # `--opt value` spans two tokens; flags and `--opt=value` one.
            index += 2 if "=" not in arg and arg in takes_value else 1
            continue
        if slot in wanted_slots:
            positions.append(index)
        slot += 1
        index += 1
    return positions
