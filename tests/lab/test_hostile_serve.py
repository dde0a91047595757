"""Hostile and broken clients of ``scratchdl serve``, over real sockets on 127.0.0.1.

Each case asserts the HTTP status and the JSON error, or the one log line; a stalled client
gets 408 after the (small) read timeout and its worker is freed.
"""

from __future__ import annotations

import json
import socket
import threading

import numpy as np
import pytest

from scratchdl.lab.web import handler as handler_module
from scratchdl.lab.web.serve import REQUEST_QUEUE_SIZE, make_server

PIXELS = json.dumps({"pixels": [0.0] * 400 + [1.0] * 20 + [0.0] * 364}).encode()


def fake_predict(x):
    return np.full((1, 10), 0.1)


@pytest.fixture
def start(capsys):
    """``start(**make_server_kwargs)``: a server on a free port in a thread; stopped after."""
    running = []

    def launch(predict_fn=fake_predict, **kwargs):
        kwargs.setdefault("read_timeout", 0.5)
        server = make_server(predict_fn, "127.0.0.1", 0, **kwargs)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        running.append((server, thread))
        return server

    yield launch
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def raw(server, data: bytes, read=True, shut=True) -> bytes:
    """Send raw bytes, half-close, and read the whole answer."""
    with socket.create_connection(server.server_address[:2], timeout=5) as s:
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        if not read:
            return b""
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def answer(response: bytes):
    """(status, headers dict, decoded JSON body) of a raw HTTP response."""
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def post(server, body=PIXELS, host="127.0.0.1", extra=""):
    port = server.server_address[1]
    request = (
        f"POST /predict HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    ).encode()
    return answer(raw(server, request + body))


def test_backlog_holds_a_class():
    assert REQUEST_QUEUE_SIZE >= 128


def test_foreign_host_is_refused(start):
    server = start()
    status, _, body = post(server, host="evil.example")
    port = server.server_address[1]
    assert status == 403
    assert body == {
        "error": f"Host 'evil.example:{port}' is not served here (DNS-rebinding protection); "
        "start the server with --allow-host evil.example to accept it"
    }


def test_allowed_host_is_answered(start):
    status, _, body = post(start(allowed_hosts=["classroom.local"]), host="classroom.local")
    assert status == 200 and len(body["probabilities"]) == 10


def test_ip_address_host_is_answered(start):
    assert post(start(), host="10.1.2.3")[0] == 200


def test_get_with_foreign_host_is_refused(start):
    server = start()
    port = server.server_address[1]
    status, _, body = answer(
        raw(server, f"GET / HTTP/1.1\r\nHost: rebind.example:{port}\r\n\r\n".encode())
    )
    assert status == 403 and "DNS-rebinding" in body["error"]


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "file://", "ftp://localhost"])
def test_cross_site_origin_cannot_post(start, origin):
    status, _, body = post(start(), extra=f"Origin: {origin}\r\n")
    assert status == 403
    assert body["error"].startswith(
        f"Origin {origin!r} may not post here (cross-site request refused)"
    )


def test_same_machine_origin_can_post(start):
    assert post(start(), extra="Origin: http://localhost:8000\r\n")[0] == 200


@pytest.mark.parametrize(
    ("length", "status", "message"),
    [
        ("abc", 400, "Content-Length must be a number, received 'abc'"),
        ("1e3", 400, "Content-Length must be a number, received '1e3'"),
        ("9" * 40, 400, "Content-Length must be a number, received '" + "9" * 40 + "'"),
        ("\u00b2", 400, "Content-Length must be a number, received '\u00b2'"),
        ("5, 6", 400, "Content-Length must be a number, received '5, 6'"),
        ("99999999", 413, "request body is 99999999 bytes; the limit is 2097152 bytes (2 MB)"),
    ],
)
def test_malformed_or_huge_content_length(start, length, status, message):
    server = start()
    request = (
        "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode("latin-1")  # the bytes http.server decodes as latin-1
    got, _, body = answer(raw(server, request))
    assert (got, body) == (status, {"error": message})


def test_deeply_nested_json_is_400(start):
    body = b"[" * 100_000 + b"]" * 100_000
    status, _, got = post(start(), body=body)
    assert (status, got) == (
        400,
        {"error": "the JSON nests 100000 levels deep; at most 8 are accepted"},
    )


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/predict", "POST"),
        ("DELETE", "/", "GET"),
        ("PATCH", "/health", "GET"),
        ("OPTIONS", "/predict", "POST"),
    ],
)
def test_unsupported_methods_get_405_json(start, method, path, allow):
    server = start()
    status, headers, body = answer(
        raw(server, f"{method} {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    )
    assert (status, headers["Allow"]) == (405, allow)
    assert body == {"error": f"method {method} is not allowed on {path!r}; use {allow}"}


def test_unknown_method_gets_405_json(start):
    status, _, body = answer(raw(start(), b"BREW /pot HTTP/1.1\r\nHost: localhost\r\n\r\n"))
    assert status == 405
    assert body == {"error": "method 'BREW' is not allowed; use GET or POST /predict"}


def test_garbage_request_line_gets_json_400(start):
    status, _, body = answer(raw(start(), b"GARBAGE\r\n\r\n"))
    assert status == 400 and body == {"error": "Bad request syntax ('GARBAGE')"}


def test_stalled_body_gets_408_and_frees_the_worker(start):
    server = start(workers=1, read_timeout=0.3)
    port = server.server_address[1]
    request = (
        f"POST /predict HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(PIXELS)}\r\n\r\n"
    ).encode() + PIXELS[: len(PIXELS) // 2]
    status, _, body = answer(raw(server, request, shut=False))
    assert status == 408
    half = len(PIXELS) // 2
    assert body == {
        "error": f"the body stopped after {half} of {len(PIXELS)} bytes (read timeout 0.3 s)"
    }
    assert post(server)[0] == 200  # the only worker is free again


def test_silent_connection_is_closed_after_the_timeout(start):
    server = start(workers=1, read_timeout=0.3)
    with socket.create_connection(server.server_address[:2], timeout=5) as s:
        assert s.recv(100) == b""  # the server gave up on us and closed
    assert post(server)[0] == 200


def test_client_disconnect_is_one_log_line(start, capsys, monkeypatch):
    release = threading.Event()

    def slow_predict(x):
        release.wait(5)
        return np.full((1, 10), 0.1)

    server = start(slow_predict)
    port = server.server_address[1]
    request = (
        f"POST /predict HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(PIXELS)}\r\n\r\n"
    ).encode() + PIXELS
    s = socket.create_connection(server.server_address[:2], timeout=5)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.sendall(request)
    s.close()  # RST: the answer will have nobody to go to
    release.set()
    assert post(server)[0] == 200
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert any(line.startswith("127.0.0.1 disconnected (") for line in err.splitlines())


def test_access_log_is_one_line_per_request(start, capsys):
    server = start(quiet=False)
    post(server)
    post(server, host="evil.example")
    lines = [line for line in capsys.readouterr().err.splitlines() if " ms" in line]
    assert len(lines) == 2
    for line, status in zip(lines, ("200", "403")):
        client, method, path, code, ms, unit = line.split()
        assert (client, method, path, code, unit) == ("127.0.0.1", "POST", "/predict", status, "ms")
        assert float(ms) >= 0


def test_predictions_at_once_are_bounded(start, monkeypatch):
    active, peak, lock = [0], [0], threading.Lock()
    original = handler_module.parse_predict_body

    def counting(body, content_type):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        try:
            threading.Event().wait(0.05)
            return original(body, content_type)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(handler_module, "parse_predict_body", counting)
    server = start(max_predictions=2, workers=8)
    results = []
    threads = [threading.Thread(target=lambda: results.append(post(server)[0])) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 12
    assert peak[0] == 2


def test_ipv6_loopback_is_served():
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        server = make_server(fake_predict, "::1", 0, read_timeout=0.5)
    except ValueError as exc:
        pytest.skip(f"IPv6 loopback unavailable: {exc}")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        assert server.url == f"http://[::1]:{port}/"
        with socket.create_connection(("::1", port), timeout=5) as s:
            s.sendall(f"GET /health HTTP/1.1\r\nHost: [::1]:{port}\r\n\r\n".encode())
            s.shutdown(socket.SHUT_WR)
            data = b""
            while chunk := s.recv(4096):
                data += chunk
        assert answer(data)[0::2] == (200, {"status": "ok"})
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
