"""``scratchdl predict MODEL IMAGE...``: the top classes of each photographed digit.

Honest answers only:

* an image without digit-like ink (a blank page, a lighting gradient) prints
  ``no digit found: ...`` instead of a class;
* a model whose weights or outputs are not finite (NaN, inf) is an error, never
  ``9 (nan%)``;
* ``--top`` is 1..10 (checked by the command line);
* a path that is not a regular file (a directory, a FIFO, a device) is refused before it
  is opened, so reading never hangs.

Output: one line per image, ``PATH: k1 (p1%), k2 (p2%), ...``; the exit code is 1 when
any image could not be classified, 0 otherwise.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["check_finite_weights", "command_predict", "classify_line"]


def check_finite_weights(model: Any, path: str | os.PathLike) -> None:
    """RuntimeError naming the first layer whose weights hold NaN or infinity."""
    for layer in getattr(model, "layers", ()):  # stand-ins without layers have nothing to check
        for kind, key in layer.weight_keys():
            if not np.all(np.isfinite(getattr(layer, kind)[key])):
                raise RuntimeError(
                    f"{path}: weight {layer.name}/{key} holds NaN or infinite values; "
                    "the model cannot give meaningful predictions (retrain it)"
                )


def _check_image_path(name: str) -> str | None:
    """Why ``name`` cannot be read as an image, or None when it is a regular file."""
    path = Path(name)
    if not path.exists():
        return "no such file"
    if not path.is_file():
        return "not a regular file (a directory, FIFO or device); expected a PNG or JPEG"
    return None


def classify_line(model: Any, name: str, top: int) -> tuple[str, bool]:
    """``(line, ok)`` for one image file."""
    from scratchdl.datasets.images import load_digit

    problem = _check_image_path(name)
    if problem is not None:
        return f"{name}: {problem}", False
    try:
        x = load_digit(name)[None]
    except PermissionError:
        return f"{name}: permission denied", False
    except (ValueError, OSError) as exc:
        text = str(exc)
        if text.startswith("cannot read an image"):
            return f"{name}: not a readable image (PNG or JPEG expected)", False
        if "ink" in text:
            return f"{name}: no digit found: {text}", False
        return f"{name}: {text}", False
    p = np.asarray(model.predict(x, verbose=0), dtype=np.float64).reshape(-1)
    if p.size != 10 or not np.all(np.isfinite(p)):
        raise RuntimeError(
            f"the model answered {p.size} values with NaN or infinity for {name}; "
            "expected 10 finite probabilities"
        )
    ranked = np.argsort(p)[::-1][:top]
    return f"{name}: " + ", ".join(f"{k} ({p[k]:.1%})" for k in ranked), True


def command_predict(args: argparse.Namespace) -> int:
    """Load the model (ModelFileError / FileNotFoundError on a bad file), classify each image."""
    from scratchdl.models.loading import load_model

    top = args.top
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= 10:
        raise ValueError(f"--top must be an integer in 1..10, received {top!r}")
    model = load_model(args.model)
    check_finite_weights(model, args.model)
    status = 0
    for name in args.images:
        line, ok = classify_line(model, name, top)
        print(line, flush=True)
        status = status if ok else 1
    return status
