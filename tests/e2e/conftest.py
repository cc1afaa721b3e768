"""Fixtures for end-to-end tests: a local Hub server on 127.0.0.1:0 (in this process), with a write user."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from huggingface_hub.local_hub import LocalHub


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    """A running local Hub whose data lives in the test's tmp_path."""
    with LocalHub(tmp_path / "hub-data") as hub:
        yield hub


@pytest.fixture
def alice_token(local_hub: LocalHub) -> str:
    """A write token of user ``alice`` on `local_hub`."""
    return local_hub.create_user("alice")
