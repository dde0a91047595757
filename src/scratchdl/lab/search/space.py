"""Search spaces: which hyper-parameters a trial samples, and from which range.

The book (section 6.5.3) samples the exponent uniformly::

    weight_decay = 10 ** np.random.uniform(-8, -4)
    lr = 10 ** np.random.uniform(-6, -2)

which is the log-uniform distribution on [1e-8, 1e-4] and [1e-6, 1e-2]: the density of x is
proportional to 1/x, so every decade gets the same share of the trials. Optuna's
``trial.suggest_float(name, low, high, log=True)`` samples exactly that distribution, so
``BOOK_SPACE`` below is the book's search space.

Convention: a space is a plain dict ``{name: FloatParam | CategoricalParam}``; the names become
the keyword names the training function receives in ``params``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["BOOK_SPACE", "CategoricalParam", "FloatParam", "check_space", "suggest"]


@dataclass(frozen=True)
class FloatParam:
    """A float hyper-parameter in [low, high].

    Sampling: log=True gives log-uniform (exp of U(log low, log high)), as the book's
    ``10 ** uniform(a, b)``; log=False gives uniform.
    """

    low: float
    high: float
    log: bool = True

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError(
                f"FloatParam needs low < high, received low={self.low!r}, high={self.high!r}"
            )
        if self.log and self.low <= 0:
            raise ValueError(f"a log-uniform FloatParam needs low > 0, received low={self.low!r}")


@dataclass(frozen=True)
class CategoricalParam:
    """A hyper-parameter taking one of a few values (e.g. an optimizer name)."""

    choices: tuple[Any, ...]

    def __post_init__(self) -> None:
        if len(self.choices) == 0:
            raise ValueError(
                f"CategoricalParam needs at least one choice, received {self.choices!r}"
            )


BOOK_SPACE: dict[str, FloatParam] = {
    "lr": FloatParam(1e-6, 1e-2, log=True),
    "weight_decay": FloatParam(1e-8, 1e-4, log=True),
}


def check_space(space: Any) -> dict[str, FloatParam | CategoricalParam]:
    """Validate a search space and return it as a dict (ValueError quoting the bad entry)."""
    if not isinstance(space, dict) or not space:
        raise ValueError(
            "space must be a non-empty dict {name: FloatParam | CategoricalParam}, "
            f"received {space!r}"
        )
    for name, param in space.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"space names must be non-empty strings, received {name!r}")
        if not isinstance(param, FloatParam | CategoricalParam):
            raise ValueError(
                f"space[{name!r}] must be a FloatParam or CategoricalParam, received {param!r}"
            )
    return space


def suggest(trial: Any, space: dict[str, FloatParam | CategoricalParam]) -> dict[str, Any]:
    """Ask an Optuna trial for one value of every parameter of ``space``."""
    params: dict[str, Any] = {}
    for name, param in space.items():
        if isinstance(param, FloatParam):
            params[name] = trial.suggest_float(name, param.low, param.high, log=param.log)
        else:
            params[name] = trial.suggest_categorical(name, list(param.choices))
    return params
