"""Lazy iteration over the Hub's paginated JSON listings (GitHub-style `Link: <url>; rel="next"` headers), and the
encoding of query parameters the way the Hub reads them.

Upstream sends requests with httpx, which writes Python booleans as `true`/`false` in query strings and forms;
`requests` would write `True`/`False`, which the Hub does not read as booleans. `hub_params` converts first.
"""

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from . import logging
from ._http import get_session, hf_raise_for_status, http_backoff

logger = logging.get_logger(__name__)


def _wire_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, Iterable):
        # A list becomes repeated keys (`expand=a&expand=b`), each item encoded like a single value.
        return [_wire_value(item) for item in value]
    return value


def hub_params(params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> list[tuple[str, Any]]:
    """Query-string or form pairs as the Hub expects them: booleans as `true`/`false`, lists as repeated keys.

    `None` values are dropped (like httpx does). The result can be passed as `params=` or `data=` to `requests`.
    """
    if params is None:
        return []
    items = params.items() if isinstance(params, Mapping) else params
    pairs: list[tuple[str, Any]] = []
    for key, value in items:
        if value is None:
            continue
        wire = _wire_value(value)
        if isinstance(wire, list):
            pairs.extend((key, item) for item in wire)
        else:
            pairs.append((key, wire))
    return pairs


def paginate(
    path: str, params: dict | list[tuple[str, Any]], headers: dict, timeout: float | None = None
) -> Iterator[Any]:
    """Yield the items of a paginated listing, requesting the next page only when the previous one is consumed.

    Args:
        path (`str`):
            Full URL of the first page.
        params (`dict` or `list[tuple[str, Any]]`):
            Query parameters of the first page, encoded by [`hub_params`] (booleans as `true`/`false`, lists as
            repeated keys); the `next` links already carry theirs.
        headers (`dict`):
            Headers sent with every page (authorization included).
        timeout (`float`, *optional*):
            Timeout of each request, in seconds.

    Raises:
        [`~errors.HfHubHTTPError`]: or a subclass, for an error answer on any page.
    """
    response = get_session().get(path, params=hub_params(params), headers=headers, timeout=timeout)
    hf_raise_for_status(response)
    yield from response.json()
    next_page = _next_page_url(response)
    while next_page is not None:
        logger.debug(f"Pagination detected. Requesting next page: {next_page}")
        # Later pages are retried: the caller already received items, so failing now would lose them.
        response = http_backoff("GET", next_page, headers=headers, timeout=timeout)
        hf_raise_for_status(response)
        yield from response.json()
        next_page = _next_page_url(response)


def _next_page_url(response: Any) -> str | None:
    return (response.links.get("next") or {}).get("url")
