"""``scratchdl.book``: the code of "Deep Learning from Scratch" (Koki Saito) on scratchdl's engine.

A script written against the book's repository runs after changing only its import prefix
(``common.X`` -> ``scratchdl.book.common.X``, ``dataset.mnist`` ->
``scratchdl.book.dataset.mnist``, a chapter file ``two_layer_net`` imported from ``ch05/`` ->
``scratchdl.book.ch05.two_layer_net``); star imports give what the book's modules give,
``np`` included (docs/book.md, section D)::

    from scratchdl.book.dataset.mnist import load_mnist
    from scratchdl.book.common.multi_layer_net import MultiLayerNet
    from scratchdl.book.common.optimizer import *

Short forms: ``scratchdl.book.load_mnist``, ``scratchdl.book.MultiLayerNet``,
``scratchdl.book.optimizer.SGD`` ...

Habits that work as in the book: ``optimizer.update(net.params, grads)`` (arrays in place,
Python floats replaced), ``net.params[key] = net.params[key] - lr * grads[key]`` (copied
into the network), ``layers["Affine1"].W = params["W1"]`` (load_params), ``gradient()``
returning fresh arrays.

The semantics are the book's (docs/book.md): non-inverted dropout, 0.5*lambda*W**2
weight decay on every W, batch norm with momentum 0.9 / eps 1e-6 / running variance from
0, the Trainer's sampling with replacement.  The math is the engine's (one Dense, one
BatchNorm, one set of optimizer rules), in float64 like the book.

Randomness: pass ``rng=`` (Generator or seed) to networks, Dropout, Trainer and
shuffle_dataset, or call ``np.random.seed(...)`` once at the top of a script: without
``rng`` every random choice is seeded from NumPy's global state.
"""

from scratchdl.book.functions import (
    cross_entropy_error,
    identity_function,
    mean_squared_error,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_loss,
    step_function,
    sum_squared_error,
)
from scratchdl.book.gradient import numerical_gradient, numerical_gradient_2d
from scratchdl.book.layers import (
    AddLayer,
    Affine,
    BatchNormalization,
    Dropout,
    MulLayer,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
)
from scratchdl.book.mnist import load_mnist
from scratchdl.book.multi_layer_net import MultiLayerNet
from scratchdl.book.multi_layer_net_extend import MultiLayerNetExtend
from scratchdl.book.optimizer import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from scratchdl.book.trainer import Trainer
from scratchdl.book.two_layer_net import Ch04TwoLayerNet, Ch05TwoLayerNet, TwoLayerNet
from scratchdl.book.util import shuffle_dataset, smooth_curve

__all__ = [
    "identity_function", "step_function", "sigmoid", "sigmoid_grad", "relu", "relu_grad",
    "softmax", "sum_squared_error", "mean_squared_error", "cross_entropy_error", "softmax_loss",
    "numerical_gradient", "numerical_gradient_2d",
    "Relu", "Sigmoid", "Affine", "SoftmaxWithLoss", "Dropout", "BatchNormalization",
    "MulLayer", "AddLayer",
    "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam",
    "TwoLayerNet", "Ch04TwoLayerNet", "Ch05TwoLayerNet", "MultiLayerNet", "MultiLayerNetExtend",
    "Trainer", "load_mnist", "shuffle_dataset", "smooth_curve",
]  # fmt: skip
