"""Clothing pictures instead of digits: the basic-classification tutorial's usage.

Fashion-MNIST's ten class names, pixels scaled to [0, 1], a Flatten/Dense/Dense
logits model, a probability model on top of it, the prediction for one test
picture made into a batch of one with ``np.expand_dims``, and ``np.argmax`` to
name the class.  Usage: ``python fashion_classifier.py [N_TRAIN] [EPOCHS]``.
"""

import sys

import numpy as np

import scratchdl.tensorflow as tf
from scratchdl.keras import datasets, layers

n_train = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
tf.keras.utils.set_random_seed(2)

(train_images, train_labels), (test_images, test_labels) = datasets.fashion_mnist.load_data()
class_names = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]  # fmt: skip
print("train images shape:", train_images.shape)
print("train images dtype:", train_images.dtype)
print("label range:", train_labels.min(), train_labels.max())

train_images, train_labels = train_images[:n_train] / 255.0, train_labels[:n_train]
n_test = max(n_train // 6, 100)
test_images, test_labels = test_images[:n_test] / 255.0, test_labels[:n_test]

model = tf.keras.Sequential(
    [
        layers.Flatten(input_shape=(28, 28)),
        layers.Dense(128, activation="relu"),
        layers.Dense(10),
    ]
)
model.compile(
    optimizer="adam",
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
model.fit(train_images, train_labels, epochs=epochs, verbose=0)
test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
print("test accuracy:", test_acc)

probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
predictions = probability_model.predict(test_images, verbose=0)
print("predictions shape:", predictions.shape)
print("first prediction:", class_names[np.argmax(predictions[0])])
print("first truth:", class_names[test_labels[0]])
print("accuracy from the probabilities:", float(np.mean(predictions.argmax(1) == test_labels)))

img = test_images[1]
print("one image shape:", img.shape)
img = np.expand_dims(img, 0)  # Keras works on batches, even of one picture
print("batch of one shape:", img.shape)
single = probability_model.predict(img, verbose=0)
print("single prediction shape:", single.shape)
print("single probability sum:", float(single.sum()))
print("single predicted class:", int(np.argmax(single[0])))
same = np.allclose(single[0], predictions[1], atol=1e-6)
print("single prediction matches the batch one:", bool(same))
