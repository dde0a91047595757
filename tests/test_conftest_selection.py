"""The suite's selection rules (tests/conftest.py, docs/testing.md), run on a tiny suite.

A throwaway directory gets a copy of tests/conftest.py and one test module; pytest runs on
it in a subprocess, so the real hooks decide what runs, skips and fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CONFTEST = Path(__file__).with_name("conftest.py")

INI = """[pytest]
addopts = -ra --strict-markers -p no:cacheprovider
markers =
    slow: a reproduction
    system: needs a service
"""

MODULE = """
import pytest

from conftest import missing_system


def test_plain():
    pass


@pytest.mark.slow
def test_reproduction():
    pass


@pytest.mark.system
def test_needs_service():
    missing_system("the service Foo is not running", "start Foo")


def test_skips_inside():
    pytest.skip("nothing to do here")
"""


def _suite(tmp_path: Path, module: str = MODULE) -> Path:
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "pytest.ini").write_text(INI)
    (tmp_path / "test_tiny.py").write_text(module)
    return tmp_path


def _pytest(where: Path, *args: str, require: str | None = None):
    env = {k: v for k, v in os.environ.items() if k != "SCRATCHDL_REQUIRE_SYSTEM"}
    if require is not None:
        env["SCRATCHDL_REQUIRE_SYSTEM"] = require
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_default_run_deselects_slow_and_system_and_says_how_to_run_them(tmp_path):
    run = _pytest(_suite(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 1 skipped, 2 deselected" in run.stdout
    assert "slow and system tests are deselected" in run.stdout  # the header
    assert "deselected by default (1 slow, 1 system" in run.stdout  # the summary
    assert "`uv run pytest --all`" in run.stdout


def test_all_runs_everything_and_a_missing_service_skips_saying_what(tmp_path):
    run = _pytest(_suite(tmp_path), "--all")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed, 2 skipped" in run.stdout and "deselected" not in run.stdout
    assert "the service Foo is not running (start Foo" in run.stdout


def test_require_system_turns_every_skip_into_a_failure_naming_it(tmp_path):
    run = _pytest(_suite(tmp_path), "--all", require="1")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "2 failed, 2 passed" in run.stdout and "skipped" not in run.stdout
    assert "SCRATCHDL_REQUIRE_SYSTEM=1 but the service Foo is not running" in run.stdout
    assert "SCRATCHDL_REQUIRE_SYSTEM=1 forbids skipping" in run.stdout
    assert "nothing to do here" in run.stdout


def test_an_explicit_marker_expression_replaces_the_default_rule(tmp_path):
    run = _pytest(_suite(tmp_path), "-m", "slow")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 3 deselected" in run.stdout
    assert "deselected by default" not in run.stdout


def test_require_system_accepts_only_0_or_1(tmp_path):
    run = _pytest(_suite(tmp_path), require="yes")
    assert run.returncode == 4  # usage error: nothing ran
    assert "SCRATCHDL_REQUIRE_SYSTEM must be 0 or 1, received 'yes'" in run.stderr


def test_a_test_using_a_system_fixture_must_be_marked_system(tmp_path):
    module = """
import pytest

@pytest.fixture
def postgres_url():
    return "postgresql://nowhere"

def test_unmarked(postgres_url):
    pass
"""
    run = _pytest(_suite(tmp_path, module), "--co")
    assert run.returncode != 0
    assert "not marked @pytest.mark.system: test_tiny.py::test_unmarked" in run.stdout + run.stderr
