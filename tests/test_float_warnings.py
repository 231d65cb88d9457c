"""Overflow and the like give inf/nan silently, as in PyTorch: no NumPy RuntimeWarning leaks.

Run in a fresh interpreter with ``-W error::RuntimeWarning`` (a user's strictest setting), so
a leaked warning is an exception; the values are compared with torch's.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CASES = {
    "mul": "x * 10",
    "add": "x + x",
    "sub": "x - (-x)",
    "pow": "x ** 2",
    "sum": "x.sum()",
    "mean": "x.mean()",
    "nansum": "x.nansum()",
    "prod": "x.prod()",
    "cumsum": "x.cumsum(0)",
    "cumprod": "x.cumprod(0)",
    "l1_loss": "F.l1_loss(x, -x)",
    "mse_loss": "F.mse_loss(x, -x)",
    "div_zero": "x / 0",
    "log_zero": "(x * 0).log()",
    "i0_inf": "(x * 10).i0().isnan()",  # NaN at inf, as in PyTorch
}

PROGRAM = """
import json, sys
import {module} as torch
import {module}.nn.functional as F
x = torch.tensor([3e38, 3e38], dtype=torch.float32)
cases = json.loads(sys.argv[1])
print(json.dumps({{k: eval(v).tolist() for k, v in cases.items()}}))
"""


def _run(module: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c", PROGRAM.format(module=module)]
        + [json.dumps(CASES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_no_numpy_warning_leaks_and_values_match_torch():
    pytest.importorskip("torch")
    assert _run("graphgrad") == _run("torch")


def test_numpy_outside_graphgrad_still_warns():
    code = "import graphgrad, numpy as np; np.float32(3e38) * np.float32(10)"
    out = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c", code], capture_output=True, text=True
    )
    assert out.returncode != 0 and "overflow encountered" in out.stderr
