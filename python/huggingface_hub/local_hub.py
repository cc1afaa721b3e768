"""A local Hugging Face Hub server, for test suites and offline work.

`LocalHub` runs the Hub-compatible server of this package (the Rust crate ``hfh-server``: SQLite plus a
content-addressed blob store) and tells you where it listens. Point any client at it, this package or
upstream ``huggingface_hub``, with ``HfApi(endpoint=hub.endpoint)`` or ``HF_ENDPOINT=<endpoint>``::

    from huggingface_hub import HfApi
    from huggingface_hub.local_hub import LocalHub

    with LocalHub() as hub:  # port 0 and a temporary data directory
        token = hub.create_user("alice")
        api = HfApi(endpoint=hub.endpoint, token=token)
        assert api.whoami()["name"] == "alice"

By default the server runs on a background thread of this process (fast to start, stopped with the
interpreter). ``subprocess=True`` runs it as ``python -m huggingface_hub.cli.hf serve`` instead, for tests that
need to kill it (`LocalHub.kill`) or that must not share the process. The same server is started from the
command line by ``hf serve``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import string
import subprocess as _subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Literal

__all__ = ["LocalHub", "LocalHubError"]

_TOKEN_ALPHABET = string.ascii_letters


class LocalHubError(RuntimeError):
    """The local Hub server could not be started, or exited unexpectedly."""


def generate_token() -> str:
    """A new access token in the Hub's format (``hf_`` and 34 letters)."""
    return "hf_" + "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(34))


def user_spec(name: str, token: str | None = None, role: Literal["read", "write"] = "write") -> str:
    """The ``NAME[:TOKEN[:ROLE]]`` form of a user, as ``hf serve --user`` takes it."""
    if ":" in name or (token is not None and ":" in token):
        raise ValueError("user names and tokens cannot contain ':'")
    if role not in ("read", "write"):
        raise ValueError(f"invalid role {role!r}: use 'read' or 'write'")
    return name if token is None else f"{name}:{token}:{role}"


def org_spec(name: str, members: Iterable[str] = ()) -> str:
    """The ``NAME:MEMBER[,MEMBER...]`` form of an organisation, as ``hf serve --org`` takes it."""
    members = list(members)
    if ":" in name or any("," in m or ":" in m for m in members):
        raise ValueError("organisation and member names cannot contain ':' or ','")
    return f"{name}:{','.join(members)}"


class LocalHub:
    """A local Hub server: start it, create users and organisations, point clients at `endpoint`, stop it.

    Args:
        data_dir: Where the server keeps its database and files. Reused if it exists (users, tokens and
            repositories persist across restarts). Default: a temporary directory, deleted by `stop`.
        host: Interface to listen on.
        port: Port to listen on; 0 (the default) picks a free one.
        subprocess: Run the server in a child process (`python -m huggingface_hub.cli.hf serve`) rather than on
            a thread of this process. Needed to test crashes (`kill`).
        startup_timeout: Seconds to wait for a child process to report its endpoint.

    Usable as a context manager (`start` on entry, `stop` on exit). Users and organisations can be created
    before or after `start`.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        subprocess: bool = False,
        startup_timeout: float = 60.0,
    ) -> None:
        self._owns_data_dir = data_dir is None
        # A temporary directory is created on first use (and deleted by `stop`).
        self._data_dir: Path | None = None if data_dir is None else Path(data_dir)
        self.host = host
        self.port = port
        self.subprocess = subprocess
        self.startup_timeout = startup_timeout
        self._server: object | None = None  # huggingface_hub._rust.LocalHubServer
        self._process: _subprocess.Popen[str] | None = None
        self._endpoint: str | None = None
        self._lock = threading.Lock()

    # --- Lifecycle -----------------------------------------------------------------------------------

    def start(self) -> LocalHub:
        """Start serving (no-op if already running). Returns `self`."""
        with self._lock:
            if self._endpoint is not None:
                return self
            data_dir = self.data_dir
            if self.subprocess:
                self._endpoint = self._start_process(data_dir)
            else:
                from huggingface_hub import _rust

                server = _rust.start_local_hub(data_dir, host=self.host, port=self.port)
                self._server = server
                self._endpoint = server.endpoint
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (in-flight requests get up to `timeout` seconds), and delete the data directory if it
        was a temporary one. Idempotent."""
        with self._lock:
            server, process = self._server, self._process
            self._server = self._process = None
            self._endpoint = None
            if server is not None:
                server.stop(timeout)  # type: ignore[attr-defined]
            if process is not None:
                _terminate(process, timeout)
            if self._owns_data_dir and self._data_dir is not None:
                shutil.rmtree(self._data_dir, ignore_errors=True)
                self._data_dir = None

    def kill(self) -> None:
        """Kill the server process with SIGKILL, without any clean-up (``subprocess=True`` only).

        The data directory is kept, so a new `LocalHub` on the same `data_dir` can check what survived."""
        with self._lock:
            if self._process is None:
                raise LocalHubError("kill() needs a server started with subprocess=True")
            process, self._process, self._endpoint = self._process, None, None
            process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()

    def __enter__(self) -> LocalHub:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self._endpoint or "stopped"
        data_dir = "<temporary>" if self._data_dir is None else str(self._data_dir)
        return f"LocalHub({state}, data_dir={data_dir!r}, subprocess={self.subprocess})"

    # --- Properties ----------------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """Base URL of the running server, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        if self._endpoint is None:
            raise LocalHubError("the local Hub is not running: call start() first")
        return self._endpoint

    @property
    def data_dir(self) -> Path:
        """The server's data directory (database, blobs); created if missing."""
        if self._data_dir is None:
            self._data_dir = Path(tempfile.mkdtemp(prefix="hf-local-hub-"))
        self._data_dir.mkdir(parents=True, exist_ok=True)
        return self._data_dir

    @property
    def running(self) -> bool:
        if self._server is not None:
            return bool(self._server.running)  # type: ignore[attr-defined]
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """Process id of the server (this process unless ``subprocess=True``); None when stopped."""
        if self._process is not None:
            return self._process.pid
        return os.getpid() if self._server is not None else None

    # --- Accounts ------------------------------------------------------------------------------------

    def create_user(self, name: str, token: str | None = None, role: Literal["read", "write"] = "write") -> str:
        """Create user `name` (if missing) with an access token, and return the token.

        `token` defaults to a new random ``hf_...`` value; `role` is ``"write"`` or ``"read"``. Calling it again
        for the same user adds another token. Works before and after `start`, in both modes.
        """
        token = generate_token() if token is None else token
        self._provision(users=[user_spec(name, token, role)])
        return token

    def create_org(self, name: str, members: Iterable[str] = ()) -> None:
        """Create organisation `name` (if missing) with `members` as admins (missing users are created)."""
        self._provision(orgs=[org_spec(name, members)])

    def add_follow(self, follower: str, target: str) -> None:
        """Make user `follower` follow user or organisation `target` (both must exist; idempotent).

        The Hub's API has no follow call (following is done on the website), so the local Hub's operator creates
        follows here; they show in `list_user_followers`, `list_user_following`, `list_organization_followers` and
        in the overviews' counts.
        """
        if ":" in follower or ":" in target:
            raise ValueError("user and organisation names cannot contain ':'")
        self._provision(follows=[f"{follower}:{target}"])

    # --- Spaces ----------------------------------------------------------------------------------------

    def set_space_stage(self, repo_id: str, stage: str | None) -> None:
        """Set the stage Space `repo_id` reports in its runtime, or with `None` go back to the derived one.

        The local Hub stores Spaces but runs none of them, so it derives a Space's stage from what it knows
        (`PAUSED`, `NO_APP_FILE`, else `STOPPED`). Its operator can claim another stage here, e.g. `"BUILDING"` then
        `"RUNNING"`, to exercise [`HfApi.wait_for_space`] or `hf spaces wait`; pausing or restarting the Space
        clears it. The change is recorded in the Space's run log. It goes straight into the data directory, so it
        also drives a server started elsewhere: `LocalHub("hub-data").set_space_stage(...)` next to `hf serve hub-data`.

        Raises:
            `ValueError`: unknown stage (see [`SpaceStage`]) or Space.
        """
        from huggingface_hub import _rust

        value = getattr(stage, "value", stage)  # a `SpaceStage` member or its string
        _rust.set_local_hub_space_stage(self.data_dir, repo_id, value)

    def attach_space_app(self, repo_id: str, host: str | None, replicas: Iterable[str] = ()) -> None:
        """Declare that an app runs Space `repo_id` at `host` with `replicas`, or with `host=None` that none does.

        The local Hub runs no Space code, so on its own it cannot hot-reload one: a commit made with
        `hot_reload=1` (`hf spaces hot-reload`) is recorded with the status `"canceled"`. Once the operator declares a
        running app here (its base URL, e.g. `"https://alice-demo.hf.space"`, and the ids of its replicas), the
        Space reports the `RUNNING` stage, that `host` and its replicas, and such a commit is handed to the
        reload server of each replica (`POST {host with "--7887" after the subdomain}/--replicas/+{id}/create-reload`)
        and its outcome reported as the runtime's `hotReloading`. Withdrawing the app gives the Space back its
        derived stage. Recorded in the Space's run log; works on a server started elsewhere too.

        Raises:
            `ValueError`: `host` not an http(s) base URL without trailing slash, no or malformed replica ids, or unknown
                Space.
        """
        from huggingface_hub import _rust

        _rust.attach_local_hub_space_app(self.data_dir, repo_id, host, list(replicas))

    def _provision(
        self, users: list[str] | None = None, orgs: list[str] | None = None, follows: list[str] | None = None
    ) -> None:
        from huggingface_hub import _rust

        # Straight into the data directory's database: the server reads tokens and memberships from it on every
        # request, whether it runs in this process, in another one, or not at all yet.
        _rust.provision_local_hub(self.data_dir, users=users or [], orgs=orgs or [], follows=follows or [])

    # --- Child process -------------------------------------------------------------------------------

    def _start_process(self, data_dir: Path) -> str:
        command = [
            sys.executable,
            "-m",
            "huggingface_hub.cli.hf",
            "serve",
            str(data_dir),
            "--host",
            self.host,
            "--port",
            str(self.port),
        ]
        env = dict(os.environ, HF_HUB_DISABLE_UPDATE_CHECK="1", PYTHONUNBUFFERED="1")
        process = _subprocess.Popen(
            command, stdout=_subprocess.PIPE, stderr=_subprocess.PIPE, stdin=_subprocess.DEVNULL, text=True, env=env
        )
        assert process.stdout is not None and process.stderr is not None
        line = _read_line(process.stdout, self.startup_timeout)
        if not line.startswith("http"):
            _terminate(process, 5.0)
            stderr = process.stderr.read()
            raise LocalHubError(f"`hf serve` did not start (exit code {process.returncode}): {stderr.strip()}")
        # Nobody reads stderr from now on: drain it so the child never blocks on a full pipe.
        threading.Thread(target=_drain, args=(process.stderr,), daemon=True).start()
        self._process = process
        return line.strip()


def _read_line(stream: IO[str], timeout: float) -> str:
    """First line of `stream`, or "" after `timeout` seconds or at end of file."""
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return result[0] if result else ""


def _drain(stream: IO[str]) -> None:
    try:
        for _ in stream:
            pass
    except (OSError, ValueError):
        pass


def _terminate(process: _subprocess.Popen[str], timeout: float) -> None:
    if process.poll() is None:
        process.terminate()  # SIGTERM: `hf serve` shuts down gracefully and exits 0
        try:
            process.wait(timeout)
        except _subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()
