"""`repocard_data`: card metadata objects, their YAML export, and the `model-index` format (no network)."""

import json
import logging

import pytest
from _upstream_oracle import ours_and_upstream, upstream_compat

from huggingface_hub.repocard_data import (
    CardData,
    DatasetCardData,
    EvalResult,
    ModelCardData,
    SpaceCardData,
    eval_results_to_model_index,
    model_index_to_eval_results,
)

MODEL_INDEX = [
    {
        "name": "my-model",
        "results": [
            {
                "task": {"type": "image-classification", "name": "Image Classification"},
                "dataset": {"type": "beans", "name": "Beans", "split": "test", "args": {"x": 1}},
                "metrics": [
                    {"type": "accuracy", "value": 0.9, "name": "Accuracy", "verified": True, "verifyToken": "tok"},
                    {"type": "f1", "value": 0.8},
                ],
                "source": {"name": "Leaderboard", "url": "https://example.com/lb"},
            },
            {
                "task": {"type": "image-classification"},
                "dataset": {"type": "beans", "name": "Beans", "split": "validation"},
                "metrics": [{"type": "accuracy", "value": 0.95}],
            },
        ],
    }
]


def test_model_card_data_export_order_and_none_values():
    data = ModelCardData(license="mit", language="en", tags=["b", "a", "b"], widget=[{"text": "hi"}], thumbnail=None)
    assert data.to_dict() == {"language": "en", "license": "mit", "tags": ["b", "a"], "widget": [{"text": "hi"}]}
    assert list(data.to_dict()) == ["language", "license", "tags", "widget"]  # constructor order, then extras
    assert data.to_yaml() == "language: en\nlicense: mit\ntags:\n- b\n- a\nwidget:\n- text: hi"
    assert str(data) == data.to_yaml()
    assert data.to_yaml(line_break="\r\n") == data.to_yaml().replace("\n", "\r\n")


def test_to_yaml_follows_the_original_order_and_keeps_it():
    data = ModelCardData(license="mit", language="en", custom="x")
    assert data.to_yaml(original_order=["custom", "license", "absent"]) == "custom: x\nlicense: mit\nlanguage: en"
    assert list(data.to_dict()) == ["custom", "license", "language"]


def test_card_data_behaves_like_a_dict():
    data = CardData(a=1, b=None, **{"model-index": []})
    assert data["a"] == 1 and data.get("b", "default") == "default" and data.get("missing") is None
    assert "b" in data and "missing" not in data and len(data) == 3
    data["c"] = "new"
    assert data.pop("c") == "new" and data.pop("c", "gone") == "gone"
    with pytest.raises(KeyError):
        data["missing"]
    assert repr(CardData(x=1)) == "{'x': 1}"
    assert CardData().to_yaml() == "{}"
    # Upstream's quirk, kept: a dataclass without fields, so equality ignores the content.
    assert ModelCardData(license="a") == ModelCardData(license="b")
    assert ModelCardData() != DatasetCardData()


def test_model_index_round_trip():
    name, results = model_index_to_eval_results(MODEL_INDEX)
    assert name == "my-model" and len(results) == 3
    first = results[0]
    assert (first.task_type, first.task_name, first.dataset_split, first.dataset_args) == (
        "image-classification",
        "Image Classification",
        "test",
        {"x": 1},
    )
    assert (first.metric_type, first.metric_value, first.verified, first.verify_token) == (
        "accuracy",
        0.9,
        True,
        "tok",
    )
    assert (first.source_name, first.source_url) == ("Leaderboard", "https://example.com/lb")
    assert results[1].source_url == "https://example.com/lb" and results[2].dataset_split == "validation"
    assert eval_results_to_model_index(name, results) == MODEL_INDEX


def test_model_card_data_reads_and_writes_model_index():
    data = ModelCardData(license="mit", **{"model-index": MODEL_INDEX})
    assert data.model_name == "my-model" and data.eval_results is not None and len(data.eval_results) == 3
    exported = data.to_dict()
    assert list(exported) == ["license", "model-index"] and exported["model-index"] == MODEL_INDEX
    assert "model-index" not in data and "eval_results" in data


def test_invalid_model_index():
    broken = [{"name": "m", "results": [{"task": {}}]}]
    with pytest.raises(ValueError, match="Invalid `model_index` in metadata cannot be parsed"):
        ModelCardData(**{"model-index": broken})
    data = ModelCardData(ignore_metadata_errors=True, license="mit", **{"model-index": broken})
    assert data.eval_results is None and data.to_dict() == {"license": "mit"}


def test_eval_results_validation(caplog: pytest.LogCaptureFixture):
    result = EvalResult(task_type="t", dataset_type="d", dataset_name="D", metric_type="acc", metric_value=1)
    data = ModelCardData(model_name="m", eval_results=result)  # type: ignore[arg-type]
    assert data.eval_results == [result]
    with pytest.raises(ValueError, match="requires `model_name`"):
        ModelCardData(eval_results=[result])
    with pytest.raises(ValueError, match="should be of type `EvalResult`"):
        ModelCardData(model_name="m", eval_results=["nope"])  # type: ignore[list-item]
    with caplog.at_level(logging.WARNING):
        kept = ModelCardData(eval_results=[result], ignore_metadata_errors=True)
    assert "Failed to validate eval_results" in caplog.text and kept.eval_results == [result]


def test_eval_result_comparisons():
    base = EvalResult(task_type="t", dataset_type="d", dataset_name="D", metric_type="acc", metric_value=1)
    other_value = EvalResult(
        task_type="t", dataset_type="d", dataset_name="D", metric_type="acc", metric_value=2, verify_token="x"
    )
    other_metric = EvalResult(task_type="t", dataset_type="d", dataset_name="D", metric_type="f1", metric_value=1)
    assert base.is_equal_except_value(other_value) and base != other_value
    assert not base.is_equal_except_value(other_metric)
    assert base.unique_identifier == ("t", "d", None, None, None)
    with pytest.raises(ValueError, match="`source_url` must also be provided"):
        EvalResult(task_type="t", dataset_type="d", dataset_name="D", metric_type="a", metric_value=1, source_name="s")


def test_dataset_and_space_card_data():
    data = DatasetCardData(language="en", pretty_name="P", **{"train-eval-index": [{"config": "c"}]}, extra=1)
    assert list(data.to_dict()) == ["language", "pretty_name", "extra", "train-eval-index"]
    assert data.train_eval_index == [{"config": "c"}]
    space = SpaceCardData(sdk="gradio", app_port=7860, tags=["x", "x"], emoji="🚀")
    assert space.to_dict() == {"sdk": "gradio", "app_port": 7860, "tags": ["x"], "emoji": "🚀"}
    assert "emoji: 🚀" in space.to_yaml()


@upstream_compat
def test_exports_match_upstream():
    cases = json.dumps(
        [
            ["model", {"license": "mit", "language": ["en", "fr"], "tags": ["a", "a", "b"], "long": "w " * 60}],
            ["model", {"model-index": MODEL_INDEX, "base_model": "x/y", "widget": [{"text": "é"}], "none": None}],
            ["model", {"model-index": [{"name": "m", "results": [{"task": {}}]}], "license": "mit"}],
            ["dataset", {"license": "cc", "train-eval-index": [{"a": 1}], "size_categories": ["1K<n<10K"]}],
            ["space", {"title": "T", "sdk": "docker", "app_port": 8080, "emoji": "🚀", "models": ["a/b"]}],
            ["base", {"b": 2, "a": 1, "c": None, "model-index": []}],
        ]
    )
    code = f"""
import json
from huggingface_hub.repocard_data import CardData, DatasetCardData, ModelCardData, SpaceCardData
classes = {{"model": ModelCardData, "dataset": DatasetCardData, "space": SpaceCardData, "base": CardData}}
out = []
for kind, kwargs in json.loads({json.dumps(cases)}):
    data = classes[kind](**kwargs, ignore_metadata_errors=True)
    out.append([data.to_dict(), data.to_yaml(), data.to_yaml(original_order=list(kwargs)[::-1]), len(data)])
print(json.dumps(out))
"""
    ours, upstream = ours_and_upstream(code)
    assert ours == upstream
