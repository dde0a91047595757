"""The objectives that reproduce the book's search, and a Keras-face model spec.

Book section 6.5.3 (``ch06/hyperparameter_optimization.py``): the first 500 MNIST training
images, shuffled once (``shuffle_dataset``), 20 % (100) for validation and 400 for training;
each trial trains ``MultiLayerNet(784, [100] * 6, 10, weight_decay_lambda=wd)`` with
``Trainer(epochs=50, mini_batch_size=100, optimizer='sgd', optimizer_param={'lr': lr})`` and
its value is the last epoch's validation accuracy. Recorded by the book: Best-1 val 0.84
(lr 0.0094, wd 2.77e-6); all of the top 9 have lr in [0.0049, 0.0100].

The book face, the Keras face and the MNIST loader are imported lazily, inside the calls, so
the search machinery works (and is tested) with any training function.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["BookObjective", "KerasObjective", "book_data"]


@lru_cache(maxsize=4)
def book_data(
    n_samples: int = 500, validation_rate: float = 0.2, data_seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, t_train, x_val, t_val): the book's split of the first n_samples images.

    x is float32 in [0, 1], shape (n, 784) (``load_mnist(normalize=True)``); t are int labels.
    The shuffle uses ``default_rng(data_seed)``, the same on every worker and machine, so all
    trials of a study see the same validation set.
    """
    from scratchdl.datasets.mnist import load_data

    (x, t), _ = load_data()
    x = x[:n_samples].reshape(n_samples, -1).astype(np.float32) / np.float32(255.0)
    t = t[:n_samples].astype(np.int64)
    perm = np.random.default_rng(data_seed).permutation(n_samples)
    x, t = x[perm], t[perm]
    n_val = int(n_samples * validation_rate)
    return x[n_val:], t[n_val:], x[:n_val], t[:n_val]


def _rng_kwargs(cls: Any, rng: np.random.Generator) -> dict[str, Any]:
    """Pass ``rng=`` when the book-face class takes it; else seed NumPy's legacy global
    generator, which the book's code draws from (``np.random.randn``/``choice``)."""
    try:
        if "rng" in inspect.signature(cls).parameters:
            return {"rng": rng}
    except (TypeError, ValueError):
        pass
    np.random.seed(int(rng.integers(2**32 - 1)))
    return {}


def run_book_trainer(trainer: Any, report: Callable[..., None]) -> float:
    """Drive a book ``Trainer`` step by step, reporting each epoch as the book records it
    (``trainer.test_acc_list`` is the validation accuracy here)."""
    reported = 0
    for _ in range(int(trainer.max_iter)):
        trainer.train_step()
        while reported < len(trainer.test_acc_list):
            train_acc = trainer.train_acc_list[reported]
            report(reported + 1, trainer.test_acc_list[reported], train_acc)
            reported += 1
    return float(trainer.test_acc_list[-1])


@dataclass(frozen=True)
class BookObjective:
    """``train_fn`` of the book's search; params: ``lr`` and ``weight_decay``."""

    epochs: int = 50
    n_samples: int = 500
    validation_rate: float = 0.2
    mini_batch_size: int = 100
    hidden_size_list: tuple[int, ...] = (100,) * 6
    data_seed: int = 0

    def __call__(
        self, params: dict[str, Any], report: Callable[..., None], rng: np.random.Generator
    ) -> float:
        from scratchdl.book.multi_layer_net import MultiLayerNet
        from scratchdl.book.trainer import Trainer

        x_train, t_train, x_val, t_val = book_data(
            self.n_samples, self.validation_rate, self.data_seed
        )
        network = MultiLayerNet(
            input_size=784,
            hidden_size_list=list(self.hidden_size_list),
            output_size=10,
            weight_decay_lambda=params["weight_decay"],
            **_rng_kwargs(MultiLayerNet, rng),
        )
        trainer = Trainer(
            network,
            x_train,
            t_train,
            x_val,
            t_val,
            epochs=self.epochs,
            mini_batch_size=self.mini_batch_size,
            optimizer="sgd",
            optimizer_param={"lr": params["lr"]},
            verbose=False,
            **_rng_kwargs(Trainer, rng),
        )
        return run_book_trainer(trainer, report)


def _report_callback(report: Callable[..., None]) -> Any:
    """A ``scratchdl.keras`` callback forwarding each epoch's logs to ``report``."""
    from scratchdl.keras.callbacks import Callback

    class _Report(Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            val = logs.get("val_accuracy", logs.get("val_acc"))
            if val is None:
                raise ValueError(
                    "the search needs 'val_accuracy' in the epoch logs: compile with "
                    f"metrics=['accuracy']; received log keys {sorted(logs)}"
                )
            report(epoch + 1, val, logs.get("accuracy", logs.get("acc")))

    return _Report()


@dataclass(frozen=True)
class KerasObjective:
    """``train_fn`` from a Keras-face model spec: ``build_model(params)`` returns a compiled
    ``scratchdl.keras`` model (metrics=['accuracy']); it is fitted on the book's split.

    Labels are integers (use ``sparse_categorical_crossentropy``). For workers > 1,
    ``build_model`` must be a module-level function.
    """

    build_model: Callable[[dict[str, Any]], Any]
    epochs: int = 50
    batch_size: int = 100
    n_samples: int = 500
    validation_rate: float = 0.2
    data_seed: int = 0

    def __call__(
        self, params: dict[str, Any], report: Callable[..., None], rng: np.random.Generator
    ) -> None:
        x_train, t_train, x_val, t_val = book_data(
            self.n_samples, self.validation_rate, self.data_seed
        )
        model = self.build_model(params)
        model.fit(
            x_train,
            t_train,
            epochs=self.epochs,
            batch_size=self.batch_size,
            validation_data=(x_val, t_val),
            callbacks=[_report_callback(report)],
            verbose=0,
        )
        return None
