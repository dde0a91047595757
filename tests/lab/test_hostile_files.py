"""Hostile and damaged files: model files, images for predict, the data cache, search storage.

Each case asserts the exact clear outcome: the error type and message (its true cause),
no allocation beyond what the file can hold (tracemalloc), no hang (FIFOs), and no file of
the user's destroyed.
"""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile

import numpy as np
import pytest

from scratchdl.lab.cli import main
from scratchdl.models import saving
from scratchdl.models.loading import load_model
from scratchdl.models.saving import ModelFileError, load_npz_safe, save_npz_atomic
from tests.lab.conftest import build_tiny_model


def npy_bytes(array) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def write_zip(path, entries: dict, compression=zipfile.ZIP_STORED) -> None:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def meta_entry(meta: dict) -> bytes:
    text = json.dumps({"format": "scratchdl", "format_version": 1, "meta": meta})
    return npy_bytes(np.array(text))


def peak_bytes(fn) -> int:
    """Peak bytes traced while ``fn()`` runs (it is expected to raise ModelFileError)."""
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError):
            fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- model files -----------------------------------------------------------------------


def test_huge_units_in_a_small_file_refused_before_allocating(tmp_path, model_file):
    config = load_npz_safe(model_file)[0]
    config["model_config"]["layers"][2]["config"]["units"] = 200_000
    meta, arrays = load_npz_safe(model_file)
    path = tmp_path / "huge.npz"
    save_npz_atomic(path, {**meta, "model_config": config["model_config"]}, arrays)
    peak = peak_bytes(lambda: load_model(path))
    assert peak < 20 * 2**20  # the 627 MB kernel was never allocated
    with pytest.raises(ModelFileError, match=r"declares 6280\d+ bytes of weights, but the file"):
        load_model(path)


def test_huge_conv_filters_and_graph_configs_are_counted_too(tmp_path, rng):
    import scratchdl.keras as keras

    inp = keras.Input(shape=(8, 8, 1))
    conv = keras.layers.Conv2D(2, 3)(inp)
    model = keras.Model(inp, keras.layers.Dense(1)(keras.layers.Flatten()(conv)))
    model.compile("sgd", "mse")
    path = tmp_path / "graph.keras"
    model.save(path)
    meta, arrays = load_npz_safe(path)
    conv_entry = next(e for e in meta["model_config"]["layers"] if e["class_name"] == "Conv2D")
    conv_entry["config"]["filters"] = 3_000_000
    huge = tmp_path / "huge_graph.keras"
    save_npz_atomic(huge, meta, arrays)
    peak = peak_bytes(lambda: load_model(huge))
    assert peak < 20 * 2**20  # 3 million filters were never allocated
    with pytest.raises(ModelFileError, match="declares .* bytes of weights, but the file"):
        load_model(huge)


def test_compressed_bomb_entry_refused_before_reading(tmp_path):
    path = tmp_path / "bomb.npz"
    zeros = npy_bytes(np.zeros(16 * 2**20, dtype=np.uint8))  # 16 MiB, deflates ~1000:1
    write_zip(path, {"__meta__.npy": meta_entry({"kind": "model"}), "w.npy": zeros}, 8)
    assert path.stat().st_size < 200_000
    peak = peak_bytes(lambda: load_npz_safe(path))
    assert peak < 4 * 2**20
    with pytest.raises(ModelFileError, match=r"entry 'w.npy' claims 16777344 bytes uncompressed"):
        load_npz_safe(path)


def test_total_above_the_cap_refused(tmp_path, model_file, monkeypatch):
    monkeypatch.setattr(saving, "MAX_MODEL_BYTES", 1000)
    with pytest.raises(ModelFileError, match=r"the limit is 1000 bytes \(1 GiB\), nothing was"):
        load_npz_safe(model_file)


def test_deeply_nested_metadata_is_a_model_file_error(tmp_path):
    path = tmp_path / "deep.npz"
    text = '{"format": "scratchdl", "format_version": 1, "meta": ' + "[" * 50_000 + "]" * 50_000
    write_zip(path, {"__meta__.npy": npy_bytes(np.array(text + "}"))})
    with pytest.raises(
        ModelFileError, match="the metadata JSON nests 50001 levels deep; the limit"
    ):
        load_npz_safe(path)


def test_fifo_model_file_refused_without_hanging(fifo):
    with pytest.raises(ModelFileError, match=r"not a regular file \(a FIFO, socket or device\)"):
        load_model(fifo)


def test_directory_model_file(tmp_path):
    with pytest.raises(ModelFileError, match="is a directory, expected a scratchdl model file"):
        load_model(tmp_path)


def test_permission_denied_is_not_called_damaged(model_file, monkeypatch):
    monkeypatch.setattr(saving.os, "access", lambda path, mode: False)
    with pytest.raises(ModelFileError) as info:
        load_model(model_file)
    assert str(info.value) == f"{model_file}: permission denied (the file is not readable)"


@pytest.mark.parametrize("keep", [0, 10, 200])
def test_truncated_model_file(model_file, keep):
    model_file.write_bytes(model_file.read_bytes()[:keep])
    with pytest.raises(ModelFileError, match="not a zip/npz archive; damaged, truncated"):
        load_model(model_file)


def test_pickled_object_array_is_refused(tmp_path):
    path = tmp_path / "pickle.npz"
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    write_zip(path, {"__meta__.npy": meta_entry({"kind": "model"}), "evil.npy": buffer.getvalue()})
    with pytest.raises(ModelFileError, match="pickled object array; scratchdl never unpickles"):
        load_npz_safe(path)


def test_header_promising_more_than_the_entry_holds(tmp_path):
    path = tmp_path / "liar.npz"
    big = np.lib.format.header_data_from_array_1_0(np.zeros(3, np.float32))
    big["shape"] = (10**8,)
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, big)
    write_zip(path, {"__meta__.npy": meta_entry({"kind": "model"}), "w.npy": buffer.getvalue()})
    with pytest.raises(ModelFileError, match=r"declares shape \(100000000,\) of float32, more"):
        load_npz_safe(path)


# -- predict -----------------------------------------------------------------------------


def run_predict(argv, capsys):
    code = main(["predict", *[str(a) for a in argv]])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def test_predict_blank_page_with_a_lighting_gradient_says_no_digit(tmp_path, model_file, capsys):
    from PIL import Image

    i, j = np.mgrid[0:300, 0:400]
    page = (235 - 50 * i / 300 - 30 * j / 400).astype(np.uint8)
    path = tmp_path / "page.jpg"
    Image.fromarray(page).save(path)
    code, out, err = run_predict([model_file, path], capsys)
    assert code == 1 and err == []
    assert out[0].startswith(f"{path}: no digit found: no ink found that looks like a digit")


def test_predict_nan_weights_is_an_error(tmp_path, capsys):
    model = build_tiny_model()
    model.layers[1].params["kernel"][0, 0] = np.nan
    path = tmp_path / "nan.npz"
    model.save(path)
    code, out, err = run_predict([path, path], capsys)
    assert code == 1 and out == []
    assert err == [
        f"scratchdl: error: {path}: weight dense/kernel holds NaN or infinite values; "
        "the model cannot give meaningful predictions (retrain it)"
    ]


def test_predict_fifo_image_does_not_hang(model_file, fifo, capsys):
    code, out, _ = run_predict([model_file, fifo], capsys)
    assert code == 1
    assert out == [
        f"{fifo}: not a regular file (a directory, FIFO or device); expected a PNG or JPEG"
    ]


def test_predict_text_file_is_not_an_image(tmp_path, model_file, capsys):
    path = tmp_path / "notes.png"
    path.write_text("not an image")
    code, out, _ = run_predict([model_file, path], capsys)
    assert (code, out) == (1, [f"{path}: not a readable image (PNG or JPEG expected)"])


def test_predict_top_10_lists_ten_classes_summing_to_one(model_file, digit_png, capsys):
    code, out, _ = run_predict([model_file, digit_png, "--top", "10"], capsys)
    assert code == 0
    entries = out[0].split(": ", 1)[1].split(", ")
    assert len(entries) == 10 and len({e.split()[0] for e in entries}) == 10


def test_predict_refuses_a_huge_image_before_decoding(model_file, digit_png, capsys, monkeypatch):
    monkeypatch.setattr("scratchdl.datasets.images.MAX_PIXELS", 1000)
    code, out, _ = run_predict([model_file, digit_png], capsys)
    assert (code, out) == (
        1,
        [
            f"{digit_png}: the image is 200x200 = 40000 pixels; at most 1000 are accepted "
            "(a 48-megapixel photo fits)"
        ],
    )


def test_predict_missing_image_among_good_ones(tmp_path, model_file, digit_png, capsys):
    code, out, _ = run_predict([model_file, tmp_path / "gone.png", digit_png], capsys)
    assert code == 1
    assert out[0] == f"{tmp_path / 'gone.png'}: no such file"
    assert out[1].startswith(f"{digit_png}: ")


# -- the data cache ----------------------------------------------------------------------


def test_users_own_wrong_file_at_the_cache_path_is_kept(tmp_path, monkeypatch, capsys):
    from scratchdl.datasets import mnist
    from scratchdl.datasets.sources import DatasetUnavailableError

    monkeypatch.setenv("SCRATCHDL_HOME", str(tmp_path))
    mine = tmp_path / "mnist.npz"
    np.savez(mine, x_train=np.zeros((2, 28, 28), np.uint8))
    original = mine.read_bytes()
    with pytest.raises(DatasetUnavailableError, match=r"moved to mnist\.npz\.corrupt-"):
        mnist.load_arrays(sources=[])
    (kept,) = tmp_path.glob("mnist.npz.corrupt-*")
    assert kept.read_bytes() == original
    err = capsys.readouterr().err.splitlines()
    assert err == [f"scratchdl: {mine} failed verification; moved it to {kept}"]


def test_unreadable_cache_names_the_path(tmp_path, monkeypatch):
    from scratchdl.datasets import sources

    cache = tmp_path / "mnist.npz"
    cache.write_bytes(b"PK whatever")

    def denied(path, mode="r", *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(sources, "open", denied, raising=False)
    with pytest.raises(
        PermissionError, match=f"permission denied reading the dataset cache {cache}"
    ):
        sources.fetch_arrays(sources_spec(), [], cache)
    assert cache.read_bytes() == b"PK whatever"


def sources_spec():
    from scratchdl.datasets.mnist import SPEC

    return SPEC


def test_cache_path_that_is_a_directory_is_left_alone(tmp_path):
    from scratchdl.datasets.sources import DatasetUnavailableError, fetch_arrays

    cache = tmp_path / "mnist.npz"
    cache.mkdir()
    (cache / "keep.txt").write_text("mine")
    with pytest.raises(DatasetUnavailableError, match="not a regular file \\(left untouched\\)"):
        fetch_arrays(sources_spec(), [], cache)
    assert (cache / "keep.txt").read_text() == "mine"


def test_csv_parse_reports_progress(capsys):
    from scratchdl.datasets.csvfile import parse_label_pixel_csv
    from scratchdl.datasets.fetchers import _row_reporter

    rows = "\n".join(f"{i % 10},1,2,3,4" for i in range(12_000))
    seen = []
    x, y = parse_label_pixel_csv(
        ("h,a,b,c,d\n" + rows).encode(), (2, 2), progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(5000, 12000), (10000, 12000), (12000, 12000)] and x.shape == (12000, 2, 2)
    _row_reporter("Parsing t.csv")(12000, 12000)
    assert capsys.readouterr().err == "Parsing t.csv: 12000 rows done\n"


# -- search storage ----------------------------------------------------------------------


@pytest.mark.slow  # imports Optuna and SQLAlchemy (about 3 s)
def test_unreachable_postgresql_is_one_line_without_the_password(tmp_path, capsys):
    pytest.importorskip("optuna")
    url = "postgresql://student:s3cret@127.0.0.1:1/study"
    code = main(["search", "--quick", "--storage", url, "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.splitlines()
    assert code == 1 and len(err) == 1
    assert err[0].startswith(
        "scratchdl: error: cannot open the study storage "
        "postgresql://student:***@127.0.0.1:1/study: "
    )
    assert "s3cret" not in err[0] and "Traceback" not in err[0]


def test_search_storage_that_is_not_a_database(tmp_path, capsys):
    code = main(["search", "--quick", "--storage", "notes.txt", "--out", str(tmp_path)])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1
    assert err[0].startswith("scratchdl: error: search: ") and "storage='notes.txt'" in err[0]


def test_search_results_that_cannot_be_written_are_rescued(tmp_path, monkeypatch):
    from pathlib import Path

    from scratchdl.lab.search.command import _save

    class Result:
        def save(self, out):
            if out == tmp_path / "gone":
                raise FileNotFoundError(2, "No such file or directory", str(out))
            (Path(out) / "results.md").write_text("table")
            return {"table": Path(out) / "results.md"}

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with pytest.raises(RuntimeError) as info:
        _save(Result(), tmp_path / "gone")
    (rescue,) = tmp_path.glob("scratchdl-search-rescued-*")
    assert (rescue / "results.md").read_text() == "table"
    assert str(info.value) == (
        f"could not write the results to '{tmp_path / 'gone'}' (No such file or directory); "
        f"they were written to '{rescue}' instead"
    )
