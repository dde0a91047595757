"""load_digit on synthetic digits drawn with Pillow: centred by mass, inside the 20x20 box."""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from scratchdl.datasets.images import load_digit


def _draw(kind, box, canvas=(240, 180), ink=20, paper=235, width=9, mode="L"):
    """A digit-like shape in ``box`` = (left, top, right, bottom) on a canvas."""
    img = Image.new(mode, canvas, paper if mode == "L" else (paper,) * 3)
    d = ImageDraw.Draw(img)
    fill = ink if mode == "L" else (ink,) * 3
    left, top, right, bottom = box
    if kind == "zero":
        d.ellipse(box, outline=fill, width=width)
    elif kind == "one":
        mid = (left + right) // 2
        d.line([(mid, top), (mid, bottom)], fill=fill, width=width)
    elif kind == "eight":
        mid = (top + bottom) // 2
        d.ellipse((left, top, right, mid), outline=fill, width=width)
        d.ellipse((left, mid, right, bottom), outline=fill, width=width)
    return img


def _centre_of_mass(x):
    r = np.arange(x.shape[0])
    m = x.sum()
    return (x.sum(axis=1) @ r) / m, (x.sum(axis=0) @ r) / m


def _check_mnist_style(x):
    assert x.shape == (28, 28) and x.dtype == np.float32
    assert x.min() >= 0.0 and x.max() <= 1.0 and x.max() == pytest.approx(1.0, abs=0.05)
    cy, cx = _centre_of_mass(x)
    assert abs(cy - 14) <= 1.0 and abs(cx - 14) <= 1.0, (cy, cx)
    rows, cols = np.nonzero(x)
    assert rows.min() >= 4 and rows.max() <= 23 and cols.min() >= 4 and cols.max() <= 23
    assert x[0].sum() == x[-1].sum() == x[:, 0].sum() == x[:, -1].sum() == 0  # black border


CASES = [
    ("zero", (20, 30, 80, 140)),  # off-centre to the left
    ("zero", (150, 100, 170, 130)),  # small, bottom right
    ("one", (100, 10, 140, 170)),  # tall and thin
    ("eight", (60, 20, 160, 170)),  # large
    ("eight", (200, 5, 230, 60)),  # small, top right
]


@pytest.mark.parametrize(("kind", "box"), CASES)
@pytest.mark.parametrize("dark_on_light", [True, False])
def test_synthetic_digits_are_centred_and_scaled(kind, box, dark_on_light):
    ink, paper = (20, 235) if dark_on_light else (240, 10)
    x = load_digit(_draw(kind, box, ink=ink, paper=paper))
    _check_mnist_style(x)
    # the longer side of the ink is scaled to 20 px
    rows, cols = np.nonzero(x > 0.5)
    assert max(rows.max() - rows.min(), cols.max() - cols.min()) + 1 in (19, 20)


def test_dark_on_light_and_light_on_dark_give_the_same_digit():
    a = load_digit(_draw("zero", (30, 40, 110, 150), ink=20, paper=235))
    b = load_digit(_draw("zero", (30, 40, 110, 150), ink=235, paper=20))
    np.testing.assert_allclose(a, b, atol=1e-5)


def test_all_input_kinds_agree(tmp_path):
    img = _draw("eight", (50, 20, 130, 160), mode="RGB")
    reference = load_digit(img)
    img.save(tmp_path / "d.png")
    img.save(tmp_path / "d.jpg", quality=95)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    for src in (tmp_path / "d.png", str(tmp_path / "d.png"), buf, np.asarray(img)):
        np.testing.assert_allclose(load_digit(src), reference, atol=1e-5)
    jpeg = load_digit(tmp_path / "d.jpg")  # lossy, but the same digit
    assert np.abs(jpeg - reference).mean() < 0.02
    _check_mnist_style(jpeg)


def test_float_and_transparent_inputs():
    img = _draw("zero", (40, 40, 120, 150))
    gray = np.asarray(img, dtype=np.float32) / 255
    np.testing.assert_allclose(load_digit(gray), load_digit(img), atol=1e-5)
    rgba = np.zeros((180, 240, 4), np.uint8)  # black ink on a transparent canvas
    rgba[..., 3] = 255 - np.asarray(img)
    _check_mnist_style(load_digit(rgba))


def test_noisy_photo_like_background():
    g = np.random.default_rng(0)
    img = np.asarray(_draw("eight", (60, 20, 150, 160), ink=60, paper=200), dtype=np.float64)
    img = img + np.linspace(-20, 20, img.shape[1]) + g.normal(0, 6, img.shape)
    _check_mnist_style(load_digit(np.clip(img, 0, 255).astype(np.uint8)))


def test_invert_can_be_forced():
    img = _draw("one", (100, 20, 140, 160), ink=20, paper=235)
    with pytest.raises(ValueError, match="no ink"):
        load_digit(img, invert=False)  # treating the white paper as ink leaves nothing


@pytest.mark.parametrize("value", [0, 128, 255])
def test_blank_image_is_a_clear_error(value):
    with pytest.raises(ValueError, match="no ink found"):
        load_digit(np.full((50, 50), value, np.uint8))


def test_unreadable_inputs(tmp_path):
    (tmp_path / "bad.png").write_bytes(b"this is not an image")
    with pytest.raises(ValueError, match="cannot read an image"):
        load_digit(tmp_path / "bad.png")
    with pytest.raises(ValueError, match="cannot read an image"):
        load_digit(tmp_path / "missing.png")
    with pytest.raises(ValueError, match="expected an image array"):
        load_digit(np.zeros((4, 4, 2)))
    with pytest.raises(ValueError, match="received int"):
        load_digit(42)


def test_a_top_heavy_digit_is_centred_by_mass_not_by_box():
    """A '7'-like shape: its mass is high up, so the box moves down (as in MNIST)."""
    img = Image.new("L", (200, 200), 0)
    d = ImageDraw.Draw(img)
    d.rectangle((50, 20, 150, 32), fill=255)  # the bar
    d.line([(145, 32), (100, 180)], fill=255, width=12)  # the stem
    x = load_digit(img)
    cy, cx = _centre_of_mass(x)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    assert np.nonzero(x)[0].max() > 23  # the stem leaves the central box


def test_a_large_photo_is_shrunk_first_and_the_input_is_untouched():
    img = _draw("zero", (600, 400, 1400, 1900), canvas=(2400, 2200), width=60)
    before = img.copy()
    _check_mnist_style(load_digit(img))
    assert img.size == (2400, 2200) and img.tobytes() == before.tobytes()


def test_a_photographed_mnist_digit_comes_back_as_itself(mnist_arrays):
    """MNIST digits printed large, dark on light, and read back: the same 28x28 image up to a
    1 px shift (integer centring; MNIST's own centres of mass vary by +-0.45 px)."""
    digits = mnist_arrays["x_test"][:50]
    best = []
    for d in digits:
        photo = Image.fromarray(255 - d).resize((224, 224), Image.Resampling.BICUBIC)
        x = load_digit(photo)
        shifts = [np.roll(x, (dy, dx), axis=(0, 1)) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        best.append(max(np.corrcoef(s.ravel(), d.ravel())[0, 1] for s in shifts))
    assert min(best) > 0.85, min(best)  # a thin "1" is the most sensitive (x_test[40]: 0.87)
    assert np.median(best) > 0.97, np.median(best)
