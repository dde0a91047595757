"""One HTTP request of ``scratchdl serve``: checks, routing, JSON answers, the access log.

Order of checks for every request: the Host header (403, DNS-rebinding protection, see
guard.py); the route and method (404, 405); for ``POST /predict`` the Origin header (403),
Content-Length (411 missing, 400 malformed, 413 above MAX_BODY_BYTES -- refused before a
byte of the body is read), the body itself read under the connection's read timeout (408
when the client stalls), then the body's content (bodies.py).  Every error is a JSON body
``{"error": "..."}``; even the errors http.server raises itself (a malformed request line,
an over-long header) are turned into JSON.

Each request is logged as one line: ``client METHOD PATH STATUS MILLISECONDS ms``.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scratchdl.lab.web.bodies import RequestError, parse_predict_body

__all__ = ["DigitRequestHandler", "MAX_BODY_BYTES", "SECURITY_HEADERS", "CONTENT_TYPES"]

MAX_BODY_BYTES = 2 * 1024 * 1024
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
ALLOWED_METHODS = {"/predict": "POST"}


class DigitRequestHandler(BaseHTTPRequestHandler):
    """Routes one request; every answer other than a static file is JSON."""

    server_version = "scratchdl-serve"
    protocol_version = "HTTP/1.0"  # one request per connection: a worker is never parked

    def setup(self) -> None:
        self.timeout = self.server.read_timeout  # StreamRequestHandler applies it to the socket
        self.started = time.perf_counter()
        super().setup()

    def parse_request(self) -> bool:
        self.started = time.perf_counter()
        return super().parse_request()

    # -- routes ----------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if not self.host_allowed():
            return
        path = urlsplit(self.path).path
        if path == "/health":
            self.send_json(HTTPStatus.OK, {"status": "ok"})
        elif path == "/predict":
            self.send_json(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "use POST /predict"})
        elif path in self.server.routes:
            self.send_file(self.server.routes[path])
        else:
            self.send_json(HTTPStatus.NOT_FOUND, {"error": f"not found: {path!r}"})

    def do_POST(self) -> None:  # noqa: N802
        self.close_connection = True
        if not self.host_allowed():
            return
        path = urlsplit(self.path).path
        if path != "/predict":
            self.send_json(HTTPStatus.NOT_FOUND, {"error": f"not found: POST {path!r}"})
            return
        try:
            self.check_origin()
            body = self.read_body()
            with self.server.prediction_slot():
                x = parse_predict_body(body, self.headers.get("Content-Type", ""))
                answer = self.server.predict(x)
        except RequestError as err:
            self.send_json(err.status, {"error": err.message})
            return
        self.send_json(HTTPStatus.OK, answer)

    def refuse_method(self) -> None:
        self.close_connection = True
        path = urlsplit(self.path).path
        allow = ALLOWED_METHODS.get(path, "GET")
        message = f"method {self.command} is not allowed on {path!r}; use {allow}"
        self.send_json(HTTPStatus.METHOD_NOT_ALLOWED, {"error": message}, allow=allow)

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = refuse_method  # noqa: N815
    do_TRACE = do_CONNECT = refuse_method  # noqa: N815

    # -- checks ----------------------------------------------------------------
    def host_allowed(self) -> bool:
        problem = self.server.policy.host_problem(self.headers.get("Host"))
        if problem:
            self.close_connection = True
            self.send_json(HTTPStatus.FORBIDDEN, {"error": problem})
        return problem is None

    def check_origin(self) -> None:
        problem = self.server.policy.origin_problem(self.headers.get("Origin"))
        if problem:
            raise RequestError(HTTPStatus.FORBIDDEN, problem)

    def read_body(self) -> bytes:
        """Exactly Content-Length bytes: 411/400/413 before reading, 408 when it stalls."""
        length = self.headers.get("Content-Length")
        if length is None:
            raise RequestError(HTTPStatus.LENGTH_REQUIRED, "a Content-Length header is required")
        if not re.fullmatch(r"[0-9]{1,18}", length.strip()):  # ASCII digits only, no "²"
            raise RequestError(400, f"Content-Length must be a number, received {length!r}")
        n = int(length)
        if n > MAX_BODY_BYTES:
            raise RequestError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"request body is {n} bytes; the limit is {MAX_BODY_BYTES} bytes (2 MB)",
            )
        body = bytearray()
        try:
            while len(body) < n:
                chunk = self.rfile.read1(n - len(body))
                if not chunk:
                    break  # the client closed its side early
                body += chunk
        except TimeoutError:
            pass
        if len(body) < n:
            msg = (
                f"the body stopped after {len(body)} of {n} bytes "
                f"(read timeout {self.server.read_timeout:g} s)"
            )
            raise RequestError(HTTPStatus.REQUEST_TIMEOUT, msg)
        return bytes(body)

    # -- answers ---------------------------------------------------------------
    def send_json(self, status: int, payload: dict, allow: str | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", allow or "POST")
        if status in (HTTPStatus.REQUEST_TIMEOUT, HTTPStatus.REQUEST_ENTITY_TOO_LARGE):
            self.send_header("Connection", "close")
        self.send_common_headers()
        if self.command != "HEAD":
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

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, header too long, ...) as JSON."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # an unparsable request line: answer with headers
            self.request_version = "HTTP/1.0"
        if code == HTTPStatus.NOT_IMPLEMENTED:  # an unknown method
            code = HTTPStatus.METHOD_NOT_ALLOWED
            message = f"method {self.command!r} is not allowed; use GET or POST /predict"
        text = message or HTTPStatus(code).phrase
        with contextlib.suppress(OSError):  # the client may be gone
            self.send_json(code, {"error": text}, allow="GET, POST")

    # -- the log ---------------------------------------------------------------
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One access-log line per request: client, method, path, status, milliseconds."""
        status = code.value if isinstance(code, HTTPStatus) else code
        ms = (time.perf_counter() - getattr(self, "started", time.perf_counter())) * 1000
        method = getattr(self, "command", None) or "-"
        path = urlsplit(getattr(self, "path", "") or "-").path
        self.server.log(f"{self.client_address[0]} {method} {path} {status} {ms:.1f} ms")

    def log_error(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
        self.server.log(f"{self.client_address[0]} " + (format % args).replace("\n", " "))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        print(format % args, file=sys.stderr)
