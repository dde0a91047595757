"""Turn a plain training function into an Optuna objective.

The training-function protocol (what a student writes)::

    def train_fn(params: dict, report: Reporter, rng: np.random.Generator) -> float | None:
        ...                      # build a model from params["lr"], params["weight_decay"], ...
        for epoch in range(1, epochs + 1):
            ...                  # one epoch of training
            report(epoch, val_acc, train_acc)   # may raise optuna.TrialPruned
        return val_acc           # or None: the last reported val_acc is the trial's value

``report`` stores the curves as trial user attributes (``val_acc``, ``train_acc``: one float per
epoch, so the top-20 figure can be drawn from any machine that sees the storage) and hands
``val_acc`` to Optuna's pruner (``trial.report(val_acc, step=epoch)``); when the pruner says so
the trial stops with ``optuna.TrialPruned``.

Shared budget: before it trains, a trial checks its rank among the trials that count or may
still count (COMPLETE, PRUNED, RUNNING, WAITING, ordered by trial number). A trial ranked at or
beyond ``n_trials`` lost a race with another worker: it is recorded as FAIL with the user
attribute ``skipped`` and trains nothing, so the study ends with exactly ``n_trials`` finished
(COMPLETE + PRUNED) trials however many workers and machines share it.
"""

from __future__ import annotations

import math
import os
import socket
from collections.abc import Callable
from typing import Any

import numpy as np

from scratchdl.lab.search.space import CategoricalParam, FloatParam, suggest

__all__ = ["BudgetFilledError", "Reporter", "TrialObjective", "worker_id"]

TrainFn = Callable[[dict[str, Any], "Reporter", np.random.Generator], Any]


class BudgetFilledError(Exception):
    """Raised inside a trial that another worker's trials already made unnecessary."""


def worker_id() -> str:
    """``hostname:pid`` of this process, recorded in every trial it runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _as_accuracy(name: str, value: Any) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, received {name}={value!r}") from None
    if math.isnan(x):
        raise ValueError(f"{name} must not be NaN, received {name}={value!r}")
    return x


class Reporter:
    """Per-epoch report of one trial: ``report(epoch, val_acc, train_acc=None)``.

    Args:
        trial: the running ``optuna.trial.Trial``.

    Raises ``optuna.TrialPruned`` after storing the epoch when the study's pruner (e.g.
    MedianPruner: val_acc below the median of earlier trials at the same epoch) says so.
    """

    def __init__(self, trial: Any) -> None:
        self.trial = trial
        self.val_acc: list[float] = []
        self.train_acc: list[float] = []

    def __call__(self, epoch: int, val_acc: float, train_acc: float | None = None) -> None:
        import optuna

        if not isinstance(epoch, int | np.integer) or epoch < 0:
            raise ValueError(f"epoch must be a non-negative integer, received epoch={epoch!r}")
        v = _as_accuracy("val_acc", val_acc)
        self.val_acc.append(v)
        self.trial.set_user_attr("val_acc", self.val_acc)
        if train_acc is not None:
            self.train_acc.append(_as_accuracy("train_acc", train_acc))
            self.trial.set_user_attr("train_acc", self.train_acc)
        self.trial.report(v, step=int(epoch))
        if self.trial.should_prune():
            self.trial.set_user_attr("pruned_at_epoch", int(epoch))
            raise optuna.TrialPruned(f"pruned at epoch {epoch} with val_acc={v}")


def _claim_budget(trial: Any, n_trials: int) -> None:
    """Raise BudgetFilledError when ``n_trials`` lower-numbered trials count or may still count."""
    from optuna.trial import TrialState

    states = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING, TrialState.WAITING)
    trials = trial.study.get_trials(deepcopy=False, states=states)
    ahead = sum(1 for t in trials if t.number < trial.number)
    if ahead >= n_trials:
        trial.set_user_attr("skipped", f"the budget of {n_trials} trials was already taken")
        raise BudgetFilledError(
            f"trial {trial.number}: {ahead} earlier trials fill n_trials={n_trials}"
        )


class TrialObjective:
    """The Optuna objective ``trial -> val_acc`` built from a training function.

    Args:
        train_fn: the training function (protocol in the module docstring).
        space: ``{name: FloatParam | CategoricalParam}``.
        n_trials: the study's total budget shared by every worker.
        seed: base of the per-trial generator ``np.random.default_rng([seed, trial.number])``
            (seed None -> 0), so a trial's training does not depend on which worker runs it.
    """

    def __init__(
        self,
        train_fn: TrainFn,
        space: dict[str, FloatParam | CategoricalParam],
        n_trials: int,
        seed: int | None = None,
    ) -> None:
        self.train_fn = train_fn
        self.space = space
        self.n_trials = n_trials
        self.seed = 0 if seed is None else seed

    def __call__(self, trial: Any) -> float:
        _claim_budget(trial, self.n_trials)
        trial.set_user_attr("worker", worker_id())
        trial.set_user_attr("hostname", socket.gethostname())
        trial.set_user_attr("pid", os.getpid())
        params = suggest(trial, self.space)
        report = Reporter(trial)
        rng = np.random.default_rng([self.seed, trial.number])
        value = self.train_fn(params, report, rng)
        if value is None:
            if not report.val_acc:
                raise ValueError(
                    "the training function returned None and reported no val_acc; "
                    "call report(epoch, val_acc) each epoch or return the final val_acc"
                )
            value = report.val_acc[-1]
        return _as_accuracy("the training function's return value", value)
