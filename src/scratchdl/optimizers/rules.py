"""Pure update rules on arrays: the one set of optimizer formulas in scratchdl.

Every function here updates its arrays **in place** and returns nothing.  The
engine's optimizers (``scratchdl.optimizers``) call them once per step on the
whole flat parameter buffer; the book face (``scratchdl.book.optimizer``) calls
them once per parameter array.  Either way the formula lives here only.

Conventions:
    w        the parameters (updated in place)
    g        the gradient dL/dw (read only)
    lr       the learning rate of this step (a Python float)
    tmp      optional scratch arrays shaped like ``w``; passing preallocated ones
             (the engine does) avoids allocating temporaries every step.
Slots (``v``, ``m``, ``acc`` ...) are arrays shaped like ``w``, updated in place.
Scalars stay Python floats, so a float32 ``w`` stays float32.

The update is written in the order of the formula in each docstring so that a
student can put the two side by side.  ``a += b`` / ``np.op(..., out=)`` keep
the same array objects, which is what lets the engine update views and the book
rely on ``params[key] -= ...`` semantics.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "sgd_step",
    "momentum_step",
    "nesterov_bengio_step",
    "adagrad_step",
    "rmsprop_step",
    "adadelta_step",
    "adam_alpha",
    "adam_step",
    "adamax_step",
    "nadam_momentum",
    "nadam_step",
]


def _scratch(tmp, like):
    return np.empty_like(like) if tmp is None else tmp


def sgd_step(w: np.ndarray, g: np.ndarray, lr: float, tmp: np.ndarray | None = None) -> None:
    """Plain gradient descent.  Update: ``w -= lr*g``.

    Plain version: ``scratchdl.optimizers.plain.sgd``.
    """
    tmp = np.empty_like(w) if tmp is None else tmp  # (inline: this runs every SGD step)
    np.multiply(g, lr, out=tmp)
    w -= tmp


def momentum_step(
    w: np.ndarray,
    g: np.ndarray,
    v: np.ndarray,
    lr: float,
    momentum: float,
    nesterov: bool = False,
    tmp: np.ndarray | None = None,
) -> None:
    """Momentum SGD in Keras's form (also the book's ``Momentum``).

    Update:
        v = momentum*v - lr*g
        w += v                                  (nesterov=False)
        w += momentum*v - lr*g                  (nesterov=True, uses the NEW v)

    Convention: Keras's Nesterov uses the new ``v``; the book's ``Nesterov`` is
    ``nesterov_bengio_step`` (the old ``v``).  PyTorch keeps ``v = m*v + g`` and
    scales by lr afterwards, which differs when lr changes between steps.
    Plain version: ``scratchdl.optimizers.plain.momentum`` / ``nesterov``.
    """
    tmp = _scratch(tmp, w)
    np.multiply(g, lr, out=tmp)  # lr*g
    v *= momentum
    v -= tmp
    if nesterov:
        w -= tmp
        np.multiply(v, momentum, out=tmp)
        w += tmp
    else:
        w += v


def nesterov_bengio_step(
    w: np.ndarray,
    g: np.ndarray,
    v: np.ndarray,
    lr: float,
    momentum: float,
    tmp: np.ndarray | None = None,
) -> None:
    """The book's Nesterov (JP code after fix 89eadd0), Bengio et al.'s form.

    Update (in this order; the parameter step uses the OLD v):
        w += momentum**2 * v
        w -= (1 + momentum) * lr * g
        v = momentum*v - lr*g

    Reference: Bengio, Boulanger-Lewandowski, Pascanu, "Advances in optimizing
    recurrent networks", arXiv:1212.0901.  The KR edition still updates v first.
    Plain version: ``scratchdl.optimizers.plain.nesterov_bengio``.
    """
    tmp = _scratch(tmp, w)
    np.multiply(v, momentum * momentum, out=tmp)
    w += tmp
    np.multiply(g, (1 + momentum) * lr, out=tmp)
    w -= tmp
    v *= momentum
    np.multiply(g, lr, out=tmp)
    v -= tmp


def adagrad_step(
    w: np.ndarray,
    g: np.ndarray,
    acc: np.ndarray,
    lr: float,
    epsilon: float,
    epsilon_inside: bool = True,
    tmp: np.ndarray | None = None,
) -> None:
    """AdaGrad.

    Update:
        acc += g*g
        w -= lr*g / sqrt(acc + epsilon)         (epsilon_inside=True: Keras 3)
        w -= lr*g / (sqrt(acc) + epsilon)       (epsilon_inside=False: the book, TK legacy)

    Convention: Keras starts ``acc`` at 0.1 (``initial_accumulator_value``), the
    book at 0.
    Plain version: ``scratchdl.optimizers.plain.adagrad``.
    """
    tmp = _scratch(tmp, w)
    np.multiply(g, g, out=tmp)
    acc += tmp
    _sqrt_plus_eps(acc, epsilon, epsilon_inside, out=tmp)
    np.divide(g, tmp, out=tmp)
    tmp *= lr
    w -= tmp


def _sqrt_plus_eps(x, epsilon, inside, out):
    """out = sqrt(x + epsilon) if inside else sqrt(x) + epsilon."""
    if inside:
        np.add(x, epsilon, out=out)
        np.sqrt(out, out=out)
    else:
        np.sqrt(x, out=out)
        out += epsilon


def rmsprop_step(
    w: np.ndarray,
    g: np.ndarray,
    v: np.ndarray,
    lr: float,
    rho: float,
    epsilon: float,
    *,
    epsilon_inside: bool = True,
    momentum: float = 0.0,
    mom: np.ndarray | None = None,
    avg: np.ndarray | None = None,
    tmp: np.ndarray | None = None,
) -> None:
    """RMSprop (Keras 3's form; ``epsilon_inside=False`` gives the book's).

    Update:
        v = rho*v + (1-rho)*g**2
        centered (avg given):  avg = rho*avg + (1-rho)*g;  den = v - avg**2 + epsilon
        otherwise:             den = v + epsilon
        inc = lr*g / sqrt(den)                  (book: lr*g / (sqrt(v) + epsilon))
        mom given:  mom = momentum*mom + inc;  w -= mom
        otherwise:  w -= inc

    Convention: Keras 3 puts epsilon inside the sqrt; the book and TK legacy
    ``RMSprop`` (momentum=0) put it outside.  The book calls rho ``decay_rate``.
    Plain version: ``scratchdl.optimizers.plain.rmsprop``.
    """
    tmp = _scratch(tmp, w)
    v *= rho
    np.multiply(g, g, out=tmp)
    tmp *= 1 - rho
    v += tmp
    den = v
    if avg is not None:
        avg *= rho
        np.multiply(g, 1 - rho, out=tmp)
        avg += tmp
        np.multiply(avg, avg, out=tmp)
        np.subtract(v, tmp, out=tmp)
        den = tmp
    _sqrt_plus_eps(den, epsilon, epsilon_inside, out=tmp)
    np.divide(g, tmp, out=tmp)
    tmp *= lr  # inc
    if mom is not None:
        mom *= momentum
        mom += tmp
        w -= mom
    else:
        w -= tmp


def adadelta_step(
    w: np.ndarray,
    g: np.ndarray,
    acc_g: np.ndarray,
    acc_d: np.ndarray,
    lr: float,
    rho: float,
    epsilon: float,
    tmp: np.ndarray | None = None,
    tmp2: np.ndarray | None = None,
) -> None:
    """Adadelta (Keras 3's form).

    Update:
        acc_g = rho*acc_g + (1-rho)*g**2
        delta = -sqrt(acc_d + epsilon) * g / sqrt(acc_g + epsilon)
        acc_d = rho*acc_d + (1-rho)*delta**2
        w += lr*delta

    Reference: Zeiler, "ADADELTA: an adaptive learning rate method", arXiv:1212.5701
    (the paper's form is lr = 1.0).
    Plain version: ``scratchdl.optimizers.plain.adadelta``.
    """
    tmp, tmp2 = _scratch(tmp, w), _scratch(tmp2, w)
    acc_g *= rho
    np.multiply(g, g, out=tmp)
    tmp *= 1 - rho
    acc_g += tmp
    np.add(acc_d, epsilon, out=tmp)
    np.sqrt(tmp, out=tmp)
    tmp *= g
    np.add(acc_g, epsilon, out=tmp2)
    np.sqrt(tmp2, out=tmp2)
    tmp /= tmp2  # tmp = -delta
    acc_d *= rho
    np.multiply(tmp, tmp, out=tmp2)
    tmp2 *= 1 - rho
    acc_d += tmp2
    tmp *= lr
    w -= tmp


def adam_alpha(lr: float, beta_1: float, beta_2: float, t: int) -> float:
    """Adam's step size with the bias correction folded in: lr*sqrt(1-beta_2**t)/(1-beta_1**t).

    ``t`` is the 1-based step number (Keras: iterations + 1; the book: ``self.iter``).
    """
    return lr * math.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)


def adam_step(
    w: np.ndarray,
    g: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    alpha: float,
    beta_1: float,
    beta_2: float,
    epsilon: float,
    vhat: np.ndarray | None = None,
    tmp: np.ndarray | None = None,
) -> None:
    """Adam in Keras's (and the book's) form: bias correction folded into ``alpha``.

    Update (alpha = adam_alpha(lr, beta_1, beta_2, t)):
        m += (g - m)*(1 - beta_1)
        v += (g**2 - v)*(1 - beta_2)
        amsgrad (vhat given): vhat = max(vhat, v), used in place of v
        w -= alpha*m / (sqrt(v) + epsilon)

    Convention: epsilon is added to sqrt of the UNcorrected v ("epsilon hat" of
    Kingma & Ba, Sec. 2); PyTorch adds it to sqrt of the corrected v, so results
    differ in the 8th digit.  Reference: Kingma & Ba, arXiv:1412.6980; amsgrad:
    Reddi et al., "On the convergence of Adam and beyond" (ICLR 2018).
    Plain version: ``scratchdl.optimizers.plain.adam``.
    """
    tmp = _scratch(tmp, w)
    np.subtract(g, m, out=tmp)
    tmp *= 1 - beta_1
    m += tmp
    np.multiply(g, g, out=tmp)
    tmp -= v
    tmp *= 1 - beta_2
    v += tmp
    if vhat is not None:
        np.maximum(vhat, v, out=vhat)
        v = vhat
    np.sqrt(v, out=tmp)
    tmp += epsilon
    np.divide(m, tmp, out=tmp)
    tmp *= alpha
    w -= tmp


def adamax_step(
    w: np.ndarray,
    g: np.ndarray,
    m: np.ndarray,
    u: np.ndarray,
    lr: float,
    beta_1: float,
    beta_2: float,
    epsilon: float,
    t: int,
    tmp: np.ndarray | None = None,
) -> None:
    """Adamax (Keras 3's form), the infinity-norm variant of Adam.

    Update (t = 1-based step):
        m += (g - m)*(1 - beta_1)
        u = max(beta_2*u, |g|)
        w -= lr*m / ((1 - beta_1**t) * (u + epsilon))
    Plain version: ``scratchdl.optimizers.plain.adamax``.
    """
    tmp = _scratch(tmp, w)
    np.subtract(g, m, out=tmp)
    tmp *= 1 - beta_1
    m += tmp
    u *= beta_2
    np.abs(g, out=tmp)
    np.maximum(u, tmp, out=u)
    np.add(u, epsilon, out=tmp)
    tmp *= 1.0 - beta_1**t
    np.divide(m, tmp, out=tmp)
    tmp *= lr
    w -= tmp


def nadam_momentum(beta_1: float, t: int) -> float:
    """Nadam's momentum schedule u_t = beta_1*(1 - 0.5*0.96**t) (Dozat's 0.004 decay)."""
    return beta_1 * (1.0 - 0.5 * 0.96**t)


def nadam_step(
    w: np.ndarray,
    g: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    lr: float,
    beta_1: float,
    beta_2: float,
    epsilon: float,
    t: int,
    u_product: float,
    tmp: np.ndarray | None = None,
    tmp2: np.ndarray | None = None,
) -> None:
    """Nadam (Keras 3's form).

    With u_t = nadam_momentum(beta_1, t), u_t1 = nadam_momentum(beta_1, t+1) and
    ``u_product`` = u_1*...*u_t (the caller multiplies in u_t BEFORE the step):
        m += (g - m)*(1 - beta_1);  v += (g**2 - v)*(1 - beta_2)
        m_hat = u_t1*m/(1 - u_product*u_t1) + (1 - u_t)*g/(1 - u_product)
        v_hat = v/(1 - beta_2**t)
        w -= lr*m_hat / (sqrt(v_hat) + epsilon)

    Reference: Dozat, "Incorporating Nesterov momentum into Adam" (ICLR 2016 workshop).
    Plain version: ``scratchdl.optimizers.plain.nadam``.
    """
    tmp, tmp2 = _scratch(tmp, w), _scratch(tmp2, w)
    u_t, u_t1 = nadam_momentum(beta_1, t), nadam_momentum(beta_1, t + 1)
    np.subtract(g, m, out=tmp)
    tmp *= 1 - beta_1
    m += tmp
    np.multiply(g, g, out=tmp)
    tmp -= v
    tmp *= 1 - beta_2
    v += tmp
    np.multiply(m, u_t1 / (1.0 - u_product * u_t1), out=tmp)
    np.multiply(g, (1.0 - u_t) / (1.0 - u_product), out=tmp2)
    tmp += tmp2  # m_hat
    np.divide(v, 1.0 - beta_2**t, out=tmp2)
    np.sqrt(tmp2, out=tmp2)
    tmp2 += epsilon
    tmp /= tmp2
    tmp *= lr
    w -= tmp
