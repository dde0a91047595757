"""scratchdl.book.trainer.Trainer: the book's sampling, counting, order and printed lines."""

import re

import numpy as np
import pytest

from scratchdl.book import optimizer
from scratchdl.book.multi_layer_net import MultiLayerNet
from scratchdl.book.trainer import OPTIMIZERS, Trainer


class RecordingNet:
    """A stand-in network that records every call (the Trainer needs only this interface)."""

    def __init__(self):
        self.params = {"W": np.zeros(1)}
        self.calls = []
        self.batches = []
        self.accuracy_sizes = []

    def gradient(self, x, t):
        self.calls.append("gradient")
        self.batches.append(x[:, 0].astype(int))
        return {"W": np.ones(1)}

    def loss(self, x, t):
        self.calls.append(("loss", float(self.params["W"][0])))
        return 0.5

    def accuracy(self, x, t):
        self.accuracy_sizes.append(len(x))
        return 0.25


def make(n=250, batch=100, epochs=4, **kwargs):
    x = np.arange(n, dtype=float)[:, None]
    t = np.zeros(n, dtype=int)
    net = RecordingNet()
    trainer = Trainer(net, x, t, x[:40], t[:40], epochs=epochs, mini_batch_size=batch, **kwargs)
    return net, trainer


def test_float_iter_per_epoch_and_the_modulo_evaluation_rule():
    net, trainer = make(n=250, batch=100, epochs=4, verbose=False, rng=0)
    assert trainer.iter_per_epoch == 2.5 and trainer.max_iter == 10
    trainer.train()
    assert len(trainer.train_loss_list) == 10 and trainer.current_iter == 10
    assert trainer.current_epoch == 2  # i % 2.5 == 0 at i = 0 and 5 only
    assert trainer.train_acc_list == trainer.test_acc_list == [0.25, 0.25]
    _, sparse = make(n=1000, batch=128, epochs=20, verbose=False, rng=0)
    assert sparse.iter_per_epoch == 7.8125 and sparse.max_iter == 156
    sparse.train()
    assert sparse.current_epoch == 2  # the book's pitfall: evaluations at 0 and 125 only


def test_loss_is_computed_after_the_update_with_the_default_sgd():
    net, trainer = make(epochs=1, verbose=False, rng=0)
    assert isinstance(trainer.optimizer, optimizer.SGD) and trainer.optimizer.lr == 0.01
    trainer.train_step()
    assert net.calls == ["gradient", ("loss", -0.01)]  # W -= 0.01 * 1 happened before loss


def test_batches_are_drawn_with_replacement_and_repeatable():
    net, trainer = make(n=50, batch=100, epochs=2, verbose=False, rng=5)
    trainer.train()
    batch = net.batches[0]
    assert batch.size == 100 and len(np.unique(batch)) < 50  # more draws than samples
    again, other = make(n=50, batch=100, epochs=2, verbose=False, rng=5)
    other.train()
    assert all(np.array_equal(a, b) for a, b in zip(net.batches, again.batches))
    np.random.seed(11)
    first, t1 = make(n=50, batch=10, epochs=1, verbose=False)
    np.random.seed(11)
    second, t2 = make(n=50, batch=10, epochs=1, verbose=False)
    t1.train(), t2.train()
    assert all(np.array_equal(a, b) for a, b in zip(first.batches, second.batches))


def test_evaluate_sample_num_per_epoch_limits_the_epoch_evaluations():
    net, trainer = make(n=250, epochs=1, verbose=False, evaluate_sample_num_per_epoch=30)
    trainer.train()
    assert net.accuracy_sizes == [30, 30, 40]  # epoch: train 30, test 30; final: all 40


def test_printed_lines(capsys):
    _, trainer = make(n=200, batch=100, epochs=2, rng=0)
    trainer.train()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "train loss:0.5"
    assert lines[1] == "=== epoch:1, train acc:0.25, test acc:0.25 ==="
    assert lines.count("train loss:0.5") == 4
    assert lines[-2:] == ["=============== Final Test Accuracy ===============", "test acc:0.25"]
    assert [line for line in lines if line.startswith("===")][1].startswith("=== epoch:2,")


def test_optimizer_names_and_params():
    assert sorted(OPTIMIZERS) == ["adagrad", "adam", "momentum", "nesterov", "rmsprop", "sgd"]
    _, trainer = make(optimizer="RMSprop", optimizer_param={"lr": 0.1, "decay_rate": 0.9})
    assert isinstance(trainer.optimizer, optimizer.RMSprop) and trainer.optimizer.decay_rate == 0.9
    _, trainer = make(optimizer="Adam", optimizer_param={"lr": 0.002})
    assert isinstance(trainer.optimizer, optimizer.Adam) and trainer.optimizer.lr == 0.002
    with pytest.raises(ValueError, match=re.escape("'rmsprpo'; expected one of ['adagrad'")):
        make(optimizer="rmsprpo")  # the KR edition's typo is not a name
    custom = optimizer.Momentum(lr=0.5)
    assert make(optimizer=custom)[1].optimizer is custom
    with pytest.raises(ValueError, match="mini_batch_size"):
        make(batch=0)


def test_trainer_trains_a_real_network(rng):
    x = rng.standard_normal((120, 6))
    t = (x[:, 0] > 0).astype(int)
    net = MultiLayerNet(6, [10], 2, rng=rng)
    trainer = Trainer(net, x, t, x, t, epochs=30, mini_batch_size=20, optimizer="adam",
                      optimizer_param={"lr": 0.01}, verbose=False, rng=1)  # fmt: skip
    trainer.train()
    assert trainer.train_acc_list[-1] > 0.9
    assert np.mean(trainer.train_loss_list[-10:]) < np.mean(trainer.train_loss_list[:10])
