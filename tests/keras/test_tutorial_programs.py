"""Issue 15: the six kinds of tf.keras tutorial, as programs of our own, on small data.

Each program in tests/programs/keras imports only the faces, exactly where a
TensorFlow program imports ``tensorflow`` (the import rule itself is checked by
tests/keras/test_programs.py for every program there).  Here each runs in a
subprocess on a few hundred images for one to three epochs, and the test checks
what the program claims to show, from the labelled lines it prints.
"""

import os
import re

import numpy as np
import pytest

from tests.keras.test_programs import run_program, value

FUNCTIONAL = "functional API (keras.Model, keras.Input tensors) not merged yet"


def line(out, label):
    match = re.search(rf"^{re.escape(label)}:? (.+)$", out, flags=re.MULTILINE)
    assert match, f"no line {label!r} in the output:\n{out[-2000:]}"
    return match.group(1)


def test_quickstart_logits_loss_and_probability_model():
    out = run_program("quickstart_beginner.py", 600, 2)
    assert line(out, "TensorFlow version") == "2.15.1"
    assert line(out, "logits shape") == "(1, 10)"
    assert value(out, "untrained probability sum") == pytest.approx(1.0, abs=1e-6)
    assert 1.6 < value(out, "untrained loss") < 3.2  # near -log(1/10) = 2.30 before training
    assert value(out, "epochs run") == 2
    assert out.count("19/19 - ") == 2  # 600 images / batch 32 -> 19 steps, verbose=2
    assert value(out, "test loss") < value(out, "untrained loss")
    assert value(out, "test accuracy") >= 0.6  # chance is 0.1
    assert line(out, "probability rows shape") == "(5, 10)"
    assert value(out, "largest row-sum error") < 1e-6
    assert line(out, "same argmax as the logits") == "True"
    assert line(out, "shares the trained layers") == "True"


def test_fashion_mnist_classifier_and_single_image_predict():
    out = run_program("fashion_classifier.py", 600, 2)
    assert line(out, "train images shape") == "(60000, 28, 28)"
    assert line(out, "train images dtype") == "uint8"
    assert line(out, "label range") == "0 9"
    assert value(out, "test accuracy") >= 0.55  # clothes are harder than digits
    assert line(out, "predictions shape") == "(100, 10)"
    assert value(out, "accuracy from the probabilities") == value(out, "test accuracy")
    classes = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}  # fmt: skip
    assert line(out, "first prediction") in classes and line(out, "first truth") in classes
    assert line(out, "one image shape") == "(28, 28)"
    assert line(out, "batch of one shape") == "(1, 28, 28)"
    assert line(out, "single prediction shape") == "(1, 10)"
    assert value(out, "single probability sum") == pytest.approx(1.0, abs=1e-6)
    assert 0 <= value(out, "single predicted class") <= 9
    assert line(out, "single prediction matches the batch one") == "True"


def test_checkpoints_weights_and_whole_model_restore_the_same_model(tmp_path):
    out = run_program("save_and_load.py", tmp_path, 600, 2)
    names = line(out, "checkpoint files").split()
    assert names == ["cp-0000.ckpt", "cp-0001.ckpt", "cp-0002.ckpt"]  # {epoch:04d}
    assert sorted(os.listdir(tmp_path / "training")) == names  # nothing else written there
    for epoch in (1, 2):
        assert f"Epoch {epoch}: saving model to {tmp_path / 'training' / names[epoch]}" in out
    trained = value(out, "trained accuracy")
    assert trained >= 0.6 and value(out, "untrained accuracy") < 0.3
    assert line(out, "latest checkpoint") == "cp-0002.ckpt"
    assert value(out, "restored from checkpoint accuracy") == trained
    # save_freq = 2 epochs' worth of batches, over 4 epochs: saved after epochs 2 and 4
    assert line(out, "every other epoch files") == "cp-0002.ckpt cp-0004.ckpt"
    assert f"Epoch 4: saving model to {tmp_path / 'training_2' / 'cp-0004.ckpt'}" in out
    assert value(out, "restored from save_weights accuracy") == trained
    assert value(out, "restored whole model accuracy") == trained
    assert line(out, "identical predictions") == "True"
    assert value(out, "optimizer steps") == 2 * 19  # 600 / 32 -> 19 steps per epoch
    assert value(out, "restored optimizer steps") == value(out, "optimizer steps")


def hooks(out):
    return [
        ln.split(" keys=")[0][len("hook: ") :] for ln in out.splitlines() if ln.startswith("hook: ")
    ]


def test_custom_callbacks_see_the_hooks_in_order_stop_early_and_schedule_lr():
    out = run_program("custom_callbacks.py", 1000, 30)
    fit, evaluate, predict = hooks(out)[:12], hooks(out)[12:18], hooks(out)[18:]
    assert fit == [
        "train_begin", "epoch_begin 0",
        "train_batch_begin 0", "train_batch_end 0", "train_batch_begin 1", "train_batch_end 1",
        "test_begin", "test_batch_begin 0", "test_batch_end 0", "test_end",
        "epoch_end 0", "train_end",
    ]  # fmt: skip
    assert evaluate == [
        "test_begin", "test_batch_begin 0", "test_batch_end 0",
        "test_batch_begin 1", "test_batch_end 1", "test_end",
    ]  # fmt: skip
    assert predict == [
        "predict_begin", "predict_batch_begin 0", "predict_batch_end 0",
        "predict_batch_begin 1", "predict_batch_end 1", "predict_end",
    ]  # fmt: skip
    assert "hook: train_batch_end 0 keys=['loss', 'mean_absolute_error']" in out
    assert "hook: epoch_end 0 keys=['loss', 'mean_absolute_error', 'val_loss', " in out
    assert "hook: predict_batch_end 0 keys=['outputs']" in out

    run, best = int(value(out, "epochs run")), int(value(out, "best epoch"))
    assert run < 30 and run - best == 2  # patience 2 after the best epoch
    assert f"Epoch {run}: early stopping" in out
    assert value(out, "last epoch loss") > value(out, "best loss")
    assert line(out, "weights are the best epoch's") == "True"

    expected = [0.1] * 3 + [0.05] * 3 + [0.01] * 3 + [0.005]  # STEPS in the program
    used = [float(x) for x in re.findall(r"^epoch \d+ used learning rate: (\S+)$", out, re.M)]
    assert used == expected
    assert value(out, "final learning rate") == 0.005
    assert line(out, "tf version") == "2.15.1"


def test_sequential_guide_build_pop_summary_and_freezing():
    out = run_program("sequential_guide.py", 600, 2)
    assert line(out, "stacked output shape") == "(3, 4)"
    assert line(out, "layer names") == "layer1 layer2 layer3"
    assert line(out, "layer by layer equals the model") == "True"
    assert line(out, "model name") == "my_sequential"
    assert value(out, "layers after add") == 3 and value(out, "layers after pop") == 2
    assert value(out, "layer weights before a call") == 0
    assert line(out, "layer weight shapes after a call") == "[(4, 3), (3,)]"
    assert value(out, "model weights after the first call") == 6
    assert value(out, "layers with an Input first") == 1  # the Input is not a layer
    assert value(out, "weights before any data") == 2
    assert "Total params: 52320 (204.38 KB)" in out  # 784*64+64 + 64*32+32
    assert line(out, "output shape so far") == "(None, 32)"
    assert line(out, "output shape at the end") == "(None, 10)"
    assert value(out, "parameters") == 52320 + 32 * 10 + 10
    assert line(out, "get_layer by index is the last layer") == "True"
    assert value(out, "trainable weights after freezing") == 2
    assert line(out, "frozen layers unchanged") == "True"
    assert line(out, "last layer changed") == "True"


def test_sequential_feature_extraction_with_the_functional_api():
    out = run_program("sequential_feature_extraction.py")
    assert value(out, "number of feature maps") == 3
    assert line(out, "feature shapes") == "(3, 16) (3, 8) (3, 4)"
    assert line(out, "last features equal the model output") == "True"
    assert line(out, "intermediate shape") == "(3, 8)"
    assert line(out, "intermediate equals its feature map") == "True"
    assert line(out, "shares the weights") == "True"


def test_training_and_evaluation_validation_and_weights():
    out = run_program("training_evaluation.py", 1000, 2)
    assert line(out, "history keys") == (
        "['loss', 'sparse_categorical_accuracy', 'val_loss', 'val_sparse_categorical_accuracy']"
    )
    assert value(out, "history length") == 2
    assert value(out, "test accuracy") >= 0.6
    assert line(out, "evaluate dict keys") == "['loss', 'sparse_categorical_accuracy']"
    assert line(out, "dict equals list") == "True"
    assert line(out, "predictions shape") == "(3, 10)"
    sums = [float(s) for s in line(out, "prediction row sums").split()]
    assert np.allclose(sums, 1.0, atol=1e-5)
    # validation_split held out the tail: the same loss measured again on it
    assert value(out, "split val_loss") == pytest.approx(value(out, "held-out tail loss"), rel=1e-6)
    # ten-fold weight on digit 5 makes the model predict 5 more often
    plain, weighted = (
        value(out, "predicted fives without weights"),
        value(out, "predicted fives with class_weight"),
    )
    assert weighted > plain + 0.05
    assert value(out, "predicted fives with sample_weight") == weighted
    assert line(out, "class_weight and sample_weight histories agree") == "True"
    assert line(out, "weighted loss differs from plain") == "True"


def test_training_and_evaluation_with_a_functional_model():
    out = run_program("training_evaluation_functional.py", 1000, 2)
    assert value(out, "parameters") == 784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10
    assert "digits (InputLayer)" in out  # the functional summary lists the input
    assert line(out, "history keys") == (
        "['loss', 'sparse_categorical_accuracy', 'val_loss', 'val_sparse_categorical_accuracy']"
    )
    assert value(out, "test accuracy") >= 0.6
    assert line(out, "predictions shape") == "(3, 10)"
    assert value(out, "largest row-sum error") < 1e-5
