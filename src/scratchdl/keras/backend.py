"""``keras.backend``: the few functions notes still call."""

from scratchdl.layers.base import reset_name_counters

__all__ = ["epsilon", "floatx", "clear_session", "image_data_format"]


def epsilon() -> float:
    """The fuzz factor used by losses and constraints: 1e-7."""
    return 1e-7


def floatx() -> str:
    return "float32"


def image_data_format() -> str:
    return "channels_last"


def clear_session() -> None:
    """Reset layer/model auto-names (``dense``, ``dense_1``, ...)."""
    reset_name_counters()
