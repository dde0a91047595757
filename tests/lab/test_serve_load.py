"""Load on ``scratchdl serve``: a class's burst of concurrent predictions on 127.0.0.1.

* 50 (default suite) and 200 (also default: a few seconds) concurrent ``POST /predict``:
  every one answered 200, none reset;
* a client that sends half a body does not delay the others: all of them are answered
  before it gets its 408 (an ordering, not a timing);
* (slow) peak memory of a server process under 200 concurrent image posts, bounded by
  ``--max-predictions`` (docs/serve.md states the measured numbers).
"""

from __future__ import annotations

import base64
import io
import json
import os
import socket
import subprocess
import sys
import threading

import numpy as np
import pytest

from scratchdl.lab.web.serve import make_server

TIMEOUT_SECONDS = 120
PIXELS = json.dumps({"pixels": [0.0] * 400 + [1.0] * 20 + [0.0] * 364}).encode()


def request_bytes(port: int, body: bytes) -> bytes:
    head = (
        f"POST /predict HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def post_raw(address, body: bytes, results: list, order: list, lock) -> None:
    """One client: send, read the whole answer, record (status or exception name)."""
    try:
        with socket.create_connection(address, timeout=60) as s:
            s.sendall(request_bytes(address[1], body))
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        status = int(b"".join(chunks).split(b" ", 2)[1])
    except OSError as exc:
        status = type(exc).__name__
    with lock:
        results.append(status)
        order.append("fast")


def burst(address, n: int, body: bytes = PIXELS, order=None) -> list:
    results, lock = [], threading.Lock()
    order = order if order is not None else []
    threads = [
        threading.Thread(target=post_raw, args=(address, body, results, order, lock))
        for _ in range(n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def server():
    def predict(x):
        return np.full((1, 10), 0.1)

    srv = make_server(predict, "127.0.0.1", 0, read_timeout=1.0, workers=32, max_predictions=4)
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


@pytest.mark.parametrize("clients", [50, 200])
def test_concurrent_posts_are_all_answered(server, clients):
    results = burst(server.server_address[:2], clients)
    assert results == [200] * clients  # no ConnectionResetError, no refusal


def test_a_half_sent_body_does_not_delay_the_others(server):
    address = server.server_address[:2]
    order, slow_status = [], []
    slow = socket.create_connection(address, timeout=30)
    full = request_bytes(address[1], PIXELS)
    slow.sendall(full[: len(full) - len(PIXELS) // 2])  # headers and half the body

    def wait_for_408():
        data = slow.recv(65536)
        slow_status.append(int(data.split(b" ", 2)[1]))
        order.append("slow")

    waiter = threading.Thread(target=wait_for_408)
    waiter.start()
    results = burst(address, 50, order=order)
    waiter.join(timeout=30)
    slow.close()
    assert results == [200] * 50
    assert slow_status == [408]
    assert order == ["fast"] * 50 + ["slow"]  # every other client was answered first


def image_body(side: int) -> bytes:
    """A photo-like PNG: a noisy light page with a dark stroke (about 100 KB at 1000 px)."""
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(0)
    page = np.clip(220 + rng.normal(0, 3, (side, side)), 0, 255).astype(np.uint8)
    img = Image.fromarray(page)
    ImageDraw.Draw(img).line(
        [(side // 2, side // 6), (side // 2, 5 * side // 6)], fill=20, width=side // 15
    )
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", optimize=True)
    return json.dumps(
        {"image": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()}
    ).encode()


def peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def measure(model_path, max_predictions: int, clients: int, body: bytes):
    """Run ``scratchdl serve MODEL --port 0 --max-predictions N`` in a process, post
    ``clients`` bodies at once; return (statuses, idle peak RSS, loaded peak RSS) in MiB."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    argv = ["serve", str(model_path), "--port", "0", "--max-predictions", str(max_predictions)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "scratchdl.lab.cli", *argv, "--timeout", "30"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        banner = proc.stderr.readline()  # "Serving NAME on http://127.0.0.1:PORT/ ..."
        port = int(banner.split("http://127.0.0.1:", 1)[1].split("/", 1)[0])
        idle = peak_rss_mib(proc.pid)
        results = burst(("127.0.0.1", port), clients, body)
        return results, idle, peak_rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_peak_memory_is_bounded_by_the_prediction_limit(model_file):
    body = image_body(1000)
    results, idle, peak = measure(model_file, 4, 200, body)
    print(
        f"\nserver RSS: idle {idle:.0f} MiB, peak under 200 x {len(body) // 1024} KB images "
        f"with --max-predictions 4: {peak:.0f} MiB"
    )
    assert results == [200] * 200
    results1, idle1, peak1 = measure(model_file, 1, 200, body)
    print(f"with --max-predictions 1: idle {idle1:.0f} MiB, peak {peak1:.0f} MiB")
    assert results1 == [200] * 200
    per_prediction = max(peak1 - idle1, 1.0)
    # four decodes at once cost at most four times what one at a time costs
    assert peak - idle <= 4 * per_prediction
