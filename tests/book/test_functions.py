"""scratchdl.book.functions and gradient: the book's numbers (ch03/ch04) and gradient checks."""

import warnings

import numpy as np
import pytest

from scratchdl import gradcheck
from scratchdl.book import functions as F
from scratchdl.book.gradient import (
    _numerical_gradient_1d,
    numerical_gradient,
    numerical_gradient_2d,
)

# The book's ch04 example (§4.2.1-4.2.2): "2" is the correct class.
T = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0], dtype=float)
Y_GOOD = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
Y_BAD = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])


def test_losses_reproduce_the_books_printed_values():
    assert F.sum_squared_error(Y_GOOD, T) == pytest.approx(0.0975, abs=1e-12)
    assert F.sum_squared_error(Y_BAD, T) == pytest.approx(0.5975, abs=1e-12)
    assert F.mean_squared_error(Y_GOOD, T) == F.sum_squared_error(Y_GOOD, T)  # KR name, a sum
    assert F.cross_entropy_error(Y_GOOD, T) == pytest.approx(0.51082545709933802, rel=1e-12)
    assert F.cross_entropy_error(Y_BAD, T) == pytest.approx(2.3025840929945458, rel=1e-12)


def test_cross_entropy_labels_one_hot_and_batch_mean():
    y = np.stack([Y_GOOD, Y_BAD])
    one_hot = np.stack([T, T])
    expected = -(np.log(0.6 + 1e-7) + np.log(0.1 + 1e-7)) / 2
    assert F.cross_entropy_error(y, one_hot) == pytest.approx(expected, rel=1e-12)
    assert F.cross_entropy_error(y, np.array([2, 2])) == pytest.approx(expected, rel=1e-12)
    assert F.cross_entropy_error(Y_GOOD, 2) == pytest.approx(-np.log(0.6 + 1e-7))
    with pytest.raises(ValueError, match="t.shape"):
        F.cross_entropy_error(y, np.array([1, 2, 3]))


def test_step_sigmoid_relu_and_their_grads():
    x = np.array([-1.0, 0.0, 2.0])
    step = F.step_function(x)
    assert step.dtype == np.dtype(int) and step.tolist() == [0, 0, 1]
    assert F.sigmoid(0.0) == 0.5
    np.testing.assert_allclose(F.sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-15)
    assert F.sigmoid(np.array([1, 2])).dtype == np.float64  # int input -> float64
    assert F.sigmoid(np.array([1.0], dtype=np.float32)).dtype == np.float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert F.sigmoid(np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]  # stable
    assert F.sigmoid_grad(0.0) == 0.25
    assert F.relu(x).tolist() == [0.0, 0.0, 2.0]
    assert F.relu_grad(x).tolist() == [0.0, 1.0, 1.0]  # the book's 1 at x == 0
    assert F.identity_function(x) is x


def test_softmax_1d_2d_and_stability():
    a = np.array([0.3, 2.9, 4.0])  # the book's §3.5.1 example
    np.testing.assert_allclose(F.softmax(a), [0.01821127, 0.24519181, 0.73659691], atol=1e-8)
    big = np.array([[1010.0, 1000.0, 990.0], [0.0, 0.0, 0.0]])
    y = F.softmax(big)
    np.testing.assert_allclose(y.sum(axis=1), 1.0)
    np.testing.assert_allclose(y[1], 1 / 3)
    assert np.isfinite(y).all()
    assert F.softmax_loss(big, np.array([0, 1])) == pytest.approx(
        F.cross_entropy_error(y, np.array([0, 1]))
    )


@pytest.mark.parametrize("name", ["sigmoid", "relu"])
def test_activation_grads_are_gradient_checked(name, rng):
    forward = getattr(F, name)
    grad = getattr(F, name + "_grad")
    x = rng.standard_normal((4, 5))
    result = gradcheck.check_function(name, forward, lambda G: G * grad(x), x, rng)
    result.assert_ok()


def function_2(x):
    return np.sum(x**2)


def test_numerical_gradient_books_values_and_restores_x():
    x = np.array([3.0, 4.0])
    np.testing.assert_allclose(numerical_gradient(function_2, x), [6.0, 8.0], atol=1e-6)
    assert x.tolist() == [3.0, 4.0]
    np.testing.assert_allclose(
        numerical_gradient(function_2, np.array([0.0, 2.0])), [0, 4], atol=1e-6
    )
    np.testing.assert_allclose(
        numerical_gradient(function_2, np.array([3.0, 0.0])), [6, 0], atol=1e-6
    )


def test_numerical_gradient_in_place_for_a_closure_on_a_2d_array(rng):
    W = rng.standard_normal((3, 4))
    G = rng.standard_normal((3, 4))
    before = W.copy()
    grad = numerical_gradient(lambda _: float(np.sum(np.sin(W) * G)), W)  # reads W itself
    np.testing.assert_allclose(grad, np.cos(W) * G, atol=1e-7)
    assert np.array_equal(W, before)
    strided = np.zeros((3, 8))[:, ::2]  # a non-contiguous view is walked by index
    g2 = numerical_gradient(lambda _: float(np.sum(strided * G)), strided)
    np.testing.assert_allclose(g2, G, atol=1e-7)


def test_integer_input_warns_and_gives_the_right_gradient():
    x = np.array([3, 4])
    with pytest.warns(UserWarning, match="dtype int"):
        grad = numerical_gradient(function_2, x)
    np.testing.assert_allclose(grad, [6.0, 8.0], atol=1e-6)  # the book returns wrong values
    assert x.tolist() == [3, 4] and x.dtype.kind == "i"
    with pytest.raises(ValueError, match="NumPy array"):
        numerical_gradient(function_2, [3.0, 4.0])


def test_numerical_gradient_2d_row_by_row():
    X = np.array([[3.0, 4.0], [1.0, -2.0]])
    np.testing.assert_allclose(numerical_gradient_2d(function_2, X), 2 * X, atol=1e-6)
    np.testing.assert_allclose(_numerical_gradient_1d(function_2, X[0]), [6, 8], atol=1e-6)
    with pytest.raises(ValueError, match="1-D"):
        _numerical_gradient_1d(function_2, X)
