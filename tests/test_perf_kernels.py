"""The hot-path shortcuts of the performance work compute what the plain formulas compute.

Pinned here: in-place activations equal their out-of-place forward bit for bit and
really reuse the input buffer; ``batch_sum`` equals ``sum(axis=0)`` to float rounding;
Dense's dx through a C-ordered copy of the kernel follows the current weights; the
accuracy fast path counts like the checked path; BatchNorm's compact backward equals
the textbook formula; the last-axis max (by arg-max) and sum (by a BLAS product) of
softmax and cross-entropy equal ``np.max``/``np.sum``.
"""

import numpy as np
import pytest

from scratchdl import activations as A
from scratchdl import metrics as M
from scratchdl.kernels import batch_sum, last_axis_max, last_axis_sum
from scratchdl.layers import BatchNormalization, Dense


@pytest.mark.parametrize(
    "fn,inplace",
    [(A.Sigmoid(), True), (A.Tanh(), True), (A.Softmax(), True), (A.LogSoftmax(), False),
     (A.ReLU(), True), (A.ReLU(max_value=6.0), False), (A.ReLU(negative_slope=0.1), False),
     (A.ELU(), False)],
)  # fmt: skip
def test_forward_inplace_equals_forward_bit_for_bit(fn, inplace, rng):
    z = (rng.standard_normal((7, 5)) * 30).astype(np.float32)
    z[0, 0], z[1, 1] = -1000.0, 1000.0  # sigmoid saturates to exactly 0 and 1
    expected = fn.forward(z.copy())
    buf = z.copy()
    got = fn.forward_inplace(buf)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == np.float32
    assert (got is buf) == inplace  # the in-place ones overwrite their input
    assert fn.backward_uses_z or fn.name in ("sigmoid", "tanh", "softmax", "log_softmax", "relu")
    if not fn.backward_uses_z:  # its backward from y alone equals the one that also sees z
        dout = rng.standard_normal(z.shape).astype(np.float32)
        np.testing.assert_array_equal(
            fn.backward(dout, None, expected), fn.backward(dout, z, expected)
        )


def test_sigmoid_inplace_is_silent_and_exact_at_the_extremes():
    z = np.array([-1000.0, 0.0, 1000.0], dtype=np.float32)
    with np.errstate(over="raise"):
        y = A.Sigmoid().forward_inplace(z)
    np.testing.assert_array_equal(y, [0.0, 0.5, 1.0])


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float64, 1e-13)])
@pytest.mark.parametrize("shape", [(100, 50), (32, 128), (1, 3), (5, 1)])
def test_batch_sum_equals_the_axis0_sum_to_rounding(shape, dtype, tol, rng):
    a = rng.standard_normal(shape).astype(dtype)
    out = np.empty(shape[1], dtype)
    got = batch_sum(a, out=out)
    assert got is out and got.dtype == dtype
    np.testing.assert_allclose(got, a.astype(np.float64).sum(axis=0), rtol=0, atol=tol)


def test_dense_dx_follows_the_current_kernel(rng):
    layer = Dense(8, activation="sigmoid")
    layer.build((6,), rng=rng)
    x = rng.standard_normal((4, 6)).astype(np.float32)
    for _ in range(2):  # the second call must see the changed weights, not a stale copy
        layer.forward(x, training=True)
        dout = rng.standard_normal((4, 8)).astype(np.float32)
        dx = layer.backward(dout)
        y = layer._y
        dz = dout * y * (1 - y)
        np.testing.assert_allclose(dx, dz @ layer.params["kernel"].T, rtol=1e-5, atol=1e-6)
        layer.params["kernel"][...] += 0.5


@pytest.mark.parametrize("labels_shape", [(6,), (6, 1)])
def test_accuracy_fast_path_counts_like_the_checked_path(labels_shape, rng):
    yp = rng.random((6, 4)).astype(np.float32)
    yt = rng.integers(0, 4, 6)
    fast, checked = M.SparseCategoricalAccuracy(), M.SparseCategoricalAccuracy()
    fast.update_state(yt.reshape(labels_shape), yp)
    checked.update_state(list(yt.reshape(labels_shape).tolist()), yp.tolist())  # slow path
    assert fast.result() == checked.result() == float(np.mean(yp.argmax(1) == yt))


@pytest.mark.parametrize("axis", [-1, 1])
def test_batchnorm_compact_backward_equals_the_textbook_formula(axis, rng):
    shape = (5, 3, 4)
    layer = BatchNormalization(axis=axis)
    x = rng.standard_normal(shape)
    layer.build(shape[1:], rng=rng, dtype=np.float64)
    layer.params["gamma"][...] = rng.standard_normal(layer.params["gamma"].shape)
    layer.forward(x, training=True)
    dout = rng.standard_normal(shape)
    dx = layer.backward(dout)
    red = tuple(a for a in range(3) if a != axis % 3)
    n = x.size // layer.params["gamma"].size
    g = layer._bcast(layer.params["gamma"])
    mu = x.mean(red, keepdims=True)  # x_hat and inv_std from the definition, not the layer
    inv = 1 / np.sqrt(((x - mu) ** 2).mean(red, keepdims=True) + layer.epsilon)
    xh = (x - mu) * inv
    np.testing.assert_allclose(layer.forward(x, training=True), xh * g, rtol=1e-12, atol=1e-12)
    dx = layer.backward(dout)
    dxh = dout * g
    ref = (
        inv / n * (n * dxh - dxh.sum(red, keepdims=True) - xh * (dxh * xh).sum(red, keepdims=True))
    )
    np.testing.assert_allclose(dx, ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.grads["beta"], dout.sum(red), rtol=1e-12)
    np.testing.assert_allclose(layer.grads["gamma"], (dout * xh).sum(red), rtol=1e-12)


def _awkward_rows(dtype, rng):
    z = (rng.standard_normal((9, 10)) * 50).astype(dtype)
    z[1, 3] = np.nan  # NaN anywhere in a row makes its max NaN, as np.maximum does
    z[2, :] = -0.0
    z[2, 5] = 0.0
    z[3, 7] = np.inf
    z[4, :] = -np.inf
    z[5, 2] = z[5, 8] = z[5].max() + 1  # a tie
    return z


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_last_axis_max_is_np_max_for_every_row(dtype, rng):
    z = _awkward_rows(dtype, rng)
    got = last_axis_max(z)
    assert got.shape == (9, 1) and got.dtype == dtype
    np.testing.assert_array_equal(got, np.max(z, axis=-1, keepdims=True))
    with pytest.raises(ValueError, match="zero-size"):  # no classes: the same error as np.max
        last_axis_max(z[:, :0])
    for other in (z[:, ::2], z.T, z.reshape(3, 3, 10)):  # the plain path
        np.testing.assert_array_equal(last_axis_max(other), np.max(other, -1, keepdims=True))


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float64, 1e-12)])
def test_last_axis_sum_is_np_sum_to_rounding(dtype, tol, rng):
    z = rng.random((100, 10)).astype(dtype)
    got = last_axis_sum(z)
    assert got.shape == (100, 1) and got.dtype == dtype
    np.testing.assert_allclose(got, z.astype(np.float64).sum(-1, keepdims=True), rtol=tol)
    for other in (z[:, ::2], z.reshape(10, 10, 10), z.astype(np.int64)):
        np.testing.assert_array_equal(last_axis_sum(other), np.sum(other, -1, keepdims=True))


def test_softmax_rows_sum_to_one_and_keep_nan_rows_nan(rng):
    z = _awkward_rows(np.float32, rng)
    with np.errstate(invalid="ignore"):  # inf - inf in the rows holding an infinity
        y = A.Softmax().forward(z)
    finite = np.isfinite(z).all(axis=1)
    np.testing.assert_allclose(y[finite].sum(axis=1), 1.0, rtol=1e-6)
    assert np.isnan(y[1]).all()  # a NaN logit poisons its row, like tf.nn.softmax
