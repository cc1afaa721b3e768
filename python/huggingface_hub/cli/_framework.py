"""Declaration layer of the ``hf`` CLI: plain Python functions become Click commands.

A command is an ordinary function whose parameters are annotated, e.g.
``revision: Annotated[str | None, Option(help="...")] = None``. The annotation gives the type, the
marker (:class:`Option` or :class:`Argument`) gives the command-line shape, and the ``= value`` gives the
default (a parameter without default is required). This is the small subset of Typer the CLI needs,
rendered the way Typer renders help (separate "Arguments" and "Options" sections, ``[default: ...]``
suffixes, ``--flag/--no-flag`` toggles), so help texts stay identical to upstream ``hf``.

Markers of the real Typer (``typer.Option`` / ``typer.Argument``) are recognised by shape, without
importing Typer, because downstream CLIs (e.g. ``transformers``) register such functions on the
group returned by the public :func:`huggingface_hub.typer_factory`.
"""

import enum
import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import click


def get_command_name(name: str) -> str:
    """CLI spelling of a Python identifier: ``force_download`` -> ``force-download``."""
    return name.lower().replace("_", "-")


# --- Markers ---------------------------------------------------------------------------------------


class ParameterInfo:
    """What a command parameter looks like on the command line (the type comes from the annotation).

    ``callback`` is a value parser ``fn(value) -> parsed`` (Typer style): it receives the converted value,
    not Click's ``(ctx, param, value)``, and its return value is what the command receives.
    """

    def __init__(
        self,
        *param_decls: str,
        help: str | None = None,
        show_default: bool | str = True,
        hidden: bool = False,
        is_eager: bool = False,
        callback: Callable[..., Any] | None = None,
        min: int | float | None = None,
        click_type: click.ParamType | None = None,
        metavar: str | None = None,
    ) -> None:
        self.param_decls = list(param_decls)
        self.help = help
        self.show_default = show_default
        self.hidden = hidden
        self.is_eager = is_eager
        self.callback = callback
        self.min = min
        self.click_type = click_type
        self.metavar = metavar


class Option(ParameterInfo):
    """An option: ``Annotated[str | None, Option("--revision", help=...)]``. Flags default to ``--name``."""


class Argument(ParameterInfo):
    """A positional argument: ``Annotated[str, Argument(help=...)]``."""


def _is_typer_marker(obj: Any) -> bool:
    return type(obj).__module__.partition(".")[0] == "typer" and type(obj).__name__ in ("OptionInfo", "ArgumentInfo")


def _from_typer_marker(marker: Any, *, inside_annotated: bool) -> ParameterInfo:
    """Translate a ``typer.Option(...)`` / ``typer.Argument(...)`` object into our own marker."""
    decls = list(getattr(marker, "param_decls", None) or ())
    is_option = type(marker).__name__ == "OptionInfo"
    if is_option and inside_annotated and isinstance(getattr(marker, "default", None), str):
        # Inside ``Annotated`` Typer keeps the first flag in ``default``: Option("--flag", "-f").
        decls.insert(0, marker.default)
    cls: type[ParameterInfo] = Option if is_option else Argument
    return cls(
        *decls,
        help=getattr(marker, "help", None),
        show_default=getattr(marker, "show_default", True),
        hidden=getattr(marker, "hidden", False),
        is_eager=getattr(marker, "is_eager", False),
        callback=getattr(marker, "callback", None),
        min=getattr(marker, "min", None),
        click_type=getattr(marker, "click_type", None),
        metavar=getattr(marker, "metavar", None),
    )


# --- Reading a function signature --------------------------------------------------------------------


@dataclass
class _ParamSpec:
    """One function parameter, decoded: its base type, whether it is a list, its marker and default."""

    name: str
    base_type: Any
    is_list: bool
    marker: ParameterInfo
    required: bool
    default: Any


def _strip_optional_and_list(annotation: Any) -> tuple[Any, bool]:
    """``T | None`` -> ``T``; ``list[T]`` -> ``(T, True)``."""
    if get_origin(annotation) in (Union, UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(members) != 1:
            raise TypeError(f"Unsupported CLI annotation {annotation!r}: only `T | None` unions are supported.")
        annotation = members[0]
    if get_origin(annotation) in (list, Sequence):
        return get_args(annotation)[0], True
    return annotation, False


def _is_context_type(annotation: Any) -> bool:
    if not isinstance(annotation, type):
        return False
    # Typer's Context subclasses Typer's vendored copy of Click, so compare it by name too.
    return issubclass(annotation, click.Context) or (
        annotation.__module__.partition(".")[0] == "typer" and annotation.__name__ == "Context"
    )


def _read_signature(func: Callable[..., Any]) -> tuple[list[_ParamSpec], str | None]:
    """Decode every parameter of ``func``; also return the name of a ``click.Context`` parameter, if any."""
    specs: list[_ParamSpec] = []
    context_name: str | None = None
    for name, parameter in inspect.signature(func).parameters.items():
        # Raw annotations on purpose: `typing.get_type_hints` loses `Annotated[X | None, ...]` on Python 3.10.
        annotation = str if parameter.annotation is inspect.Parameter.empty else parameter.annotation
        marker: ParameterInfo | None = None
        if get_origin(annotation) is Annotated:
            annotation, *extras = get_args(annotation)
            marker = next((extra for extra in extras if isinstance(extra, ParameterInfo)), None)
            if marker is None:
                typer_marker = next((extra for extra in extras if _is_typer_marker(extra)), None)
                if typer_marker is not None:
                    marker = _from_typer_marker(typer_marker, inside_annotated=True)
        if _is_context_type(annotation):
            context_name = name
            continue

        default = parameter.default
        if _is_typer_marker(default):
            # Old Typer style `name: str = typer.Option("value", ...)`: the marker carries the default.
            if marker is None:
                marker = _from_typer_marker(default, inside_annotated=False)
            marker_default = getattr(default, "default", ...)
            default = inspect.Parameter.empty if marker_default is ... else marker_default

        required = default is inspect.Parameter.empty
        default = None if required else default
        if isinstance(default, enum.Enum):
            default = default.value
        if marker is None:
            marker = Argument() if required else Option()
        base_type, is_list = _strip_optional_and_list(annotation)
        specs.append(_ParamSpec(name, base_type, is_list, marker, required, default))
    return specs, context_name


# --- Types and value conversion ----------------------------------------------------------------------


def _click_type(spec: _ParamSpec) -> click.ParamType:
    """The Click type for a parameter's base annotation."""
    marker, annotation = spec.marker, spec.base_type
    if marker.click_type is not None:
        return marker.click_type
    if annotation is str:
        return click.STRING
    if annotation is bool:
        return click.BOOL
    if annotation is int:
        return click.INT if marker.min is None else click.IntRange(min=int(marker.min))
    if annotation is float:
        return click.FLOAT if marker.min is None else click.FloatRange(min=marker.min)
    if annotation is Path:
        return click.Path(path_type=Path)
    if annotation is datetime:
        return click.DateTime()
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        values = [member.value for member in annotation]
        if not all(isinstance(value, str) for value in values):
            # Caught when the command is declared rather than as an obscure parse error later.
            raise TypeError(f"Unsupported enum {annotation.__name__!r}: only str-valued enums are supported.")
        return click.Choice(values)
    if get_origin(annotation) is Literal:
        return click.Choice([str(value) for value in get_args(annotation)])
    raise TypeError(f"Unsupported CLI annotation {annotation!r} for parameter {spec.name!r}.")


def _value_converter(spec: _ParamSpec) -> Callable[[Any], Any] | None:
    """Post-parse conversion: choice strings back to enum members, Click tuples to lists (None if empty)."""
    to_member: Callable[[Any], Any] | None = None
    annotation = spec.base_type
    if spec.marker.click_type is None and isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        members = {str(member.value): member for member in annotation}

        def to_member(value: Any) -> Any:
            return None if value is None else members.get(str(value))

    if not spec.is_list:
        return to_member

    default_is_none = spec.default is None

    def to_list(values: Sequence[Any] | None) -> list[Any] | None:
        if values is None or (default_is_none and len(values) == 0):
            return None
        return [to_member(value) if to_member else value for value in values]

    return to_list


# --- Help rendering of parameters (Typer's layout) ---------------------------------------------------


def _strip_prefix(opt: str) -> str:
    """``--no-force`` -> ``no-force``; ``-q`` -> ``q``."""
    if opt[:1].isalnum():
        return opt
    return opt[2:] if opt[1:2] == opt[:1] else opt[1:]


def _default_text(param: "HfArgument | HfOption", value: Any) -> str:
    """How a default value reads inside ``[default: ...]`` ('' means: show nothing)."""
    if isinstance(param.show_default, str):
        return f"({param.show_default})"
    if isinstance(value, (list, tuple)):
        return ", ".join(_default_text(param, item) for item in value)
    if isinstance(value, enum.Enum):
        return str(value.value)
    if inspect.isfunction(value):
        return "(dynamic)"
    if isinstance(param, HfOption) and param.is_bool_flag:
        if param.secondary_opts:
            # A toggle names the side that is on by default: `no-force`.
            return _strip_prefix(param.opts[0] if value else param.secondary_opts[0])
        if not value:
            return ""
    return str(value)


def _range_text(param_type: click.ParamType) -> str:
    """``x>=1``-style description of a numeric range type ('' for other types)."""
    if not isinstance(param_type, (click.IntRange, click.FloatRange)):
        return ""
    low, high = param_type.min, param_type.max
    low_op = "<" if param_type.min_open else "<="
    high_op = "<" if param_type.max_open else "<="
    if low is None and high is None:
        return ""
    if low is None:
        return f"x{high_op}{high}"
    if high is None:
        return f"x{'>' if param_type.min_open else '>='}{low}"
    return f"{low}{low_op}x{high_op}{high}"


def _help_with_extras(param: "HfArgument | HfOption", ctx: click.Context) -> str:
    """The parameter's help followed by ``  [default: ...; <range>; required]`` when relevant."""
    was_resilient = ctx.resilient_parsing
    ctx.resilient_parsing = True  # the default must not be type-checked just to be displayed
    try:
        default = param.get_default(ctx, call=False)
    finally:
        ctx.resilient_parsing = was_resilient

    extras: list[str] = []
    if isinstance(param.show_default, str) or (default is not None and (param.show_default or ctx.show_default)):
        text = _default_text(param, default)
        if text:
            extras.append(f"default: {text}")
    if isinstance(param, HfOption):  # like Typer, arguments never describe their range
        range_text = _range_text(param.type)
        if range_text:
            extras.append(range_text)
    if param.required:
        extras.append("required")

    base = param.help or ""
    if not extras:
        return base
    suffix = "[" + "; ".join(extras) + "]"
    return f"{base}  {suffix}" if base else suffix


class HfArgument(click.Argument):
    """A positional argument that appears in help (plain Click arguments have no help record)."""

    def __init__(
        self,
        param_decls: Sequence[str],
        *,
        help: str | None = None,
        show_default: bool | str = True,
        hidden: bool = False,
        **attrs: Any,
    ) -> None:
        self.show_default = show_default
        self.hidden = hidden
        super().__init__(param_decls, **attrs)
        # Assigned after Click's constructor, which (since Click 8.5) resets `help` itself.
        self.help = help

    def make_metavar(self, ctx: click.Context) -> str:
        if self.metavar is not None:
            text = self.metavar
            return text if self.required or text.startswith("[") else f"[{text}]"
        text = (self.name or "").upper()
        if not self.required:
            text = f"[{text}]"
        type_metavar = self.type.get_metavar(self, ctx=ctx)
        if type_metavar:
            text += f":{type_metavar}"
        if self.nargs != 1:
            text += "..."
        return text

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:  # type: ignore[override]
        if self.hidden:
            return None
        return self.make_metavar(ctx), _help_with_extras(self, ctx)


class HfOption(click.Option):
    """An option whose help record reads like Typer's (``--a / --no-a`` toggles, default suffixes)."""

    show_default: bool | str

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        if self.hidden:
            return None
        uses_slash_prefix = False

        def spell(opts: Sequence[str]) -> str:
            nonlocal uses_slash_prefix
            text, has_slash = click.formatting.join_options(opts)
            uses_slash_prefix = uses_slash_prefix or has_slash
            if not self.is_flag and not self.count:
                text += f" {self.make_metavar(ctx)}"
            return text

        forms = [spell(self.opts)]
        if self.secondary_opts:
            forms.append(spell(self.secondary_opts))
        separator = "; " if uses_slash_prefix else " / "
        return separator.join(forms), _help_with_extras(self, ctx)


# --- Building Click parameters and commands ------------------------------------------------------------


def _click_callback(
    parse: Callable[[Any], Any], convert: Callable[[Any], Any] | None
) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """Adapt a Typer-style ``parse(value)`` to Click's ``callback(ctx, param, value)``."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        return parse(convert(value) if convert else value)

    return callback


def _build_param(spec: _ParamSpec) -> tuple[click.Parameter, Callable[[Any], Any] | None]:
    """The Click parameter for ``spec``, plus the conversion the command handler still has to apply."""
    marker = spec.marker
    convert = _value_converter(spec)
    # A user callback receives the converted value and its result is final: nothing left for the handler.
    click_callback = _click_callback(marker.callback, convert) if marker.callback else None
    handler_convert = None if marker.callback else convert
    common: dict[str, Any] = {
        "required": spec.required,
        "default": spec.default,
        "is_eager": marker.is_eager,
        "callback": click_callback,
        "help": marker.help,
        "show_default": marker.show_default,
        "hidden": marker.hidden,
        "metavar": marker.metavar,
    }

    if isinstance(marker, Argument):
        argument = HfArgument([spec.name], type=_click_type(spec), nargs=-1 if spec.is_list else 1, **common)
        return argument, handler_convert

    is_flag = spec.base_type is bool
    if marker.param_decls:
        decls = [spec.name, *marker.param_decls]
    else:
        flag = get_command_name(spec.name)
        decls = [spec.name, f"--{flag}/--no-{flag}" if is_flag else f"--{flag}"]
    # The leading Python name keeps Click's parameter name equal to the function's keyword.
    option = HfOption(
        decls,
        type=None if is_flag else _click_type(spec),  # Click infers flag types and rejects an explicit one
        is_flag=is_flag,
        multiple=spec.is_list,
        **common,
    )
    return option, handler_convert


def _build_params(func: Callable[..., Any]) -> tuple[list[click.Parameter], Callable[..., Any]]:
    """Click parameters for ``func`` and the handler that calls ``func`` with converted values."""
    specs, context_name = _read_signature(func)
    params: list[click.Parameter] = []
    converters: dict[str, Callable[[Any], Any]] = {}
    for spec in specs:
        param, convert = _build_param(spec)
        params.append(param)
        if convert is not None:
            converters[spec.name] = convert

    def handler(**values: Any) -> Any:
        kwargs = {name: converters[name](value) if name in converters else value for name, value in values.items()}
        if context_name is not None:
            kwargs[context_name] = click.get_current_context()
        return func(**kwargs)

    functools.update_wrapper(handler, func)
    return params, handler


def _write_param_sections(command: click.Command, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    """Typer's help layout: an "Arguments" section, then an "Options" section."""
    sections: dict[str, list[tuple[str, str]]] = {"argument": [], "option": []}
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is not None and param.param_type_name in sections:
            sections[param.param_type_name].append(record)
    for title, kind in (("Arguments", "argument"), ("Options", "option")):
        if sections[kind]:
            with formatter.section(title):
                formatter.write_dl(sections[kind])


class HfCommand(click.Command):
    """A leaf command with Typer's help layout."""

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Click >= 8.5 adds its own "Positional arguments" section; ours is written by `format_options`.
        return None

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _write_param_sections(self, ctx, formatter)


def build_command(
    func: Callable[..., Any],
    *,
    name: str | None = None,
    cls: type[click.Command] | None = None,
    help: str | None = None,
    epilog: str | None = None,
    short_help: str | None = None,
    options_metavar: str = "[OPTIONS]",
    add_help_option: bool = True,
    no_args_is_help: bool = False,
    hidden: bool = False,
    deprecated: bool = False,
    context_settings: dict[str, Any] | None = None,
) -> click.Command:
    """A Click command running ``func``, with parameters read from its annotated signature."""
    params, handler = _build_params(func)
    return (cls or HfCommand)(
        name=name if name is not None else get_command_name(func.__name__),
        callback=handler,
        params=params,
        help=inspect.cleandoc(help) if help else inspect.getdoc(func),
        epilog=epilog,
        short_help=short_help,
        options_metavar=options_metavar,
        add_help_option=add_help_option,
        no_args_is_help=no_args_is_help,
        hidden=hidden,
        deprecated=deprecated,
        context_settings=context_settings or {},
    )


class HfGroup(click.Group):
    """A command group with a decorator API for annotated functions.

    ``@group.command(...)`` registers a function, ``group.add_group(sub, name=...)`` a sub-group and
    ``@group.group_callback(...)`` the group's own function (Click already uses the name ``callback``).
    """

    command_class: type[click.Command] = HfCommand

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        return None  # see HfCommand.format_arguments

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _write_param_sections(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # declaration order; subclasses sort

    def command(  # type: ignore[override]  # builds commands from annotated functions
        self, name: str | None = None, *, cls: type[click.Command] | None = None, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            command = build_command(func, name=name, cls=cls or self.command_class, **kwargs)
            self.add_command(command, command.name)
            return func

        return register

    def add_group(self, group: click.Group, *, name: str, hidden: bool = False) -> None:
        """Register ``group`` under ``name``, which may list aliases: ``"repos | repo"``."""
        group.name = name
        group.hidden = hidden
        self.add_command(group, name)

    def group_callback(
        self, *, invoke_without_command: bool = False
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the function run by the group itself (its parameters become group options)."""

        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            params, handler = _build_params(func)
            self.callback = handler
            self.params = [*self.params, *params]
            self.invoke_without_command = invoke_without_command
            if invoke_without_command:
                self.subcommand_metavar = "[COMMAND] [ARGS]..."  # the sub-command becomes optional
            if self.help is None and func.__doc__:
                self.help = inspect.cleandoc(func.__doc__)
            return func

        return register
