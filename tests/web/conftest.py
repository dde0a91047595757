"""Fixtures for the web tests: a fake model, a live server on a free port, headless Chromium.

The browser fixtures need the system ``chromium`` and playwright; without them the browser
test skips and says why, or fails under ``SCRATCHDL_REQUIRE_SYSTEM=1`` (docs/testing.md).
"""

from __future__ import annotations

import http.client
import json
import shutil
import threading

import numpy as np
import pytest

from scratchdl.lab.web import make_server
from tests.conftest import missing_system

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class FakeModel:
    """A deterministic stand-in for a model: the answer depends on where the ink is.

    score_k = sum of the pixels whose flat index i has i % 10 == k, softmaxed; every
    call's input and answer are recorded so a test can check the round trip.
    """

    def __init__(self):
        self.inputs: list[np.ndarray] = []
        self.answers: list[np.ndarray] = []

    def __call__(self, x: np.ndarray) -> np.ndarray:
        flat = x.reshape(-1).astype(np.float64)
        scores = np.array([flat[k::10].sum() for k in range(10)])
        p = np.exp(scores - scores.max())
        p = (p / p.sum()).reshape(1, 10)
        self.inputs.append(x.copy())
        self.answers.append(p)
        return p


@pytest.fixture
def fake_model():
    return FakeModel()


@pytest.fixture
def start_server():
    """``start_server(predict_fn)``: a DigitServer on 127.0.0.1, a free port, in a thread."""
    running = []

    def start(predict_fn):
        server = make_server(predict_fn, "127.0.0.1", 0)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        running.append((server, thread))
        return server

    yield start
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def live_server(start_server, fake_model):
    """A server around ``fake_model``."""
    return start_server(fake_model)


def request(server, method, path, body=b"", headers=None):
    """Send one raw request (the path is not normalised); return (status, headers, body)."""
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        conn.endheaders(body or None)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def post_json(server, payload, content_type="application/json"):
    """POST ``payload`` (an object to encode, or raw bytes) to /predict; return (status, json)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
    status, _, data = request(server, "POST", "/predict", body, headers)
    return status, json.loads(data)


@pytest.fixture(scope="session")
def chromium_path():
    """The system ``chromium`` (never installed here: ``.ci/provision`` does that)."""
    path = shutil.which("chromium")
    if path is None:
        missing_system("no `chromium` on PATH", "Debian package `chromium`")
    return path


@pytest.fixture
def browser_page(chromium_path, tmp_path):
    """A Playwright page in headless system Chromium with a throw-away profile."""
    try:
        from playwright import sync_api
    except ImportError:
        missing_system("playwright is not installed", "`uv sync` installs it with the dev group")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=chromium_path,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 900, "height": 600},
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
