"""`repocard`: cards parsed into metadata and text, rebuilt, saved, rendered from templates, and the `metadata_*`
helpers on local files (no network; the Hub side is in tests/e2e/test_repocard_hub.py)."""

import json
import logging
from pathlib import Path

import pytest
import yaml
from _upstream_oracle import ours_and_upstream, upstream_compat

from huggingface_hub import (
    CardData,
    DatasetCard,
    DatasetCardData,
    EvalResult,
    ModelCard,
    ModelCardData,
    RepoCard,
    SpaceCard,
    SpaceCardData,
    metadata_eval_result,
    metadata_load,
    metadata_save,
)
from huggingface_hub.repocard import (
    REGEX_YAML_BLOCK,
    TEMPLATE_DATASETCARD_PATH,
    TEMPLATE_MODELCARD_PATH,
    _detect_line_ending,
)

SIMPLE = "---\nlanguage: en\nlicense: mit\n---\n\n# My repo\n"


def test_card_splits_metadata_and_text_and_rebuilds_the_content():
    card = RepoCard(SIMPLE)
    assert card.data.to_dict() == {"language": "en", "license": "mit"}
    assert card.text == "\n# My repo\n"
    assert card.content == SIMPLE == str(card)
    card.data.license = "apache-2.0"
    card.text = "Body\n"
    assert card.content == "---\nlanguage: en\nlicense: apache-2.0\n---\nBody\n"


def test_content_setter_parses_again():
    card = ModelCard(SIMPLE)
    card.content = "---\ntags: [a]\n---\nnew"
    assert card.data.tags == ["a"] and card.data.license is None and card.text == "new"


def test_key_order_of_the_source_is_kept_and_new_keys_come_last():
    card = ModelCard("---\nzeta: 1\nlicense: mit\nalpha: 2\n---\ntext")
    card.data.new_key = "x"
    card.data.language = "fr"
    assert card.content == "---\nzeta: 1\nlicense: mit\nalpha: 2\nlanguage: fr\nnew_key: x\n---\ntext"


@pytest.mark.parametrize(
    "content, data, text",
    [
        ("  \n\n---\na: 1\n---\nbody", {"a": 1}, "body"),  # blank lines before the opener
        ("---\r\na: 1\r\n---\r\nbody\r\n", {"a": 1}, "body\r\n"),  # CRLF
        ("---\na: 1\n---   \t\nbody", {"a": 1}, "body"),  # blanks after the closer
        ("---\na: 1\n---", {"a": 1}, ""),  # closer at the end
        ("---\n\n---\nbody", {}, "body"),  # empty block
        ("---\r\n---\r\nlanguage: en\r\n---\r\nbody\r\n", {"language": "en"}, "body\r\n"),  # YAML document start
        ("---\nlanguage: no\n---\n", {"language": False}, ""),  # YAML 1.1 booleans
    ],
)
def test_metadata_block_variants(content, data, text):
    card = RepoCard(content)
    assert card.data.to_dict() == data
    assert card.text == text


@pytest.mark.parametrize(
    "content",
    ["text first\n---\na: 1\n---\n", "---\r a: 1\r---\r body", "---\n---\nbody", "no metadata at all"],
)
def test_content_without_a_metadata_block(content, caplog):
    with caplog.at_level(logging.WARNING):
        card = RepoCard(content)
    assert "Repo card metadata block was not found. Setting CardData to empty." in caplog.text
    assert card.data.to_dict() == {} and card.text == content
    line_break = "\r" if "\r" in content else "\n"  # the bare-CR card keeps its (unparsed) line ending
    assert card.content == f"---{line_break}{{}}{line_break}---{line_break}{content}"


def test_metadata_that_is_not_a_mapping_or_not_yaml():
    with pytest.raises(ValueError, match="repo card metadata block should be a dict"):
        RepoCard("---\n- a\n- b\n---\n")
    with pytest.raises(ValueError, match="repo card metadata block should be a dict"):
        RepoCard("---\njust text\n---\n")
    with pytest.raises(yaml.YAMLError):
        RepoCard("---\na: [1, 2\n---\n", ignore_metadata_errors=True)


def test_unclosed_block_is_not_a_catastrophic_backtrack():
    # Linear in the input: a pathological regex would not finish this test run.
    assert REGEX_YAML_BLOCK.search("---\n" + "\n" * 200_000) is None


def test_line_endings_of_the_source_are_kept():
    card = RepoCard("---\r\nlanguage: en\r\ntags:\r\n- a\r\n---\r\nbody\r\n")
    card.data.license = "mit"
    assert card.content == "---\r\nlanguage: en\r\ntags:\r\n- a\r\nlicense: mit\r\n---\r\nbody\r\n"
    assert _detect_line_ending("a\r\nb\r\n") == "\r\n"
    assert _detect_line_ending("a\rb\rc\n") == "\r"
    assert _detect_line_ending("a\r\nb\n") == "\n"
    assert _detect_line_ending("one line") is None


def test_card_classes_and_their_data():
    assert (RepoCard.repo_type, ModelCard.repo_type, DatasetCard.repo_type, SpaceCard.repo_type) == (
        "model",
        "model",
        "dataset",
        "space",
    )
    assert isinstance(ModelCard(SIMPLE).data, ModelCardData)
    assert isinstance(DatasetCard(SIMPLE).data, DatasetCardData)
    assert isinstance(SpaceCard("---\nsdk: gradio\n---\n").data, SpaceCardData)
    assert type(RepoCard(SIMPLE).data) is CardData
    assert SpaceCard.default_template_path == TEMPLATE_MODELCARD_PATH  # as upstream
    assert DatasetCard.default_template_path == TEMPLATE_DATASETCARD_PATH


def test_model_index_is_read_as_eval_results_and_written_last():
    content = (
        "---\nmodel-index:\n- name: m\n  results:\n  - task:\n      type: t\n    dataset:\n      name: D\n"
        "      type: d\n    metrics:\n    - type: acc\n      value: 0.5\nlicense: mit\n---\n"
    )
    card = ModelCard(content)
    assert card.data.model_name == "m"
    assert card.data.eval_results == [
        EvalResult(task_type="t", dataset_type="d", dataset_name="D", metric_type="acc", metric_value=0.5)
    ]
    assert card.content.startswith("---\nlicense: mit\nmodel-index:\n- name: m\n")


def test_invalid_model_index(caplog):
    content = "---\nmodel-index:\n- name: m\n  results:\n  - task: {}\nlicense: mit\n---\n"
    with pytest.raises(ValueError, match="Invalid `model_index` in metadata cannot be parsed"):
        ModelCard(content)
    with caplog.at_level(logging.WARNING):
        card = ModelCard(content, ignore_metadata_errors=True)
    assert "Invalid model-index. Not loading eval results into CardData." in caplog.text
    assert card.data.eval_results is None and card.content == "---\nlicense: mit\n---\n"


def test_save_and_load_a_local_file(tmp_path: Path):
    card = RepoCard("---\r\na: 1\r\n---\r\nbody\r\n")
    path = tmp_path / "deep" / "er" / "README.md"
    card.save(path)
    assert path.read_bytes() == b"---\r\na: 1\r\n---\r\nbody\r\n"
    loaded = DatasetCard.load(path)
    assert isinstance(loaded, DatasetCard) and loaded.content == card.content
    assert DatasetCard.load(str(path)).data.to_dict() == {"a": 1}
    with pytest.raises(ValueError, match="Cannot load RepoCard: path not found on disk"):
        RepoCard.load(tmp_path / "missing.md")


def test_utf8_round_trip(tmp_path: Path):
    card = ModelCard("---\nwidget:\n- text: Ça va? 👀\n---\n# Émoji 🤗\n")
    card.save(tmp_path / "README.md")
    assert "text: Ça va? 👀" in (tmp_path / "README.md").read_text(encoding="utf-8")
    assert ModelCard.load(tmp_path / "README.md").text == "# Émoji 🤗\n"


def test_from_template_with_a_string_and_a_file(tmp_path: Path):
    data = ModelCardData(license="mit", language="en")
    template = "---\n# a comment that vanishes\n{{ card_data }}\n---\n# {{ title }} ({{ license }})\n"
    card = ModelCard.from_template(data, template_str=template, title="Hello")
    assert card.content == "---\nlanguage: en\nlicense: mit\n---\n# Hello (mit)"  # trailing newline dropped
    (tmp_path / "t.md").write_text("---\n{{ card_data }}\n---\nfile {{ license }}")
    card = ModelCard.from_template(data, template_path=str(tmp_path / "t.md"), template_str=template, license="x")
    assert card.text == "file x"  # the file wins over the string, keyword arguments over the data


def test_default_templates():
    card = ModelCard.from_template(ModelCardData(license="mit", language="en"), model_id="x/y")
    assert card.content.startswith("---\nlanguage: en\nlicense: mit\n---\n\n# Model Card for x/y\n")
    assert "- **License:** mit" in card.text and "[More Information Needed]" in card.text
    assert ModelCard.from_template(ModelCardData()).content.startswith("---\n{}\n---\n\n# Model Card for Model ID")
    dataset = DatasetCard.from_template(DatasetCardData(pretty_name="Pretty"), dataset_summary="Short.")
    assert dataset.text.startswith("\n# Dataset Card for Pretty\n") and "\nShort.\n" in dataset.text
    assert DatasetCard.from_template(DatasetCardData()).text.startswith("\n# Dataset Card for Dataset Name\n")


def test_default_templates_use_every_documented_variable():
    model_vars = """model_id model_summary model_description developers funded_by shared_by model_type language
    license base_model repo paper demo direct_use downstream_use out_of_scope_use bias_risks_limitations
    bias_recommendations get_started_code training_data preprocessing training_regime speeds_sizes_times
    testing_data testing_factors testing_metrics results results_summary model_examination hardware_type hours_used
    cloud_provider cloud_region co2_emitted model_specs compute_infrastructure hardware_requirements software
    citation_bibtex citation_apa glossary more_information model_card_authors model_card_contact""".split()
    dataset_vars = """pretty_name dataset_summary dataset_description curators funded_by shared_by language license
    repo paper demo direct_use out_of_scope_use dataset_structure curation_rationale_section
    data_collection_and_processing_section source_data_producers_section annotation_process_section
    who_are_annotators_section personal_and_sensitive_information bias_risks_limitations bias_recommendations
    citation_bibtex citation_apa glossary more_information dataset_card_authors dataset_card_contact""".split()
    for card_class, variables in ((ModelCard, model_vars), (DatasetCard, dataset_vars)):
        values = {name: f"<{name}-value>" for name in variables}
        text = card_class.from_template(card_class.card_data_class(), **values).text
        assert [name for name in variables if f"<{name}-value>" not in text] == []


def test_from_template_without_jinja(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("huggingface_hub.repocard.is_jinja_available", lambda: False)
    with pytest.raises(ImportError, match="Using RepoCard.from_template requires Jinja2"):
        ModelCard.from_template(ModelCardData())


def test_metadata_load(tmp_path: Path):
    path = tmp_path / "README.md"
    path.write_text("---\nlicense: mit\n---\nbody")
    assert metadata_load(path) == {"license": "mit"}
    path.write_text("---\n\n---\nbody")
    assert metadata_load(path) is None
    path.write_text("no block")
    assert metadata_load(str(path)) is None
    path.write_text("---\n- a\n---\n")
    with pytest.raises(ValueError, match="repo card metadata block should be a dict"):
        metadata_load(path)


def test_metadata_save(tmp_path: Path):
    path = tmp_path / "README.md"
    metadata_save(path, {"b": 1, "a": None})  # new file: header only, None kept, order kept
    assert path.read_bytes() == b"---\nb: 1\na: null\n---\n"
    path.write_bytes(b"Intro\r\nmore\r\n")  # no block: header put before the content, line ending kept
    metadata_save(path, {"x": "é"})
    assert path.read_bytes() == "---\r\nx: é\r\n---\r\nIntro\r\nmore\r\n".encode()
    path.write_bytes(b"---\nold: 1\n---\nbody\n")  # existing block replaced, body kept
    metadata_save(path, {"new": [1, 2]})
    assert path.read_bytes() == b"---\nnew:\n- 1\n- 2\n---\nbody\n"


def test_metadata_eval_result():
    result = metadata_eval_result(
        model_pretty_name="RoBERTa",
        task_pretty_name="Text Classification",
        task_id="text-classification",
        metrics_pretty_name="Accuracy",
        metrics_id="accuracy",
        metrics_value=0.26,
        dataset_pretty_name="ReactionJPEG",
        dataset_id="julien-c/reactionjpeg",
        dataset_config="default",
        dataset_split="test",
    )
    assert result == {
        "model-index": [
            {
                "name": "RoBERTa",
                "results": [
                    {
                        "task": {"type": "text-classification", "name": "Text Classification"},
                        "dataset": {
                            "name": "ReactionJPEG",
                            "type": "julien-c/reactionjpeg",
                            "config": "default",
                            "split": "test",
                        },
                        "metrics": [{"type": "accuracy", "value": 0.26, "name": "Accuracy", "verified": False}],
                    }
                ],
            }
        ]
    }


# Cards whose parsing and re-serialisation are compared with upstream, byte for byte.
PARITY_CARDS = [
    ["model", SIMPLE],
    ["model", "\n\n  ---\nlicense: mit\nlanguage: no\ndate: 2024-01-02\n---\r\nmixed\r\nendings\n"],
    ["model", "---\r\ntags:\r\n- b\r\n- a\r\n- b\r\nwidget:\r\n- text: ünïcode 🤗\r\n---\r\n# Title\r\n"],
    ["model", "---\nlong: " + "word " * 40 + "\nquote: 'a: b'\nempty: ''\nnum: '1.0'\n---\n"],
    [
        "model",
        "---\nmodel-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {name: D, type: d}\n"
        "    metrics: [{type: acc, value: 0.5, verified: true}]\nbase_model: x/y\nlicense: mit\n---\nbody",
    ],
    ["dataset", "---\ntrain-eval-index:\n- config: c\nlicense: cc\npretty_name: P\ncustom: {a: [1, 2]}\n---\nd"],
    ["space", "---\ntitle: T\nemoji: 🚀\nsdk: gradio\napp_port: 7860\npinned: false\n---\n\n# Space\n"],
    ["repo", "---\n---\nno match"],
    ["repo", "---\n\n---\nempty block"],
    ["repo", "---\r---\rbare CR"],
    ["repo", "plain text without metadata\n"],
    ["repo", "---\r\n---\r\nlanguage: en\r\n---\r\nbody\r\n"],
]


@upstream_compat
def test_cards_match_upstream_byte_for_byte(tmp_path: Path):
    code = f"""
import json, pathlib, tempfile
from huggingface_hub.repocard import RepoCard, ModelCard, DatasetCard, SpaceCard, metadata_load, metadata_save
classes = {{"model": ModelCard, "dataset": DatasetCard, "space": SpaceCard, "repo": RepoCard}}
tmp = pathlib.Path(tempfile.mkdtemp(dir={str(tmp_path)!r}))
out = []
for i, (kind, content) in enumerate(json.loads({json.dumps(PARITY_CARDS)!r})):
    card = classes[kind](content)
    first = card.content
    card.data["added"] = "x"
    path = tmp / f"{{i}}.md"
    card.save(path)
    saved = path.read_bytes().decode()
    path.write_bytes(content.encode())
    loaded = metadata_load(path)
    metadata_save(path, {{"z": 1, "a": None, "nested": {{"k": [1, None]}}}})
    out.append([first, card.text, json.dumps(card.data.to_dict(), default=str), saved, str(loaded),
                path.read_bytes().decode()])
print(json.dumps(out))
"""
    ours, upstream = ours_and_upstream(code)
    assert ours == upstream
