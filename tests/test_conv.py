"""Conv2D, pooling, ZeroPadding2D and 4-D BatchNormalization: values and gradient checks."""

import numpy as np
import pytest

from scratchdl.gradcheck import check_layer
from scratchdl.layers import (
    AveragePooling2D,
    BatchNormalization,
    Conv2D,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    MaxPooling2D,
    ZeroPadding2D,
)


def _built(layer, input_shape, seed=0):
    layer.build(input_shape, rng=np.random.default_rng(seed), dtype=np.float64)
    return layer


def _image_shape(h, w, c, data_format):
    return (h, w, c) if data_format == "channels_last" else (c, h, w)


def _naive_conv(x, kernel, bias, strides, pads):
    """y[n,i,j,f] = b[f] + sum x_pad[n, i*sh+ky, j*sw+kx, c] kernel[ky,kx,c,f] (NHWC, loops)."""
    (t, b), (left, r) = pads
    xp = np.pad(x, [(0, 0), (t, b), (left, r), (0, 0)])
    kh, kw, _, f = kernel.shape
    sh, sw = strides
    oh, ow = (xp.shape[1] - kh) // sh + 1, (xp.shape[2] - kw) // sw + 1
    y = np.zeros((x.shape[0], oh, ow, f))
    for i in range(oh):
        for j in range(ow):
            window = xp[:, i * sh : i * sh + kh, j * sw : j * sw + kw, :]
            y[:, i, j, :] = np.tensordot(window, kernel, axes=3) + bias
    return y


CONV_CASES = [  # (H, W, C, filters, kernel, strides, padding)
    (7, 5, 3, 4, 3, 1, "valid"),
    (7, 7, 2, 3, 3, 2, "same"),
    (6, 5, 2, 2, (2, 3), (2, 1), "same"),
    (5, 6, 1, 3, 5, 1, "same"),
    (8, 7, 3, 2, 4, 3, "valid"),
]


@pytest.mark.parametrize("case", CONV_CASES)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_conv2d_forward_matches_the_definition(case, data_format):
    h, w, c, f, k, s, padding = case
    layer = Conv2D(f, k, strides=s, padding=padding, data_format=data_format)
    layer = _built(layer, _image_shape(h, w, c, data_format))
    rng = np.random.default_rng(1)
    layer.params["bias"][...] = rng.standard_normal(f)
    x_nhwc = rng.standard_normal((2, h, w, c))
    x = x_nhwc if data_format == "channels_last" else x_nhwc.transpose(0, 3, 1, 2)
    y = layer.forward(x)
    expected = _naive_conv(x_nhwc, layer.params["kernel"], layer.params["bias"],
                           layer.strides, layer._pads)  # fmt: skip
    if data_format == "channels_first":
        expected = expected.transpose(0, 3, 1, 2)
    assert y.shape == (2,) + layer.output_shape
    np.testing.assert_allclose(y, expected, atol=1e-12)


@pytest.mark.parametrize("case", CONV_CASES)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_conv2d_gradient_check(case, data_format):
    h, w, c, f, k, s, padding = case
    layer = Conv2D(f, k, strides=s, padding=padding, data_format=data_format,
                   bias_initializer="random_normal")  # fmt: skip
    layer = _built(layer, _image_shape(h, w, c, data_format))
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2,) + _image_shape(h, w, c, data_format))
    # L = sum(y * G) is linear in x, kernel and bias: central differences have no
    # truncation error, so the step h=1e-4 only shrinks round-off (eps*|L|/h).
    check_layer(layer, x, rng, h=1e-4).assert_ok()


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_conv2d_with_activation_gradient_check(data_format):
    layer = Conv2D(3, 3, strides=2, padding="same", data_format=data_format, activation="tanh")
    layer = _built(layer, _image_shape(5, 6, 2, data_format))
    rng = np.random.default_rng(9)
    x = 0.5 * rng.standard_normal((2,) + _image_shape(5, 6, 2, data_format))
    check_layer(layer, x, rng).assert_ok()


def test_conv2d_linear_and_without_bias_gradient_check():
    layer = _built(Conv2D(3, 3, padding="same", use_bias=False), (5, 5, 2))
    assert "bias" not in layer.params
    rng = np.random.default_rng(3)
    check_layer(layer, rng.standard_normal((3, 5, 5, 2)), rng).assert_ok()


def test_conv2d_kernel_shape_and_param_count_follow_keras():
    layer = _built(Conv2D(8, 3), (10, 10, 3))
    assert layer.params["kernel"].shape == (3, 3, 3, 8)
    assert layer.count_params() == 3 * 3 * 3 * 8 + 8
    first = _built(Conv2D(8, 3, data_format="channels_first"), (3, 10, 10))
    assert first.params["kernel"].shape == (3, 3, 3, 8)
    assert first.output_shape == (8, 8, 8)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_first_layer_skips_the_input_gradient(data_format):
    layer = _built(Conv2D(2, 3, data_format=data_format), _image_shape(5, 5, 1, data_format))
    x = np.random.default_rng(0).standard_normal((2,) + _image_shape(5, 5, 1, data_format))
    y = layer.forward(x)
    dout = np.random.default_rng(1).standard_normal(y.shape)
    layer.backward(dout)
    full = {key: value.copy() for key, value in layer.grads.items()}
    layer.need_input_grad = False
    layer.forward(x)
    assert layer.backward(dout) is None
    for key, value in full.items():  # the weight gradients are the same without dx
        np.testing.assert_allclose(layer.grads[key], value, atol=1e-12)
    assert np.any(layer.grads["kernel"] != 0)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"filters": 0, "kernel_size": 3}, "filters must be a positive integer"),
     ({"filters": 2, "kernel_size": (3, 0)}, "kernel_size must be a positive integer"),
     ({"filters": 2, "kernel_size": 3, "padding": "causal"}, "padding must be 'valid' or 'same'"),
     ({"filters": 2, "kernel_size": 3, "dilation_rate": 2}, "dilation_rate other than 1"),
     ({"filters": 2, "kernel_size": 3, "groups": 2}, "groups other than 1"),
     ({"filters": 2, "kernel_size": 3, "data_format": "NHWC"}, "data_format must be")],
)  # fmt: skip
def test_conv2d_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Conv2D(**kwargs)


def test_conv2d_on_wrong_rank_or_too_small_input_is_a_clear_error():
    with pytest.raises(ValueError, match="expects 4-D input"):
        Conv2D(2, 3).build((28, 28))
    with pytest.raises(ValueError, match="larger than the input"):
        Conv2D(2, 5).build((3, 3, 1))


# -- pooling -----------------------------------------------------------------------------
POOL_CASES = [  # (H, W, pool_size, strides, padding)
    (6, 6, 2, None, "valid"),
    (7, 5, 2, None, "valid"),
    (5, 5, 2, None, "same"),
    (7, 7, 3, 2, "valid"),
    (6, 7, (2, 3), (1, 2), "same"),
]


@pytest.mark.parametrize("cls", [MaxPooling2D, AveragePooling2D])
@pytest.mark.parametrize("case", POOL_CASES)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_pooling_gradient_check(cls, case, data_format):
    h, w, pool, strides, padding = case
    layer = cls(pool, strides=strides, padding=padding, data_format=data_format)
    layer = _built(layer, _image_shape(h, w, 3, data_format))
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2,) + _image_shape(h, w, 3, data_format))
    check_layer(layer, x, rng).assert_ok()


def test_max_pooling_ties_send_the_whole_gradient_to_the_first_maximum():
    layer = _built(MaxPooling2D(2), (2, 4, 1))
    x = np.array([[1.0, 1.0, 0.0, 2.0], [0.0, 1.0, 2.0, 2.0]]).reshape(1, 2, 4, 1)
    y = layer.forward(x)
    np.testing.assert_array_equal(y.ravel(), [1.0, 2.0])
    dx = layer.backward(np.array([3.0, 5.0]).reshape(1, 1, 2, 1))
    expected = np.array([[3.0, 0.0, 0.0, 5.0], [0.0, 0.0, 0.0, 0.0]]).reshape(1, 2, 4, 1)
    np.testing.assert_array_equal(dx, expected)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("pool, strides", [(2, None), (2, 1), (3, 2)])
def test_max_pooling_ties_match_the_plain_argmax_in_both_layouts(data_format, pool, strides):
    """Many ties (ReLU-like zeros and repeated small integers): each window's whole
    gradient goes to its first maximum in (ky, kx) order, as a per-window argmax says."""
    rng = np.random.default_rng(12)
    x_nhwc = np.maximum(rng.integers(-2, 3, size=(2, 7, 6, 3)), 0).astype(np.float64)
    layer = MaxPooling2D(pool, strides=strides, data_format=data_format)
    layer = _built(layer, _image_shape(7, 6, 3, data_format))
    to_layout = (lambda a: a) if data_format == "channels_last" else (
        lambda a: a.transpose(0, 3, 1, 2))  # fmt: skip
    y = layer.forward(to_layout(x_nhwc))
    dout_nhwc = rng.standard_normal(
        y.shape if data_format == "channels_last" else y.transpose(0, 2, 3, 1).shape
    )
    dx = layer.backward(to_layout(dout_nhwc))
    s = pool if strides is None else strides
    expected = np.zeros_like(x_nhwc)
    for n in range(2):
        for i in range(dout_nhwc.shape[1]):
            for j in range(dout_nhwc.shape[2]):
                for c in range(3):
                    window = x_nhwc[n, i * s : i * s + pool, j * s : j * s + pool, c]
                    ky, kx = np.unravel_index(np.argmax(window), window.shape)
                    expected[n, i * s + ky, j * s + kx, c] += dout_nhwc[n, i, j, c]
    np.testing.assert_allclose(dx, to_layout(expected), atol=1e-12)


def test_overlapping_max_pooling_adds_the_gradients_of_a_shared_winner():
    layer = _built(MaxPooling2D(2, strides=1), (3, 3, 1))
    x = np.zeros((1, 3, 3, 1))
    x[0, 1, 1, 0] = 9.0  # the centre wins all four windows
    layer.forward(x)
    dx = layer.backward(np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 2, 2, 1))
    assert dx[0, 1, 1, 0] == 10.0 and np.count_nonzero(dx) == 1


def test_pooling_same_padding_follows_keras():
    """Keras (docs/convnets.md): average 'same' ignores padded cells; max never picks them."""
    x = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    avg = _built(AveragePooling2D(2, padding="same"), (3, 3, 1))
    np.testing.assert_allclose(avg.forward(x)[0, :, :, 0], [[3.0, 4.5], [7.5, 9.0]])
    ones = _built(AveragePooling2D(2, padding="same"), (3, 3, 1)).forward(np.ones((1, 3, 3, 1)))
    np.testing.assert_array_equal(ones, np.ones((1, 2, 2, 1)))
    mx = _built(MaxPooling2D(2, padding="same"), (3, 3, 1))
    np.testing.assert_array_equal(mx.forward(-np.ones((1, 3, 3, 1))), -np.ones((1, 2, 2, 1)))
    assert _built(MaxPooling2D(2), (5, 5, 1)).output_shape == (2, 2, 1)
    assert _built(MaxPooling2D(2, padding="same"), (5, 5, 1)).output_shape == (3, 3, 1)


@pytest.mark.parametrize("cls", [GlobalAveragePooling2D, GlobalMaxPooling2D])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_gradient_check_and_shapes(cls, data_format, keepdims):
    layer = _built(
        cls(data_format=data_format, keepdims=keepdims), _image_shape(3, 5, 4, data_format)
    )
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2,) + _image_shape(3, 5, 4, data_format))
    if not keepdims:
        assert layer.output_shape == (4,)
    else:
        assert layer.output_shape == _image_shape(1, 1, 4, data_format)
    check_layer(layer, x, rng).assert_ok()


def test_global_pooling_values():
    x = np.random.default_rng(6).standard_normal((2, 3, 4, 5))
    gap = _built(GlobalAveragePooling2D(), (3, 4, 5))
    np.testing.assert_allclose(gap.forward(x), x.mean(axis=(1, 2)))
    gmp = _built(GlobalMaxPooling2D(data_format="channels_first"), (3, 4, 5))
    np.testing.assert_allclose(gmp.forward(x), x.max(axis=(2, 3)))


# -- zero padding and batch norm on images -----------------------------------------------
@pytest.mark.parametrize("padding", [1, (2, 1), ((1, 0), (0, 2))])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_zero_padding_values_and_gradient_check(padding, data_format):
    layer = _built(
        ZeroPadding2D(padding, data_format=data_format), _image_shape(3, 4, 2, data_format)
    )
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2,) + _image_shape(3, 4, 2, data_format))
    y = layer.forward(x)
    assert float(np.sum(y)) == pytest.approx(float(np.sum(x)))
    assert y.shape == (2,) + layer.output_shape
    check_layer(layer, x, rng).assert_ok()


def test_zero_padding_shape_and_bad_spec():
    assert _built(ZeroPadding2D(((1, 0), (0, 2))), (3, 4, 2)).output_shape == (4, 6, 2)
    with pytest.raises(ValueError, match="padding must be an int"):
        ZeroPadding2D(-1)


@pytest.mark.parametrize("axis, shape", [(-1, (4, 3, 3)), (1, (3, 4, 3))])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_over_the_channel_axis_of_conv_outputs(axis, shape, training):
    layer = _built(BatchNormalization(axis=axis), shape)
    channels = shape[-1] if axis == -1 else shape[0]  # axis 1 of (N, C, H, W) is shape[0]
    assert layer.params["gamma"].shape == (channels,)
    rng = np.random.default_rng(8)
    layer.params["gamma"][...] = rng.uniform(0.5, 1.5, channels)
    layer.state["moving_variance"][...] = rng.uniform(0.5, 1.5, channels)
    x = 2 * rng.standard_normal((3,) + shape) + 1
    check_layer(layer, x, rng, training=training).assert_ok()
    if training:
        y = layer.forward(x, training=True)
        reduce = tuple(a for a in range(4) if a != (axis % 4))
        np.testing.assert_allclose(
            ((y - layer.params["beta"].reshape(layer._bshape)) / layer._param("gamma")).mean(
                axis=reduce
            ),
            0.0,
            atol=1e-12,
        )


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_conv2d_activity_regularizer_adds_its_penalty_and_gradient(data_format):
    from scratchdl.gradcheck import GradCheckResult, numerical_gradient

    layer = Conv2D(2, 3, activation="tanh", activity_regularizer="l2", data_format=data_format)
    layer = _built(layer, _image_shape(5, 4, 2, data_format))
    rng = np.random.default_rng(10)
    x = rng.standard_normal((3,) + _image_shape(5, 4, 2, data_format))
    G = rng.standard_normal((3,) + _image_shape(3, 2, 2, data_format))

    def loss():
        y = layer.forward(x)
        return float(np.sum(y * G)) + layer.activity_penalty()

    y = layer.forward(x)
    assert layer.activity_penalty() == pytest.approx(0.01 * float(np.sum(y**2)) / 3)
    dx = layer.backward(G.copy())
    result = GradCheckResult("Conv2D activity l2")
    result.add("x", dx, numerical_gradient(loss, x))
    dkernel = layer.grads["kernel"].copy()
    result.add("kernel", dkernel, numerical_gradient(loss, layer.params["kernel"]))
    result.assert_ok()


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("channels", [1, 3])
def test_an_empty_batch_flows_through_conv_and_pooling(data_format, channels):
    """Zero images in, zero images out (forward and backward), as for any other batch size."""
    shape = _image_shape(6, 6, channels, data_format)
    for layer in (Conv2D(2, 3, data_format=data_format),
                  MaxPooling2D(2, data_format=data_format),
                  AveragePooling2D(2, data_format=data_format)):  # fmt: skip
        layer = _built(layer, shape)
        y = layer.forward(np.zeros((0,) + shape), training=True)
        assert y.shape == (0,) + layer.output_shape
        assert layer.backward(y).shape == (0,) + shape


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_conv2d_activation_sees_the_output_shape_as_in_keras(data_format):
    """An activation that is not elementwise acts on (N, oh, ow, F) / (N, F, oh, ow)."""
    shape = _image_shape(5, 4, 2, data_format)
    x = np.random.default_rng(13).standard_normal((2,) + shape)
    linear = _built(Conv2D(3, 2, data_format=data_format), shape)
    act = _built(Conv2D(3, 2, data_format=data_format,
                        activation=lambda z: z - z.max(axis=-1, keepdims=True)), shape)  # fmt: skip
    act.set_weights(linear.get_weights())
    z = linear.forward(x)
    np.testing.assert_allclose(act.forward(x), z - z.max(axis=-1, keepdims=True), atol=1e-12)


def test_conv2d_input_gradient_takes_the_promoted_dtype():
    """A float64 layer given a float32 (or integer) upstream gradient returns a float64 dx."""
    layer = _built(Conv2D(2, 3, activation="relu"), (5, 5, 2))
    x = np.random.default_rng(14).standard_normal((2, 5, 5, 2))
    y = layer.forward(x)
    assert layer.backward(np.ones(y.shape, np.float32)).dtype == np.float64
    assert layer.backward(np.ones(y.shape, np.int64)).dtype == np.float64
