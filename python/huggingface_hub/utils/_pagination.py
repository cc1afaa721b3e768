"""Lazy iteration over the Hub's paginated JSON listings (GitHub-style `Link: <url>; rel="next"` headers)."""

from collections.abc import Iterator
from typing import Any

from . import logging
from ._http import get_session, hf_raise_for_status, http_backoff

logger = logging.get_logger(__name__)


def paginate(
    path: str, params: dict | list[tuple[str, Any]], headers: dict, timeout: float | None = None
) -> Iterator[Any]:
    """Yield the items of a paginated listing, requesting the next page only when the previous one is consumed.

    Args:
        path (`str`):
            Full URL of the first page.
        params (`dict` or `list[tuple[str, Any]]`):
            Query parameters of the first page; the `next` links already carry theirs.
        headers (`dict`):
            Headers sent with every page (authorization included).
        timeout (`float`, *optional*):
            Timeout of each request, in seconds.

    Raises:
        [`~errors.HfHubHTTPError`]: or a subclass, for an error answer on any page.
    """
    response = get_session().get(path, params=params, headers=headers, timeout=timeout)
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
