"""Model files: config + weights + optimizer state + step in one safe ``.npz``.

Layout of the arrays (the JSON ``meta`` is stored by ``saving.save_npz_atomic``)::

    w/<layer name>/params/<key>     trainable weights (kernel, bias, gamma, beta)
    w/<layer name>/state/<key>      non-trainable weights (moving_mean, ...)
    opt/<entry>                     optimizer.get_state() entries ("iterations", "<path>/<slot>")

``meta["kind"]`` is "model", "weights" or "training_state".  Loading never
unpickles and never executes anything from the file (``allow_pickle=False``).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np

from scratchdl import __version__
from scratchdl import losses as losses_module
from scratchdl import optimizers as optimizers_module
from scratchdl.models.multi_output import OutputLosses
from scratchdl.models.saving import (
    MAX_MODEL_BYTES,
    ModelFileError,
    load_npz_safe,
    save_npz_atomic,
)

__all__ = [
    "save_model",
    "load_model",
    "save_weights",
    "load_weights",
    "training_state",
    "restore_training_state",
]


_M = TypeVar("_M")  # the model class load_model is asked to rebuild


def _weight_arrays(model):
    arrays = {}
    for layer in model.flat_layers():
        for kind, key in layer.weight_keys():
            arrays[f"w/{layer.name}/{kind}/{key}"] = np.array(getattr(layer, kind)[key])
    return arrays


def _optimizer_arrays(model):
    if model.optimizer is None or getattr(model.optimizer, "_built_for", None) is None:
        return {}
    return {f"opt/{k}": np.asarray(v) for k, v in model.optimizer.get_state().items()}


def _compile_config(model):
    if not model.compiled:
        return None
    loss, specs = model.loss, model._metric_specs
    if isinstance(loss, OutputLosses):
        losses = [_loss_entry(each) for each in loss.losses]
        extra = {"loss": losses, "loss_weights": loss.weights}
    else:
        extra = {"loss": _loss_entry(loss)}
    if isinstance(specs, dict):
        metrics = {k: [_metric_name(m) for m in _as_list(v)] for k, v in specs.items()}
    else:
        metrics = [_metric_name(m) for m in specs]
    return {"optimizer": optimizers_module.serialize(model.optimizer), **extra, "metrics": metrics}


def _loss_entry(loss):
    return {"class_name": type(loss).__name__, "config": loss.get_config()}


def _metric_name(m):
    return m if isinstance(m, str) else getattr(m, "name", str(m))


def _as_list(value):
    return value if isinstance(value, (list, tuple)) else [value]


def _check_overwrite(path, overwrite):
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} exists and overwrite=False")


def save_model(
    model: Any, path: str | os.PathLike[str], overwrite: bool = True, include_optimizer: bool = True
) -> None:
    """Config, weights, RNG states and (unless ``include_optimizer=False``) the optimizer."""
    model._require_built("save()")
    _check_overwrite(path, overwrite)
    meta = {
        "kind": "model",
        "scratchdl_version": __version__,
        "model_config": model.get_config(),
        "compile_config": _compile_config(model) if include_optimizer else None,
        "rng": _rng_states(model),
    }
    optimizer = _optimizer_arrays(model) if include_optimizer else {}
    save_npz_atomic(path, meta, {**_weight_arrays(model), **optimizer})


def save_weights(model: Any, path: str | os.PathLike[str], overwrite: bool = True) -> None:
    model._require_built("save_weights()")
    _check_overwrite(path, overwrite)
    meta = {"kind": "weights", "scratchdl_version": __version__, "model_config": model.get_config()}
    save_npz_atomic(path, meta, _weight_arrays(model))


def _saved_layers(arrays, path):
    """``[(layer name, {(kind, key): array})]`` in the order the layers were saved."""
    layers = {}
    for name, array in arrays.items():
        if not name.startswith("w/"):
            continue
        parts = name[2:].rsplit("/", 2)
        if len(parts) != 3 or parts[1] not in ("params", "state"):
            raise ModelFileError(f"{path}: unexpected weight entry {name!r}")
        layers.setdefault(parts[0], {})[(parts[1], parts[2])] = array
    return list(layers.items())


def _set_layer_weights(layer, saved_name, entries, path):
    keys = layer.weight_keys()
    for kind, key in keys:
        name = f"w/{saved_name}/{kind}/{key}"
        if (kind, key) not in entries:
            raise ModelFileError(f"{path}: no weight {name!r} for layer {layer.name!r}")
        target, array = getattr(layer, kind)[key], entries[(kind, key)]
        if array.shape != target.shape or array.dtype.kind not in "fiu":
            raise ModelFileError(
                f"{path}: weight {name!r} is {array.dtype} of shape {array.shape}, "
                f"layer {layer.name!r} expects {target.shape} floats"
            )
    if len(entries) != len(keys):
        raise ModelFileError(
            f"{path}: saved layer {saved_name!r} has weights {sorted(entries)}, "
            f"layer {layer.name!r} has {keys}"
        )
    for kind, key in keys:
        getattr(layer, kind)[key][...] = entries[(kind, key)]


def _set_weights_from(model, arrays, path, skip_mismatch=False):
    """Copy saved weights into ``model`` by position, as Keras's ``load_weights`` does.

    The i-th saved layer with weights fills the i-th model layer with weights, so
    a model rebuilt in a new session (auto-named ``dense_2``... instead of
    ``dense``...) loads the file.  Counts, keys and shapes must all match.
    """
    saved = _saved_layers(arrays, path)
    targets = [layer for layer in model.flat_layers() if layer.weight_keys()]
    if len(saved) != len(targets):
        raise ModelFileError(
            f"{path}: the file holds weights for {len(saved)} layers "
            f"{[n for n, _ in saved]}, the model has {len(targets)} layers with weights "
            f"{[layer.name for layer in targets]}"
        )
    for layer, (saved_name, entries) in zip(targets, saved):
        try:
            _set_layer_weights(layer, saved_name, entries, path)
        except ModelFileError as exc:
            if not skip_mismatch:
                raise
            warnings.warn(f"Skipping loading weights for layer {layer.name!r}: {exc}", stacklevel=4)


def load_weights(model: Any, path: str | os.PathLike[str], skip_mismatch: bool = False) -> None:
    """Load weights saved by ``save_weights`` or ``save`` into a model of the same layout.

    ``skip_mismatch=True`` leaves a layer whose saved weights differ in keys or shapes
    as it is, with a warning naming it (Keras 3's behaviour); the number of layers
    with weights must still match.
    """
    meta, arrays = load_npz_safe(path)
    if meta.get("kind") not in ("weights", "model", "training_state"):
        raise ModelFileError(f"{path}: not a scratchdl weights file (kind={meta.get('kind')!r})")
    model._require_built("load_weights()")
    _set_weights_from(model, arrays, path, skip_mismatch=bool(skip_mismatch))


def _compile_from(model, config, path):
    try:
        entries = config["loss"]
        many = isinstance(entries, list)
        losses = [_loss_from(entry) for entry in (entries if many else [entries])]
        model.compile(
            optimizer=dict(config["optimizer"]),
            loss=losses if many else losses[0],
            metrics=config.get("metrics") or None,
            loss_weights=config.get("loss_weights"),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelFileError(f"{path}: the compile configuration is damaged ({exc})") from None


def _loss_from(entry):
    loss_cls = getattr(losses_module, entry["class_name"], None)
    if not (isinstance(loss_cls, type) and issubclass(loss_cls, losses_module.Loss)):
        raise ValueError(f"unknown loss class {entry['class_name']!r}")
    return loss_cls(**entry["config"])


def _layer_renames(model, arrays, path):
    """Saved layer name -> this model's layer name, by position (see _set_weights_from)."""
    targets = [layer for layer in model.flat_layers() if layer.weight_keys()]
    return {name: layer.name for layer, (name, _) in zip(targets, _saved_layers(arrays, path))}


def _renamed(key, renames):
    """``"dense_2/kernel/m"`` -> ``"dense/kernel/m"`` when the layer is now ``dense``."""
    parts = key.rsplit("/", 2)
    if len(parts) == 3 and parts[0] in renames:
        return "/".join([renames[parts[0]], *parts[1:]])
    return key


def _restore_optimizer(model, arrays, path="model file"):
    renames = _layer_renames(model, arrays, path)
    state = {_renamed(k[4:], renames): v for k, v in arrays.items() if k.startswith("opt/")}
    if state and model.optimizer is not None:
        model._ensure_optimizer()
        try:
            model.optimizer.set_state(state)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"{path}: the optimizer state is damaged ({exc})") from None


def _layer_weight_count(layer, shape) -> int:
    """Weights ``layer`` will allocate for inputs of ``shape`` (Dense, Conv2D and
    BatchNormalization are the layers with weights; the others allocate none)."""
    from scratchdl.layers import BatchNormalization, Conv2D, Dense

    if isinstance(layer, Dense):
        return layer.units * (int(shape[-1]) + 1)
    if isinstance(layer, Conv2D):
        channels = int(shape[-1] if layer.data_format == "channels_last" else shape[0])
        kh, kw = layer.kernel_size
        return layer.filters * (kh * kw * channels + 1)
    if isinstance(layer, BatchNormalization):
        return 4 * int(shape[layer.axis])
    return 0


def _declared_weight_count(config, shape=None) -> tuple[int, tuple | None]:
    """(weights, output shape) the configuration declares, found by propagating shapes
    through unbuilt layers (nothing is allocated); nested models are counted inside."""
    from scratchdl import layers as layers_module
    from scratchdl.layers import InputLayer

    total = 0
    for layer_config in config.get("layers", []):
        kind = layer_config.get("class_name") if isinstance(layer_config, dict) else None
        if kind == "Sequential":
            count, shape = _declared_weight_count(layer_config.get("config") or {}, shape)
            total += count
            continue
        if kind in ("Model", "Functional"):
            count, outs = _declared_graph_count(layer_config.get("config") or {})
            total, shape = total + count, outs[0]
            continue
        layer = layers_module.get(layer_config)
        if isinstance(layer, InputLayer):
            shape = tuple(layer.shape)
            continue
        if shape is None:
            shape = layer.input_shape_arg
        if shape is None:
            return total, None
        if any(isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in shape):
            raise ValueError(f"input shape {shape} must hold positive integers")
        total += _layer_weight_count(layer, shape)
        shape = tuple(layer.compute_output_shape(tuple(shape)))
    return total, shape


def _declared_graph_count(config) -> tuple[int, list]:
    """The same for a functional configuration: shapes follow each call's inbound tensors."""
    from scratchdl import layers as layers_module

    shapes, total, pending = {}, 0, []
    for entry in config.get("layers", []):
        if entry.get("class_name") == "InputLayer":
            shapes[(entry["name"], 0)] = tuple(layers_module.get(entry).shape)
        pending += [(entry, k, call) for k, call in enumerate(entry.get("inbound_nodes") or [])]
    while pending:
        ready = [p for p in pending if all((n, i) in shapes for n, i, _ in p[2])]
        if not ready:
            raise ValueError("the model configuration's connections cannot be resolved")
        for entry, k, call in ready:
            pending.remove((entry, k, call))
            name, kind = entry["name"], entry.get("class_name")
            ins = [shapes[(n, i)] for n, i, _ in call]
            if kind == "Sequential":
                count, out = _declared_weight_count(entry.get("config") or {}, ins[0])
            elif kind in ("Model", "Functional"):
                count, outs = _declared_graph_count(entry.get("config") or {})
                out = outs[0]
            else:
                layer = layers_module.get(entry)
                shape = ins if getattr(layer, "multi_input", False) else ins[0]
                count, out = _layer_weight_count(layer, shape), layer.compute_output_shape(shape)
            total += count if k == 0 else 0  # a shared layer holds one set of weights
            shapes[(name, k)] = tuple(out)
    return total, [shapes[(n, i)] for n, i, _ in config.get("output_layers", [])]


def _check_declared_size(config, path):
    """Refuse a configuration whose weights would not fit the file or the cap, before any
    layer is built: a 1 MB file declaring ``units=200000`` must not allocate gigabytes."""
    itemsize = np.dtype(config.get("dtype") or "float32").itemsize
    graph = "input_layers" in config
    count = _declared_graph_count(config)[0] if graph else _declared_weight_count(config)[0]
    declared = count * itemsize
    file_size = os.path.getsize(path)
    if declared > min(file_size, MAX_MODEL_BYTES):
        raise ModelFileError(
            f"{path}: the configuration declares {declared} bytes of weights, but the file "
            f"holds {file_size} bytes (limit {MAX_MODEL_BYTES}); damaged or hostile file, "
            "nothing was allocated"
        )


def _model_from_config(config, path, custom_objects, model_class):
    try:
        _check_declared_size(config, path)
        model = model_class.from_config(config, custom_objects=custom_objects)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelFileError(f"{path}: the model configuration is damaged ({exc})") from None
    if not model.built:
        raise ModelFileError(f"{path}: the saved model has no input shape")
    return model


def load_model(
    path: str | os.PathLike[str],
    model_class: type[_M],
    custom_objects: dict[str, type] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> _M:
    """Rebuild a model saved by ``model.save``: layers, weights, optimizer state, step.

    The RNG states (shuffling, dropout) are restored too, so ``fit`` on the loaded
    model continues exactly as it would have continued on the saved one.  Every
    problem with the file raises ``ModelFileError`` (a ValueError) naming the file;
    nothing in it is executed or unpickled, whatever ``safe_mode`` says (Keras's
    flag allows unsafe deserialisation; scratchdl has none to allow).

    Args:
        custom_objects: ``{class name: layer class}`` for layers defined by the user.
        compile: False skips the optimizer, loss and metrics.
        model_class: the class to rebuild (``scratchdl.models.load_model`` passes the
            engine's Sequential, the Keras face its own).
    """
    if custom_objects is not None and not isinstance(custom_objects, dict):
        raise TypeError(
            "custom_objects must be a dict {name: class}, received "
            f"{type(custom_objects).__name__}"
        )
    meta, arrays = load_npz_safe(path)
    if meta.get("kind") != "model":
        raise ModelFileError(
            f"{path}: not a scratchdl model file (kind={meta.get('kind')!r}); "
            f"weights files are loaded with model.load_weights()"
        )
    if not isinstance(meta.get("model_config"), dict):
        raise ModelFileError(f"{path}: the file has no model configuration")
    model = _model_from_config(meta["model_config"], path, custom_objects, model_class)
    _set_weights_from(model, arrays, path)
    if compile and meta.get("compile_config"):
        _compile_from(model, meta["compile_config"], path)
        _restore_optimizer(model, arrays, path)
    _set_rng_states(model, meta.get("rng") or {}, path)
    return model


def _rng_keys(model):
    """``"model"`` and ``"layer:<i>"`` (position in model.flat_layers()) for every Generator.

    Keyed by position, not name, so a model rebuilt in the same session (``dropout_1``
    instead of ``dropout``) gets its states back, as its weights do.
    """
    keys = {"model": model.rng}
    for i, layer in enumerate(model.flat_layers()):
        if getattr(layer, "rng", None) is not None:
            keys[f"layer:{i}"] = layer.rng
    return keys


def _rng_states(model):
    return {key: rng.bit_generator.state for key, rng in _rng_keys(model).items()}


def training_state(model: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(meta, arrays) with everything needed to resume training bit for bit."""
    meta = {"kind": "training_state", "rng": _rng_states(model)}
    return meta, {**_weight_arrays(model), **_optimizer_arrays(model)}


def _set_rng_states(model, states, path):
    """Restore bit-generator states saved by ``_rng_states`` (plain JSON integers)."""
    if not isinstance(states, dict):
        raise ModelFileError(f"{path}: the RNG states are damaged (not a mapping)")
    for key, rng in _rng_keys(model).items():
        if key in states:
            try:
                rng.bit_generator.state = states[key]
            except (KeyError, TypeError, ValueError) as exc:
                raise ModelFileError(f"{path}: the RNG state {key!r} is damaged ({exc})") from None


def restore_training_state(
    model: Any, meta: dict[str, Any], arrays: Mapping[str, np.ndarray], path: str = "training state"
) -> None:
    _set_weights_from(model, arrays, path)
    _restore_optimizer(model, arrays, path)
    _set_rng_states(model, meta.get("rng", {}), path)
