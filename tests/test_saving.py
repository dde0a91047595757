"""Tests for scratchdl.models.saving: atomic writes, safe loads, clear errors on bad files."""

import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest

from scratchdl.models import saving
from scratchdl.models.saving import ModelFileError, load_npz_safe, save_npz_atomic


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _sample(rng):
    meta = {"config": {"name": "sequential", "layers": [1, 2]}, "epoch": 3, "lr": 0.001}
    arrays = {
        "dense_1/kernel": rng.standard_normal((4, 3)).astype(np.float32),
        "dense_1/bias": np.zeros(3, np.float32),
        "adam/iterations": np.array(7, np.int64),
        "file": rng.standard_normal(2),  # a name np.savez(**kw) could not take
    }
    return meta, arrays


def _write_zip(path, members):
    """Write a raw zip with the given {entry name: bytes}."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _npy_bytes(array, allow_pickle=False):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


def _meta_bytes(header):
    return _npy_bytes(np.array(json.dumps(header)))


@pytest.mark.parametrize("name", ["m.keras", "m.h5", "dm_01_0.62.hdf5", "m.npz", "model"])
def test_round_trip_any_extension(tmp_path, rng, name):
    meta, arrays = _sample(rng)
    path = tmp_path / name
    save_npz_atomic(path, meta, arrays)
    assert sorted(os.listdir(tmp_path)) == [name]  # no ".npz" appended, no temp file
    got_meta, got = load_npz_safe(path)
    assert got_meta == meta
    assert sorted(got) == sorted(arrays)
    for key, value in arrays.items():
        assert got[key].dtype == value.dtype
        np.testing.assert_array_equal(got[key], value)


def test_file_is_a_plain_npz_readable_without_pickle(tmp_path, rng):
    meta, arrays = _sample(rng)
    save_npz_atomic(tmp_path / "m.keras", meta, arrays)
    with np.load(tmp_path / "m.keras", allow_pickle=False) as npz:
        header = json.loads(str(npz[saving.META_KEY]))
        kernel = npz["dense_1/kernel"]
    assert header == {"format": "scratchdl", "format_version": 1, "meta": meta}
    np.testing.assert_array_equal(kernel, arrays["dense_1/kernel"])
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}


def test_creates_parent_directories_and_readable_permissions(tmp_path, rng):
    meta, arrays = _sample(rng)
    path = tmp_path / "a" / "b" / "m.h5"
    save_npz_atomic(str(path), meta, arrays)
    mode = os.stat(path).st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_crash_mid_write_keeps_previous_file(tmp_path, rng, monkeypatch):
    meta, arrays = _sample(rng)
    path = tmp_path / "m.keras"
    save_npz_atomic(path, meta, arrays)
    before = path.read_bytes()
    written = []
    real_write = saving._write_member

    def failing_write(archive, name, array):
        if len(written) == 2:  # the meta and one array are already in the temp file
            raise OSError(28, "No space left on device")
        written.append(name)
        real_write(archive, name, array)

    monkeypatch.setattr(saving, "_write_member", failing_write)
    new_arrays = {k: v + 1 for k, v in arrays.items()}
    with pytest.raises(OSError, match="No space left"):
        save_npz_atomic(path, {"epoch": 99}, new_arrays)
    assert written == [saving.META_KEY, "dense_1/kernel"]
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.keras"]  # the temporary file was removed
    assert load_npz_safe(path)[0] == meta


def test_crash_on_keyboard_interrupt_keeps_previous_file(tmp_path, rng, monkeypatch):
    meta, arrays = _sample(rng)
    path = tmp_path / "m.keras"
    save_npz_atomic(path, meta, arrays)

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(saving.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_npz_atomic(path, {"epoch": 5}, arrays)
    assert os.listdir(tmp_path) == ["m.keras"]
    assert load_npz_safe(path)[0] == meta


def test_save_rejects_object_arrays_reserved_names_and_bad_meta(tmp_path):
    path = tmp_path / "m.npz"
    with pytest.raises(ValueError, match="'w'.*dtype object.*pickle"):
        save_npz_atomic(path, {}, {"w": np.array([{"a": 1}], dtype=object)})
    with pytest.raises(ValueError, match="'__meta__' is reserved"):
        save_npz_atomic(path, {}, {"__meta__": np.zeros(1)})
    with pytest.raises(ValueError, match="JSON-serialisable"):
        save_npz_atomic(path, {"x": np.zeros(2)}, {})
    with pytest.raises(ValueError, match="meta must be a dict, received list"):
        save_npz_atomic(path, [1], {})
    with pytest.raises(ValueError, match="non-empty strings, received 3"):
        save_npz_atomic(path, {}, {3: np.zeros(1)})
    assert os.listdir(tmp_path) == []


def test_missing_file_names_the_path(tmp_path):
    path = tmp_path / "nothing.keras"
    with pytest.raises(FileNotFoundError, match="nothing.keras") as info:
        load_npz_safe(path)
    assert info.value.filename == str(path)


def test_directory_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match="is a directory"):
        load_npz_safe(tmp_path)


def test_random_bytes(tmp_path, rng):
    path = tmp_path / "m.h5"
    path.write_bytes(rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with pytest.raises(ModelFileError, match=r"m\.h5: not a scratchdl model file"):
        load_npz_safe(path)


def test_hdf5_signature_is_refused(tmp_path):
    path = tmp_path / "keras_model.h5"
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(200))
    with pytest.raises(ModelFileError, match="not a zip/npz"):
        load_npz_safe(path)


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_file(tmp_path, rng, keep):
    meta, arrays = _sample(rng)
    arrays["big"] = rng.standard_normal(5000)
    path = tmp_path / "m.keras"
    save_npz_atomic(path, meta, arrays)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ModelFileError, match="m.keras"):
        load_npz_safe(path)


def test_corrupted_member_bytes(tmp_path, rng):
    meta, arrays = _sample(rng)
    path = tmp_path / "m.keras"
    save_npz_atomic(path, meta, {"w": np.arange(1000, dtype=np.float64)})
    data = bytearray(path.read_bytes())
    start = data.find(b"w.npy") + 200  # inside the array payload: CRC check fails
    data[start : start + 16] = bytes(16)
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="damaged|cannot be read"):
        load_npz_safe(path)


class _Boom:
    """Unpickling this would run code: the test fails if it ever happens."""

    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def test_pickled_object_array_is_never_unpickled(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    header = {"format": "scratchdl", "format_version": 1, "meta": {}}
    hostile = np.array([_Boom()], dtype=object)
    path = tmp_path / "hostile.keras"
    _write_zip(
        path, {"__meta__.npy": _meta_bytes(header), "w.npy": _npy_bytes(hostile, allow_pickle=True)}
    )
    with pytest.raises(ModelFileError, match="'w' holds a pickled object array"):
        load_npz_safe(path)
    assert not (tmp_path / "PWNED").exists()


def test_plain_pickle_file_is_never_unpickled(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(_Boom()))
    with pytest.raises(ModelFileError, match="not a zip"):
        load_npz_safe(path)
    assert not (tmp_path / "PWNED").exists()


def test_meta_not_json(tmp_path):
    path = tmp_path / "m.npz"
    _write_zip(
        path, {"__meta__.npy": _npy_bytes(np.array("{not json")), "w.npy": _npy_bytes(np.zeros(2))}
    )
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load_npz_safe(path)


def test_meta_missing(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, x_train=np.zeros(3))  # e.g. mnist.npz given as a model
    with pytest.raises(ModelFileError, match="no '__meta__' entry"):
        load_npz_safe(path)


def test_meta_wrong_dtype(tmp_path):
    path = tmp_path / "m.npz"
    _write_zip(path, {"__meta__.npy": _npy_bytes(np.zeros(3))})
    with pytest.raises(ModelFileError, match="JSON text scalar, found dtype float64"):
        load_npz_safe(path)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"format": "keras", "format_version": 1, "meta": {}}, "format is 'keras'"),
        ([1, 2], r"format is \[1, 2\]"),
        ({"format": "scratchdl", "format_version": 2, "meta": {}}, "format_version is 2"),
        ({"format": "scratchdl", "meta": {}}, "format_version is None"),
        ({"format": "scratchdl", "format_version": 1, "meta": 5}, "no 'meta' object"),
    ],
)
def test_foreign_or_future_header(tmp_path, header, message):
    path = tmp_path / "m.keras"
    _write_zip(path, {"__meta__.npy": _meta_bytes(header)})
    with pytest.raises(ModelFileError, match=message):
        load_npz_safe(path)


def test_model_file_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)


def _npy_header_only(shape, dtype="<f8"):
    buf = io.BytesIO()
    header = {"descr": dtype, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue() + bytes(64)


def test_huge_declared_shape_is_refused_before_allocating(tmp_path, monkeypatch):
    header = {"format": "scratchdl", "format_version": 1, "meta": {}}
    path = tmp_path / "bomb.keras"
    _write_zip(path, {"__meta__.npy": _meta_bytes(header), "w.npy": _npy_header_only((10**12,))})

    def no_allocation(*args, **kwargs):
        raise AssertionError("np.load must not be reached")

    monkeypatch.setattr(saving.np, "load", no_allocation)
    with pytest.raises(ModelFileError, match=r"'w' declares shape \(1000000000000,\) of float64"):
        load_npz_safe(path)


def test_member_that_is_not_npy(tmp_path):
    header = {"format": "scratchdl", "format_version": 1, "meta": {}}
    path = tmp_path / "m.keras"
    _write_zip(path, {"__meta__.npy": _meta_bytes(header), "w.npy": b"GIF89a" + bytes(40)})
    with pytest.raises(ModelFileError, match="cannot be read as a scratchdl model file"):
        load_npz_safe(path)


def test_zip_size_field_larger_than_the_file(tmp_path, rng):
    meta, arrays = _sample(rng)
    path = tmp_path / "m.keras"
    save_npz_atomic(path, meta, {"w": np.arange(8.0)})
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")  # the last central-directory entry ("w.npy")
    data[central + 24 : central + 28] = (2**31).to_bytes(4, "little")  # uncompressed size
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="m.keras"):
        load_npz_safe(path)
