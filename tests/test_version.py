"""``torch.version``: the fields environment reports read, as PyTorch's CPU-only build has them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import graphgrad

FIELDS = ["cuda", "hip", "rocm", "xpu", "debug"]


@pytest.mark.parametrize("name", FIELDS)
def test_toolkit_fields_are_pytorch_cpu_builds(name):
    torch = pytest.importorskip("torch")
    if torch.version.cuda is not None:
        pytest.skip("the installed torch is not the CPU-only build")
    assert getattr(graphgrad.version, name) == getattr(torch.version, name)


def test_a_cpu_build_has_no_cuda_without_torch_too():
    assert (graphgrad.version.cuda, graphgrad.version.hip, graphgrad.version.debug) == (
        None, None, False)  # fmt: skip


def test_the_version_is_the_packages():
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    declared = re.search(r'^version = "([^"]+)"', pyproject, re.M)
    assert declared is not None
    assert graphgrad.__version__ == graphgrad.version.__version__ == declared.group(1)
