"""Keras-face CNNs: summary shapes and parameter counts, image input, fit, save/load, callbacks."""

import numpy as np
import pytest

from scratchdl.keras import backend
from scratchdl.keras.callbacks import EarlyStopping
from scratchdl.keras.layers import (
    AveragePooling2D,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    GlobalAveragePooling2D,
    Input,
    MaxPooling2D,
    Reshape,
    ZeroPadding2D,
)
from scratchdl.keras.models import Sequential, load_model


def keras_io_convnet():
    """keras-io "Simple MNIST convnet" (docs/convnets.md): tf.keras prints 34,826 params."""
    return Sequential([
        Input(shape=(28, 28, 1)),
        Conv2D(32, kernel_size=(3, 3), activation="relu"),
        MaxPooling2D(pool_size=(2, 2)),
        Conv2D(64, kernel_size=(3, 3), activation="relu"),
        MaxPooling2D(pool_size=(2, 2)),
        Flatten(),
        Dropout(0.5),
        Dense(10, activation="softmax"),
    ])  # fmt: skip


def simple_convnet_keras():
    """The book's SimpleConvNet written in Keras: the book's 433,890 parameters."""
    return Sequential([
        Input(shape=(28, 28, 1)),
        Conv2D(30, 5, activation="relu"),
        MaxPooling2D(2),
        Flatten(),
        Dense(100, activation="relu"),
        Dense(10, activation="softmax"),
    ])  # fmt: skip


def deep_convnet_keras():
    """The book's DeepConvNet in Keras (pad 2 of conv 4 as ZeroPadding2D(2)): 123,552."""
    return Sequential([
        Input(shape=(28, 28, 1)),
        Conv2D(16, 3, padding="same", activation="relu"),
        Conv2D(16, 3, padding="same", activation="relu"),
        MaxPooling2D(2),
        Conv2D(32, 3, padding="same", activation="relu"),
        ZeroPadding2D(2),
        Conv2D(32, 3, activation="relu"),
        MaxPooling2D(2),
        Conv2D(64, 3, padding="same", activation="relu"),
        Conv2D(64, 3, padding="same", activation="relu"),
        MaxPooling2D(2),
        Flatten(),
        Dense(50, activation="relu"),
        Dropout(0.5),
        Dense(10, activation="softmax"),
    ])  # fmt: skip


def summary_rows(model):
    return [((None,) + tuple(lay.output_shape), lay.count_params() + lay.count_state())
            for lay in model.layers]  # fmt: skip


def test_keras_io_convnet_summary_equals_tf_keras():
    backend.clear_session()
    model = keras_io_convnet()
    assert summary_rows(model) == [
        ((None, 26, 26, 32), 320),
        ((None, 13, 13, 32), 0),
        ((None, 11, 11, 64), 18496),
        ((None, 5, 5, 64), 0),
        ((None, 1600), 0),
        ((None, 1600), 0),
        ((None, 10), 16010),
    ]
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Total params: 34826 (136.04 KB)" in text  # tf.keras 2.15's line
    assert " conv2d (Conv2D) " in text and " max_pooling2d (MaxPooling2D" in text
    assert "conv2d_1 (Conv2D)" in text


def test_book_convnets_in_keras_have_the_books_parameter_counts():
    simple = simple_convnet_keras()
    assert [rows[1] for rows in summary_rows(simple)] == [780, 0, 0, 432100, 1010]
    assert simple.count_params() == 433890  # the book's SimpleConvNet total
    deep = deep_convnet_keras()
    shapes = [rows[0][1:] for rows in summary_rows(deep)]
    assert shapes[:7] == [(28, 28, 16), (28, 28, 16), (14, 14, 16), (14, 14, 32),
                          (18, 18, 32), (16, 16, 32), (8, 8, 32)]  # fmt: skip
    assert shapes[9] == (4, 4, 64) and shapes[10] == (1024,)
    assert deep.count_params() == 123552  # the book's DeepConvNet total


def test_strided_same_bn_gap_model_counts():
    """Keras's formulas (docs/convnets.md): conv kh*kw*C*F + F, BN 4C (2C trainable)."""
    model = Sequential([
        Input(shape=(32, 32, 3)),
        ZeroPadding2D(1),                                 # (34, 34, 3)
        Conv2D(16, 3, strides=2, padding="same"),         # (17, 17, 16)  448
        BatchNormalization(),                             # 64 = 32 + 32
        AveragePooling2D(2, padding="same"),              # (9, 9, 16)
        Conv2D(8, (3, 2)),                                # (7, 8, 8)  3*2*16*8 + 8 = 776
        GlobalAveragePooling2D(),                         # (8,)
        Dense(10),                                        # 90
    ])  # fmt: skip
    assert summary_rows(model) == [
        ((None, 34, 34, 3), 0),
        ((None, 17, 17, 16), 448),
        ((None, 17, 17, 16), 64),
        ((None, 9, 9, 16), 0),
        ((None, 7, 8, 8), 776),
        ((None, 8), 0),
        ((None, 10), 90),
    ]
    trainable = sum(lay.count_params() for lay in model.layers)
    assert (model.count_params(), trainable) == (1378, 1346)  # Keras: total counts BN stats


def _digits(n, seed=0):
    """Tiny learnable 'images': class k lights up row k (plus noise), uint8 like MNIST."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, n)
    x = rng.integers(0, 60, (n, 8, 8)).astype(np.uint8)
    for i, k in enumerate(y):
        x[i, 2 * k : 2 * k + 2, :] = 250
    return x, y


def small_cnn(input_layers, seed=0):
    return Sequential([
        *input_layers,
        Conv2D(8, 3, activation="relu", padding="same"),
        MaxPooling2D(2),
        Flatten(),
        Dense(4, activation="softmax"),
    ], seed=seed)  # fmt: skip


@pytest.mark.parametrize(
    "input_layers, reshape",
    [
        ([Input(shape=(8, 8, 1))], lambda x: x),  # (N, 8, 8) fed to (8, 8, 1): same layout
        ([Input(shape=(8, 8, 1))], lambda x: x[..., None]),
        ([Input(shape=(64,)), Reshape((8, 8, 1))], lambda x: x.reshape(len(x), 64)),
    ],
)
def test_cnn_learns_from_uint8_images_in_every_input_form(input_layers, reshape):
    x, y = _digits(256)
    model = small_cnn(input_layers)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(reshape(x / 255.0), y, epochs=10, batch_size=16, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    x_test, y_test = _digits(64, seed=1)
    _, acc = model.evaluate(reshape(x_test / 255.0), y_test, verbose=0)
    assert acc > 0.9


def test_cnn_progress_bar_callbacks_and_save_load(tmp_path, capsys):
    x, y = _digits(128)
    model = small_cnn([Input(shape=(8, 8, 1))])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    stop = EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    history = model.fit(x / 255.0, y, epochs=3, batch_size=32, validation_split=0.25,
                        callbacks=[stop], verbose=1)  # fmt: skip
    out = capsys.readouterr().out
    assert "3/3 [==============================]" in out and "val_accuracy" in out
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    path = tmp_path / "cnn.keras"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(x / 255.0, verbose=0),
                                  model.predict(x / 255.0, verbose=0))  # fmt: skip
    assert [type(lay).__name__ for lay in loaded.layers] == [
        "Conv2D", "MaxPooling2D", "Flatten", "Dense"]  # fmt: skip
    assert loaded.layers[0].get_config() == model.layers[0].get_config()


@pytest.mark.parametrize(
    "layer",
    [Conv2D(3, (3, 2), strides=(2, 1), padding="same", data_format="channels_first",
            kernel_regularizer="l2", bias_constraint="non_neg"),
     MaxPooling2D((3, 2), strides=1, padding="same"),
     AveragePooling2D(2, data_format="channels_first"),
     GlobalAveragePooling2D(keepdims=True),
     ZeroPadding2D(((1, 0), (2, 3)))],
)  # fmt: skip
def test_conv_layer_configs_round_trip(layer):
    from scratchdl import layers as layers_module

    clone = layers_module.get(layers_module.serialize(layer))
    assert type(clone) is type(layer)
    assert clone.get_config() == layer.get_config()


@pytest.mark.slow
def test_keras_io_convnet_reaches_0985_within_5_epochs():
    """keras-io's setup (docs/convnets.md): batch 128, validation_split 0.1; 5 epochs here."""
    from threadpoolctl import threadpool_limits

    from scratchdl.keras.datasets import mnist
    from scratchdl.keras.utils import set_random_seed, to_categorical

    set_random_seed(0)
    (x, y), (xt, yt) = mnist.load_data()
    x, xt = (x / 255.0)[..., None], (xt / 255.0)[..., None]
    model = keras_io_convnet()
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    with threadpool_limits(1):
        model.fit(x, to_categorical(y, 10), batch_size=128, epochs=5, validation_split=0.1,
                  verbose=0)  # fmt: skip
        _, acc = model.evaluate(xt, to_categorical(yt, 10), verbose=0)
    print(f"keras-io convnet, 5 epochs: test accuracy {acc:.4f}")
    assert acc >= 0.985
