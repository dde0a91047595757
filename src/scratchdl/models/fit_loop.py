"""The epoch loop behind ``Sequential.fit``: batches, callbacks, validation, Ctrl-C.

Kept apart from the model so that the hot path (``train_epoch``) is easy to read
and to profile: per batch it does one slice of the shuffled data, one training
step, a loss-tracker update and the metric updates, and calls batch callbacks
only when some callback actually overrides a batch hook.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scratchdl.autodiff.tensor import value_of
from scratchdl.models import callbacks as callbacks_module
from scratchdl.models.datasets_input import unpack
from scratchdl.models.progress import Progbar
from scratchdl.models.threads import training_threads

__all__ = [
    "FitPlan",
    "FitState",
    "batch_stream",
    "make_callbacks",
    "should_validate",
    "run_fit",
    "train_epoch",
    "resolve_verbose",
    "evaluation_bar",
    "finish_evaluation_bar",
    "InterruptGuard",
]


def resolve_verbose(verbose: str | int | bool) -> int:
    """Keras's ``verbose``: "auto" means 1; 0 silent, 1 progress bar, 2 one line per epoch."""
    if verbose == "auto":
        return 1
    if verbose in (0, 1, 2, False, True):
        return int(verbose)
    raise ValueError(f"verbose must be 0, 1, 2 or 'auto', received verbose={verbose!r}")


class InterruptGuard:
    """Turns the first Ctrl-C during ``fit`` into "stop after this batch".

    A second Ctrl-C raises ``KeyboardInterrupt`` as usual.  Outside the main
    thread (where signal handlers cannot be installed) it does nothing.
    """

    def __init__(self) -> None:
        self.interrupted = False
        self._previous = None

    def _handler(self, signum, frame):
        if self.interrupted:
            raise KeyboardInterrupt
        self.interrupted = True

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False


def _overrides_batch_hooks(callback_list) -> bool:
    base = callbacks_module.Callback
    for cb in callback_list:
        for hook in (
            "on_train_batch_begin",
            "on_train_batch_end",
            "on_batch_begin",
            "on_batch_end",
        ):
            if getattr(type(cb), hook, None) is not getattr(base, hook, None):
                return True
    return False


def _epoch_order(rng, n, batch_size, shuffle):
    """The sample order of one pass: a full permutation, None (keep), or per-chunk.

    ``shuffle="batch"`` (Keras: "shuffle within batch-sized chunks") permutes the
    samples inside each chunk ``[k*batch_size, (k+1)*batch_size)`` and keeps the
    chunks in place, so every batch holds the samples of one chunk.
    """
    if shuffle == "batch":
        return np.lexsort((rng.random(n), np.arange(n) // batch_size))
    if shuffle:
        return rng.permutation(n)
    return None


def batch_stream(
    rng: np.random.Generator, n: int, batch_size: int, shuffle: bool | str, passes: int
) -> Iterator[tuple[np.ndarray | None, int]]:
    """Every training batch of one ``fit``: ``(order, start)`` pairs, pass after pass.

    Each pass over the data draws its own order when it starts and ends with its
    own partial batch; a batch never spans two passes.  Without ``steps_per_epoch``
    an epoch is exactly one pass.  With it, an epoch takes that many batches from
    this stream and the next epoch continues where it stopped (tf.keras 2.x with
    arrays; docs/keras.md "steps_per_epoch").
    """
    for _ in range(passes):
        order = _epoch_order(rng, n, batch_size, shuffle)
        for start in range(0, n, batch_size):
            yield order, start


@dataclass
class FitState:
    """What callbacks may read or set during ``fit`` (``model.fit_state``).

    Attributes:
        resume_epoch: set by BackupAndRestore in ``on_train_begin``: the epoch to
            start from instead of ``initial_epoch``.
        interrupted: True when Ctrl-C stopped the last ``fit``.
        ran_out: True when ``steps_per_epoch * epochs`` asked for more batches
            than the data has.
    """

    resume_epoch: int | None = None
    interrupted: bool = False
    ran_out: bool = False


@dataclass
class FitPlan:
    """Everything ``run_fit`` needs, prepared by the model (no private model calls).

    ``train_step(xb, yb, swb) -> (loss, outputs)`` makes one optimizer step;
    ``evaluate(x, y, sw, batch_size, steps, callbacks) -> logs`` runs validation;
    ``metrics`` are the compiled metric objects; ``rng`` shuffles.
    """

    train_step: Callable
    evaluate: Callable
    metrics: list
    rng: np.random.Generator
    x: np.ndarray
    y: np.ndarray
    sw: np.ndarray | None
    batch_size: int
    epochs: int
    initial_epoch: int = 0
    shuffle: bool | str = True
    steps_per_epoch: int | None = None
    validation_data: tuple | None = None
    validation_batch_size: int | None = None
    validation_steps: int | None = None
    validation_freq: int | list = 1
    verbose: int = 1
    callbacks: list = field(default_factory=list)
    custom_step: Callable | None = None  # a model's own train_step(data) -> logs
    reset_metrics: Callable | None = None
    batches: Any = None  # DatasetBatches when x is a tf.data.Dataset
    prepare: Callable | None = None  # (x, y, sw) of a dataset batch -> prepared arrays


def train_epoch(
    plan: FitPlan,
    stream: Iterator[tuple[np.ndarray | None, int]],
    steps: int,
    buf: np.ndarray | None,
    cb: callbacks_module.CallbackList | None,
    should_stop: Callable[[], bool],
    state: FitState,
) -> dict[str, float]:
    """``steps`` batches from ``stream``; returns the epoch logs (running means).

    Each shuffled batch is gathered into one reused buffer with
    ``np.take(x, idx, axis=0, out=buf, mode="clip")``: ``mode="clip"`` only skips
    ``take``'s bounds check, which would buffer ``out`` (the indices come from a
    permutation, so none is out of range).  Gathering per batch keeps the batch in
    cache for the first matrix product and avoids a full copy of the data per
    epoch (measured in benchmarks/KERNELS.md).  The buffer is overwritten by the
    next batch; the layers' caches of a batch are read only within its own step.
    Without shuffling the batches are plain slices (views).
    """
    x, y, sw, bs = plan.x, plan.y, plan.sw, plan.batch_size
    metrics = plan.metrics
    for m in metrics:
        m.reset_state()
    updates = [m.update_state for m in metrics if not getattr(m, "weighted", False)]
    weighted = [m.update_state for m in metrics if getattr(m, "weighted", False)]
    loss_sum, seen = 0.0, 0
    step = plan.train_step
    for batch in range(steps):
        item = next(stream, None)
        if item is None:
            state.ran_out = True
            break
        order, start = item
        sel = slice(start, start + bs) if order is None else order[start : start + bs]
        if cb is not None:
            cb.on_train_batch_begin(batch)
        yb = y[sel]
        if order is None or buf is None:  # no shuffle, or several input arrays
            xb = x[sel]
        else:
            xb = np.take(x, sel, axis=0, out=buf[: len(sel)], mode="clip")
        swb = None if sw is None else sw[sel]
        loss, out = step(xb, yb, swb)
        nb = len(yb)
        loss_sum += loss * nb
        seen += nb
        for update in updates:
            update(yb, out)
        for update in weighted:  # weighted_metrics= get the sample weights
            update(yb, out, swb)
        if cb is not None:
            cb.on_train_batch_end(batch, _logs(loss_sum / seen, metrics))
        if should_stop():
            break
    return _logs(loss_sum / max(seen, 1), metrics)


def array_batches(plan: FitPlan, stream: Any) -> Callable[[], tuple | None]:
    """``next_batch()`` over the arrays: (x, y, sample_weight) slices, None when done."""
    x, y, sw, bs = plan.x, plan.y, plan.sw, plan.batch_size

    def next_batch():
        item = next(stream, None)
        if item is None:
            return None
        order, start = item
        sel = slice(start, start + bs) if order is None else order[start : start + bs]
        return x[sel], y[sel], None if sw is None else sw[sel]

    return next_batch


def dataset_batches(plan: FitPlan) -> Callable[[], tuple | None]:
    """``next_batch()`` over this epoch's dataset iterator (prepared like arrays)."""
    it = plan.batches.epoch()

    def next_batch():
        element = next(it, None)
        return None if element is None else plan.prepare(*unpack(element))

    return next_batch


def train_epoch_batches(
    plan: FitPlan,
    next_batch: Callable[[], tuple | None],
    steps: int,
    cb: Any,
    should_stop: Callable[[], bool],
    state: FitState,
) -> dict:
    """An epoch of batches from ``next_batch()``: a dataset's, or for a ``train_step``.

    With the model's own ``train_step`` the logs it returns are what fit shows;
    otherwise the engine's step runs and the logs are running means, as in
    ``train_epoch`` (the lean loop the arrays take).
    """
    custom, metrics = plan.custom_step, plan.metrics
    if custom is not None:
        plan.reset_metrics()
    else:
        for m in metrics:
            m.reset_state()
    loss_sum, seen, logs = 0.0, 0, {}
    for batch in range(steps):
        item = next_batch()
        if item is None:
            state.ran_out = True
            break
        if cb is not None:
            cb.on_train_batch_begin(batch)
        xb, yb, swb = item
        if custom is not None:
            logs = _returned_logs(custom((xb, yb) if swb is None else (xb, yb, swb)))
        else:
            loss, out = plan.train_step(xb, yb, swb)
            loss_sum, seen = loss_sum + loss * len(yb), seen + len(yb)
            for m in metrics:
                m.update_state(yb, out, swb if getattr(m, "weighted", False) else None)
            logs = _logs(loss_sum / seen, metrics)
        if cb is not None:
            cb.on_train_batch_end(batch, dict(logs))
        if should_stop():
            break
    return logs


def _returned_logs(returned) -> dict:
    if not isinstance(returned, dict):
        raise TypeError(
            f"train_step must return a dict of logs, received {type(returned).__name__}"
        )
    return {k: float(np.asarray(value_of(v))) for k, v in returned.items()}


def _logs(loss, metrics):
    logs = {"loss": float(loss)}
    for m in metrics:
        logs[m.name] = float(m.result())
    return logs


def make_callbacks(
    model: Any,
    callbacks: Iterable[callbacks_module.Callback] | None,
    verbose: int,
    epochs: int,
    steps: int | None,
    with_history: bool = True,
) -> tuple[callbacks_module.CallbackList, callbacks_module.History | None]:
    """The CallbackList of a fit/evaluate/predict: the user's, then History and the bar."""
    cbs = list(callbacks or [])
    history = None
    if with_history:
        history = callbacks_module.History()
        cbs.append(history)
    if verbose:
        cbs.append(callbacks_module.ProgbarLogger())
    cb = callbacks_module.CallbackList(cbs)
    cb.set_model(model)
    cb.set_params({"verbose": verbose, "epochs": epochs, "steps": steps})
    return cb, history


def should_validate(epoch: int, freq: int | list[int]) -> bool:
    """Keras's rule with 1-based epochs: ``(epoch+1) % freq == 0`` or ``epoch+1 in freq``."""
    if isinstance(freq, list):
        return epoch + 1 in freq
    return (epoch + 1) % freq == 0


def _ran_out_warning(steps, epochs) -> None:
    warnings.warn(
        "Your input ran out of data; interrupting training. Make sure that your dataset "
        "or generator can generate at least `steps_per_epoch * epochs` batches (in this "
        f"case, {steps * epochs} batches). You may need to use the repeat() function when "
        "building your dataset.",
        UserWarning,
        stacklevel=4,
    )


def run_fit(model: Any, plan: FitPlan) -> callbacks_module.History | None:
    """``for epoch in range(initial_epoch, epochs)`` with callbacks; returns History.

    Reads and sets only public model attributes: ``stop_training``, ``history`` and
    ``fit_state`` (a ``FitState``).
    """
    n, bs = (0, 1) if plan.batches is not None else (len(plan.x), plan.batch_size)
    steps = plan.batches.steps if plan.batches is not None else None
    steps = steps or plan.steps_per_epoch or math.ceil(n / bs)
    cb, history = make_callbacks(model, plan.callbacks, plan.verbose, plan.epochs, steps)
    model.stop_training = False
    model.history = history
    state = model.fit_state = FitState()
    batch_cb = cb if _overrides_batch_hooks(cb.callbacks) else None
    gather = bool(plan.shuffle) and isinstance(plan.x, np.ndarray) and n > 0
    buf = np.empty((min(bs, n),) + plan.x.shape[1:], plan.x.dtype) if gather else None
    logs = None
    with InterruptGuard() as guard, training_threads():

        def should_stop():
            return guard.interrupted or model.stop_training

        cb.on_train_begin()
        start = plan.initial_epoch if state.resume_epoch is None else state.resume_epoch
        stream = batch_stream(plan.rng, n, bs, plan.shuffle, max(plan.epochs - start, 0))
        for epoch in range(start, plan.epochs):
            cb.on_epoch_begin(epoch)
            if plan.batches is None and plan.custom_step is None:  # the lean hot loop
                logs = train_epoch(plan, stream, steps, buf, batch_cb, should_stop, state)
            else:
                source = dataset_batches(plan) if plan.batches else array_batches(plan, stream)
                logs = train_epoch_batches(plan, source, steps, batch_cb, should_stop, state)
            if guard.interrupted:
                state.interrupted = True  # BackupAndRestore keeps its backup
                _report_interrupt(epoch)
                break
            if plan.validation_data is not None and should_validate(epoch, plan.validation_freq):
                logs.update(_validate(plan, cb))
            cb.on_epoch_end(epoch, logs)
            if state.ran_out:
                _ran_out_warning(steps, plan.epochs)
                break
            if model.stop_training:
                break
        cb.on_train_end(logs)
    return history


def _validate(plan, cb):
    """Validation logs with the ``val_`` prefix; on_test_* hooks see them without it."""
    xv, yv, swv = plan.validation_data
    vbs = plan.validation_batch_size or plan.batch_size
    val = plan.evaluate(xv, yv, swv, vbs, plan.validation_steps, cb)
    return {f"val_{k}": v for k, v in val.items()}


def _report_interrupt(epoch) -> None:
    print(
        f"\nTraining interrupted (Ctrl-C) during epoch {epoch + 1}; the model keeps the "
        f"weights of the last completed batch and the History holds the completed epochs.",
        file=sys.stderr,
    )


def evaluation_bar(
    n: int, batch_size: int, verbose: str | int | bool, steps: int | None = None
) -> Progbar | None:
    """The Progbar ``evaluate``/``predict`` finish with (None when silent).

    Created before the loop so that its clock covers the whole evaluation.
    """
    verbose = resolve_verbose(verbose)
    if not verbose:
        return None
    target = math.ceil(n / batch_size)
    return Progbar(target if steps is None else min(steps, target), verbose=verbose)


def finish_evaluation_bar(bar: Progbar | None, logs: Mapping[str, float] | None = None) -> None:
    """One tf.keras line: ``313/313 [=====] - 0s 1ms/step - loss: ... - accuracy: ...``."""
    if bar is not None:
        bar.update(bar.target, list((logs or {}).items()), finalize=True)
