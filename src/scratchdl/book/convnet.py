"""The book's convolutional networks: ``SimpleConvNet`` (ch07) and ``DeepConvNet`` (ch08).

    from scratchdl.book.ch07.simple_convnet import SimpleConvNet
    network = SimpleConvNet()            # the book's defaults: conv 30x5x5, pool 2, 100, 10
    grads = network.gradient(x, t)       # x (N, 1, 28, 28)
    network.save_params("params.pkl")    # our safe format (see below)

Layers are the book's (``Convolution``, ``Pooling``, ``Affine``, ``Relu``, ``Dropout``,
``SoftmaxWithLoss``), whose math is the engine's; ``params`` holds the arrays the layers
use, so an optimizer updating ``params[key]`` in place trains the network.

Conventions (docs/convnets.md, "The book's chapter-7 API"):
* Sizes are computed exactly for any input (H, W), including non-square ones and odd
  convolution outputs (the book uses only ``input_dim[1]`` and float sizes).
* ``gradient`` skips the first convolution's dL/dx (its col2im), which the book computes
  and throws away; ``layers["Conv1"].backward`` therefore returns None.
* ``accuracy(x, t, batch_size)`` counts every sample; the book's loop skips the last
  ``N % batch_size`` samples but still divides by N.
* ``save_params`` writes a NumPy ``.npz`` archive without pickles, whatever the file name;
  ``load_params`` reads it.  A pickle written by the book's own code is read only with
  ``allow_pickle=True``, which warns: unpickling can execute code from the file.
"""

from __future__ import annotations

import os
import pickle
import warnings
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from scratchdl.book.conv_layers import Convolution, Pooling
from scratchdl.book.gradient import numerical_gradient
from scratchdl.book.layers import Affine, Dropout, Relu, SoftmaxWithLoss
from scratchdl.book.util import get_rng
from scratchdl.files import atomic_write

__all__ = ["SimpleConvNet", "DeepConvNet", "save_params_file", "load_params_file"]

_PICKLE_MAGIC = b"\x80"
_ZIP_MAGIC = b"PK\x03\x04"


# -- the safe parameter file -----------------------------------------------------------
def save_params_file(params: Mapping[str, ArrayLike], file_name: str | os.PathLike[str]) -> None:
    """Write ``params`` (name -> array) as an .npz archive (no pickles), atomically."""
    arrays = {key: np.asarray(value) for key, value in params.items()}
    with atomic_write(file_name, "wb", make_parents=False) as f:
        np.savez(f, **arrays)


def load_params_file(
    file_name: str | os.PathLike[str], allow_pickle: bool = False
) -> dict[str, Any]:
    """Read a file written by ``save_params_file`` (or, on opt-in, the book's pickle)."""
    with open(file_name, "rb") as f:
        head = f.read(4)
    if head == _ZIP_MAGIC:
        with np.load(file_name, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    if head[:1] != _PICKLE_MAGIC:
        raise ValueError(f"{file_name!r} is neither a scratchdl .npz parameter file nor a pickle")
    if not allow_pickle:
        raise ValueError(
            f"{file_name!r} is a pickle (as written by the book's own save_params). Unpickling "
            "can execute code from the file; if you trust it, pass allow_pickle=True"
        )
    warnings.warn(
        f"unpickling {file_name!r}: a pickle can execute arbitrary code; load only files you trust",
        UserWarning,
        stacklevel=3,
    )
    with open(file_name, "rb") as f:
        return dict(pickle.load(f))


# -- shared network machinery -----------------------------------------------------------
def _conv_out(size, filter_size, stride, pad):
    out = (size + 2 * pad - filter_size) // stride + 1
    if out <= 0:
        raise ValueError(
            f"filter_size={filter_size} with pad={pad} does not fit an input of size {size}"
        )
    return out


def _pool_out(size):
    return (size - 2) // 2 + 1  # the book's 2x2 pools with stride 2


class _ConvNetBase:
    """predict / loss / accuracy / gradients / parameter files shared by both networks."""

    def _predict(self, x, train_flg):
        for layer in self._layer_list():
            x = layer.forward(x, train_flg) if isinstance(layer, Dropout) else layer.forward(x)
        return x

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int = 100) -> float:
        """Fraction of samples with argmax(predict(x)) == t, predicted ``batch_size`` at a time."""
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        acc = 0
        for start in range(0, x.shape[0], batch_size):
            y = np.argmax(self.predict(x[start : start + batch_size]), axis=1)
            acc += int(np.sum(y == t[start : start + batch_size]))
        return acc / x.shape[0]

    def numerical_gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Central differences (h = 1e-4) of ``loss(x, t)`` for every parameter (slow)."""
        return {
            key: numerical_gradient(lambda w: self.loss(x, t), p) for key, p in self.params.items()
        }

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Backprop: forward in training mode, SoftmaxWithLoss backward, layers in reverse."""
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(self._layer_list()):
            dout = layer.backward(dout)
        return {key: getattr(layer, attr) for key, (layer, attr) in self._grad_sources().items()}

    def save_params(self, file_name: str | os.PathLike[str] = "params.pkl") -> None:
        """Write every parameter to ``file_name`` in the safe .npz format (see module doc)."""
        save_params_file(self.params, file_name)

    def load_params(
        self, file_name: str | os.PathLike[str] = "params.pkl", allow_pickle: bool = False
    ) -> None:
        """Copy the parameters of ``file_name`` into this network's arrays (shapes checked)."""
        loaded = load_params_file(file_name, allow_pickle=allow_pickle)
        missing = sorted(set(self.params) - set(loaded))
        if missing:
            raise ValueError(f"{file_name!r} has no parameters {missing}")
        for key, target in self.params.items():
            value = np.asarray(loaded[key])
            if value.shape != target.shape:
                raise ValueError(
                    f"{file_name!r}: parameter {key} has shape {value.shape}, "
                    f"this network expects {target.shape}"
                )
            target[...] = value


def _conv_and_bias(rng, scale, filter_num, channels, filter_size):
    W = scale * rng.standard_normal((filter_num, channels, filter_size, filter_size))
    return W, np.zeros(filter_num)


class SimpleConvNet(_ConvNetBase):
    """conv - relu - pool - affine - relu - affine - softmax (the book's ch07 network).

    Args (the book's names and defaults): input_dim=(1, 28, 28),
        conv_param={'filter_num': 30, 'filter_size': 5, 'pad': 0, 'stride': 1},
        hidden_size=100, output_size=10, weight_init_std=0.01 (every W is
        weight_init_std * randn; biases zero); rng: Generator or seed (default: from
        np.random's global state).
    Layers: OrderedDict ``Conv1, Relu1, Pool1, Affine1, Relu2, Affine2``; ``last_layer``.
    Params: W1 (FN, C, FS, FS), b1, W2 (FN*ph*pw, hidden), b2, W3 (hidden, out), b3, float64.
    """

    def __init__(
        self,
        input_dim: tuple[int, int, int] = (1, 28, 28),
        conv_param: dict[str, int] | None = None,
        hidden_size: int = 100,
        output_size: int = 10,
        weight_init_std: float = 0.01,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        conv_param = conv_param or {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}
        filter_num = conv_param["filter_num"]
        filter_size, pad, stride = (
            conv_param["filter_size"],
            conv_param["pad"],
            conv_param["stride"],
        )
        C, H, W = input_dim
        conv_h, conv_w = (_conv_out(n, filter_size, stride, pad) for n in (H, W))
        pool_output_size = filter_num * _pool_out(conv_h) * _pool_out(conv_w)
        rng = get_rng(rng)
        s = weight_init_std
        W1, b1 = _conv_and_bias(rng, s, filter_num, C, filter_size)
        self.params = {
            "W1": W1, "b1": b1,
            "W2": s * rng.standard_normal((pool_output_size, hidden_size)),
            "b2": np.zeros(hidden_size),
            "W3": s * rng.standard_normal((hidden_size, output_size)),
            "b3": np.zeros(output_size),
        }  # fmt: skip
        p = self.params
        self.layers = OrderedDict()
        self.layers["Conv1"] = Convolution(p["W1"], p["b1"], stride, pad)
        self.layers["Conv1"].layer.need_input_grad = False  # nobody uses dL/dx: skip col2im
        self.layers["Relu1"] = Relu()
        self.layers["Pool1"] = Pooling(pool_h=2, pool_w=2, stride=2)
        self.layers["Affine1"] = Affine(p["W2"], p["b2"])
        self.layers["Relu2"] = Relu()
        self.layers["Affine2"] = Affine(p["W3"], p["b3"])
        self.last_layer = SoftmaxWithLoss()

    def _layer_list(self):
        return list(self.layers.values())

    def _grad_sources(self):
        out = {}
        for i, name in enumerate(("Conv1", "Affine1", "Affine2"), start=1):
            out[f"W{i}"], out[f"b{i}"] = (self.layers[name], "dW"), (self.layers[name], "db")
        return out

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Scores (N, output_size) before the softmax."""
        return self._predict(x, False)

    def loss(self, x: np.ndarray, t: np.ndarray) -> np.floating:
        """SoftmaxWithLoss of predict(x) and t (labels or one-hot)."""
        return self.last_layer.forward(self.predict(x), t)


DEEP_FILTERS = (16, 16, 32, 32, 64, 64)
DEEP_PADS = (1, 1, 1, 2, 1, 1)  # conv_param_4 has pad 2, as in the book


class DeepConvNet(_ConvNetBase):
    """The book's ch08 network (about 99 % on MNIST)::

        conv - relu - conv - relu - pool - conv - relu - conv - relu - pool -
        conv - relu - conv - relu - pool - affine - relu - dropout - affine - dropout - softmax

    Args (the book's names and defaults): input_dim=(1, 28, 28), conv_param_1..6 (dicts of
        filter_num, filter_size, pad, stride; filters 16, 16, 32, 32, 64, 64, all 3x3,
        stride 1, pad 1 except pad 2 for the fourth), hidden_size=50, output_size=10;
        rng: Generator or seed for the weights and the dropout masks.
    Weights: He init, W = sqrt(2 / fan_in) * randn, fan_in = C*3*3 of the layer's input
        (the book's list 9, 144, 144, 288, 288, 576, 64*4*4, hidden); biases zero.
    Convention (the book's): ``loss`` always runs with dropout active (train_flg=True);
        the Dropout layers are the book's non-inverted ones, one of them on the scores.
    """

    def __init__(
        self,
        input_dim: tuple[int, int, int] = (1, 28, 28),
        conv_param_1: dict[str, int] | None = None,
        conv_param_2: dict[str, int] | None = None,
        conv_param_3: dict[str, int] | None = None,
        conv_param_4: dict[str, int] | None = None,
        conv_param_5: dict[str, int] | None = None,
        conv_param_6: dict[str, int] | None = None,
        hidden_size: int = 50,
        output_size: int = 10,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        given = (conv_param_1, conv_param_2, conv_param_3, conv_param_4, conv_param_5,
                 conv_param_6)  # fmt: skip
        convs = [
            cp or {"filter_num": f, "filter_size": 3, "pad": p, "stride": 1}
            for cp, f, p in zip(given, DEEP_FILTERS, DEEP_PADS)
        ]
        rng = get_rng(rng)
        self.params, self.layers = {}, []
        C, H, W = input_dim
        for i, cp in enumerate(convs, start=1):
            fs, pad, stride = cp["filter_size"], cp["pad"], cp["stride"]
            scale = np.sqrt(2.0 / (C * fs * fs))
            Wi, bi = _conv_and_bias(rng, scale, cp["filter_num"], C, fs)
            self.params[f"W{i}"], self.params[f"b{i}"] = Wi, bi
            self.layers += [Convolution(Wi, bi, stride, pad), Relu()]
            C, H, W = cp["filter_num"], _conv_out(H, fs, stride, pad), _conv_out(W, fs, stride, pad)
            if i % 2 == 0:
                self.layers.append(Pooling(pool_h=2, pool_w=2, stride=2))
                H, W = _pool_out(H), _pool_out(W)
        self.layers[0].layer.need_input_grad = False  # nobody uses dL/dx: skip col2im
        for i, (n_in, n_out) in enumerate(
            ((C * H * W, hidden_size), (hidden_size, output_size)), 7
        ):
            Wi = np.sqrt(2.0 / n_in) * rng.standard_normal((n_in, n_out))
            self.params[f"W{i}"], self.params[f"b{i}"] = Wi, np.zeros(n_out)
            self.layers.append(Affine(Wi, self.params[f"b{i}"]))
            if i == 7:
                self.layers.append(Relu())
            self.layers.append(Dropout(0.5, rng=rng))
        self.last_layer = SoftmaxWithLoss()

    def _layer_list(self):
        return self.layers

    def _grad_sources(self):
        indices = (0, 2, 5, 7, 10, 12, 15, 18)  # the book's layer indices of W1..W8
        out = {}
        for i, idx in enumerate(indices, start=1):
            out[f"W{i}"], out[f"b{i}"] = (self.layers[idx], "dW"), (self.layers[idx], "db")
        return out

    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Scores (N, output_size); dropout active only with train_flg=True."""
        return self._predict(x, train_flg)

    def loss(self, x: np.ndarray, t: np.ndarray) -> np.floating:
        """SoftmaxWithLoss of predict(x, train_flg=True) and t (dropout on, as the book)."""
        return self.last_layer.forward(self.predict(x, train_flg=True), t)
