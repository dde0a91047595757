"""GradientTape semantics: what is recorded, how gradients combine, what is None."""

import threading
import warnings

import numpy as np
import pytest

import scratchdl.tensorflow as tf
from scratchdl.autodiff import GradientTape, Tensor, tape
from scratchdl.variables import Variable


def test_gradient_of_a_non_scalar_target_is_that_of_its_sum():
    x = tf.constant([1.0, 2.0, 3.0])
    with GradientTape() as t:
        t.watch(x)
        y = x * x
    np.testing.assert_allclose(t.gradient(y, x).numpy(), [2.0, 4.0, 6.0])


def test_a_list_of_targets_is_summed():
    x = tf.constant([1.0, 2.0])
    with GradientTape() as t:
        t.watch(x)
        targets = [tf.reduce_sum(x), tf.reduce_sum(2.0 * x)]
    np.testing.assert_allclose(t.gradient(targets, x).numpy(), [3.0, 3.0])


def test_a_value_used_twice_receives_both_gradients():
    w = Variable(np.array([3.0, -1.0]))
    with GradientTape() as t:
        y = w * w + w  # w appears three times
    np.testing.assert_allclose(t.gradient(y, w).numpy(), 2 * w.numpy() + 1)


def test_chain_through_a_diamond_graph():
    x = tf.constant(2.0)
    with GradientTape() as t:
        t.watch(x)
        a = tf.exp(x)
        y = a * a + tf.log(a)  # exp(2x) + x
    np.testing.assert_allclose(float(t.gradient(y, x)), 2 * np.exp(4.0) + 1, rtol=1e-6)


def test_unconnected_sources_give_none_or_zeros_on_request():
    w, v = Variable(np.ones(2)), Variable(np.ones(3))
    with GradientTape(persistent=True) as t:
        y = tf.reduce_sum(w * 2.0)
    gw, gv = t.gradient(y, [w, v])
    np.testing.assert_allclose(gw.numpy(), [2.0, 2.0])
    assert gv is None
    zero = t.gradient(y, v, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    np.testing.assert_array_equal(zero.numpy(), np.zeros(3))
    with pytest.raises(ValueError, match="unconnected_gradients"):
        t.gradient(y, v, unconnected_gradients="ones")


def test_sources_keep_their_structure():
    a, b, c = (Variable(np.full(2, float(i))) for i in (1, 2, 3))
    with GradientTape(persistent=True) as t:
        y = tf.reduce_sum(a * b * c)
    as_dict = t.gradient(y, {"a": a, "pair": (b, c)})
    assert set(as_dict) == {"a", "pair"} and isinstance(as_dict["pair"], tuple)
    np.testing.assert_allclose(as_dict["a"].numpy(), [6.0, 6.0])
    np.testing.assert_allclose(as_dict["pair"][1].numpy(), [2.0, 2.0])
    assert isinstance(t.gradient(y, [a]), list)
    assert isinstance(t.gradient(y, a), Tensor)


def test_a_non_persistent_tape_refuses_a_second_gradient():
    w = Variable(np.ones(2))
    with GradientTape() as t:
        y = w * 3.0
    t.gradient(y, w)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape can only be used"):
        t.gradient(y, w)


def test_a_persistent_tape_gives_the_same_gradients_every_time():
    w = Variable(np.array([0.5, -2.0]))
    with GradientTape(persistent=True) as t:
        y = tf.reduce_sum(tf.nn.softmax(w * w) * tf.constant([1.0, 3.0], dtype=tf.float64))
        z = tf.reduce_sum(w)
    first = t.gradient(y, w).numpy()
    np.testing.assert_array_equal(t.gradient(y, w).numpy(), first)
    np.testing.assert_allclose(t.gradient(z, w).numpy(), [1.0, 1.0])


def test_constants_need_watch_and_trainable_variables_do_not():
    c = tf.constant([1.0, 2.0])
    w = Variable(np.ones(2, dtype=np.float32))
    with GradientTape(persistent=True) as t:
        y = c * w
    assert t.gradient(y, c) is None
    with GradientTape() as t:
        t.watch(c)
        y = c * w
    np.testing.assert_allclose(t.gradient(y, c).numpy(), [1.0, 1.0])


def test_watch_accessed_variables_false_tracks_only_watched_ones():
    w, v = Variable(np.ones(2)), Variable(np.ones(2))
    with GradientTape(watch_accessed_variables=False, persistent=True) as t:
        t.watch(v)
        y = w * v
    assert t.gradient(y, w) is None
    np.testing.assert_allclose(t.gradient(y, v).numpy(), [1.0, 1.0])
    assert t.watched_variables() == (v,)


def test_non_trainable_variables_are_not_tracked():
    w = Variable(np.ones(2), trainable=False)
    with GradientTape() as t:
        y = w * 2.0
    assert t.gradient(y, w) is None


def test_watching_an_integer_tensor_warns_and_gives_none():
    k = tf.constant([1, 2])
    with GradientTape() as t, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t.watch(k)
        y = k * 2
    assert "must be floating" in str(caught[0].message)
    assert t.gradient(y, k) is None


def test_stop_recording_leaves_out_what_runs_inside():
    x = tf.constant(3.0)
    with GradientTape() as t:
        t.watch(x)
        y = x * x
        with t.stop_recording():
            z = x * x * x
        total = y + z
    np.testing.assert_allclose(float(t.gradient(total, x)), 6.0)  # only y's 2x


def test_stop_gradient_cuts_the_path():
    x = tf.constant(3.0)
    with GradientTape() as t:
        t.watch(x)
        y = tf.stop_gradient(x) * x
    np.testing.assert_allclose(float(t.gradient(y, x)), 3.0)


def test_nothing_is_recorded_without_an_active_tape():
    w = Variable(np.ones(2))
    y = w * 2.0  # no tape: computed, not recorded
    assert tape._local.tapes == []
    with GradientTape() as t:
        z = y * 3.0
    assert t._nodes == []  # y is a plain constant to this tape
    assert t.gradient(z, w) is None


def test_the_tape_stops_recording_when_the_block_ends():
    w = Variable(np.ones(2))
    with GradientTape(persistent=True) as t:
        y = w * 2.0
    after = y * 5.0  # outside: not recorded
    assert len(t._nodes) == 1
    assert t.gradient(after, w) is None
    np.testing.assert_allclose(t.gradient(y, w).numpy(), [2.0, 2.0])


def test_output_gradients_replace_the_ones_seed():
    x = tf.constant([1.0, 2.0])
    with GradientTape() as t:
        t.watch(x)
        y = x * x
    g = t.gradient(y, x, output_gradients=tf.constant([10.0, -1.0]))
    np.testing.assert_allclose(g.numpy(), [20.0, -4.0])


def test_a_gradient_inside_another_recording_tape_is_refused():
    w = Variable(np.ones(2))
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = w * w
        with pytest.raises(NotImplementedError, match="higher-order"):
            inner.gradient(y, w)
    assert outer is not inner


def test_an_ndarray_on_the_left_of_a_variable_is_still_recorded():
    W = Variable(np.ones((3, 2)))
    x = np.arange(6.0).reshape(2, 3)
    with GradientTape() as t:
        y = tf.reduce_sum(x @ W)
    np.testing.assert_allclose(t.gradient(y, W).numpy(), x.T @ np.ones((2, 2)))


def test_gradients_have_the_source_dtype():
    w = Variable(np.ones(3, dtype=np.float32))
    with GradientTape() as t:
        y = tf.reduce_sum(w * np.float64(2.0))
    g = t.gradient(y, w)
    assert g.dtype == np.float32


def test_in_place_operators_on_a_variable_are_refused():
    w = Variable(np.ones(2))
    with pytest.raises(RuntimeError, match="assign_add"):
        w += 1.0
    w.assign_add(np.ones(2))  # the supported spelling still works
    np.testing.assert_allclose(w.numpy(), [2.0, 2.0])


def test_a_tape_cannot_be_entered_twice_at_once():
    t = GradientTape()
    with t, pytest.raises(RuntimeError, match="already recording"), t:
        pass


def test_a_tape_does_not_record_other_threads():
    w = Variable(np.ones(2))
    with GradientTape(persistent=True) as t:
        worker = threading.Thread(target=lambda: w * 5.0)
        worker.start()
        worker.join()
        y = w * 2.0
    assert [n.op.name for n in t._nodes] == ["multiply"]
    np.testing.assert_allclose(t.gradient(y, w).numpy(), [2.0, 2.0])


def test_a_gradient_of_the_wrong_shape_is_named():
    from scratchdl.autodiff import apply
    from scratchdl.autodiff.ops import Function

    w = Variable(np.ones(3))
    op = Function(lambda v: v * 2, lambda dy: dy[:2], name="clumsy")
    with GradientTape() as t:
        y = apply(op, w)
    with pytest.raises(ValueError, match="'clumsy' returned a gradient of shape"):
        t.gradient(y, w)


def test_a_target_that_is_not_a_tensor_is_named():
    w = Variable(np.ones(2))
    with GradientTape() as t:
        w * 2.0
    with pytest.raises(TypeError, match="target must be a tensor"):
        t.gradient(3.0, w)
