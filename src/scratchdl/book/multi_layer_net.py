"""The book's ``common/multi_layer_net.py``: a fully connected net of any depth.

    from scratchdl.book.multi_layer_net import MultiLayerNet
    network = MultiLayerNet(784, [100] * 6, 10, weight_decay_lambda=0.1)
    grads = network.gradient(x_batch, t_batch)
    optimizer.update(network.params, grads)

One engine, one buffer: the Affine layers are engine ``Dense`` layers whose weights live
in one float64 ``ParamStore``.  ``network.params["W1"]`` is a *view* of that buffer and
the ``Affine1`` layer reads the same memory, so an in-place optimizer update
(``params[key] -= ...``) changes the network, exactly as the book relies on.

Convention (differences from the book's code, docs/book.md a.6):
* ``network.params[key] = value`` copies into the buffer (shape and dtype checked), so the
  chapter-4 habit ``params[key] = params[key] - lr * grad[key]`` trains the network.
* ``gradient()`` returns fresh arrays, as the book's; ``gradient_views()`` is the opt-in
  reuse of the gradient buffer (the next call overwrites its result).
* ``rng`` (Generator or int seed) draws the weights; default: a Generator seeded from
  NumPy's global state, so ``np.random.seed(...)`` makes a script repeatable.
* The weight-decay term is skipped when ``weight_decay_lambda == 0`` (the book computes
  ``0.5 * 0 * sum(W**2)``, which turns the loss into NaN once weights overflow).
* The first Affine layer skips its ``dx`` product (nobody uses it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from scratchdl.book.layer_net import _LayerNet
from scratchdl.book.layers import SoftmaxWithLoss

__all__ = ["MultiLayerNet"]


class MultiLayerNet(_LayerNet):
    """Fully connected network: (Affine -> activation) * L -> Affine -> SoftmaxWithLoss.

    Forward: h_0 = x;  h_i = act(h_{i-1} @ W_i + b_i);  y = h_L @ W_{L+1} + b_{L+1}
    Loss:    cross_entropy(softmax(y), t) + 0.5 * lambda * sum_i sum(W_i**2)  (all W, no b)
    Grads:   backprop through the layers;  grads["W_i"] = dW_i + lambda * W_i
    Shapes:  x (N, input_size); t (N,) labels or (N, output_size) one-hot.

    Args:
        input_size, hidden_size_list, output_size: layer widths (``hidden_size_list`` a list).
        activation: "relu" or "sigmoid".
        weight_init_std: "relu"/"he" (sqrt(2/n_in)), "sigmoid"/"xavier" (sqrt(1/n_in)), or
            a number used as the standard deviation (e.g. 0.01).
        weight_decay_lambda: lambda of the L2 penalty above.
        rng: np.random.Generator or int seed for the weights (default: see module doc).

    Attributes: ``params`` (W1, b1, ... views of one float64 buffer), ``layers`` (an
    OrderedDict ``Affine1``, ``Activation_function1``, ..., ``Affine{L+1}``), ``last_layer``.
    Methods (the book's): predict(x), loss(x, t), accuracy(x, t), numerical_gradient(x, t),
    gradient(x, t); the code is shared with the other book nets in ``layer_net.py``.
    Reference: docs/book.md a.6.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size_list: Sequence[int],
        output_size: int,
        activation: str = "relu",
        weight_init_std: str | float = "relu",
        weight_decay_lambda: float = 0,
        rng: int | np.random.Generator | None = None,
    ) -> None:
        sizes = self._set_sizes(input_size, hidden_size_list, output_size, weight_decay_lambda)
        self._build(sizes, activation, weight_init_std, rng)
        self.last_layer = SoftmaxWithLoss()
