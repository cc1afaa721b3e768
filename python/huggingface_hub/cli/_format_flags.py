"""The global formatting flags: ``--format X``, ``--json``, ``-q/--quiet`` and ``--no-truncate``.

Leaf commands don't declare these flags. They may appear anywhere among a leaf command's arguments
(before a ``--`` separator); the group removes them before Click parses the rest, and applies them to
``out``. Two exceptions:

- pass-through commands (``ignore_unknown_options``) forward their arguments verbatim to another
  program, so nothing is touched;
- a command that owns a ``--format`` option parses it itself; ``--json`` and ``-q`` are then rewritten
  into ``--format json`` / ``--format quiet`` for it.
"""

import click

from ._output import OutputFormat, out

_FORMAT_FLAG = "--format"
_JSON_FLAG = "--json"
_QUIET_FLAGS = ("-q", "--quiet")
_NO_TRUNCATE_FLAG = "--no-truncate"


def _own_option_names(command: click.Command) -> set[str]:
    names: set[str] = set()
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(param.opts)
            names.update(param.secondary_opts)
    return names


def has_own_formatting_option(command: click.Command) -> bool:
    """Whether ``command`` declares ``--format``, ``--json`` or ``-q/--quiet`` itself."""
    return bool(_own_option_names(command) & {_FORMAT_FLAG, _JSON_FLAG, *_QUIET_FLAGS})


def is_pass_through(command: click.Command) -> bool:
    return bool(command.context_settings.get("ignore_unknown_options"))


def apply_formatting_flags(command: click.Command, args: list[str]) -> None:
    """Remove the global formatting flags from ``args`` (in place) and apply them to ``out``.

    Raises:
        click.UsageError: two of ``--format``/``--json``/``-q`` given, an unknown format, or a value given
            to ``--no-truncate``.
    """
    if is_pass_through(command):
        return
    out.set_no_truncate(_take_no_truncate(args))

    own = _own_option_names(command)
    if _FORMAT_FLAG in own:
        _rewrite_shortcuts_for_own_format(
            args, rewrite_json=_JSON_FLAG not in own, rewrite_quiet=not own.intersection(_QUIET_FLAGS)
        )
        return
    out.set_mode(_take_format(args))


def _take_no_truncate(args: list[str]) -> bool:
    found = False
    index = 0
    while index < len(args) and args[index] != "--":
        arg = args[index]
        if arg == _NO_TRUNCATE_FLAG:
            del args[index]
            found = True
            continue
        if arg.startswith(_NO_TRUNCATE_FLAG + "="):
            raise click.UsageError(f"Option '{_NO_TRUNCATE_FLAG}' does not take a value.")
        index += 1
    return found


def _take_format(args: list[str]) -> OutputFormat:
    """Remove ``--format/--json/-q/--quiet`` from ``args``; the selected format (``auto`` if none)."""
    selected = OutputFormat.auto
    seen_flag: str | None = None
    index = 0
    while index < len(args) and args[index] != "--":
        arg = args[index]
        if arg == _FORMAT_FLAG or arg.startswith(_FORMAT_FLAG + "="):
            flag = _FORMAT_FLAG
            # Conflicts are reported before the value is looked at: "mutually exclusive" is the real issue.
            _reject_second(seen_flag, flag)
            if arg != _FORMAT_FLAG:
                value, consumed = arg.partition("=")[2], 1
            elif index + 1 < len(args):
                value, consumed = args[index + 1], 2
            else:
                raise click.UsageError(f"Option '{_FORMAT_FLAG}' requires a value.")
            selected = parse_format(value)
        elif arg == _JSON_FLAG:
            flag, consumed = arg, 1
            _reject_second(seen_flag, flag)
            selected = OutputFormat.json
        elif arg in _QUIET_FLAGS:
            flag, consumed = arg, 1
            _reject_second(seen_flag, flag)
            selected = OutputFormat.quiet
        else:
            index += 1
            continue
        seen_flag = flag
        del args[index : index + consumed]
    return selected


def _reject_second(seen_flag: str | None, flag: str) -> None:
    if seen_flag is not None:
        raise click.UsageError(f"'{seen_flag}' and '{flag}' are mutually exclusive.")


def parse_format(value: str) -> OutputFormat:
    try:
        return OutputFormat(value)
    except ValueError:
        valid = ", ".join(member.value for member in OutputFormat)
        raise click.UsageError(f"Invalid value for '{_FORMAT_FLAG}': '{value}'. Valid values: {valid}.") from None


def _rewrite_shortcuts_for_own_format(args: list[str], *, rewrite_json: bool, rewrite_quiet: bool) -> None:
    """For a command owning ``--format``: ``--json`` -> ``--format json``, ``-q`` -> ``--format quiet``."""
    format_given = any(arg == _FORMAT_FLAG or arg.startswith(_FORMAT_FLAG + "=") for arg in args)
    if rewrite_json and _JSON_FLAG in args:
        if format_given:
            raise click.UsageError(f"'{_JSON_FLAG}' and '{_FORMAT_FLAG}' are mutually exclusive.")
        position = args.index(_JSON_FLAG)
        args[position : position + 1] = [_FORMAT_FLAG, "json"]
        format_given = True
    if rewrite_quiet:
        flag = next((candidate for candidate in _QUIET_FLAGS if candidate in args), None)
        if flag is not None:
            if format_given:
                raise click.UsageError(f"'{flag}' and '{_FORMAT_FLAG}' are mutually exclusive.")
            position = args.index(flag)
            args[position : position + 1] = [_FORMAT_FLAG, "quiet"]
