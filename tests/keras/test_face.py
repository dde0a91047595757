"""The Keras face: every module of issue 4 and what old class notes write."""

import importlib
import inspect
import math
import warnings

import numpy as np
import pytest

import scratchdl.tensorflow as tf
from scratchdl import keras
from scratchdl.keras.layers import Dense, Flatten, Input, InputLayer
from scratchdl.keras.models import Sequential
from scratchdl.keras.optimizers import SGD, Adam

MODULES = {
    "models": ["Sequential", "load_model", "save_model"],
    "layers": ["Dense", "Flatten", "BatchNormalization", "Dropout", "InputLayer", "Activation"],
    "optimizers": ["SGD", "Adam", "RMSprop", "Adagrad", "schedules", "legacy"],
    "optimizers.schedules": ["ExponentialDecay", "CosineDecay", "CosineDecayRestarts"],
    "losses": ["CategoricalCrossentropy", "categorical_crossentropy", "mse"],
    "metrics": ["SparseCategoricalAccuracy", "Precision", "Recall"],
    "callbacks": ["EarlyStopping", "ModelCheckpoint", "BackupAndRestore", "History"],
    "regularizers": ["L1", "L2", "L1L2", "l1", "l2", "l1_l2"],
    "constraints": ["MaxNorm", "max_norm", "NonNeg", "non_neg", "UnitNorm", "unit_norm"],
    "initializers": ["GlorotUniform", "HeNormal", "RandomNormal", "Zeros"],
    "activations": ["relu", "sigmoid", "softmax", "tanh"],
    "utils": ["to_categorical", "set_random_seed"],
    "datasets.mnist": ["load_data"],
    "datasets.fashion_mnist": ["load_data"],
    "backend": ["epsilon", "floatx", "clear_session", "get_value"],
}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_and_name_imports(module):
    mod = importlib.import_module(f"scratchdl.keras.{module}")
    for name in MODULES[module]:
        assert hasattr(mod, name), f"scratchdl.keras.{module}.{name}"
        assert name in getattr(mod, "__all__", [name]), name
    head = module.split(".")[0]
    assert getattr(tf.keras, head) is importlib.import_module(f"scratchdl.keras.{head}")


def test_sequential_from_the_package_and_tf_stand_in():
    from scratchdl.keras import Sequential as PackageSequential

    assert PackageSequential is Sequential is tf.keras.Sequential is tf.keras.models.Sequential
    schedules = keras.optimizers.schedules
    assert tf.keras.experimental.CosineDecayRestarts is schedules.CosineDecayRestarts
    assert isinstance(tf.__version__, str)


def _one_step(optimizer, seed=0):
    model = Sequential([Dense(2, input_shape=(3,))], seed=seed)
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(np.ones((4, 3)), np.zeros((4, 2)), epochs=1, batch_size=4, verbose=0)
    return model.get_weights()[0]


def test_lr_keyword_warns_and_is_honoured():
    with pytest.warns(FutureWarning, match="`lr` argument is deprecated"):
        old = SGD(lr=0.5)
    assert old.learning_rate == 0.5 == old.lr
    np.testing.assert_array_equal(_one_step(old), _one_step(SGD(learning_rate=0.5)))
    assert not np.array_equal(_one_step(SGD(learning_rate=0.5)), _one_step(SGD()))
    with pytest.warns(FutureWarning):
        assert Adam(lr=0.001, beta_1=0.89).learning_rate == 0.001


def test_learning_rate_and_lr_are_readable_and_settable():
    model = Sequential([Dense(2, input_shape=(3,))], seed=0)
    model.compile(optimizer="sgd", loss="mse")
    assert model.optimizer.learning_rate == 0.01 and model.optimizer.lr == 0.01
    model.optimizer.learning_rate = 0.25
    assert model.optimizer.lr == 0.25
    model.optimizer.lr = 0.5
    model.fit(np.ones((4, 3)), np.zeros((4, 2)), epochs=1, batch_size=4, verbose=0)
    np.testing.assert_array_equal(model.get_weights()[0], _one_step(SGD(0.5)))
    assert tf.keras.backend.get_value(model.optimizer.lr) == 0.5
    with pytest.raises(TypeError, match="model.optimizer.learning_rate = 0.1"):
        tf.keras.backend.set_value(model.optimizer.lr, 0.1)


def test_schedules_are_read_at_the_current_step():
    schedule = tf.keras.optimizers.schedules.ExponentialDecay(1e-2, decay_steps=10, decay_rate=0.9)
    opt = SGD(learning_rate=schedule)
    model = Sequential([Dense(2, input_shape=(3,))], seed=0)
    model.compile(optimizer=opt, loss="mse")
    model.fit(np.ones((20, 3)), np.zeros((20, 2)), epochs=1, batch_size=4, verbose=0)
    assert opt.iterations == 5
    assert opt.learning_rate == pytest.approx(1e-2 * 0.9 ** (5 / 10), rel=1e-12)
    with pytest.raises(TypeError, match="schedule"):
        opt.learning_rate = 0.1
    sgdr = tf.keras.experimental.CosineDecayRestarts(0.01, 1000)
    expected = {0: 0.01, 500: 0.005, 1000: 0.01, 2000: 0.005, 3000: 0.01}  # t_mul=2
    for step, lr in expected.items():
        assert float(sgdr(step)) == pytest.approx(lr, abs=1e-12), step


def test_input_shape_spellings_build_the_same_model():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # tf.keras 2.x accepts them silently
        a = Sequential([Flatten(input_shape=(28, 28)), Dense(10)])
        b = Sequential([InputLayer(input_shape=(28, 28)), Flatten(), Dense(10)])
    c = Sequential([Input(shape=(28, 28)), Flatten(), Dense(10)])
    for model in (a, b, c):
        assert model.built and model.input_shape == (None, 28, 28)
        assert [type(lay).__name__ for lay in model.layers] == ["Flatten", "Dense"]
        assert model.count_params() == 7850


def test_predict_one_image_shaped_1_28_28_1():
    model = Sequential([Flatten(input_shape=(28, 28)), Dense(10, activation="softmax")], seed=0)
    img = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    p = model.predict(img.reshape(1, 28, 28, 1), verbose=0)
    np.testing.assert_array_equal(p, model.predict(img.reshape(1, 28, 28), verbose=0))
    assert p.shape == (1, 10)
    np.testing.assert_array_equal(model.predict(img.reshape(1, 784), verbose=0), p)  # flat
    with pytest.raises(ValueError, match=r"expected shape \(None, 28, 28\).*\(1, 14, 56\)"):
        model.predict(img.reshape(1, 14, 56))  # other layouts are not guessed
    flat = Sequential([Dense(10, input_shape=(784,))], seed=0)
    assert flat.predict(img[None], verbose=0).shape == (1, 10)  # (1, 28, 28) for (784,)


def test_set_seed_makes_unseeded_programs_repeatable():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((40, 3)), rng.integers(0, 2, 40)
    runs = []
    for seed in (777, 777, 778):
        tf.random.set_seed(seed)
        model = Sequential([Dense(4, activation="relu", input_shape=(3,)), Dense(2, "softmax")])
        model.compile("adam", "sparse_categorical_crossentropy", ["acc"])
        runs.append(model.fit(x, y, epochs=2, verbose=0).history)
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_to_categorical_and_backend():
    y = keras.utils.to_categorical([0, 2, 1])
    np.testing.assert_array_equal(y, np.eye(3)[[0, 2, 1]])
    assert y.dtype == np.float32  # tf.keras's dtype="float32" default
    assert keras.utils.to_categorical(np.array([[1], [0]]), num_classes=3).shape == (2, 3)
    assert keras.backend.epsilon() == 1e-7 and keras.backend.floatx() == "float32"
    Dense(1)
    keras.backend.clear_session()
    assert Dense(1).name == "dense"


def test_loss_functions_are_per_sample():
    yt, yp = np.eye(3)[[0, 1]], np.array([[0.5, 0.25, 0.25], [0.2, 0.7, 0.1]])
    values = keras.losses.categorical_crossentropy(yt, yp)
    np.testing.assert_allclose(values, [-math.log(0.5), -math.log(0.7)], rtol=1e-12)
    sparse = keras.losses.sparse_categorical_crossentropy(np.array([0, 1]), yp)
    np.testing.assert_allclose(sparse, values, rtol=1e-12)
    np.testing.assert_allclose(keras.losses.mse(yt, yp), np.mean((yt - yp) ** 2, axis=-1))


def test_load_data_takes_the_notes_path_argument():
    for module in (keras.datasets.mnist,):
        params = inspect.signature(module.load_data).parameters
        assert "path" in params
    assert callable(keras.datasets.fashion_mnist.load_data)


def test_predict_classes_of_old_notes_warns_and_works():
    model = Sequential([Dense(3, activation="softmax", input_shape=(2,))], seed=0)
    x = np.random.default_rng(0).standard_normal((5, 2))
    with pytest.warns(FutureWarning, match="removed in TensorFlow 2.6"):
        classes = model.predict_classes(x)
    np.testing.assert_array_equal(classes, model.predict(x, verbose=0).argmax(axis=-1))
    binary = Sequential([Dense(1, activation="sigmoid", input_shape=(2,))], seed=0)
    with pytest.warns(FutureWarning):
        np.testing.assert_array_equal(
            binary.predict_classes(x), (binary.predict(x, verbose=0) > 0.5).astype(np.int32)
        )
