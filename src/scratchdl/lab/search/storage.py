"""Where a study lives, and the Optuna pieces (sampler, pruner) every worker builds alike.

Storage forms (``storage=`` / ``--storage``):

- ``None``: in memory, one process only.
- ``sqlite:///path/search.db`` or a path ending in ``.db``: one file, several local processes.
- ``postgresql://user:password@host:5432/dbname`` (or any SQLAlchemy URL Optuna's RDBStorage
  accepts, e.g. ``mysql+pymysql://...``): one study shared by many machines.

Every file or database storage is Optuna's ``RDBStorage`` with a heartbeat: a running trial
writes a heartbeat every ``heartbeat_interval`` seconds; a trial silent for ``grace_period``
seconds (a worker killed by SIGKILL, a machine switched off) is marked FAIL by the next worker
that looks, and ``RetryHeartbeatStaleTrialCallback`` queues its parameters again (WAITING) so
the budget is still met. Journal files are not offered: Optuna has no heartbeat for them.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

DEFAULT_STUDY = "scratchdl-search"

__all__ = [
    "SAMPLERS",
    "PRUNERS",
    "make_pruner",
    "make_sampler",
    "make_storage",
    "open_study",
    "storage_url",
]

SAMPLERS = ("random", "tpe")
PRUNERS = ("median", "none")
_URL_SCHEMES = ("sqlite", "postgresql", "postgres", "mysql", "oracle", "mssql")


def storage_url(storage: str | Path | None) -> str | None:
    """Normalise a storage argument to an RDB URL (None stays None: in-memory)."""
    if storage is None:
        return None
    text = str(storage)
    scheme = text.split(":", 1)[0].split("+", 1)[0].lower() if "://" in text else ""
    if scheme in _URL_SCHEMES:
        return "postgresql" + text[len("postgres") :] if scheme == "postgres" else text
    if not scheme and text.endswith(".db"):
        return f"sqlite:///{Path(text).resolve()}"
    raise ValueError(
        f"storage must be an RDB URL or a .db file path, received storage={text!r}; expected "
        "'postgresql://user:pw@host:5432/db', 'sqlite:///path/search.db' or 'path/search.db'"
    )


def _with_driver(url: str) -> str:
    """Name the PostgreSQL driver when the URL does not: SQLAlchemy 2.1 defaults to psycopg 3,
    and the ``postgres`` extra installs psycopg2-binary; use whichever is installed."""
    if not url.startswith("postgresql://"):
        return url
    import importlib.util

    for module, driver in (("psycopg", "psycopg"), ("psycopg2", "psycopg2")):
        if importlib.util.find_spec(module) is not None:
            return f"postgresql+{driver}://" + url[len("postgresql://") :]
    raise ValueError(
        f"storage {url!r} needs a PostgreSQL driver: install psycopg2-binary "
        "(uv sync --extra postgres, or pip install 'scratchdl[postgres]')"
    )


def make_storage(
    url: str | None, heartbeat_interval: int = 10, grace_period: int | None = None
) -> Any:
    """Optuna storage for ``url``: InMemoryStorage for None, else RDBStorage with a heartbeat."""
    import optuna

    if url is None:
        return optuna.storages.InMemoryStorage()
    if not isinstance(heartbeat_interval, int) or heartbeat_interval < 1:
        raise ValueError(
            "heartbeat_interval must be a positive integer (seconds), "
            f"received heartbeat_interval={heartbeat_interval!r}"
        )
    engine_kwargs = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        retry = optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=3)
        return optuna.storages.RDBStorage(
            _with_driver(url),
            engine_kwargs=engine_kwargs,
            heartbeat_interval=heartbeat_interval,
            grace_period=grace_period,
            heartbeat_stale_trial_callback=retry,
        )


def make_sampler(name: str, seed: int | None) -> Any:
    """``random`` (the book's independent log-uniform draws) or ``tpe`` (Bayesian, TPE)."""
    import optuna

    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=10)
    raise ValueError(f"unknown sampler {name!r}; valid names: {', '.join(SAMPLERS)}")


def make_pruner(name: str) -> Any:
    """``median``: stop a trial whose val_acc at epoch k is below the median of earlier trials
    at epoch k (after 5 finished trials, from epoch 5 on); ``none``: never prune."""
    import optuna

    if name == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=5)
    if name == "none":
        return optuna.pruners.NopPruner()
    raise ValueError(f"unknown pruner {name!r}; valid names: {', '.join(PRUNERS)}")


def open_study(
    url: str | None,
    study_name: str,
    sampler: Any,
    pruner: Any,
    heartbeat_interval: int = 10,
    grace_period: int | None = None,
    attempts: int = 5,
) -> Any:
    """Create the study or load it when it exists (``load_if_exists=True``), maximising val_acc.

    Several workers starting at the same moment on a fresh database can collide while Optuna
    creates its tables or the study; such a collision is retried a few times.
    """
    import optuna

    for attempt in range(attempts):
        try:
            storage = make_storage(url, heartbeat_interval, grace_period)
            return optuna.create_study(
                storage=storage,
                study_name=study_name,
                sampler=sampler,
                pruner=pruner,
                direction="maximize",
                load_if_exists=True,
            )
        except ValueError:
            raise
        except Exception as exc:  # sqlalchemy IntegrityError/OperationalError (creation race)
            if attempt == attempts - 1 or _unreachable(exc):
                raise StorageError(
                    f"cannot open the study storage {redact(url)}: {_first_line(exc)}"
                ) from exc
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


class StorageError(RuntimeError):
    """The study storage cannot be reached or used; the message is one line, the URL's
    password hidden."""


def redact(url: str | None) -> str:
    """``postgresql://user:secret@host/db`` -> ``postgresql://user:***@host/db``."""
    from urllib.parse import urlsplit, urlunsplit

    if url is None:
        return "(in memory)"
    parts = urlsplit(str(url))
    if parts.password is None:
        return str(url)
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


_UNREACHABLE = (
    "connection refused",
    "could not connect",
    "could not translate host name",
    "unable to open database file",
    "no such host",
    "timeout expired",
)


def _unreachable(exc: BaseException) -> bool:
    """A storage that cannot be reached or loaded: retrying cannot help (unlike a race)."""
    text = _first_line(exc).lower()
    return isinstance(exc, ImportError) or any(key in text for key in _UNREACHABLE)


def _first_line(exc: BaseException) -> str:
    """The root cause's first line (sqlalchemy adds the SQL and a help link below it)."""
    root = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(root).splitlines() if line.strip()]
    return f"{type(root).__name__}: {lines[0] if lines else 'no details'}"
