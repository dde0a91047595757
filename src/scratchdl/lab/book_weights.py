"""``scratchdl book sample-weights``: the chapter-3 network's weights in the book's pickle layout.

Chapter 3's ``neuralnet_mnist.py`` reads a pretrained ``sample_weight.pkl`` from the working
directory (the book ships one; its accuracy on the MNIST test set is 0.9352, docs/book.md).
A reader who has only scratchdl has no such file, so this command trains one:

    network 784 -> 50 -> 100 -> 10: a1 = x @ W1 + b1, z1 = sigmoid(a1),
                                     a2 = z1 @ W2 + b2, z2 = sigmoid(a2),
                                     y = softmax(z2 @ W3 + b3)
    file: pickle of a dict {"W1", "b1", "W2", "b2", "W3", "b3"} of float32 arrays,
          W1 (784, 50), W2 (50, 100), W3 (100, 10), b_i (width,)

It trains ``scratchdl.book.MultiLayerNet(784, [50, 100], 10, activation="sigmoid",
weight_init_std="sigmoid")`` with the book's Adam (lr 0.01, batch 100, one shuffled pass per
epoch), then measures the test accuracy exactly as the chapter-3 script computes it (float32
weights, normalized images) and prints it.  Writing a pickle is safe; the book face never
reads one (the reader's own script does, from a file they made).
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from scratchdl.files import atomic_write

if TYPE_CHECKING:  # annotations only
    import numpy as np

KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
HIDDEN = (50, 100)
BOOK_ACCURACY = 0.9352  # the book's sample_weight.pkl on the MNIST test set


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's options (shared by ``scratchdl book sample-weights`` and ``main``)."""
    parser.add_argument("--out", default="sample_weight.pkl", help="file to write")
    parser.add_argument("--epochs", type=int, default=2, help="passes over the 60 000 images")
    parser.add_argument("--seed", type=int, default=0)


def check_out_path(out: str) -> None:
    """The output file's directory must exist and ``out`` must not be a directory."""
    parent = os.path.dirname(os.path.abspath(out))
    if os.path.isdir(out):
        raise ValueError(
            f"--out {out!r} is a directory; give a file name such as sample_weight.pkl"
        )
    if not os.path.isdir(parent):
        raise ValueError(f"--out {out!r}: the directory {parent!r} does not exist")


def train_weights(
    epochs: int = 2,
    seed: int = 0,
    train_size: int | None = None,
    data: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
) -> dict[str, np.ndarray]:
    """Train the chapter-3 network; return its weights as float32 arrays keyed W1..b3.

    Args:
        epochs: shuffled passes over the training images (a positive integer).
        seed: seeds the weights and the batch order.
        train_size: use only the first ``train_size`` training images (for quick tests).
        data: ``((x_train, t_train), (x_test, t_test))`` from ``load_mnist()`` (default: load).
    """
    import numpy as np

    from scratchdl.book import Adam, MultiLayerNet, load_mnist
    from scratchdl.book.trainer import one_blas_thread

    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, received epochs={epochs!r}")
    (x, t), _ = data if data is not None else load_mnist()
    x, t = (x, t) if train_size is None else (x[:train_size], t[:train_size])
    rng = np.random.default_rng(seed)
    net = MultiLayerNet(784, list(HIDDEN), 10, "sigmoid", "sigmoid", rng=rng)
    optimizer = Adam(lr=0.01)
    with one_blas_thread():
        for _ in range(epochs):
            order = rng.permutation(len(x))
            for start in range(0, len(x), 100):
                batch = order[start : start + 100]
                optimizer.update(net.params, net.gradient_views(x[batch], t[batch]))
    return {key: net.params[key].astype(np.float32) for key in KEYS}


def chapter3_accuracy(
    weights: Mapping[str, np.ndarray], x_test: np.ndarray, t_test: np.ndarray
) -> float:
    """Test accuracy computed as chapter 3's predict(): sigmoid, sigmoid, softmax."""
    import numpy as np

    from scratchdl.book.functions import sigmoid, softmax

    z1 = sigmoid(x_test @ weights["W1"] + weights["b1"])
    z2 = sigmoid(z1 @ weights["W2"] + weights["b2"])
    y = softmax(z2 @ weights["W3"] + weights["b3"])
    return float(np.mean(np.argmax(y, axis=1) == t_test))


def write_pickle(weights: Mapping[str, np.ndarray], out: str) -> None:
    """Write ``weights`` (a dict of arrays) with pickle, atomically (temp file + os.replace)."""
    with atomic_write(out, "wb", make_parents=False) as f:
        pickle.dump(dict(weights), f)


def command_sample_weights(args: argparse.Namespace) -> int:
    """Run the command for parsed ``args`` (out, epochs, seed); returns the exit code."""
    try:
        check_out_path(args.out)
        if args.epochs < 1:
            raise ValueError(f"--epochs must be a positive integer, received {args.epochs}")
    except ValueError as err:
        print(f"scratchdl book sample-weights: {err}", file=sys.stderr)
        return 2
    from scratchdl.book import load_mnist

    data = load_mnist()
    weights = train_weights(args.epochs, args.seed, data=data)
    accuracy = chapter3_accuracy(weights, *data[1])
    write_pickle(weights, args.out)
    print(f"wrote {args.out}: W1..W3, b1..b3 (784-50-100-10, sigmoid, softmax), float32")
    print(f"accuracy on the MNIST test set: {accuracy:.4f} (the book's file: {BOOK_ACCURACY})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m scratchdl.lab.book_weights [--out sample_weight.pkl] [--epochs N]``."""
    parser = argparse.ArgumentParser(
        prog="scratchdl book sample-weights",
        description="train the chapter-3 network and write sample_weight.pkl (the book's layout)",
    )
    add_arguments(parser)
    return command_sample_weights(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
