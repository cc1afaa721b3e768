"""The few repository reads and writes around a commit, as plain HTTP calls.

A commit needs to know the head of a revision (no-op commits report it), what already exists at some paths
(copies), the files of a revision (`delete_patterns`) and, for multi-commit uploads to a pull request, to open
that pull request first. The `hf upload` command also creates the repository and branch it uploads to. These
answers are used as plain data here, so commits do not depend on the repository-information classes.
"""

from typing import Any
from urllib.parse import quote

from . import constants
from .errors import HfHubHTTPError
from .utils import get_session, hf_raise_for_status
from .utils._pagination import paginate


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


def list_files(endpoint: str, headers: dict[str, str], repo_type: str, repo_id: str, revision: str) -> list[str]:
    """Paths of every file of `revision`, from the (paginated) recursive tree listing."""
    items = paginate(
        f"{endpoint}/api/{repo_type}s/{repo_id}/tree/{quote(revision, safe='')}",
        params={"recursive": "true", "expand": "false"},
        headers=headers,
    )
    return [item["path"] for item in items if item.get("type") == "file"]


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


def ensure_repo(
    endpoint: str,
    headers: dict[str, str],
    repo_type: str,
    repo_id: str,
    private: bool | None,
    space_sdk: str | None,
) -> str:
    """Create the repository unless it exists; returns its URL (the Hub answers 409 with it when it exists)."""
    namespace, _, name = repo_id.rpartition("/")
    payload: dict[str, Any] = {"name": name, "organization": namespace or None, "type": repo_type}
    if private is not None:
        payload["private"] = private
    if space_sdk is not None:
        payload["sdk"] = space_sdk
    response = get_session().post(f"{endpoint}/api/repos/create", json=payload, headers=headers)
    try:
        hf_raise_for_status(response)
    except HfHubHTTPError:
        if response.status_code == 409:
            return str(response.json()["url"])
        if response.status_code == 403:
            # No right to create here; the repository may still exist and be writable (an org's, for instance).
            revision_head(endpoint, headers, repo_type, repo_id, constants.DEFAULT_REVISION)
            prefix = constants.REPO_TYPES_URL_PREFIXES.get(repo_type, "")
            return f"{endpoint}/{prefix}{repo_id}"
        raise
    return str(response.json()["url"])


def ensure_branch(endpoint: str, headers: dict[str, str], repo_type: str, repo_id: str, branch: str) -> None:
    """Create `branch` from the default branch if no such revision exists (an existing one is left alone)."""
    from .errors import RevisionNotFoundError

    try:
        revision_head(endpoint, headers, repo_type, repo_id, branch)
        return
    except RevisionNotFoundError:
        pass
    response = get_session().post(
        f"{endpoint}/api/{repo_type}s/{repo_id}/branch/{quote(branch, safe='')}", headers=headers
    )
    if response.status_code != 409:  # created meanwhile by someone else: fine
        hf_raise_for_status(response)


def super_squash(
    endpoint: str,
    headers: dict[str, str],
    repo_type: str,
    repo_id: str,
    branch: str | None,
    message: str | None = None,
) -> None:
    """Replace the history of `branch` (the default branch by default) by one commit with its current content."""
    branch = branch or constants.DEFAULT_REVISION
    response = get_session().post(
        f"{endpoint}/api/{repo_type}s/{repo_id}/super-squash/{quote(branch, safe='')}",
        headers=headers,
        json={"message": message or f"Super-squash branch '{branch}' using huggingface_hub"},
    )
    hf_raise_for_status(response)
