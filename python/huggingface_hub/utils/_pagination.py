"""Walking the Hub's paginated listings (GitHub-style `Link: <url>; rel="next"` headers)."""

from collections.abc import Iterator
from typing import Any

from . import logging
from ._http import get_session, hf_raise_for_status, http_backoff

logger = logging.get_logger(__name__)


def paginate(
    path: str, params: dict | list[tuple[str, Any]], headers: dict, timeout: float | None = None
) -> Iterator[Any]:
    """Yield the items of a listing whose pages are JSON arrays linked by `Link` headers.

    The first page is requested with `params`. Each following page is the absolute URL of the `rel="next"`
    link of the previous answer, requested as given (the server already encoded the query in it) and retried on
    transient failures. Pages are only fetched as the caller consumes items, so stopping early (e.g. with
    `itertools.islice`) saves the remaining requests.

    Raises:
        [`~errors.HfHubHTTPError`] (or a subclass): if a page answers with an error status.
    """
    response = get_session().get(path, params=params, headers=headers, timeout=timeout)
    hf_raise_for_status(response)
    yield from response.json()

    while (next_url := response.links.get("next", {}).get("url")) is not None:
        logger.debug(f"Pagination detected. Requesting next page: {next_url}")
        response = http_backoff("GET", next_url, headers=headers, timeout=timeout)
        hf_raise_for_status(response)
        yield from response.json()
