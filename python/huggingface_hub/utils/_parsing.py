"""Small parsers and formatters for sizes, durations and relative times (``hf cache`` filters and tables)."""

import re
import time

# A count followed by a unit, like "10MB" or "7d".
_NUMBER_WITH_UNIT = re.compile(r"(\d+)([a-z]+)", re.IGNORECASE)

# Decimal units, as the Hub and `du --si` count.
BYTE_UNITS: dict[str, int] = {
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "g": 10**9,
    "gb": 10**9,
    "t": 10**12,
    "tb": 10**12,
    "p": 10**15,
    "pb": 10**15,
}

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR

# "m" is minutes; months are "mo" (30 days).
TIME_UNITS: dict[str, int] = {
    "s": 1,
    "m": _MINUTE,
    "h": _HOUR,
    "d": _DAY,
    "w": 7 * _DAY,
    "mo": 30 * _DAY,
    "y": 365 * _DAY,
}

# (unit, seconds per unit, largest count shown in that unit before moving to the next one)
_TIMESINCE_STEPS: tuple[tuple[str, int, int | None], ...] = (
    ("second", 1, 60),
    ("minute", _MINUTE, 60),
    ("hour", _HOUR, 24),
    ("day", _DAY, 6),
    ("week", 7 * _DAY, 6),
    ("month", 30 * _DAY, 11),
    ("year", 365 * _DAY, None),
)


def parse_size(value: str) -> int:
    """Bytes in a size such as ``"10MB"``, ``"3g"`` or ``"512"`` (decimal units, case-insensitive).

    Raises:
        `ValueError`: if the value is empty, malformed or uses an unknown unit.
    """
    return _parse_with_unit(value, BYTE_UNITS)


def parse_duration(value: str) -> int:
    """Seconds in a duration such as ``"30s"``, ``"7d"`` or ``"2mo"`` (``m`` is minutes, ``mo`` 30 days).

    Raises:
        `ValueError`: if the value is empty, malformed or uses an unknown unit.
    """
    return _parse_with_unit(value, TIME_UNITS)


def _parse_with_unit(value: str, units: dict[str, int]) -> int:
    stripped = value.strip()
    if not stripped:
        raise ValueError("Value cannot be empty.")
    try:
        return int(value)
    except ValueError:
        pass
    match = _NUMBER_WITH_UNIT.fullmatch(stripped)
    if match is None:
        raise ValueError(f"Invalid value '{value}'. Must match pattern '\\d+[a-z]+' or be a plain number.")
    count, unit = int(match.group(1)), match.group(2).lower()
    if unit not in units:
        raise ValueError(f"Unknown unit '{unit}'. Must be one of {list(units)}.")
    return count * units[unit]


def format_duration(secs: int | None) -> str:
    """A short duration for tables: ``"45s"``, ``"1m 32s"``, ``"2h 15m"``; ``"--"`` for None."""
    if secs is None:
        return "--"
    secs = int(secs)
    if secs < _MINUTE:
        return f"{secs}s"
    if secs < _HOUR:
        return f"{secs // _MINUTE}m {secs % _MINUTE}s"
    return f"{secs // _HOUR}h {(secs % _HOUR) // _MINUTE}m"


def format_timesince(ts: float) -> str:
    """How long ago the timestamp ``ts`` was, in words: ``"a few seconds ago"``, ``"3 days ago"``..."""
    delta = time.time() - ts
    if delta < 20:
        return "a few seconds ago"
    for unit, seconds, limit in _TIMESINCE_STEPS:
        count = round(delta / seconds)
        if limit is None or count <= limit:
            return f"{count} {unit}{'s' if count > 1 else ''} ago"
    raise AssertionError("unreachable: the last unit has no limit")
