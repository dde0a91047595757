"""End-to-end gradient checks through the tf namespace and the tape.

Each case is a function of float64 tensors; the tape's gradient of
L = sum(f(x...) * G), G random, must match central differences of the same L.
This covers what the per-op checks do not: the tf wrappers (argument handling,
transposes, composites such as l2_loss or squeeze), the tensor operators and the
tape's accumulation over a graph.
"""

import numpy as np
import pytest

import scratchdl.tensorflow as tf
from scratchdl.gradcheck import GradCheckResult, numerical_gradient


def check_through_tape(f, arrays, rng, tolerance=1e-6):
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    G = rng.standard_normal(np.shape(f(*[tf.constant(a) for a in arrays])))
    inputs = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        L = tf.reduce_sum(f(*inputs) * G)
    grads = tape.gradient(L, inputs)
    result = GradCheckResult("tape", tolerance=tolerance)
    for i, (a, g) in enumerate(zip(arrays, grads)):
        numeric = numerical_gradient(lambda: float(np.sum(np.asarray(f(*arrays)) * G)), a)
        analytic = np.zeros_like(a) if g is None else g.numpy()
        result.add(f"x{i}", analytic, numeric)
    return result


def _f(*xs):
    return [tf.constant(x) if isinstance(x, np.ndarray) else x for x in xs]


CASES = {
    "matmul transpose_a": (lambda a, b: tf.matmul(a, b, transpose_a=True), [(4, 3), (4, 2)]),
    "matmul transpose_b": (lambda a, b: tf.matmul(a, b, transpose_b=True), [(3, 4), (2, 4)]),
    "operators": (lambda a, b: (a * b - b / (a * a + 1.0)) @ tf.transpose(b), [(3, 4), (3, 4)]),
    "reuse in a diamond": (lambda a: tf.exp(a) * tf.tanh(a) + a * a * a, [(2, 3)]),
    "indexing": (lambda a: a[1:, ::2] * a[0, 1:3], [(3, 4)]),
    "expand_dims squeeze": (lambda a: tf.squeeze(tf.expand_dims(a, 1)) * 2.0, [(3, 4)]),
    "reshape and reductions": (
        lambda a: tf.reduce_mean(tf.reshape(a, [2, -1]), axis=1) * tf.reduce_max(a),
        [(2, 6)],
    ),
    "concat and stack": (
        lambda a, b: tf.concat([tf.stack([a, b], axis=-1), tf.stack([b * a, a], axis=-1)], 0),
        [(2, 3), (2, 3)],
    ),
    "gather": (lambda a: tf.gather(a, [2, 0, 2], axis=1), [(3, 4)]),
    "where": (lambda a, b: tf.where(tf.constant([True, False, True]), a, b), [(2, 3), (3,)]),
    "softmax family": (
        lambda a: tf.nn.softmax(a, axis=0) + tf.nn.log_softmax(a) * tf.nn.sigmoid(a),
        [(3, 4)],
    ),
    "cross-entropies": (
        lambda a, b: (
            tf.nn.softmax_cross_entropy_with_logits(tf.nn.softmax(b), a)
            + tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([0, 3, 1]), a)
        ),
        [(3, 4), (3, 4)],
    ),
    "variance and std": (
        lambda a: tf.math.reduce_variance(a, axis=0) + tf.math.reduce_std(a, axis=0),
        [(4, 3)],
    ),
    "l2_loss": (lambda a: tf.nn.l2_loss(a) * tf.ones((2,), dtype=tf.float64), [(3, 2)]),
    "maximum minimum": (lambda a, b: tf.maximum(a, b) * tf.minimum(a, 0.5), [(3, 4), (4,)]),
    "add_n and pow": (lambda a, b: tf.add_n([a, b, a]) ** 2.0, [(2, 2), (2, 2)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_tape_gradient_matches_central_differences(name, rng):
    f, shapes = CASES[name]
    arrays = [rng.standard_normal(s) for s in shapes]
    check_through_tape(f, arrays, rng).assert_ok()


def test_a_wrong_op_inside_a_graph_is_caught(rng, monkeypatch):
    from scratchdl.autodiff.ops import Tanh

    monkeypatch.setattr(Tanh, "backward", lambda self, dout: (dout * (1 - self.y),))
    result = check_through_tape(lambda a: tf.tanh(a) * a, [rng.standard_normal((2, 3))], rng)
    assert not result.ok
