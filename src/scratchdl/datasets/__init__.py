"""Datasets: MNIST and Fashion-MNIST from a verified fetch chain, small synthetic sets,
dataset utilities, and ``images.load_digit`` for photos of your own handwriting.

Submodules are imported on use (``from scratchdl.datasets import mnist``), so importing this
package stays cheap and never touches Pillow or the network.
"""

from scratchdl.datasets.sources import DatasetUnavailableError, VerificationError, cache_home
from scratchdl.datasets.utils import (
    normalize_pixels,
    shuffle_dataset,
    standardize,
    to_categorical,
    train_val_split,
)

__all__ = [
    "DatasetUnavailableError",
    "VerificationError",
    "cache_home",
    "normalize_pixels",
    "shuffle_dataset",
    "standardize",
    "to_categorical",
    "train_val_split",
]
