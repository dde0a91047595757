"""im2col / col2im: the loop version and the fast path agree, and col2im is im2col's adjoint."""

import numpy as np
import pytest

from scratchdl.layers.im2col import (
    col2im,
    col2im_loop,
    conv_input_gradient,
    conv_output_length,
    im2col,
    im2col_loop,
    image_columns,
    image_columns_adjoint,
    padding_amounts,
    patches,
    patches_adjoint,
)

# (N, C, H, W, filter_h, filter_w, stride, pad): odd sizes, stride 2, padding, rectangles
CASES = [
    (2, 3, 7, 5, 3, 3, 1, 0),
    (1, 2, 7, 7, 3, 2, 2, 1),
    (3, 1, 6, 9, 5, 5, 1, 2),
    (2, 4, 5, 5, 2, 2, 2, 0),
    (1, 3, 9, 8, 4, 3, 3, 1),
]


@pytest.mark.parametrize("case", CASES)
def test_fast_im2col_equals_the_loop(case):
    n, c, h, w, fh, fw, s, p = case
    x = np.random.default_rng(0).standard_normal((n, c, h, w))
    col = im2col(x, fh, fw, s, p)
    np.testing.assert_array_equal(col, im2col_loop(x, fh, fw, s, p))
    out_h, out_w = (h + 2 * p - fh) // s + 1, (w + 2 * p - fw) // s + 1
    assert col.shape == (n * out_h * out_w, c * fh * fw)


@pytest.mark.parametrize("case", CASES)
def test_col2im_is_the_adjoint_of_im2col(case):
    n, c, h, w, fh, fw, s, p = case
    rng = np.random.default_rng(1)
    x = rng.standard_normal((n, c, h, w))
    y = rng.standard_normal(im2col(x, fh, fw, s, p).shape)
    lhs = np.vdot(im2col(x, fh, fw, s, p), y)
    for back in (col2im, col2im_loop):
        rhs = np.vdot(x, back(y, x.shape, fh, fw, s, p))
        assert lhs == pytest.approx(rhs, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(
        col2im(y, x.shape, fh, fw, s, p), col2im_loop(y, x.shape, fh, fw, s, p), atol=1e-12
    )


@pytest.mark.parametrize("case", CASES)
def test_image_columns_are_the_books_col_split_by_image_and_adjoint(case):
    """cols[n, k, p] == col[n*oh*ow + p, k]; <cols(x), y> == <x, cols_adjoint(y)>."""
    n, c, h, w, fh, fw, s, p = case
    rng = np.random.default_rng(3)
    x = rng.standard_normal((n, c, h, w))
    cols = image_columns(x, fh, fw, s, p)
    out_h, out_w = (h + 2 * p - fh) // s + 1, (w + 2 * p - fw) // s + 1
    assert cols.shape == (n, c * fh * fw, out_h * out_w)
    expected = im2col_loop(x, fh, fw, s, p).reshape(n, out_h * out_w, -1).transpose(0, 2, 1)
    np.testing.assert_array_equal(cols, expected)
    y = rng.standard_normal(cols.shape)
    back = image_columns_adjoint(y, x.shape, fh, fw, s, p)
    assert np.vdot(cols, y) == pytest.approx(np.vdot(x, back), rel=1e-12, abs=1e-12)
    book_y = y.transpose(0, 2, 1).reshape(-1, c * fh * fw)
    np.testing.assert_allclose(back, col2im_loop(book_y, x.shape, fh, fw, s, p), atol=1e-12)


def test_book_layout_rows_and_columns():
    """Row (n, oy, ox), column (c, ky, kx): col[r, k] = x_pad[n, c, oy*s+ky, ox*s+kx]."""
    x = np.arange(2 * 2 * 4 * 4, dtype=np.float64).reshape(2, 2, 4, 4)
    col = im2col(x, 2, 3, stride=1, pad=0)  # out 3 x 2
    n, oy, ox, c, ky, kx = 1, 2, 1, 1, 1, 2
    assert col[(n * 3 + oy) * 2 + ox, (c * 2 + ky) * 3 + kx] == x[n, c, oy + ky, ox + kx]


def test_channels_last_patches_match_the_book_layout_transposed():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 6, 5))  # NCHW
    pads = ((1, 0), (0, 1))
    first = patches(x, 3, 2, (2, 1), pads, channels_last=False)  # columns (c, ky, kx)
    last = patches(x.transpose(0, 2, 3, 1), 3, 2, (2, 1), pads, channels_last=True)
    rows = first.shape[0]
    reordered = first.reshape(rows, 3, 3, 2).transpose(0, 2, 3, 1).reshape(rows, -1)
    np.testing.assert_array_equal(last, reordered)
    y = rng.standard_normal(last.shape)
    dx = patches_adjoint(y, (2, 6, 5, 3), 3, 2, (2, 1), pads, channels_last=True)
    assert np.vdot(last, y) == pytest.approx(np.vdot(x.transpose(0, 2, 3, 1), dx), rel=1e-12)


def test_integer_input_is_converted_to_float():
    x = np.arange(16).reshape(1, 1, 4, 4)
    assert im2col(x, 2, 2).dtype == np.float64


def test_window_larger_than_the_image_is_a_clear_error():
    with pytest.raises(ValueError, match="does not fit"):
        im2col(np.zeros((1, 1, 3, 3)), 5, 5)
    with pytest.raises(ValueError, match=r"4-D \(N, C, H, W\)"):
        im2col(np.zeros((3, 3)), 2, 2)


# Keras's output sizes and "same" placement (docs/convnets.md, from tf.keras runs)
@pytest.mark.parametrize(
    "n, k, s, padding, out",
    [(28, 3, 1, "valid", 26), (28, 3, 2, "valid", 13), (28, 3, 2, "same", 14),
     (7, 3, 2, "same", 4), (7, 2, 3, "valid", 2)],
)  # fmt: skip
def test_conv_output_length_matches_keras(n, k, s, padding, out):
    assert conv_output_length(n, k, s, padding) == out


@pytest.mark.parametrize(
    "n, k, s, pads", [(4, 2, 1, (0, 1)), (5, 3, 2, (1, 1)), (6, 3, 2, (0, 1)), (5, 3, 1, (1, 1))]
)
def test_same_padding_puts_the_odd_cell_after(n, k, s, pads):
    assert padding_amounts(n, k, s, "same") == pads
    assert padding_amounts(n, k, s, "valid") == (0, 0)


@pytest.mark.parametrize(
    "shape, kernel, strides, pads",
    [((2, 7, 6, 3), (3, 2), (2, 1), ((1, 2), (0, 1))),
     ((3, 6, 6, 1), (3, 3), (1, 1), ((0, 0), (0, 0))),
     ((1, 9, 8, 2), (4, 3), (3, 2), ((1, 1), (2, 0)))],
)  # fmt: skip
def test_conv_input_gradient_is_col2im_of_dcol(shape, kernel, strides, pads):
    """The offset-by-offset input gradient equals patches_adjoint(dz @ W_col.T)."""
    rng = np.random.default_rng(3)
    kh, kw = kernel
    weights = rng.standard_normal((kh, kw, shape[-1], 4))
    m = patches(rng.standard_normal(shape), kh, kw, strides, pads, True).shape[0]
    dz = rng.standard_normal((m, 4))
    expected = patches_adjoint(dz @ weights.reshape(-1, 4).T, shape, kh, kw, strides, pads, True)
    got = conv_input_gradient(dz, weights, shape, strides, pads)
    np.testing.assert_allclose(got, expected, atol=1e-12)


@pytest.mark.parametrize("channels_last", [True, False])
def test_one_channel_patches_equal_the_general_copy(channels_last):
    x = np.random.default_rng(4).standard_normal((2, 7, 6, 1))
    x = x if channels_last else x.transpose(0, 3, 1, 2)
    for kernel, strides, pads in [
        ((3, 2), (1, 1), 0),
        ((2, 3), (2, 1), ((1, 0), (2, 1))),
        ((3, 1), (1, 2), 0),
        ((1, 1), (1, 1), 0),
    ]:
        got = patches(x, *kernel, strides, pads, channels_last)
        expected = patches(np.concatenate([x, x], axis=-1 if channels_last else 1),
                           *kernel, strides, pads, channels_last)  # fmt: skip
        # two identical channels: every other column of the general layout is the one channel
        if channels_last:
            np.testing.assert_array_equal(got, expected[:, ::2])
        else:
            np.testing.assert_array_equal(got, expected[:, : got.shape[1]])


@pytest.mark.parametrize("channels_last", [True, False])
@pytest.mark.parametrize("channels", [1, 3])
def test_the_bias_column_is_a_constant_input_of_ones(channels_last, channels):
    """patches(bias_column=True) = [col, 1]; image_columns(bias_row=True) = [cols; 1]."""
    rng = np.random.default_rng(5)
    shape = (2, 6, 5, channels) if channels_last else (2, channels, 6, 5)
    x = rng.standard_normal(shape)
    plain = patches(x, 3, 2, (2, 1), ((1, 0), (0, 1)), channels_last)
    with_ones = patches(x, 3, 2, (2, 1), ((1, 0), (0, 1)), channels_last, bias_column=True)
    np.testing.assert_array_equal(with_ones[:, :-1], plain)
    np.testing.assert_array_equal(with_ones[:, -1], 1.0)
    if not channels_last:
        cols = image_columns(x, 3, 2, (2, 1), 1, bias_row=True)
        np.testing.assert_array_equal(cols[:, :-1], image_columns(x, 3, 2, (2, 1), 1))
        np.testing.assert_array_equal(cols[:, -1], 1.0)
