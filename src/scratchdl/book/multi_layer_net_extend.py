"""The book's ``common/multi_layer_net_extend.py``: MultiLayerNet with dropout and batch norm.

    from scratchdl.book.multi_layer_net_extend import MultiLayerNetExtend
    network = MultiLayerNetExtend(784, [100] * 6, 10, use_dropout=True, dropout_ration=0.2)

Same engine and flat float64 buffer as ``MultiLayerNet`` (see its module docstring for
the conventions on views, ``rng`` and weight decay).  Dropout is the book's non-inverted
dropout; batch norm is the book's (momentum 0.9, eps 1e-6, running variance from 0).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from scratchdl.book.layer_net import _LayerNet, numerical_gradients
from scratchdl.book.layers import SoftmaxWithLoss
from scratchdl.layers.base import check_rate

__all__ = ["MultiLayerNetExtend"]


class MultiLayerNetExtend(_LayerNet):
    """Fully connected network with optional batch norm and dropout in every hidden layer.

    Layers per hidden layer i: ``Affine{i}`` -> ``BatchNorm{i}`` (use_batchnorm) ->
    ``Activation_function{i}`` -> ``Dropout{i}`` (use_dropout); then ``Affine{L+1}`` and
    ``last_layer = SoftmaxWithLoss()``.  No BN or dropout on the input or output layer.

    Loss:  cross_entropy(softmax(y), t) + 0.5 * lambda * sum_i sum(W_i**2) (all W; never
           b, gamma or beta).  Grads: grads["W_i"] = dW_i + lambda * W_i.
    Modes: ``train_flg`` goes to the Dropout and BatchNorm layers only.  ``predict`` and
           ``loss`` default to train_flg=False (test mode), ``accuracy`` always uses it,
           ``gradient`` runs its forward pass with train_flg=True.

    Args: as MultiLayerNet, plus
        use_dropout: add Dropout{i} layers.
        dropout_ration: the dropout ratio -- the book's own spelling of the keyword.
        use_batchnorm: add BatchNorm{i} layers; ``params`` gains gamma{i} (ones) and
            beta{i} (zeros), updated by the optimizer like W and b.

    Convention: ``numerical_gradient`` evaluates the loss with train_flg=True, as the book:
    it is only meaningful without dropout (each evaluation draws a new mask), and with
    batch norm needs a batch of at least 2 (with one row BN outputs beta exactly).
    Reference: docs/book.md a.7.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size_list: Sequence[int],
        output_size: int,
        activation: str = "relu",
        weight_init_std: str | float = "relu",
        weight_decay_lambda: float = 0,
        use_dropout: bool = False,
        dropout_ration: float = 0.5,
        use_batchnorm: bool = False,
        rng: int | np.random.Generator | None = None,
    ) -> None:
        sizes = self._set_sizes(input_size, hidden_size_list, output_size, weight_decay_lambda)
        self.use_dropout = bool(use_dropout)
        self.dropout_ration = check_rate("dropout_ration", dropout_ration, 0.0, 1.0)
        self.use_batchnorm = bool(use_batchnorm)
        dropout = self.dropout_ration if self.use_dropout else None
        self._build(sizes, activation, weight_init_std, rng, self.use_batchnorm, dropout)
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """The scores y (before softmax); ``train_flg`` selects dropout/BN training mode."""
        return self._forward(x, train_flg)

    def loss(self, x: np.ndarray, t: np.ndarray, train_flg: bool = False) -> np.floating:
        """Softmax cross-entropy plus the weight-decay term."""
        return self._loss(x, t, train_flg)

    def accuracy(self, x: np.ndarray, t: np.ndarray) -> float:
        """Accuracy in test mode (train_flg=False); t labels or one-hot rows."""
        return super().accuracy(x, t)

    def numerical_gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Central-difference gradients of ``loss(x, t, train_flg=True)`` for every parameter."""
        return numerical_gradients(self.params, lambda: self.loss(x, t, train_flg=True))
