"""Paginated listings of the Hub (`Link: <url>; rel="next"` headers, GitHub style), and query-string encoding.

Upstream sends requests with httpx, which writes Python booleans as `true`/`false` in query strings and forms;
`requests` would write `True`/`False`, which the Hub does not read as booleans. `hub_params` converts first.
"""

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from . import logging
from ._http import get_session, hf_raise_for_status, http_backoff

logger = logging.get_logger(__name__)

ParamsT = Mapping[str, Any] | Iterable[tuple[str, Any]]


def _wire_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, Iterable):
        # A list becomes repeated keys (`expand=a&expand=b`), each item encoded like a single value.
        return [_wire_value(item) for item in value]
    return value


def hub_params(params: ParamsT | None) -> list[tuple[str, Any]]:
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


def paginate(path: str, params: ParamsT, headers: dict, timeout: float | None = None) -> Iterator[Any]:
    """Yield the items of a paginated JSON-array listing, fetching the next page only when needed.

    The first page is requested with `params`; the following ones at the absolute URL of the `rel="next"` entry
    of the `Link` header, as given (it already carries the query), with retries on transient errors.

    Args:
        path (`str`): URL of the listing.
        params (`dict` or list of pairs): query parameters of the first page (see [`hub_params`] for encoding).
        headers (`dict`): headers sent with every page (authorization, user-agent).
        timeout (`float`, *optional*): timeout of each request, in seconds.

    Raises:
        [`~errors.HfHubHTTPError`] (or a subclass) when a page fails.
    """
    response = get_session().get(path, params=hub_params(params), headers=headers, timeout=timeout)
    hf_raise_for_status(response)
    yield from response.json()
    next_page = _next_page_url(response)
    while next_page is not None:
        logger.debug(f"Pagination detected. Requesting next page: {next_page}")
        response = http_backoff("GET", next_page, headers=headers, timeout=timeout)
        hf_raise_for_status(response)
        yield from response.json()
        next_page = _next_page_url(response)


def _next_page_url(response: Any) -> str | None:
    return (response.links.get("next") or {}).get("url")
