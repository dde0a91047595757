"""W6/W7 benchmark pieces: the book-code yardstick computes what the book face computes,
and the report turns measurements into verdicts (no timings asserted)."""

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.book_conv_ref import BookSimpleConvNet, col2im, im2col  # noqa: E402
from benchmarks.convnets_report import write_report  # noqa: E402

from scratchdl.book.ch07.simple_convnet import SimpleConvNet  # noqa: E402
from scratchdl.layers import im2col as ours  # noqa: E402


def test_book_code_im2col_matches_ours():
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 6))
    np.testing.assert_array_equal(im2col(x, 3, 2, 2, 1), ours.im2col(x, 3, 2, 2, 1))
    col = np.random.default_rng(1).standard_normal((2 * 4 * 4, 18))
    np.testing.assert_allclose(col2im(col, x.shape, 3, 2, 2, 1),
                               ours.col2im(col, x.shape, 3, 2, 2, 1), atol=1e-12)  # fmt: skip


def test_book_code_gradient_equals_the_book_face():
    rng = np.random.default_rng(2)
    ref, net = BookSimpleConvNet(rng), SimpleConvNet(rng=0)
    for key, value in ref.p.items():
        value += 0.05 * rng.standard_normal(value.shape)  # leave the ReLUs' kinks
        net.params[key][...] = value
    x, t = rng.random((4, 1, 28, 28)), np.array([1, 3, 5, 7])
    expected, got = ref.gradient(x, t), net.gradient(x, t)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-9, atol=1e-12, err_msg=key)


def _row(impl, name, cpu):
    return {"impl": impl, "workload": name, "times": [cpu], "min": cpu, "median": cpu,
            "cpu_times": [cpu], "cpu_min": cpu, "cpu_median": cpu, "accuracy": 0.98,
            "steps": 600, "peak_rss_mb": 100.0, "blas_kernel": "Haswell"}  # fmt: skip


def test_report_verdicts(tmp_path):
    rows = {("W6", "book-face"): _row("book-face", "W6", 10.0),
            ("W6", "book-code"): _row("book-code", "W6", 60.0),
            ("W7", "keras-face"): _row("keras-face", "W7", 20.0),
            ("W6", "keras-face"): _row("keras-face", "W6", 15.0),
            ("W7", "torch"): _row("torch", "W7", 18.0),
            ("W7", "torch-tuned"): _row("torch-tuned", "W7", 16.0)}  # fmt: skip
    text = write_report(rows, {"W7": ({"Conv2D": 0.03}, 0.05)}, ["W6", "W7"], 2, 1, False,
                        tmp_path / "r.md")  # fmt: skip
    assert (
        "W6: the book face (float64, as the book) is 6.00× faster than the book's im2col code "
        "(float64) (target ≥ 5): met" in text
    )
    assert "W7: scratchdl is 0.90× PyTorch eager's speed (target ≥ 1.0, aim 1.5): NOT met" in text
    assert "W7: 50.0 ms per step = Conv2D 30.0" in text
    assert "Keras fit (float32) is 4.00× faster than the book's im2col code (float64) " in text
    assert "(target ≥ 5): NOT met" in text
    assert "W7 against PyTorch with glibc malloc keeping freed memory: 0.80×" in text
    assert "| W7 | PyTorch eager (float32) | 18.00 / 18.00 | 18.00 / 18.00 | 600 | – |" in text


def test_results_md_copies_the_convnet_table_and_verdicts(tmp_path):
    from benchmarks.report import convnet_section

    md = tmp_path / "RESULTS-convnets.md"
    assert "Not measured yet" in "\n".join(convnet_section(md))
    rows = {("W7", "keras-face"): _row("keras-face", "W7", 20.0),
            ("W7", "torch"): _row("torch", "W7", 22.0)}  # fmt: skip
    write_report(rows, {"W7": ({"Conv2D": 0.03}, 0.05)}, ["W7"], 2, 1, False, md)
    section = "\n".join(convnet_section(md))
    assert "ms per step" not in section  # the per-layer split stays in RESULTS-convnets.md
    assert "| W7 | PyTorch eager (float32) | 22.00 / 22.00 |" in section
    assert "- W7: scratchdl is 1.10× PyTorch eager's speed (target ≥ 1.0, aim 1.5): met" in section
    write_report(rows, {}, ["W7"], 1, 1, True, md)
    assert "no measurement (empty or a quick run)" in "\n".join(convnet_section(md))
    md.write_text("")
    assert "no measurement (empty or a quick run)" in "\n".join(convnet_section(md))
