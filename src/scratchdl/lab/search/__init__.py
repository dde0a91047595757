"""Hyper-parameter search on Optuna that scales from one process to many machines.

Quick use::

    from scratchdl.lab.search import random_search, BookObjective
    result = random_search(BookObjective(epochs=50), n_trials=100, workers=2, seed=0)
    print("\\n".join(result.table(top=5)))   # Best-1(val acc:0.84) | lr:0.0094, ...

Any training function works: ``train_fn(params, report, rng) -> val_acc`` where ``report(epoch,
val_acc, train_acc)`` is called once per epoch (it feeds MedianPruner and the curves of the
top-20 figure). Storage: None (in memory), a ``.db`` file (local processes) or
``postgresql://...`` (many machines, each running the same search on the same study name).
The engine is Optuna's storage; this package adds the book's space, table and figure, the
shared trial budget and the worker loop. Optuna and matplotlib are imported lazily.
"""

import importlib

# name -> submodule; imported on first use so that ``scratchdl --help`` and
# ``from scratchdl.lab.search.command import add_search_arguments`` stay free of NumPy/Optuna
_LAZY = {
    "BookObjective": "book", "KerasObjective": "book", "book_data": "book",
    "add_search_arguments": "command", "command_search": "command",
    "BudgetFilledError": "objective", "Reporter": "objective", "TrialObjective": "objective",
    "SearchResult": "results", "TrialRecord": "results", "format_params": "results",
    "plot_top_grid": "results", "result_from_study": "results",
    "WorkerSpec": "runner", "random_search": "runner", "run_worker": "runner",
    "BOOK_SPACE": "space", "CategoricalParam": "space", "FloatParam": "space",
    "make_pruner": "storage", "make_sampler": "storage", "open_study": "storage",
    "storage_url": "storage",
}  # fmt: skip


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f"scratchdl.lab.search.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'scratchdl.lab.search' has no attribute {name!r}")


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
