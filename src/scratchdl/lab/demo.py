"""The README's first command: train a small MNIST network and print its accuracy."""

from __future__ import annotations

import time

__all__ = ["run_demo"]


def run_demo(epochs: int = 3, seed: int = 0) -> int:
    """784-100-10 ReLU + Adam on MNIST for a few epochs; prints the test accuracy."""
    from scratchdl.datasets import mnist
    from scratchdl.keras.layers import Dense, Flatten
    from scratchdl.keras.models import Sequential

    t0 = time.perf_counter()
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    print(
        f"MNIST: {len(x_train)} training and {len(x_test)} test images "
        f"({time.perf_counter() - t0:.1f} s to load)"
    )
    model = Sequential(
        [
            Flatten(input_shape=(28, 28)),
            Dense(100, activation="relu"),
            Dense(10, activation="softmax"),
        ],
        seed=seed,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.summary()
    t0 = time.perf_counter()
    model.fit(x_train / 255.0, y_train, epochs=epochs, batch_size=100, verbose=2)
    seconds = time.perf_counter() - t0
    loss, acc = model.evaluate(x_test / 255.0, y_test, verbose=0)
    print(f"test accuracy {acc:.4f} (loss {loss:.4f}) after {epochs} epochs in {seconds:.1f} s")
    return 0
