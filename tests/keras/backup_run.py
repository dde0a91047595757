"""A small fit with BackupAndRestore, run as a subprocess by test_interrupt.py.

Usage: python backup_run.py BACKUP_DIR OUT.npz [SLEEP]. Prints ``batch <epoch>
<batch>`` after every batch (so the parent can SIGKILL it mid-epoch), sleeping
SLEEP seconds there (timing only; the numbers do not depend on it), and at the end
``first epoch <e>`` (the epoch this process started at) before writing the final
weights to OUT.npz.
"""

import sys
import time

import numpy as np

from scratchdl.keras.callbacks import BackupAndRestore, Callback
from scratchdl.keras.layers import BatchNormalization, Dense, Dropout
from scratchdl.keras.models import Sequential


class Report(Callback):
    def __init__(self, pause):
        super().__init__()
        self.pause, self.epoch = pause, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        print(f"batch {self.epoch} {batch}", flush=True)
        time.sleep(self.pause)


def main(backup_dir, out, pause=0.0):
    data = np.random.default_rng(0)
    x = data.standard_normal((240, 6)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] ** 2 > 0.5).astype(np.int64)
    model = Sequential(
        [
            Dense(16, activation="relu", input_shape=(6,)),
            BatchNormalization(),
            Dropout(0.2),
            Dense(2, activation="softmax"),
        ],
        seed=11,
    )
    model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
    history = model.fit(
        x,
        y,
        epochs=8,
        batch_size=16,
        verbose=0,
        validation_split=0.25,
        callbacks=[BackupAndRestore(backup_dir), Report(pause)],
    )
    print(f"first epoch {history.epoch[0]}", flush=True)
    weights = model.get_weights()
    np.savez(out, *weights, iterations=model.optimizer.iterations)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 0.0)
