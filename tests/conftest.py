"""Shared fixtures and the suite's selection rules (docs/testing.md).

Selection: ``uv run pytest`` runs the correctness set. Tests marked ``slow`` (long
reproduction runs) or ``system`` (they need PostgreSQL, Chromium, a Debian package or the
network, or spawn heavy multi-process jobs) are deselected, and the summary says how many
and how to run them: ``uv run pytest --all`` runs everything; an explicit ``-m EXPR`` (for
example ``-m system``) replaces the default rule.

CI: with ``SCRATCHDL_REQUIRE_SYSTEM=1`` (set by ``.ci/run``) a test never skips: a missing
service, binary or package fails the test and names what is missing.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

OPT_IN = ("slow", "system")
REQUIRE_SYSTEM = "SCRATCHDL_REQUIRE_SYSTEM"
# fixtures that need a service outside Python: a test using one must be marked `system`
SYSTEM_FIXTURES = {"postgres_url", "chromium_path", "browser_page", "debian_package"}

DESELECTED = pytest.StashKey[dict]()  # marker name -> tests deselected by the default rule


def require_system() -> bool:
    """True when ``SCRATCHDL_REQUIRE_SYSTEM=1``: a missing service fails instead of skipping."""
    value = os.environ.get(REQUIRE_SYSTEM, "")
    if value not in ("", "0", "1"):
        raise pytest.UsageError(f"{REQUIRE_SYSTEM} must be 0 or 1, received {value!r}")
    return value == "1"


def missing_system(what: str, hint: str) -> None:
    """Skip the test because ``what`` is missing (``hint`` says how to get it); under
    ``SCRATCHDL_REQUIRE_SYSTEM=1`` fail it instead, so that CI never hides a test."""
    message = f"{what} ({hint}; `sudo bash .ci/provision` installs what the system tests need)"
    if require_system():
        pytest.fail(f"{REQUIRE_SYSTEM}=1 but {message}", pytrace=False)
    print(f"\nskipped: {message}")
    pytest.skip(message)


def pytest_addoption(parser):
    parser.addoption(
        "--all",
        action="store_true",
        dest="run_all",
        help="also run the tests marked slow (reproductions) and system (services, "
        "browsers, multi-process jobs), which `uv run pytest` deselects",
    )


def pytest_configure(config):
    require_system()  # a bad value is a usage error before anything runs


def pytest_report_header(config):
    if config.getoption("run_all"):
        return "scratchdl: --all: running every test, slow and system ones included"
    if config.getoption("markexpr"):
        return f"scratchdl: -m {config.getoption('markexpr')!r} replaces the default selection"
    return "scratchdl: slow and system tests are deselected; `uv run pytest --all` runs them"


def _check_system_markers(items) -> None:
    unmarked = [
        item.nodeid
        for item in items
        if SYSTEM_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("system") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "these tests use a system fixture but are not marked @pytest.mark.system: "
            + ", ".join(unmarked)
        )


def pytest_collection_modifyitems(config, items):
    _check_system_markers(items)
    if config.getoption("run_all") or config.getoption("markexpr"):
        return
    kept, deselected, counts = [], [], config.stash.setdefault(DESELECTED, {})
    for item in items:
        markers = [name for name in OPT_IN if item.get_closest_marker(name)]
        if markers:
            deselected.append(item)
            for name in markers:
                counts[name] = counts.get(name, 0) + 1
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if counts := config.stash.get(DESELECTED, {}):
        listed = ", ".join(f"{n} {name}" for name, n in counts.items())
        terminalreporter.write_line(
            f"scratchdl: deselected by default ({listed}; a test can be both); "
            "run them with `uv run pytest --all` (docs/testing.md)"
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under SCRATCHDL_REQUIRE_SYSTEM=1 any skip (an importorskip, a skip inside a test)
    becomes a failure naming its reason: the CI run must run every test it selected."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and require_system() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"{REQUIRE_SYSTEM}=1 forbids skipping, but {item.nodeid}: {reason}"


@pytest.fixture
def rng():
    """A seeded Generator: every test that draws random numbers is repeatable."""
    return np.random.default_rng(12345)


@pytest.fixture(autouse=True)
def _fresh_names():
    from scratchdl.layers.base import reset_name_counters

    reset_name_counters()
    yield
