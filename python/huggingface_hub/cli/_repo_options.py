"""Options shared by the repository commands (``hf repos``, ``hf models|datasets|spaces``), and their parsers.

- search listings: ``--search``, ``--author``, ``--filter``, ``--limit`` and ``--expand`` (validated against the
  properties the Hub can expand for that kind of repository);
- visibility: ``--private``;
- Space settings given at creation or duplication: ``--env``/``--secrets`` (dotenv syntax, a bare ``HF_TOKEN``
  meaning the caller's token), their ``--*-file`` variants, and ``--volume`` mounts (``hf://`` syntax).
"""

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, TypeVar, cast

import click

from huggingface_hub._space_api import Volume
from huggingface_hub.errors import CLIError
from huggingface_hub.utils._auth import get_token
from huggingface_hub.utils._dotenv import load_dotenv
from huggingface_hub.utils._hf_uris import parse_hf_mount

from ._framework import Option

REPO_LIST_DEFAULT_LIMIT = 30

PrivateOpt = Annotated[
    bool | None,
    Option(
        help="Whether to create a private repo if repo doesn't exist on the Hub. Ignored if the repo already exists."
    ),
]

LimitOpt = Annotated[int, Option(help="Limit the number of results.")]

AuthorOpt = Annotated[str | None, Option(help="Filter by author or organization.")]

FilterOpt = Annotated[
    list[str] | None,
    Option(help="Filter by tags (e.g. 'text-classification'). Can be used multiple times."),
]

SearchOpt = Annotated[str | None, Option(help="Search query.")]

# `hf models|datasets|spaces ls <repo_id>` lists the repository's files instead of searching.
HumanReadableOpt = Annotated[
    bool, Option("--human-readable", "-h", help="Show sizes in human readable format (only for listing files).")
]
TreeOpt = Annotated[bool, Option("--tree", help="List files in tree format (only for listing files).")]
RecursiveOpt = Annotated[bool, Option("--recursive", "-R", help="List files recursively (only for listing files).")]

EnvOpt = Annotated[list[str] | None, Option("-e", "--env", help="Set environment variables. E.g. --env ENV=value")]

SecretsOpt = Annotated[
    list[str] | None,
    Option(
        "-s",
        "--secrets",
        help="Set secret environment variables. E.g. --secrets SECRET=value"
        " or `--secrets HF_TOKEN` to pass your Hugging Face token.",
    ),
]

EnvFileOpt = Annotated[str | None, Option("--env-file", help="Read in a file of environment variables.")]

SecretsFileOpt = Annotated[str | None, Option(help="Read in a file of secret environment variables.")]

VolumesOpt = Annotated[
    list[str] | None,
    Option(
        "-v",
        "--volume",
        help="Mount one or more volumes. Format: hf://[TYPE/]SOURCE:/MOUNT_PATH[:ro]. "
        "TYPE is one of: models, datasets, spaces, buckets. "
        "TYPE defaults to models if omitted. "
        "models, datasets and spaces are always mounted read-only. buckets are read+write by default. "
        "E.g. -v hf://org/m:/data or -v hf://datasets/org/ds:/data or -v hf://buckets/org/b:/mnt:ro",
    ),
]


def parse_env_map(env: list[str] | None = None, env_file: str | None = None) -> dict[str, str | None]:
    """The variables of ``--env-file`` then of each ``--env`` value (later ones win), in dotenv syntax.

    A bare name takes its value from the environment, where ``HF_TOKEN`` is the caller's token when one is
    available (so ``--secrets HF_TOKEN`` forwards it).

    Raises:
        [`~errors.CLIError`]: ``env_file`` cannot be read.
    """
    environ = dict(os.environ)
    token = get_token()
    if token is not None:
        environ["HF_TOKEN"] = token
    variables: dict[str, str | None] = {}
    if env_file:
        try:
            text = Path(env_file).read_text()
        except OSError as error:
            # Upstream lets the OSError escape as a traceback; one line says the same.
            raise CLIError(f"Cannot read '{env_file}': {error.strerror or error}.") from error
        variables.update(load_dotenv(text, environ=environ))
    for definition in env or []:
        variables.update(load_dotenv(definition, environ=environ))
    return variables


def env_map_to_key_value_list(env_map: dict[str, str | None]) -> list[dict[str, str]] | None:
    """The Hub's ``[{"key": ..., "value": ...}]`` form of ``env_map`` (None when empty)."""
    if not env_map:
        return None
    return [{"key": key, "value": value or ""} for key, value in env_map.items()]


def parse_volumes(volumes: list[str] | None) -> list[Volume] | None:
    """``-v hf://[TYPE/]SOURCE[@REV][/PATH]:/MOUNT_PATH[:ro|:rw]`` values as :class:`Volume` objects.

    Raises:
        [`~errors.HfUriError`]: a value is not a valid mount specification.
    """
    if not volumes:
        return None
    parsed = []
    for spec in volumes:
        mount = parse_hf_mount(spec)
        parsed.append(
            Volume(
                type=mount.source.type,
                source=mount.source.id,
                mount_path=mount.mount_path,
                read_only=mount.read_only,
                path=mount.source.path_in_repo or None,
                revision=mount.source.revision or None,
            )
        )
    return parsed


PropertyT = TypeVar("PropertyT", bound=str)


def make_expand_properties_parser(
    valid_properties: Sequence[PropertyT],
) -> Callable[[str | None], list[PropertyT] | None]:
    """A parser for ``--expand a,b,c`` that rejects properties not in ``valid_properties``."""

    def parse(value: str | None) -> list[PropertyT] | None:
        if value is None:
            return None
        properties = [name.strip() for name in value.split(",")]
        for name in properties:
            if name not in valid_properties:
                raise click.BadParameter(
                    f"Invalid expand property: '{name}'. Valid values are: {', '.join(valid_properties)}"
                )
        return [cast(PropertyT, name) for name in properties]

    return parse


def reject_options(given: dict[str, bool], when: str) -> None:
    """Fail with ``Cannot use <flag> when <when>.`` for the first flag of ``given`` that was used."""
    for flag, used in given.items():
        if used:
            raise click.BadParameter(f"Cannot use {flag} when {when}.")
