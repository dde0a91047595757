"""A beginner's first network, as the TensorFlow quickstart teaches it.

Flatten -> Dense(128, relu) -> Dropout(0.2) -> Dense(10) logits; the untrained
model's logits for one image through ``tf.nn.softmax``; the loss of those logits
(about -log(1/10) = 2.3 before training); compile, fit, evaluate; then a
probability model that wraps the trained one with a Softmax layer.
Usage: ``python quickstart_beginner.py [N_TRAIN] [EPOCHS]``.
"""

import sys

import numpy as np

import scratchdl.tensorflow as tf

n_train = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 5

print("TensorFlow version:", tf.__version__)
tf.keras.utils.set_random_seed(1)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train, y_train = x_train[:n_train] / 255.0, y_train[:n_train]
x_test, y_test = x_test[: max(n_train // 6, 100)] / 255.0, y_test[: max(n_train // 6, 100)]

model = tf.keras.models.Sequential(
    [
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10),
    ]
)

logits = model(x_train[:1]).numpy()  # raw scores of an untrained model
print("logits shape:", logits.shape)
probs = tf.nn.softmax(logits).numpy()
print("untrained probability sum:", float(probs.sum()))

loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
print("untrained loss:", float(loss_fn(y_train[:1], logits).numpy()))

model.compile(optimizer="adam", loss=loss_fn, metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=epochs, verbose=2)
print("epochs run:", len(history.history["loss"]))
loss, accuracy = model.evaluate(x_test, y_test, verbose=2)
print("test loss:", loss)
print("test accuracy:", accuracy)

probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
five = probability_model(x_test[:5]).numpy()
print("probability rows shape:", five.shape)
print("largest row-sum error:", float(np.abs(five.sum(axis=1) - 1).max()))
logits_five = model(x_test[:5]).numpy()
print("same argmax as the logits:", bool((five.argmax(1) == logits_five.argmax(1)).all()))
print("shares the trained layers:", probability_model.layers[0] is model)
