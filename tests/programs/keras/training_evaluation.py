"""Training and evaluation with the built-in loops: fit, evaluate, predict.

A 784-64-64-10 softmax classifier compiled with an optimizer, a loss and a
metric; ``fit`` with ``validation_data`` (history per epoch), ``evaluate`` (a list
and, with ``return_dict=True``, a dict), ``predict``; ``validation_split`` (the
LAST part of the arrays, before any shuffling, is held out); ``class_weight``
(here digit 5 counts ten times) and the same weighting given as ``sample_weight``.
Usage: ``python training_evaluation.py [N_TRAIN] [EPOCHS]``.
"""

import sys

import numpy as np

from scratchdl.tensorflow import keras

n_train = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 2

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(60000, 784).astype("float32") / 255
x_test = x_test.reshape(10000, 784).astype("float32") / 255
y_train, y_test = y_train.astype("float32"), y_test.astype("float32")
n_val = max(n_train // 5, 100)
x_val, y_val = x_train[-n_val:], y_train[-n_val:]  # kept apart for validation
x_train, y_train = x_train[:n_train], y_train[:n_train]
x_test, y_test = x_test[:n_val], y_test[:n_val]


def get_compiled_model(seed=7):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.layers.Dense(64, activation="relu", name="dense_1", input_shape=(784,)),
            keras.layers.Dense(64, activation="relu", name="dense_2"),
            keras.layers.Dense(10, activation="softmax", name="predictions"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(),  # learning rate 0.001
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    return model


model = get_compiled_model()
history = model.fit(
    x_train, y_train, batch_size=64, epochs=epochs, validation_data=(x_val, y_val), verbose=2
)
print("history keys:", sorted(history.history))
print("history length:", len(history.history["val_loss"]))

results = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
print("test loss:", results[0])
print("test accuracy:", results[1])
as_dict = model.evaluate(x_test, y_test, batch_size=128, verbose=0, return_dict=True)
print("evaluate dict keys:", sorted(as_dict))
print("dict equals list:", as_dict["loss"] == results[0])

predictions = model.predict(x_test[:3], verbose=0)
print("predictions shape:", predictions.shape)
print("prediction row sums:", " ".join(f"{s:.6f}" for s in predictions.sum(axis=1)))

# validation_split: the last 20 % of the arrays, taken before shuffling
model = get_compiled_model()
history = model.fit(x_train, y_train, batch_size=64, validation_split=0.2, epochs=1, verbose=0)
n_split = int(round(len(x_train) * 0.2))
held_out = model.evaluate(x_train[-n_split:], y_train[-n_split:], batch_size=64, verbose=0)
print("split val_loss:", history.history["val_loss"][0])
print("held-out tail loss:", held_out[0])

# class_weight: every digit counts once, digit 5 ten times
class_weight = {digit: 1.0 for digit in range(10)}
class_weight[5] = 10.0
plain = get_compiled_model()
plain_history = plain.fit(x_train, y_train, batch_size=64, epochs=epochs, verbose=0)
weighted = get_compiled_model()
weighted_history = weighted.fit(
    x_train, y_train, class_weight=class_weight, batch_size=64, epochs=epochs, verbose=0
)


def share_of_fives(model):
    return float(np.mean(model.predict(x_test, verbose=0).argmax(axis=1) == 5))


print("true share of fives:", float(np.mean(y_test == 5)))
print("predicted fives without weights:", share_of_fives(plain))
print("predicted fives with class_weight:", share_of_fives(weighted))

# the same weighting, one number per sample
sample_weight = np.ones(len(y_train))
sample_weight[y_train == 5] = 10.0
by_sample = get_compiled_model()
sample_history = by_sample.fit(
    x_train, y_train, sample_weight=sample_weight, batch_size=64, epochs=epochs, verbose=0
)
print("predicted fives with sample_weight:", share_of_fives(by_sample))
same = np.allclose(weighted_history.history["loss"], sample_history.history["loss"], rtol=1e-6)
print("class_weight and sample_weight histories agree:", bool(same))
differs = weighted_history.history["loss"] != plain_history.history["loss"]
print("weighted loss differs from plain:", differs)
