"""``torch.utils.benchmark``: ``Timer`` times a Python statement; the ``Measurement`` it returns
holds the times and prints them as PyTorch's does.

A measurement prints its title (the label, else the statement), the time per run (the median
when there are several measurements, with the interquartile range from four on) and, when that
range is more than a tenth of the median, PyTorch's warning. Times are in the largest unit not
above them (ns, us, ms, s). The C++ timers, ``Compare`` and the fuzzers are not here.

>>> import graphgrad as torch
>>> from graphgrad.utils.benchmark import Measurement, TaskSpec, Timer
>>> m = Timer("x + x", globals={"x": torch.ones(3)}).timeit(10)
>>> m.number_per_run, len(m.times)
(10, 1)
>>> print(Measurement(10, [1.0e-3, 1.01e-3, 1.02e-3, 1.03e-3], TaskSpec("f()", "pass", label="f")))
... # doctest: +ELLIPSIS
<graphgrad.utils.benchmark.Measurement object at 0x...>
f
  Median: 101.50 us
  IQR:    1.50 us (100.75 to 102.25)
  4 measurements, 10 runs per measurement, 1 thread
"""

from __future__ import annotations

import enum
import sys
import textwrap
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# The units a time prints in, the largest first: a time takes the first not above it.
_UNITS = (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9))
# Interquartile range / median beyond which a measurement warns, and what it then says
_FLUCTUATION, _INFLUENCE = 0.1, 0.25


class Language(enum.Enum):
    """The statement's language: graphgrad times Python only."""

    PYTHON = 0


@dataclass(frozen=True)
class TaskSpec:
    """What was timed: the statement, its setup, and the names that title the measurement."""

    stmt: str
    setup: str
    global_setup: str = ""
    label: str | None = None
    sub_label: str | None = None
    description: str | None = None
    env: str | None = None
    num_threads: int = 1

    @property
    def title(self) -> str:
        """The label, else the statement, with ``: sub_label`` after it when there is one."""
        head = self.label if self.label is not None else self.stmt
        return head if self.sub_label is None else f"{head}: {self.sub_label}"

    def summary(self) -> list[str]:
        """The lines that head a measurement's printout."""
        if self.label is None and "\n" in self.stmt:
            lines = ["stmt:", *_indented(self.stmt), ""]
        else:
            lines = [self.title]
        if self.description is not None:
            lines.append(self.description)
        if self.setup != "pass":
            lines += (
                ["setup:", *_indented(self.setup), ""]
                if "\n" in self.setup
                else [f"setup: {self.setup}"]
            )
        return lines


def _indented(text: str) -> list[str]:
    return ["  " + line for line in text.splitlines()]


class Measurement:
    """The times of ``number_per_run`` runs of a statement, once per entry of ``raw_times``.

    >>> m = Measurement(2, [4.0, 6.0], TaskSpec("f()", "pass"))
    >>> m.times, m.median
    ([2.0, 3.0], 2.5)
    """

    def __init__(self, number_per_run: int, raw_times: list[float], task_spec: TaskSpec,
                 metadata: dict | None = None) -> None:  # fmt: skip
        self.number_per_run = number_per_run
        self.raw_times = list(raw_times)
        self.task_spec = task_spec
        self.metadata = metadata

    def __getattr__(self, name: str):
        # the task's fields read as the measurement's own (m.label, m.stmt...), as in PyTorch
        if name != "task_spec" and name in TaskSpec.__dataclass_fields__:
            return getattr(self.task_spec, name)
        raise AttributeError(f"'Measurement' object has no attribute '{name}'")

    @property
    def times(self) -> list[float]:
        """The time of one run, from each measurement."""
        return [t / self.number_per_run for t in self.raw_times]

    @property
    def median(self) -> float:
        return float(np.median(self.times))

    @property
    def mean(self) -> float:
        return float(np.mean(self.times))

    @property
    def iqr(self) -> float:
        """The interquartile range of ``times``."""
        low, high = np.percentile(self.times, [25, 75])
        return float(high - low)

    @property
    def title(self) -> str:
        return self.task_spec.title

    @property
    def has_warnings(self) -> bool:
        """Whether the times spread beyond a tenth of the median (see ``__repr__``)."""
        return self.iqr / self.median > _FLUCTUATION

    def __repr__(self) -> str:
        name, scale = next(((n, s) for n, s in _UNITS if self.median >= s), _UNITS[0])
        show = lambda t: f"{t / scale:.2f}"  # noqa: E731
        n = len(self.times)
        lines = [object.__repr__(self), *self.task_spec.summary()]
        if n == 1:
            lines.append(f"  {show(self.median)} {name}")
        else:
            lines.append(f"  Median: {show(self.median)} {name}")
        if n >= 4:
            low, high = np.percentile(self.times, [25, 75])
            lines.append(f"  IQR:    {show(self.iqr)} {name} ({show(low)} to {show(high)})")
        threads = self.task_spec.num_threads
        threads_text = f"{threads} thread{'s' if threads != 1 else ''}"
        if n == 1:
            lines.append(f"  1 measurement, {self.number_per_run} runs , {threads_text}")
        else:
            per = f"{self.number_per_run} runs per measurement"
            lines.append(f"  {n} measurements, {per}, {threads_text}")
        if self.has_warnings:
            share = self.iqr / self.median
            why = ("This suggests significant environmental influence." if share >= _INFLUENCE
                   else "This could indicate system fluctuation.")  # fmt: skip
            lines.append(
                f"  WARNING: Interquartile range is {share * 100:.1f}% of the median measurement."
            )
            lines.append(f"           {why}")
        return "\n".join(lines)


def _dedented(code: str) -> str:
    """``code`` as PyTorch's Timer takes it: dedented, without a first empty line or trailing
    space (so a triple-quoted, indented ``setup`` runs)."""
    code = textwrap.dedent(code)
    return (code[1:] if code.startswith("\n") else code).rstrip()


class Timer:
    """Times ``stmt`` (Python source), run after ``setup`` in the namespace ``globals``.

    Args:
        stmt: the statement timed.
        setup: run once before the timing.
        timer: the clock (``time.perf_counter``).
        globals: the names the statement and setup see.
        label, sub_label, description, env: what titles the measurement.
        num_threads: recorded in the measurement (graphgrad's NumPy picks its own threads).

    >>> t = Timer("sum(range(10))")
    >>> t.blocked_autorange(min_run_time=0.001).number_per_run >= 1
    True
    """

    def __init__(self, stmt: str = "pass", setup: str = "pass", global_setup: str = "",
                 timer: Callable[[], float] = time.perf_counter, globals: dict | None = None,  # noqa: A002
                 label: str | None = None, sub_label: str | None = None,
                 description: str | None = None, env: str | None = None, num_threads: int = 1,
                 language: Language | str = Language.PYTHON) -> None:  # fmt: skip
        if language not in (Language.PYTHON, "py", "python"):
            raise ValueError(f"graphgrad's Timer runs Python statements only, not {language!r}")
        stmt, setup, global_setup = map(_dedented, (stmt, setup, global_setup))
        self._task_spec = TaskSpec(stmt, setup, global_setup, label, sub_label, description,
                                   env, num_threads)  # fmt: skip
        namespace = dict(globals or {})
        namespace.setdefault("torch", sys.modules["graphgrad"])  # (PyTorch's gives ``torch``)
        self._timer = timeit.Timer(stmt, setup, timer, globals=namespace)

    def timeit(self, number: int = 1000000) -> Measurement:
        """One measurement of ``number`` runs."""
        return Measurement(number, [self._timer.timeit(number)], self._task_spec)

    def _block_size(self, min_block: float) -> int:
        """Runs per measurement: the first power of ten whose runs take ``min_block``."""
        number = 1
        while self._timer.timeit(number) < min_block and number < 10**9:
            number *= 10
        return number

    def blocked_autorange(self, callback: Callable | None = None,
                          min_run_time: float = 0.2) -> Measurement:  # fmt: skip
        """Measurements of a block of runs (a tenth of ``min_run_time`` or more each), until they
        add up to ``min_run_time``; ``callback(number, time)`` after each."""
        number = self._block_size(min_run_time / 10)
        times: list[float] = []
        while not times or sum(times) < min_run_time:
            times.append(self._timer.timeit(number))
            if callback is not None:
                callback(number, times[-1])
        return Measurement(number, times, self._task_spec)

    def adaptive_autorange(self, threshold: float = 0.1, *, min_run_time: float = 0.01,
                           max_run_time: float = 10.0, callback: Callable | None = None,
                           ) -> Measurement:  # fmt: skip
        """Measurements until their interquartile range is within ``threshold`` of the median
        (and they add up to ``min_run_time``), or they add up to ``max_run_time``."""
        number = self._block_size(0.01)
        times: list[float] = []
        while sum(times) < max_run_time:
            times.append(self._timer.timeit(number))
            if callback is not None:
                callback(number, times[-1])
            measured = Measurement(number, times, self._task_spec)
            if (
                len(times) > 3
                and sum(times) >= min_run_time
                and measured.iqr <= threshold * measured.median
            ):
                break
        return Measurement(number, times, self._task_spec)


__all__ = ["Language", "Measurement", "TaskSpec", "Timer"]
