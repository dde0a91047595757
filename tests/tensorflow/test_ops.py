"""The tf namespace: TensorFlow's names, argument names, defaults and messages.

The facts pinned here are listed in docs/tensorflow.md.
"""

import inspect

import numpy as np
import pytest

import scratchdl.tensorflow as tf
from scratchdl.autodiff import GradientTape, InvalidArgumentError
from scratchdl.variables import Variable


def test_names_exported_before_still_work():
    from scratchdl import keras
    from scratchdl.tensorflow import keras as tf_keras

    assert tf_keras is keras and tf.keras is keras
    assert isinstance(tf.__version__, str)
    tf.random.set_seed(3)


def test_variable_is_the_engines_variable():
    assert tf.Variable is Variable
    v = tf.Variable([1.0, 2.0], name="v")
    assert v.assign_add([1.0, 1.0]) is v and v.trainable
    np.testing.assert_array_equal(v.numpy(), [2.0, 3.0])


def test_constant_default_dtypes():
    assert tf.constant(1.5).dtype == np.float32
    assert tf.constant([1, 2]).dtype == np.int32
    assert tf.constant(np.array([1.0])).dtype == np.float64
    assert tf.constant(np.array([1], dtype=np.int64)).dtype == np.int64
    assert tf.constant(0, shape=(2, 3)).shape == (2, 3)
    assert tf.constant([1, 2, 3, 4], shape=[2, 2]).shape == (2, 2)
    with pytest.raises(TypeError, match="Expected Tensor's shape"):
        tf.constant([1, 2, 3], shape=[2, 2])


def test_creation_defaults():
    assert tf.zeros((2, 3)).dtype == np.float32 and tf.ones([2]).dtype == np.float32
    assert tf.zeros_like(tf.constant([1, 2])).dtype == np.int32
    assert tf.fill([2, 2], 7).dtype == np.int32
    np.testing.assert_array_equal(tf.range(5).numpy(), np.arange(5))
    assert tf.range(5).dtype == np.int32 and tf.range(0.0, 1.0, 0.5).dtype == np.float32
    np.testing.assert_array_equal(tf.range(1, 10, 3).numpy(), [1, 4, 7])
    assert tf.eye(2, 3).shape == (2, 3) and tf.eye(2, batch_shape=[4]).shape == (4, 2, 2)
    assert tf.convert_to_tensor([1, 2], dtype_hint=tf.float32).dtype == np.float32


def test_reduce_mean_of_integers_is_integer_division():
    assert int(tf.reduce_mean(tf.constant([1, 2]))) == 1
    np.testing.assert_array_equal(
        tf.reduce_mean(tf.constant([[1, 2], [3, 5]]), axis=0).numpy(), [2, 3]
    )
    with pytest.raises(InvalidArgumentError):
        tf.reduce_mean(tf.constant([True, False]))


def test_reductions_take_axis_and_keepdims():
    x = tf.constant([[1.0, 5.0], [3.0, 2.0]])
    assert tf.reduce_sum(x, axis=1, keepdims=True).shape == (2, 1)
    np.testing.assert_array_equal(tf.reduce_max(x, axis=0).numpy(), [3.0, 5.0])
    np.testing.assert_array_equal(tf.reduce_min(x, axis=-1).numpy(), [1.0, 2.0])
    assert float(tf.reduce_prod(x)) == 30.0
    for fn in (tf.reduce_sum, tf.reduce_mean, tf.reduce_max, tf.reduce_min, tf.reduce_prod):
        assert list(inspect.signature(fn).parameters) == [
            "input_tensor",
            "axis",
            "keepdims",
            "name",
        ]


def test_argmax_defaults_to_axis_0_and_int64():
    x = tf.constant([[1.0, 9.0], [5.0, 2.0]])
    np.testing.assert_array_equal(tf.argmax(x).numpy(), [1, 0])
    assert tf.argmax(x).dtype == np.int64
    assert tf.argmin(x, axis=1, output_type=tf.int32).dtype == np.int32


def test_one_hot_defaults_and_out_of_range_rows():
    out = tf.one_hot([0, 2, -1, 3], 3)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    assert tf.one_hot([0, 1], 3, on_value=5, off_value=-1).dtype == np.int32
    assert tf.one_hot([0, 1], 3, axis=0).shape == (3, 2)
    with pytest.raises(InvalidArgumentError, match="integers"):
        tf.one_hot([0.0, 1.0], 3)


def test_cast_truncates_toward_zero():
    np.testing.assert_array_equal(tf.cast(tf.constant([1.7, -1.7]), tf.int32).numpy(), [1, -1])
    x = tf.constant([1.0, 2.0])
    with GradientTape() as t:
        t.watch(x)
        y = tf.cast(x, tf.float64) * 3.0
    np.testing.assert_array_equal(t.gradient(y, x).numpy(), [3.0, 3.0])


def test_shape_ops():
    x = tf.reshape(tf.range(6), [2, 3])
    assert tf.transpose(x).shape == (3, 2)
    assert tf.expand_dims(x, 0).shape == (1, 2, 3) and tf.expand_dims(x, -1).shape == (2, 3, 1)
    assert tf.squeeze(tf.zeros((1, 2, 1))).shape == (2,)
    with pytest.raises(InvalidArgumentError, match="axis 1 of size 2"):
        tf.squeeze(tf.zeros((1, 2, 1)), axis=1)
    assert tf.concat([x, x], axis=0).shape == (4, 3) and tf.stack([x, x], axis=1).shape == (2, 2, 3)
    np.testing.assert_array_equal(tf.gather(x, [1, 0]).numpy(), [[3, 4, 5], [0, 1, 2]])
    np.testing.assert_array_equal(tf.gather(x, [2], axis=1).numpy(), [[2], [5]])
    np.testing.assert_array_equal(tf.shape(x).numpy(), [2, 3])
    assert tf.shape(x).dtype == np.int32 and int(tf.size(x)) == 6
    with pytest.raises(InvalidArgumentError, match="one dtype"):
        tf.concat([tf.zeros(2), tf.zeros(2, dtype=tf.int32)], axis=0)


def test_where_selects_or_returns_coordinates():
    cond = tf.constant([[True, False], [False, True]])
    np.testing.assert_array_equal(tf.where(cond).numpy(), [[0, 0], [1, 1]])
    assert tf.where(cond).dtype == np.int64
    np.testing.assert_array_equal(tf.where(cond, 1.0, 0.0).numpy(), [[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="both x and y"):
        tf.where(cond, 1.0)


def test_clip_by_value_keeps_the_gradient_on_the_bounds():
    x = tf.constant([-2.0, -1.0, 0.5, 3.0])
    with GradientTape() as t:
        t.watch(x)
        y = tf.clip_by_value(x, -1.0, 1.0)
    np.testing.assert_array_equal(y.numpy(), [-1.0, -1.0, 0.5, 1.0])
    np.testing.assert_array_equal(t.gradient(y, x).numpy(), [0.0, 1.0, 1.0, 0.0])


def test_matmul_transposes():
    a = tf.constant(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(
        tf.matmul(a, a, transpose_b=True).numpy(), a.numpy() @ a.numpy().T
    )
    np.testing.assert_array_equal(
        tf.matmul(a, a, transpose_a=True).numpy(), a.numpy().T @ a.numpy()
    )


def test_unary_math_needs_floats():
    with pytest.raises(InvalidArgumentError, match="sqrt expects a float tensor"):
        tf.sqrt(tf.constant([4]))
    np.testing.assert_allclose(tf.math.sqrt(tf.constant([4.0])).numpy(), [2.0])


def test_nn_functions():
    z = tf.constant([[1.0, 2.0, 3.0]])
    p = tf.nn.softmax(z)  # axis None: the last axis
    np.testing.assert_allclose(p.numpy(), np.exp([[1, 2, 3]]) / np.exp([1, 2, 3]).sum(), rtol=1e-6)
    np.testing.assert_allclose(tf.nn.log_softmax(z).numpy(), np.log(p.numpy()), rtol=1e-6)
    np.testing.assert_array_equal(tf.nn.relu(tf.constant([-1.0, 2.0])).numpy(), [0.0, 2.0])
    assert float(tf.nn.l2_loss(tf.constant([3.0, 4.0]))) == 12.5
    ce = tf.nn.softmax_cross_entropy_with_logits(tf.constant([[0.0, 0.0, 1.0]]), z)
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([2]), z)
    np.testing.assert_allclose(ce.numpy(), -np.log(p.numpy()[:, 2]), rtol=1e-6)
    np.testing.assert_allclose(sparse.numpy(), ce.numpy(), rtol=1e-6)


def test_sparse_cross_entropy_names_a_label_out_of_range():
    message = r"label value of 5 which is outside the valid range of \[0, 3\)"
    with pytest.raises(ValueError, match=message):
        tf.nn.sparse_softmax_cross_entropy_with_logits([0, 5], tf.zeros((2, 3)))


def test_tf_math_has_the_same_functions():
    assert tf.math.reduce_sum is tf.reduce_sum and tf.math.softmax is tf.nn.softmax
    assert tf.math.argmax is tf.argmax and tf.math.equal is tf.equal


def test_random_draws_repeat_after_set_seed():
    tf.random.set_seed(7)
    a = tf.random.normal((3,)).numpy()
    tf.random.set_seed(7)
    b = tf.random.normal((3,)).numpy()
    np.testing.assert_array_equal(a, b)
    assert tf.random.normal((2,), dtype=tf.float64).dtype == np.float64
    u = tf.random.uniform((1000,), seed=1)
    assert u.dtype == np.float32
    assert float(tf.reduce_min(u)) >= 0.0 and float(tf.reduce_max(u)) < 1.0
    np.testing.assert_array_equal(u.numpy(), tf.random.uniform((1000,), seed=1).numpy())
    with pytest.raises(ValueError, match="maxval"):
        tf.random.uniform((2,), dtype=tf.int32)


def test_function_and_run_functions_eagerly_pass_through():
    def step(x):
        return x * 2

    assert tf.function(step) is step
    assert tf.function(jit_compile=True)(step) is step
    with pytest.raises(TypeError, match="jit_compiled"):
        tf.function(step, jit_compiled=True)
    assert tf.config.functions_run_eagerly() is False
    tf.config.run_functions_eagerly(True)
    assert tf.config.functions_run_eagerly() is True
    tf.config.run_functions_eagerly(False)


def test_dtype_names_are_numpy_types():
    assert tf.float32 is np.float32 and tf.int64 is np.int64 and tf.bool is np.bool_
    assert tf.constant([1.0]).dtype == tf.float32
    assert tf.as_dtype("float64") == np.float64


def test_concat_and_stack_name_shapes_that_do_not_fit():
    with pytest.raises(ValueError, match=r"stack: all tensors must have one shape"):
        tf.stack([tf.zeros((2, 3)), tf.zeros((3,))])
    with pytest.raises(ValueError, match=r"concat: shapes \[\(2, 3\), \(2, 4\)\] cannot be joined"):
        tf.concat([tf.zeros((2, 3)), tf.zeros((2, 4))], axis=0)


def test_variance_and_std_divide_by_n():
    x = tf.constant([[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_allclose(tf.math.reduce_variance(x, axis=0).numpy(), [1.0, 4.0])
    np.testing.assert_allclose(tf.math.reduce_std(x).numpy(), np.std(np.asarray(x)), rtol=1e-6)
