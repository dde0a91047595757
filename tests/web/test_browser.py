"""End to end in headless Chromium: draw on the page, the fake model's answer comes back."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

pytestmark = pytest.mark.system  # headless Chromium through playwright


def _draw(page, points):
    """Press at points[0], move through the rest with the mouse, release."""
    page.mouse.move(*points[0])
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*point)
    page.mouse.up()


def _wait_until_idle(page):
    # a function, not an expression: the page's CSP forbids eval of strings
    page.wait_for_function(
        "() => Number(document.body.dataset.answers || 0) >= 1"
        " && document.body.dataset.busy === '0'",
        timeout=10_000,
    )


def _fill_share(bar):
    """The drawn width of a bar's fill as a fraction of its track."""
    return (
        bar.locator(".fill").bounding_box()["width"] / bar.locator(".track").bounding_box()["width"]
    )


def _ink_extent(x):
    """(rows, columns) spanned by pixels above 0.5 in a (1, 28, 28) image."""
    rows, cols = np.nonzero(x[0] > 0.5)
    return rows.max() - rows.min() + 1, cols.max() - cols.min() + 1


def test_drawing_a_stroke_shows_the_models_answer(live_server, fake_model, browser_page, tmp_path):
    page = browser_page
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(live_server.url)
    bars = page.locator("#bars .bar")
    assert bars.count() == 10
    assert page.locator("#prediction").inner_text() == "–"

    box = page.locator("#pad").bounding_box()
    left, top = box["x"], box["y"]
    moves = [(left + 140 + i, top + 40 + 10 * i) for i in range(21)]  # a slanted "1"
    _draw(page, moves)
    _wait_until_idle(page)

    # every request was answered, the last one is what the page shows, throttled below one per move
    assert 1 <= len(fake_model.answers) < len(moves)
    assert page.evaluate("document.body.dataset.answers") == str(len(fake_model.answers))
    last = fake_model.answers[-1][0]
    assert page.locator("#prediction").inner_text() == str(int(np.argmax(last)))
    shown = [float(v.rstrip("%")) for v in bars.locator(".value").all_inner_texts()]
    np.testing.assert_allclose(shown, 100 * last, atol=0.051)
    assert page.locator("#bars .bar.top").get_attribute("data-digit") == str(int(np.argmax(last)))
    page.wait_for_timeout(300)  # let the bars' width transition finish
    drawn = [_fill_share(bars.nth(k)) for k in range(10)]
    np.testing.assert_allclose(drawn, last, atol=0.01)

    # the server preprocessed the canvas MNIST-style: a tall stroke became a tall digit
    x = fake_model.inputs[-1]
    assert x.shape == (1, 28, 28) and x.dtype == np.float32
    height, width = _ink_extent(x)
    assert height >= 18 and width < height / 2

    shot = tmp_path / "serve.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    keep = os.environ.get("SCRATCHDL_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, keep)

    page.click("#clear")
    assert page.locator("#prediction").inner_text() == "–"
    assert set(bars.locator(".value").all_inner_texts()) == {"0.0%"}
    assert errors == []
