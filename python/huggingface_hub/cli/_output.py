"""How the ``hf`` CLI talks to its user: one ``out`` object, five output formats.

Commands never ``print`` results themselves; they call ``out.text/table/dict/result`` for stdout and
``out.warning/error/log/hint`` for stderr, and the selected format decides the rendering:

- ``human``: colors, padded tables, a green check mark before results;
- ``agent``: the same information without colors and in machine-friendly shapes (TSV, ``key=value``);
- ``json``: JSON only on stdout; ``quiet``: bare identifiers only.

``auto`` (the default) means ``agent`` when an AI agent harness is detected, else ``human``. The
detection may cost a request to the Hub, so it happens on first use rather than at import time.
"""

import dataclasses
import datetime
import json
import re
import shutil
import sys
from collections.abc import Sequence
from enum import Enum
from functools import cache
from typing import Any, cast

import click

from huggingface_hub.errors import ConfirmationError
from huggingface_hub.utils import ANSI, StatusLine, disable_progress_bars, is_agent, tabulate


class OutputFormat(str, Enum):
    """Output formats selectable with ``--format`` (``auto`` resolves to ``agent`` or ``human``)."""

    agent = "agent"
    auto = "auto"
    human = "human"
    json = "json"
    quiet = "quiet"


def _emit(*values: Any, **kwargs: Any) -> None:
    # Always flushed: some flows (device-code login) block on the user right after printing.
    print(*values, **kwargs, flush=True)


class Output:
    """The output sink shared by every command (``out`` below)."""

    def __init__(self) -> None:
        self._mode: OutputFormat | None = None
        self.no_truncate = False

    @property
    def mode(self) -> OutputFormat:
        if self._mode is None:
            self.set_mode(OutputFormat.auto)
        return cast(OutputFormat, self._mode)

    @mode.setter
    def mode(self, mode: OutputFormat) -> None:
        self._mode = mode

    def set_mode(self, mode: OutputFormat = OutputFormat.auto) -> None:
        """Select the format (``auto`` is resolved now). Anything but ``human`` turns progress bars off."""
        if mode == OutputFormat.auto:
            mode = OutputFormat.agent if is_agent() else OutputFormat.human
        self._mode = mode
        if mode != OutputFormat.human:
            disable_progress_bars()

    def set_no_truncate(self, no_truncate: bool) -> None:
        """Keep human table cells whole instead of fitting them to the terminal width."""
        self.no_truncate = no_truncate

    def is_quiet(self) -> bool:
        return self.mode == OutputFormat.quiet

    # --- stdout ---------------------------------------------------------------------------------------

    def text(self, msg: str | None = None, *, human: str | None = None, agent: str | None = None) -> None:
        """Free text on stdout, in human and agent modes only.

        ``msg`` serves both modes (ANSI codes stripped for agents); ``human``/``agent`` give one text per mode.
        """
        if msg is not None:
            if human is not None or agent is not None:
                raise ValueError("Cannot mix 'msg' with 'human'/'agent'.")
            human, agent = msg, _strip_ansi(msg)
        mode = self.mode
        if mode == OutputFormat.human and human is not None:
            _emit(human)
        elif mode == OutputFormat.agent and agent is not None:
            _emit(agent)

    def table(
        self,
        items: Sequence[dict[str, Any]],
        *,
        headers: list[str] | None = None,
        id_key: str | None = None,
        alignments: dict[str, str] | None = None,
    ) -> None:
        """A list of records on stdout.

        Without ``headers`` the columns are the first item's keys, minus columns that are None everywhere.
        ``id_key`` is the column printed in quiet mode (default: the first one). ``alignments`` maps a
        column to ``"left"`` or ``"right"`` (all-numeric columns are right-aligned anyway).
        """
        mode = self.mode
        if not items:
            if mode in (OutputFormat.human, OutputFormat.agent):
                _emit("No results found.")
            elif mode == OutputFormat.json:
                _emit("[]")
            return

        if headers is None:
            headers = [key for key in items[0] if any(item.get(key) is not None for item in items)]
        rows = [[item.get(key) for key in headers] for item in items]

        if mode == OutputFormat.human:
            labels = [_header_label(key) for key in headers]
            cells = [[_human_cell(value) for value in row] for row in rows]
            truncated = False if self.no_truncate else _fit_to_terminal(labels, cells)
            aligned = {**_numeric_columns(headers, rows), **(alignments or {})}
            _emit(
                tabulate(
                    cast("list[list[str | int]]", cells),
                    headers=labels,
                    alignments={_header_label(key): side for key, side in aligned.items()},
                )
            )
            if truncated:
                self.hint("Use `--no-truncate` or `--format json` to display full values.")
        elif mode == OutputFormat.agent:
            _emit("\t".join(headers))
            for row in rows:
                _emit("\t".join(_agent_cell(value) for value in row))
        elif mode == OutputFormat.json:
            _emit(json.dumps(list(items), default=str))
        else:
            key = id_key or headers[0]
            for item in items:
                _emit(item.get(key, ""))

    def dict(self, data: Any, *, id_key: str | None = None) -> None:
        """One record (a dict or a dataclass) as JSON: indented for humans, compact otherwise.

        In quiet mode, only ``data[id_key]`` when ``id_key`` is given.
        """
        if dataclasses.is_dataclass(data) and not isinstance(data, type):
            data = _dataclass_as_dict(data)
        mode = self.mode
        if mode == OutputFormat.quiet and id_key is not None:
            _emit(data.get(id_key, ""))
            return
        _emit(json.dumps(data, indent=2 if mode == OutputFormat.human else None, default=str))

    def result(self, message: str, **data: Any) -> None:
        """The outcome of an action: ``✓ message`` and ``key: value`` lines for humans, ``k=v`` for agents,
        the data as a JSON object (None values included) for json, and the first value for quiet."""
        mode = self.mode
        if mode == OutputFormat.human:
            lines = [ANSI.green(f"{_encodable('✓', '[OK]')} {message}")]
            lines += [f"  {key}: {value}" for key, value in data.items() if value is not None]
            _emit("\n".join(lines))
        elif mode == OutputFormat.agent:
            pairs = [f"{key}={value}" for key, value in data.items() if value is not None]
            _emit(" ".join(pairs) if pairs else message)
        elif mode == OutputFormat.json:
            _emit(json.dumps(data, default=str) if data else "")
        elif data:
            _emit(next(iter(data.values())))

    # --- interaction ----------------------------------------------------------------------------------

    def confirm(self, message: str, *, default: bool = False, yes: bool = False, confirm_param: str = "--yes") -> None:
        """Ask the user to confirm (declining aborts). Without a human to ask, fail and name the skip flag."""
        if yes:
            return
        if self.mode != OutputFormat.human:
            raise ConfirmationError(f"{message} Use {confirm_param} to skip confirmation.")
        click.confirm(message, default=default, abort=True)

    def status(self, message: str | None = None) -> StatusLine:
        """A one-line progress status on stderr, live in human mode only."""
        status = StatusLine(enabled=self.mode == OutputFormat.human)
        if message is not None:
            status.update(message)
        return status

    # --- stderr ---------------------------------------------------------------------------------------

    def warning(self, message: str) -> None:
        """``Warning: ...`` on stderr, in every mode (yellow for humans)."""
        text = f"Warning: {message}"
        _emit(ANSI.yellow(text) if self.mode == OutputFormat.human else text, file=sys.stderr)

    def error(self, message: str) -> None:
        """``Error: ...`` on stderr, in every mode (bold red for humans)."""
        text = f"Error: {message}"
        _emit(ANSI.red(text) if self.mode == OutputFormat.human else text, file=sys.stderr)

    def log(self, message: str) -> None:
        """Progress or context on stderr (gray for humans). Silent in quiet mode; kept for json, since
        stderr never pollutes the parsed stdout."""
        mode = self.mode
        if mode == OutputFormat.quiet:
            return
        _emit(ANSI.gray(message) if mode == OutputFormat.human else message, file=sys.stderr)

    def hint(self, message: str) -> None:
        """A suggested next step on stderr: ``Hint: ...`` (same visibility as :meth:`log`)."""
        self.log(f"Hint: {message}")


# --- Rendering helpers --------------------------------------------------------------------------------

_ANSI_ESCAPE = re.compile(r"\033\[[0-9;]*m")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")


def _strip_ansi(text: str) -> str:
    return _ANSI_ESCAPE.sub("", text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


@cache
def _encodable(char: str, fallback: str) -> str:
    """``char`` if stdout can encode it, else ``fallback``.

    A redirected stdout on Windows uses a legacy code page where "✓" raises UnicodeEncodeError, which,
    being a ValueError, would otherwise surface as a confusing "Invalid value." error.
    """
    try:
        char.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (LookupError, UnicodeEncodeError):
        return fallback
    return char


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def _dataclass_as_dict(obj: Any) -> dict[str, Any]:
    """A dataclass as a JSON-ready dict: None fields dropped (recursively in dicts), datetimes in ISO form."""
    return {key: _jsonable(value) for key, value in dataclasses.asdict(obj).items() if value is not None}


def _header_label(key: str) -> str:
    """``lastModified`` / ``last_modified`` -> ``LAST_MODIFIED``."""
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", key).upper()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numeric_columns(headers: list[str], rows: list[list[Any]]) -> dict[str, str]:
    """Right-align the columns whose values are all numbers (or missing)."""
    return {
        key: "right"
        for index, key in enumerate(headers)
        if all(row[index] is None or _is_number(row[index]) for row in rows)
    }


def _human_cell(value: Any) -> str:
    """A table cell for humans: dates shortened, booleans as a check mark, lists joined, users by name."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _encodable("✔", "yes") if value else ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, str):
        return value[:10] if _ISO_DATETIME.match(value) else _one_line(value)
    if isinstance(value, list):
        return ", ".join(_human_cell(item) for item in value)
    if isinstance(value, dict):
        # Users and organisations are dicts with a name; anything else shows as compact JSON.
        return _one_line(str(value["name"])) if "name" in value else _one_line(json.dumps(value))
    return _one_line(str(value))


def _agent_cell(value: Any) -> str:
    """A TSV cell for agents: full ISO timestamps, everything on one line."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return _one_line(str(value))


def _fit_to_terminal(labels: list[str], rows: list[list[str]]) -> bool:
    """Shorten cells in place (``abc...``) so the table fits the terminal; True if anything was cut.

    The widest column gives up one character at a time, never below its header's width (nor below 4,
    the smallest width that still shows one character and the ellipsis).
    """
    if not rows:
        return False
    widths = [max(len(label), *(len(row[index]) for row in rows)) for index, label in enumerate(labels)]
    available = shutil.get_terminal_size().columns - max(0, len(labels) - 1)  # one space between columns
    if sum(widths) <= available:
        return False

    floors = [max(len(label), 4) for label in labels]
    while sum(widths) > available:
        shrinkable = [index for index, width in enumerate(widths) if width > floors[index]]
        if not shrinkable:
            break  # every column at its floor: the table will wrap a little
        widest = max(shrinkable, key=lambda index: widths[index])
        widths[widest] -= 1

    truncated = False
    for row in rows:
        for index, cell in enumerate(row):
            if len(cell) > widths[index]:
                row[index] = cell[: widths[index] - 3] + "..."
                truncated = True
    return truncated


out = Output()
