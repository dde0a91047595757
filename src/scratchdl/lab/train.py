"""``scratchdl train`` and ``scratchdl predict``: models from flags or TOML; digits from photos.

``train`` reads its settings from a TOML file (``--config``) and/or flags (flags
win), builds a Keras-face MLP, trains it on MNIST or Fashion-MNIST, writes the
model file and a learning-curve PNG, and prints the test accuracy::

    layers = [100, 100]        activation = "relu"     optimizer = "adam"
    learning_rate = 0.001      epochs = 10             batch_size = 100
    batchnorm = false          dropout = 0.0           dataset = "mnist"
    seed = 0                   out = "model.sdl.npz"
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["TRAIN_DEFAULTS", "train_settings", "command_train", "command_predict", "build_mlp"]

TRAIN_DEFAULTS = {
    "layers": [100, 100],
    "activation": "relu",
    "optimizer": "adam",
    "learning_rate": 0.001,
    "epochs": 10,
    "batch_size": 100,
    "batchnorm": False,
    "dropout": 0.0,
    "dataset": "mnist",
    "seed": 0,
    "out": "model.sdl.npz",
    "quick": False,
}


def _parse_layers(value):
    if isinstance(value, str):
        try:
            return [int(v) for v in value.split(",") if v.strip()]
        except ValueError:
            raise ValueError(
                f"layers must be a comma list of integers, received {value!r}"
            ) from None
    return [int(v) for v in value]


def train_settings(args) -> dict:
    """Defaults, then the TOML file, then the flags that were given."""
    settings = dict(TRAIN_DEFAULTS)
    if getattr(args, "config", None):
        import tomllib

        with open(args.config, "rb") as f:
            loaded = tomllib.load(f)
        unknown = sorted(set(loaded) - set(TRAIN_DEFAULTS))
        if unknown:
            raise ValueError(
                f"unknown keys {unknown} in {args.config}; valid: {sorted(TRAIN_DEFAULTS)}"
            )
        settings.update(loaded)
    for key in TRAIN_DEFAULTS:
        value = getattr(args, key, None)
        if value is not None and value is not False:
            settings[key] = value
    settings["layers"] = _parse_layers(settings["layers"])
    return settings


def build_mlp(settings):
    """Flatten -> [Dense (-> BatchNorm) -> activation (-> Dropout)] * k -> Dense softmax."""
    from scratchdl.keras import layers, optimizers
    from scratchdl.keras.models import Sequential

    model = Sequential([layers.Flatten(input_shape=(28, 28))], seed=settings["seed"])
    for units in settings["layers"]:
        if settings["batchnorm"]:
            model.add(layers.Dense(units))
            model.add(layers.BatchNormalization())
            model.add(layers.Activation(settings["activation"]))
        else:
            model.add(layers.Dense(units, activation=settings["activation"]))
        if settings["dropout"]:
            model.add(layers.Dropout(settings["dropout"]))
    model.add(layers.Dense(10, activation="softmax"))
    opt = optimizers.get(settings["optimizer"])
    opt.learning_rate = float(settings["learning_rate"])
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _load(dataset, quick):
    import importlib

    module = importlib.import_module(f"scratchdl.datasets.{dataset}")
    (x, y), (xt, yt) = module.load_data()
    if quick:
        x, y, xt, yt = x[:5000], y[:5000], xt[:1000], yt[:1000]
    return (x / 255.0, y), (xt / 255.0, yt)


def command_train(args) -> int:
    settings = train_settings(args)
    (x, y), (xt, yt) = _load(settings["dataset"], settings["quick"])
    model = build_mlp(settings)
    model.summary()
    history = model.fit(
        x,
        y,
        epochs=settings["epochs"],
        batch_size=settings["batch_size"],
        validation_split=0.1,
        verbose=2,
    )
    loss, acc = model.evaluate(xt, yt, verbose=0)
    out = Path(settings["out"])
    model.save(out)
    curve = out.with_suffix(".png")
    from scratchdl.lab.plotting import plot_history

    plot_history(history.history, curve, title=f"{settings['dataset']} {settings['layers']}")
    print(
        json.dumps(
            {
                "test_accuracy": round(acc, 4),
                "test_loss": round(loss, 4),
                "model": str(out),
                "curves": str(curve),
            }
        )
    )
    return 0


def command_predict(args) -> int:
    """Top-k classes with probabilities for each image, using ``load_digit``."""
    import numpy as np

    from scratchdl.datasets.images import load_digit
    from scratchdl.models.sequential import load_model

    model = load_model(args.model)
    status = 0
    for path in args.images:
        try:
            x = load_digit(path)[None]
        except (ValueError, OSError) as exc:
            print(f"{path}: {exc}")
            status = 1
            continue
        p = model.predict(x, verbose=0)[0]
        top = np.argsort(p)[::-1][: args.top]
        ranked = ", ".join(f"{k} ({p[k]:.1%})" for k in top)
        print(f"{path}: {ranked}")
    return status
