"""Parsing of the Hub's repository answers into `hf_api` dataclasses (no network).

The payloads (tests/unit/_hub_json.py) have the shapes the public Hub sends. The compat tests parse them with
upstream too and compare every attribute.
"""

import copy
import dataclasses
import json
import pickle
from datetime import datetime, timezone

import pytest
from _hub_json import (
    COMMIT,
    DATASET_INFO,
    KERNEL_INFO,
    LFS_FILE,
    LISTED_MODEL,
    MODEL_INFO,
    REFS,
    SPACE_INFO,
    TREE_FILE,
    TREE_FOLDER,
)
from _upstream_oracle import ours_and_upstream, upstream_compat

from huggingface_hub import hf_api
from huggingface_hub._repo_types import parse_git_commit, parse_git_ref, parse_tree_entry
from huggingface_hub.hf_api import (
    BlobLfsInfo,
    DatasetInfo,
    GitCommitInfo,
    KernelInfo,
    LastCommitInfo,
    LFSFileInfo,
    ModelInfo,
    RepoFile,
    RepoFolder,
    RepoSibling,
    SpaceInfo,
    TransformersInfo,
)
from huggingface_hub.repocard_data import DatasetCardData, ModelCardData, SpaceCardData


def test_model_info_maps_every_hub_key():
    info = ModelInfo(**copy.deepcopy(MODEL_INFO))
    assert info.id == "openai-community/gpt2"
    assert info.last_modified == datetime(2024, 2, 19, 10, 57, 45, tzinfo=timezone.utc)
    assert info.created_at == datetime(2022, 3, 2, 23, 29, 4, tzinfo=timezone.utc)
    assert (info.downloads, info.downloads_all_time, info.likes, info.trending_score) == (1000, 5000, 42, 3)
    assert info.used_storage == 16199127154
    assert info.model_index == [{"name": "gpt2", "results": []}]
    assert info.widget_data == [{"text": "My name is Julien"}]
    assert info.transformers_info == TransformersInfo(
        auto_model="AutoModelForCausalLM", pipeline_tag="text-generation", processor="AutoTokenizer"
    )
    assert info.safetensors is not None and info.safetensors.total == 137022720
    assert info.safetensors["parameters"] == {"F32": 137022720}  # also a dict, as in older releases
    assert info.security_repo_status == {"scansDone": True, "filesWithIssues": []}
    assert info.base_models == ["openai-community/gpt2-base"] and info.children_model_count == 7
    assert info.resource_group == {"id": "66670e5163145ca562cb1988", "name": "research"}
    assert isinstance(info.card_data, ModelCardData) and info.card_data.license == "mit"
    assert info.card_data.to_dict() == MODEL_INFO["cardData"] and info.cardData is info.card_data
    # Aliases kept from older releases, and unknown keys as attributes.
    assert info.lastModified is info.last_modified and info.transformersInfo is info.transformers_info
    assert info.someFutureField == {"nested": 1}
    assert info._id == "621ffdc036468d709f17434d"


def test_model_info_siblings_lfs_uses_sha256_key():
    info = ModelInfo(**copy.deepcopy(MODEL_INFO))
    assert info.siblings == [
        RepoSibling(rfilename=".gitattributes", size=445, blob_id="dcab4f2bf1e0fe9cc3a4e4e87d1b0a1b0e3bf4f1"),
        RepoSibling(
            rfilename="model.safetensors",
            size=548105171,
            blob_id="8fbf6bb6f9b9e1b2e1d14a0d0e26b1d4d8bc42f7",
            lfs=BlobLfsInfo(
                size=548105171,
                sha256="248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707",
                pointer_size=135,
            ),
        ),
    ]
    assert info.siblings[1].lfs["pointer_size"] == 135


def test_provider_mapping_from_dict_and_from_list():
    info = ModelInfo(**copy.deepcopy(MODEL_INFO))
    assert info.inference_provider_mapping is not None
    by_provider = {m.provider: m for m in info.inference_provider_mapping}
    assert by_provider["together"].provider_id == "gpt2-together"
    assert by_provider["together"].hf_model_id == "openai-community/gpt2"
    assert by_provider["fal-ai"].adapter_weights_path == "adapter.safetensors"
    assert by_provider["fal-ai"].type == "single-model"

    listed = ModelInfo(**copy.deepcopy(LISTED_MODEL))
    assert [(m.provider, m.status) for m in listed.inference_provider_mapping or []] == [("together", "live")]
    assert listed.siblings is None and listed.sha is None

    with pytest.raises(ValueError, match="inferenceProviderMapping"):
        ModelInfo(id="a/b", inferenceProviderMapping="together")


def test_eval_results_are_parsed():
    info = ModelInfo(**copy.deepcopy(MODEL_INFO))
    assert info.eval_results is not None
    (entry,) = info.eval_results
    assert (entry.dataset_id, entry.task_id, entry.value, entry.dataset_revision) == (
        "cais/hle",
        "default",
        20.9,
        "5503434d",
    )
    assert (entry.source_name, entry.source_org, entry.notes) == ("Eval logs", "cais", "no-tools")


def test_transformers_info_rejects_unknown_keys():
    # Upstream builds it with **dict: the Hub must not add keys there (reference §9.17).
    with pytest.raises(TypeError):
        ModelInfo(id="a/b", transformersInfo={"auto_model": "X", "extra": 1})


def test_info_rebuilds_from_asdict():
    info = DatasetInfo(**copy.deepcopy(DATASET_INFO))
    rebuilt = DatasetInfo(**dataclasses.asdict(info))
    assert rebuilt.last_modified == info.last_modified
    assert rebuilt.created_at == info.created_at
    assert not hasattr(rebuilt, "created_at_") and "createdAt" not in rebuilt.__dict__


def test_card_data_classes_and_invalid_metadata():
    assert isinstance(DatasetInfo(**copy.deepcopy(DATASET_INFO)).card_data, DatasetCardData)
    assert isinstance(SpaceInfo(**copy.deepcopy(SPACE_INFO)).card_data, SpaceCardData)
    # A broken model-index does not make the info unreadable: it is dropped.
    info = ModelInfo(id="a/b", cardData={"license": "mit", "model-index": [{"name": "m", "results": [{}]}]})
    assert info.card_data is not None and info.card_data.to_dict() == {"license": "mit"}


def test_dataset_info_fields():
    info = DatasetInfo(**copy.deepcopy(DATASET_INFO))
    assert info.gated == "auto"
    assert (info.main_size, info.paperswithcode_id) == (16278203, "squad")
    assert info.citation.startswith("@article") and info.description == "Stanford Question Answering Dataset"
    assert [s.rfilename for s in info.siblings or []] == ["README.md", "plain_text/train-00000-of-00001.parquet"]
    assert info.siblings is not None and info.siblings[0].size is None


def test_space_info_runtime_and_volumes():
    info = SpaceInfo(**copy.deepcopy(SPACE_INFO))
    assert (info.sdk, info.subdomain, info.host, info.region) == (
        "gradio",
        "user-tmp-test-space",
        "https://user-tmp-test-space.hf.space",
        "us",
    )
    assert info.models == ["openai-community/gpt2"] and info.datasets == ["rajpurkar/squad"]
    runtime = info.runtime
    assert runtime is not None
    assert runtime.stage == "BUILDING" and runtime.hardware is None and runtime.requested_hardware == "cpu-basic"
    assert runtime.sleep_time == 172800 and runtime.dev_mode is False
    assert runtime.raw["replicas"] == {"requested": 1}
    assert runtime.volumes is not None
    assert runtime.volumes[0].mount_path == "/data" and runtime.volumes[0].read_only is False
    assert runtime.volumes[0].to_uri() == "hf://buckets/user/b:/data:rw"


def test_kernel_info_keeps_extra_keys():
    info = KernelInfo(**copy.deepcopy(KERNEL_INFO))
    assert info.last_modified == datetime(2025, 6, 1, tzinfo=timezone.utc)
    assert info.license == "apache-2.0"


def test_tree_entries():
    file = parse_tree_entry(copy.deepcopy(TREE_FILE))
    assert isinstance(file, RepoFile)
    assert file.blob_id == "226b0752cac7789c48f0cb3ec53eda48b7be36cc"
    assert file.lfs == BlobLfsInfo(
        size=548105171,
        sha256="248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707",
        pointer_size=135,
    )
    assert file.xet_hash == "a" * 64
    assert file.last_commit == LastCommitInfo(
        oid="47b62b20b20e06b9de610e840282b7e6c3d51190",
        title="Upload diffusers weights (#48)",
        date=datetime(2023, 3, 21, 9, 5, 27, tzinfo=timezone.utc),
    )
    assert file.security is not None and file.security.safe and file.security["av_scan"]["virusFound"] is False
    assert file.rfilename == file.path and file.lastCommit is file.last_commit

    folder = parse_tree_entry(copy.deepcopy(TREE_FOLDER))
    assert isinstance(folder, RepoFolder)
    assert folder.tree_id == "aa536c4ea18073388b5b0bc791057a7296a00398"
    assert folder.last_commit is not None and folder.last_commit.title.startswith("Upload")


def test_tree_entry_without_lfs_or_expand():
    file = RepoFile(type="file", oid="abc", size=3, path="a.txt")
    assert (file.lfs, file.last_commit, file.security, file.xet_hash) == (None, None, None, None)


def test_refs_commits_and_lfs_files():
    refs = [parse_git_ref(item) for item in REFS["converts"]]
    assert refs[0].ref == "refs/convert/parquet" and refs[0].target_commit.startswith("f9826b")
    commit = parse_git_commit(copy.deepcopy(COMMIT))
    assert commit == GitCommitInfo(
        commit_id="9b865efde13a30c13e0a33e536cf3e4a5a9d71d8",
        authors=["system"],
        created_at=datetime(2019, 2, 18, 10, 36, 15, tzinfo=timezone.utc),
        title="initial commit",
        message="",
        formatted_title="<p>initial commit</p>",
        formatted_message="",
    )
    unformatted = parse_git_commit({k: v for k, v in COMMIT.items() if k != "formatted"})
    assert unformatted.formatted_title is None
    lfs_file = LFSFileInfo(**copy.deepcopy(LFS_FILE))
    assert lfs_file.pushed_at.year == 2024 and lfs_file.ref == "refs/heads/main" and lfs_file.xetHash == "b" * 64


def test_dict_like_types_pickle_and_compare():
    lfs = BlobLfsInfo(size=1, sha256="s", pointer_size=2)
    assert dict(lfs) == {"size": 1, "sha256": "s", "pointer_size": 2}
    assert pickle.loads(pickle.dumps(lfs)) == lfs


def test_every_upstream_type_name_is_exported():
    for name in (
        "ModelInfo DatasetInfo SpaceInfo KernelInfo RepoSibling RepoFile RepoFolder BlobLfsInfo BlobSecurityInfo"
        " LastCommitInfo TransformersInfo SafeTensorsInfo InferenceProviderMapping GitRefInfo GitRefs GitCommitInfo"
        " LFSFileInfo RepoUrl ExpandModelProperty_T ExpandDatasetProperty_T ExpandSpaceProperty_T ModelSort_T"
        " DatasetSort_T SpaceSort_T RepoVisibility_T REPO_REGIONS SpaceRuntime SpaceHardware SpaceStorage Volume"
        " HfUri parse_hf_uri HfUriError repo_type_and_id_from_hf_id"
    ).split():
        assert hasattr(hf_api, name), name


# --- compared with upstream ---

_NORMALIZE = """
import dataclasses, datetime, enum, json
def norm(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if hasattr(value, "to_dict") and type(value).__name__.endswith("CardData"):
        return norm(value.to_dict())
    if dataclasses.is_dataclass(value):
        return {k: norm(v) for k, v in sorted(vars(value).items())}
    if isinstance(value, dict):
        return {k: norm(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [norm(v) for v in value]
    return value
"""


@upstream_compat
def test_parsing_matches_upstream():
    payloads = {
        "model": MODEL_INFO,
        "listed": LISTED_MODEL,
        "dataset": DATASET_INFO,
        "space": SPACE_INFO,
        "kernel": KERNEL_INFO,
        "file": TREE_FILE,
        "folder": TREE_FOLDER,
        "lfs_file": LFS_FILE,
    }
    code = (
        _NORMALIZE
        + f"""
from huggingface_hub import hf_api
p = json.loads({json.dumps(json.dumps(payloads))})
out = {{
    "model": hf_api.ModelInfo(**p["model"]),
    "listed": hf_api.ModelInfo(**p["listed"]),
    "dataset": hf_api.DatasetInfo(**p["dataset"]),
    "space": hf_api.SpaceInfo(**p["space"]),
    "kernel": hf_api.KernelInfo(**p["kernel"]),
    "file": hf_api.RepoFile(**p["file"]),
    "folder": hf_api.RepoFolder(**p["folder"]),
    "lfs_file": hf_api.LFSFileInfo(**p["lfs_file"]),
}}
print(json.dumps(norm(out), sort_keys=True))
"""
    )
    ours, upstream = ours_and_upstream(code)
    for key in upstream:
        assert ours[key] == upstream[key], key


@pytest.mark.parametrize(
    "card, bounds, expected",
    [
        ({"co2_eq_emissions": 12.5}, (10, 20), True),
        ({"co2_eq_emissions": "about 15.2 grams"}, (15.2, 15.2), True),  # first number in a string, inclusive
        ({"co2_eq_emissions": {"emissions": 30, "source": "x"}}, (10, 20), False),
        ({"co2_eq_emissions": {"emissions": 30}}, (None, 40), True),
        ({"co2_eq_emissions": "unknown"}, (0, 100), False),
        ({"license": "mit"}, (0, 100), False),
        (None, (0, 100), False),
    ],
)
def test_emission_thresholds(card, bounds, expected):
    from huggingface_hub.utils.endpoint_helpers import _is_emission_within_threshold

    info = ModelInfo(id="a/b", cardData=card)
    assert _is_emission_within_threshold(info, *bounds) is expected


def test_emission_thresholds_need_a_bound():
    from huggingface_hub.utils.endpoint_helpers import _is_emission_within_threshold

    with pytest.raises(ValueError, match="cannot both be `None`"):
        _is_emission_within_threshold(ModelInfo(id="a/b"), None, None)  # type: ignore[arg-type]
