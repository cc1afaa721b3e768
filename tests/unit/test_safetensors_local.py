"""Safetensors headers read from disk: `parse_local_safetensors_file_metadata` and `get_local_safetensors_metadata`,
on files written by hand (single file, sharded folder, malformed headers)."""

import json
from pathlib import Path

import pytest

from huggingface_hub import get_local_safetensors_metadata, parse_local_safetensors_file_metadata
from huggingface_hub.errors import NotASafetensorsRepoError, SafetensorsParsingError
from huggingface_hub.utils import SafetensorsFileMetadata, SafetensorsRepoMetadata, TensorInfo
from tests._safetensors_files import raw_file, safetensors_bytes

TENSORS = {"embed.weight": ("F32", [10, 4]), "head.bias": ("BF16", [4]), "step": ("I64", [])}


def test_single_file_header_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "weights.safetensors"
    path.write_bytes(safetensors_bytes(TENSORS, metadata={"format": "pt"}))

    parsed = parse_local_safetensors_file_metadata(path)

    assert isinstance(parsed, SafetensorsFileMetadata)
    assert parsed.metadata == {"format": "pt"}
    assert parsed.tensors["embed.weight"] == TensorInfo(dtype="F32", shape=[10, 4], data_offsets=(0, 160))
    assert parsed.tensors["embed.weight"].parameter_count == 40
    assert parsed.tensors["step"].parameter_count == 1  # a scalar
    assert parsed.parameter_count == {"F32": 40, "BF16": 4, "I64": 1}


def test_file_path_and_folder_with_single_file(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(safetensors_bytes(TENSORS))

    from_folder = get_local_safetensors_metadata(tmp_path)
    from_file = get_local_safetensors_metadata(str(tmp_path / "model.safetensors"))

    assert isinstance(from_folder, SafetensorsRepoMetadata)
    assert from_folder == from_file
    assert from_folder.sharded is False and from_folder.metadata is None
    assert from_folder.weight_map == dict.fromkeys(TENSORS, "model.safetensors")
    assert from_folder.files_metadata["model.safetensors"].metadata == {}
    assert from_folder.parameter_count == {"F32": 40, "BF16": 4, "I64": 1}


def test_sharded_folder_sums_its_shards(tmp_path: Path) -> None:
    shards = {
        "model-00001-of-00002.safetensors": {"a": ("F16", [3, 3]), "b": ("F32", [2])},
        "model-00002-of-00002.safetensors": {"c": ("F16", [5])},
    }
    for name, tensors in shards.items():
        (tmp_path / name).write_bytes(safetensors_bytes(tensors))
    weight_map = {tensor: name for name, tensors in shards.items() for tensor in tensors}
    (tmp_path / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {"total_size": 46}, "weight_map": weight_map})
    )

    parsed = get_local_safetensors_metadata(tmp_path)

    assert parsed.sharded is True
    assert parsed.metadata == {"total_size": 46}
    assert parsed.weight_map == weight_map
    assert set(parsed.files_metadata) == set(shards)
    assert parsed.parameter_count == {"F16": 14, "F32": 2}


def test_folder_without_weights_and_missing_paths(tmp_path: Path) -> None:
    with pytest.raises(NotASafetensorsRepoError, match="is not a valid safetensors folder"):
        get_local_safetensors_metadata(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        get_local_safetensors_metadata(tmp_path / "nope")
    with pytest.raises(FileNotFoundError):
        parse_local_safetensors_file_metadata(tmp_path / "nope.safetensors")
    # An index naming a shard that is not there.
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps({"weight_map": {"a": "gone.safetensors"}}))
    with pytest.raises(FileNotFoundError):
        get_local_safetensors_metadata(tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x01\x02", "file is too small to be a valid safetensors file"),
        (raw_file(b"{}", declared_size=25_000_001), "safetensors header is too big"),
        (raw_file(b'{"a": 1}', declared_size=100), "file is truncated. Expected 100 bytes of metadata but got 8"),
        (raw_file(b"not json"), "header is not json-encoded string"),
        (raw_file(b'{"a": {"dtype": "F32", "shape": [1]}}'), "header format not recognized"),
        (raw_file(b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": []}}'), None),
    ],
)
def test_malformed_headers(tmp_path: Path, content: bytes, message: str | None) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    if message is None:
        # Upstream keeps an empty offsets list as it is (no IndexError is raised on it).
        assert parse_local_safetensors_file_metadata(path).tensors["a"].data_offsets == ()
        return
    with pytest.raises(SafetensorsParsingError, match=message) as error:
        parse_local_safetensors_file_metadata(path)
    assert f"Failed to parse safetensors header for 'bad.safetensors' (path '{path}')" in str(error.value)
