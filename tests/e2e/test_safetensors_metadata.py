"""`get_safetensors_metadata` and `parse_safetensors_file_metadata` against the local Hub: headers fetched with
ranged GETs on `resolve` (one request for the first 100 KB, a second one only for a longer header), single-file and
sharded repositories, and the errors of upstream."""

import json
import threading
from collections.abc import Iterator

import pytest
import requests

from huggingface_hub import HfApi
from huggingface_hub.errors import (
    NotASafetensorsRepoError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    SafetensorsParsingError,
)
from huggingface_hub.local_hub import LocalHub
from huggingface_hub.utils import SafetensorsRepoMetadata, TensorInfo, set_client_factory
from huggingface_hub.utils._http import default_client_factory
from tests._safetensors_files import raw_file, safetensors_bytes

TENSORS = {"embed.weight": ("F32", [16, 8]), "norm.weight": ("BF16", [8]), "scale": ("F64", [])}


@pytest.fixture
def api(local_hub: LocalHub, alice_token: str) -> HfApi:
    return HfApi(endpoint=local_hub.endpoint, token=alice_token)


@pytest.fixture
def ranges() -> Iterator[list[tuple[str, str | None]]]:
    """(url path, Range header) of every GET sent by the package while the test runs, from every thread."""
    seen: list[tuple[str, str | None]] = []
    lock = threading.Lock()

    def record(response: requests.Response, *args, **kwargs) -> None:
        request = response.request
        if request.method == "GET" and not response.is_redirect:
            with lock:
                seen.append((requests.utils.urlparse(request.url).path, request.headers.get("range")))

    def factory() -> requests.Session:
        session = default_client_factory()
        session.hooks["response"].append(record)
        return session

    set_client_factory(factory)
    try:
        yield seen
    finally:
        set_client_factory(default_client_factory)


def _upload(api: HfApi, repo_id: str, files: dict[str, bytes], repo_type: str | None = None) -> None:
    api.create_repo(repo_id, repo_type=repo_type, exist_ok=True)
    for path, content in files.items():
        api.upload_file(path_or_fileobj=content, path_in_repo=path, repo_id=repo_id, repo_type=repo_type)


def test_single_file_repo_needs_one_ranged_request(api: HfApi, ranges: list) -> None:
    _upload(api, "alice/single", {"model.safetensors": safetensors_bytes(TENSORS, metadata={"format": "pt"})})
    ranges.clear()

    parsed = api.get_safetensors_metadata("alice/single")

    assert isinstance(parsed, SafetensorsRepoMetadata)
    assert parsed.sharded is False and parsed.metadata is None
    assert parsed.weight_map == dict.fromkeys(TENSORS, "model.safetensors")
    file = parsed.files_metadata["model.safetensors"]
    assert file.metadata == {"format": "pt"}
    assert file.tensors["embed.weight"] == TensorInfo(dtype="F32", shape=[16, 8], data_offsets=(0, 512))
    assert parsed.parameter_count == {"F32": 128, "BF16": 8, "F64": 1}
    # `file_exists` is a HEAD: the only GET is the header's (after the redirect to the LFS blob, if any).
    assert [r for _, r in ranges] == ["bytes=0-100000"]


def test_long_header_is_fetched_with_a_second_range(api: HfApi, ranges: list) -> None:
    content = safetensors_bytes(TENSORS, metadata={"note": "x" * 150_000}, header_size=150_500)
    _upload(api, "alice/long-header", {"weights/big.safetensors": content})
    ranges.clear()

    parsed = api.parse_safetensors_file_metadata("alice/long-header", "weights/big.safetensors")

    assert parsed.metadata == {"note": "x" * 150_000}
    assert parsed.parameter_count == {"F32": 128, "BF16": 8, "F64": 1}
    assert [r for _, r in ranges] == ["bytes=0-100000", "bytes=8-150507"]


def test_sharded_repo_reads_every_shard(api: HfApi) -> None:
    shards = {
        "model-00001-of-00003.safetensors": {"layers.0.w": ("F16", [32, 32]), "layers.0.b": ("F16", [32])},
        "model-00002-of-00003.safetensors": {"layers.1.w": ("F16", [32, 32])},
        "model-00003-of-00003.safetensors": {"lm_head": ("F32", [32, 10])},
    }
    weight_map = {tensor: name for name, tensors in shards.items() for tensor in tensors}
    index = {"metadata": {"total_size": 5504}, "weight_map": weight_map}
    files = {name: safetensors_bytes(tensors) for name, tensors in shards.items()}
    files["model.safetensors.index.json"] = json.dumps(index).encode()
    _upload(api, "alice/sharded", files)

    parsed = api.get_safetensors_metadata("alice/sharded")

    assert parsed.sharded is True
    assert parsed.metadata == {"total_size": 5504}
    assert parsed.weight_map == weight_map
    assert set(parsed.files_metadata) == set(shards)
    assert parsed.files_metadata["model-00002-of-00003.safetensors"].parameter_count == {"F16": 1024}
    assert parsed.parameter_count == {"F16": 2080, "F32": 320}


def test_revision_and_repo_type_are_honoured(api: HfApi) -> None:
    _upload(api, "alice/data", {"model.safetensors": safetensors_bytes({"x": ("U8", [3])})}, repo_type="dataset")
    first = api.list_repo_commits("alice/data", repo_type="dataset")[0].commit_id
    api.upload_file(
        path_or_fileobj=safetensors_bytes({"y": ("I32", [2, 2])}),
        path_in_repo="model.safetensors",
        repo_id="alice/data",
        repo_type="dataset",
    )

    assert api.get_safetensors_metadata("alice/data", repo_type="dataset").parameter_count == {"I32": 4}
    old = api.get_safetensors_metadata("alice/data", repo_type="dataset", revision=first)
    assert old.parameter_count == {"U8": 3}


def test_errors(api: HfApi, local_hub: LocalHub) -> None:
    _upload(api, "alice/no-weights", {"config.json": b"{}"})
    with pytest.raises(NotASafetensorsRepoError) as error:
        api.get_safetensors_metadata("alice/no-weights")
    assert str(error.value) == (
        "'alice/no-weights' is not a safetensors repo. Couldn't find 'model.safetensors.index.json' or "
        "'model.safetensors' files."
    )

    _upload(
        api,
        "alice/bad",
        {
            "model.safetensors": raw_file(b"not json at all"),
            "huge.safetensors": raw_file(b"{}", declared_size=30_000_000),
            "tiny.safetensors": b"\x00\x01",
        },
    )
    with pytest.raises(SafetensorsParsingError) as error:
        api.get_safetensors_metadata("alice/bad")
    assert str(error.value).startswith(
        "Failed to parse safetensors header for 'model.safetensors' (repo 'alice/bad', revision 'main'): "
        "header is not json-encoded string."
    )
    with pytest.raises(SafetensorsParsingError, match="safetensors header is too big"):
        api.parse_safetensors_file_metadata("alice/bad", "huge.safetensors")
    with pytest.raises(SafetensorsParsingError, match="file is too small"):
        api.parse_safetensors_file_metadata("alice/bad", "tiny.safetensors")
    with pytest.raises(RemoteEntryNotFoundError):
        api.parse_safetensors_file_metadata("alice/bad", "missing.safetensors")
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=local_hub.endpoint, token=False).parse_safetensors_file_metadata("alice/nope", "x.safetensors")
