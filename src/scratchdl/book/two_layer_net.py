"""The book's two two-layer networks: ch04 (sigmoid, hand-written backprop) and ch05 (layers).

    from scratchdl.book.two_layer_net import TwoLayerNet            # ch05, the layer version
    from scratchdl.book.two_layer_net import Ch04TwoLayerNet        # ch04, the sigmoid version
    from scratchdl.book.ch04.two_layer_net import TwoLayerNet       # the same, by the book's path

The book has two modules named ``two_layer_net.py`` (in ``ch04/`` and ``ch05/``), each
with a class ``TwoLayerNet``.  Here both live in one module: ``Ch04TwoLayerNet`` and
``Ch05TwoLayerNet``; ``TwoLayerNet`` is the ch05 one (the book's final form), and the
packages ``scratchdl.book.ch04`` / ``scratchdl.book.ch05`` give each its book name.

Both keep ``params`` W1, b1, W2, b2 as views of one float64 buffer shared with engine
``Dense`` layers (so ``optimizer.update(net.params, grads)`` changes the network), draw
``W = weight_init_std * randn`` from ``rng`` (default: seeded from np.random's global
state), and return gradients as fresh arrays (``gradient_views`` is the opt-in reuse).
Assigning ``net.params[key] = value`` copies into the network (see network_params.py).
"""

from __future__ import annotations

import numpy as np

from scratchdl.book.functions import cross_entropy_error, softmax
from scratchdl.book.layer_net import (
    _check_sizes,
    _engine_affines,
    _LayerNet,
    accuracy_of,
    fresh_copies,
    numerical_gradients,
)
from scratchdl.book.layers import SoftmaxWithLoss
from scratchdl.book.network_params import NetworkParams, params_property
from scratchdl.book.util import get_rng
from scratchdl.variables import ParamStore

__all__ = ["TwoLayerNet", "Ch04TwoLayerNet", "Ch05TwoLayerNet"]


def _labels_to_delta(y, t):
    """(y - t) / B for one-hot t, or y minus 1 at the label, / B, for labels t."""
    t = np.asarray(t)
    batch = y.shape[0]
    if t.size == y.size:
        dy = y - t.reshape(y.shape)
    else:
        dy = y.copy()
        dy[np.arange(batch), t.reshape(-1)] -= 1
    dy /= batch
    return dy


class Ch04TwoLayerNet:
    """ch04 ``TwoLayerNet``: x -> Affine -> sigmoid -> Affine -> softmax (book.md a.9).

    Forward:  a1 = x @ W1 + b1;  z1 = sigmoid(a1);  a2 = z1 @ W2 + b2;  y = softmax(a2)
    Loss:     cross_entropy_error(y, t)
    Backward: dy = (y - t) / B;  dW2 = z1.T @ dy;  db2 = sum(dy, 0);
              da1 = (dy @ W2.T) * z1 * (1 - z1);  dW1 = x.T @ da1;  db1 = sum(da1, 0)
    Shapes:   x (B, input_size); t (B, output_size) one-hot (labels (B,) work too).

    Args: input_size, hidden_size, output_size, weight_init_std=0.01, rng=None.
    Convention: the book's ch04 ``accuracy`` needs one-hot t (argmax of a 1-D t fails);
    here labels are accepted too.  The layers are engine Dense layers (``self.engine_layers``).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        weight_init_std: float = 0.01,
        rng: int | np.random.Generator | None = None,
    ) -> None:
        sizes = _check_sizes(input_size, [hidden_size], output_size)
        dense1, dense2 = _engine_affines(sizes, weight_init_std, get_rng(rng), "sigmoid")
        self._store = ParamStore(np.float64).bind([dense1, dense2])
        self.engine_layers = (dense1, dense2)
        self._params = NetworkParams(
            "TwoLayerNet",
            {
                "W1": dense1.params["kernel"],
                "b1": dense1.params["bias"],
                "W2": dense2.params["kernel"],
                "b2": dense2.params["bias"],
            },
        )
        self._grads = {
            "W1": dense1.grads["kernel"],
            "b1": dense1.grads["bias"],
            "W2": dense2.grads["kernel"],
            "b2": dense2.grads["bias"],
        }

    params = params_property()

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Softmax probabilities y, shape (B, output_size)."""
        dense1, dense2 = self.engine_layers
        return softmax(dense2.forward(dense1.forward(x)))

    def loss(self, x: np.ndarray, t: np.ndarray) -> np.floating:
        """cross_entropy_error(predict(x), t)."""
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x: np.ndarray, t: np.ndarray) -> float:
        """Fraction of rows with argmax(y) == argmax(t) (or == t for labels)."""
        return accuracy_of(self.predict, x, t)

    def numerical_gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Central-difference gradients of ``loss(x, t)`` for W1, b1, W2, b2 (slow)."""
        return numerical_gradients(self.params, lambda: self.loss(x, t))

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Backprop gradients as fresh arrays (the book's: each call returns new ones)."""
        return fresh_copies(self.gradient_views(x, t))

    def gradient_views(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """``gradient`` without the copy: views of the gradient buffer, overwritten next call."""
        dense1, dense2 = self.engine_layers
        dy = _labels_to_delta(self.predict(x), t)
        dense1.backward(dense2.backward_linear(dy))
        return dict(self._grads)


class Ch05TwoLayerNet(_LayerNet):
    """ch05 ``TwoLayerNet``: layers ``Affine1`` -> ``Relu1`` -> ``Affine2``, ``self.lastLayer``.

    Forward: y = relu(x @ W1 + b1) @ W2 + b2 (scores);  loss = SoftmaxWithLoss(y, t)
    Backward: through the layers in reverse (book.md a.9, §5.7).
    Shapes: x (B, input_size); t labels (B,) or one-hot (B, output_size).

    Args: input_size, hidden_size, output_size, weight_init_std=0.01, rng=None.
    Convention: the loss layer is ``lastLayer`` (camelCase), as in the book's ch05 code.
    Methods: predict(x), loss(x, t), accuracy(x, t), numerical_gradient(x, t), gradient(x, t)
    as MultiLayerNet's (``layer_net.py``), with weight_decay_lambda = 0.
    """

    _activation_key = "Relu{}"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        weight_init_std: float = 0.01,
        rng: int | np.random.Generator | None = None,
    ) -> None:
        sizes = _check_sizes(input_size, [hidden_size], output_size)
        self._build(sizes, "relu", weight_init_std, rng)
        self.lastLayer = SoftmaxWithLoss()

    def _loss_layer(self):
        return self.lastLayer


TwoLayerNet = Ch05TwoLayerNet
