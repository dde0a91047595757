"""The habits of the book's readers: each one trains the network or fails loudly.

Issue 18: a plain-dict ``params`` would silently drop ``params[key] = new`` and the book's
``load_params``; buffers reused by ``gradient()`` would make two kept results the same
array.  Here each habit is exercised the way a reader's script does it.
"""

import pickle

import numpy as np
import pytest

from scratchdl.book import SGD, Adam, MultiLayerNet, MultiLayerNetExtend
from scratchdl.book.layers import Affine, BatchNormalization, Relu, SoftmaxWithLoss
from scratchdl.book.two_layer_net import Ch04TwoLayerNet, Ch05TwoLayerNet


def blobs(rng, n=120, d=6, classes=3):
    """Three well separated Gaussian clusters: any working training loop learns them."""
    t = rng.integers(0, classes, n)
    centres = 3.0 * rng.standard_normal((classes, d))
    x = centres[t] + rng.standard_normal((n, d))
    return x, t, np.eye(classes)[t]


NETS = {
    "ch04": lambda rng: Ch04TwoLayerNet(6, 8, 3, weight_init_std=0.5, rng=rng),
    "ch05": lambda rng: Ch05TwoLayerNet(6, 8, 3, weight_init_std=0.5, rng=rng),
    "multi": lambda rng: MultiLayerNet(6, [8, 8], 3, rng=rng),
    "extend_bn": lambda rng: MultiLayerNetExtend(6, [8, 8], 3, use_batchnorm=True, rng=rng),
}


# -- chapter 4's loop: params[key] = params[key] - lr * grad[key] -------------------------


@pytest.mark.parametrize("name", list(NETS))
def test_rebinding_params_trains_the_network(name, rng):
    x, t, t_onehot = blobs(rng)
    net = NETS[name](rng)
    before = net.accuracy(x, t_onehot)
    for _ in range(150):
        grad = net.gradient(x, t_onehot)
        for key in grad:  # ch04's loop names W1, b1, W2, b2; the deeper nets have more
            net.params[key] = net.params[key] - 0.1 * grad[key]
    assert before < 0.7
    assert net.accuracy(x, t_onehot) > 0.95  # the silent bug kept it at chance


@pytest.mark.parametrize("name", list(NETS))
def test_rebinding_equals_the_in_place_update_bit_for_bit(name):
    nets = [NETS[name](np.random.default_rng(5)) for _ in range(2)]
    x, _, t_onehot = blobs(np.random.default_rng(6))
    for _ in range(3):
        g0, g1 = nets[0].gradient(x, t_onehot), nets[1].gradient(x, t_onehot)
        for key in nets[0].params:
            nets[0].params[key] = nets[0].params[key] - 0.1 * g0[key]
            nets[1].params[key] -= 0.1 * g1[key]
    np.testing.assert_array_equal(nets[0].predict(x), nets[1].predict(x))


def test_rebinding_changes_predictions_and_keeps_the_same_arrays(rng):
    net = MultiLayerNet(6, [5], 3, rng=rng)
    x = rng.standard_normal((4, 6))
    before = net.predict(x).copy()
    W1 = net.params["W1"]
    net.params["W1"] = np.zeros((6, 5))
    assert net.params["W1"] is W1 and not W1.any()
    assert net.layers["Affine1"].W is W1 or np.shares_memory(net.layers["Affine1"].W, W1)
    assert not np.allclose(net.predict(x), before)


def test_wrong_shape_dtype_or_key_raise_naming_the_parameter(rng):
    net = MultiLayerNet(6, [5], 3, rng=rng)
    with pytest.raises(ValueError, match=r"params\['W1'\].*shape \(6, 5\).*\(5, 6\)"):
        net.params["W1"] = np.zeros((5, 6))
    with pytest.raises(TypeError, match=r"params\['b1'\].*float64.*<U1"):
        net.params["b1"] = np.array(["a"] * 5)
    with pytest.raises(KeyError, match="no parameter 'W9'"):
        net.params["W9"] = np.zeros(3)
    for refuse in (lambda: net.params.pop("W1"), lambda: net.params.clear()):
        with pytest.raises(TypeError, match="cannot gain or lose entries"):
            refuse()
    with pytest.raises(TypeError, match="cannot gain or lose entries"):
        del net.params["W1"]


def test_replacing_the_whole_params_dict_assigns_every_key(rng):
    net, other = MultiLayerNet(6, [5], 3, rng=rng), MultiLayerNet(6, [5], 3, rng=rng)
    x = rng.standard_normal((4, 6))
    net.params = {k: v.copy() for k, v in other.params.items()}
    np.testing.assert_array_equal(net.predict(x), other.predict(x))
    with pytest.raises(KeyError, match="expected the keys"):
        net.params = {"W1": other.params["W1"]}


def test_params_pickle_as_a_plain_dict(rng):
    net = MultiLayerNet(6, [5], 3, rng=rng)
    restored = pickle.loads(pickle.dumps(net.params))
    assert type(restored) is dict and list(restored) == list(net.params)
    np.testing.assert_array_equal(restored["W2"], net.params["W2"])


# -- gradient() returns fresh arrays -------------------------------------------------------


@pytest.mark.parametrize("name", list(NETS))
def test_two_gradients_kept_side_by_side_differ_after_an_update(name, rng):
    net = NETS[name](rng)
    x, t, _ = blobs(rng, n=20)
    first = net.gradient(x, t)
    SGD(lr=0.5).update(net.params, first)
    second = net.gradient(x, t)
    for key in first:
        assert first[key] is not second[key]
        assert not np.shares_memory(first[key], second[key])
        assert not np.array_equal(first[key], second[key]), key


def test_numerical_gradient_returns_fresh_arrays(rng):
    net = Ch05TwoLayerNet(3, 2, 2, rng=rng)
    x, t = rng.standard_normal((2, 3)), np.array([0, 1])
    first = net.numerical_gradient(x, t)
    net.params["W1"] = net.params["W1"] + 0.3
    second = net.numerical_gradient(x, t)
    for key in first:
        assert not np.shares_memory(first[key], second[key])
    assert not np.allclose(first["W1"], second["W1"])


def test_gradient_views_are_the_opt_in_reuse(rng):
    net = MultiLayerNet(6, [5], 3, rng=rng)
    x, t, _ = blobs(rng, n=10)
    views = net.gradient_views(x, t)
    again = net.gradient_views(x, t)
    assert all(np.shares_memory(views[k], again[k]) for k in views)
    np.testing.assert_array_equal(net.gradient(x, t)["W1"], views["W1"])


# -- load_params: params[key] = saved[key], then layers[...].W = params[...] --------------


def book_load_params(net, saved, affine_count):
    """The book's load_params, written out: rebind the params, then the layers' W and b."""
    for key, val in saved.items():
        net.params[key] = val
    for i in range(1, affine_count + 1):
        net.layers[f"Affine{i}"].W = net.params[f"W{i}"]
        net.layers[f"Affine{i}"].b = net.params[f"b{i}"]


@pytest.mark.parametrize("name", ["ch05", "multi", "extend_bn"])
def test_load_params_restores_predictions_exactly(name, rng):
    net = NETS[name](rng)
    x, t, _ = blobs(rng, n=30)
    # BN's running statistics are not parameters (the book does not save them either):
    # compare in training mode, where the output depends on the parameters only
    predict = (lambda: net.predict(x, train_flg=True)) if "bn" in name else lambda: net.predict(x)
    saved = pickle.loads(pickle.dumps({k: v.copy() for k, v in net.params.items()}))
    expected = predict().copy()
    optimizer = Adam(lr=0.05)
    for _ in range(5):
        optimizer.update(net.params, net.gradient(x, t))
    assert not np.allclose(predict(), expected)
    book_load_params(net, saved, 2 if name == "ch05" else 3)
    np.testing.assert_array_equal(predict(), expected)
    for layer in net.layers.values():  # the engine layers still own their Variables
        if hasattr(layer, "layer") and hasattr(layer.layer, "check_wiring"):
            layer.layer.check_wiring()


def test_layer_attribute_of_a_network_copies_into_its_store(rng):
    net = MultiLayerNetExtend(6, [5], 3, use_batchnorm=True, rng=rng)
    W1 = net.params["W1"]
    net.layers["Affine1"].W = np.full((6, 5), 0.25)
    assert net.params["W1"] is W1 and np.all(W1 == 0.25)
    net.layers["BatchNorm1"].gamma = np.full(5, 2.0)
    net.layers["BatchNorm1"].beta = np.full(5, -1.0)
    assert np.all(net.params["gamma1"] == 2.0) and np.all(net.params["beta1"] == -1.0)
    net.layers["BatchNorm1"].running_var = np.ones(5)
    np.testing.assert_array_equal(net.layers["BatchNorm1"].layer.state["moving_variance"], 1.0)
    with pytest.raises(ValueError, match=r"Affine\.W.*shape \(6, 5\)"):
        net.layers["Affine1"].W = np.zeros((5, 6))
    with pytest.raises(ValueError, match=r"BatchNormalization\.gamma"):
        net.layers["BatchNorm1"].gamma = np.ones(4)


class ReadersNet:
    """A reader's own chapter-5 network: a plain dict and stand-alone book layers."""

    def __init__(self, rng):
        self.params = {"W1": 0.5 * rng.standard_normal((6, 8)), "b1": np.zeros(8)}
        self.params["W2"], self.params["b2"] = 0.5 * rng.standard_normal((8, 3)), np.zeros(3)
        self.layers = {
            "Affine1": Affine(self.params["W1"], self.params["b1"]),
            "Relu1": Relu(),
            "Affine2": Affine(self.params["W2"], self.params["b2"]),
        }
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def gradient(self, x, t):
        self.last_layer.forward(self.predict(x), t)
        dout = self.last_layer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        grads = {}
        for i in (1, 2):
            grads[f"W{i}"] = self.layers[f"Affine{i}"].dW.copy()
            grads[f"b{i}"] = self.layers[f"Affine{i}"].db.copy()
        return grads


def test_a_readers_own_network_with_stand_alone_layers_loads_and_trains(rng):
    net = ReadersNet(rng)
    x, t, _ = blobs(rng)
    saved = {k: v.copy() for k, v in net.params.items()}
    expected = net.predict(x).copy()
    SGD(lr=0.5).update(net.params, net.gradient(x, t))
    assert not np.allclose(net.predict(x), expected)  # layers hold the params by reference
    book_load_params(net, saved, 2)  # plain dict: the entries become the saved arrays
    assert net.layers["Affine1"].W is net.params["W1"]  # ... and the layers hold them
    np.testing.assert_array_equal(net.predict(x), expected)
    for _ in range(100):
        SGD(lr=0.1).update(net.params, net.gradient(x, t))
    accuracy = np.mean(np.argmax(net.predict(x), axis=1) == t)
    assert accuracy > 0.95
    for name in ("Affine1", "Affine2"):
        net.layers[name].layer.check_wiring()


def test_stand_alone_layers_refuse_a_wrong_array(rng):
    affine = Affine(rng.standard_normal((4, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"Affine\.W.*\(4, 3\)"):
        affine.W = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"Affine\.b"):
        affine.b = [0.0, 0.0, 0.0]  # a list cannot be held by reference
    with pytest.raises(ValueError, match="float arrays"):
        Affine(np.ones((4, 3), dtype=int), np.zeros(3))
    bn = BatchNormalization(np.ones(3), np.zeros(3))
    new_gamma = np.full(3, 2.0)
    bn.gamma = new_gamma
    assert bn.gamma is new_gamma
    x = rng.standard_normal((5, 3))
    out = bn.forward(x, train_flg=True)
    np.testing.assert_allclose(out.std(axis=0), 2.0, rtol=1e-4)
