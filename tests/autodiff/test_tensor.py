"""The Tensor type: NumPy behaviour for values, TensorFlow's rules for dtypes."""

import numpy as np
import pytest

import scratchdl.tensorflow as tf
from scratchdl.autodiff import GradientTape, InvalidArgumentError, Tensor


def test_a_tensor_exposes_shape_dtype_numpy_and_array():
    t = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert t.shape == (2, 2) and t.shape.as_list() == [2, 2] and t.ndim == 2
    assert t.dtype == tf.float32
    a = t.numpy()
    a[0, 0] = 99.0  # a copy: the tensor is unchanged
    assert float(t[0, 0]) == 1.0
    np.testing.assert_array_equal(np.asarray(t), [[1.0, 2.0], [3.0, 4.0]])
    assert len(t) == 2 and [r.shape for r in t] == [(2,), (2,)]


def test_operators_broadcast_like_numpy():
    a = tf.constant([[1.0], [2.0]])
    b = tf.constant([10.0, 20.0, 30.0])
    np.testing.assert_array_equal((a + b).numpy(), [[11, 21, 31], [12, 22, 32]])
    np.testing.assert_array_equal((a * b - b / a).numpy(), np.array(a) * b - np.array(b) / a)
    np.testing.assert_array_equal((-a).numpy(), [[-1.0], [-2.0]])
    np.testing.assert_array_equal((2.0**a).numpy(), [[2.0], [4.0]])


def test_comparisons_are_elementwise_bool_tensors():
    t = tf.constant([1, 2, 3])
    assert (t > 1).dtype == np.bool_
    np.testing.assert_array_equal((t == 2).numpy(), [False, True, False])
    np.testing.assert_array_equal((t != 2).numpy(), [True, False, True])


def test_indexing_is_recorded_and_repeated_picks_add_up():
    x = tf.constant([1.0, 2.0, 3.0])
    with GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(x[tf.constant([0, 0, 2])]) + x[1:][0] * 5.0
    np.testing.assert_array_equal(t.gradient(y, x).numpy(), [2.0, 5.0, 1.0])


def test_tensors_of_different_dtypes_are_not_combined():
    f32, f64 = tf.constant([1.0]), tf.constant(np.array([1.0]))
    with pytest.raises(InvalidArgumentError, match="expected to be a float32 tensor but is a"):
        f32 + f64
    with pytest.raises(InvalidArgumentError):
        tf.matmul(tf.ones((2, 2)), tf.ones((2, 2), dtype=tf.int32))


def test_numbers_and_arrays_take_the_tensors_dtype():
    t = tf.constant([1.0, 2.0])
    assert (t + 1).dtype == np.float32
    assert (np.array([1.0, 2.0]) * t).dtype == np.float32  # the float64 array is converted
    assert (tf.constant([1, 2]) + 2).dtype == np.int32
    with pytest.raises(InvalidArgumentError, match="float value with a tensor of dtype int32"):
        tf.constant(1) + 1.5


def test_integer_division_follows_tensorflow():
    t = tf.constant([1, 2])
    half = t / 2
    assert half.dtype == np.float64
    np.testing.assert_array_equal(half.numpy(), [0.5, 1.0])
    assert (t // 2).dtype == np.int32


def test_truth_value_needs_one_element():
    assert bool(tf.constant(True))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(tf.constant([1.0, 2.0]))


def test_repr_names_shape_and_dtype():
    assert repr(tf.constant([1.0])) == "<tf.Tensor: shape=(1,), dtype=float32, numpy=[1.]>"


def test_a_tensor_wraps_its_array_without_copying():
    a = np.zeros(3)
    assert np.asarray(Tensor(a)) is a


def test_numpy_functions_take_tensors_and_give_arrays():
    t = tf.constant([0.0, 1.0])
    out = np.exp(t)
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [1.0, np.e], rtol=1e-6)
    assert float(np.mean(t)) == 0.5


def test_two_plain_values_take_the_first_ones_dtype():
    assert tf.add(1.0, np.float64(2.0)).dtype == np.float32
    with pytest.raises(InvalidArgumentError):
        tf.add(1, 2.5)
