"""The few repository reads and writes around a commit, as plain HTTP calls.

A commit needs to know the head of a revision (no-op commits report it), what already exists at some paths
(copies) and, for multi-commit uploads to a pull request, to open that pull request first. These answers are
used as plain data here, with the commit's own headers, so commits do not depend on the repository-information
classes.
"""

from typing import Any
from urllib.parse import quote

from . import constants
from .utils import get_session, hf_raise_for_status


def revision_head(endpoint: str, headers: dict[str, str], repo_type: str, repo_id: str, revision: str) -> str:
    """Commit id that `revision` (a branch, tag or commit) points to."""
    url = f"{endpoint}/api/{repo_type}s/{repo_id}/revision/{quote(revision, safe='')}"
    response = get_session().get(url, headers=headers, params={"expand": "sha"})
    hf_raise_for_status(response)
    sha = response.json().get("sha")
    if not isinstance(sha, str):
        raise ValueError(f"No commit id in the answer of {url}")
    return sha


def paths_info(
    endpoint: str, headers: dict[str, str], repo_type: str, repo_id: str, revision: str, paths: list[str]
) -> list[dict[str, Any]]:
    """Tree entries (`{type, path, oid, size, lfs?}`) of those `paths` that exist at `revision`."""
    response = get_session().post(
        f"{endpoint}/api/{repo_type}s/{repo_id}/paths-info/{quote(revision, safe='')}",
        data={"paths": paths, "expand": "false"},
        headers=headers,
    )
    hf_raise_for_status(response)
    return list(response.json())


def open_pull_request(
    endpoint: str,
    headers: dict[str, str],
    repo_type: str,
    repo_id: str,
    title: str,
    description: str | None,
) -> tuple[str, str]:
    """Open a (draft) pull request; returns its git reference (`refs/pr/N`) and its URL."""
    response = get_session().post(
        f"{endpoint}/api/{repo_type}s/{repo_id}/discussions",
        json={"title": title.strip(), "description": description, "pullRequest": True},
        headers=headers,
    )
    hf_raise_for_status(response)
    number = int(response.json()["num"])
    prefix = constants.REPO_TYPES_URL_PREFIXES.get(repo_type, "")
    return f"refs/pr/{number}", f"{endpoint}/{prefix}{repo_id}/discussions/{number}"
