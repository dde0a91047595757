"""The HTTP API of ``scratchdl serve``: routes, /predict round trips, every refusal."""

from __future__ import annotations

import base64
import io
import json
import threading
import time

import numpy as np
import pytest

from scratchdl.lab.web import serve as serve_module
from scratchdl.lab.web.serve import MAX_BODY_BYTES, make_server, model_predict_fn
from tests.web.conftest import post_json, request


def png_data_url(img) -> str:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def drawn_seven(ink=255, background=0, mode="L"):
    """A '7' drawn with thick strokes on a 280x280 canvas, like the page's."""
    from PIL import Image, ImageDraw

    img = Image.new(mode, (280, 280), background)
    ImageDraw.Draw(img).line([(80, 70), (200, 70), (120, 230)], fill=ink, width=18)
    return img


def test_health_says_ok(live_server):
    status, headers, body = request(live_server, "GET", "/health")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"status": "ok"}


def test_page_has_canvas_clear_button_and_bar_list(live_server):
    status, headers, body = request(live_server, "GET", "/")
    html = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert 'id="pad" width="280" height="280"' in html
    assert 'id="clear"' in html and 'id="bars"' in html and 'id="prediction"' in html
    assert headers["X-Content-Type-Options"] == "nosniff"
    for path, kind in (("/app.js", "text/javascript"), ("/style.css", "text/css")):
        status, headers, body = request(live_server, "GET", path)
        assert status == 200 and headers["Content-Type"].startswith(kind) and body


def test_png_round_trip_reaches_the_model_as_mnist_style_input(live_server, fake_model):
    status, answer = post_json(live_server, {"image": png_data_url(drawn_seven())})
    assert status == 200, answer
    (x,) = fake_model.inputs
    assert x.shape == (1, 28, 28) and x.dtype == np.float32
    assert x.min() >= 0.0 and x.max() <= 1.0 and x.max() > 0.5
    np.testing.assert_allclose(answer["probabilities"], fake_model.answers[0][0], rtol=1e-12)
    assert answer["prediction"] == int(np.argmax(fake_model.answers[0]))
    np.testing.assert_allclose(answer["input"], x.reshape(-1), atol=1e-4)


def test_black_ink_on_white_gives_the_same_input_as_white_on_black(live_server, fake_model):
    for ink, background in ((255, 0), (0, 255)):
        status, answer = post_json(
            live_server, {"image": png_data_url(drawn_seven(ink, background))}
        )
        assert status == 200, answer
    white_on_black, black_on_white = fake_model.inputs
    np.testing.assert_allclose(black_on_white, white_on_black, atol=1e-5)


def test_rgba_canvas_png_is_accepted(live_server, fake_model):
    img = drawn_seven((255, 255, 255, 255), (0, 0, 0, 255), mode="RGBA")
    status, answer = post_json(live_server, {"image": png_data_url(img)})
    assert status == 200, answer
    assert fake_model.inputs[0].max() > 0.5


def test_pixels_reach_the_model_unchanged(live_server, fake_model):
    pixels = np.random.default_rng(8).uniform(0.0, 1.0, size=784)
    status, answer = post_json(live_server, {"pixels": pixels.tolist()})
    assert status == 200, answer
    np.testing.assert_array_equal(
        fake_model.inputs[0], pixels.reshape(1, 28, 28).astype(np.float32)
    )
    assert answer["prediction"] == int(np.argmax(fake_model.answers[0]))
    assert len(answer["probabilities"]) == 10


def test_pixels_as_28_rows_of_28(live_server, fake_model):
    rows = np.zeros((28, 28))
    rows[4:24, 13:15] = 1.0
    status, _ = post_json(live_server, {"pixels": rows.tolist()})
    assert status == 200
    np.testing.assert_array_equal(fake_model.inputs[0][0], rows.astype(np.float32))


def _pixels(value, index=0):
    values = [0.5] * 784
    values[index] = value
    return values


def _png_bytes_url(raw: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(raw).decode()


BAD_REQUESTS = [
    ("not json", b"{image:", 400, "not valid JSON"),
    ("not utf-8", b"\xff\xfe{}", 400, "not valid JSON"),
    ("array", [1, 2], 400, "expected a JSON object"),
    ("no keys", {}, 400, "exactly one of 'image' or 'pixels'"),
    ("both keys", {"image": "x", "pixels": []}, 400, "exactly one of 'image' or 'pixels'"),
    (
        "unknown key",
        {"img": "x"},
        400,
        "unknown key(s) ['img']; valid keys are ['image', 'pixels']",
    ),
    ("image number", {"image": 7}, 400, "'image' must be a string"),
    ("not data url", {"image": "iVBORw0KGgo="}, 400, "must be a data URL"),
    ("not base64", {"image": "data:image/png;base64,@@@@"}, 400, "not valid base64"),
    ("not png", {"image": _png_bytes_url(b"hello, not an image")}, 400, "not a readable PNG"),
    ("truncated png", lambda: _truncated_png(), 400, "not a readable PNG"),
    ("empty canvas", lambda: _blank_canvas(), 400, "the image is empty"),
    ("huge image", lambda: _huge_image(), 400, "at most 16000000 pixels"),
    ("pixels string", {"pixels": "0,0,0"}, 400, "'pixels' must be an array of 784"),
    ("pixels too few", {"pixels": [0.5] * 783}, 400, "received 783 values"),
    ("pixels ragged", {"pixels": [[0.5] * 28] * 27 + [[0.5] * 29]}, 400, "received 28 values"),
    ("pixels text", {"pixels": _pixels("a", 5)}, 400, "received 'a' at index 5"),
    ("pixels bool", {"pixels": _pixels(True, 6)}, 400, "received True at index 6"),
    (
        "pixels 0..255",
        {"pixels": _pixels(255, 9)},
        400,
        "in 0..1 (ink = 1), received 255 at index 9",
    ),
    ("pixels negative", {"pixels": _pixels(-0.5, 1)}, 400, "received -0.5 at index 1"),
    ("pixels nan", b'{"pixels": [NaN' + b", 0.5" * 783 + b"]}", 400, "received nan at index 0"),
    ("pixels zero", {"pixels": [0] * 784}, 400, "the image is empty"),
]


def _blank_canvas():
    from PIL import Image

    return {"image": png_data_url(Image.new("RGBA", (280, 280), (0, 0, 0, 255)))}


def _huge_image():
    from PIL import Image

    return {"image": png_data_url(Image.new("1", (5000, 4000), 0))}


def _truncated_png():
    raw = base64.b64decode(png_data_url(drawn_seven()).split(",")[1])
    return {"image": _png_bytes_url(raw[: len(raw) // 2])}


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [row[1:] for row in BAD_REQUESTS],
    ids=[row[0] for row in BAD_REQUESTS],
)
def test_bad_bodies_get_400_naming_the_problem(live_server, fake_model, payload, status, message):
    if callable(payload):
        payload = payload()
    got_status, answer = post_json(live_server, payload)
    assert got_status == status
    assert message in answer["error"], answer
    assert fake_model.inputs == []


def test_wrong_content_type_gets_415(live_server):
    status, answer = post_json(live_server, {"pixels": [0.5] * 784}, content_type="text/plain")
    assert status == 415
    assert answer["error"] == "Content-Type must be application/json, received 'text/plain'"


def test_json_content_type_with_charset_is_accepted(live_server):
    ctype = "application/json; charset=utf-8"
    assert post_json(live_server, {"pixels": [0.5] * 784}, content_type=ctype)[0] == 200


def test_body_over_the_limit_gets_413_without_being_read(live_server, fake_model):
    size = MAX_BODY_BYTES + 1
    headers = {"Content-Type": "application/json", "Content-Length": str(size)}
    status, _, body = request(live_server, "POST", "/predict", b"{}", headers)
    assert status == 413
    assert (
        json.loads(body)["error"]
        == f"request body is {size} bytes; the limit is 2097152 bytes (2 MB)"
    )
    assert fake_model.inputs == []


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ({"Content-Type": "application/json"}, 411, "a Content-Length header is required"),
        ({"Content-Length": "-5"}, 400, "Content-Length must be a number, received '-5'"),
    ],
)
def test_missing_or_bad_content_length(live_server, headers, status, message):
    got, _, body = request(live_server, "POST", "/predict", b"", headers)
    assert got == status
    assert json.loads(body)["error"] == message


@pytest.mark.parametrize(
    "path",
    [
        "/../serve.py",
        "/../../../../etc/passwd",
        "/%2e%2e/serve.py",
        "/..%2f..%2fserve.py",
        "/static/../serve.py",
        "/index.html/../../serve.py",
        "//etc/passwd",
        "/serve.py",
        "/__init__.py",
        "/static/index.html",
    ],
)
def test_nothing_outside_the_static_files_is_served(live_server, path):
    status, headers, body = request(live_server, "GET", path)
    assert status == 404
    assert headers["Content-Type"] == "application/json"
    assert b"import" not in body and b"root:" not in body


def test_wrong_methods_and_routes(live_server):
    status, headers, body = request(live_server, "GET", "/predict")
    assert (status, headers["Allow"]) == (405, "POST")
    assert json.loads(body) == {"error": "use POST /predict"}
    body = b"{}"
    headers = {"Content-Type": "application/json", "Content-Length": "2"}
    status, _, data = request(live_server, "POST", "/elsewhere", body, headers)
    assert status == 404 and json.loads(data) == {"error": "not found: POST '/elsewhere'"}


def test_query_string_is_ignored_for_static_files(live_server):
    assert request(live_server, "GET", "/?v=2")[0] == 200


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (np.ones((1, 9)) / 9, "the model returned (1, 9); expected 10 finite probabilities"),
        (np.full(10, np.nan), "the model returned (10,); expected 10 finite probabilities"),
        ("nonsense", "the model returned str; expected 10 finite probabilities"),
    ],
)
def test_model_answer_of_wrong_shape_is_a_500(start_server, answer, message):
    server = start_server(lambda x: answer)
    status, got = post_json(server, {"pixels": [0.5] * 784})
    assert status == 500 and got == {"error": message}


def test_model_exception_is_a_500_and_the_server_keeps_serving(start_server, capsys):
    def broken(x):
        raise RuntimeError("weights missing")

    server = start_server(broken)
    status, got = post_json(server, {"pixels": [0.5] * 784})
    assert status == 500 and got == {"error": "the model failed: RuntimeError: weights missing"}
    assert request(server, "GET", "/health")[0] == 200
    assert "weights missing" in capsys.readouterr().err


def test_model_is_called_by_one_request_at_a_time(start_server):
    active, peak, lock = [0], [0], threading.Lock()

    def slow(x):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return np.full(10, 0.1)

    server = start_server(slow)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(post_json(server, {"pixels": [0.5] * 784})))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r[0] for r in results] == [200] * 4
    assert peak[0] == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"predict_fn": None}, "predict_fn must be callable, received None"),
        ({"port": -1}, "port must be an integer in 0..65535, received port=-1"),
        ({"port": 70000}, "port must be an integer in 0..65535, received port=70000"),
        ({"port": "80"}, "port must be an integer in 0..65535, received port='80'"),
    ],
)
def test_make_server_rejects_bad_arguments(kwargs, message):
    args = {"predict_fn": lambda x: x, **kwargs}
    with pytest.raises(ValueError) as err:
        make_server(**args)
    assert str(err.value) == message


def test_port_in_use_is_a_clear_error(live_server):
    port = live_server.server_address[1]
    with pytest.raises(ValueError, match=rf"cannot listen on 127.0.0.1:{port}: .*pass port 0"):
        make_server(lambda x: x, "127.0.0.1", port)


def test_port_zero_picks_a_free_port_and_url_names_it(live_server):
    port = live_server.server_address[1]
    assert port > 0 and live_server.url == f"http://127.0.0.1:{port}/"


class RecordingModel:
    def __init__(self, input_shape=None):
        if input_shape is not None:
            self.input_shape = input_shape
        self.calls = []

    def predict(self, x, verbose="auto"):
        self.calls.append((x.shape, verbose))
        return np.full((1, 10), 0.1, dtype=np.float32)


@pytest.mark.parametrize(
    ("input_shape", "seen"),
    [((None, 784), (1, 784)), ((None, 28, 28), (1, 28, 28)), (None, (1, 28, 28))],
)
def test_model_predict_fn_reshapes_to_the_models_input(input_shape, seen):
    model = RecordingModel(input_shape)
    out = model_predict_fn(model)(np.zeros((1, 28, 28), np.float32))
    assert model.calls == [(seen, 0)]
    assert out.shape == (1, 10)


def test_model_predict_fn_refuses_a_model_not_made_for_28x28_digits():
    with pytest.raises(ValueError) as err:
        model_predict_fn(RecordingModel((None, 32)))
    assert (
        str(err.value)
        == "the model takes input of shape (None, 32); serve needs 28x28 = 784 inputs"
    )


def test_serve_loads_the_model_prints_the_url_and_stops_on_ctrl_c(tmp_path, monkeypatch, capsys):
    model_file = tmp_path / "digits.sdl.npz"
    model_file.write_bytes(b"stand-in")
    loaded, opened = [], []
    monkeypatch.setattr(serve_module, "_load_model", lambda p: loaded.append(p) or RecordingModel())
    monkeypatch.setattr(serve_module.webbrowser, "open", opened.append)

    def interrupted(self, poll_interval=0.5):
        raise KeyboardInterrupt

    monkeypatch.setattr(serve_module.DigitServer, "serve_forever", interrupted)
    assert serve_module.command_serve(str(model_file), "127.0.0.1", 0, open_browser=True) == 0
    err = capsys.readouterr().err
    assert loaded == [model_file]
    assert len(opened) == 1 and opened[0].startswith("http://127.0.0.1:")
    assert f"Serving digits.sdl.npz on {opened[0]}" in err


def test_serve_refuses_a_missing_model_file(tmp_path):
    missing = tmp_path / "nope.sdl.npz"
    with pytest.raises(ValueError) as err:
        serve_module.serve(missing, port=0)
    assert str(err.value) == f"model file not found: {str(missing)!r}"
