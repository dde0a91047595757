"""A GradientTape loop retraces ``fit`` step for step.

Same network, same initial weights (copied from the Keras-face model), same batches
(no shuffling), the same SGD rule: the tape's gradients come from the small ops of
scratchdl.autodiff, fit's from the engine's hand-written layer backwards, so equal
weights after training mean the two derivations agree all along the run.
"""

import numpy as np
import pytest

import scratchdl.tensorflow as tf
from scratchdl import keras


def keras_mlp(n_in, hidden, n_out, lr):
    layers = [keras.layers.Dense(hidden[0], activation="relu", input_shape=(n_in,))]
    layers += [keras.layers.Dense(n, activation="relu") for n in hidden[1:]]
    layers.append(keras.layers.Dense(n_out, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=lr),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def tape_training(weights, x, y, lr, batch_size, epochs):
    """The loop: ReLU layers of tf ops on tf.Variables, logits + sparse cross-entropy."""
    params = [tf.Variable(w) for w in weights]

    def net(xb):
        h = xb
        for i in range(0, len(params) - 2, 2):
            h = tf.nn.relu(tf.matmul(h, params[i]) + params[i + 1])
        return tf.matmul(h, params[-2]) + params[-1]

    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)
    epoch_losses = []
    for _ in range(epochs):
        total = 0.0
        for xb, yb in data:
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(yb, net(xb)))
            for w, g in zip(params, tape.gradient(loss, params)):
                w.assign_sub(lr * g)
            total += float(loss) * len(yb)
        epoch_losses.append(total / len(x))
    return params, epoch_losses, net


def test_the_tape_loop_ends_with_fits_weights(rng):
    x = rng.random((512, 20)).astype(np.float32)
    y = rng.integers(0, 5, 512)
    model = keras_mlp(20, (16, 16), 5, lr=0.1)
    initial = model.get_weights()
    history = model.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0)
    params, losses, _ = tape_training(initial, x, y, lr=0.1, batch_size=64, epochs=3)
    for w_fit, w_tape in zip(model.get_weights(), params):
        np.testing.assert_allclose(w_tape.numpy(), w_fit, atol=1e-6)
    np.testing.assert_allclose(losses, history.history["loss"], rtol=1e-5)
    assert losses[-1] < losses[0]


@pytest.mark.slow
def test_on_mnist_the_tape_loop_reaches_fits_test_accuracy():
    from scratchdl.keras.datasets import mnist

    (x, y), (x_test, y_test) = mnist.load_data()
    x = x.reshape(-1, 784).astype(np.float32) / 255
    x_test = x_test.reshape(-1, 784).astype(np.float32) / 255
    model = keras_mlp(784, (64, 64), 10, lr=0.1)
    initial = model.get_weights()
    model.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0)
    fit_accuracy = model.evaluate(x_test, y_test, verbose=0)[1]
    _, _, net = tape_training(initial, x, y.astype(np.int64), lr=0.1, batch_size=64, epochs=3)
    tape_accuracy = float(np.mean(np.argmax(np.asarray(net(x_test)), axis=1) == y_test))
    print(f"test accuracy: fit {fit_accuracy:.4f}, tape loop {tape_accuracy:.4f}")
    assert fit_accuracy > 0.95
    assert abs(tape_accuracy - fit_accuracy) <= 0.005
