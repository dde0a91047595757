"""Turn a photo or drawing of one handwritten digit into an MNIST-style 28x28 image.

A network trained on MNIST has only ever seen digits prepared in one way (LeCun et al.):
light ink on a black background, the digit scaled so its longer side is 20 pixels, pasted
into a 28x28 field so that its centre of mass is at the centre. A photo of your own digit
fails mostly because it is not prepared like that (dark ink on white paper, off-centre, too
big or too small), not because the network is bad. load_digit does the same preparation:

1. read as grayscale in [0, 1] (RGB via ITU-R 601 luma, transparency composited on white);
2. invert when the background is light, judged by the median of the border pixels;
3. stretch contrast: background level -> 0, brightest ink -> 1; faint noise (< 0.25) -> 0;
4. crop to the bounding box of the ink (pixels > 0.5);
5. resize so the longer side is 20 px, keeping the aspect ratio (Lanczos), and rescale so
   the brightest pixel is 1 again (every MNIST training digit peaks at 254 or 255);
6. paste into 28x28 with the centre of mass at pixel (14, 14), integer shift.

Convention: (14, 14) is in pixel-index coordinates, the convention MNIST itself follows (the
mean centre of mass of its training digits is (13.99, 14.00) measured that way). When the
digit would stick out of the central 20x20 box (rows and columns 4..23) by a shift that
moves the centre of mass by at most 1 px, it is kept inside the box.
"""

from __future__ import annotations

import io
import os
from typing import Any

import numpy as np

__all__ = ["load_digit", "prepare_digit"]

SIZE, BOX, TARGET = 28, 20, 14.0
_LUMA = np.array([0.299, 0.587, 0.114])
_MIN_CONTRAST, _NOISE, _INK, _MAX_SIDE = 0.1, 0.25, 0.5, 1024
_MIN_INK_PIXELS, _MAX_INK_FRACTION = 4, 0.6
MAX_PIXELS = 50_000_000


def _array_to_gray(a: np.ndarray) -> np.ndarray:
    """(H, W) / (H, W, 1) / (H, W, 3) / (H, W, 4) array -> float64 (H, W) in [0, 1]."""
    a = np.asarray(a)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if not (a.ndim == 2 or (a.ndim == 3 and a.shape[2] in (3, 4))) or min(a.shape[:2]) < 1:
        raise ValueError(f"expected an image array (H, W), (H, W, 3) or (H, W, 4), got {a.shape}")
    if a.dtype == bool:
        a = a.astype(np.float64)
    elif np.issubdtype(a.dtype, np.integer):
        a = a.astype(np.float64) / (255.0 if a.max(initial=0) <= 255 else 65535.0)
    elif np.issubdtype(a.dtype, np.floating):
        a = a.astype(np.float64)
        if not np.all(np.isfinite(a)) or a.min() < 0:
            raise ValueError("image array has NaN, infinite or negative values")
        a = a / 255.0 if a.max() > 1.0 else a
    else:
        raise ValueError(f"unsupported image array dtype {a.dtype}")
    if a.ndim == 3:
        rgb = a[:, :, :3] @ _LUMA
        a = rgb if a.shape[2] == 3 else rgb * a[:, :, 3] + (1.0 - a[:, :, 3])
    return np.clip(a, 0.0, 1.0)


def _pil_to_gray(img) -> np.ndarray:
    from PIL import ImageOps

    img = ImageOps.exif_transpose(img)
    if max(img.size) > _MAX_SIDE:  # a phone photo: shrink first (a new image; src untouched)
        s = _MAX_SIDE / max(img.size)
        img = img.resize((max(1, round(img.width * s)), max(1, round(img.height * s))))
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        return _array_to_gray(np.asarray(img, dtype=np.float64))
    return _array_to_gray(np.asarray(img.convert("RGBA")))


def _read_gray(src) -> np.ndarray:
    """Path, file-like, PIL image or array -> float64 grayscale (H, W) in [0, 1]."""
    if isinstance(src, np.ndarray):
        return _array_to_gray(src)
    from PIL import Image, UnidentifiedImageError

    if isinstance(src, Image.Image):
        return _pil_to_gray(src)
    if isinstance(src, (bytes, bytearray)):
        src = io.BytesIO(src)
    if not (isinstance(src, (str, os.PathLike)) or hasattr(src, "read")):
        raise ValueError(
            f"load_digit expects a path, a file object, a PIL image or a NumPy array, "
            f"received {type(src).__name__}"
        )
    try:
        with Image.open(src) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:  # checked before decoding: no gigabyte bitmaps
                raise ValueError(
                    f"the image is {width}x{height} = {width * height} pixels; at most "
                    f"{MAX_PIXELS} are accepted (a 48-megapixel photo fits)"
                )
            img.load()
            return _pil_to_gray(img)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValueError(f"cannot read an image from {src!r}: {exc}") from None


def _border(gray: np.ndarray) -> np.ndarray:
    b = max(1, min(gray.shape) // 20)
    return np.concatenate(
        [gray[:b].ravel(), gray[-b:].ravel(), gray[:, :b].ravel(), gray[:, -b:].ravel()]
    )


def _stretch(gray: np.ndarray) -> np.ndarray:
    """Map the background level to 0 and the brightest ink to 1; raise if there is no ink."""
    background = float(np.median(_border(gray)))
    contrast = float(gray.max()) - background
    if contrast < _MIN_CONTRAST:
        raise ValueError(
            f"no ink found: the image is nearly uniform (contrast {contrast:.3f}, expected at "
            f"least {_MIN_CONTRAST}); is it blank or the digit too faint?"
        )
    x = np.clip((gray - background) / contrast, 0.0, 1.0)
    x[x < _NOISE] = 0.0
    return x


def _crop_to_ink(x: np.ndarray) -> np.ndarray:
    rows, cols = np.nonzero(x > _INK)
    return x[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


def _scale_into_box(patch: np.ndarray) -> np.ndarray:
    from PIL import Image

    h, w = patch.shape
    s = BOX / max(h, w)
    size = (max(1, round(w * s)), max(1, round(h * s)))
    resized = Image.fromarray(patch.astype(np.float32)).resize(size, Image.Resampling.LANCZOS)
    scaled = np.clip(np.asarray(resized, dtype=np.float64), 0.0, 1.0)
    peak = scaled.max()
    return scaled / peak if peak > 0 else scaled  # thin strokes averaged down: peak back to 1


def _offset(centre: float, length: int) -> int:
    """Top-left position putting ``centre`` (of mass) at TARGET; prefer the central box."""
    ideal = TARGET - centre
    margin = (SIZE - BOX) // 2
    in_box = int(np.clip(round(ideal), margin, max(margin, SIZE - margin - length)))
    if abs(in_box - ideal) <= 1.0:
        return in_box
    return int(np.clip(round(ideal), 0, SIZE - length))


def _centre_by_mass(patch: np.ndarray) -> np.ndarray:
    mass = patch.sum()
    if mass <= 0:
        raise ValueError("no ink left after scaling the digit into 20x20")
    h, w = patch.shape
    cy = float(patch.sum(axis=1) @ np.arange(h)) / mass
    cx = float(patch.sum(axis=0) @ np.arange(w)) / mass
    oy, ox = _offset(cy, h), _offset(cx, w)
    out = np.zeros((SIZE, SIZE), dtype=np.float32)
    out[oy : oy + h, ox : ox + w] = patch
    return out


def _smooth_background(gray: np.ndarray) -> np.ndarray:
    """Least-squares quadratic surface a + b*i + c*j + d*i*i + e*i*j + f*j*j through the
    image (on a grid of at most 64x64 samples): the lighting, which thin strokes barely move."""
    h, w = gray.shape
    step_i, step_j = max(1, h // 64), max(1, w // 64)
    ii, jj = np.mgrid[0:h:step_i, 0:w:step_j]
    i, j = ii.ravel() / h, jj.ravel() / w
    design = np.stack([np.ones_like(i), i, j, i * i, i * j, j * j], axis=1)
    coef, *_ = np.linalg.lstsq(design, gray[ii, jj].ravel(), rcond=None)
    a, b, c, d, e, f = coef
    gi, gj = (np.arange(h) / h)[:, None], (np.arange(w) / w)[None, :]  # broadcast, no grids
    return (a + b * gi + d * gi * gi) + (c * gj + f * gj * gj) + e * gi * gj


def _check_digit_like(gray: np.ndarray) -> None:
    """Raise "no digit found" when nothing stands out of the lighting: a blank page photo, a
    gradient or a vignette.  Ink (bright after inversion) must rise at least _MIN_CONTRAST
    above the smooth background on at least _MIN_INK_PIXELS pixels, and must not cover
    more than _MAX_INK_FRACTION of the image."""
    if min(gray.shape) < 8:
        return  # too small to separate lighting from strokes; _stretch decides alone
    residual = gray - _smooth_background(gray)
    ink = residual > _MIN_CONTRAST
    if int(ink.sum()) < _MIN_INK_PIXELS:
        peak = float(residual.max())
        raise ValueError(
            "no ink found that looks like a digit: nothing rises above the lighting by "
            f"{_MIN_CONTRAST} or more (peak {peak:.3f}); is the page blank or the digit too faint?"
        )
    if ink.mean() > _MAX_INK_FRACTION:
        raise ValueError(
            f"no ink found that looks like a digit: {ink.mean():.0%} of the image stands out, "
            f"more than {_MAX_INK_FRACTION:.0%}; is it a photo of something other than one digit?"
        )


def prepare_digit(gray: np.ndarray, invert: bool | None = None) -> np.ndarray:
    """Steps 2-6 of load_digit on a grayscale float array in [0, 1] (H, W)."""
    gray = np.asarray(gray, dtype=np.float64)
    if invert is None:
        invert = float(np.median(_border(gray))) > 0.5
    if invert:
        gray = 1.0 - gray
    _check_digit_like(gray)
    return _centre_by_mass(_scale_into_box(_crop_to_ink(_stretch(gray))))


def load_digit(src: Any, invert: bool | None = None) -> np.ndarray:
    """Read one handwritten digit and prepare it like MNIST (see the module docstring).

    Args:
        src: a path, a binary file object, bytes, a PIL image or a NumPy array
            ((H, W), (H, W, 3) or (H, W, 4); uint8 in 0..255 or float in [0, 1]).
        invert: None decides from the border (light background -> invert); True/False force.

    Returns:
        float32 array (28, 28) in [0, 1], light digit on black. Flatten it with
        ``x.reshape(1, 784)`` for a Dense network.

    Raises:
        ValueError: unreadable input, or no ink (a blank or nearly uniform image).
    """
    return prepare_digit(_read_gray(src), invert=invert)
