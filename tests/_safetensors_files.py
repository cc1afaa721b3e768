"""Safetensors files written by hand for the tests: an 8-byte little-endian header length, the JSON header, then the
tensors' bytes (zeros). No `safetensors` package needed."""

import json
import struct
from math import prod

_ITEM_SIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}


def header_of(tensors: dict[str, tuple[str, list[int]]], metadata: dict[str, str] | None = None) -> dict:
    """The JSON header describing `tensors` (name -> (dtype, shape)), laid out one after the other."""
    header: dict = {}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        size = prod(shape) * _ITEM_SIZE[dtype]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    if metadata is not None:
        header["__metadata__"] = metadata
    return header


def safetensors_bytes(
    tensors: dict[str, tuple[str, list[int]]],
    metadata: dict[str, str] | None = None,
    header_size: int | None = None,
) -> bytes:
    """A complete file. `header_size` pads the JSON with spaces (allowed by the format) to that many bytes."""
    header = header_of(tensors, metadata)
    raw = json.dumps(header).encode()
    if header_size is not None:
        assert header_size >= len(raw)
        raw = raw.ljust(header_size, b" ")
    data_size = max((entry["data_offsets"][1] for k, entry in header.items() if k != "__metadata__"), default=0)
    return raw_file(raw) + bytes(data_size)


def raw_file(header: bytes, declared_size: int | None = None) -> bytes:
    """A file whose header bytes are `header` (anything), announcing `declared_size` (default: the real size)."""
    return struct.pack("<Q", len(header) if declared_size is None else declared_size) + header
