"""``tf.train.latest_checkpoint``: the newest weights file in a checkpoint directory.

TensorFlow's checkpoints keep a small bookkeeping file named ``checkpoint`` in their
directory that names the newest one; ``latest_checkpoint(dir)`` reads it.  scratchdl
writes every checkpoint as one self-describing ``.npz`` under exactly the name asked
for (``cp-0005.ckpt``), with no bookkeeping file, so here the newest checkpoint is
the most recently written file of the directory that is a scratchdl weights or
model file.  Other files (notes, plots, half-written temporaries) are skipped.

Convention: "newest" is by modification time (nanoseconds), ties broken by the
larger file name, so copying a directory with a tool that does not keep
modification times can change the answer; TensorFlow's bookkeeping file does not
have that caveat.
"""

from __future__ import annotations

import os

from scratchdl.models.saving import load_npz_safe

__all__ = ["latest_checkpoint"]

_CHECKPOINT_KINDS = ("weights", "model")


def _is_checkpoint(path: str) -> bool:
    try:
        meta, _ = load_npz_safe(path)
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("kind") in _CHECKPOINT_KINDS


def latest_checkpoint(
    checkpoint_dir: str | os.PathLike[str], latest_filename: str | None = None
) -> str | None:
    """Path of the newest weights/model file in ``checkpoint_dir``, or None if there is none.

    Args:
        checkpoint_dir: directory the checkpoints were written to (str or PathLike).
        latest_filename: TensorFlow's name for its bookkeeping file; scratchdl writes
            none, so only None is accepted.

    Returns:
        ``os.path.join(checkpoint_dir, name)`` of the newest checkpoint (the path
        ``model.load_weights`` takes), or None when the directory holds none or does
        not exist — as TensorFlow returns None.
    """
    if latest_filename is not None:
        raise ValueError(
            "latest_filename names TensorFlow's checkpoint bookkeeping file, which scratchdl "
            f"does not write; pass None, received latest_filename={latest_filename!r}"
        )
    checkpoint_dir = os.fspath(checkpoint_dir)
    if not os.path.isdir(checkpoint_dir):
        return None
    found = []
    for entry in os.scandir(checkpoint_dir):
        if entry.name.startswith(".") or not entry.is_file():
            continue
        if _is_checkpoint(entry.path):
            found.append((entry.stat().st_mtime_ns, entry.name))
    if not found:
        return None
    return os.path.join(checkpoint_dir, max(found)[1])
