"""The repository-management methods of `HfApi`: create, delete, move, duplicate, settings, access checks, Space
templates."""

import warnings
from collections.abc import Callable
from typing import Any, Literal

from . import constants
from ._api_info import InfoMixin
from ._repo_info_types import REPO_REGIONS, RepoVisibility_T
from ._repo_url import RepoUrl
from ._space_api import SpaceHardware, SpaceStorage, SpaceTemplate, Volume
from .errors import HfHubHTTPError, HfUriError, RepositoryNotFoundError
from .utils import logging
from .utils._deprecation import _deprecate_arguments, _deprecate_method
from .utils._hf_uris import parse_hf_uri
from .utils._http import get_session, hf_raise_for_status
from .utils._validators import validate_hf_hub_args

logger = logging.get_logger(__name__)

# The Hub refuses concurrent creations in one namespace with this 409; it is transient, so creation is retried.
_CONCURRENT_CREATION = "Cannot create repo: another conflicting operation is in progress"
_SLEEP_TIME_ON_FREE_HARDWARE = (
    "If your Space runs on the default 'cpu-basic' hardware, it will go to sleep if inactive for more than 48 hours."
    " This value is not configurable. If you don't want your Space to deactivate or if you want to set a custom sleep"
    " time, you need to upgrade to a paid Hardware."
)
_MOVE_DOCS = "\nFor additional documentation please see https://hf.co/docs/hub/repositories-settings#renaming-or-transferring-a-repo."


def _resolve_visibility(
    *, private: bool | None, visibility: RepoVisibility_T | None, repo_type: str | None
) -> RepoVisibility_T | None:
    """The `visibility` to send: from `visibility`, else from `private`; `None` leaves the Hub's default."""
    if private is not None and visibility is not None:
        raise ValueError("Received both `private` and `visibility` arguments. Please provide only one of them.")
    if visibility is None:
        return None if private is None else ("private" if private else "public")
    if visibility == "protected" and repo_type != constants.REPO_TYPE_SPACE:
        raise ValueError("Only Spaces can be 'protected'. Please set visibility to 'public' or 'private'.")
    return visibility


def _add_space_options(
    payload: dict[str, Any],
    repo_type: str | None,
    *,
    hardware: Any,
    storage: Any,
    sleep_time: int | None,
    secrets: list[dict[str, str]] | None,
    variables: list[dict[str, str]] | None,
    volumes: list[Volume] | None,
) -> None:
    """Add the Space-only settings to `payload`; for other repository types, warn that they are ignored."""
    options = [
        ("space_hardware", "hardware", hardware),
        ("space_storage", "storageTier", storage),
        ("space_sleep_time", "sleepTimeSeconds", sleep_time),
        ("space_secrets", "secrets", secrets),
        ("space_variables", "variables", variables),
        ("space_volumes", "volumes", [volume.to_dict() for volume in volumes] if volumes else None),
    ]
    if repo_type != constants.REPO_TYPE_SPACE:
        if given := [argument for argument, _, value in options if value is not None]:
            warnings.warn(f"Ignoring provided {', '.join(given)} because repo_type is not 'space'.", stacklevel=3)
        return
    payload.update({key: value for _, key, value in options if value is not None})
    if sleep_time is not None and hardware == SpaceHardware.CPU_BASIC:
        warnings.warn(_SLEEP_TIME_ON_FREE_HARDWARE, UserWarning, stacklevel=3)


def _status(error: HfHubHTTPError) -> int | None:
    return error.response.status_code if error.response is not None else None


class ReposMixin(InfoMixin):
    """`HfApi.create_repo`, `delete_repo`, `move_repo`, `update_repo_settings`, `duplicate_repo`, `duplicate_space`,
    `auth_check`, `list_space_templates`, `get_full_repo_name`."""

    whoami: Callable[..., dict]  # provided by HfApi

    def list_space_templates(self, *, token: str | bool | None = None) -> list[SpaceTemplate]:
        """The official Space templates; pass a template's `repo_id` or `name` as `space_template` to
        [`create_repo`].

        Returns:
            `list[SpaceTemplate]`
        """
        response = get_session().get(
            f"{self.endpoint}/api/spaces/templates", headers=self._build_hf_headers(token=token)
        )
        hf_raise_for_status(response)
        return [SpaceTemplate(item) for item in response.json()["templates"]]

    @_deprecate_arguments(
        version="2.0",
        deprecated_args={"space_storage"},
        custom_message="Use `space_volumes` to mount volumes on a Space.",
    )
    @validate_hf_hub_args
    def create_repo(
        self,
        repo_id: str,
        *,
        token: str | bool | None = None,
        private: bool | None = None,
        visibility: RepoVisibility_T | None = None,
        repo_type: str | None = None,
        exist_ok: bool = False,
        resource_group_id: str | None = None,
        region: REPO_REGIONS | None = None,
        space_sdk: str | None = None,
        space_hardware: SpaceHardware | None = None,
        space_storage: SpaceStorage | None = None,
        space_sleep_time: int | None = None,
        space_secrets: list[dict[str, str]] | None = None,
        space_variables: list[dict[str, str]] | None = None,
        space_volumes: list[Volume] | None = None,
        space_template: str | None = None,
    ) -> RepoUrl:
        """Create an empty repository (its first commit holds the default `.gitattributes`).

        Args:
            repo_id (`str`): `namespace/name`, or `name` for the token owner's namespace.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default.
            private (`bool`, *optional*): make it private. `None` keeps the namespace's default. Exclusive with
                `visibility`. Ignored if the repository exists.
            visibility (`"public"`, `"private"` or `"protected"`, *optional*): `"protected"` is for Spaces only.
            repo_type (`str`, *optional*): `"dataset"`, `"space"` or `"kernel"`; a model by default.
            exist_ok (`bool`, *optional*): do not fail if the repository exists (its URL is returned).
            resource_group_id (`str`, *optional*): Enterprise resource group to create it in.
            region (`"us"` or `"eu"`, *optional*): storage region.
            space_sdk (`str`, *optional*): SDK of a Space, required for Spaces: `"gradio"`, `"streamlit"`,
                `"docker"` or `"static"`.
            space_hardware, space_storage (deprecated), space_sleep_time, space_secrets, space_variables,
                space_volumes (*optional*): initial settings of a Space (see [`SpaceHardware`], [`Volume`]);
                ignored with a warning for other repository types.
            space_template (`str`, *optional*): seed a Space from an official template (repo id or name, see
                [`list_space_templates`]); a template that prefers privacy makes the Space private unless a
                visibility is given.

        Returns:
            [`RepoUrl`]: the URL of the repository, with `repo_id`, `repo_type`, `endpoint` attributes.

        Raises:
            `ValueError`: for an unknown `repo_type`, a Space without a valid `space_sdk`, `private` and `visibility`
                together, or an unknown template.
            [`~errors.HfHubHTTPError`]: 409 if the repository exists and `exist_ok=False`; 401/403 if the token may
                not create repositories in that namespace.
        """
        organization, name = repo_id.split("/") if "/" in repo_id else (None, repo_id)
        if repo_type not in constants.REPO_TYPES_WITH_KERNEL:
            raise ValueError("Invalid repo type")
        resolved_visibility = _resolve_visibility(private=private, visibility=visibility, repo_type=repo_type)

        template_repo: str | None = None
        if space_template is not None:
            if repo_type != constants.REPO_TYPE_SPACE:
                raise ValueError(f"space_template can only be used with repo_type 'space'. Got repo_type={repo_type}.")
            template = self._find_space_template(space_template, token=token)
            template_repo = template.repo_id
            if template.preferred_private and private is None and visibility is None:
                resolved_visibility = "private"
            if space_sdk is not None and space_sdk != template.sdk:
                raise ValueError(
                    f"space_sdk must match the SDK of the chosen space_template. Got {space_sdk}, expected"
                    f" {template.sdk}."
                )
            space_sdk = template.sdk

        payload: dict[str, Any] = {"name": name, "organization": organization}
        if resolved_visibility is not None:
            payload["visibility"] = resolved_visibility
        if repo_type is not None:
            payload["type"] = repo_type
        if repo_type == constants.REPO_TYPE_SPACE:
            if space_sdk is None:
                raise ValueError(
                    "No space_sdk provided. `create_repo` expects space_sdk to be one"
                    f" of {constants.SPACES_SDK_TYPES} when repo_type is 'space'`"
                )
            if space_sdk not in constants.SPACES_SDK_TYPES:
                raise ValueError(f"Invalid space_sdk. Please choose one of {constants.SPACES_SDK_TYPES}.")
            payload["sdk"] = space_sdk
            if template_repo is not None:
                payload["template"] = template_repo
        elif space_sdk is not None:
            warnings.warn("Ignoring provided space_sdk because repo_type is not 'space'.", stacklevel=2)
        _add_space_options(
            payload, repo_type, hardware=space_hardware, storage=space_storage, sleep_time=space_sleep_time,
            secrets=space_secrets, variables=space_variables, volumes=space_volumes,
        )  # fmt: skip
        if resource_group_id is not None:
            payload["resourceGroupId"] = resource_group_id
        if region is not None:
            payload["region"] = region

        headers = self._build_hf_headers(token=token)
        while True:
            response = get_session().post(f"{self.endpoint}/api/repos/create", headers=headers, json=payload)
            if response.status_code == 409 and _CONCURRENT_CREATION in response.text:
                logger.debug("Create repo failed due to a concurrency issue. Retrying...")
                continue
            break
        try:
            hf_raise_for_status(response)
        except HfHubHTTPError as err:
            status = _status(err)
            if not exist_ok or status not in (401, 402, 403, 409):
                raise
            if status != 409:
                # Not allowed to create (token scope, payment, namespace rights), but it may exist already.
                try:
                    self.repo_info(repo_id=repo_id, repo_type=repo_type, token=token)
                except HfHubHTTPError:
                    raise err from None
                prefix = constants.REPO_TYPES_URL_PREFIXES.get(repo_type or "", "")
                return RepoUrl(f"{self.endpoint}/{prefix}{repo_id}", endpoint=self.endpoint)
            # 409: the Hub names the existing repository in the error body.
        return RepoUrl(response.json()["url"], endpoint=self.endpoint)

    def _find_space_template(self, wanted: str, *, token: str | bool | None) -> SpaceTemplate:
        templates = self.list_space_templates(token=token)
        for template in templates:
            if template.repo_id == wanted or template.name.lower() == wanted.lower():
                return template
        raise ValueError(
            f"Unknown Space template '{wanted}'. Expected one of {', '.join(sorted(t.name for t in templates))}."
            " Use `HfApi.list_space_templates()` to list templates."
        )

    @validate_hf_hub_args
    def delete_repo(
        self,
        repo_id: str,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
        missing_ok: bool = False,
    ) -> None:
        """Delete a repository, with its whole history. Irreversible.

        Args:
            repo_id (`str`): `namespace/name` of the repository.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default.
            repo_type (`str`, *optional*): `"dataset"`, `"space"` or `"kernel"`; a model by default.
            missing_ok (`bool`, *optional*): do not fail if the repository does not exist.

        Raises:
            `ValueError`: for an unknown `repo_type`.
            [`~errors.RepositoryNotFoundError`]: if it does not exist and `missing_ok=False`.
            [`~errors.HfHubHTTPError`]: 403 if the token may not delete it.
        """
        organization, name = repo_id.split("/") if "/" in repo_id else (None, repo_id)
        if repo_type not in constants.REPO_TYPES_WITH_KERNEL:
            raise ValueError("Invalid repo type")
        payload: dict[str, Any] = {"name": name, "organization": organization}
        if repo_type is not None:
            payload["type"] = repo_type
        response = get_session().request(
            "DELETE", f"{self.endpoint}/api/repos/delete", headers=self._build_hf_headers(token=token), json=payload
        )
        try:
            hf_raise_for_status(response)
        except RepositoryNotFoundError:
            if not missing_ok:
                raise

    @validate_hf_hub_args
    def update_repo_settings(
        self,
        repo_id: str,
        *,
        gated: Literal["auto", "manual", False] | None = None,
        private: bool | None = None,
        visibility: RepoVisibility_T | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Change the access settings of a repository: gating and visibility.

        Args:
            repo_id (`str`): `namespace/name` of the repository.
            gated (`"auto"`, `"manual"` or `False`, *optional*): access requests approved automatically, manually,
                or no gating. `None` leaves it unchanged.
            private (`bool`, *optional*): make it private or public. Exclusive with `visibility`.
            visibility (`"public"`, `"private"` or `"protected"`, *optional*): `"protected"` is for Spaces only.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default.
            repo_type (`str`, *optional*): `"dataset"` or `"space"`; a model by default.

        Raises:
            `ValueError`: for an invalid `gated` or `repo_type`, or when nothing is to be changed.
            [`~errors.RepositoryNotFoundError`]: if the repository cannot be seen.
            [`~errors.HfHubHTTPError`]: if the token may not change it.
        """
        if repo_type not in constants.REPO_TYPES:
            raise ValueError(f"Invalid repo type, must be one of {constants.REPO_TYPES}")
        repo_type = repo_type or constants.REPO_TYPE_MODEL
        resolved_visibility = _resolve_visibility(private=private, visibility=visibility, repo_type=repo_type)
        payload: dict[str, Any] = {}
        if gated is not None:
            if gated not in ("auto", "manual", False):
                raise ValueError(f"Invalid gated status, must be one of 'auto', 'manual', or False. Got '{gated}'.")
            payload["gated"] = gated
        if resolved_visibility is not None:
            payload["visibility"] = resolved_visibility
        if not payload:
            raise ValueError("At least one setting must be updated.")
        response = get_session().put(
            f"{self.endpoint}/api/{repo_type}s/{repo_id}/settings",
            headers=self._build_hf_headers(token=token),
            json=payload,
        )
        hf_raise_for_status(response)

    def move_repo(
        self,
        from_id: str,
        to_id: str,
        *,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ):
        """Rename a repository or transfer it to another namespace. The old URL keeps redirecting to the new one.

        Args:
            from_id (`str`): current `namespace/name`.
            to_id (`str`): new `namespace/name`.
            repo_type (`str`, *optional*): `"dataset"` or `"space"`; a model by default.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default.

        Raises:
            `ValueError`: if an id is not `namespace/name`.
            [`~errors.RepositoryNotFoundError`]: if the repository cannot be seen.
            [`~errors.HfHubHTTPError`]: if the target exists or the token may not move it (with a link to the
                documentation).
        """
        for repo in (from_id, to_id):
            if len(repo.split("/")) != 2:
                raise ValueError(f"Invalid repo_id: {repo}. It should have a namespace (:namespace:/:repo_name:)")
        payload = {"fromRepo": from_id, "toRepo": to_id, "type": repo_type or constants.REPO_TYPE_MODEL}
        response = get_session().post(
            f"{self.endpoint}/api/repos/move", headers=self._build_hf_headers(token=token), json=payload
        )
        try:
            hf_raise_for_status(response)
        except HfHubHTTPError as err:
            err.append_to_message(_MOVE_DOCS)
            raise

    @validate_hf_hub_args
    def duplicate_repo(
        self,
        from_id: str,
        to_id: str | None = None,
        *,
        repo_type: str | None = None,
        private: bool | None = None,
        visibility: RepoVisibility_T | None = None,
        token: bool | str | None = None,
        exist_ok: bool = False,
        space_hardware: SpaceHardware | None = None,
        space_storage: SpaceStorage | None = None,
        space_sleep_time: int | None = None,
        space_secrets: list[dict[str, str]] | None = None,
        space_variables: list[dict[str, str]] | None = None,
        space_volumes: list[Volume] | None = None,
    ) -> RepoUrl:
        """Copy a repository on the Hub, with its whole history and LFS files, without downloading anything.

        Args:
            from_id (`str`): the repository to copy (id, web URL or `hf://` URI).
            to_id (`str`, *optional*): the copy; `name` or `namespace/name`. By default the same name in the
                token owner's namespace.
            repo_type (`str`, *optional*): `"dataset"` or `"space"`; a model by default.
            private (`bool`, *optional*), visibility (`str`, *optional*): visibility of the copy (the source's by
                default); exclusive.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default.
            exist_ok (`bool`, *optional*): do not fail if the target exists.
            space_hardware, space_storage, space_sleep_time, space_secrets, space_variables, space_volumes
                (*optional*): settings of a duplicated Space; ignored with a warning for other types.

        Returns:
            [`RepoUrl`]: the URL of the copy.

        Raises:
            `ValueError`: for an unknown `repo_type`, or `private` and `visibility` together.
            [`~errors.RepositoryNotFoundError`]: if the source cannot be seen.
            [`~errors.HfHubHTTPError`]: 409 if the target exists and `exist_ok=False`.
        """
        if repo_type not in constants.REPO_TYPES:
            raise ValueError("Invalid repo type")
        resolved_visibility = _resolve_visibility(private=private, visibility=visibility, repo_type=repo_type)
        to_namespace, to_name = _target_of_duplicate(from_id, to_id)
        if to_namespace is None:
            to_namespace = self.whoami(token)["name"]
        payload: dict[str, Any] = {"repository": f"{to_namespace}/{to_name}"}
        if resolved_visibility is not None:
            payload["visibility"] = resolved_visibility
        _add_space_options(
            payload, repo_type, hardware=space_hardware, storage=space_storage, sleep_time=space_sleep_time,
            secrets=space_secrets, variables=space_variables, volumes=space_volumes,
        )  # fmt: skip
        response = get_session().post(
            f"{self.endpoint}/api/{repo_type or constants.REPO_TYPE_MODEL}s/{from_id}/duplicate",
            headers=self._build_hf_headers(token=token),
            json=payload,
        )
        try:
            hf_raise_for_status(response)
        except HfHubHTTPError as err:
            if not (exist_ok and _status(err) == 409):
                raise
        return RepoUrl(response.json()["url"], endpoint=self.endpoint)

    @_deprecate_method(version="2.0", message="Use `duplicate_repo` instead.")
    @validate_hf_hub_args
    def duplicate_space(
        self,
        from_id: str,
        to_id: str | None = None,
        *,
        private: bool | None = None,
        visibility: RepoVisibility_T | None = None,
        token: bool | str | None = None,
        exist_ok: bool = False,
        hardware: SpaceHardware | None = None,
        storage: SpaceStorage | None = None,
        sleep_time: int | None = None,
        secrets: list[dict[str, str]] | None = None,
        variables: list[dict[str, str]] | None = None,
    ) -> RepoUrl:
        """Copy a Space (deprecated: use [`duplicate_repo`] with `repo_type="space"`)."""
        return self.duplicate_repo(
            from_id=from_id, to_id=to_id, repo_type="space", private=private, visibility=visibility, token=token,
            exist_ok=exist_ok, space_hardware=hardware, space_storage=storage, space_sleep_time=sleep_time,
            space_secrets=secrets, space_variables=variables,
        )  # fmt: skip

    @validate_hf_hub_args
    def auth_check(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        token: bool | str | None = None,
        write: bool = False,
    ) -> None:
        """Check that the token may read a repository (or write to it with `write=True`); return quietly if so.

        Raises:
            `ValueError`: for an unknown `repo_type`.
            [`~errors.GatedRepoError`]: if the repository is gated and access was not granted.
            [`~errors.RepositoryNotFoundError`]: if it does not exist or cannot be seen.
            [`~errors.HfHubHTTPError`]: 403 if `write=True` and the token may not write.
        """
        repo_type = repo_type or constants.REPO_TYPE_MODEL
        if repo_type not in constants.REPO_TYPES:
            raise ValueError(f"Invalid repo type, must be one of {constants.REPO_TYPES}")
        url = f"{self.endpoint}/api/{repo_type}s/{repo_id}/auth-check" + ("/write" if write else "")
        response = get_session().get(url, headers=self._build_hf_headers(token=token))
        hf_raise_for_status(response)

    @validate_hf_hub_args
    def get_full_repo_name(
        self,
        model_id: str,
        *,
        organization: str | None = None,
        token: bool | str | None = None,
    ):
        """`organization/model_id` if an organization is given, else `<token owner>/model_id` (one `whoami` call).

        As upstream, a `model_id` that already has a namespace gets it prefixed once more (`"a/b"` -> `"a/a/b"`).
        """
        if organization is not None:
            return f"{organization}/{model_id}"
        if "/" in model_id:
            return f"{model_id.split('/')[0]}/{model_id}"
        return f"{self.whoami(token=token)['name']}/{model_id}"


def _target_of_duplicate(from_id: str, to_id: str | None) -> tuple[str | None, str]:
    """`(namespace or None, name)` of a duplicate. Ids may be web URLs, `hf://` URIs or plain ids."""
    if to_id is not None:
        try:
            namespace, name = parse_hf_uri(to_id).id.split("/")
            return namespace, name
        except HfUriError:
            parts = to_id.rsplit("/", 1)
            return (parts[0] if len(parts) == 2 else None), parts[-1]
    try:
        return None, parse_hf_uri(from_id).id.split("/")[1]
    except HfUriError:
        return None, from_id.rsplit("/", 1)[-1]
