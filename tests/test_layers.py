"""Gradient checks of every layer in every mode, on randomly drawn shapes (float64)."""

import numpy as np
import pytest

from scratchdl.gradcheck import check_layer
from scratchdl.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    Flatten,
    InputLayer,
    LeakyReLU,
    ReLU,
    Reshape,
    Softmax,
)
from scratchdl.regularizers import L1L2


def _shape(rng, ndim=2, low=2, high=6):
    return tuple(int(d) for d in rng.integers(low, high, size=ndim))


def _built(layer, input_shape, rng):
    layer.build(input_shape, rng=rng, dtype=np.float64)
    return layer


def _away_from_zero(rng, shape, margin=0.05):
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < margin, np.sign(x + 1e-12) * margin + x, x)


@pytest.mark.parametrize("activation", [None, "sigmoid", "tanh", "softmax", "elu", "softplus"])
@pytest.mark.parametrize("ndim", [2, 3])
def test_dense_gradients(rng, activation, ndim):
    shape = _shape(rng, ndim)
    layer = _built(Dense(int(rng.integers(2, 6)), activation=activation), shape[1:], rng)
    layer.params["bias"][...] = rng.standard_normal(layer.params["bias"].shape)
    check_layer(layer, rng.standard_normal(shape), rng).assert_ok()


def test_dense_relu_gradients_away_from_kink(rng):
    layer = _built(Dense(4, activation="relu"), (5,), rng)
    x = rng.standard_normal((6, 5))
    z = x @ layer.params["kernel"]
    layer.params["bias"][...] = 0.3 - np.median(z, axis=0)  # keep z clear of 0
    z = z + layer.params["bias"]
    assert np.min(np.abs(z)) > 1e-3
    check_layer(layer, x, rng).assert_ok()


def test_dense_regularizers_and_no_bias(rng):
    layer = Dense(
        3,
        use_bias=False,
        kernel_regularizer=L1L2(l1=0.0, l2=0.1),
        activity_regularizer=L1L2(l2=0.05),
    )
    _built(layer, (4,), rng)
    assert list(layer.params) == ["kernel"]
    x = rng.standard_normal((5, 4))
    layer.forward(x, True)
    G = rng.standard_normal((5, 3))
    dx = layer.backward(G)
    # activity penalty gradient: d/dy of 0.05*sum(y^2)/N added to G
    y = x @ layer.params["kernel"]
    expected = (G + 2 * 0.05 * y / 5) @ layer.params["kernel"].T
    np.testing.assert_allclose(dx, expected, rtol=1e-12)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("ndim", [2, 4])
def test_batchnorm_gradients(rng, training, ndim):
    shape = _shape(rng, ndim, low=2, high=5)
    layer = _built(BatchNormalization(), shape[1:], rng)
    layer.params["gamma"][...] = rng.uniform(0.5, 1.5, layer.params["gamma"].shape)
    layer.params["beta"][...] = rng.standard_normal(layer.params["beta"].shape)
    layer.state["moving_mean"][...] = rng.standard_normal(layer.state["moving_mean"].shape)
    layer.state["moving_variance"][...] = rng.uniform(0.5, 2, layer.state["moving_mean"].shape)
    check_layer(layer, 3 * rng.standard_normal(shape) + 1, rng, training=training).assert_ok()


@pytest.mark.parametrize("center,scale", [(False, True), (True, False), (False, False)])
def test_batchnorm_without_center_or_scale(rng, center, scale):
    layer = _built(BatchNormalization(center=center, scale=scale), (4,), rng)
    result = check_layer(layer, rng.standard_normal((6, 4)), rng)
    assert result.ok, result.table()


def test_batchnorm_statistics_follow_keras(rng):
    layer = _built(BatchNormalization(), (3,), rng)
    assert np.all(layer.state["moving_variance"] == 1)  # starts at one
    x = rng.standard_normal((8, 3)) * 2 + 5
    y = layer.forward(x, training=True)
    np.testing.assert_allclose(y.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(0), x.var(0) / (x.var(0) + 1e-3), rtol=1e-10)
    np.testing.assert_allclose(layer.state["moving_mean"], 0.01 * x.mean(0), rtol=1e-12)
    np.testing.assert_allclose(layer.state["moving_variance"], 0.99 + 0.01 * x.var(0), rtol=1e-12)
    y_inf = layer.forward(x, training=False)  # inference uses the moving statistics
    mm, mv = layer.state["moving_mean"], layer.state["moving_variance"]
    np.testing.assert_allclose(y_inf, (x - mm) / np.sqrt(mv + 1e-3), rtol=1e-12)


@pytest.mark.parametrize("inverted", [True, False])
def test_dropout_gradients_with_fixed_mask(rng, inverted):
    shape = _shape(rng, 3)
    layer = _built(Dropout(0.4, inverted=inverted), shape[1:], rng)

    def reseed():
        layer.rng = np.random.default_rng(7)

    check_layer(layer, rng.standard_normal(shape), rng, before_forward=reseed).assert_ok()
    check_layer(layer, rng.standard_normal(shape), rng, training=False).assert_ok()


def test_dropout_semantics(rng):
    x = np.ones((2000, 50))
    inv = _built(Dropout(0.25, seed=1), (50,), rng)
    y = inv.forward(x, training=True)
    assert set(np.unique(y)) == {0.0, 1 / 0.75}
    assert abs((y == 0).mean() - 0.25) < 0.01
    assert inv.forward(x, training=False) is x
    book = _built(Dropout(0.25, seed=1, inverted=False), (50,), rng)
    assert set(np.unique(book.forward(x, training=True))) == {0.0, 1.0}
    np.testing.assert_array_equal(book.forward(x, training=False), 0.75 * x)
    assert np.all(_built(Dropout(1.0), (50,), rng).forward(x, training=True) == 0)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Activation("tanh"),
        lambda: Activation("sigmoid"),
        lambda: Softmax(),
        lambda: LeakyReLU(),
        lambda: ReLU(negative_slope=0.1),
        lambda: Activation("softplus"),
    ],
)
def test_activation_layer_gradients(rng, make):
    shape = _shape(rng, 2)
    layer = _built(make(), shape[1:], rng)
    check_layer(layer, _away_from_zero(rng, shape), rng).assert_ok()


def test_leaky_relu_slopes(rng):
    x = np.array([[-1.0, 2.0]])
    assert _built(LeakyReLU(), (2,), rng).forward(x)[0, 0] == pytest.approx(-0.3)
    assert _built(Activation("leaky_relu"), (2,), rng).forward(x)[0, 0] == pytest.approx(-0.2)
    with pytest.warns(UserWarning, match="negative_slope"):
        assert LeakyReLU(alpha=0.1).negative_slope == 0.1


@pytest.mark.parametrize(
    "layer,shape,out",
    [
        (Flatten(), (28, 28), (784,)),
        (Flatten(), (28, 28, 1), (784,)),
        (Reshape((4, 3)), (12,), (4, 3)),
        (Reshape((-1, 2)), (3, 4), (6, 2)),
        (InputLayer(shape=(5,)), (5,), (5,)),
    ],
)
def test_shape_layers_round_trip(rng, layer, shape, out):
    _built(layer, shape, rng)
    assert layer.output_shape == out
    x = rng.standard_normal((3,) + shape)
    y = layer.forward(x)
    assert y.shape == (3,) + out
    np.testing.assert_array_equal(layer.backward(y), x)


def test_flatten_channels_first_matches_keras(rng):
    x = rng.standard_normal((2, 3, 4, 5))  # (N, C, H, W)
    layer = _built(Flatten(data_format="channels_first"), (3, 4, 5), rng)
    np.testing.assert_array_equal(layer.forward(x), np.moveaxis(x, 1, -1).reshape(2, -1))
    check_layer(layer, x, rng).assert_ok()


@pytest.mark.parametrize(
    "bad,match",
    [
        (lambda: Dense(units=0), "units must be a positive integer, received units=0"),
        (lambda: Dense(units=2.5), "received units=2.5"),
        (lambda: Dropout(rate=1.5), "rate=1.5"),
        (lambda: Dense(3, activation="relux"), "relux"),
        (lambda: Dense(3, kernel_initializer="glorot_uniformm"), "glorot_uniformm"),
        (lambda: Dense(3, foo=1), "Unrecognized keyword arguments passed to Dense: {'foo': 1}"),
        (lambda: BatchNormalization(momentum=2), "momentum=2"),
        (lambda: InputLayer(shape=(0,)), r"\(0,\)"),
    ],
)
def test_bad_arguments_name_the_value(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError) as info:
        Dense(3, activation="relux")
    assert "sigmoid" in str(info.value) and "softmax" in str(info.value)


def test_float32_stays_float32(rng):
    for layer in (Dense(4, activation="sigmoid"), BatchNormalization(), Dropout(0.5)):
        layer.build((3,), rng=rng, dtype=np.float32)
        x = rng.standard_normal((5, 3)).astype(np.float32)
        y = layer.forward(x, training=True)
        assert y.dtype == np.float32, layer
        assert layer.backward(y).dtype == np.float32, layer
        assert all(g.dtype == np.float32 for g in layer.grads.values())


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_on_a_middle_axis(rng, training):
    """axis=1 on (N, C, H, W): statistics and gamma/beta per channel C."""
    layer = _built(BatchNormalization(axis=1), (3, 2, 4), rng)
    assert layer.params["gamma"].shape == (3,)
    layer.params["gamma"][...] = [0.5, 1.0, 2.0]
    layer.params["beta"][...] = [1.0, -1.0, 0.0]
    x = rng.standard_normal((5, 3, 2, 4)) * 3 + 1
    y = layer.forward(x, training=True)
    z = (x - x.mean(axis=(0, 2, 3), keepdims=True)) / np.sqrt(
        x.var(axis=(0, 2, 3), keepdims=True) + 1e-3
    )
    expected = (
        z * np.array([0.5, 1.0, 2.0])[None, :, None, None]
        + np.array([1, -1, 0])[None, :, None, None]
    )
    np.testing.assert_allclose(y, expected, rtol=1e-10)
    check_layer(layer, x, rng, training=training).assert_ok()
