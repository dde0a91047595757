"""The Keras progress bar, in the look of tf.keras 2.x (the students' notes).

What it prints (docs/keras-reference.md A3, "TK bar", width 30)::

    Epoch 1/20                                              <- epoch_header(), fit prints it
      32/1875 [..............................] - ETA: 3s - loss: 0.9012 - accuracy: 0.7100
    1875/1875 [==============================] - 3s 1ms/step - loss: 0.2950 - accuracy: 0.9150

    verbose=2 (one line per epoch):
    1875/1875 - 3s - loss: 0.2950 - accuracy: 0.9150 - 3s/epoch - 1ms/step

Rules:
- Count ``"%{d}d/%d"`` with the current step padded to the width of the target.
- Bar: ``filled = int(width * current / target)``; ``"=" * (filled - 1)`` then ``">"``
  mid-epoch (``"="`` when complete), padded with ``"."`` to ``width``.
- Mid-epoch: ``" - ETA: "`` + ``"%ds"``, ``"%d:%02d"`` (> 60 s) or ``"%d:%02d:%02d"``
  (> 3600 s) with ETA = time_per_step * (target - current). Finished: elapsed ``"%.0fs"``
  and the time per step: ``"%.0fs/step"`` if >= 1 s, ``"%.0fms/step"`` if >= 1 ms, else
  ``"%.0fus/step"``. The first step (graph set-up in Keras, cache warm-up here) is left
  out of the per-step estimate once current > 1.
- Metrics ``" - {k}: {v:.4f}"``, or ``{v:.4e}`` when ``|v| <= 1e-3``. Values of names in
  ``stateful_metrics`` are shown as given; others are averaged over steps, weighted by
  the number of steps each update covers (Keras's Progbar rule).

Convention (how this differs from Keras):
- The look is tf.keras 2.x's (``[====>....]``, width 30, ``ETA:``), not Keras 3's
  (``━━━`` in ANSI colours, width 20, keys sorted), because the class notes were
  written for tf.keras 2.x.
- Live redraw (``"\\r"`` + the line, padded with spaces over the previous one, throttled
  to ``interval`` seconds) happens only when the stream is a terminal (``isatty()``).
  Keras also redraws whenever ``posix`` is imported, i.e. always on Linux, which fills
  log files with control characters. When the stream is not a terminal we print exactly
  one clean line per epoch (at ``finalize``), with no control characters and no
  intermediate updates. Keras starts each update with backspaces; ``"\\r"`` suffices.
"""

from __future__ import annotations

import math
import numbers
import sys
import time
from collections.abc import Iterable, Mapping
from typing import TextIO

__all__ = ["Progbar", "epoch_header", "format_value", "print_epoch_header"]

_now = time.monotonic  # the clock; tests replace it


def epoch_header(epoch: int, epochs: int) -> str:
    """``"Epoch {epoch + 1}/{epochs}"`` for a 0-based ``epoch`` (what fit prints)."""
    return f"Epoch {epoch + 1}/{epochs}"


def print_epoch_header(
    epoch: int, epochs: int, verbose: int = 1, stream: TextIO | None = None
) -> None:
    """Print the epoch header as Keras does: only if ``verbose`` and ``epochs > 1``."""
    if verbose and epochs > 1:
        out = stream if stream is not None else sys.stdout
        out.write(epoch_header(epoch, epochs) + "\n")
        out.flush()


def format_value(value: object) -> str:
    """One metric value as Keras prints it: ``{:.4f}``, or ``{:.4e}`` when |v| <= 1e-3."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{v:.4f}" if abs(v) > 1e-3 else f"{v:.4e}"


def format_eta(seconds: float) -> str:
    """``"%ds"``, ``"%d:%02d"`` above a minute, ``"%d:%02d:%02d"`` above an hour."""
    s = int(seconds)
    if seconds > 3600:
        return f"{s // 3600}:{(s % 3600) // 60:02d}:{s % 60:02d}"
    if seconds > 60:
        return f"{s // 60}:{s % 60:02d}"
    return f"{s}s"


def format_rate(seconds: float, unit: str) -> str:
    """Time per unit: ``"3s/step"``, ``"12ms/step"``, ``"850us/step"`` (0 -> ``"0s/step"``)."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


def _is_terminal(stream):
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class Progbar:
    """A Keras-format progress bar (see the module docstring for the exact format).

    Args:
        target: total number of steps, or None when unknown (shows ``"%7d/Unknown"``).
        width: bar width in characters (tf.keras 2.x: 30).
        verbose: 0 silent, 1 bar, 2 one summary line when finished.
        interval: minimum seconds between two redraws on a terminal.
        stateful_metrics: names whose values are shown as given (not averaged).
        unit_name: ``"step"`` -> ``"1ms/step"``.
        stream: where to write; default ``sys.stdout`` at the time of each write.
    """

    def __init__(
        self,
        target: int | None,
        width: int = 30,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Iterable[str] | None = None,
        unit_name: str = "step",
        stream: TextIO | None = None,
    ) -> None:
        if target is not None:
            if not isinstance(target, numbers.Integral) or isinstance(target, bool) or target < 0:
                raise ValueError(f"target must be a non-negative int or None, received {target!r}")
            target = int(target)
        if not isinstance(width, int) or width < 1:
            raise ValueError(f"width must be a positive integer, received width={width!r}")
        if verbose not in (0, 1, 2):
            raise ValueError(f"verbose must be 0, 1 or 2, received verbose={verbose!r}")
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name, self.stream = interval, unit_name, stream
        self.stateful_metrics = set(stateful_metrics or ())
        self._dynamic = _is_terminal(self._out())
        self._values, self._order = {}, []
        self._seen = 0
        self._start = _now()
        self._last_update = -math.inf
        self._after_first_step = None
        self._prev_width = 0

    def _out(self):
        return self.stream if self.stream is not None else sys.stdout

    def update(
        self,
        current: int,
        values: Mapping[str, float] | Iterable[tuple[str, float]] | None = None,
        finalize: bool | None = None,
    ) -> None:
        """Record progress up to step ``current`` (1-based) and redraw if due.

        Args:
            current: steps done so far.
            values: ``[(name, value), ...]`` or a dict.
            finalize: whether this is the last update; default ``current >= target``.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._accumulate(current, values)
        now = _now()
        step_time = self._step_time(current, now)
        if self.verbose == 1:
            self._draw(current, now, step_time, finalize)
        elif self.verbose == 2 and finalize:
            self._write(self._summary_line(current, now, step_time) + "\n")

    def add(
        self, n: int, values: Mapping[str, float] | Iterable[tuple[str, float]] | None = None
    ) -> None:
        """Advance by ``n`` steps."""
        self.update(self._seen + n, values)

    def _accumulate(self, current, values):
        items = values.items() if isinstance(values, dict) else (values or ())
        weight = max(current - self._seen, 1)
        for name, value in items:
            if name not in self._values:
                self._order.append(name)
                self._values[name] = [0.0, 0]
            if name in self.stateful_metrics or not _is_number(value):
                self._values[name] = [value, 1]
            else:
                total = self._values[name]
                total[0] += float(value) * weight
                total[1] += weight
        self._seen = current

    def _step_time(self, current, now):
        """Seconds per step, leaving out the first step once current > 1."""
        if not current:
            return 0.0
        if self._after_first_step is not None and current > 1:
            per_step = (now - self._after_first_step) / (current - 1)
        else:
            per_step = (now - self._start) / current
        if current == 1:
            self._after_first_step = now
        return per_step

    def _metrics_text(self):
        parts = []
        for name in self._order:
            total, count = self._values[name]
            value = total / count if count > 1 else total
            parts.append(f" - {name}: {format_value(value)}")
        return "".join(parts)

    def _count_text(self, current):
        if self.target is None:
            return f"{current:7d}/Unknown"
        return f"{current:{len(str(self.target))}d}/{self.target}"

    def _bar_text(self, current):
        if self.target is None:
            return self._count_text(current)
        fraction = current / self.target if self.target else 1.0
        filled = min(int(self.width * fraction), self.width)
        body = ""
        if filled > 0:
            body = "=" * (filled - 1) + (">" if current < self.target else "=")
        body += "." * (self.width - filled)
        return f"{self._count_text(current)} [{body}]"

    def _bar_line(self, current, now, step_time, finalize):
        if finalize or self.target is None:
            timing = f" - {now - self._start:.0f}s {format_rate(step_time, self.unit_name)}"
        else:
            timing = f" - ETA: {format_eta(step_time * (self.target - current))}"
        return self._bar_text(current) + timing + self._metrics_text()

    def _draw(self, current, now, step_time, finalize):
        if not self._dynamic:
            if finalize:
                self._write(self._bar_line(current, now, step_time, finalize) + "\n")
            return
        if not finalize and now - self._last_update < self.interval:
            return
        line = self._bar_line(current, now, step_time, finalize)
        padding = " " * max(self._prev_width - len(line), 0)
        self._prev_width = len(line)
        self._write("\r" + line + padding + ("\n" if finalize else ""))
        self._last_update = now

    def _summary_line(self, current, now, step_time):
        elapsed = now - self._start
        steps = self.target if self.target else max(current, 1)
        return (
            f"{self._count_text(current)} - {elapsed:.0f}s{self._metrics_text()}"
            f" - {format_rate(elapsed, 'epoch')}"
            f" - {format_rate(elapsed / steps, self.unit_name)}"
        )

    def _write(self, text):
        out = self._out()
        out.write(text)
        out.flush()


def _is_number(value):
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, str)
