"""Callbacks that report: ProgbarLogger, CSVLogger, TerminateOnNaN, LambdaCallback."""

from __future__ import annotations

import csv
import io
import math
import os
import warnings
from collections.abc import Callable, Iterable
from typing import Any, TextIO

import numpy as np

from scratchdl.models.callbacks.base import HOOKS, Callback
from scratchdl.models.progress import Progbar, print_epoch_header

__all__ = ["CSVLogger", "LambdaCallback", "ProgbarLogger", "TerminateOnNaN"]


class ProgbarLogger(Callback):
    """Prints ``Epoch i/N`` and the progress bar (``scratchdl.models.progress.Progbar``).

    Reads ``params`` from fit: ``verbose`` (1 bar, 2 one line per epoch, 0 nothing),
    ``epochs`` and ``steps`` (batches per epoch). During fit it shows one bar per epoch
    and, at epoch end, the epoch logs including ``val_*`` and keys other callbacks added
    (e.g. ``lr``). Outside fit it shows ``evaluate``'s and ``predict``'s bars (predict
    without metrics). Every logged value is shown as given (the logs already hold
    running means), as in tf.keras where all metrics are "stateful".

    Args:
        count_mode: ``"steps"`` (the only mode; tf.keras's ``"samples"`` is gone).
        stateful_metrics: accepted for compatibility; all values are shown as given.
        stream: where to print (default: ``sys.stdout`` at print time).

    Convention: as in Keras, this callback prints ``Epoch i/N`` at epoch begin, only if
    ``epochs > 1``; fit appends it after the user's callbacks (tf.keras >= 2.10, Keras 3).
    """

    def __init__(
        self,
        count_mode: str = "steps",
        stateful_metrics: Iterable[str] | None = None,
        *,
        stream: TextIO | None = None,
    ) -> None:
        super().__init__()
        if count_mode != "steps":
            raise ValueError(f'count_mode must be "steps", received {count_mode!r}')
        self.stateful_metrics = set(stateful_metrics or ())
        self.stream = stream
        self.progbar = None
        self.verbose, self.epochs, self.target = 1, 1, None
        self._in_fit = False
        self._seen = 0

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _new_bar(self, target):
        self._seen = 0
        self.progbar = Progbar(
            target, verbose=self.verbose, stream=self.stream, stateful_metrics=self.stateful_metrics
        )

    def _update(self, batch, logs):
        if self.progbar is None or not self.verbose:
            return
        self._seen = batch + 1
        logs = logs or {}
        self.progbar.stateful_metrics.update(logs)
        self.progbar.update(self._seen, list(logs.items()), finalize=False)

    def _finalize(self, logs):
        if self.progbar is None or not self.verbose:
            return
        logs = logs or {}
        if self.progbar.target is None:
            self.progbar.target = self._seen or 1
        self.progbar.stateful_metrics.update(logs)
        self.progbar.update(self.progbar.target, list(logs.items()), finalize=True)
        self.progbar = None

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        self._in_fit = True

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        self._in_fit = False

    def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        if self.verbose:
            print_epoch_header(epoch, self.epochs, self.verbose, self.stream)
            self._new_bar(self.target)

    def on_train_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._update(batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self._finalize(logs)

    def on_test_begin(self, logs: dict[str, float] | None = None) -> None:
        if not self._in_fit and self.verbose:
            self._new_bar(self.params.get("steps"))

    def on_test_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        if not self._in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs: dict[str, float] | None = None) -> None:
        if not self._in_fit:
            self._finalize(logs)

    def on_predict_begin(self, logs: dict[str, float] | None = None) -> None:
        if self.verbose:
            self._new_bar(self.params.get("steps"))

    def on_predict_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._update(batch, None)

    def on_predict_end(self, logs: dict[str, float] | None = None) -> None:
        self._finalize(None)


def _csv_value(value):
    """Full precision text (``str`` of a float is its shortest exact repr); ``[a, b]`` lists."""
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (list, tuple, np.ndarray)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)  # NumPy scalars: the shortest text that reads back to the same value


class CSVLogger(Callback):
    """Write one CSV row per epoch: ``epoch`` (0-based) then the log keys, sorted.

    The columns are fixed by the first epoch: ``sorted(logs)``; if none of them starts
    with ``val_`` (no validation that epoch, e.g. ``validation_freq > 1``) a
    ``val_<key>`` column is added for every key, filled with ``NA`` until validation
    values arrive (Keras does the same). Floats are written with full precision
    (``repr``). Keys that appear after the first epoch are not added (warned once).

    Each row is written with one ``write`` of a complete line, then flushed and
    ``fsync``'d, so an interrupted run leaves a file of complete rows that any CSV
    reader (and ``append=True`` on the next run) can use.

    Args:
        filename: the CSV file (parent directories are created).
        separator: the field delimiter.
        append: append to an existing file (no second header) instead of overwriting.
    """

    def __init__(
        self, filename: str | os.PathLike[str], separator: str = ",", append: bool = False
    ) -> None:
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep, self.append = separator, append
        self.keys = None
        self.csv_file = None
        self._write_header = True
        self._warned = False

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        self.keys = None
        self._warned = False
        self._write_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, encoding="utf-8") as handle:
                self._write_header = not handle.readline()
        directory = os.path.dirname(self.filename)
        if directory:
            os.makedirs(directory, exist_ok=True)
        mode = "a" if self.append else "w"
        self.csv_file = open(self.filename, mode, newline="", encoding="utf-8")  # noqa: SIM115

    def _columns(self, logs):
        keys = sorted(logs)
        if not any(k.startswith("val_") for k in keys):
            keys += ["val_" + k for k in keys]
        return keys

    def _line(self, fields):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=self.sep, lineterminator="\n").writerow(fields)
        return buffer.getvalue()

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = self._columns(logs)
        extra = [k for k in logs if k not in self.keys]
        if extra and not self._warned:
            self._warned = True
            warnings.warn(
                f"CSVLogger: keys {extra} appeared after the first epoch and are "
                f"not written (columns: {self.keys})",
                stacklevel=2,
            )
        text = ""
        if self._write_header:
            text += self._line(["epoch"] + self.keys)
            self._write_header = False
        text += self._line([epoch] + [_csv_value(logs.get(k, "NA")) for k in self.keys])
        self.csv_file.write(text)
        self.csv_file.flush()
        os.fsync(self.csv_file.fileno())

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        if self.csv_file is not None:
            self.csv_file.close()
            self.csv_file = None


class TerminateOnNaN(Callback):
    """Stop training when a batch's ``loss`` is NaN or infinite.

    Prints ``Batch {batch}: Invalid loss, terminating training`` and sets
    ``model.stop_training`` (fit stops after this batch). With ``raise_error=True``
    (Keras 3) it raises RuntimeError instead.
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}: loss={loss}")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda e, logs: ...)``.

    Signatures: ``on_{train,test,predict}_{begin,end}(logs)``,
    ``on_epoch_{begin,end}(epoch, logs)``, ``on_*batch_{begin,end}(batch, logs)``;
    ``on_batch_begin``/``on_batch_end`` (tf.keras names) run at train batches.
    Unknown names raise ValueError listing the valid ones.
    """

    VALID = HOOKS + ("on_batch_begin", "on_batch_end")

    def __init__(self, **hooks: Callable[..., object] | None) -> None:
        super().__init__()
        for name, function in hooks.items():
            if name not in self.VALID:
                raise ValueError(
                    f"Unknown LambdaCallback hook {name!r}; valid hooks: {', '.join(self.VALID)}"
                )
            if function is not None and not callable(function):
                raise ValueError(f"{name} must be callable or None, received {function!r}")
        self.functions = {k: v for k, v in hooks.items() if v is not None}

    def _run(self, name, *args):
        function = self.functions.get(name)
        if function is not None:
            function(*args)

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        self._run("on_train_begin", logs)

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        self._run("on_train_end", logs)

    def on_test_begin(self, logs: dict[str, float] | None = None) -> None:
        self._run("on_test_begin", logs)

    def on_test_end(self, logs: dict[str, float] | None = None) -> None:
        self._run("on_test_end", logs)

    def on_predict_begin(self, logs: dict[str, float] | None = None) -> None:
        self._run("on_predict_begin", logs)

    def on_predict_end(self, logs: dict[str, float] | None = None) -> None:
        self._run("on_predict_end", logs)

    def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self._run("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self._run("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._run("on_train_batch_begin", batch, logs)
        self._run("on_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._run("on_train_batch_end", batch, logs)
        self._run("on_batch_end", batch, logs)

    def on_test_batch_begin(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._run("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._run("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._run("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._run("on_predict_batch_end", batch, logs)
