"""``tf.__version__`` / ``tf.version.VERSION`` / ``keras.__version__`` and ``tf.train``."""

import os
import time

import numpy as np
import pytest

import scratchdl
import scratchdl.keras as keras
import scratchdl.tensorflow as tf


def test_versions_name_the_tf_keras_release_the_faces_follow():
    # docs/keras.md "Tutorials that run": TF 2.15.1 ships Keras 2.15.0
    assert tf.__version__ == tf.version.VERSION == "2.15.1"
    assert keras.__version__ == "2.15.0"
    assert scratchdl.__version__ not in (tf.__version__, keras.__version__)  # kept apart


def small_model():
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(4,))])
    model.compile("sgd", "mse")
    return model


def test_latest_checkpoint_is_the_newest_weights_file(tmp_path):
    model = small_model()
    for epoch in (1, 2, 3):
        model.save_weights(tmp_path / f"cp-{epoch:04d}.ckpt")
        time.sleep(0.01)  # distinct modification times, as epochs are
    (tmp_path / "notes.txt").write_text("not a checkpoint")
    # an older name written last wins: "newest" means last written, not the largest name
    os.utime(tmp_path / "cp-0002.ckpt", ns=(time.time_ns(), time.time_ns() + 10**9))
    assert tf.train.latest_checkpoint(tmp_path) == os.path.join(tmp_path, "cp-0002.ckpt")
    restored = small_model()
    restored.load_weights(tf.train.latest_checkpoint(str(tmp_path)))
    assert all(np.array_equal(a, b) for a, b in zip(restored.get_weights(), model.get_weights()))


def test_latest_checkpoint_counts_whole_model_files_and_skips_others(tmp_path):
    small_model().save(tmp_path / "model.keras")
    (tmp_path / "later.txt").write_text("written after the model")
    assert tf.train.latest_checkpoint(tmp_path) == os.path.join(tmp_path, "model.keras")


def test_latest_checkpoint_is_none_without_checkpoints(tmp_path):
    assert tf.train.latest_checkpoint(tmp_path) is None  # empty directory
    (tmp_path / "readme.md").write_text("# no checkpoints here")
    assert tf.train.latest_checkpoint(tmp_path) is None
    assert tf.train.latest_checkpoint(tmp_path / "missing") is None  # as TensorFlow


def test_latest_checkpoint_refuses_a_bookkeeping_file_name(tmp_path):
    with pytest.raises(ValueError, match="latest_filename='checkpoint'"):
        tf.train.latest_checkpoint(tmp_path, latest_filename="checkpoint")
