"""vae_helpers.idx: the IDX reader, on small files written here byte by byte."""

import struct

import numpy as np
import pytest

from vae_helpers.idx import IdxFormatError, read_idx


def write_idx(path, array, type_code=0x08, big_endian_dtype=">u1"):
    """An IDX file as the format defines it: 0, 0, type code, dimensions; sizes; big-endian data."""
    header = bytes([0, 0, type_code, array.ndim]) + b"".join(struct.pack(">I", size) for size in array.shape)
    path.write_bytes(header + array.astype(big_endian_dtype).tobytes())
    return path


def test_images_come_back_with_their_shape_dtype_and_values(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    read = read_idx(write_idx(tmp_path / "images", images))
    assert read.shape == (5, 28, 28) and read.dtype == np.uint8
    np.testing.assert_array_equal(read, images)


def test_labels_are_one_dimensional(tmp_path):
    labels = np.array([7, 2, 1, 0, 4], dtype=np.uint8)
    np.testing.assert_array_equal(read_idx(write_idx(tmp_path / "labels", labels)), labels)


def test_multi_byte_types_are_read_big_endian(tmp_path):
    values = np.array([[1.5, -2.25], [1e6, 0.0]])
    read = read_idx(write_idx(tmp_path / "floats", values, 0x0E, ">f8"))
    assert read.dtype == np.float64 and read.dtype.byteorder in "=|"
    np.testing.assert_array_equal(read, values)
    shorts = np.array([1, -2, 300], dtype=np.int16)
    np.testing.assert_array_equal(read_idx(write_idx(tmp_path / "shorts", shorts, 0x0B, ">i2")), shorts)


@pytest.mark.parametrize("start", [b"\x01\x00\x08\x01", b"\x00\x00\x07\x01", b"PK\x03\x04", b"\x00"])
def test_a_bad_magic_number_is_refused_naming_the_file(tmp_path, start):
    path = tmp_path / "bad"
    path.write_bytes(start + b"\x00" * 8)
    with pytest.raises(IdxFormatError, match=r"bad is not an IDX file: its magic number"):
        read_idx(path)


def test_a_truncated_file_is_refused_with_its_size_and_the_expected_one(tmp_path):
    path = write_idx(tmp_path / "images", np.zeros((3, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(IdxFormatError, match=r"images is truncated: 2358 bytes, expected 2368 for shape \(3, 28, 28\)"):
        read_idx(path)


def test_a_file_shorter_than_its_header_is_truncated(tmp_path):
    path = tmp_path / "short"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(IdxFormatError, match="shorter than its own header"):
        read_idx(path)


def test_trailing_bytes_are_refused(tmp_path):
    path = write_idx(tmp_path / "labels", np.arange(4, dtype=np.uint8))
    path.write_bytes(path.read_bytes() + b"\x00")
    with pytest.raises(IdxFormatError, match="longer than its header says"):
        read_idx(path)


def test_sizes_that_multiply_past_2_to_the_64_do_not_wrap_around(tmp_path):
    # 2**32 - 1 cubed is about 2**96: numpy's int64 product wrapped to a small number that could match the file.
    sizes = [2**32 - 1] * 3
    path = tmp_path / "huge"
    path.write_bytes(bytes([0, 0, 0x08, 3]) + b"".join(struct.pack(">I", size) for size in sizes) + b"\x00" * 8)
    with pytest.raises(IdxFormatError, match=r"is truncated: 24 bytes, expected 79228162458924105385300197391 for shape"):
        read_idx(path)


@pytest.mark.parametrize("path", [None, 3, "", b"bytes"])
def test_a_path_that_is_not_a_path_is_refused_by_name(path):
    with pytest.raises(ValueError, match="path must be the path of an IDX file"):
        read_idx(path)


def test_a_folder_is_not_an_idx_file(tmp_path):
    with pytest.raises(IdxFormatError, match="is a folder, not an IDX file"):
        read_idx(tmp_path)


from hypothesis import given, settings
from hypothesis import strategies as st


@given(st.binary(max_size=64))
@settings(max_examples=300, deadline=None)
def test_any_bytes_read_as_an_array_or_an_idx_format_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("idx") / "file"
    path.write_bytes(data)
    try:
        array = read_idx(path)
    except IdxFormatError:
        return
    assert array.nbytes == len(data) - 4 - 4 * data[3]
