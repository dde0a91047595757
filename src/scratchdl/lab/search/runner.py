"""Run a search: one worker loop, and ``random_search`` starting N local worker processes.

A worker is a plain Optuna worker on the shared storage. Its loop::

    repeat:
        fail stale trials (heartbeat)          # a killed worker's trial -> FAIL -> WAITING copy
        done = COMPLETE + PRUNED trials
        if done >= n_trials: stop
        if done + RUNNING >= n_trials: wait    # others run the last trials; they may still die
        else: study.optimize(objective, n_trials=1)   # takes a WAITING trial first

so N workers on one machine, or on many machines, finish exactly ``n_trials`` trials together
(see ``objective._claim_budget`` for the race between two workers asking at once).
"""

from __future__ import annotations

import multiprocessing
import pickle
import tempfile
import time
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scratchdl.lab.search.objective import BudgetFilledError, TrainFn, TrialObjective
from scratchdl.lab.search.results import SearchResult, print_trial_line, result_from_study
from scratchdl.lab.search.space import BOOK_SPACE, check_space
from scratchdl.lab.search.storage import (
    DEFAULT_STUDY,
    PRUNERS,
    SAMPLERS,
    make_pruner,
    make_sampler,
    open_study,
    storage_url,
)

__all__ = ["WorkerSpec", "random_search", "run_worker"]


@dataclass(frozen=True)
class WorkerSpec:
    """Everything one worker process needs (picklable: it crosses the process boundary).

    The sampler of worker k is seeded with ``seed + k`` so local workers never draw the same
    parameters; give each machine its own ``--seed`` (or none) for the same reason.
    """

    train_fn: TrainFn
    n_trials: int
    study_name: str = DEFAULT_STUDY
    storage: str | None = None
    space: dict = field(default_factory=lambda: dict(BOOK_SPACE))
    sampler: str = "random"
    pruner: str = "median"
    seed: int | None = None
    worker_index: int = 0
    heartbeat_interval: int = 10
    grace_period: int | None = None
    verbose: bool = False


def _open(spec: WorkerSpec) -> Any:
    seed = None if spec.seed is None else spec.seed + spec.worker_index
    return open_study(
        spec.storage,
        spec.study_name,
        make_sampler(spec.sampler, seed),
        make_pruner(spec.pruner),
        spec.heartbeat_interval,
        spec.grace_period,
    )


def _counts(study: Any) -> tuple[int, int, int]:
    """(finished = COMPLETE + PRUNED, RUNNING, FAIL) trials of the study right now."""
    from optuna.trial import TrialState

    trials = study.get_trials(deepcopy=False)
    done = sum(t.state in (TrialState.COMPLETE, TrialState.PRUNED) for t in trials)
    running = sum(t.state == TrialState.RUNNING for t in trials)
    failed = sum(t.state == TrialState.FAIL for t in trials)
    return done, running, failed


def _fail_stale(study: Any) -> None:
    import optuna

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        optuna.storages.fail_stale_trials(study)


def run_worker(spec: WorkerSpec, study: Any = None) -> Any:
    """Run trials on the shared study until it holds ``spec.n_trials`` finished ones.

    Returns the ``optuna.Study``. Exceptions of the training function propagate (a bug must
    not be retried forever); more than ``max(10, n_trials)`` failed trials stop the worker.
    """
    import optuna

    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.ERROR)  # the book's lines, not Optuna's
    try:
        study = _open(spec) if study is None else study
        _work(spec, study)
    finally:
        optuna.logging.set_verbosity(verbosity)
    return study


def _work(spec: WorkerSpec, study: Any) -> None:
    objective = TrialObjective(spec.train_fn, spec.space, spec.n_trials, spec.seed)
    callbacks = [print_trial_line] if spec.verbose else []
    heartbeat = spec.storage is not None
    while True:
        if heartbeat:
            _fail_stale(study)
        done, running, failed = _counts(study)
        if done >= spec.n_trials or (not heartbeat and done + running >= spec.n_trials):
            return
        if failed > max(10, spec.n_trials):
            raise RuntimeError(
                f"{failed} trials of study {spec.study_name!r} failed; see its FAIL trials"
            )
        if done + running >= spec.n_trials:  # the last trials run elsewhere; they may die
            time.sleep(min(1.0, spec.heartbeat_interval))
            continue
        study.optimize(objective, n_trials=1, catch=(BudgetFilledError,), callbacks=callbacks)


def _worker_main(spec: WorkerSpec) -> None:
    run_worker(spec)


def _check_search_args(n_trials: Any, workers: Any, sampler: str, pruner: str) -> None:
    for name, value in (("n_trials", n_trials), ("workers", workers)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, received {name}={value!r}")
    if sampler not in SAMPLERS:
        raise ValueError(f"unknown sampler {sampler!r}; valid names: {', '.join(SAMPLERS)}")
    if pruner not in PRUNERS:
        raise ValueError(f"unknown pruner {pruner!r}; valid names: {', '.join(PRUNERS)}")


def _run_processes(spec: WorkerSpec, workers: int) -> tuple[Any, list[tuple[int, int]]]:
    try:
        pickle.dumps(spec)
    except Exception as exc:
        raise ValueError(
            "with workers > 1 the training function must be picklable (a module-level "
            f"function or an instance of a module-level class), received {spec.train_fn!r}"
        ) from exc
    study = _open(spec)  # create tables and study once, before the workers race for them
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_worker_main, args=(replace(spec, worker_index=k),), daemon=False)
        for k in range(workers)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return study, [(p.pid, p.exitcode) for p in procs if p.exitcode != 0]


def random_search(
    train_fn: TrainFn,
    space: dict | None = None,
    n_trials: int = 100,
    *,
    sampler: str = "random",
    seed: int | None = None,
    storage: str | Path | None = None,
    study_name: str | None = None,
    workers: int = 1,
    pruner: str = "median",
    out_dir: str | Path | None = None,
    heartbeat_interval: int = 10,
    grace_period: int | None = None,
    verbose: bool = False,
) -> SearchResult:
    """Search hyper-parameters of ``train_fn`` over ``space`` (default: the book's lr and
    weight decay, log-uniform) until the study holds ``n_trials`` finished trials.

    Args:
        train_fn: ``train_fn(params, report, rng) -> val_acc`` (see ``scratchdl.lab.search``).
        space: ``{name: FloatParam | CategoricalParam}``; None -> ``BOOK_SPACE``.
        n_trials: total budget of the study, shared by all workers and machines.
        sampler: "random" (the book) or "tpe". seed: sampler seed (worker k: seed + k).
        storage: None (in-memory; with workers > 1 ``<out_dir>/search.db``), a ``.db`` path,
            or an RDB URL such as ``postgresql://user:pw@host/db``.
        study_name: name in the storage; an existing study is resumed.
        workers: local worker processes (spawned; ``train_fn`` must be picklable).
        pruner: "median" (MedianPruner on per-epoch val_acc) or "none".
        heartbeat_interval, grace_period: seconds; a trial silent for grace_period (default
            2 * heartbeat_interval) is failed and retried.

    Returns: SearchResult (every trial of the study, ranked by val_acc on request).
    Convention: the book runs 100 trials in one loop with np.random; here every trial is an
    Optuna trial on a storage, so the same call scales to processes and machines.
    """
    _check_search_args(n_trials, workers, sampler, pruner)
    url = storage_url(storage)
    if url is None and workers > 1:
        out = Path(out_dir) if out_dir is not None else Path(tempfile.mkdtemp(prefix="search-"))
        out.mkdir(parents=True, exist_ok=True)
        url = storage_url(out / "search.db")
    spec = WorkerSpec(
        train_fn,
        n_trials,
        study_name or DEFAULT_STUDY,
        url,
        check_space(dict(BOOK_SPACE) if space is None else space),
        sampler,
        pruner,
        seed,
        0,
        heartbeat_interval,
        grace_period,
        verbose,
    )
    if workers == 1:
        return result_from_study(run_worker(spec), url)
    study, bad = _run_processes(spec, workers)
    done, _, _ = _counts(study)
    if done < n_trials:
        raise RuntimeError(
            f"the search stopped after {done} of {n_trials} trials; failed workers "
            f"(pid, exit code): {bad}"
        )
    if bad:
        warnings.warn(f"some worker processes died (pid, exit code): {bad}", stacklevel=2)
    return result_from_study(study, url)
