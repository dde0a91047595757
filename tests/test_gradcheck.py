"""The gradient checker itself: it must fail on a wrong backward and on an all-zero check."""

import numpy as np
import pytest

from scratchdl.gradcheck import (
    GradientCheckError,
    check_function,
    check_layer,
    numerical_gradient,
    relative_error,
)
from scratchdl.layers import Dense, Softmax


def test_numerical_gradient_of_a_known_function():
    x = np.array([3.0, 4.0])
    g = numerical_gradient(lambda: float(np.sum(x**2)), x)
    np.testing.assert_allclose(g, [6.0, 8.0], rtol=1e-9)
    np.testing.assert_array_equal(x, [3.0, 4.0])  # restored after perturbation


def test_integer_input_is_refused():
    with pytest.raises(TypeError, match="float"):
        numerical_gradient(lambda: 0.0, np.array([1, 2]))


def test_a_wrong_backward_fails_with_a_readable_table(rng):
    layer = Dense(3)
    layer.build((4,), rng=rng, dtype=np.float64)
    good = layer.backward_linear
    layer.backward_linear = lambda dz: 2 * good(dz)  # dx twice too large
    result = check_layer(layer, rng.standard_normal((5, 4)), rng)
    assert not result.ok
    with pytest.raises(GradientCheckError) as info:
        result.assert_ok()
    table = str(info.value)
    assert "FAIL" in table and "rel. error" in table and "kernel" in table


def test_softmax_with_upstream_ones_would_be_all_zero_and_fails():
    """With G = 1 the gradient of sum(softmax(x)) is zero: the check must not pass vacuously."""
    layer = Softmax()
    layer.build((4,), dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((3, 4))

    class Ones:
        def standard_normal(self, shape):
            return np.ones(shape)

    result = check_layer(layer, x, Ones())
    assert not result.ok and "ALL-ZERO" in result.table()
    assert check_layer(layer, x, np.random.default_rng(1)).ok  # a random G passes


def test_check_function_and_relative_error(rng):
    x0 = rng.standard_normal((3, 2))
    result = check_function("tanh", np.tanh, lambda G: G * (1 - np.tanh(x0) ** 2), x0, rng)
    assert result.ok
    assert relative_error(np.array([1.0]), np.array([1.0])) == 0.0
    with pytest.raises(ValueError, match="shapes differ"):
        relative_error(np.zeros(2), np.zeros(3))
