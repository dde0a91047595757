"""Class-notes style (seed 002): ModelCheckpoint + EarlyStopping, then the best file.

The checkpoint keeps only improving models, named after the epoch and the
validation accuracy (``dm_07_0.97.hdf5``); early stopping ends the 1000-epoch run
once val_accuracy has not improved for ``patience`` epochs. The best file is then
loaded, evaluated, and asked about one image shaped (1, 28, 28, 1), as the notes do
with their own handwriting. Usage: ``python mnist_checkpoint_earlystop.py [DIR]``.
"""

import os
import sys

from scratchdl.keras.callbacks import EarlyStopping, ModelCheckpoint
from scratchdl.keras.datasets import mnist
from scratchdl.keras.layers import Dense, Flatten, InputLayer
from scratchdl.keras.models import Sequential, load_model
from scratchdl.keras.utils import set_random_seed

set_random_seed(3)
model_dir = sys.argv[1] if len(sys.argv) > 1 else "best_model"

(X_train, y_train), (X_test, y_test) = mnist.load_data()
X_train, y_train = X_train[:20000], y_train[:20000]  # a smaller class exercise

model_path = os.path.join(model_dir, "dm_{epoch:02d}_{val_accuracy:0.2f}.hdf5")
mc = ModelCheckpoint(filepath=model_path, verbose=1, save_best_only=True, monitor="val_accuracy")
es = EarlyStopping(monitor="val_accuracy", verbose=1, patience=3)

model = Sequential()
model.add(InputLayer(input_shape=(28, 28)))
model.add(Flatten())
for units in (64, 128, 256, 128, 64):
    model.add(Dense(units=units, activation="relu"))
model.add(Dense(units=10, activation="softmax"))
model.compile(loss="sparse_categorical_crossentropy", optimizer="Adam", metrics=["accuracy"])

h = model.fit(
    X_train / 255,
    y_train,
    validation_split=0.2,
    epochs=1000,
    batch_size=128,
    callbacks=[mc, es],
    verbose=2,
)
print("epochs run:", len(h.epoch))

# the best model: the newest file (save_best_only writes only improvements)
files = sorted(os.listdir(model_dir))
print("saved files:", files)
best_model = load_model(os.path.join(model_dir, files[-1]))
loss, acc = best_model.evaluate(X_test / 255, y_test)

testimg = X_test[:1].reshape(1, 28, 28, 1).astype("float32") / 255
probs = best_model.predict(testimg)
print("probabilities shape:", probs.shape)
print("predicted digit:", probs.argmax(), "label:", y_test[0])
print("best val_accuracy:", max(h.history["val_accuracy"]))
print("test accuracy:", acc)
