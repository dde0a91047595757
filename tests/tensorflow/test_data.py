"""tf.data.Dataset for in-memory data: structure, dtypes, order, sizes."""

import numpy as np
import pytest

import scratchdl.tensorflow as tf
from scratchdl.autodiff import Tensor

Dataset = tf.data.Dataset


def values(ds):
    return [np.asarray(e).tolist() for e in ds]


def test_slices_keep_the_structure_and_dtype():
    x = np.arange(6.0).reshape(3, 2)  # float64 stays float64
    y = np.array([0, 1, 2])
    pairs = list(Dataset.from_tensor_slices((x, y)))
    assert len(pairs) == 3 and isinstance(pairs[0], tuple)
    assert isinstance(pairs[0][0], Tensor) and pairs[0][0].dtype == np.float64
    np.testing.assert_array_equal(pairs[2][0].numpy(), [4.0, 5.0])
    dicts = list(Dataset.from_tensor_slices({"a": x, "b": y}))
    assert set(dicts[1]) == {"a", "b"} and int(dicts[1]["b"]) == 1
    assert Dataset.from_tensor_slices([1.0, 2.0]).cardinality() == 2
    assert next(iter(Dataset.from_tensor_slices([1.0, 2.0]))).dtype == np.float32


def test_slices_need_one_first_dimension():
    with pytest.raises(ValueError, match="same first dimension"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))


def test_batch_keeps_or_drops_the_remainder():
    ds = Dataset.from_tensor_slices(np.arange(5))
    assert values(ds.batch(2)) == [[0, 1], [2, 3], [4]]
    assert values(ds.batch(2, drop_remainder=True)) == [[0, 1], [2, 3]]
    assert len(ds.batch(2)) == 3 and len(ds.batch(2, drop_remainder=True)) == 2
    xb, yb = next(iter(Dataset.from_tensor_slices((np.zeros((5, 3)), np.arange(5))).batch(4)))
    assert xb.shape == (4, 3) and yb.shape == (4,)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        ds.batch(0)


def test_shuffle_is_a_permutation_repeatable_with_a_seed():
    ds = Dataset.from_tensor_slices(np.arange(20))
    first = values(ds.shuffle(20, seed=4))
    assert sorted(first) == list(range(20)) and first != list(range(20))
    assert values(ds.shuffle(20, seed=4)) == first
    small_buffer = values(ds.shuffle(3, seed=1))
    assert sorted(small_buffer) == list(range(20))


def test_shuffle_reshuffles_each_iteration_unless_told_not_to():
    ds = Dataset.from_tensor_slices(np.arange(20))
    again = ds.shuffle(20, seed=4)
    assert values(again) != values(again)
    fixed = ds.shuffle(20, seed=4, reshuffle_each_iteration=False)
    assert values(fixed) == values(fixed)


def test_map_unpacks_tuples():
    ds = Dataset.from_tensor_slices((np.arange(3.0), np.arange(3.0)))
    summed = ds.map(lambda x, y: x + 10 * y)
    assert values(summed) == [0.0, 11.0, 22.0]
    assert values(Dataset.from_tensor_slices(np.arange(3)).map(lambda x: x * 2)) == [0, 2, 4]


def test_take_skip_and_repeat():
    ds = Dataset.from_tensor_slices(np.arange(3))
    assert values(ds.take(2)) == [0, 1] and values(ds.take(10)) == [0, 1, 2]
    assert values(ds.take(-1)) == [0, 1, 2]
    assert values(ds.skip(1)) == [1, 2] and len(ds.skip(5)) == 0
    assert values(ds.repeat(2)) == [0, 1, 2, 0, 1, 2] and len(ds.repeat(2)) == 6
    forever = ds.repeat()
    assert forever.cardinality() == tf.data.INFINITE_CARDINALITY == -1
    assert values(forever.take(7)) == [0, 1, 2, 0, 1, 2, 0]
    with pytest.raises(TypeError, match="infinite"):
        len(forever)


def test_prefetch_and_cache_pass_through():
    ds = Dataset.from_tensor_slices(np.arange(3))
    assert ds.prefetch(tf.data.AUTOTUNE) is ds and ds.cache() is ds
    assert tf.data.AUTOTUNE == tf.data.experimental.AUTOTUNE == -1
    with pytest.raises(NotImplementedError, match="in-memory"):
        ds.cache("/tmp/somewhere")


def test_a_typical_pipeline_gives_epochs_of_batches():
    x, y = np.arange(10.0).reshape(10, 1), np.arange(10)
    ds = Dataset.from_tensor_slices((x, y)).shuffle(10, seed=0).batch(4).prefetch(1)
    for _epoch in range(2):
        seen = np.concatenate([yb.numpy() for _, yb in ds])
        assert sorted(seen.tolist()) == list(range(10))
    assert [xb.shape[0] for xb, _ in ds] == [4, 4, 2]
    assert list(ds.as_numpy_iterator())[0][0].__class__ is np.ndarray


def test_range_gives_int64_scalars():
    ds = Dataset.range(2, 8, 3)
    assert values(ds) == [2, 5] and len(ds) == 2
    assert next(iter(ds)).dtype == np.int64
