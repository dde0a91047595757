"""Several worker processes share one study: SQLite file, PostgreSQL, a SIGKILLed worker."""

from __future__ import annotations

import os
import signal
import threading
import time

import optuna
import pytest

from scratchdl.lab.search import random_search, storage_url
from tests.search.objectives import Paced

# each test spawns worker processes (one SIGKILLed); one needs a PostgreSQL server
pytestmark = pytest.mark.system

FINISHED = ("COMPLETE", "PRUNED")


def _check_shared(result, n_trials: int, workers: int) -> None:
    finished = [t for t in result.trials if t.state in FINISHED]
    assert len(finished) == n_trials
    numbers = [t.number for t in result.trials]
    assert len(numbers) == len(set(numbers))
    assert len({t.worker for t in finished}) == workers
    params = [tuple(sorted(t.params.items())) for t in finished]
    assert len(params) == len(set(params)), "two workers drew the same parameters"
    others = [t for t in result.trials if t.state not in FINISHED]
    assert all(t.state == "FAIL" for t in others)


def test_two_local_workers_share_one_sqlite_study(tmp_path):
    objective = Paced(seconds=0.03, barrier_dir=str(tmp_path))
    result = random_search(
        objective, n_trials=8, workers=2, seed=1, out_dir=tmp_path, study_name="two-local"
    )
    _check_shared(result, n_trials=8, workers=2)
    assert result.storage == storage_url(tmp_path / "search.db")
    assert {t.worker.split(":")[0] for t in result.trials if t.worker} == {os.uname().nodename}


def test_two_workers_share_one_postgresql_study(postgres_url, tmp_path):
    objective = Paced(seconds=0.03, barrier_dir=str(tmp_path))
    result = random_search(
        objective, n_trials=8, workers=2, seed=2, storage=postgres_url, study_name="two-pg"
    )
    _check_shared(result, n_trials=8, workers=2)
    again = random_search(
        objective, n_trials=10, workers=1, seed=5, storage=postgres_url, study_name="two-pg"
    )
    assert len([t for t in again.trials if t.state in FINISHED]) == 10  # resumed, 2 more


def _running_with_report(url: str, study_name: str, deadline: float):
    """Poll (read only: no table creation racing the search) for a trial mid-way."""
    while time.monotonic() < deadline:
        try:
            storage = optuna.storages.RDBStorage(url, skip_table_creation=True)
            study = optuna.load_study(study_name=study_name, storage=storage)
        except Exception:  # tables or study not created yet
            time.sleep(0.05)
            continue
        for t in study.get_trials(deepcopy=False):
            if t.state.name == "RUNNING" and t.user_attrs.get("val_acc") and "pid" in t.user_attrs:
                return t
        time.sleep(0.05)
    raise TimeoutError("no trial reached RUNNING with a report in time")


def test_sigkilled_worker_leaves_study_usable_and_search_finishes(tmp_path):
    url = storage_url(tmp_path / "search.db")
    objective = Paced(seconds=0.25, epochs=4, barrier_dir=str(tmp_path))
    box = {}

    def search():
        with pytest.warns(UserWarning, match="died"):
            box["result"] = random_search(
                objective,
                n_trials=6,
                workers=2,
                seed=3,
                storage=url,
                study_name="kill",
                heartbeat_interval=1,
                grace_period=2,
            )

    thread = threading.Thread(target=search)
    thread.start()
    victim = _running_with_report(url, "kill", time.monotonic() + 60)
    os.kill(victim.user_attrs["pid"], signal.SIGKILL)  # a worker process this test started
    thread.join(timeout=120)
    assert not thread.is_alive()
    result = box["result"]
    finished = [t for t in result.trials if t.state in FINISHED]
    assert len(finished) == 6
    killed = next(t for t in result.trials if t.number == victim.number)
    assert killed.state == "FAIL"
    study = optuna.load_study(study_name="kill", storage=url)
    retried = [t for t in study.trials if t.system_attrs.get("failed_trial") == victim.number]
    assert len(retried) == 1 and retried[0].params == victim.params
    assert retried[0].state.name in FINISHED
    resumed = random_search(
        objective.__class__(seconds=0.0), n_trials=7, storage=url, study_name="kill", seed=9
    )
    assert len([t for t in resumed.trials if t.state in FINISHED]) == 7
