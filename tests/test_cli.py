"""The command line: fast help (no heavy imports), delegation, train/predict/gradcheck."""

import json
import subprocess
import sys

import pytest

from scratchdl.lab.cli import build_parser, main


def test_help_imports_nothing_heavy():
    """``scratchdl --help`` must stay fast: parsing imports no NumPy, matplotlib or Optuna."""
    code = (
        "import sys, contextlib, io\n"
        "from scratchdl.lab.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: main(['--help'])\n"
        "    except SystemExit: pass\n"
        "heavy = [m for m in ('numpy', 'matplotlib', 'optuna', 'PIL') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_command_is_listed(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for command in ("demo", "run", "train", "predict", "search", "serve", "gradcheck", "bench"):
        assert command in text


def test_gradcheck_command_prints_a_passing_table(capsys):
    assert main(["gradcheck", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "BatchNorm train" in out and "loss SCCE" in out and "FAIL" not in out
    assert "units pass" in out


def test_train_settings_merge_toml_and_flags(tmp_path):
    from scratchdl.lab.train import train_settings

    cfg = tmp_path / "run.toml"
    cfg.write_text('layers = [64, 32]\nactivation = "tanh"\nepochs = 2\n')
    args = build_parser().parse_args(["train", "--config", str(cfg), "--epochs", "5"])
    s = train_settings(args)
    assert s["layers"] == [64, 32] and s["activation"] == "tanh" and s["epochs"] == 5
    bad = tmp_path / "bad.toml"
    bad.write_text("layerz = [1]\n")
    with pytest.raises(ValueError, match="layerz"):
        train_settings(build_parser().parse_args(["train", "--config", str(bad)]))


@pytest.mark.slow
def test_train_then_predict_a_drawn_digit(tmp_path, capsys):
    from PIL import Image, ImageDraw

    model_path = tmp_path / "m.keras"
    assert (
        main(["train", "--quick", "--epochs", "3", "--layers", "64", "--out", str(model_path)]) == 0
    )
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["test_accuracy"] > 0.8 and (tmp_path / "m.png").exists()
    img = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(img).line([(100, 30), (100, 170)], fill=0, width=14)  # a "1"
    digit = tmp_path / "one.png"
    img.save(digit)
    empty = tmp_path / "empty.png"
    Image.new("L", (50, 50), 255).save(empty)
    status = main(["predict", str(model_path), str(digit), str(empty)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert status == 1  # the empty image is reported, the digit still classified
    assert lines[0].startswith(f"{digit}: 1 (")
    assert lines[1].startswith(f"{empty}:") and "ink" in lines[1].lower()
