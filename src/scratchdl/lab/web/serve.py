"""``scratchdl serve``: draw a digit in the browser and watch the model's live predictions.

A small standard-library web server (``http.server.ThreadingHTTPServer``) with three routes:

* ``GET /`` and the other files of ``static/`` -- the drawing page (a 280x280 canvas, a
  Clear button, ten probability bars).  Only the files found in the static directory at
  start-up are served, so no URL can reach a file outside it.
* ``GET /health`` -- ``{"status": "ok"}``.
* ``POST /predict`` -- JSON in, JSON out::

      request:  {"image": "data:image/png;base64,..."}   the canvas as PNG, or
                {"pixels": [784 numbers in 0..1]}        an MNIST-style image (or 28 rows of 28)
      response: {"probabilities": [p0, ..., p9], "prediction": k, "input": [784 numbers]}

  ``input`` is the 28x28 image the model saw, row by row (the page draws it as a preview).
  An image goes through ``scratchdl.datasets.images.load_digit`` (grayscale, inverted when
  the background is light, cropped to the ink, scaled into 20x20, centred by mass), so white
  ink on black and black ink on white both work; ``pixels`` are used as they are.

Errors are JSON ``{"error": "..."}`` naming what was wrong: 400 for a bad body (not JSON,
wrong keys, bad base64, not an image, wrong pixel count or range, an empty drawing), 411
without Content-Length, 413 above ``MAX_BODY_BYTES``, 415 for a non-JSON content type, 404
and 405 for wrong routes, 500 when the model fails.

The server knows nothing about models: it calls ``predict_fn(x) -> probabilities`` with
``x`` of shape (1, 28, 28) float32, one call at a time (a lock: layers cache activations).
``serve(model_path)`` builds that function from a saved model.

Convention: an empty drawing is a 400 (``"the image is empty ..."``), not a prediction; the
page never sends one (it resets the bars on Clear).
"""

from __future__ import annotations

import base64
import io
import json
import sys
import threading
import traceback
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

__all__ = ["MAX_BODY_BYTES", "DigitServer", "make_server", "model_predict_fn", "serve"]
__all__ += ["command_serve"]

MAX_BODY_BYTES = 2 * 1024 * 1024
STATIC_DIR = Path(__file__).resolve().parent / "static"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
}


MAX_IMAGE_PIXELS = 16_000_000
VALID_KEYS = ("image", "pixels")
EMPTY_MESSAGE = "the image is empty (no ink): draw a digit first"


class RequestError(Exception):
    """A request the server refuses: the HTTP status and a message for the client."""

    def __init__(self, status, message: str):
        super().__init__(message)
        self.status = int(status)
        self.message = message


def json_type(value) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def parse_predict_body(body: bytes, content_type: str) -> np.ndarray:
    """Validate a /predict body; return the model input, shape (1, 28, 28) float32."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/json":
        msg = f"Content-Type must be application/json, received {content_type!r}"
        raise RequestError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, msg)
    try:
        request = json.loads(body.decode("utf-8"))
    except ValueError as err:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise RequestError(400, f"the body is not valid JSON: {err}") from None
    if not isinstance(request, dict):
        example = '{"image": "data:image/png;base64,..."} or {"pixels": [...]}'
        raise RequestError(
            400, f"expected a JSON object {example}, received a {json_type(request)}"
        )
    unknown = sorted(set(request) - set(VALID_KEYS))
    if unknown:
        raise RequestError(400, f"unknown key(s) {unknown}; valid keys are {list(VALID_KEYS)}")
    if len(request) != 1:
        raise RequestError(
            400, f"give exactly one of 'image' or 'pixels', received {sorted(request)}"
        )
    if "image" in request:
        digit = digit_from_data_url(request["image"])
    else:
        digit = digit_from_pixels(request["pixels"])
    return np.asarray(digit, dtype=np.float32).reshape(1, 28, 28)


def decode_data_url(image) -> bytes:
    """The bytes inside ``data:image/...;base64,...``; 400 for anything else."""
    if not isinstance(image, str):
        msg = f"'image' must be a string 'data:image/png;base64,...', received a {json_type(image)}"
        raise RequestError(400, msg)
    header, comma, data = image.partition(",")
    if not comma or not header.startswith("data:image/") or not header.endswith(";base64"):
        msg = f"'image' must be a data URL 'data:image/png;base64,...', received {image[:40]!r}"
        raise RequestError(400, msg)
    try:
        return base64.b64decode(data, validate=True)
    except ValueError as err:  # binascii.Error is a ValueError
        raise RequestError(400, f"'image' is not valid base64: {err}") from None


def digit_from_data_url(image) -> np.ndarray:
    """Decode a data-URL image and preprocess it MNIST-style with ``load_digit``."""
    from PIL import Image

    from scratchdl.datasets.images import load_digit

    raw = decode_data_url(image)
    try:
        img = Image.open(io.BytesIO(raw))
        width, height = img.size
        if width * height > MAX_IMAGE_PIXELS:
            msg = f"the image is {width}x{height}; at most {MAX_IMAGE_PIXELS} pixels are accepted"
            raise RequestError(400, msg)
        img.load()
    except (OSError, ValueError, Image.DecompressionBombError) as err:
        raise RequestError(400, f"'image' is not a readable PNG image: {err}") from None
    extrema = img.getextrema()
    bands = extrema if isinstance(extrema[0], tuple) else (extrema,)
    if all(low == high for low, high in bands):
        raise RequestError(400, EMPTY_MESSAGE)
    try:
        return load_digit(img)
    except ValueError as err:
        raise RequestError(400, f"cannot read a digit from the image: {err}") from None


def digit_from_pixels(pixels) -> np.ndarray:
    """Check an MNIST-style image given as 784 numbers in [0, 1] (or 28 rows of 28)."""
    expected = "an array of 784 numbers in 0..1 (or 28 rows of 28)"
    if not isinstance(pixels, list):
        raise RequestError(400, f"'pixels' must be {expected}, received a {json_type(pixels)}")
    flat = pixels
    if len(pixels) == 28 and all(isinstance(row, list) and len(row) == 28 for row in pixels):
        flat = [v for row in pixels for v in row]
    if len(flat) != 784:
        raise RequestError(400, f"'pixels' must be {expected}, received {len(flat)} values")
    for i, v in enumerate(flat):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise RequestError(400, f"'pixels' must hold numbers, received {v!r} at index {i}")
    x = np.array(flat, dtype=np.float64)
    bad = np.flatnonzero(~((x >= 0) & (x <= 1)))  # also catches NaN
    if bad.size:
        i = int(bad[0])
        msg = f"'pixels' must be in 0..1 (ink = 1), received {flat[i]!r} at index {i}"
        raise RequestError(400, msg)
    if not x.any():
        raise RequestError(400, EMPTY_MESSAGE)
    return x


def probabilities_from(raw) -> np.ndarray:
    """The model's answer as 10 finite floats; a 500 when it is anything else."""
    try:
        p = np.asarray(raw, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        p = None
    if p is None or p.size != 10 or not np.all(np.isfinite(p)):
        shape = np.shape(raw) if p is not None else type(raw).__name__
        raise RequestError(500, f"the model returned {shape}; expected 10 finite probabilities")
    return p


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


class DigitServer(ThreadingHTTPServer):
    """The HTTP server: holds ``predict_fn``, the static routes and a lock around the model."""

    daemon_threads = True

    def __init__(self, address, predict_fn, static_dir=STATIC_DIR, quiet=True):
        self.predict_fn = predict_fn
        self.routes = static_routes(Path(static_dir))
        self.quiet = quiet
        self.predict_lock = threading.Lock()
        super().__init__(address, DigitRequestHandler)

    @property
    def url(self) -> str:
        """``http://host:port/`` of the bound socket (the real port when 0 was asked)."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

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


class DigitRequestHandler(BaseHTTPRequestHandler):
    """Routes one request; every answer other than a static file is JSON."""

    server_version = "scratchdl-serve"
    server: DigitServer

    def do_GET(self):  # noqa: N802 (http.server's naming)
        path = urlsplit(self.path).path
        if path == "/health":
            self.send_json(HTTPStatus.OK, {"status": "ok"})
        elif path == "/predict":
            self.send_json(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "use POST /predict"})
        elif path in self.server.routes:
            self.send_file(self.server.routes[path])
        else:
            self.send_json(HTTPStatus.NOT_FOUND, {"error": f"not found: {path!r}"})

    def do_POST(self):  # noqa: N802
        path = urlsplit(self.path).path
        if path != "/predict":
            self.close_connection = True
            self.send_json(HTTPStatus.NOT_FOUND, {"error": f"not found: POST {path!r}"})
            return
        try:
            body = self.read_body()
            x = parse_predict_body(body, self.headers.get("Content-Type", ""))
            answer = self.server.predict(x)
        except RequestError as err:
            self.send_json(err.status, {"error": err.message})
            return
        self.send_json(HTTPStatus.OK, answer)

    def read_body(self) -> bytes:
        """Read exactly Content-Length bytes, refusing bodies above ``MAX_BODY_BYTES``."""
        length = self.headers.get("Content-Length")
        if length is None:
            self.close_connection = True
            raise RequestError(HTTPStatus.LENGTH_REQUIRED, "a Content-Length header is required")
        if not length.strip().isdigit():
            self.close_connection = True
            raise RequestError(400, f"Content-Length must be a number, received {length!r}")
        n = int(length)
        if n > MAX_BODY_BYTES:
            self.close_connection = True  # the body stays unread, so the connection must go
            raise RequestError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"request body is {n} bytes; the limit is {MAX_BODY_BYTES} bytes (2 MB)",
            )
        return self.rfile.read(n)

    def send_json(self, status, payload: dict) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", "POST")
        self.send_common_headers()
        self.wfile.write(data)

    def send_file(self, path: Path) -> None:
        data = path.read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", CONTENT_TYPES[path.suffix])
        self.send_header("Content-Length", str(len(data)))
        self.send_common_headers()
        self.wfile.write(data)

    def send_common_headers(self) -> None:
        for key, value in SECURITY_HEADERS.items():
            self.send_header(key, value)
        self.end_headers()

    def log_request(self, code="-", size="-"):
        """Log errors always, successful requests only when the server is not quiet."""
        status = code.value if isinstance(code, HTTPStatus) else code
        if not self.server.quiet or not str(status).startswith("2"):
            super().log_request(code, size)


def make_server(predict_fn, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True):
    """Bind a ``DigitServer`` (not yet serving: call ``serve_forever()``, e.g. in a thread).

    Args:
        predict_fn: ``f(x) -> probabilities`` with x of shape (1, 28, 28) float32 in [0, 1]
            and an answer of 10 numbers (shape (10,) or (1, 10)).
        host: address to bind; the default keeps the page on this machine.
        port: TCP port; 0 picks a free one (read it back from ``server.url``).
        quiet: do not log successful requests (the page predicts several times a second).
    """
    if not callable(predict_fn):
        raise ValueError(f"predict_fn must be callable, received {predict_fn!r}")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port must be an integer in 0..65535, received port={port!r}")
    try:
        return DigitServer((host, port), predict_fn, quiet=quiet)
    except OSError as err:
        hint = " (pass port 0 to pick a free one)" if port else ""
        raise ValueError(f"cannot listen on {host}:{port}: {err.strerror or err}{hint}") from err


def model_predict_fn(model):
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


def serve(model_path, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False):
    """Load the model at ``model_path`` and serve the drawing page until Ctrl-C."""
    path = Path(model_path)
    if not path.is_file():
        raise ValueError(f"model file not found: {str(model_path)!r}")
    server = make_server(model_predict_fn(_load_model(path)), host, port, quiet=True)
    print(f"Serving {path.name} on {server.url}  (Ctrl-C to stop)", file=sys.stderr)
    if open_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.server_close()


def command_serve(model, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False):
    """CLI delegate of ``scratchdl serve MODEL [--host H] [--port P] [--open]``; returns 0."""
    serve(model, host=host, port=port, open_browser=open_browser)
    return 0
