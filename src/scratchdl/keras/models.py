"""``keras.models``: Sequential, load_model and save_model."""

from scratchdl.models.model_io import load_model
from scratchdl.models.sequential import Sequential

__all__ = ["Sequential", "load_model", "save_model"]


def save_model(model, filepath, overwrite=True, **kwargs):
    """``keras.models.save_model(model, path)``: the same as ``model.save(path)``."""
    model.save(filepath, overwrite=overwrite, **kwargs)
