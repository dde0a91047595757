"""The book's ``common/trainer.py``: a training loop for the book's networks.

    from scratchdl.book.trainer import Trainer
    trainer = Trainer(network, x_train, t_train, x_test, t_test, epochs=201,
                      mini_batch_size=100, optimizer="sgd", optimizer_param={"lr": 0.01})
    trainer.train()
    trainer.train_acc_list, trainer.test_acc_list

Semantics kept from the book (docs/book.md a.8), because recorded curves depend on them:

* every step draws a mini-batch **with replacement** (``choice(train_size, batch_size)``);
  "epochs" are nominal: ``iter_per_epoch = max(train_size / mini_batch_size, 1)`` is a
  float and ``max_iter = int(epochs * iter_per_epoch)``;
* a step is ``grads = network.gradient(x, t)``, ``optimizer.update(network.params, grads)``,
  then ``loss = network.loss(x, t)`` -- *after* the update, in test mode for
  MultiLayerNetExtend; the loss is appended to ``train_loss_list``;
* accuracy is evaluated when ``current_iter % iter_per_epoch == 0`` (a float modulo; the
  first evaluation is at iteration 0 after one update).  With 1000 samples and batch 128
  (7.8125 per epoch) that happens only at iterations 0, 125, 250, ... -- as in the book.

Convention: ``optimizer`` is one of sgd, momentum, nesterov, adagrad, rmsprop, adam
(case-insensitive) or an object with ``update(params, grads)``.  'rmsprop' is JP's fixed
key; the KR edition's typo 'rmsprpo' raises KeyError there and is not accepted here either.
``rng`` (Generator or seed) draws the mini-batches; default: seeded from np.random's global
state, so ``np.random.seed(...)`` makes a run repeatable.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from scratchdl.book import optimizer as book_optimizer
from scratchdl.book.util import get_rng
from scratchdl.models.threads import training_threads

__all__ = ["Trainer", "OPTIMIZERS", "one_blas_thread"]

OPTIMIZERS = {
    "sgd": book_optimizer.SGD,
    "momentum": book_optimizer.Momentum,
    "nesterov": book_optimizer.Nesterov,
    "adagrad": book_optimizer.AdaGrad,
    "rmsprop": book_optimizer.RMSprop,
    "adam": book_optimizer.Adam,
}


def one_blas_thread() -> AbstractContextManager[Any]:
    """One BLAS thread while the Trainer runs (see ``scratchdl.models.threads``: at the book's sizes
    one thread is faster, and two collapse on a busy machine: 1.5 ms vs 34 ms per ch04 step).
    """
    return training_threads()


def _make_optimizer(optimizer, optimizer_param):
    if hasattr(optimizer, "update"):
        return optimizer
    key = str(optimizer).lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; expected one of {sorted(OPTIMIZERS)}")
    return OPTIMIZERS[key](**optimizer_param)


class Trainer:
    """Train ``network`` with mini-batch updates and record loss and accuracy.

    Args:
        network: a book network (``params``, ``gradient``, ``loss``, ``accuracy``).
        x_train, t_train, x_test, t_test: the data (t as labels or one-hot).
        epochs: nominal epochs (20).  mini_batch_size: 100.
        optimizer: a name (default "SGD") or an optimizer object.
        optimizer_param: the optimizer's keyword arguments (default {"lr": 0.01}).
        evaluate_sample_num_per_epoch: evaluate the epoch accuracies on only the first
            that many samples of each set (None: all).
        verbose: print ``train loss:...`` per step and the epoch lines.
        rng: Generator or int seed for the mini-batch draws (default: see module doc).

    Attributes: train_loss_list, train_acc_list, test_acc_list, current_epoch,
    current_iter, max_iter, iter_per_epoch, batch_size, optimizer, and after ``train()``
    final_test_acc (not in the book, which only prints it).
    """

    def __init__(
        self,
        network: Any,
        x_train: np.ndarray,
        t_train: np.ndarray,
        x_test: np.ndarray,
        t_test: np.ndarray,
        epochs: int = 20,
        mini_batch_size: int = 100,
        optimizer: str = "SGD",
        optimizer_param: Mapping[str, Any] | None = None,
        evaluate_sample_num_per_epoch: int | None = None,
        verbose: bool = True,
        rng: int | np.random.Generator | None = None,
    ) -> None:
        if len(x_train) != len(t_train) or len(x_train) == 0:
            raise ValueError(
                f"x_train and t_train must be non-empty with the same length, "
                f"received {len(x_train)} and {len(t_train)}"
            )
        if (
            isinstance(mini_batch_size, bool)
            or int(mini_batch_size) != mini_batch_size
            or (mini_batch_size <= 0)
        ):
            raise ValueError(
                f"mini_batch_size must be a positive integer, received {mini_batch_size!r}"
            )
        self.network = network
        self.verbose = verbose
        self.x_train, self.t_train = x_train, t_train
        self.x_test, self.t_test = x_test, t_test
        self.epochs = epochs
        self.batch_size = int(mini_batch_size)
        self.evaluate_sample_num_per_epoch = evaluate_sample_num_per_epoch
        param = {"lr": 0.01} if optimizer_param is None else dict(optimizer_param)
        self.optimizer = _make_optimizer(optimizer, param)
        self.rng = get_rng(rng)
        self.train_size = x_train.shape[0]
        self.iter_per_epoch = max(self.train_size / self.batch_size, 1)
        self.max_iter = int(epochs * self.iter_per_epoch)
        self.current_iter = 0
        self.current_epoch = 0
        self.train_loss_list = []
        self.train_acc_list = []
        self.test_acc_list = []

    def train_step(self) -> None:
        """One update on a mini-batch drawn with replacement; evaluates at epoch boundaries."""
        batch_mask = self.rng.choice(self.train_size, self.batch_size)
        x_batch, t_batch = self.x_train[batch_mask], self.t_train[batch_mask]
        grads = self.network.gradient(x_batch, t_batch)
        self.optimizer.update(self.network.params, grads)
        loss = self.network.loss(x_batch, t_batch)
        self.train_loss_list.append(loss)
        if self.verbose:
            print("train loss:" + str(loss))
        if self.current_iter % self.iter_per_epoch == 0:
            self.current_epoch += 1
            self._evaluate_epoch()
        self.current_iter += 1

    def _evaluate_epoch(self) -> None:
        x_train_sample, t_train_sample = self.x_train, self.t_train
        x_test_sample, t_test_sample = self.x_test, self.t_test
        t = self.evaluate_sample_num_per_epoch
        if t is not None:
            x_train_sample, t_train_sample = self.x_train[:t], self.t_train[:t]
            x_test_sample, t_test_sample = self.x_test[:t], self.t_test[:t]
        train_acc = self.network.accuracy(x_train_sample, t_train_sample)
        test_acc = self.network.accuracy(x_test_sample, t_test_sample)
        self.train_acc_list.append(train_acc)
        self.test_acc_list.append(test_acc)
        if self.verbose:
            print(
                "=== epoch:" + str(self.current_epoch) + ", train acc:" + str(train_acc)
                + ", test acc:" + str(test_acc) + " ==="
            )  # fmt: skip

    def train(self) -> None:
        """Run ``max_iter`` steps, then evaluate on the whole test set (returns None).

        The loop runs with one BLAS thread (see ``one_blas_thread``).
        """
        with one_blas_thread():
            for _ in range(self.max_iter):
                self.train_step()
        test_acc = self.network.accuracy(self.x_test, self.t_test)
        self.final_test_acc = test_acc
        if self.verbose:
            print("=============== " + "Final Test Accuracy" + " ===============")
            print("test acc:" + str(test_acc))
