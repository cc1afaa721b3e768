"""Read a repository of the local Hub with plain `requests`, independently of the code under test."""

from urllib.parse import quote

import requests


def _auth(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def tree(endpoint: str, token: str, repo_id: str, revision: str = "main", repo_type: str = "model") -> dict[str, dict]:
    """Every file of a revision, by path (the recursive tree listing, all pages)."""
    url: str | None = f"{endpoint}/api/{repo_type}s/{repo_id}/tree/{quote(revision, safe='')}?recursive=true"
    files: dict[str, dict] = {}
    while url:
        response = requests.get(url, headers=_auth(token), timeout=30)
        assert response.status_code == 200, response.text
        files.update({item["path"]: item for item in response.json() if item["type"] == "file"})
        url = (response.links.get("next") or {}).get("url")
    return files


def read(
    endpoint: str, token: str, repo_id: str, path: str, revision: str = "main", repo_type: str = "model"
) -> bytes:
    prefix = "" if repo_type == "model" else f"{repo_type}s/"
    response = requests.get(
        f"{endpoint}/{prefix}{repo_id}/resolve/{quote(revision, safe='')}/{quote(path)}",
        headers=_auth(token),
        timeout=300,
    )
    assert response.status_code == 200, response.text
    return response.content


def commits(endpoint: str, token: str, repo_id: str, revision: str = "main", repo_type: str = "model") -> list[dict]:
    """The revision's history, newest first (`id`, `title`, `message`)."""
    response = requests.get(
        f"{endpoint}/api/{repo_type}s/{repo_id}/commits/{quote(revision, safe='')}", headers=_auth(token), timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()


def head(endpoint: str, token: str, repo_id: str, revision: str = "main", repo_type: str = "model") -> str:
    response = requests.get(
        f"{endpoint}/api/{repo_type}s/{repo_id}/revision/{quote(revision, safe='')}", headers=_auth(token), timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()["sha"]
