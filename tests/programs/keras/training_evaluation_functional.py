"""The training-and-evaluation guide's model, written with the functional API.

``keras.Input`` gives a symbolic input; calling layers on it wires the graph;
``keras.Model(inputs, outputs)`` makes a model that compiles, fits (with
validation data), evaluates and predicts like a Sequential one.
Usage: ``python training_evaluation_functional.py [N_TRAIN] [EPOCHS]``.
"""

import sys

import numpy as np

from scratchdl.keras import layers
from scratchdl.tensorflow import keras

n_train = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
keras.utils.set_random_seed(8)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(60000, 784).astype("float32") / 255
x_test = x_test.reshape(10000, 784).astype("float32") / 255
n_val = max(n_train // 5, 100)
x_val, y_val = x_train[-n_val:], y_train[-n_val:]
x_train, y_train = x_train[:n_train], y_train[:n_train]
x_test, y_test = x_test[:n_val], y_test[:n_val]

inputs = keras.Input(shape=(784,), name="digits")
x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
x = layers.Dense(64, activation="relu", name="dense_2")(x)
outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
model.summary()
print("parameters:", model.count_params())

model.compile(
    optimizer=keras.optimizers.RMSprop(),
    loss=keras.losses.SparseCategoricalCrossentropy(),
    metrics=[keras.metrics.SparseCategoricalAccuracy()],
)
history = model.fit(
    x_train, y_train, batch_size=64, epochs=epochs, validation_data=(x_val, y_val), verbose=2
)
print("history keys:", sorted(history.history))
scores = model.evaluate(x_test, y_test, batch_size=128, verbose=0, return_dict=True)
print("test accuracy:", scores["sparse_categorical_accuracy"])
predictions = model.predict(x_test[:3], verbose=0)
print("predictions shape:", predictions.shape)
print("largest row-sum error:", float(np.abs(predictions.sum(axis=1) - 1).max()))
