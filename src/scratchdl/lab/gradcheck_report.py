"""``scratchdl gradcheck``: every layer, activation and loss checked, printed as a table.

Each row is one array of one unit: the relative error between backward's
gradient and central differences (float64, random upstream gradient), and the
largest numerical gradient (an all-zero numerical gradient fails the row).
"""

from __future__ import annotations

import numpy as np

from scratchdl import losses
from scratchdl.gradcheck import GradCheckResult, check_layer, check_loss
from scratchdl.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    Flatten,
    LeakyReLU,
    Softmax,
)

__all__ = ["run_checks", "command_gradcheck"]


def _layer_cases():
    """(label, layer factory, input shape, training, reseed-before-forward?)"""
    return [
        ("Dense linear", lambda: Dense(5), (4, 6), True, False),
        ("Dense sigmoid", lambda: Dense(5, activation="sigmoid"), (4, 6), True, False),
        ("Dense tanh 3-D", lambda: Dense(3, activation="tanh"), (2, 3, 4), True, False),
        ("Dense softmax", lambda: Dense(4, activation="softmax"), (5, 3), True, False),
        ("BatchNorm train", BatchNormalization, (6, 4), True, False),
        ("BatchNorm infer", BatchNormalization, (6, 4), False, False),
        ("Dropout (fixed mask)", lambda: Dropout(0.3), (5, 4), True, True),
        ("Softmax", Softmax, (4, 5), True, False),
        ("LeakyReLU", LeakyReLU, (4, 5), True, False),
        ("Activation elu", lambda: Activation("elu"), (4, 5), True, False),
        ("Flatten", Flatten, (3, 2, 4), True, False),
    ]


def _check_one(label, make, shape, training, reseed, rng):
    layer = make()
    layer.build(shape[1:], rng=rng, dtype=np.float64)
    for p in layer.params.values():
        p[...] += 0.1 * rng.standard_normal(p.shape)
    x = rng.standard_normal(shape)
    x = np.where(np.abs(x) < 0.05, 0.1, x)  # away from the kinks of piecewise units

    def before() -> None:
        layer.rng = np.random.default_rng(3)

    result = check_layer(
        layer, x, rng, training=training, before_forward=before if reseed else None
    )
    result.name = label
    return result


def _loss_cases(rng):
    p = rng.dirichlet(np.ones(4), size=5)
    t = np.eye(4)[rng.integers(0, 4, 5)]
    return [
        (
            "MSE",
            losses.MeanSquaredError(),
            rng.standard_normal((5, 3)),
            rng.standard_normal((5, 3)),
        ),
        (
            "MAE",
            losses.MeanAbsoluteError(),
            rng.standard_normal((5, 3)),
            rng.standard_normal((5, 3)) + 3,
        ),
        ("CCE", losses.CategoricalCrossentropy(), p, t),
        ("SCCE", losses.SparseCategoricalCrossentropy(), p, np.argmax(t, 1)),
        (
            "BCE",
            losses.BinaryCrossentropy(),
            rng.uniform(0.1, 0.9, (5, 1)),
            rng.integers(0, 2, (5, 1)).astype(float),
        ),
        (
            "CCE logits",
            losses.CategoricalCrossentropy(from_logits=True),
            rng.standard_normal((5, 4)),
            t,
        ),
    ]


def run_checks(seed: int = 0) -> list[GradCheckResult]:
    """All results, layers first, then losses."""
    rng = np.random.default_rng(seed)
    results = [_check_one(*case, rng) for case in _layer_cases()]
    for label, loss, y_pred, y_true in _loss_cases(rng):
        result = check_loss(loss, y_pred, y_true)
        result.name = f"loss {label}"
        results.append(result)
    return results


def command_gradcheck(seed: int = 0) -> int:
    """Print one table row per checked array; exit code 1 if anything fails."""
    results = run_checks(seed)
    print(f"{'unit':<22} {'array':<8} {'rel. error':>11} {'max |num|':>11}  result")
    for result in results:
        for key, err, mx, ok in result.rows:
            print(f"{result.name:<22} {key:<8} {err:>11.2e} {mx:>11.2e}  {'ok' if ok else 'FAIL'}")
    failed = [r.name for r in results if not r.ok]
    print(
        f"\n{len(results) - len(failed)} of {len(results)} units pass"
        + (f"; failing: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0
