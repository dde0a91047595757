"""The shared report writer: deterministic JSON, Markdown and text tables."""

import json
import math

import numpy as np
import pytest

from scratchdl.lab.experiments.common import VERDICTS, Result, check_row, config_record, info_row
from scratchdl.lab.experiments.report import (
    format_value,
    jsonable,
    markdown_table,
    result_json,
    text_table,
    write_report,
)


def _result(**data):
    rows = [
        check_row("accuracy", "0.9626 (seed 000)", 0.96241234, "within 0.03", True),
        check_row("gap", "0.24 (book)", 0.1, ">= 0.2", False),
        info_row("loss", float("nan")),
    ]
    return Result("demo", False, 7, {"epochs": 3, "lr": 0.1}, rows, data, ["a note"], 1.5)


def test_rows_carry_the_three_verdicts():
    r = _result()
    assert [row.verdict for row in r.rows] == list(VERDICTS)


def test_jsonable_rounds_floats_to_6_significant_digits_and_converts_numpy():
    out = jsonable({"a": np.float32(0.1), "b": np.arange(3), "c": (1.23456789, np.int64(4))})
    assert out == {"a": 0.1, "b": [0, 1, 2], "c": [1.23457, 4]}
    assert isinstance(out["c"][1], int)


def test_jsonable_writes_non_finite_values_as_strings():
    assert jsonable([math.nan, math.inf, -math.inf]) == ["nan", "inf", "-inf"]


def test_jsonable_rejects_unknown_types_with_the_value():
    with pytest.raises(ValueError, match="cannot record object value"):
        jsonable({"x": object()})


def test_result_json_is_sorted_rounded_and_has_no_runtime():
    text = result_json(_result(series=[0.123456789, 2.0]))
    record = json.loads(text)
    assert list(record) == sorted(record)
    assert record["data"]["series"] == [0.123457, 2.0]
    assert record["rows"][0] == {
        "quantity": "accuracy", "published": "0.9626 (seed 000)", "ours": 0.962412,
        "check": "within 0.03", "verdict": "reproduced",
    }  # fmt: skip
    assert record["rows"][2]["ours"] == "nan"
    assert "runtime" not in text and "1.5" not in text
    assert text.endswith("\n")


def test_result_json_is_identical_for_equal_results():
    assert result_json(_result(x=[1.0, 2.5])) == result_json(_result(x=[1.0, 2.5]))
    assert result_json(_result(x=[1.0, 2.5])) != result_json(_result(x=[1.0, 2.6]))


def test_format_value_uses_4_significant_digits():
    assert format_value(0.96241234) == "0.9624"
    assert format_value(7.909e11) == "7.909e+11"
    assert format_value("diverged") == "diverged"
    assert format_value(3) == "3"


def test_markdown_and_text_tables_hold_every_row():
    r = _result()
    md = markdown_table(r).splitlines()
    assert md[0] == "| quantity | published | ours | check | verdict |"
    assert md[2] == "| accuracy | 0.9626 (seed 000) | 0.9624 | within 0.03 | reproduced |"
    assert len(md) == 2 + len(r.rows)
    text = text_table(r).splitlines()
    assert text[0].split() == ["quantity", "published", "ours", "check", "verdict"]
    assert "not reproduced" in text[3] and "no published number" in text[4]


def test_write_report_writes_json_and_markdown(tmp_path):
    files = write_report(_result(), tmp_path / "out", "Demo", [tmp_path / "out" / "fig.png"])
    assert [f.name for f in files] == ["result.json", "report.md", "fig.png"]
    md = (tmp_path / "out" / "report.md").read_text()
    assert md.startswith("# Demo\n")
    assert "seed 7" in md and "- a note" in md and "![fig](fig.png)" in md
    assert "| gap | 0.24 (book) | 0.1 | >= 0.2 | not reproduced |" in md
    json.loads((tmp_path / "out" / "result.json").read_text())


def test_quick_results_say_their_numbers_are_not_comparable(tmp_path):
    r = _result()
    r.quick = True
    write_report(r, tmp_path, "Demo", [])
    assert "not expected to match" in (tmp_path / "report.md").read_text()


def test_config_record_lists_tuples_and_drops_excluded_fields():
    from dataclasses import dataclass

    @dataclass
    class C:
        a: tuple = (1, 2)
        path: str = "/somewhere"

    assert config_record(C(), exclude=("path",)) == {"a": [1, 2]}
