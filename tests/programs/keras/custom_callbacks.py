"""Writing one's own callbacks: every hook, early stopping by hand, a learning-rate schedule.

1. ``HookReporter`` overrides the train, test and predict hooks (begin/end of the
   run, of each epoch and of each batch) and prints one line per call with the
   keys of the logs it received, so the order of the calls can be read off.
2. ``StopAtMinimumLoss`` watches the training loss, keeps the weights of the best
   epoch, stops once the loss has not improved for ``patience`` epochs and puts the
   best weights back.
3. ``ScheduleLearningRate`` asks a schedule ``(epoch, lr) -> new lr`` before each
   epoch and writes the answer to ``self.model.optimizer.learning_rate``.
Usage: ``python custom_callbacks.py [N_TRAIN] [EPOCHS]``.
"""

import sys

import numpy as np

import scratchdl.tensorflow as tf
from scratchdl.tensorflow import keras

n_train = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
keras.utils.set_random_seed(4)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train[:n_train].reshape(-1, 784).astype("float32") / 255.0
x_test = x_test[:n_train].reshape(-1, 784).astype("float32") / 255.0
y_train = y_train[:n_train].astype("float32")  # a regression on the digit itself
y_test = y_test[:n_train].astype("float32")


def make_model(learning_rate=0.1):
    model = keras.Sequential([keras.layers.Dense(1, input_dim=784)])
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=learning_rate),
        loss="mean_squared_error",
        metrics=["mean_absolute_error"],
    )
    return model


class HookReporter(keras.callbacks.Callback):
    """Prints ``hook: <name> <index> keys=[...]`` for every hook Keras calls."""

    def _report(self, name, index=None, logs=None):
        where = "" if index is None else f" {index}"
        print(f"hook: {name}{where} keys={sorted(logs or {})}")

    def on_train_begin(self, logs=None):
        self._report("train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._report("train_end", logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._report("epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._report("epoch_end", epoch, logs)

    def on_test_begin(self, logs=None):
        self._report("test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._report("test_end", logs=logs)

    def on_predict_begin(self, logs=None):
        self._report("predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._report("predict_end", logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._report("train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._report("train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._report("test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._report("test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._report("predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._report("predict_batch_end", batch, logs)


print("== every hook ==")
model = make_model()
# 2 x 128 training samples, 2 x 64 validation samples: two batches of each kind
model.fit(
    x_train[:256],
    y_train[:256],
    batch_size=128,
    epochs=1,
    validation_data=(x_test[:128], y_test[:128]),
    verbose=0,
    callbacks=[HookReporter()],
)
model.evaluate(x_test[:128], y_test[:128], batch_size=64, verbose=0, callbacks=[HookReporter()])
model.predict(x_test[:128], batch_size=64, verbose=0, callbacks=[HookReporter()])


class StopAtMinimumLoss(keras.callbacks.Callback):
    """Stop when the loss has not fallen for ``patience`` epochs; keep the best weights."""

    def __init__(self, patience=0):
        super().__init__()
        self.patience = patience
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best, self.best_epoch = 0, 0, np.inf, -1

    def on_epoch_end(self, epoch, logs=None):
        loss = logs.get("loss")
        if loss < self.best:
            self.best, self.best_epoch, self.wait = loss, epoch, 0
            self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            print("restoring the weights of epoch", self.best_epoch + 1)
            self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")


print("== early stopping at the minimum loss ==")
model = make_model(learning_rate=0.1)  # a large step: the loss soon stops falling
stopper = StopAtMinimumLoss(patience=2)
history = model.fit(x_train, y_train, batch_size=64, epochs=epochs, verbose=0, callbacks=[stopper])
print("epochs run:", len(history.history["loss"]))
print("best epoch:", stopper.best_epoch + 1)
print("best loss:", stopper.best)
print("last epoch loss:", history.history["loss"][-1])
restored_loss = model.evaluate(x_train, y_train, batch_size=64, verbose=0)[0]
print("loss after restoring:", restored_loss)
kept = zip(model.get_weights(), stopper.best_weights)
print("weights are the best epoch's:", all(np.array_equal(a, b) for a, b in kept))


class ScheduleLearningRate(keras.callbacks.Callback):
    """Before each epoch: ``lr = schedule(epoch, lr)`` on the model's optimizer."""

    def __init__(self, schedule):
        super().__init__()
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs=None):
        lr = float(self.model.optimizer.learning_rate)
        new_lr = self.schedule(epoch, lr)
        self.model.optimizer.learning_rate = new_lr
        print(f"Epoch {epoch + 1}: learning rate {new_lr:.6f}")

    def on_epoch_end(self, epoch, logs=None):
        print(f"epoch {epoch + 1} used learning rate: {float(self.model.optimizer.learning_rate)}")


STEPS = [(3, 0.05), (6, 0.01), (9, 0.005)]  # (from epoch, lr)


def step_schedule(epoch, lr):
    """The initial lr until epoch 3, then the last step reached."""
    for start, value in reversed(STEPS):
        if epoch >= start:
            return value
    return lr


print("== learning-rate schedule ==")
model = make_model(learning_rate=0.1)
history = model.fit(
    x_train,
    y_train,
    batch_size=64,
    epochs=min(epochs, 10),
    verbose=0,
    callbacks=[ScheduleLearningRate(step_schedule)],
)
print("final learning rate:", float(model.optimizer.learning_rate))
print("scheduled epochs:", len(history.history["loss"]))
print("tf version:", tf.version.VERSION)
