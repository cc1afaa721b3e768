"""Building blocks shared by every ``hf`` command: the group class, ``typer_factory`` and common options.

A command module creates its group with ``typer_factory(help=...)``, registers functions with
``@group.command("name | alias", examples=[...])`` and is mounted in ``hf.py`` with
``app.add_group(group, name="...")``. ``typer_factory`` and ``check_cli_update`` are also public
(``huggingface_hub.typer_factory``): downstream CLIs such as ``transformers`` build on them.
"""

import difflib
import re
from collections.abc import Callable, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Literal

import click

from huggingface_hub import __version__

from ._format_flags import apply_formatting_flags, has_own_formatting_option, is_pass_through
from ._framework import Argument, HfCommand, HfGroup, Option
from ._help_formatter import (
    StyledContext,
    generate_epilog,
    write_epilog_unindented,
    write_formatting_options,
)
from ._repo_type_prefix import rewrite_repo_type_prefix
from ._update_check import check_cli_update

if TYPE_CHECKING:
    from huggingface_hub.hf_api import HfApi

__all__ = [
    "HFCliTyperGroup",
    "HFCliCommand",
    "RepoType",
    "SoftChoice",
    "check_cli_update",
    "generate_epilog",
    "get_hf_api",
    "typer_factory",
]

TOPIC_T = Literal["main", "help"] | str

_ALIAS_SEPARATOR = re.compile(r"\s*\|\s*")


def get_hf_api(token: str | None = None) -> "HfApi":
    """The ``HfApi`` client used by commands (identifies itself as ``huggingface-cli``)."""
    from huggingface_hub.hf_api import HfApi  # the client is heavy; commands that need it pay for it

    return HfApi(token=token, library_name="huggingface-cli", library_version=__version__)


# --- Commands and groups ----------------------------------------------------------------------------


class _HfCliCommandBase(HfCommand):
    """A leaf command of ``hf``: styled help, examples epilog, "Formatting options" help section, and
    help (exit 0) instead of an error when a required positional is missing from an empty command line."""

    context_class = StyledContext
    topic: str = "main"
    examples: list[str] = []

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        write_epilog_unindented(self.epilog, formatter)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        # Commands owning a formatting flag, and pass-through commands, don't take the global ones.
        if not has_own_formatting_option(self) and not is_pass_through(self):
            write_formatting_options(formatter)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and not ctx.resilient_parsing:
            if any(isinstance(param, click.Argument) and param.required for param in self.params):
                click.echo(ctx.get_help(), color=ctx.color)
                ctx.exit()
        return super().parse_args(ctx, args)


def HFCliCommand(topic: TOPIC_T, examples: list[str] | None = None) -> type[HfCommand]:
    """The command class for a command listed under ``topic`` ("main", "help", ...) with ``examples``.

    (A class-like name for a function: it is upstream's name, which downstream CLIs may import.)
    """
    return type(
        f"HfCommand{topic.capitalize()}",
        (_HfCliCommandBase,),
        {"topic": topic, "examples": list(examples or [])},
    )


def _command_summaries(group: click.Group, ctx: click.Context) -> list[tuple[str, str]]:
    summaries = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            summaries.append((name, command.get_short_help_str(limit=80)))
    return summaries


def _append_available(error: click.UsageError, label: str, items: list[tuple[str, str]]) -> None:
    """Add "Available <label> for '<cmd>':" and the list of ``items`` to a usage error's message."""
    if not items or error.ctx is None or f"Available {label} for" in error.message:
        return
    path = error.ctx.command_path
    lines = [f"\n\nAvailable {label} for '{path}':"]
    lines += [f"  {name:30s} {text}" for name, text in items]
    lines.append(f"\nRun '{path} --help' for full details.")
    if isinstance(error, click.NoSuchOption) and error.possibilities:
        lines.append(f"\nDid you mean: {', '.join(sorted(error.possibilities))}?")
        # Said above already, Click would repeat it. (setattr: Click's stubs mark these attributes Final.)
        setattr(error, "possibilities", [])  # noqa: B010
    setattr(error, "message", error.message + "\n".join(lines))  # noqa: B010


class HFCliTyperGroup(HfGroup):
    """A group of ``hf`` commands.

    - Commands are listed alphabetically, in one section per topic ("Main commands", "Help commands").
    - A name may carry aliases (``"list | ls"``); the first one is the displayed name.
    - The epilog shows the first example of each command.
    - Leaf commands get the global formatting flags removed from their arguments and applied to ``out``,
      and type-prefixed repo ids rewritten (``datasets/u/n`` -> ``u/n --type dataset``).
    - Unknown commands and options are reported with the list of what is available.
    """

    context_class = StyledContext

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.NoSuchOption as error:
            failing = error.ctx.command if error.ctx is not None else None
            if isinstance(failing, click.Group):
                # A group's only option is --help: listing its commands is more useful.
                _append_available(error, "commands", _command_summaries(failing, error.ctx))  # type: ignore[arg-type]
            elif failing is not None:
                options = [
                    record
                    for param in failing.get_params(error.ctx)  # type: ignore[arg-type]
                    if isinstance(param, click.Option) and not param.hidden
                    if (record := param.get_help_record(error.ctx)) is not None  # type: ignore[arg-type]
                ]
                _append_available(error, "options", options)
            raise

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[Any, ...]:
        name = args[0] if args and not args[0].startswith("-") else None
        known = self.get_command(ctx, name) if name else None
        if known is not None:
            rewrite_repo_type_prefix(known, args)
        try:
            resolved_name, command, rest = super().resolve_command(ctx, args)
        except click.UsageError as error:
            if known is None and name is not None:
                self._explain_unknown_command(ctx, error, name)
            raise
        if command is not None and not isinstance(command, click.Group):
            apply_formatting_flags(command, rest)
        return resolved_name, command, rest

    def _explain_unknown_command(self, ctx: click.Context, error: click.UsageError, name: str) -> None:
        visible = [
            alias
            for key, command in self.commands.items()
            if not command.hidden
            for alias in _ALIAS_SEPARATOR.split(key)
        ]
        close = difflib.get_close_matches(name, visible)
        if close:
            suggestions = ", ".join(f"'{match}'" for match in close)
            setattr(error, "message", f"{error.message.rstrip('.')}. Did you mean {suggestions}?")  # noqa: B010
        _append_available(error, "commands", _command_summaries(self, ctx))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        for key, candidate in self.commands.items():
            if cmd_name in _ALIAS_SEPARATOR.split(key):
                return candidate
        return None

    def _alias_map(self) -> dict[str, list[str]]:
        """Displayed name -> its aliases."""
        names = (_ALIAS_SEPARATOR.split(key) for key in self.commands)
        return {primary: aliases for primary, *aliases in names}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_ALIAS_SEPARATOR.split(key)[0] for key in self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        by_topic: dict[str, list[tuple[str, str]]] = {}
        aliases = self._alias_map()
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            text = command.get_short_help_str(limit=formatter.width)
            if aliases.get(name):
                text += f" [alias: {', '.join(aliases[name])}]"
            by_topic.setdefault(getattr(command, "topic", "main"), []).append((name, text))
        with formatter.section("Main commands"):
            formatter.write_dl(by_topic.get("main", []))
        for topic in sorted(by_topic):
            if topic != "main":
                with formatter.section(f"{topic.capitalize()} commands"):
                    formatter.write_dl(by_topic[topic])

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        first_examples = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            examples = getattr(command, "examples", None) if command is not None and not command.hidden else None
            if examples:
                first_examples.append(examples[0])
        write_epilog_unindented(generate_epilog(first_examples) if first_examples else self.epilog, formatter)

    def command(  # type: ignore[override]  # adds the topic and the examples
        self,
        name: str | None = None,
        *,
        topic: TOPIC_T = "main",
        examples: list[str] | None = None,
        epilog: str | None = None,
        **kwargs: Any,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        if epilog is None and examples:
            epilog = generate_epilog(examples)
        return super().command(name, cls=HFCliCommand(topic, examples), epilog=epilog, **kwargs)


def typer_factory(help: str, epilog: str | None = None, cls: type[HFCliTyperGroup] | None = None) -> HFCliTyperGroup:
    """Create a command group with the ``hf`` look and behaviour (the app of a CLI, or one of its groups).

    Register commands with ``@group.command(...)``, sub-groups with ``group.add_group(sub, name=...)``
    and the group's own options with ``@group.group_callback(...)``.

    Args:
        help: Help text of the group.
        epilog: Text after the command list, used when no command has examples (see `generate_epilog`).
        cls: Group class, `HFCliTyperGroup` by default.
    """
    return (cls or HFCliTyperGroup)(
        help=help,
        epilog=epilog,
        no_args_is_help=True,  # a bare group prints its help, with exit code 2
        context_settings={"max_content_width": 120, "help_option_names": ["-h", "--help"]},
    )


# --- Parameter types and shared options ---------------------------------------------------------------


class SoftChoice(click.Choice):
    """A choice that documents (and completes) known values but accepts any other value as-is.

    For server-side lists that grow over time (hardware flavors, providers...): an older client must not
    reject a value the server has learnt since. Takes a list of strings or a str-valued Enum.
    """

    def __init__(self, choices: Sequence[str] | type[Enum]) -> None:
        if isinstance(choices, type) and issubclass(choices, Enum):
            values = [member.value for member in choices]
        else:
            values = list(choices)
        super().__init__(values, case_sensitive=True)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            return str(value)


class RepoType(str, Enum):
    model = "model"
    dataset = "dataset"
    space = "space"


TokenOpt = Annotated[
    str | None,
    Option(help="A User Access Token generated from https://huggingface.co/settings/tokens."),
]

RepoIdArg = Annotated[
    str,
    Argument(help="The ID of the repo (e.g. `username/repo-name` or `spaces/username/repo-name`)."),
]

RepoTypeOpt = Annotated[
    RepoType,
    Option("--type", "--repo-type", help="The type of repository (model, dataset, or space)."),
]

RepoTypeOptionalOpt = Annotated[
    RepoType | None,
    Option(
        "--type",
        "--repo-type",
        help="The type of repository (model, dataset, or space).",
        show_default="model",
    ),
]

RevisionOpt = Annotated[
    str | None,
    Option(help="Git revision id which can be a branch name, a tag, or a commit hash."),
]
