"""IDX reader/writer on generated files: round trips, gzip, wrong magic, size mismatch."""

import gzip

import numpy as np
import pytest

from scratchdl.datasets.idx import parse_idx, read_idx, write_idx


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("dtype", ["u1", "i1", "i2", "i4", "f4", "f8"])
def test_round_trip_raw_and_gzip(tmp_path, rng, suffix, dtype):
    a = (rng.standard_normal((5, 3, 2)) * 50).astype(dtype)
    path = tmp_path / f"a-idx3{suffix}"
    write_idx(path, a)
    raw = path.read_bytes()
    assert raw.startswith(b"\x1f\x8b") == (suffix == ".gz")
    b = read_idx(path)
    assert b.dtype == np.dtype(dtype) and b.dtype.isnative
    np.testing.assert_array_equal(a, b)


def test_mnist_label_header_layout(tmp_path):
    labels = np.array([5, 0, 4, 1, 9], dtype=np.uint8)
    path = tmp_path / "labels-idx1-ubyte"
    write_idx(path, labels)
    data = path.read_bytes()
    # magic 0x00000801 (uint8, 1-D), then the count 5 big-endian, then the labels
    assert data[:4] == bytes([0, 0, 8, 1])
    assert int.from_bytes(data[4:8], "big") == 5
    assert data[8:] == bytes([5, 0, 4, 1, 9])


def test_reads_file_objects_and_gzip_by_content(tmp_path):
    a = np.arange(12, dtype=np.uint8).reshape(3, 4)
    path = tmp_path / "no-suffix"
    write_idx(path, a, compress=True)
    with open(path, "rb") as f:
        np.testing.assert_array_equal(read_idx(f), a)


def _header(code, shape):
    return bytes([0, 0, code, len(shape)]) + b"".join(n.to_bytes(4, "big") for n in shape)


@pytest.mark.parametrize(
    "data",
    [
        b"\x01\x02\x08\x01" + (3).to_bytes(4, "big") + b"abc",  # first bytes not zero
        b"\x00\x00\x07\x01" + (3).to_bytes(4, "big") + b"abc",  # unknown type code
        b"PK\x03\x04" + b"\x00" * 20,  # a zip file, not IDX
    ],
)
def test_wrong_magic_number(data):
    with pytest.raises(ValueError, match="bad IDX magic number 0x"):
        parse_idx(data, name="f.idx")


def test_wrong_magic_inside_gzip():
    with pytest.raises(ValueError, match="magic"):
        parse_idx(gzip.compress(b"\xff\xff\x08\x01" + bytes(8)))


@pytest.mark.parametrize("extra", [-1, 1, -10])
def test_size_mismatch(extra):
    body = bytes(2 * 3 * 4)
    data = _header(0x08, (2, 3, 4)) + (body[:extra] if extra < 0 else body + b"\x00")
    with pytest.raises(ValueError, match=r"size mismatch.*\(2, 3, 4\).*24 data bytes"):
        parse_idx(data, name="images")


def test_truncated_gzip_and_short_header():
    packed = gzip.compress(_header(0x08, (4,)) + bytes(4))
    with pytest.raises(ValueError, match="damaged gzip"):
        parse_idx(packed[:-6])
    with pytest.raises(ValueError, match="too short"):
        parse_idx(b"\x00\x00")
    with pytest.raises(ValueError, match="3 dimensions"):
        parse_idx(bytes([0, 0, 8, 3]) + bytes(5))


def test_write_rejects_dtypes_without_type_code(tmp_path):
    with pytest.raises(ValueError, match="uint16"):
        write_idx(tmp_path / "x", np.zeros(3, dtype=np.uint16))
