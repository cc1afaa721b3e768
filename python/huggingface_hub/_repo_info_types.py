"""What the Hub says about a repository: `ModelInfo`, `DatasetInfo`, `SpaceInfo`, `KernelInfo`, and the literal types
of the info and listing parameters (`expand` properties, sort keys, visibility, region).

Every field is optional but `id`: the Hub answers only the properties asked for (`expand=`), and listings answer
fewer than single-repo calls. Keys the Hub sends that are not fields become extra attributes. Both the Hub's
camelCase keys and the attribute names are accepted, so an info can be rebuilt from `dataclasses.asdict(info)`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from ._eval_results import EvalResultEntry, parse_eval_result_entries
from ._repo_types import RepoSibling, SafeTensorsInfo, TransformersInfo, parse_siblings
from ._space_api import SpaceRuntime
from .repocard_data import CardData, DatasetCardData, ModelCardData, SpaceCardData
from .utils._datetime import parse_datetime

RepoVisibility_T = Literal["public", "private", "protected"]
REPO_REGIONS = Literal["us", "eu"]

ExpandModelProperty_T = Literal[
    "author",
    "baseModels",
    "cardData",
    "childrenModelCount",
    "config",
    "createdAt",
    "disabled",
    "downloads",
    "downloadsAllTime",
    "evalResults",
    "gated",
    "gguf",
    "inference",
    "inferenceProviderMapping",
    "lastModified",
    "library_name",
    "likes",
    "mask_token",
    "model-index",
    "pipeline_tag",
    "private",
    "resourceGroup",
    "safetensors",
    "sha",
    "siblings",
    "spaces",
    "tags",
    "transformersInfo",
    "trendingScore",
    "usedStorage",
    "widgetData",
]
ExpandDatasetProperty_T = Literal[
    "author",
    "cardData",
    "citation",
    "createdAt",
    "description",
    "disabled",
    "downloads",
    "downloadsAllTime",
    "gated",
    "lastModified",
    "likes",
    "mainSize",
    "paperswithcode_id",
    "private",
    "resourceGroup",
    "sha",
    "siblings",
    "tags",
    "trendingScore",
    "usedStorage",
]
ExpandSpaceProperty_T = Literal[
    "author",
    "cardData",
    "createdAt",
    "datasets",
    "disabled",
    "lastModified",
    "likes",
    "models",
    "private",
    "region",
    "resourceGroup",
    "runtime",
    "sdk",
    "sha",
    "siblings",
    "subdomain",
    "tags",
    "trendingScore",
    "usedStorage",
]
ModelSort_T = Literal["created_at", "downloads", "last_modified", "likes", "trending_score"]
DatasetSort_T = Literal["created_at", "downloads", "last_modified", "likes", "trending_score"]
SpaceSort_T = Literal["created_at", "last_modified", "likes", "trending_score"]


def _pop_either(kwargs: dict, hub_key: str, attribute: str) -> Any:
    """The value under the Hub's key, else under the attribute name. Both are removed, so that the one not used
    does not come back as an extra attribute."""
    hub_value, attribute_value = kwargs.pop(hub_key, None), kwargs.pop(attribute, None)
    return hub_value or attribute_value


def _pop_datetime(kwargs: dict, hub_key: str, attribute: str) -> datetime | None:
    value = _pop_either(kwargs, hub_key, attribute)
    if isinstance(value, str):
        return parse_datetime(value)
    return value or None


def _card_data(raw: Any, card_data_class: type[CardData]) -> Any:
    """The card metadata as a `card_data_class`; invalid metadata never makes the info unreadable."""
    if not isinstance(raw, dict):
        return raw
    return card_data_class(**raw, ignore_metadata_errors=True)


@dataclass
class InferenceProviderMapping:
    """How an Inference Provider serves a model.

    Attributes:
        provider (`str`): the provider, e.g. `"together"`.
        hf_model_id (`str`): the model on the Hub.
        provider_id (`str`): the model's id on the provider's side.
        status (`str`): `"live"`, `"staging"` or `"error"`.
        task (`str`): the task it is served for.
        adapter (`str`, *optional*), adapter_weights_path (`str`, *optional*): for adapters (e.g. LoRA).
        type (`str`, *optional*): `"single-model"` or `"tag-filter"`.
    """

    provider: str
    hf_model_id: str
    provider_id: str
    status: Literal["error", "live", "staging"]
    task: str
    adapter: str | None = None
    adapter_weights_path: str | None = None
    type: Literal["single-model", "tag-filter"] | None = None

    def __init__(self, **kwargs: Any) -> None:
        self.provider = kwargs.pop("provider")
        self.hf_model_id = kwargs.pop("hf_model_id")
        self.provider_id = kwargs.pop("providerId")
        self.status = kwargs.pop("status")
        self.task = kwargs.pop("task")
        self.adapter = kwargs.pop("adapter", None)
        self.adapter_weights_path = kwargs.pop("adapterWeightsPath", None)
        self.type = kwargs.pop("type", None)
        self.__dict__.update(kwargs)


def _provider_mappings(mapping: Any, model_id: str) -> list[InferenceProviderMapping] | None:
    # `model_info` answers a dict keyed by provider, `list_models` a list whose items name their provider.
    if mapping is None:
        return None
    if isinstance(mapping, list):
        return [InferenceProviderMapping(**{**item, "hf_model_id": model_id}) for item in mapping]
    if isinstance(mapping, dict):
        return [
            InferenceProviderMapping(**{**item, "hf_model_id": model_id, "provider": provider})
            for provider, item in mapping.items()
        ]
    raise ValueError(f"Unexpected type for `inferenceProviderMapping`. Expecting `dict` or `list`. Got {mapping}.")


@dataclass
class ModelInfo:
    """A model repository ([`HfApi.model_info`], [`HfApi.list_models`]).

    Attributes:
        id (`str`): the repository id.
        author (`str`, *optional*): its owner.
        base_models (`list[str]`, *optional*): models it derives from.
        card_data ([`ModelCardData`], *optional*): metadata of the model card.
        children_model_count (`int`, *optional*): number of models derived from it.
        config (`dict`, *optional*): the model configuration.
        created_at (`datetime`, *optional*): creation date (the Hub has no date before 2022-03-02).
        disabled (`bool`, *optional*): whether the repository is disabled.
        downloads (`int`, *optional*): downloads over the last 30 days.
        downloads_all_time (`int`, *optional*): downloads since creation.
        eval_results (`list[EvalResultEntry]`, *optional*): evaluation results.
        gated (`"auto"`, `"manual"` or `False`, *optional*): access-request mode.
        gguf (`dict`, *optional*): GGUF details.
        inference (`"warm"`, *optional*): whether at least one Inference Provider serves it.
        inference_provider_mapping (`list[InferenceProviderMapping]`, *optional*): how each provider serves it.
        last_modified (`datetime`, *optional*): date of the last commit.
        library_name (`str`, *optional*): library of the model.
        likes (`int`, *optional*): number of likes.
        mask_token (`str`, *optional*): mask token of the model.
        model_index (`dict`, *optional*): `model-index` evaluation metadata.
        pipeline_tag (`str`, *optional*): task of the model.
        private (`bool`, *optional*): whether the repository is private.
        resource_group (`dict`, *optional*): its resource group.
        safetensors ([`SafeTensorsInfo`], *optional*): parameter counts.
        security_repo_status (`dict`, *optional*): security scan status (with `securityStatus=True`).
        sha (`str`, *optional*): commit of the revision described.
        siblings (`list[RepoSibling]`, *optional*): its files.
        spaces (`list[str]`, *optional*): Spaces using it.
        tags (`list[str]`, *optional*): its tags (the card's and those computed by the Hub).
        transformers_info ([`TransformersInfo`], *optional*): how `transformers` loads it.
        trending_score (`int`, *optional*): trending score.
        used_storage (`int`, *optional*): storage used on the Hub, in bytes.
        widget_data (`Any`, *optional*): widget examples.

    `lastModified`, `cardData` and `transformersInfo` are kept as aliases.
    """

    id: str
    author: str | None
    base_models: list[str] | None
    card_data: ModelCardData | None
    children_model_count: int | None
    config: dict | None
    created_at: datetime | None
    disabled: bool | None
    downloads: int | None
    downloads_all_time: int | None
    eval_results: list[EvalResultEntry] | None
    gated: Literal["auto", "manual", False] | None
    gguf: dict | None
    inference: Literal["warm"] | None
    inference_provider_mapping: list[InferenceProviderMapping] | None
    last_modified: datetime | None
    library_name: str | None
    likes: int | None
    mask_token: str | None
    model_index: dict | None
    pipeline_tag: str | None
    private: bool | None
    resource_group: dict | None
    safetensors: SafeTensorsInfo | None
    security_repo_status: dict | None
    sha: str | None
    siblings: list[RepoSibling] | None
    spaces: list[str] | None
    tags: list[str] | None
    transformers_info: TransformersInfo | None
    trending_score: int | None
    used_storage: int | None
    widget_data: Any | None

    def __init__(self, **kwargs: Any) -> None:
        self.id = kwargs.pop("id")
        self.author = kwargs.pop("author", None)
        self.sha = kwargs.pop("sha", None)
        self.last_modified = _pop_datetime(kwargs, "lastModified", "last_modified")
        self.created_at = _pop_datetime(kwargs, "createdAt", "created_at")
        self.private = kwargs.pop("private", None)
        self.gated = kwargs.pop("gated", None)
        self.disabled = kwargs.pop("disabled", None)
        self.downloads = kwargs.pop("downloads", None)
        self.downloads_all_time = kwargs.pop("downloadsAllTime", None)
        self.likes = kwargs.pop("likes", None)
        self.library_name = kwargs.pop("library_name", None)
        self.gguf = kwargs.pop("gguf", None)
        self.inference = kwargs.pop("inference", None)
        self.inference_provider_mapping = _provider_mappings(kwargs.pop("inferenceProviderMapping", None), self.id)
        self.tags = kwargs.pop("tags", None)
        self.pipeline_tag = kwargs.pop("pipeline_tag", None)
        self.mask_token = kwargs.pop("mask_token", None)
        self.trending_score = kwargs.pop("trendingScore", None)
        self.used_storage = kwargs.pop("usedStorage", None)
        self.card_data = _card_data(_pop_either(kwargs, "cardData", "card_data"), ModelCardData)
        self.widget_data = kwargs.pop("widgetData", None)
        self.model_index = _pop_either(kwargs, "model-index", "model_index")
        self.config = kwargs.pop("config", None)
        transformers_info = _pop_either(kwargs, "transformersInfo", "transformers_info")
        # Built from the dict as is: a key TransformersInfo does not know is an error, as upstream.
        self.transformers_info = TransformersInfo(**transformers_info) if transformers_info else None
        self.siblings = parse_siblings(kwargs.pop("siblings", None))
        self.spaces = kwargs.pop("spaces", None)
        safetensors = kwargs.pop("safetensors", None)
        self.safetensors = (
            SafeTensorsInfo(parameters=safetensors["parameters"], total=safetensors["total"]) if safetensors else None
        )
        self.security_repo_status = kwargs.pop("securityRepoStatus", None)
        eval_results = kwargs.pop("evalResults", None)
        self.eval_results = parse_eval_result_entries(eval_results) if eval_results else None
        self.base_models = kwargs.pop("baseModels", None)
        self.children_model_count = kwargs.pop("childrenModelCount", None)
        self.resource_group = kwargs.pop("resourceGroup", None)
        # Names of older releases.
        self.lastModified = self.last_modified
        self.cardData = self.card_data
        self.transformersInfo = self.transformers_info
        self.__dict__.update(kwargs)


@dataclass
class DatasetInfo:
    """A dataset repository ([`HfApi.dataset_info`], [`HfApi.list_datasets`]).

    Attributes:
        id (`str`): the repository id.
        author (`str`, *optional*): its owner.
        card_data ([`DatasetCardData`], *optional*): metadata of the dataset card.
        citation (`str`, *optional*): how to cite it.
        created_at (`datetime`, *optional*): creation date.
        description (`str`, *optional*): its description.
        disabled (`bool`, *optional*): whether the repository is disabled.
        downloads (`int`, *optional*): downloads over the last 30 days.
        downloads_all_time (`int`, *optional*): downloads since creation.
        gated (`"auto"`, `"manual"` or `False`, *optional*): access-request mode.
        last_modified (`datetime`, *optional*): date of the last commit.
        likes (`int`, *optional*): number of likes.
        main_size (`int`, *optional*): size of the main branch, in bytes.
        paperswithcode_id (`str`, *optional*): Papers with Code id.
        private (`bool`, *optional*): whether the repository is private.
        resource_group (`dict`, *optional*): its resource group.
        sha (`str`, *optional*): commit of the revision described.
        siblings (`list[RepoSibling]`, *optional*): its files.
        tags (`list[str]`, *optional*): its tags.
        trending_score (`int`, *optional*): trending score.
        used_storage (`int`, *optional*): storage used on the Hub, in bytes.

    `lastModified` and `cardData` are kept as aliases.
    """

    id: str
    author: str | None
    card_data: DatasetCardData | None
    citation: str | None
    created_at: datetime | None
    description: str | None
    disabled: bool | None
    downloads: int | None
    downloads_all_time: int | None
    gated: Literal["auto", "manual", False] | None
    last_modified: datetime | None
    likes: int | None
    main_size: int | None
    paperswithcode_id: str | None
    private: bool | None
    resource_group: dict | None
    sha: str | None
    siblings: list[RepoSibling] | None
    tags: list[str] | None
    trending_score: int | None
    used_storage: int | None

    def __init__(self, **kwargs: Any) -> None:
        self.id = kwargs.pop("id")
        self.author = kwargs.pop("author", None)
        self.sha = kwargs.pop("sha", None)
        self.created_at = _pop_datetime(kwargs, "createdAt", "created_at")
        self.last_modified = _pop_datetime(kwargs, "lastModified", "last_modified")
        self.private = kwargs.pop("private", None)
        self.gated = kwargs.pop("gated", None)
        self.disabled = kwargs.pop("disabled", None)
        self.downloads = kwargs.pop("downloads", None)
        self.downloads_all_time = kwargs.pop("downloadsAllTime", None)
        self.likes = kwargs.pop("likes", None)
        self.main_size = kwargs.pop("mainSize", None)
        self.paperswithcode_id = kwargs.pop("paperswithcode_id", None)
        self.tags = kwargs.pop("tags", None)
        self.trending_score = kwargs.pop("trendingScore", None)
        self.used_storage = kwargs.pop("usedStorage", None)
        self.card_data = _card_data(_pop_either(kwargs, "cardData", "card_data"), DatasetCardData)
        self.siblings = parse_siblings(kwargs.pop("siblings", None))
        self.citation = kwargs.pop("citation", None)
        self.description = kwargs.pop("description", None)
        self.resource_group = kwargs.pop("resourceGroup", None)
        self.lastModified = self.last_modified
        self.cardData = self.card_data
        self.__dict__.update(kwargs)


@dataclass
class SpaceInfo:
    """A Space ([`HfApi.space_info`], [`HfApi.list_spaces`]).

    Attributes:
        id (`str`): the repository id.
        author (`str`, *optional*): its owner.
        card_data ([`SpaceCardData`], *optional*): metadata of the Space card.
        created_at (`datetime`, *optional*): creation date.
        datasets (`list[str]`, *optional*): datasets it uses.
        disabled (`bool`, *optional*): whether the Space is disabled.
        gated (`"auto"`, `"manual"` or `False`, *optional*): access-request mode.
        host (`str`, *optional*): URL where the Space app runs.
        last_modified (`datetime`, *optional*): date of the last commit.
        likes (`int`, *optional*): number of likes.
        models (`list[str]`, *optional*): models it uses.
        private (`bool`, *optional*): whether the Space is private.
        region (`"us"` or `"eu"`, *optional*): where it is stored.
        resource_group (`dict`, *optional*): its resource group.
        runtime ([`SpaceRuntime`], *optional*): its runtime.
        sdk (`str`, *optional*): its SDK.
        sha (`str`, *optional*): commit of the revision described.
        siblings (`list[RepoSibling]`, *optional*): its files.
        subdomain (`str`, *optional*): subdomain of the app.
        tags (`list[str]`, *optional*): its tags.
        trending_score (`int`, *optional*): trending score.
        used_storage (`int`, *optional*): storage used on the Hub, in bytes.

    `lastModified` and `cardData` are kept as aliases.
    """

    id: str
    author: str | None
    card_data: SpaceCardData | None
    created_at: datetime | None
    datasets: list[str] | None
    disabled: bool | None
    gated: Literal["auto", "manual", False] | None
    host: str | None
    last_modified: datetime | None
    likes: int | None
    models: list[str] | None
    private: bool | None
    region: REPO_REGIONS | None
    resource_group: dict | None
    runtime: SpaceRuntime | None
    sdk: str | None
    sha: str | None
    siblings: list[RepoSibling] | None
    subdomain: str | None
    tags: list[str] | None
    trending_score: int | None
    used_storage: int | None

    def __init__(self, **kwargs: Any) -> None:
        self.id = kwargs.pop("id")
        self.author = kwargs.pop("author", None)
        self.sha = kwargs.pop("sha", None)
        self.created_at = _pop_datetime(kwargs, "createdAt", "created_at")
        self.last_modified = _pop_datetime(kwargs, "lastModified", "last_modified")
        self.private = kwargs.pop("private", None)
        self.gated = kwargs.pop("gated", None)
        self.disabled = kwargs.pop("disabled", None)
        self.host = kwargs.pop("host", None)
        self.subdomain = kwargs.pop("subdomain", None)
        self.likes = kwargs.pop("likes", None)
        self.sdk = kwargs.pop("sdk", None)
        self.tags = kwargs.pop("tags", None)
        self.trending_score = kwargs.pop("trendingScore", None)
        self.used_storage = kwargs.pop("usedStorage", None)
        self.card_data = _card_data(_pop_either(kwargs, "cardData", "card_data"), SpaceCardData)
        self.siblings = parse_siblings(kwargs.pop("siblings", None))
        runtime = kwargs.pop("runtime", None)
        self.runtime = SpaceRuntime(runtime) if isinstance(runtime, dict) and runtime else runtime or None
        self.models = kwargs.pop("models", None)
        self.datasets = kwargs.pop("datasets", None)
        self.region = kwargs.pop("region", None)
        self.resource_group = kwargs.pop("resourceGroup", None)
        self.lastModified = self.last_modified
        self.cardData = self.card_data
        self.__dict__.update(kwargs)


@dataclass
class KernelInfo:
    """A kernel repository ([`HfApi.kernel_info`]).

    Attributes:
        id (`str`): the repository id.
        author (`str`, *optional*): its owner.
        downloads (`int`, *optional*): downloads over the last 30 days.
        gated (`"auto"`, `"manual"` or `False`, *optional*): access-request mode.
        last_modified (`datetime`, *optional*): date of the last commit.
        likes (`int`, *optional*): number of likes.
        private (`bool`, *optional*): whether the repository is private.
        sha (`str`, *optional*): commit of the revision described.
    """

    id: str
    author: str | None
    downloads: int | None
    gated: Literal["auto", "manual", False] | None
    last_modified: datetime | None
    likes: int | None
    private: bool | None
    sha: str | None

    def __init__(self, **kwargs: Any) -> None:
        self.id = kwargs.pop("id")
        self.author = kwargs.pop("author", None)
        self.downloads = kwargs.pop("downloads", None)
        self.gated = kwargs.pop("gated", None)
        self.last_modified = _pop_datetime(kwargs, "lastModified", "last_modified")
        self.likes = kwargs.pop("likes", None)
        self.private = kwargs.pop("private", None)
        self.sha = kwargs.pop("sha", None)
        self.__dict__.update(kwargs)
