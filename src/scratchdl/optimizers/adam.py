"""Adam, AdamW, Adamax and Nadam on the flat store (docs/keras-reference.md A4).

Each ``update_step`` is one call of a pure rule from ``rules.py`` on the whole flat
parameter buffer; the step-dependent scalars (Adam's alpha, Nadam's momentum
schedule) are computed in Python once per step.  ``t = iterations + 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from scratchdl.optimizers import rules
from scratchdl.optimizers.base import Optimizer, check_number

__all__ = ["Adam", "AdamW", "Adamax", "Nadam"]


class _AdamFamily(Optimizer):
    """Shared arguments and checks: beta_1, beta_2 in [0, 1), epsilon >= 0."""

    def __init__(
        self,
        learning_rate: float | Callable[..., float],
        beta_1: float,
        beta_2: float,
        epsilon: float,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1 = check_number("beta_1", beta_1, 0.0, 1.0, high_open=True)
        self.beta_2 = check_number("beta_2", beta_2, 0.0, 1.0, high_open=True)
        self.epsilon = check_number("epsilon", epsilon)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


class Adam(_AdamFamily):
    """Adam in Keras's form: bias correction folded into the step size, epsilon outside.

    Update (t = iterations + 1; ``rules.adam_step``):
        m += (g - m)*(1 - beta_1)
        v += (g**2 - v)*(1 - beta_2)
        alpha = lr*sqrt(1 - beta_2**t)/(1 - beta_1**t)
        amsgrad: v_hat = max(v_hat, v), used in place of v
        w -= alpha*m/(sqrt(v) + epsilon)

    Args: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False.
    Slots: ``momentum`` (m), ``velocity`` (v), ``velocity_hat`` (amsgrad).
    Convention: the book's Adam is the same formula; PyTorch adds epsilon to the
    bias-corrected sqrt(v) and defaults to 1e-8.  Reference: Kingma & Ba, arXiv:1412.6980.
    Plain version: ``scratchdl.optimizers.plain.adam``.
    """

    def __init__(
        self,
        learning_rate: float | Callable[..., float] = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name=name, **kwargs)
        self.amsgrad = bool(amsgrad)

    def _slot_specs(self):
        specs = {"momentum": 0.0, "velocity": 0.0}
        if self.amsgrad:
            specs["velocity_hat"] = 0.0
        return specs

    def update_step(self, g: np.ndarray, w: np.ndarray, lr: float) -> None:
        s = self._slots
        alpha = rules.adam_alpha(lr, self.beta_1, self.beta_2, self.iterations + 1)
        rules.adam_step(
            w,
            g,
            s["momentum"],
            s["velocity"],
            alpha,
            self.beta_1,
            self.beta_2,
            self.epsilon,
            vhat=s.get("velocity_hat"),
            tmp=self._tmp[0],
        )

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, arXiv:1711.05101).

    Update: w -= w*weight_decay*lr (step 2 of the base order), then the Adam step.

    Args: learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
    epsilon=1e-7, amsgrad=False.  ``weight_decay=None`` raises ValueError (Keras).
    Use ``exclude_from_weight_decay(var_names=["bias"])`` to spare tensors.
    Plain version: ``scratchdl.optimizers.plain.adamw``.
    """

    def __init__(
        self,
        learning_rate: float | Callable[..., float] = 0.001,
        weight_decay: float | None = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if weight_decay is None:
            raise ValueError(
                "AdamW needs a weight_decay (a number >= 0), received weight_decay=None"
            )
        super().__init__(
            learning_rate,
            beta_1,
            beta_2,
            epsilon,
            amsgrad,
            name=name,
            weight_decay=weight_decay,
            **kwargs,
        )


class Adamax(_AdamFamily):
    """Adamax: Adam with the infinity norm in place of the RMS.

    Update (t = iterations + 1; ``rules.adamax_step``):
        m += (g - m)*(1 - beta_1)
        u = max(beta_2*u, |g|)
        w -= lr*m/((1 - beta_1**t)*(u + epsilon))

    Args: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7.
    Slots: ``momentum`` (m), ``norm`` (u).  Convention: Keras 2.2.4 used lr=0.002.
    Reference: Kingma & Ba, arXiv:1412.6980, Sec. 7.
    Plain version: ``scratchdl.optimizers.plain.adamax``.
    """

    def __init__(
        self,
        learning_rate: float | Callable[..., float] = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name=name, **kwargs)

    def _slot_specs(self):
        return {"momentum": 0.0, "norm": 0.0}

    def update_step(self, g: np.ndarray, w: np.ndarray, lr: float) -> None:
        s = self._slots
        rules.adamax_step(
            w,
            g,
            s["momentum"],
            s["norm"],
            lr,
            self.beta_1,
            self.beta_2,
            self.epsilon,
            self.iterations + 1,
            tmp=self._tmp[0],
        )


class Nadam(_AdamFamily):
    """Nadam: Adam with Nesterov momentum (Dozat's momentum schedule).

    Update (t = iterations + 1; ``rules.nadam_step``):
        u_t = beta_1*(1 - 0.5*0.96**t),  u_t1 = beta_1*(1 - 0.5*0.96**(t+1))
        u_product *= u_t                               (before the step; starts at 1)
        m, v as in Adam
        m_hat = u_t1*m/(1 - u_product*u_t1) + (1 - u_t)*g/(1 - u_product)
        v_hat = v/(1 - beta_2**t)
        w -= lr*m_hat/(sqrt(v_hat) + epsilon)

    Args: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7.
    Slots: ``momentum``, ``velocity``; scalar state ``u_product`` (a Python float
    here, a float32 variable in Keras).  Reference: Dozat, ICLR 2016 workshop.
    Plain version: ``scratchdl.optimizers.plain.nadam``.
    """

    _n_tmp = 2

    def __init__(
        self,
        learning_rate: float | Callable[..., float] = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name=name, **kwargs)
        self.u_product = 1.0

    def _slot_specs(self):
        return {"momentum": 0.0, "velocity": 0.0}

    def update_step(self, g: np.ndarray, w: np.ndarray, lr: float) -> None:
        t = self.iterations + 1
        self.u_product *= rules.nadam_momentum(self.beta_1, t)
        s, (t1, t2) = self._slots, self._tmp
        rules.nadam_step(
            w,
            g,
            s["momentum"],
            s["velocity"],
            lr,
            self.beta_1,
            self.beta_2,
            self.epsilon,
            t,
            self.u_product,
            tmp=t1,
            tmp2=t2,
        )

    def _extra_state(self):
        return {"u_product": np.array(self.u_product, dtype=np.float64)}

    def _set_extra_state(self, state):
        self.u_product = float(state["u_product"])
