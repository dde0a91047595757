"""Keeping a model: weight checkpoints during training, weights files, whole models.

1. ``ModelCheckpoint(save_weights_only=True)`` writes one weights file per epoch
   under a ``cp-{epoch:04d}.ckpt`` name; a fresh, untrained model of the same
   architecture scores near chance, then ``load_weights`` of the newest checkpoint
   (``tf.train.latest_checkpoint``) gives back the trained accuracy.  With
   ``save_freq=2 * batches per epoch`` a checkpoint is written every second epoch.
2. ``save_weights`` / ``load_weights`` by hand.
3. ``model.save`` / ``keras.models.load_model``: architecture, weights and the
   compiled optimizer in one file; the restored model predicts exactly the same.
Usage: ``python save_and_load.py DIR [N_TRAIN] [EPOCHS]``.
"""

import os
import sys

import numpy as np

import scratchdl.tensorflow as tf
from scratchdl.tensorflow import keras

work_dir = sys.argv[1]
n_train = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
keras.utils.set_random_seed(3)

(train_images, train_labels), (test_images, test_labels) = keras.datasets.mnist.load_data()
train_images = train_images[:n_train].reshape(-1, 28 * 28) / 255.0
train_labels = train_labels[:n_train]
test_images = test_images[:n_train].reshape(-1, 28 * 28) / 255.0
test_labels = test_labels[:n_train]


def create_model():
    """The same small architecture every time: 784 -> 512 relu -> dropout -> 10 logits."""
    model = keras.models.Sequential(
        [
            keras.layers.Dense(512, activation="relu", input_shape=(784,)),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    return model


# 1. a weights checkpoint every epoch, named after the epoch
checkpoint_dir = os.path.join(work_dir, "training")
checkpoint_path = os.path.join(checkpoint_dir, "cp-{epoch:04d}.ckpt")
cp_callback = keras.callbacks.ModelCheckpoint(
    filepath=checkpoint_path, save_weights_only=True, verbose=1
)
model = create_model()
model.save_weights(checkpoint_path.format(epoch=0))  # the untrained starting point
model.fit(
    train_images,
    train_labels,
    epochs=epochs,
    batch_size=32,
    validation_data=(test_images, test_labels),
    callbacks=[cp_callback],
    verbose=0,
)
print("checkpoint files:", " ".join(sorted(os.listdir(checkpoint_dir))))
_, trained_acc = model.evaluate(test_images, test_labels, verbose=0)
print("trained accuracy:", trained_acc)

fresh = create_model()
_, fresh_acc = fresh.evaluate(test_images, test_labels, verbose=0)
print("untrained accuracy:", fresh_acc)

latest = tf.train.latest_checkpoint(checkpoint_dir)
print("latest checkpoint:", os.path.basename(latest))
fresh.load_weights(latest)
_, restored_acc = fresh.evaluate(test_images, test_labels, verbose=0)
print("restored from checkpoint accuracy:", restored_acc)

# 1b. a checkpoint every second epoch, counted in batches (save_freq)
batch_size = 32
n_batches = int(np.ceil(len(train_images) / batch_size))
every_other_dir = os.path.join(work_dir, "training_2")
every_other = keras.callbacks.ModelCheckpoint(
    filepath=os.path.join(every_other_dir, "cp-{epoch:04d}.ckpt"),
    save_weights_only=True,
    save_freq=2 * n_batches,
    verbose=1,
)
model_2 = create_model()
model_2.fit(
    train_images,
    train_labels,
    epochs=2 * epochs,
    batch_size=batch_size,
    callbacks=[every_other],
    verbose=0,
)
print("every other epoch files:", " ".join(sorted(os.listdir(every_other_dir))))

# 2. weights by hand
weights_path = os.path.join(work_dir, "checkpoints", "my_checkpoint")
model.save_weights(weights_path)
by_hand = create_model()
by_hand.load_weights(weights_path)
_, by_hand_acc = by_hand.evaluate(test_images, test_labels, verbose=0)
print("restored from save_weights accuracy:", by_hand_acc)

# 3. the whole model: architecture, weights and optimizer
model_path = os.path.join(work_dir, "my_model.keras")
model.save(model_path)
new_model = keras.models.load_model(model_path)
new_model.summary()
_, whole_acc = new_model.evaluate(test_images, test_labels, verbose=2)
print("restored whole model accuracy:", whole_acc)
restored_predictions = new_model.predict(test_images, verbose=0)
same = np.array_equal(restored_predictions, model.predict(test_images, verbose=0))
print("identical predictions:", same)
print("optimizer steps:", int(model.optimizer.iterations))
print("restored optimizer steps:", int(new_model.optimizer.iterations))
