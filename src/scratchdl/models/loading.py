"""``load_model``: rebuild whichever model a saved file describes (a stack or a graph)."""

from __future__ import annotations

import os
from typing import Any

from scratchdl.models.functional import Model
from scratchdl.models.model_io import load_model as _load_model_as
from scratchdl.models.sequential import Sequential

__all__ = ["AnyModel", "load_model"]


class AnyModel:
    """Rebuilds whichever model a configuration describes: a graph or a stack."""

    sequential: type = None  # set below; a face passes its own classes
    functional: type = Model

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Any:
        custom = {"Sequential": cls.sequential, "Model": cls.functional, **(custom_objects or {})}
        if "input_layers" in config:
            return cls.functional.from_config(config, custom)
        return cls.sequential.from_config(config, custom)


AnyModel.sequential = Sequential


def load_model(
    filepath: str | os.PathLike[str],
    custom_objects: dict | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Any:
    """Rebuild a model saved by ``model.save`` (see ``model_io.load_model``)."""
    return _load_model_as(
        filepath, AnyModel, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
    )
