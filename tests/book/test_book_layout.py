"""The book repository's importable layout: module names, star imports, dataset.mnist.

A book script changes only its import prefix (``common.`` -> ``scratchdl.book.common.``),
so every module it imports must exist and ``from X import *`` must give what the book's
module gives -- the book's modules have no ``__all__``, so ``np`` comes along.
"""

import importlib
import os

import numpy as np
import pytest

# module -> names a book script may rely on after ``from module import *``
BOOK_NAMESPACES = {
    "common.functions": ["np", "sigmoid", "softmax", "cross_entropy_error", "relu"],
    "common.gradient": ["np", "numerical_gradient", "numerical_gradient_2d"],
    "common.layers": ["np", "Affine", "Relu", "Sigmoid", "SoftmaxWithLoss", "Dropout",
                      "BatchNormalization", "softmax", "cross_entropy_error"],
    "common.util": ["np", "shuffle_dataset", "smooth_curve", "conv_output_size"],
    "common.optimizer": ["np", "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"],
    "common.multi_layer_net": ["np", "MultiLayerNet", "OrderedDict", "Affine",
                               "numerical_gradient"],
    "common.multi_layer_net_extend": ["np", "MultiLayerNetExtend", "BatchNormalization"],
    "common.trainer": ["np", "Trainer", "SGD", "Adam"],
    "dataset.mnist": ["np", "load_mnist", "init_mnist", "key_file", "dataset_dir", "save_file",
                      "train_num", "test_num", "img_dim", "img_size", "pickle", "os"],
    "ch04.two_layer_net": ["np", "TwoLayerNet", "sigmoid", "softmax", "numerical_gradient"],
    "ch04.gradient_2d": ["np", "numerical_gradient", "function_2", "tangent_line"],
    "ch04.gradient_1d": ["np", "numerical_diff", "function_1", "tangent_line"],
    "ch05.two_layer_net": ["np", "TwoLayerNet", "OrderedDict", "Affine", "Relu",
                           "SoftmaxWithLoss", "numerical_gradient"],
    "ch05.layer_naive": ["MulLayer", "AddLayer"],
}  # fmt: skip


@pytest.mark.parametrize("module", list(BOOK_NAMESPACES))
def test_star_import_gives_the_books_names(module):
    namespace = {}
    exec(f"from scratchdl.book.{module} import *", namespace)
    missing = [n for n in BOOK_NAMESPACES[module] if n not in namespace]
    assert not missing, (module, missing)
    if "np" in BOOK_NAMESPACES[module]:
        assert namespace["np"] is np


def test_optimizer_compare_mnist_style_script_finds_np():
    """``from common.optimizer import *`` then ``np.random.choice``: the NameError of issue 18."""
    namespace = {}
    exec(
        "from scratchdl.book.common.optimizer import *\n"
        "batch_mask = np.random.default_rng(0).choice(10, 4)\n"
        "optimizers = {'SGD': SGD(), 'Adam': Adam()}\n",
        namespace,
    )
    assert namespace["batch_mask"].shape == (4,)


def test_no_private_engine_names_leak_from_layers_and_util():
    for module in ("layers", "util", "optimizer"):
        names = {}
        exec(f"from scratchdl.book.{module} import *", names)
        assert "annotations" not in names, module
        assert not {"Dense", "rules", "data_utils", "activations"} & set(names), module


def test_chapter_packages_exist():
    for chapter in ("ch03", "ch04", "ch05", "ch06"):
        assert importlib.import_module(f"scratchdl.book.{chapter}").__doc__


def test_gradient_2d_descent_as_gradient_method_py():
    """ch04/gradient_method.py: 100 steps of lr 0.1 on x0**2 + x1**2 from (-3, 4)."""
    from scratchdl.book.ch04.gradient_2d import function_2, numerical_gradient

    x = np.array([-3.0, 4.0])
    for _ in range(100):
        x -= 0.1 * numerical_gradient(function_2, x)
    assert np.all(np.abs(x) < 1e-8) and np.any(x != 0)  # the book prints ~[-6.1e-10, 8.1e-10]
    grid = np.array([[3.0, 4.0], [0.0, 2.0]])  # one point per row, as the quiver plot uses
    np.testing.assert_allclose(numerical_gradient(function_2, grid), [[6, 8], [0, 4]], atol=1e-6)


def test_gradient_1d_tangent_and_numerical_diff():
    from scratchdl.book.ch04.gradient_1d import function_1, numerical_diff, tangent_line

    assert numerical_diff(function_1, 5.0) == pytest.approx(0.2, abs=1e-9)  # 0.02 x + 0.1
    line = tangent_line(function_1, 10.0)
    assert line(10.0) == pytest.approx(function_1(10.0)) and line(11.0) == pytest.approx(
        function_1(10.0) + 0.3
    )


def test_numerical_gradient_refuses_a_list_instead_of_copying_it():
    from scratchdl.book.common.gradient import numerical_gradient, numerical_gradient_2d

    for fn in (numerical_gradient, numerical_gradient_2d):
        with pytest.raises(ValueError, match="NumPy array"):
            fn(lambda x: 0.0, [1.0, 2.0])


def test_dataset_mnist_constants_are_the_books():
    from scratchdl.book.dataset import mnist

    assert mnist.key_file == {
        "train_img": "train-images-idx3-ubyte.gz",
        "train_label": "train-labels-idx1-ubyte.gz",
        "test_img": "t10k-images-idx3-ubyte.gz",
        "test_label": "t10k-labels-idx1-ubyte.gz",
    }
    assert (mnist.train_num, mnist.test_num) == (60000, 10000)
    assert mnist.img_dim == (1, 28, 28) and mnist.img_size == 784
    assert mnist.url_base == "https://ossci-datasets.s3.amazonaws.com/mnist/"
    assert mnist.save_file == os.path.join(mnist.dataset_dir, "mnist.npz")


def test_init_mnist_fills_the_cache_and_load_mnist_is_exact(capsys):
    from scratchdl.book.dataset.mnist import init_mnist, load_mnist, save_file

    assert init_mnist() is None
    assert os.path.exists(save_file) and "MNIST" in capsys.readouterr().out
    (x, t), _ = load_mnist(normalize=False, flatten=False, one_hot_label=True)
    assert x.shape == (60000, 1, 28, 28) and x.dtype == np.uint8
    assert t.dtype == np.float64 and np.all(t.sum(axis=1) == 1.0)
    (x2, t2), _ = load_mnist()
    np.testing.assert_array_equal(np.argmax(t[:2000], axis=1), t2[:2000])
    np.testing.assert_array_equal(x2[:2000], x[:2000].reshape(2000, 784).astype(np.float32) / 255)
