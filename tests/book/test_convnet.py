"""The book's chapter 7-8 API: Convolution, Pooling, im2col, SimpleConvNet, DeepConvNet."""

import contextlib
import io
import pickle
import runpy
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from scratchdl.book.ch07.simple_convnet import SimpleConvNet
from scratchdl.book.ch08.deep_convnet import DeepConvNet
from scratchdl.book.common.layers import Convolution, Pooling
from scratchdl.book.common.util import col2im, im2col
from scratchdl.gradcheck import GradCheckResult, numerical_gradient
from scratchdl.layers.im2col import im2col_loop

PROGRAMS = Path(__file__).resolve().parents[1] / "programs" / "book"


def run_program(name):
    out = io.StringIO()
    with threadpool_limits(limits=1, user_api="blas"), contextlib.redirect_stdout(out):
        result = runpy.run_path(str(PROGRAMS / name), run_name="__main__")
    return result, out.getvalue()


# -- Convolution ----------------------------------------------------------------------
def _book_convolution_forward(x, W, b, stride, pad):
    """The book's forward, written out: im2col, col @ W.reshape(FN, -1).T + b, transpose."""
    FN, C, FH, FW = W.shape
    N, _, H, Wd = x.shape
    out_h, out_w = 1 + (H + 2 * pad - FH) // stride, 1 + (Wd + 2 * pad - FW) // stride
    col = im2col_loop(x, FH, FW, stride, pad)
    out = col @ W.reshape(FN, -1).T + b
    return out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2), col


@pytest.mark.parametrize("stride, pad", [(1, 0), (2, 1), (1, 2)])
def test_convolution_matches_the_books_formulas_and_attributes(stride, pad):
    rng = np.random.default_rng(0)
    W, b = rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)
    x = rng.standard_normal((2, 3, 7, 6))
    conv = Convolution(W, b, stride=stride, pad=pad)
    out = conv.forward(x)
    expected, col = _book_convolution_forward(x, W, b, stride, pad)
    np.testing.assert_allclose(out, expected, atol=1e-12)
    np.testing.assert_array_equal(conv.col, col)
    np.testing.assert_array_equal(conv.col_W, W.reshape(4, -1).T)
    assert conv.x is x and conv.W is W and conv.b is b


def test_convolution_gradient_check_and_weights_held_by_reference():
    rng = np.random.default_rng(1)
    W, b = rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
    x = rng.standard_normal((2, 2, 6, 5))
    conv = Convolution(W, b, stride=2, pad=1)
    G = rng.standard_normal(conv.forward(x).shape)
    dx = conv.backward(G)
    result = GradCheckResult("Convolution")
    for name, analytic, array in (("x", dx, x), ("W", conv.dW, W), ("b", conv.db, b)):
        numeric = numerical_gradient(lambda: np.sum(conv.forward(x) * G), array, h=1e-4)
        result.add(name, analytic, numeric)
    result.assert_ok()
    before = conv.forward(x).copy()
    W -= 0.1 * conv.dW  # an optimizer's in-place update is seen by the layer
    assert not np.allclose(conv.forward(x), before)


def test_convolution_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"W of shape \(FN, C, FH, FW\)"):
        Convolution(np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="pad must be a non-negative integer"):
        Convolution(np.zeros((2, 1, 3, 3)), np.zeros(2), pad=-1)


# -- Pooling ---------------------------------------------------------------------------
def test_pooling_default_stride_is_two_and_arg_max_is_the_books():
    pool = Pooling(2, 2)
    assert pool.stride == 2 and pool.pad == 0
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 6, 5))
    out = pool.forward(x)
    col = im2col_loop(x, 2, 2, 2, 0).reshape(-1, 4)  # the book's pooling col
    np.testing.assert_array_equal(pool.arg_max, np.argmax(col, axis=1))
    np.testing.assert_array_equal(
        out, np.max(col, axis=1).reshape(2, 3, 2, 3).transpose(0, 3, 1, 2)
    )


def test_pooling_gradient_check_with_overlap_and_padding():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 2, 5, 6))
    pool = Pooling(3, 2, stride=1, pad=1)
    G = rng.standard_normal(pool.forward(x).shape)
    dx = pool.backward(G)
    result = GradCheckResult("Pooling")
    result.add("x", dx, numerical_gradient(lambda: np.sum(pool.forward(x) * G), x))
    result.assert_ok()
    assert pool.forward(x).shape == (2, 2, 5, 7)  # 1 + (5 + 2 - 3) // 1, 1 + (6 + 2 - 2)


def test_pooling_pads_with_zeros_as_the_book():
    x = -np.ones((1, 1, 2, 2))
    np.testing.assert_array_equal(Pooling(2, 2, stride=2, pad=1).forward(x), np.zeros((1, 1, 2, 2)))


def test_im2col_and_col2im_have_the_books_signatures():
    x = np.random.default_rng(4).standard_normal((2, 3, 5, 5))
    col = im2col(x, 3, 3, stride=2, pad=1)
    assert col.shape == (2 * 3 * 3, 27)
    assert col2im(col, x.shape, 3, 3, stride=2, pad=1).shape == x.shape


# -- SimpleConvNet -----------------------------------------------------------------------
def tiny_net(input_dim, filters, rng):
    conv_param = {"filter_num": filters, "filter_size": 3, "pad": 0, "stride": 1}
    return SimpleConvNet(input_dim=input_dim, conv_param=conv_param, rng=rng)


def test_simple_convnet_defaults_match_the_book():
    net = SimpleConvNet(rng=0)
    shapes = {k: v.shape for k, v in net.params.items()}
    assert shapes == {"W1": (30, 1, 5, 5), "b1": (30,), "W2": (4320, 100), "b2": (100,),
                      "W3": (100, 10), "b3": (10,)}  # fmt: skip
    assert sum(v.size for v in net.params.values()) == 433890
    assert list(net.layers) == ["Conv1", "Relu1", "Pool1", "Affine1", "Relu2", "Affine2"]
    assert abs(np.std(net.params["W1"]) - 0.01) < 0.002 and not net.params["b1"].any()


def test_simple_convnet_passes_the_books_gradient_check():
    g, out = run_program("convnet_gradient_check.py")
    assert list(g["diffs"]) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert all(d < 1e-6 for d in g["diffs"].values()), g["diffs"]
    assert out.splitlines()[0].startswith("W1 ")


def test_simple_convnet_sizes_are_exact_for_odd_and_non_square_inputs():
    net = tiny_net((2, 11, 8), filters=3, rng=0)
    assert net.params["W2"].shape == (3 * 4 * 3, 100)  # conv 9x6 -> pool 4x3
    x = np.random.default_rng(5).standard_normal((3, 2, 11, 8))
    assert net.predict(x).shape == (3, 10)


def test_accuracy_counts_the_remainder_batch():
    net = tiny_net((1, 8, 8), filters=2, rng=0)
    x = np.random.default_rng(6).standard_normal((7, 1, 8, 8))
    t = np.argmax(net.predict(x), axis=1)
    assert net.accuracy(x, t, batch_size=3) == 1.0  # the book's loop would give 6/7


def test_save_and_load_params_round_trip_in_the_safe_format(tmp_path):
    net = tiny_net((1, 8, 8), filters=2, rng=0)
    path = tmp_path / "params.pkl"
    net.save_params(str(path))
    assert path.read_bytes()[:4] == b"PK\x03\x04"  # an .npz archive, despite the name
    other = tiny_net((1, 8, 8), filters=2, rng=1)
    W1 = other.params["W1"]
    other.load_params(str(path))
    assert other.params["W1"] is W1  # loaded into the arrays the layers use
    x = np.random.default_rng(7).standard_normal((2, 1, 8, 8))
    np.testing.assert_array_equal(other.predict(x), net.predict(x))
    wrong = tiny_net((1, 10, 10), filters=2, rng=0)
    with pytest.raises(ValueError, match="parameter W2 has shape"):
        wrong.load_params(str(path))


def test_a_pickle_from_the_books_code_needs_an_explicit_opt_in(tmp_path):
    net = tiny_net((1, 8, 8), filters=2, rng=0)
    path = tmp_path / "params.pkl"
    with open(path, "wb") as f:  # what the book's save_params writes
        pickle.dump({k: v * 2 for k, v in net.params.items()}, f)
    with pytest.raises(ValueError, match="allow_pickle=True"):
        net.load_params(str(path))
    with pytest.warns(UserWarning, match="can execute arbitrary code"):
        net.load_params(str(path), allow_pickle=True)
    assert net.params["W1"].any()
    (tmp_path / "junk.pkl").write_bytes(b"hello")
    with pytest.raises(ValueError, match="neither"):
        net.load_params(str(tmp_path / "junk.pkl"))


def test_train_convnet_program_runs_on_small_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONVNET_TRAIN_SIZE", "300")
    monkeypatch.setenv("CONVNET_TEST_SIZE", "100")
    monkeypatch.setenv("CONVNET_EPOCHS", "2")
    g, out = run_program("train_convnet.py")
    assert "Saved Network Parameters!" in out and (tmp_path / "params.pkl").exists()
    assert g["trainer"].current_iter == 6  # 300 / 100 per epoch, 2 epochs
    assert g["test_acc"] == g["network"].accuracy(g["x_test"], g["t_test"])


@pytest.mark.slow
def test_train_convnet_with_the_books_setup_reaches_098(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for var in ("CONVNET_TRAIN_SIZE", "CONVNET_TEST_SIZE", "CONVNET_EPOCHS"):
        monkeypatch.delenv(var, raising=False)
    g, _ = run_program("train_convnet.py")
    print(f"SimpleConvNet, the book's setup: restored test accuracy {g['test_acc']:.4f}")
    assert g["test_acc"] >= 0.98, g["test_acc"]


# -- DeepConvNet ---------------------------------------------------------------------
def test_deep_convnet_defaults_match_the_book():
    net = DeepConvNet(rng=0)
    assert len(net.layers) == 20  # 15 conv/relu/pool + affine, relu, dropout, affine, dropout
    assert [type(net.layers[i]).__name__ for i in (0, 2, 5, 7, 10, 12, 15, 18)] == (
        ["Convolution"] * 6 + ["Affine"] * 2
    )  # the book's gradient() indices
    assert sum(v.size for v in net.params.values()) == 123552
    assert net.params["W4"].shape == (32, 32, 3, 3) and net.params["W7"].shape == (1024, 50)
    assert net.layers[5].pad == 1 and net.layers[7].pad == 2  # conv 4 pads by 2
    x = np.random.default_rng(8).random((2, 1, 28, 28))
    assert net.predict(x).shape == (2, 10)


def test_deep_convnet_gradient_with_fixed_dropout_masks():
    small = [{"filter_num": 2, "filter_size": 3, "pad": 1 if i != 4 else 2, "stride": 1}
             for i in range(1, 7)]  # fmt: skip
    net = DeepConvNet((1, 8, 8), *small, hidden_size=4, output_size=3, rng=0)
    dropouts = [layer for layer in net.layers if type(layer).__name__ == "Dropout"]
    rng = np.random.default_rng(9)
    x = rng.random((2, 1, 8, 8))
    t = np.array([0, 2])
    for i in range(1, 9):  # zero biases put conv 4's padded border exactly on ReLU's kink
        net.params[f"b{i}"][...] = 0.1 * rng.standard_normal(net.params[f"b{i}"].shape)

    def reseed():
        for i, d in enumerate(dropouts):
            d.layer.rng = np.random.default_rng(100 + i)

    reseed()
    grads = {k: v.copy() for k, v in net.gradient(x, t).items()}
    assert set(grads) == {f"{p}{i}" for p in "Wb" for i in range(1, 9)}

    def loss():
        reseed()
        return net.loss(x, t)

    for key, param in net.params.items():
        numeric = numerical_gradient(loss, param, h=1e-5)
        np.testing.assert_allclose(grads[key], numeric, rtol=1e-5, atol=1e-8, err_msg=key)
