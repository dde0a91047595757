"""model.save / load_model / save_weights / load_weights (docs/architecture.md, keras.md A10)."""

import json
import os
import zipfile

import numpy as np
import pytest

from scratchdl.keras.layers import BatchNormalization, Dense, Dropout, Flatten
from scratchdl.keras.models import Sequential, load_model
from scratchdl.keras.optimizers import Adam
from scratchdl.models import saving
from scratchdl.models.saving import ModelFileError, load_npz_safe, save_npz_atomic

EXTENSIONS = [".keras", ".h5", ".hdf5", ".npz", ""]


def _data(rng, n=96):
    x = rng.standard_normal((n, 4, 2)).astype(np.float32)
    return x, (x[:, 0, 0] > 0).astype(np.int64) + (x[:, 1, 1] > 0.5)


def _model(seed=7):
    model = Sequential(
        [
            Flatten(input_shape=(4, 2)),
            Dense(16, activation="relu"),
            BatchNormalization(),
            Dropout(0.3),
            Dense(3, activation="softmax"),
        ],
        seed=seed,
    )
    model.compile(Adam(0.01), "sparse_categorical_crossentropy", ["accuracy"])
    return model


@pytest.fixture
def trained(rng):
    x, y = _data(rng)
    model = _model()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    return model, x, y


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_save_load_gives_identical_predictions(tmp_path, trained, ext):
    model, x, y = trained
    path = tmp_path / f"model{ext}"
    model.save(path)
    assert os.listdir(tmp_path) == [path.name]  # the name as given, no temp file left
    assert zipfile.is_zipfile(path)  # always the native .npz format, never HDF5
    loaded = load_model(path)
    assert [type(a).__name__ for a in loaded.layers] == [type(a).__name__ for a in model.layers]
    assert [a.name for a in loaded.layers] == [a.name for a in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.optimizer.iterations == model.optimizer.iterations == 12
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)


def test_continued_training_is_identical(tmp_path, trained):
    """Weights, Adam's m/v, the step and the RNGs (shuffling, dropout) all come back."""
    model, x, y = trained
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    h1 = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    h2 = loaded.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert h1.history == h2.history
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    state1, state2 = model.optimizer.get_state(), loaded.optimizer.get_state()
    assert state1.keys() == state2.keys()
    for key in state1:
        np.testing.assert_array_equal(state1[key], state2[key])


def test_a_fresh_optimizer_would_train_differently(tmp_path, trained):
    """The check above can fail: without the optimizer state, training diverges."""
    model, x, y = trained
    model.save(tmp_path / "m.keras")
    fresh = load_model(tmp_path / "m.keras", compile=False)
    fresh.compile(Adam(0.01), "sparse_categorical_crossentropy", ["accuracy"])
    fresh.rng.bit_generator.state = model.rng.bit_generator.state
    fresh.layers[3].rng.bit_generator.state = model.layers[3].rng.bit_generator.state
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    fresh.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert not np.array_equal(model.get_weights()[0], fresh.get_weights()[0])


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_save_weights_load_weights(tmp_path, trained, ext):
    model, x, _ = trained
    path = tmp_path / f"w{ext}"
    model.save_weights(path)
    other = _model(seed=99)  # a rebuilt model: new auto-names, weights go by position
    assert [a.name for a in other.layers][1] == "dense_2"
    assert not np.array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))
    other.load_weights(path)
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ModelFileError, match="load_weights"):
        load_model(path)  # a weights file is not a model file


def test_load_weights_into_another_architecture(tmp_path, trained):
    model, _, _ = trained
    model.save_weights(tmp_path / "w.h5")
    other = Sequential([Flatten(input_shape=(4, 2)), Dense(8), Dense(3)])
    with pytest.raises(ModelFileError, match=r"weights for 3 layers .* 2 layers with weights"):
        other.load_weights(tmp_path / "w.h5")
    other = Sequential([Flatten(input_shape=(4, 2)), Dense(8), BatchNormalization(), Dense(3)])
    with pytest.raises(
        ModelFileError, match=r"'w/dense/params/kernel' is float32 of shape \(8, 16\)"
    ):
        other.load_weights(tmp_path / "w.h5")


def test_overwrite_false_refuses(tmp_path, trained):
    model, _, _ = trained
    model.save(tmp_path / "m.h5")
    with pytest.raises(FileExistsError, match="m.h5"):
        model.save(tmp_path / "m.h5", overwrite=False)


def test_a_crash_mid_save_keeps_the_previous_file(tmp_path, trained, monkeypatch):
    model, x, y = trained
    path = tmp_path / "m.keras"
    model.save(path)
    before = model.predict(x, verbose=0)
    model.fit(x, y, epochs=1, verbose=0)
    calls = []
    real = saving._write_member

    def crash(archive, name, array):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("disk full")
        real(archive, name, array)

    monkeypatch.setattr(saving, "_write_member", crash)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["m.keras"]  # temporary file removed
    np.testing.assert_array_equal(load_model(path).predict(x, verbose=0), before)


def _rewrite(path, out, edit_meta=None, edit_arrays=None):
    meta, arrays = load_npz_safe(path)
    if edit_meta:
        edit_meta(meta)
    if edit_arrays:
        edit_arrays(arrays)
    save_npz_atomic(out, meta, arrays)
    return out


def _set(meta, keys, value):
    target = meta
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value


@pytest.mark.parametrize(
    "keys,value,match",
    [
        (("model_config", "layers", 1, "class_name"), "os.system", "unknown layer class"),
        (("model_config", "layers", 2, "config", "units"), -5, "units"),
        (("model_config", "layers"), "rm -rf", "configuration is damaged"),
        (("model_config",), None, "no model configuration"),
        (("compile_config", "loss", "class_name"), "__import__", "unknown loss class"),
        (("compile_config", "optimizer"), {"class_name": "eval"}, "compile configuration"),
        (("rng", "model"), {"bit_generator": "PCG64", "state": 3}, "RNG state"),
        (("kind",), "weights", "not a scratchdl model file"),
    ],
)
def test_hostile_or_damaged_metadata(tmp_path, trained, keys, value, match):
    model, _, _ = trained
    model.save(tmp_path / "m.keras")
    bad = _rewrite(tmp_path / "m.keras", tmp_path / "bad.keras", lambda m: _set(m, keys, value))
    with pytest.raises(ModelFileError, match=match):
        load_model(bad)


def test_damaged_weights(tmp_path, trained):
    model, _, _ = trained
    model.save(tmp_path / "m.keras")

    def shrink(arrays):
        arrays["w/dense/params/kernel"] = arrays["w/dense/params/kernel"][:3]

    bad = _rewrite(tmp_path / "m.keras", tmp_path / "a.keras", edit_arrays=shrink)
    with pytest.raises(ModelFileError, match="dense/params/kernel"):
        load_model(bad)
    bad = _rewrite(
        tmp_path / "m.keras",
        tmp_path / "b.keras",
        edit_arrays=lambda a: a.pop("w/dense_1/params/bias"),
    )
    with pytest.raises(ModelFileError, match="no weight 'w/dense_1/params/bias'"):
        load_model(bad)


def test_foreign_truncated_and_pickled_files(tmp_path, trained):
    model, _, _ = trained
    model.save(tmp_path / "m.keras")
    data = (tmp_path / "m.keras").read_bytes()
    (tmp_path / "cut.h5").write_bytes(data[: len(data) // 2])
    (tmp_path / "keras.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(100))  # a real Keras .h5
    np.savez(tmp_path / "pickled.npz", __meta__=np.array(json.dumps({})), x=np.array([{}]))
    for name in ("cut.h5", "keras.h5", "pickled.npz"):
        with pytest.raises(ModelFileError, match=name):
            load_model(tmp_path / name)
    with pytest.raises(FileNotFoundError, match="nothing.keras"):
        load_model(tmp_path / "nothing.keras")
