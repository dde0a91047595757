"""Fixtures of the search tests: a throwaway PostgreSQL server on 127.0.0.1.

The server runs from a temporary directory on a free port, with trust authentication for the
local ``postgres`` role (nothing else can reach it), and is stopped and deleted at the end.
The tests never install anything: without the PostgreSQL binaries (Debian's ``postgresql``,
installed by ``.ci/provision``) or psycopg2 the tests that need them skip and say why, or
fail under ``SCRATCHDL_REQUIRE_SYSTEM=1`` (docs/testing.md).
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

from tests.conftest import missing_system


def _pg_bindir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the ``postgres`` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def postgres_url():
    """``postgresql://postgres@127.0.0.1:<port>/postgres`` of a fresh throwaway server."""
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        missing_system("psycopg2 is not installed", "`uv sync` installs it with the dev group")
    bindir = _pg_bindir()
    if bindir is None:
        missing_system("PostgreSQL is not installed (no initdb)", "Debian package `postgresql`")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        missing_system(
            "running as root without runuser, cannot start PostgreSQL as 'postgres'",
            "Debian package `util-linux`",
        )
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
