"""SGD (with momentum / Nesterov), Adagrad, RMSprop and Adadelta on the flat store.

Each ``update_step`` is one call of a pure rule from ``rules.py`` on the whole flat
parameter buffer; the formulas are written there (docs/keras-reference.md A4).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from scratchdl.optimizers import rules
from scratchdl.optimizers.base import Optimizer, check_number

__all__ = ["SGD", "Adagrad", "RMSprop", "Adadelta"]


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum or Nesterov momentum.

    Update (``rules.momentum_step``):
        momentum == 0:  w -= lr*g
        otherwise:      v = momentum*v - lr*g;  w += v
        nesterov:       v = momentum*v - lr*g;  w += momentum*v - lr*g   (new v)

    Args:
        learning_rate: 0.01.  momentum: in [0, 1], 0.0.  nesterov: False.
        Plus the base arguments (weight_decay, clipnorm, clipvalue, global_clipnorm, ...).

    Slots: ``momentum`` (only when momentum > 0).
    Convention: Keras's form (PyTorch accumulates g and scales by lr afterwards; the
    book's Nesterov is ``scratchdl.book.optimizer.Nesterov``).
    Plain version: ``scratchdl.optimizers.plain.sgd`` / ``momentum`` / ``nesterov``.
    """

    def __init__(
        self,
        learning_rate: float | Callable[..., float] = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, name=name, **kwargs)
        self.momentum = check_number("momentum", momentum, 0.0, 1.0)
        self.nesterov = bool(nesterov)

    def _slot_specs(self):
        return {"momentum": 0.0} if self.momentum else {}

    def update_step(self, g: np.ndarray, w: np.ndarray, lr: float) -> None:
        if self.momentum:
            v = self._slots["momentum"]
            rules.momentum_step(w, g, v, lr, self.momentum, self.nesterov, tmp=self._tmp[0])
        else:
            rules.sgd_step(w, g, lr, tmp=self._tmp[0])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adagrad(Optimizer):
    """AdaGrad: per-coordinate steps shrink with the accumulated squared gradient.

    Update (``rules.adagrad_step``):
        acc += g**2                      (acc starts at initial_accumulator_value)
        w -= lr*g / sqrt(acc + epsilon)  (epsilon inside the sqrt, Keras 3)

    Args: learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7.
    Slots: ``accumulator``.
    Convention: TK legacy and the book divide by sqrt(acc) + epsilon; the book
    starts acc at 0 and uses lr=0.01.  Reference: Duchi et al., JMLR 2011.
    Plain version: ``scratchdl.optimizers.plain.adagrad``.
    """

    def __init__(
        self,
        learning_rate: float | Callable[..., float] = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, name=name, **kwargs)
        self.initial_accumulator_value = check_number(
            "initial_accumulator_value", initial_accumulator_value
        )
        self.epsilon = check_number("epsilon", epsilon)

    def _slot_specs(self):
        return {"accumulator": self.initial_accumulator_value}

    def update_step(self, g: np.ndarray, w: np.ndarray, lr: float) -> None:
        acc = self._slots["accumulator"]
        rules.adagrad_step(w, g, acc, lr, self.epsilon, epsilon_inside=True, tmp=self._tmp[0])

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }


class RMSprop(Optimizer):
    """RMSprop: divide the step by a running RMS of the gradient.

    Update (``rules.rmsprop_step``):
        v = rho*v + (1-rho)*g**2
        centered: a = rho*a + (1-rho)*g;  den = v - a**2 + epsilon;  else den = v + epsilon
        inc = lr*g / sqrt(den)
        momentum > 0: mom = momentum*mom + inc;  w -= mom;   else w -= inc

    Args: learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False.
    Slots: ``velocity``, ``momentum`` (momentum > 0), ``average_gradient`` (centered).
    Convention: epsilon inside the sqrt (Keras 3); TK legacy with momentum=0 and the
    book use sqrt(v) + epsilon.  Reference: Hinton, Coursera lecture 6e (2012).
    Plain version: ``scratchdl.optimizers.plain.rmsprop``.
    """

    def __init__(
        self,
        learning_rate: float | Callable[..., float] = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, name=name, **kwargs)
        self.rho = check_number("rho", rho, 0.0, 1.0)
        self.momentum = check_number("momentum", momentum, 0.0, 1.0)
        self.epsilon = check_number("epsilon", epsilon)
        self.centered = bool(centered)

    def _slot_specs(self):
        specs = {"velocity": 0.0}
        if self.momentum:
            specs["momentum"] = 0.0
        if self.centered:
            specs["average_gradient"] = 0.0
        return specs

    def update_step(self, g: np.ndarray, w: np.ndarray, lr: float) -> None:
        s = self._slots
        rules.rmsprop_step(
            w,
            g,
            s["velocity"],
            lr,
            self.rho,
            self.epsilon,
            momentum=self.momentum,
            mom=s.get("momentum"),
            avg=s.get("average_gradient"),
            tmp=self._tmp[0],
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }


class Adadelta(Optimizer):
    """Adadelta: steps scaled by the ratio of running RMS of updates and of gradients.

    Update (``rules.adadelta_step``):
        acc_g = rho*acc_g + (1-rho)*g**2
        delta = -sqrt(acc_d + epsilon) * g / sqrt(acc_g + epsilon)
        acc_d = rho*acc_d + (1-rho)*delta**2
        w += lr*delta

    Args: learning_rate=0.001 (the paper's form is 1.0), rho=0.95, epsilon=1e-7.
    Slots: ``accumulated_grad``, ``accumulated_delta_var``.
    Convention: Keras 2.2.4 defaulted to lr=1.0.  Reference: Zeiler, arXiv:1212.5701.
    Plain version: ``scratchdl.optimizers.plain.adadelta``.
    """

    _n_tmp = 2

    def __init__(
        self,
        learning_rate: float | Callable[..., float] = 0.001,
        rho: float = 0.95,
        epsilon: float = 1e-7,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, name=name, **kwargs)
        self.rho = check_number("rho", rho, 0.0, 1.0)
        self.epsilon = check_number("epsilon", epsilon)

    def _slot_specs(self):
        return {"accumulated_grad": 0.0, "accumulated_delta_var": 0.0}

    def update_step(self, g: np.ndarray, w: np.ndarray, lr: float) -> None:
        s, (t1, t2) = self._slots, self._tmp
        rules.adadelta_step(
            w,
            g,
            s["accumulated_grad"],
            s["accumulated_delta_var"],
            lr,
            self.rho,
            self.epsilon,
            tmp=t1,
            tmp2=t2,
        )

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
