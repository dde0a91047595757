"""MNIST trained by a hand-written loop instead of fit, as a Keras course's next chapter does.

A Keras model (784-64-64-10 ReLU, logits out), Adam, a from-logits cross-entropy,
tf.data for batching; for each batch the forward pass runs under a GradientTape, the
tape gives the gradients of the loss with respect to the model's trainable weights,
and the optimizer applies them. Accuracy metrics are updated per batch and reset per
epoch; a validation loop runs after each epoch in inference mode.

With TensorFlow: replace the two scratchdl imports with
``import tensorflow as tf`` and ``import tensorflow.keras as keras``.

Usage: python training_loop_with_a_tape.py [n_train] [epochs]  (defaults 55000, 3)
Prints one line per epoch and, last, ``test accuracy: 0.xxxx``.
"""

import sys

import numpy as np

import scratchdl.keras as keras
import scratchdl.tensorflow as tf

n_train = int(sys.argv[1]) if len(sys.argv) > 1 else 55000
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
batch_size = 64
keras.utils.set_random_seed(7)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
x_test = x_test.reshape(-1, 784).astype("float32") / 255.0
x_val, y_val = x_train[-5000:], y_train[-5000:]
x_train, y_train = x_train[:n_train], y_train[:n_train]

train_data = tf.data.Dataset.from_tensor_slices((x_train, y_train))
train_data = train_data.shuffle(buffer_size=1024, seed=7).batch(batch_size)
val_data = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(256)

model = keras.Sequential(
    [
        keras.layers.Dense(64, activation="relu", input_shape=(784,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10),
    ]
)
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
train_acc = keras.metrics.SparseCategoricalAccuracy()
val_acc = keras.metrics.SparseCategoricalAccuracy()

for epoch in range(epochs):
    for x_batch, y_batch in train_data:
        with tf.GradientTape() as tape:
            logits = model(x_batch, training=True)
            loss = loss_fn(y_batch, logits)
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        train_acc.update_state(y_batch, logits)
    for x_batch, y_batch in val_data:
        val_acc.update_state(y_batch, model(x_batch, training=False))
    print(
        f"epoch {epoch + 1}: last batch loss {float(loss):.4f}, "
        f"train acc {float(train_acc.result()):.4f}, val acc {float(val_acc.result()):.4f}"
    )
    train_acc.reset_state()
    val_acc.reset_state()

test_logits = model(x_test)
print(f"test accuracy: {np.mean(np.argmax(test_logits, axis=-1) == y_test):.4f}")
