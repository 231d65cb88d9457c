"""``graphgrad.utils.benchmark`` against torch's: a Measurement prints as PyTorch's does (all
but its first line, the object's address), and the Timer measures what it is asked to."""

from __future__ import annotations

import pytest

import graphgrad
from graphgrad.utils import benchmark

CASES = {
    "one": (100, [1.28e-4], {}),
    "three": (10000, [2.4e-2, 2.5e-2, 2.45e-2], {"label": "lab", "sub_label": "sub",
                                                  "description": "desc"}),
    "iqr": (10, [1e-3, 1.1e-3, 1.2e-3, 1.3e-3, 5e-3], {"label": "L", "num_threads": 4}),
    "even": (10, [1.5e-4] * 4, {}),
    "influence": (10, [1.0, 2.0, 3.0, 10.0], {}),
    "two": (3, [1e-6, 2e-6], {}),
    "tiny": (1, [5e-10], {}),
    "round_up": (1, [999.999e-6], {}),
    "seconds": (1, [7200.0], {"sub_label": "s", "description": "d", "env": "e"}),
    "setup": (1, [3.0], {"setup": "y = 1"}),
    "multiline": (1, [3.0], {"stmt": "a\nb", "setup": "x=1\ny=2"}),
    "fluctuation_edge": (1, [0.875, 0.875, 1.0, 1.125, 1.125], {}),
}  # fmt: skip


def _printed(module, number, raw, spec) -> list[str]:
    names = {k: v for k, v in spec.items() if k not in ("stmt", "setup")}
    task = module.TaskSpec(spec.get("stmt", "f()"), spec.get("setup", "pass"), **names)
    return repr(module.Measurement(number, raw, task)).split("\n")[1:]


@pytest.mark.parametrize("case", CASES)
def test_measurement_prints_as_torchs(case):
    pytest.importorskip("torch")
    from torch.utils.benchmark.utils.common import Measurement, TaskSpec

    class Theirs:
        pass

    Theirs.Measurement, Theirs.TaskSpec = Measurement, TaskSpec
    assert _printed(benchmark, *CASES[case]) == _printed(Theirs, *CASES[case])


def test_measurement_statistics_are_torchs():
    pytest.importorskip("torch")
    from torch.utils.benchmark.utils.common import Measurement, TaskSpec

    raw = [1.0, 2.0, 3.0, 10.0]
    ours = benchmark.Measurement(4, raw, benchmark.TaskSpec("f()", "pass", label="L"))
    theirs = Measurement(4, raw, TaskSpec("f()", "pass", label="L"))
    for name in ("times", "median", "mean", "iqr", "title", "has_warnings", "label"):
        assert getattr(ours, name) == pytest.approx(getattr(theirs, name)), name
    assert repr(ours).startswith("<graphgrad.utils.benchmark.Measurement object at 0x")


def test_timer_runs_setup_once_and_the_statement_number_times():
    calls = []
    timer = benchmark.Timer("calls.append(1)", setup="calls.clear()", globals={"calls": calls})
    m = timer.timeit(25)
    assert len(calls) == 25 and m.number_per_run == 25 and len(m.raw_times) == 1
    assert m.times[0] == pytest.approx(m.raw_times[0] / 25)


def test_blocked_autorange_measures_blocks_until_min_run_time():
    seen = []
    m = benchmark.Timer("sum(range(50))").blocked_autorange(
        callback=lambda n, t: seen.append((n, t)), min_run_time=0.02
    )
    assert len(seen) == len(m.raw_times) >= 1 and sum(m.raw_times) >= 0.02
    assert all(n == m.number_per_run for n, _ in seen)
    assert m.raw_times[0] >= 0.002 or m.number_per_run == 10**9  # a block: a tenth of the time


def test_adaptive_autorange_stops_by_max_run_time():
    m = benchmark.Timer("x + x", globals={"x": graphgrad.ones(2)}).adaptive_autorange(
        threshold=0.0, max_run_time=0.05
    )
    assert 0.05 <= sum(m.raw_times) < 0.5


def test_only_python_statements():
    with pytest.raises(ValueError, match="Python statements only"):
        benchmark.Timer("x", language="c++")


def test_reachable_as_torch_utils_benchmark():
    import graphgrad.utils.benchmark as imported
    from graphgrad.utils.benchmark import Timer

    assert graphgrad.utils.benchmark is imported and Timer is imported.Timer


def test_timer_takes_indented_code_and_gives_it_torch():
    # before: IndentationError for an indented triple-quoted setup, and NameError for
    # ``torch`` in the statement (PyTorch's timer_quick_start recipe does both)
    from graphgrad.utils.benchmark import Timer

    m = Timer("x * 2", """
        x = 3
        """).timeit(3)  # fmt: skip
    assert (m.number_per_run, m.setup, m.stmt) == (3, "x = 3", "x * 2")
    m = Timer("torch.ones(2).sum()").timeit(2)
    assert m.number_per_run == 2 and len(m.times) == 1
