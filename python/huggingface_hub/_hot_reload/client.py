"""Follow one hot-reload on every replica of a running Space.

Each replica of a Gradio Space runs a reload server on port 7887, reached through the Space's host with
``--7887`` appended to its subdomain, and addressed per replica under ``/--replicas/+{replica hash}``. A POST on
``get-reload`` with the reload id (the hot-reload commit's sha) answers with the reload's events as Server-Sent
Events: 200 with the stream, 204 while that reload is not known there yet, 404 when the replica is gone.
"""

import json
import time
from collections.abc import Iterator
from typing import Literal, TypedDict

from ..utils._headers import build_hf_headers
from ..utils._http import get_session, hf_raise_for_status
from .sse_client import iter_events
from .types import ApiGetReloadEventSourceData, ApiGetReloadRequest

HOT_RELOADING_PORT = 7887
CLIENT_TIMEOUT = 20
RETRY_DELAY = 2.0  # seconds between two asks for a reload a replica does not know yet


class MultiReplicaStreamWarning(TypedDict):
    kind: Literal["warning"]
    message: str


class MultiReplicaStreamEvent(TypedDict):
    kind: Literal["event"]
    event: ApiGetReloadEventSourceData


class MultiReplicaStreamReplicaHash(TypedDict):
    kind: Literal["replicaHash"]
    hash: str


class MultiReplicaStreamFullMatch(TypedDict):
    kind: Literal["fullMatch"]


class ReloadClient:
    """The reload server of one replica."""

    def __init__(self, *, host: str, subdomain: str, replica_hash: str, token: str | None) -> None:
        self.replica_hash = replica_hash
        self.base_url = f"{host.replace(subdomain, f'{subdomain}--{HOT_RELOADING_PORT}')}/--replicas/+{replica_hash}"
        self.headers = build_hf_headers(token=token)

    def get_reload(self, reload_id: str) -> Iterator[ApiGetReloadEventSourceData] | int:
        """The events of reload `reload_id`, or the status code when the replica has no stream for it (204, 404).

        Any other failure raises, as a Hub error does.
        """
        request: ApiGetReloadRequest = {"reloadId": reload_id}
        response = get_session().post(
            f"{self.base_url}/get-reload", json=request, headers=self.headers, stream=True, timeout=CLIENT_TIMEOUT
        )
        if response.status_code in (204, 404):
            response.close()
            return response.status_code
        try:
            hf_raise_for_status(response)
        except Exception:
            response.close()
            raise
        return self._events(response)

    @staticmethod
    def _events(response) -> Iterator[ApiGetReloadEventSourceData]:
        with response:
            for event in iter_events(response.iter_content(chunk_size=None)):
                if event.event == "message":
                    yield json.loads(event.data)


def multi_replica_reload_events(
    commit_sha: str,
    host: str,
    subdomain: str,
    replica_hashes: list[str],
    token: str | None,
    max_retries: int = 10,
) -> Iterator[
    MultiReplicaStreamWarning | MultiReplicaStreamEvent | MultiReplicaStreamReplicaHash | MultiReplicaStreamFullMatch
]:
    """What each replica did for reload `commit_sha`, replica after replica.

    With several replicas, each one's events are announced by a ``replicaHash`` item. The events of the replicas
    after the first are held back as long as they repeat the first replica's, and replaced by one ``fullMatch`` item
    when they all did. A replica that does not know the reload yet is asked again (a ``warning`` item each time),
    up to `max_retries` times.
    """
    first_replica: list[ApiGetReloadEventSourceData] = []
    for index, replica_hash in enumerate(replica_hashes):
        client = ReloadClient(host=host, subdomain=subdomain, replica_hash=replica_hash, token=token)
        if len(replica_hashes) > 1:
            yield {"kind": "replicaHash", "hash": replica_hash}
        retries = 0
        while isinstance(events := client.get_reload(commit_sha), int):
            retries += 1
            if retries > max_retries:
                raise Exception("Too many retries reached")
            subject = "reloadId" if events == 204 else "replica"
            yield {"kind": "warning", "message": f"Retrying on unexpected {subject} not found"}
            time.sleep(RETRY_DELAY)

        held: list[ApiGetReloadEventSourceData] = []  # events identical so far to the first replica's
        matching = index > 0
        for position, event in enumerate(events):
            if index == 0:
                first_replica.append(event)
            elif matching and position < len(first_replica) and first_replica[position] == event:
                held.append(event)
                continue
            elif matching:
                matching = False
                for earlier in held:
                    yield {"kind": "event", "event": earlier}
                held.clear()
            yield {"kind": "event", "event": event}
        if matching:
            yield {"kind": "fullMatch"}
