"""Fixtures of the search tests: a throwaway PostgreSQL server on 127.0.0.1.

The server runs from a temporary directory on a free port, with trust authentication for the
local ``postgres`` role (nothing else can reach it), and is stopped and deleted at the end.
When the PostgreSQL binaries are absent they are installed with apt-get (Debian's
``postgresql``) if the tests run as root; otherwise the PostgreSQL tests are skipped and the
reason is printed.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def _pg_bindir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _install_postgres() -> str | None:
    """Install Debian's postgresql; return why not, or None on success."""
    if os.geteuid() != 0:
        return "PostgreSQL is not installed and the tests do not run as root (no apt-get)"
    if shutil.which("apt-get") is None:
        return "PostgreSQL is not installed and apt-get is absent"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
        run = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if run.returncode != 0:
            return f"{' '.join(cmd)} failed: {run.stderr[-500:]}"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the ``postgres`` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _skip(reason: str):
    print(f"\nskipping the PostgreSQL search tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url():
    """``postgresql://postgres@127.0.0.1:<port>/postgres`` of a fresh throwaway server."""
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        _skip("psycopg2 is not installed (uv sync --extra postgres)")
    bindir = _pg_bindir()
    if bindir is None:
        reason = _install_postgres()
        if reason:
            _skip(reason)
        bindir = _pg_bindir()
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        _skip("running as root without runuser, cannot start PostgreSQL as 'postgres'")
    root = Path(tempfile.mkdtemp(prefix="scratchdl-pg-"))
    data, log = root / "data", root / "server.log"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    opts = f"-p {port} -h 127.0.0.1 -k {root}"
    start = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts, "-w", "start"]
    subprocess.run(_as_postgres(start), check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        stop = [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
        subprocess.run(_as_postgres(stop), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
