"""The IDX file format of the original MNIST files: a small header, then the raw array.

An IDX file starts with a magic number of four bytes: two zero bytes, a code for the
element type (``0x08`` unsigned byte, ...), and the number of dimensions ``d``. Then come
``d`` sizes, each a big-endian 32-bit integer, then the elements in C order, big-endian.
MNIST's image files are ``(n, 28, 28)`` unsigned bytes, its label files ``(n,)``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

__all__ = ["read_idx", "IdxFormatError"]

# The element types the format defines, by their code in the magic number (all big-endian).
_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class IdxFormatError(ValueError):
    """A file is not a well-formed IDX file."""


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file into a numpy array of its shape and element type (native byte order).

    Raises
    ------
    IdxFormatError
        If the magic number is wrong (not two zero bytes, an unknown type code), or the
        file is shorter or longer than its header says (truncated or not IDX at all).
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If ``path`` is not a path.
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise ValueError(f"path must be the path of an IDX file: got {type(path).__name__} {path!r}")
    path = Path(path)
    if path.is_dir():
        raise IdxFormatError(f"{path} is a folder, not an IDX file")
    size = path.stat().st_size
    with open(path, "rb") as file:
        data = file.read(4)
        if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _DTYPES:
            raise IdxFormatError(
                f"{path} is not an IDX file: its magic number is {data[:4].hex() or 'missing'}, "
                f"expected 0000 then a type code ({', '.join(f'{code:02x}' for code in _DTYPES)}) and the number of dimensions"
            )
        n_dims = data[3]
        header = 4 + 4 * n_dims
        sizes = file.read(4 * n_dims)
    if len(sizes) < 4 * n_dims:
        raise IdxFormatError(f"{path} is truncated: {size} bytes, shorter than its own header ({header} bytes)")
    shape = tuple(int.from_bytes(sizes[4 * i : 4 * i + 4], "big") for i in range(n_dims))
    dtype = np.dtype(_DTYPES[data[2]])
    count = math.prod(shape)  # Python's integers: sizes multiplying past 2**64 cannot wrap around
    expected = header + dtype.itemsize * count
    if size != expected:
        state = "truncated" if size < expected else "longer than its header says"
        raise IdxFormatError(f"{path} is {state}: {size} bytes, expected {expected} for shape {shape} of {dtype.name}")
    # One read straight into a new array; multi-byte types are then converted to native order.
    return np.fromfile(path, dtype=dtype, count=count, offset=header).reshape(shape).astype(dtype.newbyteorder("="), copy=False)
