"""The listing methods of `HfApi`: `list_models`, `list_datasets`, `list_spaces`.

Each returns a lazy generator: pages are fetched while iterating (`Link: <next>` headers), and `limit` stops the
iteration as well as being sent to the Hub, so that no page beyond it is fetched.
"""

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, Literal

from ._repo_info_types import (
    DatasetInfo,
    DatasetSort_T,
    ExpandDatasetProperty_T,
    ExpandModelProperty_T,
    ExpandSpaceProperty_T,
    ModelInfo,
    ModelSort_T,
    SpaceInfo,
    SpaceSort_T,
)
from .utils._deprecation import _deprecate_arguments
from .utils._pagination import paginate
from .utils._validators import validate_hf_hub_args
from .utils.endpoint_helpers import _is_emission_within_threshold

# The Hub's names of the sort keys whose Python spelling differs.
_SORT_KEYS = {"last_modified": "lastModified", "trending_score": "trendingScore", "created_at": "createdAt"}

# Dataset filters given as their own argument, written `<key>:<value>` in `filter`.
_DATASET_FILTER_KEYS = (
    "language_creators",
    "language",
    "multilinguality",
    "size_categories",
    "task_categories",
    "task_ids",
)


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def _prefixed(key: str, values: str | Iterable[str] | None) -> list[str]:
    """`values` as `key:value` filters, leaving those already prefixed as they are."""
    return [value if value.startswith(f"{key}:") else f"{key}:{value}" for value in _as_list(values)]


class ListingMixin:
    """`HfApi.list_models`, `list_datasets`, `list_spaces`."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi

    def _list_repos(self, api_type: str, params: dict[str, Any], limit: int | None, token: bool | str | None):
        if params.get("sort") is not None:
            params["sort"] = _SORT_KEYS.get(params["sort"], params["sort"])
        items: Iterator[dict] = paginate(
            f"{self.endpoint}/api/{api_type}", params=params, headers=self._build_hf_headers(token=token)
        )
        if limit is not None:
            items = islice(items, limit)
        for item in items:
            # Listings do not send files unless asked: "unknown", not "no files".
            item.setdefault("siblings", None)
            yield item

    @_deprecate_arguments(version="2.0", deprecated_args=["model_name"], custom_message="Use `search` instead.")
    @validate_hf_hub_args
    def list_models(
        self,
        *,
        filter: str | Iterable[str] | None = None,
        author: str | None = None,
        apps: str | list[str] | None = None,
        gated: bool | None = None,
        inference: Literal["warm"] | None = None,
        inference_provider: str | list[str] | None = None,
        model_name: str | None = None,
        trained_dataset: str | list[str] | None = None,
        search: str | None = None,
        pipeline_tag: str | None = None,
        num_parameters: str | None = None,
        emissions_thresholds: tuple[float, float] | None = None,
        sort: ModelSort_T | None = None,
        limit: int | None = None,
        expand: list[ExpandModelProperty_T] | None = None,
        full: bool | None = None,
        cardData: bool = False,
        fetch_config: bool = False,
        token: bool | str | None = None,
    ) -> Iterable[ModelInfo]:
        """List the models of the Hub that match the filters, lazily.

        Args:
            filter (`str` or `Iterable[str]`, *optional*): tags the models must have (library, language, task...).
            author (`str`, *optional*): owner (user or organization) of the models.
            apps (`str` or `list[str]`, *optional*): apps that must support the models, e.g. `"ollama"`.
            gated (`bool`, *optional*): only gated (`True`) or only non-gated (`False`) models.
            inference (`"warm"`, *optional*): only models served by at least one Inference Provider.
            inference_provider (`str` or `list[str]`, *optional*): only models served by this provider (`"all"`
                for any).
            model_name (`str`, *optional*): deprecated, use `search`.
            trained_dataset (`str` or `list[str]`, *optional*): datasets the models were trained on.
            search (`str`, *optional*): text the model ids must contain.
            pipeline_tag (`str`, *optional*): task of the models, e.g. `"summarization"`.
            num_parameters (`str`, *optional*): parameter-count range, e.g. `"min:6B,max:128B"`.
            emissions_thresholds (`tuple[float, float]`, *optional*): minimum and maximum CO2 emissions (grams)
                declared in the model card; filtered here, and needs `cardData=True`.
            sort (`ModelSort_T`, *optional*): `"created_at"`, `"downloads"`, `"last_modified"`, `"likes"` or
                `"trending_score"` (always descending).
            limit (`int`, *optional*): stop after that many models.
            expand (`list[ExpandModelProperty_T]`, *optional*): fetch only these properties. Cannot be combined
                with `full`, `cardData` or `fetch_config`.
            full (`bool`, *optional*): fetch all properties, files included.
            cardData (`bool`, *optional*): also fetch the model card metadata.
            fetch_config (`bool`, *optional*): also fetch the model config.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.

        Returns:
            `Iterable[ModelInfo]`

        Raises:
            `ValueError`: if `expand` is combined with `full`, `cardData` or `fetch_config`, or
                `emissions_thresholds` is given without `cardData=True` (when iteration starts).

        Example:
            ```py
            >>> [m.id for m in HfApi().list_models(author="google", search="bert", sort="likes", limit=3)]
            ```
        """
        if expand and (full or cardData or fetch_config):
            raise ValueError("`expand` cannot be used if `full`, `cardData` or `fetch_config` are passed.")
        if emissions_thresholds is not None and not cardData:
            raise ValueError("`emissions_thresholds` were passed without setting `cardData=True`.")
        filters = _as_list(filter) + _prefixed("dataset", trained_dataset)
        searches = [text for text in (model_name, search) if text]
        params: dict[str, Any] = {
            "filter": filters or None,
            "author": author or None,
            "apps": _as_list(apps) or None,
            "gated": gated,
            "inference": inference,
            "inference_provider": inference_provider,
            "pipeline_tag": pipeline_tag or None,
            "num_parameters": num_parameters,
            "search": searches or None,
            "sort": sort,
            "limit": limit,
            "full": True if full else None,
            "config": True if fetch_config else None,
            "cardData": True if cardData else None,
            "expand": expand or None,
        }
        for item in self._list_repos("models", params, limit, token):
            model = ModelInfo(**item)
            if emissions_thresholds is None or _is_emission_within_threshold(model, *emissions_thresholds):
                yield model

    @validate_hf_hub_args
    def list_datasets(
        self,
        *,
        filter: str | Iterable[str] | None = None,
        author: str | None = None,
        benchmark: Literal[True] | Literal["official"] | str | None = None,
        dataset_name: str | None = None,
        gated: bool | None = None,
        language_creators: str | list[str] | None = None,
        language: str | list[str] | None = None,
        multilinguality: str | list[str] | None = None,
        size_categories: str | list[str] | None = None,
        task_categories: str | list[str] | None = None,
        task_ids: str | list[str] | None = None,
        search: str | None = None,
        sort: DatasetSort_T | None = None,
        limit: int | None = None,
        expand: list[ExpandDatasetProperty_T] | None = None,
        full: bool | None = None,
        token: bool | str | None = None,
    ) -> Iterable[DatasetInfo]:
        """List the datasets of the Hub that match the filters, lazily.

        Args:
            filter (`str` or `Iterable[str]`, *optional*): tags the datasets must have, e.g. `"language:ru"`.
            author (`str`, *optional*): owner (user or organization) of the datasets.
            benchmark (`True`, `"official"` or `str`, *optional*): only benchmark datasets (`True` means
                `"official"`).
            dataset_name (`str`, *optional*): text the dataset ids must contain (like `search`).
            gated (`bool`, *optional*): only gated (`True`) or only non-gated (`False`) datasets.
            language_creators, language, multilinguality, size_categories, task_categories, task_ids
                (`str` or `list[str]`, *optional*): added to `filter` as `<argument>:<value>`.
            search (`str`, *optional*): text the dataset ids must contain.
            sort (`DatasetSort_T`, *optional*): `"created_at"`, `"downloads"`, `"last_modified"`, `"likes"` or
                `"trending_score"` (always descending).
            limit (`int`, *optional*): stop after that many datasets.
            expand (`list[ExpandDatasetProperty_T]`, *optional*): fetch only these properties. Cannot be combined
                with `full`.
            full (`bool`, *optional*): fetch all properties, files and card metadata included.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.

        Returns:
            `Iterable[DatasetInfo]`

        Raises:
            `ValueError`: if `expand` is combined with `full` (when iteration starts).
        """
        if expand and full:
            raise ValueError("`expand` cannot be used if `full` is passed.")
        filters = _as_list(filter)
        named_filters = dict(
            zip(
                _DATASET_FILTER_KEYS,
                (language_creators, language, multilinguality, size_categories, task_categories, task_ids),
                strict=True,
            )
        )
        for key, values in named_filters.items():
            filters += _prefixed(key, values)
        if benchmark is not None:
            filters.append(f"benchmark:{'official' if benchmark is True else benchmark}")
        searches = [text for text in (dataset_name, search) if text]
        params: dict[str, Any] = {
            "filter": filters or None,
            "author": author or None,
            "gated": gated,
            "search": searches or None,
            "sort": sort,
            "limit": limit,
            "expand": expand or None,
            "full": True if full else None,
        }
        for item in self._list_repos("datasets", params, limit, token):
            yield DatasetInfo(**item)

    @validate_hf_hub_args
    def list_spaces(
        self,
        *,
        filter: str | Iterable[str] | None = None,
        author: str | None = None,
        search: str | None = None,
        datasets: str | Iterable[str] | None = None,
        models: str | Iterable[str] | None = None,
        linked: bool = False,
        sort: SpaceSort_T | None = None,
        limit: int | None = None,
        expand: list[ExpandSpaceProperty_T] | None = None,
        full: bool | None = None,
        token: bool | str | None = None,
    ) -> Iterable[SpaceInfo]:
        """List the Spaces of the Hub that match the filters, lazily.

        Args:
            filter (`str` or `Iterable[str]`, *optional*): tags the Spaces must have.
            author (`str`, *optional*): owner (user or organization) of the Spaces.
            search (`str`, *optional*): text the Space ids must contain.
            datasets (`str` or `Iterable[str]`, *optional*): only Spaces using these datasets.
            models (`str` or `Iterable[str]`, *optional*): only Spaces using these models.
            linked (`bool`, *optional*): only Spaces using a model or a dataset.
            sort (`SpaceSort_T`, *optional*): `"created_at"`, `"last_modified"`, `"likes"` or `"trending_score"`
                (always descending).
            limit (`int`, *optional*): stop after that many Spaces.
            expand (`list[ExpandSpaceProperty_T]`, *optional*): fetch only these properties. Cannot be combined
                with `full`.
            full (`bool`, *optional*): fetch all properties, files and card metadata included.
            token (`bool` or `str`, *optional*): a User Access Token; the saved one by default, `False` for none.

        Returns:
            `Iterable[SpaceInfo]`

        Raises:
            `ValueError`: if `expand` is combined with `full` (when iteration starts).
        """
        if expand and full:
            raise ValueError("`expand` cannot be used if `full` is passed.")
        params: dict[str, Any] = {
            "filter": filter,
            "author": author,
            "search": search,
            "sort": sort,
            "limit": limit,
            "linked": True if linked else None,
            "datasets": datasets,
            "models": models,
            "expand": expand or None,
            "full": True if full else None,
        }
        for item in self._list_repos("spaces", params, limit, token):
            yield SpaceInfo(**item)
