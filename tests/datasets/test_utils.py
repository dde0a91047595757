"""to_categorical (Keras semantics), shuffle_dataset (book), train_val_split, normalisation."""

import numpy as np
import pytest

from scratchdl.datasets.utils import (
    as_generator,
    normalize_pixels,
    shuffle_dataset,
    standardize,
    to_categorical,
    train_val_split,
)


def test_to_categorical_keras_example():
    out = to_categorical([0, 2, 1, 2, 0])
    assert out.dtype == np.float32  # tf.keras default; K3 gives float64 (keras.md A10)
    np.testing.assert_array_equal(out, [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]])


def test_to_categorical_num_classes_and_dtype():
    out = to_categorical(np.array([1, 3], np.uint8), num_classes=5, dtype="float64")
    assert out.shape == (2, 5) and out.dtype == np.float64
    assert out.argmax(axis=1).tolist() == [1, 3] and out.sum() == 2


def test_to_categorical_squeezes_a_trailing_axis_of_one_only_beyond_1d():
    assert to_categorical(np.array([[0], [2], [1]])).shape == (3, 3)  # keras.md A10
    assert to_categorical(np.array([2])).shape == (1, 3)  # 1-D (1,) is not squeezed
    assert to_categorical(np.array([[0, 1], [2, 0]])).shape == (2, 2, 3)


def test_to_categorical_bad_labels():
    with pytest.raises(ValueError, match="label 3 out of range for num_classes=3"):
        to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match="non-negative integer labels"):
        to_categorical([0, -1])
    with pytest.raises(ValueError, match="non-negative integer labels"):
        to_categorical([0.5, 1.0])
    with pytest.raises(ValueError, match="num_classes=-2"):
        to_categorical([0], num_classes=-2)


def test_shuffle_dataset_keeps_pairs_and_is_seeded():
    x = np.arange(40).reshape(10, 1, 2, 2)  # 4-D as in the book's CNN chapters
    t = np.arange(10)
    xs, ts = shuffle_dataset(x, t, rng=3)
    np.testing.assert_array_equal(xs[:, 0, 0, 0], ts * 4)  # pairs stay together
    assert sorted(ts.tolist()) == list(range(10)) and ts.tolist() != list(range(10))
    xs2, ts2 = shuffle_dataset(x, t, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(ts, ts2)
    with pytest.raises(ValueError, match="same length, received 10 and 9"):
        shuffle_dataset(x, t[:9])


def test_train_val_split_keras_takes_the_last_fraction():
    x, y = np.arange(500), np.arange(500) * 2
    (xt, yt), (xv, yv) = train_val_split(x, y, validation_split=0.2)
    assert (len(xt), len(xv)) == (400, 100)  # the book's 500-sample search setup: 400 / 100
    assert xv[0] == 400 and yv[-1] == 998
    (xt, _), (xv, _) = train_val_split(np.arange(7), np.arange(7), validation_split=0.3)
    assert (len(xt), len(xv)) == (4, 3)  # split_at = floor(7 * 0.7) = 4


def test_train_val_split_shuffled_and_bad_fraction():
    x = np.arange(20)
    (a, _), (b, _) = train_val_split(x, x, 0.25, shuffle=True, rng=0)
    (c, _), (d, _) = train_val_split(x, x, 0.25, shuffle=True, rng=0)
    np.testing.assert_array_equal(np.concatenate([a, b]), np.concatenate([c, d]))
    assert sorted(np.concatenate([a, b]).tolist()) == list(range(20))
    with pytest.raises(ValueError, match="validation_split=1.0"):
        train_val_split(x, x, 1.0)


def test_normalize_pixels_like_the_book():
    x = np.array([0, 51, 255], np.uint8)
    out = normalize_pixels(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [0.0, 0.2, 1.0])
    assert normalize_pixels(x, dtype="float64").dtype == np.float64


def test_standardize_reuses_training_statistics(rng):
    x = rng.normal(5.0, 3.0, size=(200, 3)).astype(np.float32)
    z, mean, std = standardize(x)
    assert z.dtype == np.float32
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(z.std(axis=0), 1.0, atol=1e-4)
    z2, _, _ = standardize(x[:10], mean, std)
    np.testing.assert_allclose(z2, z[:10], rtol=1e-6)


def test_as_generator():
    g = np.random.default_rng(1)
    assert as_generator(g) is g
    assert as_generator(7).integers(1000) == np.random.default_rng(7).integers(1000)
    with pytest.raises(ValueError, match="received rng='seed'"):
        as_generator("seed")
