"""Class-notes style (seed 002): the 64-128-256-128-64 ReLU "jar" net with Adam.

The notes feed the RAW 0-255 pixels (no /255) and hold out the last 20 % of the
training set with ``validation_split=0.2``. Expected: test accuracy 0.96 or more
after 20 epochs.
"""

import scratchdl.tensorflow as tf
from scratchdl.keras import Sequential
from scratchdl.keras.datasets import mnist
from scratchdl.keras.layers import Dense, Flatten, InputLayer

tf.random.set_seed(2024)

(X_train, y_train), (X_test, y_test) = mnist.load_data()
print(X_train.shape, y_train.shape, X_test.shape, y_test.shape)

model3 = Sequential()
model3.add(InputLayer(input_shape=(28, 28)))  # input layer
model3.add(Flatten())
model3.add(Dense(units=64, activation="relu"))  # 5 hidden layers: 64, 128, 256, 128, 64
model3.add(Dense(units=128, activation="relu"))
model3.add(Dense(units=256, activation="relu"))
model3.add(Dense(units=128, activation="relu"))
model3.add(Dense(units=64, activation="relu"))
model3.add(Dense(units=10, activation="softmax"))  # output layer
model3.summary()

model3.compile(loss="sparse_categorical_crossentropy", optimizer="Adam", metrics=["accuracy"])

h3 = model3.fit(X_train, y_train, validation_split=0.2, epochs=20, verbose=2)

scores = model3.evaluate(X_test, y_test)
for name, value in zip(model3.metrics_names, scores):
    print(name, value)
print("best val_accuracy:", max(h3.history["val_accuracy"]))
print("test accuracy:", scores[1])
