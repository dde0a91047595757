"""The Sequential model, layer by layer, as the Keras guide walks through it.

A stack of named Dense layers called on ``tf.ones``; the same stack built with
``add``; a layer without weights until it first sees data; a model with no input
shape that creates its weights on the first call, and one given ``keras.Input``
that has them at once; ``summary`` while building; ``pop``; ``get_layer``; and
transfer learning by freezing every layer but the last.  (The guide's Conv2D
debugging example is told with Dense and Reshape layers: scratchdl has no
convolutions yet.)  Usage: ``python sequential_guide.py [N_TRAIN] [EPOCHS]``.
"""

import sys

import numpy as np

import scratchdl.tensorflow as tf
from scratchdl.keras import layers
from scratchdl.tensorflow import keras

n_train = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
keras.utils.set_random_seed(5)

# three named layers, called on a batch of three ones-vectors
model = keras.Sequential(
    [
        layers.Dense(2, activation="relu", name="layer1"),
        layers.Dense(3, activation="relu", name="layer2"),
        layers.Dense(4, name="layer3"),
    ]
)
y = model(tf.ones((3, 3)))
print("stacked output shape:", tuple(y.shape))
print("layer names:", " ".join(layer.name for layer in model.layers))

# the same three layers, called one after the other, give the same numbers
layer1, layer2, layer3 = model.layers
by_hand = layer3(layer2(layer1(tf.ones((3, 3)))))
print("layer by layer equals the model:", bool(np.allclose(np.asarray(by_hand), np.asarray(y))))

# built incrementally with add(), then pop() the last layer
model = keras.Sequential(name="my_sequential")
model.add(layers.Dense(2, activation="relu"))
model.add(layers.Dense(3, activation="relu"))
model.add(layers.Dense(4))
print("model name:", model.name)
print("layers after add:", len(model.layers))
model.pop()
print("layers after pop:", len(model.layers))

# a layer has no weights until it knows the size of its input
layer = layers.Dense(3)
print("layer weights before a call:", len(layer.weights))
layer(tf.ones((1, 4)))
print("layer weight shapes after a call:", [tuple(w.shape) for w in layer.weights])

# a model without an input shape: weights appear on the first call
model = keras.Sequential(
    [layers.Dense(2, activation="relu"), layers.Dense(3, activation="relu"), layers.Dense(4)]
)
model(tf.ones((1, 4)))
print("model weights after the first call:", len(model.weights))

# with keras.Input first, the model is built at once; the Input is not a layer
model = keras.Sequential()
model.add(keras.Input(shape=(4,)))
model.add(layers.Dense(2, activation="relu"))
print("layers with an Input first:", len(model.layers))
print("weights before any data:", len(model.weights))
model.summary()

# the guide's debugging habit: summary() after each stage while stacking
model = keras.Sequential()
model.add(keras.Input(shape=(28, 28)))
model.add(layers.Reshape((784,)))
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dense(32, activation="relu"))
model.summary()
print("output shape so far:", model.output_shape)
model.add(layers.Dense(10))
print("output shape at the end:", model.output_shape)
print("parameters:", model.count_params())
print("get_layer by index is the last layer:", model.get_layer(index=3) is model.layers[-1])

# transfer learning: train, then freeze all layers but the last and train again
(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train, y_train = x_train[:n_train] / 255.0, y_train[:n_train]
model.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
model.fit(x_train, y_train, epochs=epochs, batch_size=64, verbose=0)
for layer in model.layers[:-1]:
    layer.trainable = False
frozen_before = [layer.get_weights() for layer in model.layers[:-1]]
last_before = model.layers[-1].get_weights()
model.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
history = model.fit(x_train, y_train, epochs=1, batch_size=64, verbose=0)
frozen_after = [layer.get_weights() for layer in model.layers[:-1]]
unchanged = all(
    np.array_equal(a, b) for ws, vs in zip(frozen_before, frozen_after) for a, b in zip(ws, vs)
)
moved = not np.array_equal(last_before[0], model.layers[-1].get_weights()[0])
print("trainable weights after freezing:", len(model.trainable_weights))
print("frozen layers unchanged:", unchanged)
print("last layer changed:", moved)
print("accuracy after fine-tuning:", history.history["accuracy"][-1])
