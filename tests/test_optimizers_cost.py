"""The optimizer step's cost does not grow with the number of layers (docs/architecture.md).

One ``apply`` is traced with ``sys.settrace`` (Python line events in every frame,
NumPy's Python wrappers included) and ``sys.setprofile`` (calls of C functions and
Python functions); a 2-layer and a 20-layer store must give identical counts.
"""

import sys

import numpy as np
import pytest

from scratchdl import optimizers
from tests.test_optimizers import make_store

# -- cost per step does not grow with depth ----------------------------------------------


def _count_events(opt, store):
    """Python line events (any frame) and C-function calls made by one ``apply``."""
    counts = {"line": 0, "c_call": 0, "call": 0}

    def tracer(frame, event, arg):
        if event == "line":
            counts["line"] += 1
        return tracer

    def profiler(frame, event, arg):
        if event in ("c_call", "call"):
            counts[event] += 1

    sys.settrace(tracer)
    sys.setprofile(profiler)
    try:
        opt.apply(store)
    finally:
        sys.setprofile(None)
        sys.settrace(None)
    return counts


CONFIGS = [
    ("sgd", {}),
    ("sgd", {"momentum": 0.9, "nesterov": True, "clipnorm": 1.0}),
    ("adam", {"amsgrad": True, "global_clipnorm": 1.0, "weight_decay": 0.1}),
    ("adamw", {"clipvalue": 0.5}),
    ("rmsprop", {"centered": True, "momentum": 0.5}),
    ("adagrad", {}),
    ("adadelta", {}),
    ("adamax", {}),
    ("nadam", {}),
]


@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_numpy_calls_per_step_do_not_grow_with_layers(rng, name, kwargs):
    counts = []
    for n_layers in (2, 20):
        store = make_store(rng, n_layers=n_layers)
        opt = type(optimizers.get(name))(**kwargs)
        if name == "adam":
            opt.exclude_from_weight_decay(var_names=["bias"])
        store.grad[...] = rng.normal(size=store.size) * 10
        opt.apply(store)  # builds
        counts.append(_count_events(opt, store))
    assert counts[0] == counts[1]
    assert counts[0]["c_call"] > 0 and counts[0]["line"] > 0


def test_event_count_detects_a_loop_over_tensors(rng):
    """The counter is sensitive: constraints loop per tensor, so their cost does grow."""
    clip = lambda w: np.clip(w, -1, 1)  # noqa: E731
    counts = []
    for n_layers in (2, 20):
        store = make_store(rng, n_layers=n_layers, constraints={"kernel": clip})
        opt = optimizers.SGD(0.1)
        opt.apply(store)
        counts.append(_count_events(opt, store))
    assert counts[1]["line"] > counts[0]["line"]
