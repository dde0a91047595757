"""Class-notes style (seed 000): 784-50-50-10 sigmoid net, plain SGD, with batch norm.

A BatchNormalization layer follows each hidden Dense.

Only the import lines differ from a tf.keras 2.x program. Expected: test accuracy
0.93 or more after 30 epochs (the notes report 0.9572).
"""

import scratchdl.tensorflow as tf
from scratchdl.keras.datasets.mnist import load_data
from scratchdl.keras.layers import BatchNormalization, Dense, Flatten
from scratchdl.keras.models import Sequential
from scratchdl.keras.utils import to_categorical

tf.random.set_seed(777)

# 1. data: 28x28 grey images, pixels scaled to 0..1, labels one-hot
(x_train, y_train), (x_test, y_test) = load_data(path="mnist.npz")
x_train = x_train / 255
x_test = x_test / 255
y_train = to_categorical(y_train)
y_test = to_categorical(y_test)

# 2. model: two sigmoid hidden layers of 50 units, each followed by batch norm
model = Sequential()
model.add(Flatten(input_shape=(28, 28)))
model.add(Dense(50, activation="sigmoid"))
model.add(BatchNormalization())
model.add(Dense(50, activation="sigmoid"))
model.add(BatchNormalization())
model.add(Dense(10, activation="softmax"))

# 3. SGD with its default learning rate 0.01
model.compile(optimizer="SGD", loss="categorical_crossentropy", metrics=["acc"])

# 4. 30 epochs of 600 batches, checked on the test set after each epoch
history = model.fit(
    x_train, y_train, epochs=30, batch_size=100, validation_data=(x_test, y_test), verbose=2
)

# 5. evaluate: [loss, acc]
loss, acc = model.evaluate(x_test, y_test)
print("history keys:", list(history.history))
print("test accuracy:", acc)
