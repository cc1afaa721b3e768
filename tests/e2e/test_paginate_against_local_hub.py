"""`utils.paginate` follows the local Hub's `Link` headers lazily and maps errors like every other call."""

import pytest

from huggingface_hub.errors import RepositoryNotFoundError
from huggingface_hub.utils import paginate
from tests.e2e._seed import commit, create_repo


def test_paginate_follows_next_links_lazily(local_hub, alice_token) -> None:
    create_repo(local_hub.endpoint, alice_token, "alice/paged")
    commit(local_hub.endpoint, alice_token, "alice/paged", files={f"f{i}.txt": b"x" for i in range(5)})
    url = f"{local_hub.endpoint}/api/models/alice/paged/tree/main"
    headers = {"authorization": f"Bearer {alice_token}"}

    pages = paginate(url, params={"limit": 2}, headers=headers)
    first = next(pages)  # only the first page has been requested so far
    rest = list(pages)

    paths = [item["path"] for item in [first, *rest]]
    assert paths == [".gitattributes"] + [f"f{i}.txt" for i in range(5)]


def test_paginate_raises_hub_errors(local_hub, alice_token) -> None:
    url = f"{local_hub.endpoint}/api/models/alice/missing/tree/main"
    with pytest.raises(RepositoryNotFoundError):
        list(paginate(url, params={}, headers={"authorization": f"Bearer {alice_token}"}))
