"""A training loop written from scratch: MNIST with tf.Variable weights and a GradientTape.

What ``fit`` does, spelled out: for each epoch, shuffle and batch the data, and
for each batch run the model under a tape, ask the tape for the gradients,
update the weights, and keep running averages of the loss and the accuracy;
after each epoch, reset those averages and measure the validation set.

The model is a 784-64-64-10 ReLU network made only of tensor operations and
Variables; the update is plain SGD written here (w := w - lr * dL/dw).

Usage: python mnist_training_loop_from_scratch.py [n_train] [n_val] [epochs]
(defaults: all 55000 / 5000, 5 epochs).
"""

import sys

import numpy as np

import scratchdl.tensorflow as tf
from scratchdl.keras.datasets import mnist

n_train = int(sys.argv[1]) if len(sys.argv) > 1 else 55000
n_val = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
batch_size, learning_rate = 64, 0.1

tf.random.set_seed(16)
(x_all, y_all), (x_test, y_test) = mnist.load_data()
x_all = x_all.reshape(-1, 784).astype("float32") / 255.0
x_test = x_test.reshape(-1, 784).astype("float32") / 255.0
x_train, y_train = x_all[:n_train], y_all[:n_train].astype("int64")
x_val, y_val = x_all[-n_val:], y_all[-n_val:].astype("int64")

train_data = tf.data.Dataset.from_tensor_slices((x_train, y_train))
train_data = train_data.shuffle(buffer_size=n_train, seed=1).batch(batch_size)
val_data = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(256)
test_data = tf.data.Dataset.from_tensor_slices((x_test, y_test.astype("int64"))).batch(256)


def dense_weights(n_in, n_out):
    """He-normal kernel and zero bias."""
    W = tf.Variable(tf.random.normal((n_in, n_out), stddev=np.sqrt(2.0 / n_in)), name="kernel")
    b = tf.Variable(tf.zeros((n_out,)), name="bias")
    return W, b


params = [*dense_weights(784, 64), *dense_weights(64, 64), *dense_weights(64, 10)]


def model(x):
    W1, b1, W2, b2, W3, b3 = params
    h = tf.nn.relu(tf.matmul(x, W1) + b1)
    h = tf.nn.relu(tf.matmul(h, W2) + b2)
    return tf.matmul(h, W3) + b3  # logits


def loss_fn(labels, logits):
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))


class RunningMean:
    """The mean of the values seen since the last reset, weighted by batch size."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.total, self.count = 0.0, 0

    def update(self, value, n):
        self.total += float(value) * n
        self.count += n

    def result(self):
        return self.total / max(self.count, 1)


def accuracy(labels, logits):
    hits = tf.equal(tf.argmax(logits, axis=1), labels)
    return float(tf.reduce_mean(tf.cast(hits, tf.float32)))


def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x)
        loss = loss_fn(y, logits)
    grads = tape.gradient(loss, params)
    for w, g in zip(params, grads):
        w.assign_sub(learning_rate * g)
    return loss, logits


def evaluate(data):
    acc = RunningMean()
    for x, y in data:
        acc.update(accuracy(y, model(x)), len(y))
    return acc.result()


train_loss, train_acc = RunningMean(), RunningMean()
for epoch in range(epochs):
    train_loss.reset()
    train_acc.reset()
    for x, y in train_data:
        loss, logits = train_step(x, y)
        train_loss.update(loss, len(y))
        train_acc.update(accuracy(y, logits), len(y))
    val_acc = evaluate(val_data)
    print(
        f"epoch {epoch + 1}: loss {train_loss.result():.4f} "
        f"accuracy {train_acc.result():.4f} val_accuracy {val_acc:.4f}"
    )

print(f"final loss: {train_loss.result():.6f}")
print(f"val accuracy: {val_acc:.6f}")
print(f"test accuracy: {evaluate(test_data):.6f}")
