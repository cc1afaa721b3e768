"""`utils.paginate` over a real socket: pages linked by absolute `Link: <url>; rel="next"` headers, requested
lazily, errors mapped like any other request."""

from collections.abc import Iterator
from itertools import islice

import pytest
from _fake_hub import Answer, FakeHub, running_fake_hub

from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import paginate


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    yield from running_fake_hub(monkeypatch)


def test_follows_next_links_as_given_and_keeps_the_headers(fake_hub: FakeHub) -> None:
    fake_hub.answer(
        "GET", "/api/things", Answer(body=[1, 2], headers={"Link": f'<{fake_hub.endpoint}/p2?c=2>; rel="next"'})
    )
    fake_hub.answer("GET", "/p2", Answer(body=[3], headers={"Link": f'<{fake_hub.endpoint}/p3?c=3>; rel="next"'}))
    fake_hub.answer("GET", "/p3", Answer(body=[4]))

    items = list(
        paginate(f"{fake_hub.endpoint}/api/things", params={"limit": 2}, headers={"authorization": "Bearer x"})
    )

    assert items == [1, 2, 3, 4]
    first, second, third = fake_hub.received
    assert first.query == {"limit": ["2"]}
    assert (second.path, second.query) == ("/p2", {"c": ["2"]})  # the link's own query, no parameters re-added
    assert (third.path, third.query) == ("/p3", {"c": ["3"]})
    assert all(request.headers["authorization"] == "Bearer x" for request in fake_hub.received)


def test_pages_are_requested_only_when_consumed(fake_hub: FakeHub) -> None:
    fake_hub.answer(
        "GET", "/api/things", Answer(body=[1, 2], headers={"Link": f'<{fake_hub.endpoint}/p2>; rel="next"'})
    )
    fake_hub.answer("GET", "/p2", Answer(body=[3]))

    assert list(islice(paginate(f"{fake_hub.endpoint}/api/things", params={}, headers={}), 2)) == [1, 2]
    assert [request.path for request in fake_hub.received] == ["/api/things"]


def test_an_error_on_a_later_page_is_raised(fake_hub: FakeHub) -> None:
    fake_hub.answer("GET", "/api/things", Answer(body=[1], headers={"Link": f'<{fake_hub.endpoint}/p2>; rel="next"'}))
    fake_hub.answer("GET", "/p2", Answer(status=403, body={"error": "no more for you"}))

    items = paginate(f"{fake_hub.endpoint}/api/things", params={}, headers={})
    assert next(iter(items)) == 1
    with pytest.raises(HfHubHTTPError, match="no more for you"):
        list(items)
