"""`huggingface_hub.local_hub.LocalHub` driven by this package: lifecycle, accounts, errors, LFS round trip."""

import base64
import hashlib
import json
import os
from pathlib import Path

import pytest
import requests

from huggingface_hub import HfApi
from huggingface_hub.errors import (
    HfHubHTTPError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.local_hub import LocalHub, LocalHubError
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status


def _create_repo(hub: LocalHub, token: str, repo_id: str, **extra: object) -> dict:
    response = get_session().post(
        f"{hub.endpoint}/api/repos/create",
        json={"name": repo_id, "type": "model", **extra},
        headers=build_hf_headers(token=token),
    )
    hf_raise_for_status(response)
    return response.json()


def _commit(hub: LocalHub, token: str, repo_id: str, lines: list[dict]) -> str:
    header = {"key": "header", "value": {"summary": "test", "description": ""}}
    body = "".join(json.dumps(line) + "\n" for line in [header, *lines])
    response = get_session().post(
        f"{hub.endpoint}/api/models/{repo_id}/commit/main",
        data=body.encode(),
        headers={**build_hf_headers(token=token), "Content-Type": "application/x-ndjson"},
    )
    hf_raise_for_status(response)
    return response.json()["commitOid"]


def _add(path: str, content: bytes) -> dict:
    return {
        "key": "file",
        "value": {"path": path, "content": base64.b64encode(content).decode(), "encoding": "base64"},
    }


# --- Lifecycle -------------------------------------------------------------------------------------------


def test_context_manager_serves_on_a_free_port_and_cleans_its_temporary_dir() -> None:
    assert "<temporary>" in repr(LocalHub())  # nothing created before use
    with LocalHub() as hub:
        assert hub.running
        assert hub.endpoint.startswith("http://127.0.0.1:")
        assert int(hub.endpoint.rsplit(":", 1)[1]) > 0
        data_dir, endpoint = hub.data_dir, hub.endpoint
        assert (data_dir / "hub.sqlite").is_file()
        token = hub.create_user("alice")
        assert HfApi(endpoint=hub.endpoint).whoami(token=token)["name"] == "alice"
    assert not hub.running
    assert not data_dir.exists()
    with pytest.raises(LocalHubError):
        hub.endpoint  # noqa: B018
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{endpoint}/api/whoami-v2", timeout=5)


def test_stop_is_idempotent_and_releases_the_port(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path / "d").start()
    endpoint = hub.endpoint
    hub.stop()
    hub.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{endpoint}/api/whoami-v2", timeout=5)
    # The same port can be bound again right away, and a given data_dir is kept.
    port = int(endpoint.rsplit(":", 1)[1])
    with LocalHub(tmp_path / "d", port=port) as again:
        assert again.endpoint == endpoint
    assert (tmp_path / "d" / "hub.sqlite").is_file()


def test_accounts_and_repos_persist_across_restarts(tmp_path: Path) -> None:
    with LocalHub(tmp_path / "d") as hub:
        token = hub.create_user("alice", token="hf_persistent_token")
        _create_repo(hub, token, "alice/kept")
    with LocalHub(tmp_path / "d") as hub:
        assert HfApi(endpoint=hub.endpoint).whoami(token="hf_persistent_token")["name"] == "alice"
        info = get_session().get(f"{hub.endpoint}/api/models/alice/kept")
        hf_raise_for_status(info)
        assert info.json()["id"] == "alice/kept"


def test_users_created_before_start_and_organisations(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path / "d")
    token = hub.create_user("alice", role="read")
    hub.create_org("acme", members=["alice", "bob"])
    with hub:
        me = HfApi(endpoint=hub.endpoint).whoami(token=token)
        assert me["auth"]["accessToken"]["role"] == "read"
        assert [(o["name"], o["roleInOrg"]) for o in me["orgs"]] == [("acme", "admin")]
        # A read token cannot create repositories, even in its own namespace.
        with pytest.raises(HfHubHTTPError) as error:
            _create_repo(hub, token, "alice/nope")
        assert error.value.response.status_code == 403
        # A second token for the same user, with write access, can; also in the organisation.
        writer = hub.create_user("alice")
        assert writer != token and writer.startswith("hf_") and len(writer) == 37
        assert _create_repo(hub, writer, "acme/shared")["url"] == f"{hub.endpoint}/acme/shared"


def test_invalid_specs_are_value_errors(local_hub: LocalHub) -> None:
    with pytest.raises(ValueError):
        local_hub.create_user("alice", role="admin")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        local_hub.create_user("../etc")
    with pytest.raises(ValueError):
        local_hub.create_org("acme", ["in,valid"])
    local_hub.create_user("carol")
    with pytest.raises(ValueError, match="already exists"):
        local_hub.create_org("carol", [])


def test_in_process_server_reports_a_busy_port(local_hub: LocalHub, tmp_path: Path) -> None:
    port = int(local_hub.endpoint.rsplit(":", 1)[1])
    with pytest.raises(OSError, match="in use"):
        LocalHub(tmp_path / "other", port=port).start()


def test_subprocess_mode_can_be_killed_and_restarted(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path / "d", subprocess=True, startup_timeout=120)
    with hub:
        assert hub.pid is not None and hub.pid != os.getpid()
        token = hub.create_user("alice")  # written straight into the running server's database
        assert HfApi(endpoint=hub.endpoint).whoami(token=token)["name"] == "alice"
        _create_repo(hub, token, "alice/survivor")
        hub.kill()
        assert not hub.running
        with pytest.raises(LocalHubError):
            hub.kill()
    # What was committed before SIGKILL is still there.
    with LocalHub(tmp_path / "d") as hub:
        response = get_session().get(f"{hub.endpoint}/api/models/alice/survivor")
        hf_raise_for_status(response)


# --- The Hub API through this package --------------------------------------------------------------------


def test_whoami_and_wrong_token(local_hub: LocalHub, alice_token: str) -> None:
    api = HfApi(endpoint=local_hub.endpoint)
    assert api.whoami(token=alice_token)["name"] == "alice"
    with pytest.raises(HfHubHTTPError, match="Invalid user token") as error:
        api.whoami(token="hf_wrong")
    assert error.value.response.status_code == 401


def test_error_classes_for_missing_repo_revision_and_file(local_hub: LocalHub, alice_token: str) -> None:
    _create_repo(local_hub, alice_token, "alice/demo")
    _commit(local_hub, alice_token, "alice/demo", [_add("hello.txt", b"hello")])
    session, headers = get_session(), build_hf_headers(token=alice_token)

    def head(path: str) -> requests.Response:
        return session.head(f"{local_hub.endpoint}/{path}", headers=headers, allow_redirects=False)

    ok = head("alice/demo/resolve/main/hello.txt")
    hf_raise_for_status(ok)
    git_oid = hashlib.sha1(b"blob 5\0hello").hexdigest()
    assert ok.headers["ETag"] == f'"{git_oid}"'
    with pytest.raises(RepositoryNotFoundError):
        hf_raise_for_status(head("alice/missing/resolve/main/hello.txt"))
    with pytest.raises(RevisionNotFoundError):
        hf_raise_for_status(head("alice/demo/resolve/nope/hello.txt"))
    missing = head("alice/demo/resolve/main/nope.txt")
    assert missing.headers["X-Repo-Commit"] == ok.headers["X-Repo-Commit"]
    with pytest.raises(RemoteEntryNotFoundError):
        hf_raise_for_status(missing)


def test_lfs_upload_and_download_through_signed_urls(local_hub: LocalHub, alice_token: str) -> None:
    _create_repo(local_hub, alice_token, "alice/big")
    content = os.urandom(3 * 1024 * 1024)
    oid, size = hashlib.sha256(content).hexdigest(), len(content)
    session, headers = get_session(), build_hf_headers(token=alice_token)
    lfs_headers = {**headers, "Accept": "application/vnd.git-lfs+json", "Content-Type": "application/vnd.git-lfs+json"}
    batch_url = f"{local_hub.endpoint}/alice/big.git/info/lfs/objects/batch"
    request = {"operation": "upload", "transfers": ["basic"], "objects": [{"oid": oid, "size": size}]}

    answer = session.post(batch_url, json=request, headers=lfs_headers)
    hf_raise_for_status(answer)
    (obj,) = answer.json()["objects"]
    upload, verify = obj["actions"]["upload"], obj["actions"]["verify"]
    # The upload URL authorises itself: no Authorization header.
    hf_raise_for_status(session.put(upload["href"], data=content))
    hf_raise_for_status(session.post(verify["href"], json={"oid": oid, "size": size}, headers=headers))
    again = session.post(batch_url, json=request, headers=lfs_headers).json()["objects"][0]
    assert "actions" not in again
    _commit(
        local_hub,
        alice_token,
        "alice/big",
        [{"key": "lfsFile", "value": {"path": "w.bin", "algo": "sha256", "oid": oid, "size": size}}],
    )

    resolve_url = f"{local_hub.endpoint}/alice/big/resolve/main/w.bin"
    meta = session.head(resolve_url, headers=headers, allow_redirects=False)
    assert meta.status_code == 302
    assert meta.headers["X-Linked-Etag"] == f'"{oid}"'
    assert meta.headers["X-Linked-Size"] == str(size)
    location = meta.headers["Location"]
    part = session.get(location, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == content[100:200]
    full = session.get(resolve_url, headers=headers)  # follows the redirect
    assert full.status_code == 200 and full.content == content
    # A tampered URL is refused.
    assert session.get(location.replace("signature=", "signature=0")).status_code == 403
