"""The W6/W7 report: times beside their peers, and where scratchdl's step spends its time."""

from __future__ import annotations

import datetime
import os
import time

from scratchdl.files import atomic_write

LABELS = {
    "book-face": "scratchdl book face (float64)",
    "keras-face": "scratchdl Keras fit (float32)",
    "book-code": "the book's im2col code (float64)",
    "torch": "PyTorch eager (float32)",
    "torch-tuned": "PyTorch eager, glibc malloc keeping freed memory (float32)",
}


def _timed(fn, bucket, key):
    def wrapper(*args, **kwargs):
        t0 = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            bucket[key] = bucket.get(key, 0.0) + time.process_time() - t0

    return wrapper


def breakdown(name, threads, steps=40):
    """Seconds per step of scratchdl's Keras fit, split by layer type, im2col and conv dx."""
    from threadpoolctl import threadpool_limits

    import scratchdl.layers.conv as conv_module
    from benchmarks.convnets import BATCH, keras_model, load_images

    x, y, _, _ = load_images(BATCH[name] * steps)
    model = keras_model(name)
    model.fit(x[: BATCH[name] * 5], y[: BATCH[name] * 5], batch_size=BATCH[name], verbose=0)
    bucket = {}
    saved = conv_module.patches, conv_module.conv_input_gradient
    conv_module.patches = _timed(saved[0], bucket, "im2col")
    conv_module.conv_input_gradient = _timed(saved[1], bucket, "conv dx")
    for layer in model.layers:
        kind = type(layer).__name__
        kind = kind if kind in ("Conv2D", "MaxPooling2D", "Dense") else "other layers"
        layer.forward = _timed(layer.forward, bucket, kind)
        layer.backward = _timed(layer.backward, bucket, kind)
    last = model.layers[-1]  # the fused softmax loss enters it through backward_linear
    last.backward_linear = _timed(last.backward_linear, bucket, type(last).__name__)
    try:
        with threadpool_limits(threads):
            t0 = time.process_time()
            model.fit(x, y, batch_size=BATCH[name], epochs=1, verbose=0, shuffle=False)
            total = time.process_time() - t0
    finally:
        conv_module.patches, conv_module.conv_input_gradient = saved
    bucket["Conv2D"] -= bucket.get("im2col", 0.0) + bucket.get("conv dx", 0.0)
    bucket["rest (loss, optimizer, metrics, loop)"] = (
        total
        - sum(v for k, v in bucket.items() if k not in ("im2col", "conv dx"))
        - bucket.get("im2col", 0.0)
        - bucket.get("conv dx", 0.0)
    )
    return {k: v / steps for k, v in bucket.items()}, total / steps


def _table(rows, names):
    lines = ["| workload | implementation | CPU s/epoch min / median | wall s/epoch min / median | "
             "steps | page faults/step | peak RSS | test acc | CPU time vs scratchdl |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for name in names:
        ours = rows.get((name, "book-face" if name == "W6" else "keras-face"))
        for (n, impl), r in rows.items():
            if n != name:
                continue
            rel = f"{r['cpu_median'] / ours['cpu_median']:.2f}×" if ours else "–"
            faults = r.get("faults_per_step")
            lines.append(
                f"| {n} | {LABELS[impl]} | {r['cpu_min']:.2f} / {r['cpu_median']:.2f} | "
                f"{r['min']:.2f} / {r['median']:.2f} | {r['steps']} | "
                f"{'–' if faults is None else f'{faults:.0f}'} | "
                f"{r['peak_rss_mb']:.0f} MB | {r['accuracy']:.4f} | {rel} |"
            )
    return lines


def _speed(peer, ours):
    return peer["cpu_median"] / ours["cpu_median"]


def _verdicts(rows):
    """The targets: W7 >= 1.0x PyTorch eager (aim 1.5); W6 >= 5x the book's im2col code."""
    out = []
    k7, t7, u7 = (rows.get(("W7", i)) for i in ("keras-face", "torch", "torch-tuned"))
    if k7 and t7:
        r = _speed(t7, k7)
        out.append(f"- W7: scratchdl is {r:.2f}× PyTorch eager's speed (target ≥ 1.0, aim 1.5): "
                   f"{'met' if r >= 1.0 else 'NOT met'}")  # fmt: skip
    if k7 and u7:
        out.append(f"- W7 against PyTorch with glibc malloc keeping freed memory: "
                   f"{_speed(u7, k7):.2f}×")  # fmt: skip
    b6, c6, k6, t6 = (
        rows.get(("W6", i)) for i in ("book-face", "book-code", "keras-face", "torch")
    )
    if b6 and c6:
        r = _speed(c6, b6)
        out.append(f"- W6: the book face (float64, as the book) is {r:.2f}× faster than the "
                   f"book's im2col code (float64) (target ≥ 5): "
                   f"{'met' if r >= 5 else 'NOT met'}")  # fmt: skip
    if k6 and c6:
        r = _speed(c6, k6)
        verdict = "met" if r >= 5 else "NOT met"
        out.append(f"- W6: scratchdl's Keras fit (float32) is {r:.2f}× faster than the book's "
                   f"im2col code (float64) (target ≥ 5): {verdict}")  # fmt: skip
    if k6 and t6:
        out.append(f"- W6 in float32 (Keras face): {_speed(t6, k6):.2f}× PyTorch eager's speed")
    return out


def write_report(rows, breakdowns, names, epochs, threads, quick, path):
    kernel = next(iter(rows.values()))["blas_kernel"] if rows else "?"
    lines = [
        "# W6 / W7: convolutional networks"
        + (" (quick smoke run — not a measurement)" if quick else ""),
        "",
        f"Written by `python -m benchmarks.convnets` on {datetime.date.today()}; {os.cpu_count()} "
        f"cores; {threads} BLAS/torch thread(s); NumPy's OpenBLAS kernel: **{kernel}**; "
        f"{epochs} timed epoch(s) per cell after a 20-step warm-up, each cell in a fresh process. "
        "'time vs scratchdl' = that implementation's median / scratchdl's median (above 1: "
        "scratchdl is faster), by CPU time. W6's scratchdl reference row is the book face. "
        "Verdicts use CPU-time medians: the machine is shared and wall times swing with the "
        "other processes' load (both columns are shown).",
        "",
        *_table(rows, names),
        "",
        "## Targets",
        "",
        *_verdicts(rows),
        "",
        "## Where scratchdl's Keras-fit step spends its time (ms per step)",
        "",
    ]
    lines.append(
        "(CPU time of one step of Keras fit; Conv2D = its forward GEMM with the bias, ReLU, "
        "and dW GEMM; conv dx = the conv layers' input gradients, their kh·kw GEMMs and "
        "col2im adds; im2col = the conv layers' own.)"
    )
    lines.append("")
    for name, (parts, total) in breakdowns.items():
        cells = ", ".join(
            f"{k} {v * 1e3:.1f}" for k, v in sorted(parts.items(), key=lambda kv: -kv[1])
        )
        lines.append(f"- {name}: {total * 1e3:.1f} ms per step = {cells}")
    text = "\n".join(lines) + "\n"
    with atomic_write(path, "w", make_parents=False) as f:
        f.write(text)
    return text
