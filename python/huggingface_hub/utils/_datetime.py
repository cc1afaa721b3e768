"""Parsing of the timestamps returned by the Hub."""

from datetime import datetime, timezone

__all__ = ["parse_datetime"]

_HUB_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def parse_datetime(date_string: str) -> datetime:
    """Parse a UTC timestamp as the Hub writes it (``2022-08-19T07:19:38.123Z``) into an aware `datetime`.

    Only the Hub's own shape is accepted, on purpose (no date-parsing dependency): the fraction
    of seconds may be missing (``2024-11-16T00:27:02Z``) or have any number of digits (digits past
    microseconds are dropped), but the string must end with ``Z``.

    Raises:
        `ValueError`: if ``date_string`` does not have that shape.
    """
    normalized = date_string
    if normalized.endswith("Z"):
        # strptime's %f wants 1 to 6 digits: pad or truncate the fraction to exactly 6.
        base, dot, fraction = normalized[:-1].partition(".")
        if not dot:
            normalized = f"{base}.000000Z"
        else:
            normalized = f"{base}.{fraction[:6]:0<6}Z"
    try:
        return datetime.strptime(normalized, _HUB_DATETIME_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError as err:
        raise ValueError(
            f"Cannot parse '{normalized}' as a datetime. Date string is expected to follow '{_HUB_DATETIME_FORMAT}'"
            " pattern."
        ) from err
