"""What the header of a safetensors file says: its tensors (dtype, shape, byte range) and free-form metadata.

A safetensors file starts with an 8-byte little-endian length, then that many bytes of JSON mapping each tensor
name to `{"dtype", "shape", "data_offsets"}` (plus an optional `"__metadata__"` dict of strings). These classes hold
the parsed header of one file, or of a whole repository (one file, or shards listed by an index), and count the
parameters per dtype. See https://huggingface.co/docs/safetensors/index#format.
"""

from collections import Counter
from dataclasses import dataclass, field
from math import prod
from typing import Literal

FILENAME_T = str
TENSOR_NAME_T = str
DTYPE_T = Literal["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL"]


@dataclass
class TensorInfo:
    """One tensor of a safetensors file.

    Attributes:
        dtype (`str`):
            Element type ("F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL").
        shape (`list[int]`):
            The tensor's shape.
        data_offsets (`tuple[int, int]`):
            `[BEGIN, END]` of the tensor's bytes, counted from the end of the header.
        parameter_count (`int`):
            Number of elements: the product of `shape` (1 for a scalar, whose shape is empty).
    """

    dtype: DTYPE_T
    shape: list[int]
    data_offsets: tuple[int, int]
    parameter_count: int = field(init=False)

    def __post_init__(self) -> None:
        # `prod([])` is 1, which is what a scalar holds; a header without a usable shape (e.g. `null`) counts as
        # a scalar too rather than failing, as upstream does.
        try:
            self.parameter_count = prod(self.shape)
        except TypeError:
            self.parameter_count = 1


def _count_by_dtype(pairs: "list[tuple[DTYPE_T, int]]") -> dict[DTYPE_T, int]:
    counts: Counter[DTYPE_T] = Counter()
    for dtype, count in pairs:
        counts[dtype] += count
    return dict(counts)


@dataclass
class SafetensorsFileMetadata:
    """The parsed header of one safetensors file (returned by [`parse_safetensors_file_metadata`]).

    Attributes:
        metadata (`dict`):
            The file's `__metadata__` (empty if it has none).
        tensors (`dict[str, TensorInfo]`):
            Tensor name -> [`TensorInfo`].
        parameter_count (`dict[str, int]`):
            Number of parameters per dtype.
    """

    metadata: dict[str, str]
    tensors: dict[TENSOR_NAME_T, TensorInfo]
    parameter_count: dict[DTYPE_T, int] = field(init=False)

    def __post_init__(self) -> None:
        self.parameter_count = _count_by_dtype([(t.dtype, t.parameter_count) for t in self.tensors.values()])


@dataclass
class SafetensorsRepoMetadata:
    """The safetensors headers of a repository (returned by [`get_safetensors_metadata`]).

    A repository holds safetensors weights if it has `model.safetensors` (one file) or
    `model.safetensors.index.json` (shards) at its root.

    Attributes:
        metadata (`dict`, *optional*):
            The `metadata` of the index file; `None` for a single-file repository.
        sharded (`bool`):
            Whether the weights are split into shards listed by an index.
        weight_map (`dict[str, str]`):
            Tensor name -> the file that holds it.
        files_metadata (`dict[str, SafetensorsFileMetadata]`):
            File name -> its parsed header.
        parameter_count (`dict[str, int]`):
            Number of parameters per dtype, over all files.
    """

    metadata: dict | None
    sharded: bool
    weight_map: dict[TENSOR_NAME_T, FILENAME_T]
    files_metadata: dict[FILENAME_T, SafetensorsFileMetadata]
    parameter_count: dict[DTYPE_T, int] = field(init=False)

    def __post_init__(self) -> None:
        self.parameter_count = _count_by_dtype(
            [pair for file in self.files_metadata.values() for pair in file.parameter_count.items()]
        )
