"""Fixtures of the hostile-input suite: a per-test timeout, a tiny model file, fake data.

Every test here runs under a hard timeout (``TIMEOUT_SECONDS`` of the module, default 20 s):
SIGALRM raises ``HangError`` in the test, so a hang is a failure, never a stuck suite.
"""

from __future__ import annotations

import os
import signal
import threading

import numpy as np
import pytest


class HangError(Exception):
    """The test did not finish within its timeout."""


@pytest.fixture(autouse=True)
def hard_timeout(request):
    seconds = getattr(request.module, "TIMEOUT_SECONDS", 20)
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise HangError(f"{request.node.name} did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def build_tiny_model():
    """Flatten(28, 28) -> Dense(10, softmax), compiled: the smallest model predict accepts."""
    from scratchdl.keras import layers
    from scratchdl.keras.models import Sequential

    model = Sequential([layers.Flatten(input_shape=(28, 28)), layers.Dense(10)], seed=0)
    model.add(layers.Activation("softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "tiny.sdl.npz"
    build_tiny_model().save(path)
    return path


@pytest.fixture
def digit_png(tmp_path):
    """A drawn "1": black stroke on white paper."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(img).line([(100, 30), (100, 170)], fill=0, width=14)
    path = tmp_path / "one.png"
    img.save(path)
    return path


@pytest.fixture
def fifo(tmp_path):
    """A named pipe nobody writes to: opening it for reading would block forever."""
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


@pytest.fixture
def fake_data(monkeypatch):
    """``scratchdl train`` on 200 random images instead of MNIST; records the calls."""
    calls = []

    def load(dataset, quick):
        calls.append(dataset)
        rng = np.random.default_rng(0)
        x, y = rng.random((200, 28, 28)), rng.integers(0, 10, 200)
        return (x, y), (x[:50], y[:50])

    monkeypatch.setattr("scratchdl.lab.train._load", load)
    return calls


@pytest.fixture
def no_data(monkeypatch):
    """Fails the test if a command starts its work (loads data) before refusing."""

    def load(dataset, quick):
        raise AssertionError("the work started before the input was refused")

    monkeypatch.setattr("scratchdl.lab.train._load", load)
