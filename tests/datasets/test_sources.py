"""The fetch chain: cache verification, atomic writes, fall-through, the clear error."""

import os

import numpy as np
import pytest

from scratchdl.datasets import sources
from scratchdl.datasets.sources import (
    DatasetUnavailableError,
    VerificationError,
    array_sha256,
    cache_home,
    fetch_arrays,
    load_npz,
    save_npz_atomic,
    verify_arrays,
)
from tests.datasets.conftest import FakeSource, make_arrays


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].dtype == b[k].dtype
        np.testing.assert_array_equal(a[k], b[k])


def test_array_sha256_is_the_hash_of_the_c_order_bytes():
    import hashlib

    a = np.arange(6, dtype=np.uint8).reshape(2, 3)
    assert array_sha256(a) == hashlib.sha256(bytes([0, 1, 2, 3, 4, 5])).hexdigest()
    assert array_sha256(a.T) == hashlib.sha256(bytes([0, 3, 1, 4, 2, 5])).hexdigest()


def test_verify_rejects_changed_shape_dtype_content(tiny):
    arrays, spec = tiny
    assert verify_arrays(arrays, spec).keys() == arrays.keys()
    bad = dict(arrays, y_test=arrays["y_test"].copy())
    bad["y_test"][0] ^= 1
    with pytest.raises(VerificationError, match="y_test SHA-256"):
        verify_arrays(bad, spec)
    with pytest.raises(VerificationError, match="uint8"):
        verify_arrays(dict(arrays, x_test=arrays["x_test"].astype(np.int16)), spec)
    with pytest.raises(VerificationError, match="missing arrays"):
        verify_arrays({k: v for k, v in arrays.items() if k != "x_train"}, spec)


def test_first_fetch_writes_the_cache_second_is_served_from_it(tmp_path, tiny):
    arrays, spec = tiny
    source = FakeSource("good", arrays)
    cache = tmp_path / "sub" / "tiny.npz"
    _same(fetch_arrays(spec, [source], cache), arrays)
    assert cache.is_file() and source.calls == 1
    _same(fetch_arrays(spec, [source], cache), arrays)
    assert source.calls == 1
    assert [p.name for p in cache.parent.iterdir()] == ["tiny.npz"]  # no temp files left


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong_content", "empty"])
def test_damaged_cache_is_moved_aside_and_fetched_again(tmp_path, tiny, damage, capsys):
    arrays, spec = tiny
    cache = tmp_path / "tiny.npz"
    save_npz_atomic(cache, arrays)
    if damage == "garbage":
        cache.write_bytes(os.urandom(300))
    elif damage == "truncated":
        cache.write_bytes(cache.read_bytes()[: cache.stat().st_size // 2])
    elif damage == "wrong_content":
        save_npz_atomic(cache, make_arrays(seed=1))
    else:
        cache.write_bytes(b"")
    source = FakeSource("good", arrays)
    _same(fetch_arrays(spec, [source], cache), arrays)
    assert source.calls == 1
    _same(load_npz(cache), arrays)  # the cache now holds the verified arrays
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("tiny.npz.corrupt-")]
    assert len(kept) == 1  # the damaged file is kept, never deleted
    assert f"moved it to {kept[0]}" in capsys.readouterr().err


def test_source_failing_verification_falls_through_to_the_next(tmp_path, tiny):
    arrays, spec = tiny
    wrong, good = FakeSource("wrong", make_arrays(seed=2)), FakeSource("good", arrays)
    _same(fetch_arrays(spec, [wrong, good], tmp_path / "c.npz"), arrays)
    assert (wrong.calls, good.calls) == (1, 1)


def test_all_sources_fail_one_clear_error(tmp_path, tiny):
    _, spec = tiny
    cache = tmp_path / "c.npz"
    failing = [
        FakeSource("mirror A", make_arrays(seed=3)),
        FakeSource("mirror B", error=ConnectionError("cannot reach example: Name not known")),
        FakeSource("wheel C", error=RuntimeError("uv exited with 2")),
    ]
    with pytest.raises(DatasetUnavailableError) as info:
        fetch_arrays(spec, failing, cache)
    message = str(info.value)
    assert message.startswith("Tiny could not be loaded")
    for expected in [
        f"1. cache file {cache}: not present",
        "2. mirror A: verification failed: x_train SHA-256",
        "3. mirror B: ConnectionError: cannot reach example: Name not known",
        "4. wheel C: RuntimeError: uv exited with 2",
        f"at {cache}",
        "SCRATCHDL_HOME",
    ]:
        assert expected in message
    assert isinstance(info.value, RuntimeError)
    assert info.value.__cause__ is None and info.value.__context__ is None  # no traceback chain
    assert not cache.exists()


def test_no_source_at_all_gives_the_clear_error(tmp_path, tiny):
    _, spec = tiny
    with pytest.raises(DatasetUnavailableError, match=r"(?s)Sources tried:.*not present.*What"):
        fetch_arrays(spec, [], tmp_path / "c.npz")


def test_a_corrupt_cache_is_reported_as_moved_when_nothing_else_works(tmp_path, tiny):
    _, spec = tiny
    cache = tmp_path / "c.npz"
    cache.write_bytes(b"not an npz")
    with pytest.raises(
        DatasetUnavailableError, match=r"moved to c\.npz\.corrupt-\d{8}-\d{6}; fetching"
    ):
        fetch_arrays(spec, [], cache)
    assert not cache.exists()
    (kept,) = tmp_path.glob("c.npz.corrupt-*")
    assert kept.read_bytes() == b"not an npz"


def test_crash_during_cache_write_keeps_the_old_file(tmp_path, tiny, monkeypatch):
    arrays, _ = tiny
    cache = tmp_path / "c.npz"
    save_npz_atomic(cache, arrays)
    before = cache.read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sources.np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        save_npz_atomic(cache, make_arrays(seed=4))
    assert cache.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.npz"]


def test_cache_disabled_never_writes(tmp_path, tiny):
    arrays, spec = tiny
    source = FakeSource("good", arrays)
    fetch_arrays(spec, [source], None)
    fetch_arrays(spec, [source], None)
    assert source.calls == 2


def test_cache_home_respects_scratchdl_home_then_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("SCRATCHDL_HOME", str(tmp_path / "h"))
    assert cache_home() == tmp_path / "h"
    monkeypatch.delenv("SCRATCHDL_HOME")
    monkeypatch.setattr(sources.sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_home() == tmp_path / "xdg" / "scratchdl"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_home() == tmp_path / ".cache" / "scratchdl"


def test_load_npz_never_unpickles(tmp_path):
    path = tmp_path / "obj.npz"
    np.savez(path, x_train=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="unreadable .npz"):
        load_npz(path)
