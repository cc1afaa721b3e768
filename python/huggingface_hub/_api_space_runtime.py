"""`HfApi` methods that drive a Space's runtime: read it, request hardware, sleep time and storage, pause, restart,
dev mode, secrets, variables, volumes, logs, and waiting for a Space to settle (`{endpoint}/api/spaces/{repo_id}/...`).

Against the local Hub these settings are stored and reported back, but no Space code runs: its runtime stage says so
(see `docs/local-hub.md`).
"""

import json
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import requests

from ._jobs_api import JobHardwareInfo
from ._space_api import (
    INTERMEDIATE_SPACE_STAGES,
    SpaceHardware,
    SpaceRuntime,
    SpaceSecret,
    SpaceStorage,
    SpaceVariable,
    Volume,
)
from .errors import HfHubHTTPError
from .utils import logging
from .utils._deprecation import _deprecate_method
from .utils._http import get_session, hf_raise_for_status
from .utils._validators import validate_hf_hub_args

logger = logging.get_logger(__name__)

_CPU_BASIC_SLEEP_WARNING = (
    "If your Space runs on the default 'cpu-basic' hardware, it will go to sleep if inactive for more than 48 hours."
    " This value is not configurable. If you don't want your Space to deactivate or if you want to set a custom sleep"
    " time, you need to upgrade to a paid Hardware."
)

# Log streams in follow mode survive this many failed connections (with growing pauses), then give up.
_LOG_MAX_RETRIES = 5
_LOG_MIN_WAIT, _LOG_MAX_WAIT = 1, 10


class SpaceRuntimeMixin:
    """Managing a Space's runtime and settings."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi

    def _space_request(
        self, method: str, repo_id: str, path: str, *, token: bool | str | None, **kwargs: Any
    ) -> requests.Response:
        response = get_session().request(
            method,
            f"{self.endpoint}/api/spaces/{repo_id}/{path}",
            headers=self._build_hf_headers(token=token),
            **kwargs,
        )
        hf_raise_for_status(response)
        return response

    # --- Runtime -----------------------------------------------------------------------------------------------

    @validate_hf_hub_args
    def get_space_runtime(self, repo_id: str, *, token: bool | str | None = None) -> SpaceRuntime:
        """Get a Space's runtime: its stage, hardware, sleep time, storage, dev mode and volumes.

        Args:
            repo_id (`str`): the Space, e.g. `"username/my-space"`.
            token (`bool` or `str`, *optional*): access token; `False` sends none.

        Returns:
            [`SpaceRuntime`]
        """
        return SpaceRuntime(self._space_request("GET", repo_id, "runtime", token=token).json())

    def list_spaces_hardware(self, token: bool | str | None = None) -> list[JobHardwareInfo]:
        """List the hardware flavors a Space can request, with their size and price.

        Returns:
            `list[JobHardwareInfo]`
        """
        response = get_session().get(
            f"{self.endpoint}/api/spaces/hardware", headers=self._build_hf_headers(token=token)
        )
        hf_raise_for_status(response)
        return [JobHardwareInfo(**hardware) for hardware in response.json()]

    @validate_hf_hub_args
    def request_space_hardware(
        self,
        repo_id: str,
        hardware: SpaceHardware,
        *,
        token: bool | str | None = None,
        sleep_time: int | None = None,
    ) -> SpaceRuntime:
        """Request new hardware for a Space.

        Args:
            repo_id (`str`): the Space.
            hardware (`str` or [`SpaceHardware`]): the flavor, e.g. `"t4-medium"` (see [`list_spaces_hardware`]).
            token (`bool` or `str`, *optional*): access token; `False` sends none.
            sleep_time (`int`, *optional*): seconds of inactivity before the Space sleeps; `-1` for never. Not
                configurable on the free `cpu-basic` hardware (a warning says so).

        Returns:
            [`SpaceRuntime`]: the runtime after the request.
        """
        if sleep_time is not None and hardware == SpaceHardware.CPU_BASIC:
            warnings.warn(_CPU_BASIC_SLEEP_WARNING, UserWarning, stacklevel=3)  # the caller, past the validator
        payload: dict[str, Any] = {"flavor": hardware}
        if sleep_time is not None:
            payload["sleepTimeSeconds"] = sleep_time
        return SpaceRuntime(self._space_request("POST", repo_id, "hardware", token=token, json=payload).json())

    @validate_hf_hub_args
    def set_space_sleep_time(self, repo_id: str, sleep_time: int, *, token: bool | str | None = None) -> SpaceRuntime:
        """Set how many seconds of inactivity a Space waits before sleeping (`-1`: never).

        Only upgraded hardware has a configurable sleep time: a warning says so when the Space is on `cpu-basic`.

        Returns:
            [`SpaceRuntime`]: the runtime after the change.
        """
        response = self._space_request("POST", repo_id, "sleeptime", token=token, json={"seconds": sleep_time})
        runtime = SpaceRuntime(response.json())
        if (runtime.requested_hardware or runtime.hardware) == SpaceHardware.CPU_BASIC:
            warnings.warn(_CPU_BASIC_SLEEP_WARNING, UserWarning, stacklevel=3)  # the caller, past the validator
        return runtime

    @validate_hf_hub_args
    def pause_space(self, repo_id: str, *, token: bool | str | None = None) -> SpaceRuntime:
        """Pause a Space until [`restart_space`] is called; a paused Space is not billed.

        Raises:
            [`~utils.RepositoryNotFoundError`]: no such Space (or not visible to you).
            [`~utils.HfHubHTTPError`]: 403 if you cannot write to it.
            [`~utils.BadRequestError`]: static Spaces cannot be paused.

        Returns:
            [`SpaceRuntime`]: with stage `PAUSED`.
        """
        return SpaceRuntime(self._space_request("POST", repo_id, "pause", token=token).json())

    @validate_hf_hub_args
    def restart_space(
        self, repo_id: str, *, token: bool | str | None = None, factory_reboot: bool = False
    ) -> SpaceRuntime:
        """Restart a Space (also the way out of a pause).

        Args:
            repo_id (`str`): the Space.
            token (`bool` or `str`, *optional*): access token; `False` sends none.
            factory_reboot (`bool`, *optional*): rebuild from scratch, without the build cache.

        Raises:
            [`~utils.RepositoryNotFoundError`], [`~utils.HfHubHTTPError`] (403), [`~utils.BadRequestError`]
            (static Space): as for [`pause_space`].

        Returns:
            [`SpaceRuntime`]
        """
        params = {"factory": "true"} if factory_reboot else {}
        return SpaceRuntime(self._space_request("POST", repo_id, "restart", token=token, params=params).json())

    @validate_hf_hub_args
    def enable_space_dev_mode(self, repo_id: str, *, token: bool | str | None = None) -> SpaceRuntime:
        """Turn dev mode on: the app can be restarted without restarting its container (SSH and VS Code access).

        Raises: as for [`pause_space`] (static Spaces have no dev mode).

        Returns:
            [`SpaceRuntime`]
        """
        return self._set_dev_mode(repo_id, True, token)

    @validate_hf_hub_args
    def disable_space_dev_mode(self, repo_id: str, *, token: bool | str | None = None) -> SpaceRuntime:
        """Turn dev mode off. Raises as [`enable_space_dev_mode`].

        Returns:
            [`SpaceRuntime`]
        """
        return self._set_dev_mode(repo_id, False, token)

    def _set_dev_mode(self, repo_id: str, enabled: bool, token: bool | str | None) -> SpaceRuntime:
        response = self._space_request("POST", repo_id, "dev-mode", token=token, json={"enabled": enabled})
        return SpaceRuntime(response.json())

    # --- Secrets and variables -----------------------------------------------------------------------------

    @validate_hf_hub_args
    def add_space_secret(
        self,
        repo_id: str,
        key: str,
        value: str,
        *,
        description: str | None = None,
        token: bool | str | None = None,
    ) -> None:
        """Add or update a secret of a Space (an environment variable whose value cannot be read back).

        Args:
            repo_id (`str`): the Space.
            key (`str`): its name, e.g. `"GITHUB_API_KEY"`.
            value (`str`): its value.
            description (`str`, *optional*): what it is for.
            token (`bool` or `str`, *optional*): access token; `False` sends none.
        """
        self._space_request("POST", repo_id, "secrets", token=token, json=_entry(key, value, description))

    @validate_hf_hub_args
    def delete_space_secret(self, repo_id: str, key: str, *, token: bool | str | None = None) -> None:
        """Delete a secret of a Space (deleting a missing one is not an error)."""
        self._space_request("DELETE", repo_id, "secrets", token=token, json={"key": key})

    @validate_hf_hub_args
    def get_space_secrets(self, repo_id: str, *, token: bool | str | None = None) -> dict[str, SpaceSecret]:
        """The secrets of a Space, by key: names, descriptions and update times (never their values).

        Returns:
            `dict[str, SpaceSecret]`
        """
        data = self._space_request("GET", repo_id, "secrets", token=token).json()
        return {key: SpaceSecret(key, values) for key, values in data.items()}

    @validate_hf_hub_args
    def get_space_variables(self, repo_id: str, *, token: bool | str | None = None) -> dict[str, SpaceVariable]:
        """The environment variables of a Space, by key.

        Returns:
            `dict[str, SpaceVariable]`
        """
        return _variables(self._space_request("GET", repo_id, "variables", token=token))

    @validate_hf_hub_args
    def add_space_variable(
        self,
        repo_id: str,
        key: str,
        value: str,
        *,
        description: str | None = None,
        token: bool | str | None = None,
    ) -> dict[str, SpaceVariable]:
        """Add or update an environment variable of a Space.

        Returns:
            `dict[str, SpaceVariable]`: all the Space's variables after the change.
        """
        payload = _entry(key, value, description)
        return _variables(self._space_request("POST", repo_id, "variables", token=token, json=payload))

    @validate_hf_hub_args
    def delete_space_variable(
        self, repo_id: str, key: str, *, token: bool | str | None = None
    ) -> dict[str, SpaceVariable]:
        """Delete an environment variable of a Space.

        Returns:
            `dict[str, SpaceVariable]`: the variables left.
        """
        return _variables(self._space_request("DELETE", repo_id, "variables", token=token, json={"key": key}))

    # --- Storage and volumes -------------------------------------------------------------------------------

    @_deprecate_method(version="2.0", message="Use `set_space_volumes` instead.")
    @validate_hf_hub_args
    def request_space_storage(
        self, repo_id: str, storage: SpaceStorage, *, token: bool | str | None = None
    ) -> SpaceRuntime:
        """Request persistent storage (`"small"`, `"medium"` or `"large"`) for a Space. Deprecated: use volumes.

        Returns:
            [`SpaceRuntime`]
        """
        response = self._space_request("POST", repo_id, "storage", token=token, json={"tier": storage})
        return SpaceRuntime(response.json())

    @_deprecate_method(version="2.0", message="Use `delete_space_volumes` instead.")
    @validate_hf_hub_args
    def delete_space_storage(self, repo_id: str, *, token: bool | str | None = None) -> SpaceRuntime:
        """Delete a Space's persistent storage. Deprecated: use volumes.

        Raises:
            [`~utils.BadRequestError`]: the Space has no persistent storage.

        Returns:
            [`SpaceRuntime`]
        """
        return SpaceRuntime(self._space_request("DELETE", repo_id, "storage", token=token).json())

    @validate_hf_hub_args
    def set_space_volumes(self, repo_id: str, volumes: list[Volume], *, token: bool | str | None = None) -> None:
        """Set (replace) the volumes mounted in a Space: buckets or repositories, each at a path of the container.

        Raises:
            [`~utils.BadRequestError`]: static Space, or an invalid volume.
        """
        payload = {"volumes": [volume.to_dict() for volume in volumes]}
        self._space_request("PUT", repo_id, "volumes", token=token, json=payload)

    @validate_hf_hub_args
    def delete_space_volumes(self, repo_id: str, *, token: bool | str | None = None) -> None:
        """Remove every volume of a Space.

        Raises:
            [`~utils.BadRequestError`]: the Space has no volumes.
        """
        self._space_request("DELETE", repo_id, "volumes", token=token)

    # --- Logs and waiting ----------------------------------------------------------------------------------

    @validate_hf_hub_args
    def fetch_space_logs(
        self,
        repo_id: str,
        *,
        build: bool = False,
        follow: bool = False,
        token: bool | str | None = None,
    ) -> Iterable[str]:
        """Yield the run logs of a Space (or its build logs with `build=True`), line by line.

        Without `follow`, yields what is available now and returns (a stream quiet for 5 seconds is drained); with
        `follow`, streams until the server closes the stream, reconnecting (without repeating lines) after errors.

        Returns:
            `Iterable[str]`: the lines, each with its line ending.
        """
        url = f"{self.endpoint}/api/spaces/{repo_id}/logs/{'build' if build else 'run'}"
        for event in self._space_log_events(url, timeout=120 if follow else 5, follow=follow, token=token):
            yield event["data"]

    def _space_log_events(
        self, url: str, *, timeout: float, follow: bool, token: bool | str | None
    ) -> Iterator[dict[str, Any]]:
        # Server-sent events; `data: {...}` lines are events, empty `data:` lines keep the connection alive. After a
        # reconnection the server replays from the start: events already yielded are skipped by index.
        retries, wait, seen = 0, 0.0, 0
        while True:
            try:
                with get_session().get(
                    url, headers=self._build_hf_headers(token=token), stream=True, timeout=timeout
                ) as response:
                    hf_raise_for_status(response)
                    index = 0
                    for line in response.iter_lines(chunk_size=None, decode_unicode=True):
                        if line and line.startswith("data: {"):
                            index += 1
                            if index > seen:
                                seen = index
                                yield json.loads(line[len("data: ") :])
                return
            except HfHubHTTPError:
                raise  # 401/403/404...: retrying cannot help
            except KeyboardInterrupt:
                return
            except requests.exceptions.ChunkedEncodingError:
                return  # the stream ended early: what was sent has been yielded
            except requests.exceptions.RequestException as error:
                # A read timeout while iterating a streamed body surfaces as a ConnectionError ("Read timed out").
                quiet = isinstance(error, requests.exceptions.ReadTimeout) or (
                    isinstance(error, requests.exceptions.ConnectionError) and "Read timed out" in str(error)
                )
                if quiet and not follow:
                    return  # nothing new for `timeout` seconds: the buffered logs are drained
                if retries >= (_LOG_MAX_RETRIES if follow else 0):
                    if quiet:
                        return
                    raise
                retries += 1
                wait = min(_LOG_MAX_WAIT, max(_LOG_MIN_WAIT, wait * 2))
                logger.warning(f"'{error}' thrown while requesting Space logs at {url}")
                logger.warning(f"Retrying in {wait}s [Retry {retries}/{_LOG_MAX_RETRIES}].")
                time.sleep(wait)

    @validate_hf_hub_args
    def wait_for_space(
        self,
        repo_id: str,
        *,
        timeout: float | None = None,
        poll_interval: float = 1.0,
        token: bool | str | None = None,
    ) -> SpaceRuntime:
        """Poll a Space's runtime until it leaves the stages it passes through on its own (building, starting).

        Args:
            repo_id (`str`): the Space.
            timeout (`float`, *optional*): give up after this many seconds (`None`: wait for ever).
            poll_interval (`float`, *optional*): seconds between two polls (default 1).
            token (`bool` or `str`, *optional*): access token; `False` sends none.

        Returns:
            [`SpaceRuntime`]: the first runtime in a settled stage; check its `stage` (`RUNNING`, `BUILD_ERROR`...).

        Raises:
            `ValueError`: negative `timeout` or non-positive `poll_interval`.
            `TimeoutError`: still building or starting after `timeout` seconds.
        """
        if timeout is not None and timeout < 0:
            raise ValueError("`timeout` cannot be negative.")
        if poll_interval <= 0:
            raise ValueError("`poll_interval` must be positive.")
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            runtime = self.get_space_runtime(repo_id, token=token)
            if runtime.stage not in INTERMEDIATE_SPACE_STAGES:
                return runtime
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise TimeoutError(f"Space '{repo_id}' is still in stage '{runtime.stage}' after {timeout} seconds.")
            time.sleep(poll_interval if remaining is None else min(poll_interval, remaining))


def _entry(key: str, value: str, description: str | None) -> dict[str, str]:
    payload = {"key": key, "value": value}
    if description is not None:
        payload["description"] = description
    return payload


def _variables(response: requests.Response) -> dict[str, SpaceVariable]:
    return {key: SpaceVariable(key, values) for key, values in response.json().items()}
