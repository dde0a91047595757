"""``keras.models``: Sequential and load_model."""

from scratchdl.model import Sequential
from scratchdl.model_io import load_model

__all__ = ["Sequential", "load_model"]
