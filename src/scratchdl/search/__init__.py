"""Hyper-parameter search on Optuna that scales from one process to many machines.

Quick use::

    from scratchdl.search import random_search, BookObjective
    result = random_search(BookObjective(epochs=50), n_trials=100, workers=2, seed=0)
    print("\\n".join(result.table(top=5)))   # Best-1(val acc:0.84) | lr:0.0094, ...

Any training function works: ``train_fn(params, report, rng) -> val_acc`` where ``report(epoch,
val_acc, train_acc)`` is called once per epoch (it feeds MedianPruner and the curves of the
top-20 figure). Storage: None (in memory), a ``.db`` file (local processes) or
``postgresql://...`` (many machines, each running the same search on the same study name).
The engine is Optuna's storage; this package adds the book's space, table and figure, the
shared trial budget and the worker loop. Optuna and matplotlib are imported lazily.
"""

from scratchdl.search.book import BookObjective, KerasObjective, book_data
from scratchdl.search.command import add_search_arguments, command_search
from scratchdl.search.objective import BudgetFilledError, Reporter, TrialObjective
from scratchdl.search.results import (
    SearchResult,
    TrialRecord,
    format_params,
    plot_top_grid,
    result_from_study,
)
from scratchdl.search.runner import WorkerSpec, random_search, run_worker
from scratchdl.search.space import BOOK_SPACE, CategoricalParam, FloatParam
from scratchdl.search.storage import make_pruner, make_sampler, open_study, storage_url

__all__ = [
    "BOOK_SPACE",
    "BookObjective",
    "BudgetFilledError",
    "CategoricalParam",
    "FloatParam",
    "KerasObjective",
    "Reporter",
    "SearchResult",
    "TrialObjective",
    "TrialRecord",
    "WorkerSpec",
    "add_search_arguments",
    "book_data",
    "command_search",
    "format_params",
    "make_pruner",
    "make_sampler",
    "open_study",
    "plot_top_grid",
    "random_search",
    "result_from_study",
    "run_worker",
    "storage_url",
]
