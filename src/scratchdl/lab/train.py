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

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scratchdl.lab.errors import UsageError, check_output_file

if TYPE_CHECKING:  # annotations only
    from scratchdl.models.sequential import Sequential

__all__ = ["TRAIN_DEFAULTS", "train_settings", "validate_settings", "output_paths"]
__all__ += ["command_train", "command_predict", "build_mlp"]

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


MAX_UNITS, MAX_LAYERS, MAX_EPOCHS = 8192, 32, 100_000
DATASETS = ("mnist", "fashion_mnist")
MAX_TOML_BYTES = 1 << 20


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _parse_layers(value):
    """``"100,100"`` or ``[100, 100]`` -> [100, 100]; every size a positive integer."""
    if isinstance(value, str):
        try:
            value = [int(v) for v in value.split(",") if v.strip()]
        except ValueError:
            raise UsageError(
                f"layers must be a comma list of positive integers, received {value!r}"
            ) from None
    if not isinstance(value, list):
        raise UsageError(f"layers must be a list of positive integers, received {value!r}")
    if len(value) > MAX_LAYERS:
        raise UsageError(f"layers: at most {MAX_LAYERS} hidden layers, received {len(value)}")
    for units in value:
        if not _is_int(units) or not 1 <= units <= MAX_UNITS:
            raise UsageError(
                f"layers: each size must be an integer in 1..{MAX_UNITS}, received {units!r}"
            )
    return list(value)


def _check(ok: bool, key: str, value, expected: str) -> None:
    if not ok:
        raise UsageError(f"{key} must be {expected}, received {key}={value!r}")


def _check_names(settings) -> None:
    from scratchdl.keras import activations, optimizers

    for key, get in (("activation", activations.get), ("optimizer", optimizers.get)):
        value = settings[key]
        _check(isinstance(value, str), key, value, "a name (a string)")
        try:
            get(value)
        except ValueError as exc:
            raise UsageError(f"{key}: {exc}") from None


def validate_settings(settings: dict) -> dict:
    """Check every key's type and range exactly (booleans are booleans, sizes positive
    integers, datasets from the list); raise UsageError naming the first bad value."""
    s = dict(settings)
    s["layers"] = _parse_layers(s["layers"])
    lr = s["learning_rate"]
    _check(_is_number(lr) and 0 < lr < float("inf"), "learning_rate", lr, "a positive number")
    for key, top in (("epochs", MAX_EPOCHS), ("batch_size", 1_000_000)):
        ok = _is_int(s[key]) and 1 <= s[key] <= top
        _check(ok, key, s[key], f"an integer in 1..{top}")
    for key in ("batchnorm", "quick"):
        _check(isinstance(s[key], bool), key, s[key], "true or false")
    d = s["dropout"]
    _check(_is_number(d) and 0 <= d < 1, "dropout", d, "a number in [0, 1)")
    _check(s["dataset"] in DATASETS, "dataset", s["dataset"], f"one of {list(DATASETS)}")
    _check(_is_int(s["seed"]), "seed", s["seed"], "an integer")
    _check(isinstance(s["out"], str) and s["out"] != "", "out", s["out"], "a file name")
    _check_names(s)
    return s


def _read_toml(name) -> dict:
    """The TOML file ``--config``: a regular file of at most 1 MiB; UsageError otherwise."""
    import tomllib

    path = Path(name)
    if not path.exists():
        raise UsageError(f"--config {name!r}: no such file")
    if not path.is_file():
        raise UsageError(f"--config {name!r} is not a regular file")
    if path.stat().st_size > MAX_TOML_BYTES:
        raise UsageError(f"--config {name!r} is larger than {MAX_TOML_BYTES} bytes")
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except PermissionError:
        raise UsageError(f"--config {name!r}: permission denied") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"--config {name!r} is not valid TOML: {exc}") from None


def train_settings(args: argparse.Namespace) -> dict:
    """Defaults, then the TOML file, then the flags that were given; all validated."""
    settings = dict(TRAIN_DEFAULTS)
    if getattr(args, "config", None):
        loaded = _read_toml(args.config)
        unknown = sorted(set(loaded) - set(TRAIN_DEFAULTS))
        if unknown:
            raise UsageError(
                f"unknown keys {unknown} in {args.config}; valid: {sorted(TRAIN_DEFAULTS)}"
            )
        settings.update(loaded)
    for key in TRAIN_DEFAULTS:
        value = getattr(args, key, None)
        if value is not None and value is not False:
            settings[key] = value
    return validate_settings(settings)


def output_paths(out: str | os.PathLike) -> tuple[Path, Path]:
    """The model file and the learning-curve PNG beside it, checked before training.

    The curve is ``<stem>.png``; when the model itself is named ``*.png`` the curve is
    ``<stem>.curves.png``, so the curve never overwrites the model.
    """
    model_path = check_output_file(out, "--out")
    curve = model_path.with_suffix(".png")
    if curve == model_path:
        curve = model_path.with_name(model_path.stem + ".curves.png")
    check_output_file(curve, "the learning-curve file")
    return model_path, curve


def build_mlp(settings: Mapping[str, Any]) -> Sequential:
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


def _save_model(model, out: Path) -> Path:
    """Save to ``out``; when that fails, save to a rescue file and name it in the error."""
    try:
        model.save(out)
        return out
    except OSError as exc:
        import tempfile
        import time

        stamp = time.strftime("%Y%m%d-%H%M%S")
        rescue = Path(tempfile.gettempdir()) / f"scratchdl-rescued-{stamp}-{out.name or 'model'}"
        model.save(rescue)
        raise RuntimeError(
            f"could not write the model to {str(out)!r} ({exc.strerror or exc}); "
            f"the trained model was saved to {str(rescue)!r} instead"
        ) from exc


def _plot(history, curve: Path, settings) -> str | None:
    """Write the learning-curve PNG; a failure is reported, the model is already saved."""
    from scratchdl.lab.plotting import plot_history

    try:
        plot_history(history.history, curve, title=f"{settings['dataset']} {settings['layers']}")
        return str(curve)
    except Exception as exc:  # the model is safe; say why the figure is missing
        print(
            f"scratchdl: error: the learning-curve figure {str(curve)!r} was not written "
            f"({type(exc).__name__}: {exc}); the model file is complete",
            file=sys.stderr,
        )
        return None


def command_train(args: argparse.Namespace) -> int:
    """Validate every setting and the output paths, then train, save, plot and report."""
    settings = train_settings(args)
    out, curve = output_paths(settings["out"])
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
    _save_model(model, out)
    curves = _plot(history, curve, settings)
    record = {"test_accuracy": round(acc, 4), "test_loss": round(loss, 4), "model": str(out)}
    print(json.dumps({**record, "curves": curves}))
    return 0 if curves is not None else 1


def command_predict(args: argparse.Namespace) -> int:
    """``scratchdl predict``: see scratchdl.lab.predict."""
    from scratchdl.lab.predict import command_predict as predict

    return predict(args)
