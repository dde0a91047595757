"""Turns the measurements into benchmarks/RESULTS.md."""

from __future__ import annotations

import datetime
from pathlib import Path

from benchmarks.suite import REF_WORKLOADS, TARGETS
from benchmarks.workloads import WORKLOADS
from scratchdl.files import atomic_write


def _ratio_rows(rows, names, with_torch, floors):
    lines = []
    for n in names:
        s, r = rows[(n, "scratchdl")], rows[(n, "numpy")]
        t = rows.get((n, "torch"))
        vs_torch = t["median"] / s["median"] if t else None
        vs_ref = s["median"] / r["median"]
        floor = floors.get(n, (None, None))[0]
        cells = [
            n,
            WORKLOADS[n].unit,
            f"{s['min']:.3f} / {s['median']:.3f}",
            f"{r['min']:.3f} / {r['median']:.3f}",
            f"{t['min']:.3f} / {t['median']:.3f}" if t else "–",
            f"**{vs_torch:.2f}×** ({t['min'] / s['min']:.2f}×)" if vs_torch else "–",
            f"{TARGETS[n]}×" if n in TARGETS else "–",
            f"{vs_ref:.2f}" + (" (≤ 1.10)" if n in REF_WORKLOADS else ""),
            f"{floor:.3f} ({floor / s['median']:.0%})" if floor else "–",
            f"{s['accuracy']:.4f}" if s.get("accuracy") is not None else "–",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _speedup_verdict(name, by_median, by_min):
    """'met' only when the ratio of medians and the ratio of minima both reach the target.

    Why both: on a shared machine one implementation's median can be inflated by a
    burst of load that missed the other; the minima are each side's quietest epoch.
    """
    target = TARGETS[name]
    if by_median >= target and by_min >= target:
        ok = "met"
    elif by_median >= target or by_min >= target:
        ok = "NOT met robustly (only one of median and min reaches it)"
    else:
        ok = "NOT met"
    return (
        f"- {name}: {by_median:.2f}× faster than PyTorch eager by medians, {by_min:.2f}× by "
        f"minima (target {target}×): {ok}"
    )


def _verdicts(rows, names, with_torch, extra):
    out = []
    for n in names:
        s, r, t = rows[(n, "scratchdl")], rows[(n, "numpy")], rows.get((n, "torch"))
        if t and n in TARGETS:
            out.append(_speedup_verdict(n, t["median"] / s["median"], t["min"] / s["min"]))
        if n in REF_WORKLOADS:
            rr = s["median"] / r["median"]
            out.append(
                f"- {n}: {rr:.2f}× the lean NumPy loop's time (target ≤ 1.10): "
                f"{'met' if rr <= 1.10 else 'NOT met'}"
            )
    p = extra["predict_s"] * 1000
    out.append(
        f"- predict on 10 000 images: {p:.1f} ms (target < 50 ms): {'met' if p < 50 else 'NOT met'}"
    )
    if "W3" in names:
        rss = rows[("W3", "scratchdl")]["peak_rss_mb"]
        limit = 2 * 70000 * 784 * 4 / 2**20 + 200
        out.append(
            f"- peak RSS of the W3 run: {rss:.0f} MB (target < {limit:.0f} MB): "
            f"{'met' if rss < limit else 'NOT met'}"
        )
    return out


def _ceilings(rows, names, floors):
    """What the machine allows: PyTorch's time over the lean loop's and over the GEMM floor.

    The floor is the matrix products alone, so ``PyTorch / floor`` bounds the speed-up
    of any NumPy program on this machine; the lean loop shows what a hand-tuned
    NumPy program reaches.  A target above the lean loop's ratio cannot be met by
    trimming the library's overhead alone.
    """
    out = []
    for n in names:
        t, r = rows.get((n, "torch")), rows[(n, "numpy")]
        floor = floors.get(n, (None, None))[0]
        if not t or n not in TARGETS or not floor:
            continue
        budget = t["median"] / TARGETS[n] - floor
        out.append(
            f"- {n}: the lean NumPy loop is {t['median'] / r['median']:.2f}× faster than PyTorch; "
            f"the matrix products alone would be {t['median'] / floor:.2f}×; at {TARGETS[n]}× "
            f"everything else must fit in {budget:.3f} {WORKLOADS[n].unit.split()[0]} "
            f"({max(budget, 0) / (t['median'] / TARGETS[n]):.0%} of the allowed time)"
        )
    if not out:
        return []
    return ["", "## What this machine allows (same run)", ""] + out


def _variants(rows, variants):
    """W1 built another way, against W1 itself (same run): functional API, tf-op loss."""
    if not variants or ("W1", "scratchdl") not in rows:
        return []
    base = rows[("W1", "scratchdl")]
    what = {"W1F": "functional API (keras.Input + keras.Model)", "W1L": "loss written with tf ops"}
    targets = {"W1F": 1.10, "W1L": 1.50}
    lines = ["", "## W1 built other ways (same run)", ""]
    lines += [
        "| variant | what | min / median (s/epoch) | ratio to W1 | target |",
        "|---|---|---|---|---|",
    ]
    for n in variants:
        row = rows[(n, "scratchdl")]
        ratio = row["median"] / base["median"]
        verdict = "met" if ratio <= targets[n] else "NOT met"
        lines.append(
            f"| {n} | {what[n]} | {row['min']:.3f} / {row['median']:.3f} | {ratio:.3f} | "
            f"<= {targets[n]:.2f}: {verdict} |"
        )
    return lines


def _before_after(rows, names, baseline):
    """scratchdl now against ``scratchdl@base`` (another checkout) timed in the same run."""
    if not baseline:
        return []
    lines = [
        "",
        "## Before / after (same run, interleaved)",
        "",
        "Baseline: the scratchdl of another checkout (`--baseline`). Ratio = now / before "
        "(medians; minima in parentheses); below 1.05 is within the 5 % budget.",
        "",
        "| workload | before (min / median) | now (min / median) | ratio |",
        "|---|---|---|---|",
    ]
    for n in names:
        now, base = rows[(n, "scratchdl")], rows.get((n, "scratchdl@base"))
        if base is None:
            continue
        lines.append(
            f"| {n} | {base['min']:.3f} / {base['median']:.3f} | {now['min']:.3f} / "
            f"{now['median']:.3f} | {now['median'] / base['median']:.3f} "
            f"({now['min'] / base['min']:.3f}) |"
        )
    return lines


def write_report(rows, extra, names, repeats, threads, quick, with_torch, path):
    """``repeats`` is ``(rounds, repeats per round)``: fresh processes per cell, interleaved."""
    rounds, repeats = repeats
    kernel = rows[(names[0], "scratchdl")]["blas_kernel"]
    head = [
        "# Benchmark results" + (" (quick smoke run — not a measurement)" if quick else ""),
        "",
        f"Written by `python -m benchmarks` on {datetime.date.today()}; {extra['machine']}; "
        f"{threads} BLAS thread(s); NumPy's OpenBLAS kernel: **{kernel}** (environment as set on "
        f"this machine); {repeats} timed repeats after one warm-up epoch in each of {rounds} "
        "fresh processes per cell, the implementations' processes interleaved (times pooled).",
        "",
        "Times are min / median. Speed-up = PyTorch median / scratchdl median (in parentheses: "
        "PyTorch min / scratchdl min; a target counts as met when both reach it). Ratio to NumPy "
        "ref = scratchdl median / lean-loop median. Floor = the workload's matrix products alone "
        "(share of scratchdl's time in parentheses).",
        "",
        "| workload | unit | scratchdl | lean NumPy | PyTorch eager | speed-up vs PyTorch | "
        "target | ratio to NumPy ref | GEMM floor | scratchdl test acc |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines = head + _ratio_rows(rows, names, with_torch, extra["floors"])
    lines += _before_after(rows, names, extra.get("baseline"))
    lines += _variants(rows, extra.get("variants") or [])
    lines += ["", "## Targets", ""] + _verdicts(rows, names, with_torch, extra)
    lines += _ceilings(rows, names, extra["floors"])
    if extra["peak"]:
        lines += [
            "",
            "## GEMM",
            "",
            f"float32 peak (2048³, {threads} thread(s), as the runs): {extra['peak']:.0f} GFLOP/s; "
            "on the workloads' own "
            "shapes: " + ", ".join(f"{n} {g:.0f} GFLOP/s" for n, (_, g) in extra["floors"].items()),
        ]
    lines += [
        "",
        "## Where one W1 epoch spends its time (cProfile, by own time)",
        "",
        "```",
        extra["profile"].strip(),
        "```",
        "",
    ]
    if not quick:
        lines += convnet_section(Path(__file__).resolve().parent / "RESULTS-convnets.md")
    text = "\n".join(lines)
    with atomic_write(path, "w", make_parents=False) as f:
        f.write(text)
    return text


def convnet_section(convnets_md):
    """The W6/W7 table and verdicts, copied from the latest RESULTS-convnets.md (written by
    ``python -m benchmarks.convnets``, its own driver), or a line saying there is none."""
    head = ["## W6 / W7: convolutional networks", ""]
    if not convnets_md.is_file():
        return head + ["Not measured yet: run `python -m benchmarks.convnets`.", ""]
    lines = convnets_md.read_text(encoding="utf-8").splitlines()
    if not lines or "quick smoke run" in lines[0]:
        return head + [f"{convnets_md.name} holds no measurement (empty or a quick run).", ""]
    table = [line for line in lines if line.startswith("|")]
    targets = lines.index("## Targets") if "## Targets" in lines else len(lines)
    verdicts = []
    for line in lines[targets + 1 :]:
        if line.startswith("## "):
            break
        if line.startswith("- "):
            verdicts.append(line)
    keep = [*table, "", *verdicts]
    return head + [
        f"Copied from [{convnets_md.name}]({convnets_md.name}) (written by "
        "`python -m benchmarks.convnets`, which has the details and the per-layer split):",
        "",
        *keep,
        "",
    ]
