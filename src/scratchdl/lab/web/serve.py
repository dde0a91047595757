"""``scratchdl serve``: draw a digit in the browser and watch the model's live predictions.

A small standard-library web server with three routes:

* ``GET /`` and the other files of ``static/`` -- the drawing page (a 280x280 canvas, a
  Clear button, ten probability bars).  Only the files found in the static directory at
  start-up are served, so no URL can reach a file outside it.
* ``GET /health`` -- ``{"status": "ok"}``.
* ``POST /predict`` -- JSON in, JSON out::

      request:  {"image": "data:image/png;base64,..."}   the canvas as PNG, or
                {"pixels": [784 numbers in 0..1]}        an MNIST-style image (or 28 rows of 28)
      response: {"probabilities": [p0, ..., p9], "prediction": k, "input": [784 numbers]}

  ``input`` is the 28x28 image the model saw, row by row (the page draws it as a preview).
  Bodies are checked in bodies.py; requests in handler.py; Host/Origin in guard.py.

Built to hold a classroom (docs/serve.md):

* a bounded pool of ``workers`` threads answers the connections; the listen backlog is
  ``REQUEST_QUEUE_SIZE`` (256), so a burst of a class's requests waits instead of being reset;
* every connection has a read timeout (``read_timeout`` s): a client that stalls mid-body
  gets 408 and frees its worker;
* at most ``max_predictions`` requests decode images and run the model at once, so the
  memory stays bounded whatever the number of clients (a semaphore; the model itself runs
  one call at a time under a lock, since layers cache activations);
* Host and Origin are checked (guard.py) against DNS rebinding and cross-site posts;
* a client that disconnects is one log line, never a traceback; every request is one
  access-log line (method, path, status, milliseconds).

The server knows nothing about models: it calls ``predict_fn(x) -> probabilities`` with
``x`` of shape (1, 28, 28) float32.  ``serve(model_path)`` builds that function from a
saved model.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
import traceback
import webbrowser
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import HTTPServer
from pathlib import Path
from typing import Any

import numpy as np

from scratchdl.lab.web.bodies import RequestError, probabilities_from
from scratchdl.lab.web.guard import HostPolicy
from scratchdl.lab.web.handler import CONTENT_TYPES, MAX_BODY_BYTES, DigitRequestHandler

__all__ = ["MAX_BODY_BYTES", "DigitServer", "make_server", "model_predict_fn", "serve"]
__all__ += ["command_serve", "REQUEST_QUEUE_SIZE", "bound_allocator"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
REQUEST_QUEUE_SIZE = 256


def static_routes(static_dir: Path) -> dict[str, Path]:
    """Map URL paths to the files directly inside ``static_dir`` (``/`` is ``index.html``)."""
    routes = {
        "/" + p.name: p.resolve()
        for p in sorted(static_dir.iterdir())
        if p.is_file() and p.suffix in CONTENT_TYPES
    }
    if "/index.html" in routes:
        routes["/"] = routes["/index.html"]
    return routes


class DigitServer(HTTPServer):
    """The HTTP server: a bounded thread pool, the model behind a lock and a semaphore."""

    request_queue_size = REQUEST_QUEUE_SIZE
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        predict_fn: Callable[[np.ndarray], Any],
        static_dir: str | os.PathLike = STATIC_DIR,
        quiet: bool = True,
        **limits: Any,
    ) -> None:
        self.predict_fn = predict_fn
        self.routes = static_routes(Path(static_dir))
        self.quiet = quiet
        self.read_timeout = float(limits.get("read_timeout", 10.0))
        self.policy = HostPolicy(address[0], limits.get("allowed_hosts", ()))
        self.predict_lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(limits.get("max_predictions", 4))
        self.pool = ThreadPoolExecutor(limits.get("workers", 32), "scratchdl-serve")
        self.log_lock = threading.Lock()
        if ":" in address[0]:  # an IPv6 address such as ::1
            self.address_family = socket.AF_INET6
        super().__init__(address, DigitRequestHandler)

    @property
    def url(self) -> str:
        """``http://host:port/`` of the bound socket (the real port when 0 was asked)."""
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    # -- connections on the pool -------------------------------------------
    def process_request(self, request: Any, client_address: Any) -> None:
        """Hand the connection to a pool thread (queued when all are busy)."""
        self.pool.submit(self._answer, request, client_address)

    def _answer(self, request, client_address) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line for a client that went away; a traceback only for a real bug."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            self.log(f"{client_address[0]} disconnected ({type(exc).__name__})", always=True)
            return
        self.log(f"{client_address[0]} internal error: {type(exc).__name__}: {exc}", always=True)
        traceback.print_exc()

    def server_close(self) -> None:
        super().server_close()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def log(self, line: str, always: bool = False) -> None:
        """One line on stderr (successful requests are skipped when ``quiet``)."""
        if self.quiet and not always and _is_success(line):
            return
        with self.log_lock:
            print(line, file=sys.stderr, flush=True)

    # -- the model -----------------------------------------------------------
    @contextlib.contextmanager
    def prediction_slot(self) -> Iterator[None]:
        """At most ``max_predictions`` requests decode images and predict at once."""
        with self.slots:
            yield

    def predict(self, x: np.ndarray) -> dict:
        """Run the model on one (1, 28, 28) image; return the JSON answer."""
        try:
            with self.predict_lock:
                raw = self.predict_fn(x)
        except Exception as err:  # the model's failure must not kill the server thread
            traceback.print_exc()
            raise RequestError(500, f"the model failed: {type(err).__name__}: {err}") from None
        p = probabilities_from(raw)
        return {
            "probabilities": [float(v) for v in p],
            "prediction": int(np.argmax(p)),
            "input": [round(float(v), 4) for v in x.reshape(-1)],
        }


def _is_success(line: str) -> bool:
    """An access-log line whose status is 2xx (``... STATUS MS ms``)."""
    parts = line.split()
    return len(parts) >= 3 and parts[-1] == "ms" and parts[-3].startswith("2")


def _check_limits(port, workers, max_predictions, read_timeout):
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port must be an integer in 0..65535, received port={port!r}")
    for name, value in (("workers", workers), ("max_predictions", max_predictions)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, received {name}={value!r}")
    if isinstance(read_timeout, bool) or not isinstance(read_timeout, (int, float)):
        raise ValueError(f"read_timeout must be a number of seconds, received {read_timeout!r}")
    if not 0 < read_timeout < float("inf"):
        raise ValueError(f"read_timeout must be positive, received read_timeout={read_timeout}")


def make_server(
    predict_fn: Callable[[np.ndarray], Any],
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    quiet: bool = True,
    allowed_hosts: Iterable[str] = (),
    workers: int = 32,
    max_predictions: int = 4,
    read_timeout: float = 10.0,
) -> DigitServer:
    """Bind a ``DigitServer`` (not yet serving: call ``serve_forever()``, e.g. in a thread).

    Args:
        predict_fn: ``f(x) -> probabilities`` with x of shape (1, 28, 28) float32 in [0, 1]
            and an answer of 10 numbers (shape (10,) or (1, 10)).
        host: address to bind; the default keeps the page on this machine.
        port: TCP port; 0 picks a free one (read it back from ``server.url``).
        quiet: do not log successful requests (errors and disconnects are always logged).
        allowed_hosts: Host / Origin names accepted besides localhost, IP addresses and
            ``host`` (e.g. the machine's name on the class network); ``"*"`` accepts all.
        workers: threads answering connections (more connections wait in the queue).
        max_predictions: requests decoding an image and predicting at the same time.
        read_timeout: seconds a connection may stay silent before it gets 408 / is closed.
    """
    if not callable(predict_fn):
        raise ValueError(f"predict_fn must be callable, received {predict_fn!r}")
    _check_limits(port, workers, max_predictions, read_timeout)
    limits = dict(
        allowed_hosts=tuple(allowed_hosts),
        workers=workers,
        max_predictions=max_predictions,
        read_timeout=read_timeout,
    )
    try:
        return DigitServer((host, port), predict_fn, quiet=quiet, **limits)
    except OSError as err:
        hint = " (pass port 0 to pick a free one)" if port else ""
        raise ValueError(f"cannot listen on {host}:{port}: {err.strerror or err}{hint}") from err


def model_predict_fn(model: Any) -> Callable[[np.ndarray], Any]:
    """Wrap ``model.predict(x, verbose=0)`` as a ``predict_fn`` for one (1, 28, 28) image.

    The image is reshaped to ``model.input_shape`` (e.g. (None, 784) for a Dense-first model
    or (None, 28, 28) for a Flatten-first one); without that attribute (or when it is None)
    it is passed as (1, 28, 28).  A model whose input is not 784 values is refused here.
    """
    shape = getattr(model, "input_shape", None)
    if shape is not None and int(np.prod(tuple(shape)[1:])) != 784:
        raise ValueError(f"the model takes input of shape {shape}; serve needs 28x28 = 784 inputs")

    def predict_fn(x: np.ndarray) -> np.ndarray:
        if shape is not None:
            x = x.reshape((1, *tuple(shape)[1:]))
        return model.predict(x, verbose=0)

    return predict_fn


def _load_model(model_path):
    """Load a saved model (the Keras face's ``load_model``; imported only when serving)."""
    from scratchdl.keras.models import load_model

    return load_model(model_path)


def bound_allocator() -> None:
    """Make freed image buffers go back to the system (glibc only; elsewhere a no-op).

    glibc gives each thread its own malloc arena and, after the first large free, raises
    its mmap threshold, so buffers freed by one of the 32 worker threads stay in that
    thread's arena: the server's memory grows with the number of threads, not with the
    number of predictions running.  A fixed 1 MiB mmap threshold and 2 arenas keep the
    peak proportional to ``max_predictions`` (docs/serve.md has the measurements).
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-8, 2)  # M_ARENA_MAX
        libc.mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD (fixing it ends the dynamic growth)
    except (OSError, AttributeError):
        pass  # not glibc (musl, ...): nothing to tune


def serve(
    model_path: str | os.PathLike,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    **limits: Any,
) -> None:
    """Load the model at ``model_path`` and serve the drawing page until Ctrl-C.

    ``limits`` are make_server's keyword arguments (allowed_hosts, workers,
    max_predictions, read_timeout).  Every request is logged (one line each).
    """
    path = Path(model_path)
    if not path.is_file():
        raise ValueError(f"model file not found: {str(model_path)!r}")
    from scratchdl.lab.predict import check_finite_weights

    model = _load_model(path)
    check_finite_weights(model, model_path)
    server = make_server(model_predict_fn(model), host, port, quiet=False, **limits)
    bound_allocator()
    print(f"Serving {path.name} on {server.url}  (Ctrl-C to stop)", file=sys.stderr)
    names = sorted(server.policy.names | {"localhost", "IP addresses"})
    print(
        f"Answering Host names: {', '.join(names)} (more with --allow-host NAME)", file=sys.stderr
    )
    if open_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.server_close()


def command_serve(
    model: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    timeout: float = 10,
    **limits: Any,
) -> int:
    """CLI delegate of ``scratchdl serve MODEL [--host H] [--port P] [--open]
    [--allow-host NAME] [--workers N] [--max-predictions N] [--timeout S]``; returns 0."""
    serve(model, host=host, port=port, open_browser=open_browser, read_timeout=timeout, **limits)
    return 0
