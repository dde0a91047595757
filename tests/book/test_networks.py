"""The book's networks: flat-store views, book init, weight decay, modes, gradient checks."""

import numpy as np
import pytest

from scratchdl.book import MultiLayerNet, MultiLayerNetExtend, optimizer
from scratchdl.book.common.multi_layer_net import MultiLayerNet as CommonMultiLayerNet
from scratchdl.book.layers import Affine, BatchNormalization, Dropout, Relu, Sigmoid
from scratchdl.book.two_layer_net import Ch04TwoLayerNet, Ch05TwoLayerNet, TwoLayerNet


def data(rng, n=6, d=5, classes=3, one_hot=False):
    x = rng.standard_normal((n, d))
    t = rng.integers(0, classes, n)
    return x, (np.eye(classes)[t] if one_hot else t)


def assert_backprop_matches_numerical(net, x, t, atol=1e-6, zero_ok=()):
    backprop = {k: g.copy() for k, g in net.gradient(x, t).items()}
    numerical = net.numerical_gradient(x, t)
    assert list(backprop) == list(net.params) == list(numerical)
    for key in net.params:
        assert key in zero_ok or np.max(np.abs(numerical[key])) > 0, key
        np.testing.assert_allclose(backprop[key], numerical[key], atol=atol, err_msg=key)


def test_params_are_float64_views_of_one_flat_buffer(rng):
    net = MultiLayerNetExtend(5, [4, 3], 3, use_batchnorm=True, rng=rng)
    buffer = net._store.data
    assert buffer.dtype == np.float64 and buffer.size == sum(p.size for p in net.params.values())
    for key, p in net.params.items():
        assert np.shares_memory(p, buffer), key
    views = net.gradient_views(*data(rng))  # the opt-in reuse: views of the grad buffer
    for key, g in views.items():
        assert np.shares_memory(g, net._store.grad), key
    fresh = net.gradient(*data(rng))  # the book's: new arrays
    for key, g in fresh.items():
        assert not np.shares_memory(g, net._store.grad), key
    assert net.layers["Affine1"].W is net.params["W1"] or np.shares_memory(
        net.layers["Affine1"].W, net.params["W1"]
    )


@pytest.mark.parametrize("name", ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"])
def test_optimizer_update_changes_the_predictions_in_place(name, rng):
    net = MultiLayerNetExtend(5, [4, 4], 3, use_batchnorm=True, rng=rng)
    x, t = data(rng)
    before = net.predict(x).copy()
    ids = {k: id(p) for k, p in net.params.items()}
    getattr(optimizer, name)(lr=0.1).update(net.params, net.gradient(x, t))
    assert {k: id(p) for k, p in net.params.items()} == ids  # same arrays, changed in place
    assert not np.allclose(net.predict(x), before)
    np.testing.assert_array_equal(net.layers["Affine1"].W, net.params["W1"])


def test_multilayernet_structure_and_book_init(rng):
    net = MultiLayerNet(784, [100, 50], 10, rng=rng)
    assert list(net.layers) == [
        "Affine1", "Activation_function1", "Affine2", "Activation_function2", "Affine3"
    ]  # fmt: skip
    assert list(net.params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert isinstance(net.layers["Affine1"], Affine) and isinstance(
        net.layers["Activation_function1"], Relu
    )
    assert net.params["W1"].shape == (784, 100) and net.params["b3"].shape == (10,)
    assert np.std(net.params["W1"]) == pytest.approx(np.sqrt(2 / 784), rel=0.02)  # He ('relu')
    assert np.std(net.params["W2"]) == pytest.approx(np.sqrt(2 / 100), rel=0.05)
    assert all(not net.params[f"b{i}"].any() for i in (1, 2, 3))
    xavier = MultiLayerNet(784, [100], 10, activation="sigmoid", weight_init_std="xavier", rng=rng)
    assert isinstance(xavier.layers["Activation_function1"], Sigmoid)
    assert np.std(xavier.params["W1"]) == pytest.approx(
        np.sqrt(1 / 784), rel=0.02
    )  # book's 1/sqrt(n)
    small = MultiLayerNet(784, [100], 10, weight_init_std=0.01, rng=rng)
    assert np.std(small.params["W1"]) == pytest.approx(0.01, rel=0.02)
    assert CommonMultiLayerNet is MultiLayerNet


def test_np_random_seed_or_rng_makes_networks_repeatable():
    np.random.seed(7)
    a = MultiLayerNet(5, [4], 3)
    np.random.seed(7)
    b = MultiLayerNet(5, [4], 3)
    assert np.array_equal(a._store.data, b._store.data)
    c, d = MultiLayerNet(5, [4], 3, rng=3), MultiLayerNet(5, [4], 3, rng=3)
    assert np.array_equal(c._store.data, d._store.data)


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_multilayernet_gradient_with_weight_decay_is_checked(activation, rng):
    net = MultiLayerNet(5, [4, 3], 3, activation=activation, weight_decay_lambda=0.3, rng=rng)
    x, t = data(rng)
    assert_backprop_matches_numerical(net, x, t)


def test_weight_decay_adds_half_lambda_sum_w2_over_all_w(rng):
    net = MultiLayerNet(5, [4, 3], 3, weight_decay_lambda=0.1, rng=rng)
    for key in net.params:
        net.params[key] += 0.5  # non-zero biases: they must not enter the penalty
    x, t = data(rng)
    plain = net.last_layer.forward(net.predict(x), t)
    penalty = 0.5 * 0.1 * sum(np.sum(net.params[f"W{i}"] ** 2) for i in (1, 2, 3))
    assert net.loss(x, t) == pytest.approx(plain + penalty, rel=1e-12)
    grads = {k: g.copy() for k, g in net.gradient(x, t).items()}
    net.weight_decay_lambda = 0
    bare = net.gradient(x, t)
    np.testing.assert_allclose(grads["W3"], bare["W3"] + 0.1 * net.params["W3"])
    np.testing.assert_allclose(grads["b3"], bare["b3"])


def test_extend_layer_order_params_and_bn_dropout_semantics(rng):
    net = MultiLayerNetExtend(
        5, [4, 4], 3, use_dropout=True, dropout_ration=0.25, use_batchnorm=True, rng=rng
    )
    assert list(net.layers) == [
        "Affine1", "BatchNorm1", "Activation_function1", "Dropout1",
        "Affine2", "BatchNorm2", "Activation_function2", "Dropout2", "Affine3",
    ]  # fmt: skip
    assert list(net.params) == [
        "W1", "b1", "W2", "b2", "W3", "b3", "gamma1", "beta1", "gamma2", "beta2"
    ]  # fmt: skip
    assert np.array_equal(net.params["gamma1"], np.ones(4)) and not net.params["beta2"].any()
    bn, drop = net.layers["BatchNorm1"], net.layers["Dropout1"]
    assert isinstance(bn, BatchNormalization) and isinstance(drop, Dropout)
    assert drop.dropout_ratio == 0.25 and bn.momentum == 0.9
    x, t = data(rng)
    assert not bn.running_mean.any() and not bn.running_var.any()  # start at zero
    net.gradient(x, t)  # one training forward
    h = x @ net.params["W1"] + net.params["b1"]
    np.testing.assert_allclose(bn.running_mean, 0.1 * h.mean(axis=0))
    np.testing.assert_allclose(bn.running_var, 0.1 * h.var(axis=0))
    assert np.array_equal(net.predict(x), net.predict(x))  # test mode: deterministic
    assert not np.array_equal(net.predict(x, train_flg=True), net.predict(x, train_flg=True))
    np.testing.assert_allclose(net.loss(x, t), net.loss(x, t))


def test_extend_with_batchnorm_gradient_is_checked(rng):
    net = MultiLayerNetExtend(5, [4, 4], 3, weight_decay_lambda=0.05, use_batchnorm=True, rng=rng)
    # a bias just before BN has exactly zero gradient (BN subtracts the batch mean)
    assert_backprop_matches_numerical(net, *data(rng), zero_ok=("b1", "b2"))


def test_ch04_two_layer_net_sigmoid_gradient_and_accuracy(rng):
    net = Ch04TwoLayerNet(5, 4, 3, rng=rng)
    assert np.std(Ch04TwoLayerNet(784, 50, 10, rng=rng).params["W1"]) == pytest.approx(
        0.01, rel=0.03
    )
    x, t = data(rng, one_hot=True)
    net.params["W1"] *= 100  # away from the linear regime of the sigmoid
    assert_backprop_matches_numerical(net, x, t)
    y = net.predict(x)
    np.testing.assert_allclose(y.sum(axis=1), 1.0)  # probabilities
    expected = np.mean(y.argmax(axis=1) == t.argmax(axis=1))
    assert net.accuracy(x, t) == expected == net.accuracy(x, t.argmax(axis=1))


def test_ch05_two_layer_net_layers_and_gradient(rng):
    assert TwoLayerNet is Ch05TwoLayerNet
    net = Ch05TwoLayerNet(5, 4, 3, weight_init_std=0.5, rng=rng)
    assert list(net.layers) == ["Affine1", "Relu1", "Affine2"] and hasattr(net, "lastLayer")
    x, t = data(rng)
    assert_backprop_matches_numerical(net, x, t)
    assert_backprop_matches_numerical(net, x, np.eye(3)[t])
    from scratchdl.book.ch04.two_layer_net import TwoLayerNet as Ch04
    from scratchdl.book.ch05.two_layer_net import TwoLayerNet as Ch05

    assert (Ch04, Ch05) == (Ch04TwoLayerNet, Ch05TwoLayerNet)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="'tanh'.*'relu', 'sigmoid'"):
        MultiLayerNet(5, [4], 3, activation="tanh")
    with pytest.raises(ValueError, match="weight_init_std"):
        MultiLayerNet(5, [4], 3, weight_init_std="glorot")
    with pytest.raises(ValueError, match="hidden_size_list=\\[4, 0\\]"):
        MultiLayerNet(5, [4, 0], 3)
    with pytest.raises(ValueError, match="dropout_ration"):
        MultiLayerNetExtend(5, [4], 3, use_dropout=True, dropout_ration=1.5)


def test_book_method_signatures_are_kept():
    """The networks share layer_net.py; the methods keep the book's names and arguments."""
    import inspect

    book_methods = {
        MultiLayerNet: {"predict": "(x)", "loss": "(x, t)", "gradient": "(x, t)"},
        MultiLayerNetExtend: {"predict": "(x, train_flg=False)",
                              "loss": "(x, t, train_flg=False)", "gradient": "(x, t)"},
        Ch05TwoLayerNet: {"predict": "(x)", "loss": "(x, t)", "gradient": "(x, t)"},
        Ch04TwoLayerNet: {"predict": "(x)", "loss": "(x, t)", "gradient": "(x, t)"},
    }  # fmt: skip
    for cls, methods in book_methods.items():
        net = cls(4, [3], 2, rng=0) if "MultiLayer" in cls.__name__ else cls(4, 3, 2, rng=0)
        for name in (*methods, "accuracy", "numerical_gradient"):
            expected = methods.get(name, "(x, t)")
            sig = inspect.signature(getattr(net, name))
            bare = sig.replace(  # names and defaults as in the book; type hints aside
                parameters=[p.replace(annotation=p.empty) for p in sig.parameters.values()],
                return_annotation=sig.empty,
            )
            assert str(bare) == expected, (cls, name)
