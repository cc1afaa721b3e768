"""Discovering what is on the Hub beyond plain listings: the tags in use (`get_model_tags`, `get_dataset_tags`)
and the search of Spaces by meaning (`search_spaces`)."""

from collections.abc import Callable, Iterable
from typing import Any

from ._space_api import SpaceSearchResult
from .utils._http import get_session, hf_raise_for_status
from .utils._validators import validate_hf_hub_args


class DiscoveryMixin:
    """Tags by type and Space search."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi

    def get_model_tags(self) -> dict:
        """The tags models can carry, grouped by type (`pipeline_tag`, `library`, `license`, `language`, ...).

        Returns:
            `dict`: type → list of `{"id", "label", "type"}` tags.
        """
        response = get_session().get(f"{self.endpoint}/api/models-tags-by-type")
        hf_raise_for_status(response)
        return response.json()

    def get_dataset_tags(self) -> dict:
        """The tags datasets can carry, grouped by type (`task_categories`, `language`, `license`, ...).

        Returns:
            `dict`: type → list of `{"id", "label", "type"}` tags.
        """
        response = get_session().get(f"{self.endpoint}/api/datasets-tags-by-type")
        hf_raise_for_status(response)
        return response.json()

    @validate_hf_hub_args
    def search_spaces(
        self,
        query: str,
        *,
        filter: str | Iterable[str] | None = None,
        sdk: str | list[str] | None = None,
        include_non_running: bool = False,
        token: bool | str | None = None,
    ) -> Iterable[SpaceSearchResult]:
        """Search Spaces by what they do: the Hub ranks multi-word queries by meaning (embeddings) and single words
        by full-text search.

        Args:
            query (`str`):
                What to look for, e.g. `"generate image"`.
            filter (`str` or `Iterable[str]`, *optional*):
                Tag(s) the Spaces must carry.
            sdk (`str` or `list[str]`, *optional*):
                SDK(s) to keep, e.g. `"gradio"`, `"docker"`, `"static"`.
            include_non_running (`bool`, defaults to `False`):
                Also return Spaces that are not running.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the client's token, then to the locally saved one.

        Returns:
            `Iterable[SpaceSearchResult]`: the matches, most relevant first (one request, not paginated).
        """
        params: dict[str, Any] = {"q": query}
        if filter is not None:
            params["filter"] = filter if isinstance(filter, str) else list(filter)
        if sdk is not None:
            params["sdk"] = sdk
        if include_non_running:
            params["includeNonRunning"] = "true"  # spelled as the Hub expects (requests would send "True")
        response = get_session().get(
            f"{self.endpoint}/api/spaces/semantic-search", headers=self._build_hf_headers(token=token), params=params
        )
        hf_raise_for_status(response)
        for item in response.json():
            yield SpaceSearchResult(item)
