"""Feature extraction from a Sequential model (the Sequential guide's last part).

Once a Sequential model is built, every layer has an ``input`` and an ``output``,
so ``keras.Model(inputs=model.inputs, outputs=...)`` makes a new model returning
the activations of all layers, or of one named intermediate layer.  Needs the
functional API.  Usage: ``python sequential_feature_extraction.py``.
"""

import numpy as np

import scratchdl.tensorflow as tf
from scratchdl.keras import layers
from scratchdl.tensorflow import keras

keras.utils.set_random_seed(6)
initial_model = keras.Sequential(
    [
        keras.Input(shape=(20,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(8, activation="relu", name="my_intermediate_layer"),
        layers.Dense(4),
    ]
)

# every layer's activations at once
feature_extractor = keras.Model(
    inputs=initial_model.inputs,
    outputs=[layer.output for layer in initial_model.layers],
)
x = tf.ones((3, 20))
features = feature_extractor(x)
print("number of feature maps:", len(features))
print("feature shapes:", " ".join(str(tuple(f.shape)) for f in features))
last_equal = np.allclose(np.asarray(features[-1]), np.asarray(initial_model(x)))
print("last features equal the model output:", bool(last_equal))

# one intermediate layer, found by name
one_layer = keras.Model(
    inputs=initial_model.inputs,
    outputs=initial_model.get_layer(name="my_intermediate_layer").output,
)
middle = one_layer(x)
print("intermediate shape:", tuple(middle.shape))
print("intermediate equals its feature map:", bool(np.allclose(middle, features[1])))
print("shares the weights:", one_layer.layers[-1] is initial_model.layers[1])
