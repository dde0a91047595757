"""Class-notes style (seed 001): weight decay, constraints, dropout, lr schedules.

Each technique of the notes is used in one short fit on (part of) MNIST:
L1/L2 weight decay, a MaxNorm weight constraint, Dropout, ``Adam(lr=...)`` in the
old spelling, ExponentialDecay on SGD and CosineDecayRestarts from
``tf.keras.experimental`` on Adam. Written with ``import scratchdl.tensorflow as tf``
where the notes write ``import tensorflow as tf``.
"""

import numpy as np

import scratchdl.tensorflow as tf
from scratchdl.keras import regularizers
from scratchdl.keras.constraints import MaxNorm
from scratchdl.keras.datasets import mnist
from scratchdl.keras.layers import Dense, Dropout, Flatten
from scratchdl.keras.models import Sequential

tf.random.set_seed(1)
(X_train, y_train), (X_test, y_test) = mnist.load_data()
X_train, X_test = X_train[:12000] / 255.0, X_test / 255.0
y_train = y_train[:12000]


def build(hidden, optimizer):
    model = Sequential()
    model.add(Flatten(input_shape=(28, 28)))
    for layer in hidden:
        model.add(layer)
    model.add(Dense(10, activation="softmax"))
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def run(name, model, epochs=3):
    model.fit(X_train, y_train, batch_size=32, epochs=epochs, validation_split=0.1, verbose=0)
    loss, acc = model.evaluate(X_test, y_test, verbose=0)
    print(f"{name} test accuracy: {acc:.4f}")
    return model, loss


# weight decay: L2 and L1 penalties on the kernel are part of the loss
l2_model, l2_loss = run(
    "l2",
    build([Dense(64, activation="relu", kernel_regularizer=regularizers.l2(0.001))], "adam"),
)
l1_model, _ = run(
    "l1",
    build([Dense(64, activation="relu", kernel_regularizer=regularizers.L1(0.0001))], "adam"),
)
kernel = l2_model.layers[1].get_weights()[0]
p = l2_model.predict(X_test, verbose=0)
cross_entropy = -np.mean(np.log(np.clip(p[np.arange(len(y_test)), y_test], 1e-7, 1.0)))
print("l2 loss minus cross-entropy:", l2_loss - cross_entropy)
print("l2 penalty:", 0.001 * float(np.sum(kernel.astype(np.float64) ** 2)))

# weight constraint: every unit's incoming weight vector has norm <= 2
mn_model, _ = run(
    "maxnorm",
    build([Dense(64, activation="relu", kernel_constraint=MaxNorm(2.0))], "adam"),
)
norms = np.sqrt(np.sum(mn_model.layers[1].get_weights()[0] ** 2, axis=0))
print("max column norm:", float(norms.max()))

# dropout: half of the hidden units are switched off at each training step
run("dropout", build([Dense(128, activation="relu"), Dropout(0.5)], "adam"))

# the old spelling Adam(lr=...) of tf.keras <= 2.10 still sets the learning rate
adam_model, _ = run(
    "adam_lr",
    build([Dense(64, activation="relu")], tf.keras.optimizers.Adam(lr=0.001, beta_1=0.89)),
)
print("adam learning rate:", adam_model.optimizer.learning_rate)

# learning-rate schedules are functions of the step (batches seen)
lr_schedule = tf.keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate=1e-2, decay_steps=10000, decay_rate=0.9
)
exp_model, _ = run(
    "exponential_decay",
    build([Dense(64, activation="relu")], tf.keras.optimizers.SGD(learning_rate=lr_schedule)),
)
steps = exp_model.optimizer.iterations
print("exponential decay steps:", steps, "lr:", exp_model.optimizer.learning_rate)

first_decay_steps = 1000
initial_learning_rate = 0.01
lr_decayed_fn = tf.keras.experimental.CosineDecayRestarts(initial_learning_rate, first_decay_steps)
run(
    "cosine_decay_restarts",
    build([Dense(64, activation="relu")], tf.keras.optimizers.Adam(learning_rate=lr_decayed_fn)),
)
