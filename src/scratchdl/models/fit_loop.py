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

import numpy as np

from scratchdl.models import callbacks as callbacks_module
from scratchdl.models.progress import Progbar
from scratchdl.models.threads import training_threads

__all__ = [
    "run_fit",
    "train_epoch",
    "resolve_verbose",
    "evaluation_bar",
    "finish_evaluation_bar",
    "InterruptGuard",
]


def resolve_verbose(verbose) -> int:
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

    def __init__(self):
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
    """The sample order of one epoch: a full permutation, None (keep), or per-chunk.

    ``shuffle="batch"`` (Keras: "shuffle within batch-sized chunks") permutes the
    samples inside each chunk ``[k*batch_size, (k+1)*batch_size)`` and keeps the
    chunks in place, so every batch holds the samples of one chunk.
    """
    if shuffle == "batch":
        return np.lexsort((rng.random(n), np.arange(n) // batch_size))
    if shuffle:
        return rng.permutation(n)
    return None


def train_epoch(model, x, y, sw, batch_size, shuffle, cb, guard):
    """One pass over the data; returns the epoch logs.

    Shuffling draws one permutation per epoch and gathers each batch's rows with
    it into one reused buffer (``np.take(x, order[start:stop], axis=0, out=buf)``).
    Convention: DESIGN §4 planned one gather of the whole data set per epoch
    followed by slices; measured here, gathering per batch is about 2x cheaper
    (81 ms vs 41 ms per MNIST epoch): the gathered batch is still in cache when the
    first matrix product reads it, and no 188 MB copy is made.  ``mode="clip"``
    only skips ``take``'s bounds check, which buffers ``out`` (the indices come
    from a permutation, so none is out of range): 36 us per MNIST batch against
    40 us for ``x[idx]`` and 51 us for the checked ``take``.  The buffer is
    overwritten by the next batch; the layers' caches of the batch are only read
    within its own step.  Without shuffling the batches are plain slices (views).
    """
    order = _epoch_order(model.rng, len(x), batch_size, shuffle)
    buf = None if order is None else np.empty((min(batch_size, len(x)),) + x.shape[1:], x.dtype)
    metrics = model.compiled_metrics
    for m in metrics:
        m.reset_state()
    updates = [m.update_state for m in metrics]  # bound once, not per batch
    loss_sum, seen = 0.0, 0
    step = model._train_step
    for batch, start in enumerate(range(0, len(x), batch_size)):
        sel = (
            slice(start, start + batch_size) if order is None else order[start : start + batch_size]
        )
        if cb is not None:
            cb.on_train_batch_begin(batch)
        yb = y[sel]
        xb = x[sel] if order is None else np.take(x, sel, axis=0, out=buf[: len(sel)], mode="clip")
        loss, out = step(xb, yb, None if sw is None else sw[sel])
        nb = len(out)
        loss_sum += loss * nb
        seen += nb
        for update in updates:
            update(yb, out)
        if cb is not None:
            cb.on_train_batch_end(batch, _logs(loss_sum / seen, metrics))
        if guard.interrupted or model.stop_training:
            break
    return _logs(loss_sum / max(seen, 1), metrics)


def _logs(loss, metrics):
    logs = {"loss": float(loss)}
    for m in metrics:
        logs[m.name] = float(m.result())
    return logs


def _make_callbacks(model, callbacks, verbose, epochs, steps):
    history = callbacks_module.History()
    cbs = list(callbacks or [])
    cbs.append(history)
    if verbose:
        cbs.append(callbacks_module.ProgbarLogger())
    cb = callbacks_module.CallbackList(cbs)
    cb.set_model(model)
    cb.set_params({"verbose": verbose, "epochs": epochs, "steps": steps})
    return cb, history


def run_fit(
    model,
    x,
    y,
    sw,
    batch_size,
    epochs,
    verbose,
    callbacks,
    validation_data,
    shuffle,
    initial_epoch,
    val_batch_size,
    validation_freq,
    steps_per_epoch=None,
):
    """The loop ``for epoch in range(initial_epoch, epochs)`` with callbacks; returns History."""
    verbose = resolve_verbose(verbose)
    steps = math.ceil(len(x) / batch_size)
    cb, history = _make_callbacks(model, callbacks, verbose, epochs, steps)
    model.stop_training = False
    model.history = history
    model._resume_epoch = None
    model._interrupted = False
    batch_cb = cb if _overrides_batch_hooks(cb.callbacks) else None
    with InterruptGuard() as guard, training_threads():
        cb.on_train_begin()
        start = initial_epoch if model._resume_epoch is None else model._resume_epoch
        for epoch in range(start, epochs):
            cb.on_epoch_begin(epoch)
            logs = train_epoch(model, x, y, sw, batch_size, shuffle, batch_cb, guard)
            if guard.interrupted:
                model._interrupted = True  # BackupAndRestore keeps its backup
                _report_interrupt(epoch)
                break
            if validation_data is not None and (epoch + 1) % validation_freq == 0:
                xv, yv, swv = validation_data
                val = model._evaluate_arrays(xv, yv, swv, val_batch_size)
                logs.update({f"val_{k}": v for k, v in val.items()})
            cb.on_epoch_end(epoch, logs)
            if model.stop_training:
                break
        cb.on_train_end()
    return history


def _report_interrupt(epoch):
    print(
        f"\nTraining interrupted (Ctrl-C) during epoch {epoch + 1}; the model keeps the "
        f"weights of the last completed batch and the History holds the completed epochs.",
        file=sys.stderr,
    )


def evaluation_bar(n, batch_size, verbose):
    """The Progbar ``evaluate``/``predict`` finish with (None when silent).

    Created before the loop so that its clock covers the whole evaluation.
    """
    verbose = resolve_verbose(verbose)
    if not verbose:
        return None
    return Progbar(math.ceil(n / batch_size), verbose=verbose)


def finish_evaluation_bar(bar, logs=None):
    """One tf.keras line: ``313/313 [=====] - 0s 1ms/step - loss: ... - accuracy: ...``."""
    if bar is not None:
        bar.update(bar.target, list((logs or {}).items()), finalize=True)
