"""Tests for scratchdl.models.progress: the tf.keras 2.x progress bar on terminals and in logs."""

import numpy as np
import pytest

from scratchdl.models import progress
from scratchdl.models.progress import (
    Progbar,
    epoch_header,
    format_eta,
    format_rate,
    format_value,
    print_epoch_header,
)

TK_FINAL = (
    "1875/1875 [==============================] - 3s 1ms/step - loss: 0.2950 - accuracy: 0.9150"
)


class FakeStream:
    """Collects writes; ``isatty`` says whether it plays a terminal."""

    def __init__(self, tty):
        self.tty = tty
        self.writes = []

    def write(self, text):
        self.writes.append(text)

    def flush(self):
        pass

    def isatty(self):
        return self.tty

    @property
    def text(self):
        return "".join(self.writes)


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(progress, "_now", c)
    return c


def _run_epoch(bar, clock, steps, times, logs):
    """Update the bar at steps with the clock at times (stateful logs)."""
    for step, t in zip(steps, times, strict=True):
        clock.t = t
        bar.update(step, list(logs.items()))


def test_tk_final_line_on_a_log_file(clock):
    stream = FakeStream(tty=False)
    bar = Progbar(1875, stream=stream, stateful_metrics=["loss", "accuracy"])
    logs = {"loss": 0.2950, "accuracy": 0.9150}
    # first step slow (0.2 s), then 1.4 ms per step; the first step is left out
    steps = [1, 2, 500, 1000, 1875]
    times = [0.2, 0.2014, 0.2 + 499 * 0.0014, 0.2 + 999 * 0.0014, 0.2 + 1874 * 0.0014]
    _run_epoch(bar, clock, steps, times, logs)
    assert stream.writes == [TK_FINAL + "\n"]  # one clean line, no intermediate updates


def test_log_file_output_has_no_control_characters(clock):
    stream = FakeStream(tty=False)
    bar = Progbar(50, stream=stream)
    for step in range(1, 51):
        clock.t = step * 0.1
        bar.update(step, [("loss", 1.0 / step)])
    assert len(stream.writes) == 1
    assert not any(ch in stream.text for ch in "\r\b\x1b")
    assert stream.text.count("\n") == 1 and stream.text.endswith("\n")


def test_terminal_mid_epoch_eta_and_arrow(clock):
    stream = FakeStream(tty=True)
    bar = Progbar(1875, stream=stream, stateful_metrics=["loss"])
    _run_epoch(bar, clock, [1, 63], [0.2, 0.2 + 62 * 0.002], {"loss": 0.9012})
    assert stream.writes[1].rstrip(" ") == (
        "\r  63/1875 [>.............................] - ETA: 3s - loss: 0.9012"
    )
    assert stream.writes[0].startswith("\r   1/1875 [..............................] - ETA: ")


def test_terminal_redraw_throttle_padding_and_final_newline(clock):
    stream = FakeStream(tty=True)
    bar = Progbar(100, stream=stream, stateful_metrics=["loss"])
    _run_epoch(bar, clock, [1], [10.0], {"loss": 0.5})  # 10 s/step: ETA 990 s = 16:30
    assert stream.writes[-1].endswith("] - ETA: 16:30 - loss: 0.5000")
    _run_epoch(bar, clock, [2], [10.02], {"loss": 0.5})  # within 0.05 s: throttled
    assert len(stream.writes) == 1
    _run_epoch(bar, clock, [4], [10.3], {"loss": 0.5})  # 0.1 s/step: ETA 9.6 s
    line = stream.writes[-1]
    assert line == "\r  4/100 [>.............................] - ETA: 9s - loss: 0.5000   "
    assert len(line) == len(stream.writes[0])  # padded over the longer previous line
    _run_epoch(bar, clock, [100], [10.3 + 96 * 0.1], {"loss": 0.25})
    assert stream.writes[-1] == (
        "\r100/100 [==============================] - 20s 100ms/step - loss: 0.2500\n"
    )


def test_finalize_is_never_throttled(clock):
    stream = FakeStream(tty=True)
    bar = Progbar(2, stream=stream)
    clock.t = 1.0
    bar.update(1)
    clock.t = 1.001
    bar.update(2)
    assert len(stream.writes) == 2 and stream.writes[-1].endswith("\n")


def test_values_are_averaged_unless_stateful(clock):
    stream = FakeStream(tty=False)
    bar = Progbar(3, stream=stream, stateful_metrics=["acc"])
    clock.t = 1.0
    bar.update(1, [("loss", 1.0), ("acc", 0.5)])
    clock.t = 2.0
    bar.update(3, [("loss", 4.0), ("acc", 0.75)])  # covers 2 steps: loss (1 + 2*4)/3 = 3
    assert stream.text.endswith(" - loss: 3.0000 - acc: 0.7500\n")


def test_verbose_2_one_line_per_epoch(clock):
    for tty in (True, False):
        clock.t = 0.0
        stream = FakeStream(tty=tty)
        bar = Progbar(1875, verbose=2, stream=stream, stateful_metrics=["loss", "accuracy"])
        logs = {"loss": 0.2950, "accuracy": 0.9150}
        _run_epoch(bar, clock, [1, 900, 1875], [0.1, 1.4, 2.8], logs)
        assert stream.writes == [
            "1875/1875 - 3s - loss: 0.2950 - accuracy: 0.9150 - 3s/epoch - 1ms/step\n"
        ]


def test_verbose_0_is_silent(clock):
    stream = FakeStream(tty=True)
    bar = Progbar(3, verbose=0, stream=stream)
    for step in (1, 2, 3):
        clock.t = step
        bar.update(step, [("loss", 1.0)])
    assert stream.writes == []


def test_unknown_target(clock):
    stream = FakeStream(tty=True)
    bar = Progbar(None, stream=stream)
    clock.t = 1.0
    bar.update(5)
    assert stream.writes == ["\r      5/Unknown - 1s 200ms/step"]
    clock.t = 2.0
    bar.update(10, finalize=True)
    assert stream.writes[-1].startswith("\r     10/Unknown - 2s ") and stream.text[-1] == "\n"


def test_numpy_integer_target(clock):
    stream = FakeStream(tty=False)
    bar = Progbar(np.int64(2), stream=stream)
    bar.update(2)
    assert stream.text.startswith("2/2 [") and bar.target == 2 and type(bar.target) is int


def test_add_advances(clock):
    stream = FakeStream(tty=False)
    bar = Progbar(4, stream=stream, stateful_metrics=["loss"])
    clock.t = 1.0
    bar.add(2, [("loss", 0.5)])
    bar.add(2, [("loss", 0.25)])
    assert stream.text.startswith("4/4 [==============================]")


def test_default_stream_is_stdout_at_write_time(clock, capsys):
    bar = Progbar(2)
    clock.t = 1.0
    bar.update(1, [("loss", 0.5)])
    bar.update(2, [("loss", 0.5)])
    out = capsys.readouterr().out
    assert out.startswith("2/2 [==============================] - 1s ")  # not a tty: one line
    assert out.count("\n") == 1


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.2950, "0.2950"),
        (-0.5, "-0.5000"),
        (0.0011, "0.0011"),
        (0.001, "1.0000e-03"),
        (0.0005, "5.0000e-04"),
        (0.0, "0.0000e+00"),
        (12345.678, "12345.6780"),
        ("n/a", "n/a"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(3.9, "3s"), (60, "60s"), (61, "1:01"), (3599, "59:59"), (3601, "1:00:01"), (7322, "2:02:02")],
)
def test_format_eta(seconds, text):
    assert format_eta(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s/step"),
        (2.4, "2s/step"),
        (1.0, "1s/step"),
        (0.5, "500ms/step"),
        (0.001, "1ms/step"),
        (0.0005, "500us/step"),
    ],
)
def test_format_rate(seconds, text):
    assert format_rate(seconds, "step") == text


def test_epoch_header_only_for_several_epochs():
    assert epoch_header(0, 20) == "Epoch 1/20"
    stream = FakeStream(tty=False)
    print_epoch_header(0, 1, stream=stream)
    print_epoch_header(4, 20, verbose=0, stream=stream)
    assert stream.writes == []
    print_epoch_header(4, 20, verbose=2, stream=stream)
    assert stream.text == "Epoch 5/20\n"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target": -1}, "target must be a non-negative int or None, received -1"),
        ({"target": 2.5}, "received 2.5"),
        ({"target": True}, "received True"),
        ({"target": 3, "verbose": 3}, "verbose must be 0, 1 or 2, received verbose=3"),
        ({"target": 3, "width": 0}, "width must be a positive integer, received width=0"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Progbar(**kwargs)
