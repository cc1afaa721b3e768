"""Reading safetensors headers without downloading weights: from the Hub (ranged GETs on `resolve`) or from disk.

A header is an 8-byte little-endian length followed by that many bytes of JSON. On the Hub the first request asks
for the first 100 KB, which holds the whole header of almost every file, and a second ranged request fetches the
rest only when the header is longer. A sharded repository lists its shards in `model.safetensors.index.json`; their
headers are fetched in parallel.
"""

import json
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import constants
from .errors import NotASafetensorsRepoError, SafetensorsParsingError
from .file_download import hf_hub_url
from .utils._http import get_session, hf_raise_for_status
from .utils._safetensors import SafetensorsFileMetadata, SafetensorsRepoMetadata, TensorInfo
from .utils.tqdm import hf_thread_map
from .utils.tqdm import tqdm as hf_tqdm

# Bytes asked for by the first request: the 8-byte length plus a header of up to ~100 KB. Most headers fit, so one
# request is usually enough; a second one is cheaper than always reading more.
_FIRST_RANGE_END = 100_000


def _header_error(filename: str, context_msg: str, reason: str) -> SafetensorsParsingError:
    return SafetensorsParsingError(f"Failed to parse safetensors header for '{filename}' ({context_msg}): {reason}")


def _get_safetensors_metadata_size(size_bytes: bytes, filename: str, context_msg: str) -> int:
    """The header length announced by the first 8 bytes of a safetensors file.

    Raises:
        [`SafetensorsParsingError`]: fewer than 8 bytes, or a length above `constants.SAFETENSORS_MAX_HEADER_LENGTH`.
    """
    if len(size_bytes) < 8:
        raise _header_error(filename, context_msg, "file is too small to be a valid safetensors file.")
    (metadata_size,) = struct.unpack("<Q", size_bytes[:8])
    if metadata_size > constants.SAFETENSORS_MAX_HEADER_LENGTH:
        raise _header_error(
            filename,
            context_msg,
            "safetensors header is too big. "
            f"Maximum supported size is {constants.SAFETENSORS_MAX_HEADER_LENGTH} bytes (got {metadata_size}).",
        )
    return metadata_size


def _parse_safetensors_header(metadata_as_bytes: bytes, filename: str, context_msg: str) -> SafetensorsFileMetadata:
    """Build [`SafetensorsFileMetadata`] from the JSON header (without its 8-byte length).

    Raises:
        [`SafetensorsParsingError`]: the bytes are not JSON, or a tensor lacks `dtype`, `shape` or `data_offsets`.
    """
    try:
        # Invalid UTF-8 is dropped rather than fatal: only the JSON structure matters.
        header = json.loads(metadata_as_bytes.decode(errors="ignore"))
    except json.JSONDecodeError as e:
        raise _header_error(
            filename,
            context_msg,
            "header is not json-encoded string. Please make sure this is a correctly formatted safetensors file.",
        ) from e
    try:
        tensors = {
            name: TensorInfo(
                dtype=entry["dtype"],
                shape=entry["shape"],
                data_offsets=tuple(entry["data_offsets"]),  # type: ignore[arg-type]
            )
            for name, entry in header.items()
            if name != "__metadata__"
        }
        return SafetensorsFileMetadata(metadata=header.get("__metadata__", {}), tensors=tensors)
    except (KeyError, IndexError) as e:
        raise _header_error(
            filename,
            context_msg,
            "header format not recognized. Please make sure this is a correctly formatted safetensors file.",
        ) from e


def _single_file_repo(filename: str, file_metadata: SafetensorsFileMetadata) -> SafetensorsRepoMetadata:
    return SafetensorsRepoMetadata(
        metadata=None,
        sharded=False,
        weight_map=dict.fromkeys(file_metadata.tensors, filename),
        files_metadata={filename: file_metadata},
    )


def parse_local_safetensors_file_metadata(path: str | Path) -> SafetensorsFileMetadata:
    """Parse the header of a safetensors file on disk (only the header is read).

    Args:
        path (`str` or `Path`):
            Path to the safetensors file.

    Returns:
        [`SafetensorsFileMetadata`]: the file's tensors, metadata and parameter counts.

    Raises:
        [`SafetensorsParsingError`]: the header is malformed or truncated.
        `FileNotFoundError`: the file does not exist.

    Example:
        ```py
        >>> parse_local_safetensors_file_metadata("path/to/model.safetensors").parameter_count
        {'F32': 262144}
        ```
    """
    path = Path(path)
    context_msg = f"path '{path}'"
    with open(path, "rb") as f:
        metadata_size = _get_safetensors_metadata_size(f.read(8), path.name, context_msg)
        metadata_as_bytes = f.read(metadata_size)
    if len(metadata_as_bytes) < metadata_size:
        raise _header_error(
            path.name,
            context_msg,
            f"file is truncated. Expected {metadata_size} bytes of metadata but got {len(metadata_as_bytes)}.",
        )
    return _parse_safetensors_header(metadata_as_bytes, path.name, context_msg)


def get_local_safetensors_metadata(path: str | Path) -> SafetensorsRepoMetadata:
    """Parse the safetensors headers of a local file, or of a folder holding `model.safetensors` or
    `model.safetensors.index.json` (and its shards).

    Args:
        path (`str` or `Path`):
            A safetensors file, or a folder with safetensors weights.

    Returns:
        [`SafetensorsRepoMetadata`]: the weights' tensors, per-file headers and parameter counts.

    Raises:
        [`NotASafetensorsRepoError`]: the folder has neither `model.safetensors` nor `model.safetensors.index.json`.
        [`SafetensorsParsingError`]: a header is malformed.
        `FileNotFoundError`: `path` (or a shard listed by the index) does not exist.

    Example:
        ```py
        >>> get_local_safetensors_metadata("path/to/model_folder").sharded
        True
        ```
    """
    path = Path(path)
    if path.is_file():
        return _single_file_repo(path.name, parse_local_safetensors_file_metadata(path))
    if not path.is_dir():
        raise FileNotFoundError(f"Path '{path}' does not exist.")

    single_file = path / constants.SAFETENSORS_SINGLE_FILE
    if single_file.exists():
        return _single_file_repo(constants.SAFETENSORS_SINGLE_FILE, parse_local_safetensors_file_metadata(single_file))

    index_file = path / constants.SAFETENSORS_INDEX_FILE
    if index_file.exists():
        index = json.loads(index_file.read_text())
        weight_map = index.get("weight_map", {})
        files_metadata = {
            shard: parse_local_safetensors_file_metadata(path / shard) for shard in sorted(set(weight_map.values()))
        }
        return SafetensorsRepoMetadata(
            metadata=index.get("metadata", None), sharded=True, weight_map=weight_map, files_metadata=files_metadata
        )

    raise NotASafetensorsRepoError(
        f"'{path}' is not a valid safetensors folder. Couldn't find '{constants.SAFETENSORS_INDEX_FILE}' or "
        f"'{constants.SAFETENSORS_SINGLE_FILE}' files."
    )


class SafetensorsMixin:
    """`HfApi.get_safetensors_metadata` and `HfApi.parse_safetensors_file_metadata`."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi
    file_exists: Callable[..., bool]  # provided by InfoMixin
    hf_hub_download: Callable[..., Any]  # provided by DownloadsMixin

    def parse_safetensors_file_metadata(
        self,
        repo_id: str,
        filename: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        token: bool | str | None = None,
        timeout: float | None = constants.HF_HUB_DOWNLOAD_TIMEOUT,
    ) -> SafetensorsFileMetadata:
        """Parse the header of a safetensors file on the Hub, fetching only the header's bytes.

        To parse every safetensors file of a repository at once, use [`get_safetensors_metadata`].
        Format: https://huggingface.co/docs/safetensors/index#format.

        Args:
            repo_id (`str`):
                A user or an organization name and a repo name separated by a `/`.
            filename (`str`):
                The name of the file in the repo.
            repo_type (`str`, *optional*):
                `"dataset"` or `"space"` for a file in a dataset or a Space; `None` or `"model"` for a model.
            revision (`str`, *optional*):
                Branch, tag or commit hash. Defaults to the head of `"main"`.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the locally saved token; `False` sends none.
            timeout (`float`, *optional*, defaults to 10):
                Seconds to wait for the server to send data; `None` waits forever.

        Returns:
            [`SafetensorsFileMetadata`]: the file's tensors, metadata and parameter counts.

        Raises:
            [`SafetensorsParsingError`]: the header is malformed.
            [`~utils.RepositoryNotFoundError`], [`~utils.RevisionNotFoundError`], [`~utils.EntryNotFoundError`]:
                the repository, revision or file does not exist (or is not visible to the token).
        """
        url = hf_hub_url(
            repo_id=repo_id, filename=filename, repo_type=repo_type, revision=revision, endpoint=self.endpoint
        )
        headers = self._build_hf_headers(token=token)
        context_msg = f"repo '{repo_id}', revision '{revision or constants.DEFAULT_REVISION}'"

        first = _ranged_get(url, headers, f"bytes=0-{_FIRST_RANGE_END}", timeout)
        metadata_size = _get_safetensors_metadata_size(first[:8], filename, context_msg)
        if metadata_size <= len(first) - 8:
            metadata_as_bytes = first[8 : 8 + metadata_size]
        else:  # the header goes past the first range: fetch it whole
            metadata_as_bytes = _ranged_get(url, headers, f"bytes=8-{metadata_size + 7}", timeout)
        return _parse_safetensors_header(metadata_as_bytes, filename, context_msg)

    def get_safetensors_metadata(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        token: bool | str | None = None,
        timeout: float | None = constants.HF_HUB_DOWNLOAD_TIMEOUT,
    ) -> SafetensorsRepoMetadata:
        """Parse the safetensors headers of a repository on the Hub.

        A repository with `model.safetensors` is read as one file; otherwise `model.safetensors.index.json` is
        downloaded and the header of every shard it lists is fetched, in parallel. To parse one file, use
        [`parse_safetensors_file_metadata`].

        Args:
            repo_id (`str`):
                A user or an organization name and a repo name separated by a `/`.
            repo_type (`str`, *optional*):
                `"dataset"` or `"space"` for a dataset or a Space; `None` or `"model"` for a model.
            revision (`str`, *optional*):
                Branch, tag or commit hash. Defaults to the head of `"main"`.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the locally saved token; `False` sends none.
            timeout (`float`, *optional*, defaults to 10):
                Seconds to wait for the server to send data, for each header request; `None` waits forever.

        Returns:
            [`SafetensorsRepoMetadata`]: the weights' tensors, per-file headers and parameter counts.

        Raises:
            [`NotASafetensorsRepoError`]: the repository has neither `model.safetensors` nor
                `model.safetensors.index.json`.
            [`SafetensorsParsingError`]: a header is malformed.

        Example:
            ```py
            >>> get_safetensors_metadata("bigscience/bloomz-560m").files_metadata["model.safetensors"].metadata
            {'format': 'pt'}
            ```
        """

        def exists(filename: str) -> bool:
            return self.file_exists(
                repo_id=repo_id, filename=filename, repo_type=repo_type, revision=revision, token=token
            )

        def parse(filename: str) -> SafetensorsFileMetadata:
            return self.parse_safetensors_file_metadata(
                repo_id=repo_id, filename=filename, repo_type=repo_type, revision=revision, token=token,
                timeout=timeout,
            )  # fmt: skip

        if exists(constants.SAFETENSORS_SINGLE_FILE):
            return _single_file_repo(constants.SAFETENSORS_SINGLE_FILE, parse(constants.SAFETENSORS_SINGLE_FILE))

        if exists(constants.SAFETENSORS_INDEX_FILE):
            index_path = self.hf_hub_download(
                repo_id=repo_id,
                filename=constants.SAFETENSORS_INDEX_FILE,
                repo_type=repo_type,
                revision=revision,
                token=token,
            )
            index = json.loads(Path(index_path).read_text())
            weight_map = index.get("weight_map", {})
            shards = sorted(set(weight_map.values()))
            parsed = hf_thread_map(parse, shards, desc="Parse safetensors files", tqdm_class=hf_tqdm)
            return SafetensorsRepoMetadata(
                metadata=index.get("metadata", None),
                sharded=True,
                weight_map=weight_map,
                files_metadata=dict(zip(shards, parsed, strict=True)),
            )

        raise NotASafetensorsRepoError(
            f"'{repo_id}' is not a safetensors repo. Couldn't find '{constants.SAFETENSORS_INDEX_FILE}' or "
            f"'{constants.SAFETENSORS_SINGLE_FILE}' files."
        )


def _ranged_get(url: str, headers: dict[str, str], byte_range: str, timeout: float | None) -> bytes:
    """The body of a ranged GET, raising the Hub's error classes on failure."""
    response = get_session().get(url, headers={**headers, "range": byte_range}, timeout=timeout)
    hf_raise_for_status(response)
    return response.content
