"""Fashion-MNIST from Debian's dataset-fashion-mnist package.

The tests never install it (``.ci/provision`` does): without it they skip and say why, or
fail under ``SCRATCHDL_REQUIRE_SYSTEM=1`` (docs/testing.md).
"""

import shutil
import subprocess

import numpy as np
import pytest

from scratchdl.datasets import fashion_mnist
from scratchdl.datasets.fetchers import DebianPackageSource
from scratchdl.datasets.mnist import IDX_FILES
from tests.conftest import missing_system

PACKAGE = fashion_mnist.DEBIAN_PACKAGE


def _installed() -> bool:
    if shutil.which("dpkg-query") is None:
        return False
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True, text=True
    )
    return "install ok installed" in result.stdout


@pytest.fixture(scope="module")
def debian_package():
    if not _installed():
        missing_system(
            f"the Debian package {PACKAGE} is not installed", f"apt-get install {PACKAGE}"
        )
    return PACKAGE


@pytest.mark.system
def test_debian_source_gives_verified_fashion_mnist(debian_package):
    arrays = fashion_mnist.load_arrays(
        sources=[DebianPackageSource(debian_package, IDX_FILES)], cache=False
    )
    assert arrays["x_train"].shape == (60000, 28, 28) and arrays["x_test"].shape == (10000, 28, 28)
    assert arrays["x_train"].dtype == np.uint8 and arrays["y_train"].dtype == np.uint8
    # canonical order: the first labels published with the dataset
    assert arrays["y_train"][:5].tolist() == [9, 0, 0, 3, 0]
    assert arrays["y_test"][:5].tolist() == [9, 2, 1, 1, 6]
    assert np.bincount(arrays["y_train"]).tolist() == [6000] * 10


@pytest.mark.system
def test_load_data_caches_in_the_cache_home(debian_package, tmp_path, monkeypatch):
    monkeypatch.setenv("SCRATCHDL_HOME", str(tmp_path))
    monkeypatch.setattr(
        fashion_mnist,
        "default_sources",
        lambda home=None: [DebianPackageSource(debian_package, IDX_FILES)],
    )
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert (tmp_path / "fashion-mnist.npz").is_file()
    assert x_train.shape == (60000, 28, 28) and y_test.shape == (10000,)
    assert fashion_mnist.CLASS_NAMES[int(y_train[0])] == "Ankle boot"


def test_default_chain_ends_with_the_debian_package(tmp_path):
    chain = fashion_mnist.default_sources(tmp_path)
    assert chain[0].name == f"IDX files in {tmp_path / 'fashion-mnist'}"
    assert chain[-1].name == f"Debian package {PACKAGE}"
    assert len(fashion_mnist.CLASS_NAMES) == 10
