"""Optimizers on the flat parameter store (docs/keras-reference.md A4) and their pure rules.

    from scratchdl.optimizers import Adam, get
    opt = Adam(learning_rate=1e-3)      # or get("adam")
    opt.build(store)                    # flat slot arrays, one per slot name
    opt.apply(store)                    # one step: clip -> decay -> rule -> constraints

Modules: ``plain`` (each rule as a textbook function returning new arrays: read it
first), ``rules`` (the formulas as pure in-place array functions, shared with the
book face), ``base`` (the order of one step), ``state`` (get_state/set_state and
config), ``classic`` (SGD, Adagrad, RMSprop, Adadelta), ``adam`` (Adam, AdamW,
Adamax, Nadam).
"""

from __future__ import annotations

from typing import Any

from scratchdl.optimizers import rules
from scratchdl.optimizers.adam import Adam, Adamax, AdamW, Nadam
from scratchdl.optimizers.base import Optimizer
from scratchdl.optimizers.classic import SGD, Adadelta, Adagrad, RMSprop

__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "Adagrad",
    "RMSprop",
    "Adadelta",
    "Adamax",
    "Nadam",
    "rules",
    "get",
    "serialize",
    "deserialize",
]

_CLASSES = {
    c.__name__.lower(): c for c in (SGD, Adam, AdamW, Adagrad, RMSprop, Adadelta, Adamax, Nadam)
}


def _lookup(name: str):
    try:
        return _CLASSES[name.lower()]
    except KeyError:
        valid = sorted(c.__name__ for c in _CLASSES.values())
        raise ValueError(f"unknown optimizer {name!r}; valid names: {valid}") from None


def get(identifier: str | dict[str, Any] | Optimizer) -> Optimizer:
    """An optimizer from a name (any case: "adam", "SGD", "rmsprop"), a config dict
    ``{"class_name", "config"}``, or an ``Optimizer`` (returned as is).

    A name gives a new optimizer with the Keras defaults.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(
        "optimizer must be a name, a config dict or an Optimizer, "
        f"received {identifier!r}; valid names: {sorted(c.__name__ for c in _CLASSES.values())}"
    )


def serialize(optimizer: Optimizer) -> dict:
    """``{"class_name": "Adam", "config": optimizer.get_config()}``."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config: dict) -> Optimizer:
    """The inverse of ``serialize`` (a new optimizer, without state)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "an optimizer config must be a dict with 'class_name' and 'config', "
            f"received {config!r}"
        )
    return _lookup(config["class_name"]).from_config(config.get("config", {}))
