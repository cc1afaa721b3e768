"""Evaluation results of a model in the `.eval_results/*.yaml` format (shown on the model page and leaderboards).

The legacy `model-index` metadata of model cards is handled by `repocard_data.EvalResult` instead.
"""

from dataclasses import dataclass
from typing import Any


@dataclass
class EvalResultEntry:
    """One score of a model on a benchmark dataset, as stored in `.eval_results/*.yaml`.

    See https://huggingface.co/docs/hub/eval-results.

    Args:
        dataset_id (`str`): the benchmark dataset on the Hub, e.g. `"cais/hle"`.
        task_id (`str`): the task within the benchmark, e.g. `"gpqa_diamond"`.
        value (`Any`): the metric value, e.g. `20.9`.
        dataset_revision (`str`, *optional*): git commit of the benchmark dataset.
        verify_token (`str`, *optional*): signature proving the evaluation can be audited and reproduced.
        date (`str`, *optional*): when the evaluation ran (ISO-8601); the commit time by default.
        source_url (`str`, *optional*): link to the evaluation source. Required when any other `source_*` is set.
        source_name (`str`, *optional*): display name of the source.
        source_user (`str`, *optional*): Hub user to credit.
        source_org (`str`, *optional*): Hub organization to credit.
        notes (`str`, *optional*): details of the setup, e.g. `"chain-of-thought"`.

    Raises:
        `ValueError`: if `source_name`, `source_user` or `source_org` is given without `source_url`.
    """

    dataset_id: str
    task_id: str
    value: Any
    dataset_revision: str | None = None
    verify_token: str | None = None
    date: str | None = None
    source_url: str | None = None
    source_name: str | None = None
    source_user: str | None = None
    source_org: str | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        has_source_details = any(v is not None for v in (self.source_name, self.source_user, self.source_org))
        if has_source_details and self.source_url is None:
            raise ValueError(
                "If `source_name`, `source_user`, or `source_org` is provided, `source_url` must also be provided."
            )


def eval_result_entries_to_yaml(entries: list[EvalResultEntry]) -> list[dict[str, Any]]:
    """The `.eval_results/*.yaml` form of `entries`: a list of plain dicts, ready for `yaml.dump`.

    Optional fields are written only when set.

    Example:
        ```py
        >>> eval_result_entries_to_yaml([EvalResultEntry(dataset_id="cais/hle", task_id="default", value=20.9)])
        [{'dataset': {'id': 'cais/hle', 'task_id': 'default'}, 'value': 20.9}]
        ```
    """
    documents = []
    for entry in entries:
        dataset: dict[str, Any] = {"id": entry.dataset_id, "task_id": entry.task_id}
        if entry.dataset_revision is not None:
            dataset["revision"] = entry.dataset_revision
        document: dict[str, Any] = {"dataset": dataset, "value": entry.value}
        if entry.verify_token is not None:
            document["verifyToken"] = entry.verify_token
        if entry.date is not None:
            document["date"] = entry.date
        if entry.source_url is not None:
            source: dict[str, Any] = {"url": entry.source_url}
            for key, value in (("name", entry.source_name), ("user", entry.source_user), ("org", entry.source_org)):
                if value is not None:
                    source[key] = value
            document["source"] = source
        if entry.notes is not None:
            document["notes"] = entry.notes
        documents.append(document)
    return documents


def parse_eval_result_entries(data: list[dict[str, Any]]) -> list[EvalResultEntry]:
    """Build [`EvalResultEntry`] objects from the YAML documents (or the Hub's `evalResults`, whose items wrap the
    document in a `data` key).

    Raises:
        `KeyError`: if an item lacks `dataset.id`, `dataset.task_id` or `value`.
    """
    entries = []
    for item in data:
        document = item.get("data", item)
        dataset = document.get("dataset", {})
        source = document.get("source") or {}
        entries.append(
            EvalResultEntry(
                dataset_id=dataset["id"],
                task_id=dataset["task_id"],
                value=document["value"],
                dataset_revision=dataset.get("revision"),
                verify_token=document.get("verifyToken"),
                date=document.get("date"),
                source_url=source.get("url"),
                source_name=source.get("name"),
                source_user=source.get("user"),
                source_org=source.get("org"),
                notes=document.get("notes"),
            )
        )
    return entries
