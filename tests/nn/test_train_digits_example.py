"""The end-to-end example: examples/train_digits.py reaches 97% and round-trips its checkpoint."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "train_digits.py"


def _load_example():
    for name in ("sklearn", "tqdm", "matplotlib", "safetensors"):
        pytest.importorskip(name)
    spec = importlib.util.spec_from_file_location("train_digits", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_train_digits_reaches_97_percent(tmp_path):
    example = _load_example()
    result = example.main(["--quiet", "--out", str(tmp_path)])
    assert result["accuracy"] >= 0.97
    assert result["reloaded"] == result["accuracy"]
    assert (tmp_path / "digits_graphgrad.png").stat().st_size > 10_000
    assert (tmp_path / "digits_graphgrad.ckpt").exists()


def test_train_digits_compiled_matches_eager_bit_for_bit(tmp_path):
    import warnings

    example = _load_example()
    common = ["--quiet", "--epochs", "1", "--out", str(tmp_path)]
    eager = example.main(common)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every step is recorded or replayed: no fallback
        compiled = example.main([*common, "--compile"])
    assert compiled["history"] == eager["history"]
    assert compiled["reloaded"] == eager["reloaded"]
