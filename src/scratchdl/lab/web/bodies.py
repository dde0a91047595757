"""The body of ``POST /predict``: JSON in, a (1, 28, 28) float32 image out, or a RequestError.

Accepted bodies::

    {"image": "data:image/png;base64,..."}   the canvas as PNG (any size up to
                                             MAX_IMAGE_PIXELS), prepared by load_digit
    {"pixels": [784 numbers in 0..1]}        an MNIST-style image (or 28 rows of 28)

Everything else is a RequestError with the HTTP status and a message naming the problem:
415 for a non-JSON content type; 400 for invalid JSON, JSON nested deeper than
MAX_JSON_DEPTH, wrong keys, bad base64, not an image, too many pixels, a wrong pixel count
or range, an empty drawing.
"""

from __future__ import annotations

import base64
import io
import json
from http import HTTPStatus
from typing import Any

import numpy as np

from scratchdl.models.saving import json_depth

__all__ = ["RequestError", "parse_predict_body", "probabilities_from", "EMPTY_MESSAGE"]
__all__ += ["MAX_IMAGE_PIXELS", "MAX_JSON_DEPTH"]

MAX_JSON_DEPTH = 8  # a valid body nests 2 deep ({"pixels": [[...], ...]})

MAX_IMAGE_PIXELS = 16_000_000  # 4000x4000; decoding runs under the prediction semaphore
VALID_KEYS = ("image", "pixels")
EMPTY_MESSAGE = "the image is empty (no ink): draw a digit first"


class RequestError(Exception):
    """A request the server refuses: the HTTP status and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = int(status)
        self.message = message


def json_type(value: Any) -> str:
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
        text = body.decode("utf-8")
    except ValueError as err:
        raise RequestError(400, f"the body is not valid JSON: {err}") from None
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        msg = f"the JSON nests {depth} levels deep; at most {MAX_JSON_DEPTH} are accepted"
        raise RequestError(400, msg)
    try:
        request = json.loads(text)
    except ValueError as err:  # JSONDecodeError is a ValueError
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


def decode_data_url(image: Any) -> bytes:
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


def digit_from_data_url(image: Any) -> np.ndarray:
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


def digit_from_pixels(pixels: Any) -> np.ndarray:
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


def probabilities_from(raw: Any) -> np.ndarray:
    """The model's answer as 10 finite floats; a 500 when it is anything else."""
    try:
        p = np.asarray(raw, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        p = None
    if p is None or p.size != 10 or not np.all(np.isfinite(p)):
        shape = np.shape(raw) if p is not None else type(raw).__name__
        raise RequestError(500, f"the model returned {shape}; expected 10 finite probabilities")
    return p
