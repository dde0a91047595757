"""``Function``: a unit with its own hand-written backward recorded as ONE tape operation.

The toy layer below follows the engine's layer contract (``forward`` caches,
``backward(dout)`` returns dx and writes dL/dparam into ``grads``), so this is
the shape of the later integration: a layer call on the tape reuses the
layer's backward, nothing is re-derived.
"""

import numpy as np
import pytest

import scratchdl.tensorflow as tf
from scratchdl.autodiff import GradientTape, apply
from scratchdl.autodiff.ops import Function
from scratchdl.gradcheck import check_op
from scratchdl.variables import Variable


class ToyDense:
    """y = x @ W + b, with a hand-written backward in the engine's style."""

    def __init__(self, rng, n_in, n_out):
        self.W = Variable(rng.standard_normal((n_in, n_out)), name="W")
        self.b = Variable(rng.standard_normal(n_out), name="b")
        self.grads = {"W": np.zeros((n_in, n_out)), "b": np.zeros(n_out)}
        self.backward_calls = 0

    def forward(self, x):
        self.x = x
        return x @ self.W.value + self.b.value

    def backward(self, dout):
        self.backward_calls += 1
        self.grads["W"][...] = self.x.T @ dout
        self.grads["b"][...] = dout.sum(axis=0)
        return dout @ self.W.value.T

    def op(self):
        """This layer as one autodiff operation of inputs (x, W, b)."""
        return Function(
            forward=lambda x, W, b: self.forward(x),
            backward=lambda dy: (self.backward(dy), self.grads["W"].copy(), self.grads["b"].copy()),
            name="toy_dense",
        )

    def __call__(self, x):
        return apply(self.op(), x, self.W, self.b)


def test_a_layer_call_is_recorded_as_one_op_using_its_own_backward(rng):
    layer = ToyDense(rng, 4, 3)
    x = tf.constant(rng.standard_normal((5, 4)))
    G = rng.standard_normal((5, 3))
    with GradientTape() as t:
        t.watch(x)
        loss = tf.reduce_sum(tf.tanh(layer(x)) * G)
    assert [n.op.name for n in t._nodes] == ["toy_dense", "tanh", "multiply", "reduce_sum"]
    dx, dW, db = t.gradient(loss, [x, layer.W, layer.b])
    assert layer.backward_calls == 1
    dz = G * (1 - np.tanh(x.numpy() @ layer.W.numpy() + layer.b.numpy()) ** 2)
    np.testing.assert_allclose(dW.numpy(), x.numpy().T @ dz)
    np.testing.assert_allclose(db.numpy(), dz.sum(axis=0))
    np.testing.assert_allclose(dx.numpy(), dz @ layer.W.numpy().T)


def test_the_function_op_passes_a_gradient_check(rng):
    layer = ToyDense(rng, 3, 2)

    def forward(x, W, b):
        layer.W.value[...], layer.b.value[...] = W, b  # let the check perturb W and b
        return layer.forward(x)

    op = Function(
        forward,
        lambda dy: (layer.backward(dy), layer.grads["W"].copy(), layer.grads["b"].copy()),
    )
    inputs = [rng.standard_normal((4, 3)), layer.W.numpy(), layer.b.numpy()]
    check_op(op, inputs, rng).assert_ok()


def test_a_backward_with_the_wrong_number_of_gradients_is_named():
    op = Function(lambda x, y: x + y, lambda dy: dy, name="half_done")
    op.forward(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="'half_done' returned 1 gradients for 2 inputs"):
        op.backward(np.ones(2))


def test_function_needs_callables():
    with pytest.raises(TypeError, match="callables"):
        Function(forward=None, backward=lambda d: d)
