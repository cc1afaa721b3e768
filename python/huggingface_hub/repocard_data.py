"""The metadata of repository cards (the YAML header of a `README.md`): `CardData` and its model, dataset and Space
flavours, and the `EvalResult`s of the `model-index` format.

Card data behaves like a dict of metadata keys (`get`, `pop`, `[]`, `in`, `len`) without being one, so that its
export can differ from its content: evaluation results are kept as a flat list of `EvalResult` and written back as a
`model-index`. Keys are written in the order they were given (never sorted), and keys whose value is `None` are left
out.
"""

import copy
from dataclasses import dataclass, fields
from typing import Any

from .utils import logging, yaml_dump

logger = logging.get_logger(__name__)


@dataclass
class EvalResult:
    """One metric value of a model on a dataset, as listed in the `model-index` of a model card.

    See https://github.com/huggingface/hub-docs/blob/main/modelcard.md for the format.

    Args:
        task_type (`str`): task id, e.g. `"image-classification"`.
        dataset_type (`str`): dataset id on the Hub, e.g. `"common_voice"`.
        dataset_name (`str`): display name of the dataset, e.g. `"Common Voice (French)"`.
        metric_type (`str`): metric id, e.g. `"wer"`.
        metric_value (`Any`): the value, e.g. `0.9` or `"20.0 ± 1.2"`.
        task_name (`str`, *optional*): display name of the task.
        dataset_config (`str`, *optional*): dataset configuration (`load_dataset(id, config)`).
        dataset_split (`str`, *optional*): split evaluated on, e.g. `"test"`.
        dataset_revision (`str`, *optional*): dataset revision (commit) evaluated on.
        dataset_args (`dict`, *optional*): extra arguments given to `load_dataset`.
        metric_name (`str`, *optional*): display name of the metric.
        metric_config (`str`, *optional*): metric configuration (`load_metric(id, config)`).
        metric_args (`dict`, *optional*): extra arguments given to the metric.
        verified (`bool`, *optional*): set by the Hub for results of its evaluation service; do not set.
        verify_token (`str`, *optional*): the Hub's signature of a verified result.
        source_name (`str`, *optional*): name of where the result comes from, e.g. a leaderboard.
        source_url (`str`, *optional*): URL of that source; required with `source_name`.

    Raises:
        `ValueError`: if `source_name` is given without `source_url`.
    """

    task_type: str
    dataset_type: str
    dataset_name: str
    metric_type: str
    metric_value: Any
    task_name: str | None = None
    dataset_config: str | None = None
    dataset_split: str | None = None
    dataset_revision: str | None = None
    dataset_args: dict[str, Any] | None = None
    metric_name: str | None = None
    metric_config: str | None = None
    metric_args: dict[str, Any] | None = None
    verified: bool | None = None
    verify_token: str | None = None
    source_name: str | None = None
    source_url: str | None = None

    @property
    def unique_identifier(self) -> tuple:
        """What identifies the evaluation setting (task, dataset, configuration, split, revision): results sharing it
        are grouped under one `model-index` entry."""
        return (self.task_type, self.dataset_type, self.dataset_config, self.dataset_split, self.dataset_revision)

    def is_equal_except_value(self, other: "EvalResult") -> bool:
        """Whether `other` is the same metric in the same setting, whatever its value (the `verify_token`, derived
        from the value, is not compared either)."""
        return all(
            getattr(self, f.name) == getattr(other, f.name)
            for f in fields(self)
            if f.name not in ("metric_value", "verify_token")
        )

    def __post_init__(self) -> None:
        if self.source_name is not None and self.source_url is None:
            raise ValueError("If `source_name` is provided, `source_url` must also be provided.")


@dataclass
class CardData:
    """The metadata of a repository card; base of [`ModelCardData`], [`DatasetCardData`] and [`SpaceCardData`].

    Every keyword argument becomes a metadata key (keys that are not identifiers, like `model-index`, stay reachable
    with `data["model-index"]`). It can be exported with [`to_dict`] and [`to_yaml`].

    As upstream (a dataclass without fields), two card data objects of the same class always compare equal.

    Args:
        ignore_metadata_errors (`bool`, *optional*): accepted for the subclasses' sake; not stored.
    """

    def __init__(self, ignore_metadata_errors: bool = False, **kwargs: Any) -> None:
        self.__dict__.update(kwargs)

    def to_dict(self) -> dict[str, Any]:
        """The metadata as a new dict, as written to YAML: the subclass's export applied, top-level `None` values
        left out (nested ones are kept)."""
        data = copy.deepcopy(self.__dict__)
        self._to_dict(data)
        return {key: value for key, value in data.items() if value is not None}

    def _to_dict(self, data_dict: dict[str, Any]) -> None:
        """Hook for subclasses: change the exported dict in place."""

    def to_yaml(self, line_break: str | None = None, original_order: list[str] | None = None) -> str:
        """The metadata as a YAML block (without the `---` fences), keys in their order, Unicode kept as is.

        Args:
            line_break (`str`, *optional*): the line break to write (`"\\n"`, `"\\r\\n"`...).
            original_order (`list[str]`, *optional*): order the keys like this list first (the others follow, in
                their current order). The object itself is reordered, so that later exports keep that order.
        """
        if original_order:
            listed = [key for key in original_order if key in self.__dict__]
            listed_set = set(listed)
            self.__dict__ = {
                key: self.__dict__[key] for key in listed + [k for k in self.__dict__ if k not in listed_set]
            }
        return yaml_dump(self.to_dict(), sort_keys=False, line_break=line_break).strip()

    def __repr__(self) -> str:
        return repr(self.__dict__)

    def __str__(self) -> str:
        return self.to_yaml()

    def get(self, key: str, default: Any = None) -> Any:
        """The value of a metadata key; `default` when it is missing or `None`."""
        value = self.__dict__.get(key)
        return default if value is None else value

    def pop(self, key: str, default: Any = None) -> Any:
        """Remove a metadata key and return its value (`default` when missing)."""
        return self.__dict__.pop(key, default)

    def __getitem__(self, key: str) -> Any:
        return self.__dict__[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.__dict__[key] = value

    def __contains__(self, key: str) -> bool:
        """Whether the key is set (even to `None`)."""
        return key in self.__dict__

    def __len__(self) -> int:
        """Number of keys set (`None` values included)."""
        return len(self.__dict__)


def _validate_eval_results(eval_results: Any, model_name: str | None) -> list[EvalResult]:
    """`eval_results` as a list (a single result is wrapped), checked to hold only `EvalResult`s, with a model name."""
    if eval_results is None:
        return []
    if isinstance(eval_results, EvalResult):
        eval_results = [eval_results]
    if not isinstance(eval_results, list) or not all(isinstance(r, EvalResult) for r in eval_results):
        raise ValueError(
            f"`eval_results` should be of type `EvalResult` or a list of `EvalResult`, got {type(eval_results)}."
        )
    if model_name is None:
        raise ValueError("Passing `eval_results` requires `model_name` to be set.")
    return eval_results


def _to_unique_list(tags: list[str] | None) -> list[str] | None:
    """`tags` without duplicates, first occurrences kept in order."""
    if tags is None:
        return None
    return list(dict.fromkeys(tags))


class ModelCardData(CardData):
    """The metadata of a model card.

    Args:
        base_model (`str` or `list[str]`, *optional*): model(s) on the Hub this one derives from (fine-tune,
            adapter, merge...).
        datasets (`str` or `list[str]`, *optional*): datasets (Hub ids) it was trained on.
        eval_results (`EvalResult` or `list[EvalResult]`, *optional*): evaluation results; written as the
            `model-index`, which needs `model_name`.
        language (`str` or `list[str]`, *optional*): ISO 639 code(s) of its languages, or e.g. `"code"`.
        library_name (`str`, *optional*): its library, e.g. `"timm"`.
        license (`str`, *optional*): license id, e.g. `"apache-2.0"`.
        license_name (`str`, *optional*), license_link (`str`, *optional*): name and link of another license.
        metrics (`list[str]`, *optional*): metric ids used to evaluate it.
        model_name (`str`, *optional*): the name used in the `model-index`.
        pipeline_tag (`str`, *optional*): its task, e.g. `"text-classification"`.
        tags (`list[str]`, *optional*): tags (duplicates are removed).
        ignore_metadata_errors (`bool`, *optional*): load a card whose `model-index` or evaluation results are
            invalid (they are then dropped, with a warning) instead of failing.
        **kwargs: any other metadata key.

    Raises:
        `ValueError`: for an unreadable `model-index` or invalid `eval_results`, unless `ignore_metadata_errors`.

    Example:
        ```py
        >>> ModelCardData(language="en", license="mit", tags=["a", "a"]).to_dict()
        {'language': 'en', 'license': 'mit', 'tags': ['a']}
        ```
    """

    def __init__(
        self,
        *,
        base_model: str | list[str] | None = None,
        datasets: str | list[str] | None = None,
        eval_results: list[EvalResult] | None = None,
        language: str | list[str] | None = None,
        library_name: str | None = None,
        license: str | None = None,
        license_name: str | None = None,
        license_link: str | None = None,
        metrics: list[str] | None = None,
        model_name: str | None = None,
        pipeline_tag: str | None = None,
        tags: list[str] | None = None,
        ignore_metadata_errors: bool = False,
        **kwargs: Any,
    ) -> None:
        # Assigned in this order: it is the order of the keys in the YAML written.
        self.base_model = base_model
        self.datasets = datasets
        self.eval_results = eval_results
        self.language = language
        self.library_name = library_name
        self.license = license
        self.license_name = license_name
        self.license_link = license_link
        self.metrics = metrics
        self.model_name = model_name
        self.pipeline_tag = pipeline_tag
        self.tags = _to_unique_list(tags)

        model_index = kwargs.pop("model-index", None)
        if model_index:
            try:
                self.model_name, self.eval_results = model_index_to_eval_results(model_index)
            except (KeyError, TypeError) as error:
                if not ignore_metadata_errors:
                    raise ValueError(
                        f"Invalid `model_index` in metadata cannot be parsed: {error.__class__} {error}. Pass"
                        " `ignore_metadata_errors=True` to ignore this error while loading a Model Card. Warning:"
                        " some information will be lost. Use it at your own risk."
                    ) from error
                logger.warning("Invalid model-index. Not loading eval results into CardData.")
        super().__init__(**kwargs)

        if self.eval_results:
            try:
                self.eval_results = _validate_eval_results(self.eval_results, self.model_name)
            except Exception as error:
                if not ignore_metadata_errors:
                    raise ValueError(f"Failed to validate eval_results: {error}") from error
                logger.warning(f"Failed to validate eval_results: {error}. Not loading eval results into CardData.")

    def _to_dict(self, data_dict: dict[str, Any]) -> None:
        # Evaluation results and model name are written as one `model-index` (last key).
        if self.eval_results is not None:
            data_dict["model-index"] = eval_results_to_model_index(self.model_name, self.eval_results)  # type: ignore[arg-type]
            del data_dict["eval_results"], data_dict["model_name"]


class DatasetCardData(CardData):
    """The metadata of a dataset card.

    Args:
        language (`str` or `list[str]`, *optional*): ISO 639 code(s) of its languages.
        license (`str` or `list[str]`, *optional*): license id(s).
        annotations_creators, language_creators, multilinguality, size_categories, task_categories, task_ids
            (`str` or `list[str]`, *optional*): the Hub's dataset classification (e.g. `size_categories="10K<n<100K"`).
        source_datasets (`list[str]`, *optional*): datasets it derives from.
        paperswithcode_id (`str`, *optional*): its Papers with Code id.
        pretty_name (`str`, *optional*): display name.
        train_eval_index (`dict`, *optional*): evaluation settings, written as `train-eval-index` (last key); also
            read from a `train-eval-index` keyword.
        config_names (`str` or `list[str]`, *optional*): its configurations.
        ignore_metadata_errors (`bool`, *optional*): accepted for symmetry with [`ModelCardData`].
        **kwargs: any other metadata key.
    """

    def __init__(
        self,
        *,
        language: str | list[str] | None = None,
        license: str | list[str] | None = None,
        annotations_creators: str | list[str] | None = None,
        language_creators: str | list[str] | None = None,
        multilinguality: str | list[str] | None = None,
        size_categories: str | list[str] | None = None,
        source_datasets: list[str] | None = None,
        task_categories: str | list[str] | None = None,
        task_ids: str | list[str] | None = None,
        paperswithcode_id: str | None = None,
        pretty_name: str | None = None,
        train_eval_index: dict | None = None,
        config_names: str | list[str] | None = None,
        ignore_metadata_errors: bool = False,
        **kwargs: Any,
    ) -> None:
        self.annotations_creators = annotations_creators
        self.language_creators = language_creators
        self.language = language
        self.license = license
        self.multilinguality = multilinguality
        self.size_categories = size_categories
        self.source_datasets = source_datasets
        self.task_categories = task_categories
        self.task_ids = task_ids
        self.paperswithcode_id = paperswithcode_id
        self.pretty_name = pretty_name
        self.config_names = config_names
        self.train_eval_index = train_eval_index or kwargs.pop("train-eval-index", None)
        super().__init__(**kwargs)

    def _to_dict(self, data_dict: dict[str, Any]) -> None:
        data_dict["train-eval-index"] = data_dict.pop("train_eval_index")


class SpaceCardData(CardData):
    """The metadata of a Space card (its configuration: SDK, app file, port...).

    Args:
        title (`str`, *optional*): display title.
        sdk (`str`, *optional*): `"gradio"`, `"streamlit"`, `"docker"` or `"static"`.
        sdk_version (`str`, *optional*): version of the SDK.
        python_version (`str`, *optional*): Python version, e.g. `"3.11"`.
        app_file (`str`, *optional*): the entry point, e.g. `"app.py"`.
        app_port (`int`, *optional*): port of a Docker Space's app.
        license (`str`, *optional*): license id.
        duplicated_from (`str`, *optional*): the Space it was duplicated from.
        models (`list[str]`, *optional*), datasets (`list[str]`, *optional*): models and datasets it uses.
        tags (`list[str]`, *optional*): tags (duplicates are removed).
        ignore_metadata_errors (`bool`, *optional*): accepted for symmetry with [`ModelCardData`].
        **kwargs: any other metadata key.
    """

    def __init__(
        self,
        *,
        title: str | None = None,
        sdk: str | None = None,
        sdk_version: str | None = None,
        python_version: str | None = None,
        app_file: str | None = None,
        app_port: int | None = None,
        license: str | None = None,
        duplicated_from: str | None = None,
        models: list[str] | None = None,
        datasets: list[str] | None = None,
        tags: list[str] | None = None,
        ignore_metadata_errors: bool = False,
        **kwargs: Any,
    ) -> None:
        self.title = title
        self.sdk = sdk
        self.sdk_version = sdk_version
        self.python_version = python_version
        self.app_file = app_file
        self.app_port = app_port
        self.license = license
        self.duplicated_from = duplicated_from
        self.models = models
        self.datasets = datasets
        self.tags = _to_unique_list(tags)
        super().__init__(**kwargs)


def model_index_to_eval_results(model_index: list[dict[str, Any]]) -> tuple[str, list[EvalResult]]:
    """Flatten a `model-index` into `(model_name, [EvalResult, ...])`: one result per metric.

    The results of every entry are returned; the model name is the last entry's.

    Raises:
        `KeyError`: if a required key is missing (`name`, `results`, `task.type`, `dataset.type`, `dataset.name`,
            `metrics[].type`, `metrics[].value`).
        `TypeError`: if the structure has the wrong types.

    Example:
        ```py
        >>> name, results = model_index_to_eval_results([{"name": "m", "results": [{
        ...     "task": {"type": "image-classification"}, "dataset": {"type": "beans", "name": "Beans"},
        ...     "metrics": [{"type": "accuracy", "value": 0.9}]}]}])
        >>> name, results[0].metric_value
        ('m', 0.9)
        ```
    """
    eval_results = []
    name = None
    for entry in model_index:
        name = entry["name"]
        for result in entry["results"]:
            # Keys are read in upstream's order, so that a card missing several reports the same one.
            task = result["task"]
            task_type = task["type"]
            dataset = result["dataset"]
            source = result.get("source", {})
            setting = {
                "task_type": task_type,
                "task_name": task.get("name"),
                "dataset_type": dataset["type"],
                "dataset_name": dataset["name"],
                "dataset_config": dataset.get("config"),
                "dataset_split": dataset.get("split"),
                "dataset_revision": dataset.get("revision"),
                "dataset_args": dataset.get("args"),
                "source_name": source.get("name"),
                "source_url": source.get("url"),
            }
            for metric in result["metrics"]:
                eval_results.append(
                    EvalResult(
                        **setting,
                        metric_type=metric["type"],
                        metric_value=metric["value"],
                        metric_name=metric.get("name"),
                        metric_args=metric.get("args"),
                        metric_config=metric.get("config"),
                        verified=metric.get("verified"),
                        verify_token=metric.get("verifyToken"),
                    )
                )
    return name, eval_results  # type: ignore[return-value]


def _remove_none(obj: Any) -> Any:
    """`obj` without `None` values, at every depth (dict values and keys, sequence items)."""
    if isinstance(obj, list | tuple | set):
        return type(obj)(_remove_none(item) for item in obj if item is not None)
    if isinstance(obj, dict):
        return type(obj)(
            (_remove_none(key), _remove_none(value))
            for key, value in obj.items()
            if key is not None and value is not None
        )
    return obj


def eval_results_to_model_index(model_name: str, eval_results: list[EvalResult]) -> list[dict[str, Any]]:
    """Build a `model-index` from evaluation results, grouping those of one setting (see
    [`EvalResult.unique_identifier`]) in one entry; task, dataset and source come from the group's first result.

    Example:
        ```py
        >>> eval_results_to_model_index("m", [EvalResult(task_type="t", dataset_type="d", dataset_name="D",
        ...     metric_type="acc", metric_value=0.5)])
        [{'name': 'm', 'results': [{'task': {'type': 't'}, 'dataset': {'name': 'D', 'type': 'd'}, 'metrics': [{'type': 'acc', 'value': 0.5}]}]}]
        ```
    """
    groups: dict[tuple, list[EvalResult]] = {}
    for result in eval_results:
        groups.setdefault(result.unique_identifier, []).append(result)

    entries: list[dict[str, Any]] = []
    for results in groups.values():
        first = results[0]
        entry: dict[str, Any] = {
            "task": {"type": first.task_type, "name": first.task_name},
            "dataset": {
                "name": first.dataset_name,
                "type": first.dataset_type,
                "config": first.dataset_config,
                "split": first.dataset_split,
                "revision": first.dataset_revision,
                "args": first.dataset_args,
            },
            "metrics": [
                {
                    "type": result.metric_type,
                    "value": result.metric_value,
                    "name": result.metric_name,
                    "config": result.metric_config,
                    "args": result.metric_args,
                    "verified": result.verified,
                    "verifyToken": result.verify_token,
                }
                for result in results
            ],
        }
        if first.source_url is not None:
            entry["source"] = {"url": first.source_url}
            if first.source_name is not None:
                entry["source"]["name"] = first.source_name
        entries.append(entry)
    return _remove_none([{"name": model_name, "results": entries}])
