"""Hypothesis profiles for the fuzz tests, and the run's summary.

``ci`` (the default, part of ``make test``): few examples, derandomized, so the suite is
deterministic. ``fuzz`` (``make fuzz``): many examples, random; differences are written to the
file named by ``GRAPHGRAD_FUZZ_FAILURES`` instead of stopping the run.
"""

from __future__ import annotations

import os
import sys

try:
    import hypothesis
except ImportError:  # the fuzz modules skip themselves, saying why
    hypothesis = None


def _register_profiles() -> None:
    hypothesis.settings.register_profile(
        "ci",
        max_examples=8,
        derandomize=True,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    hypothesis.settings.register_profile(
        "fuzz",
        max_examples=int(os.environ.get("GRAPHGRAD_FUZZ_EXAMPLES", "400")),
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


if hypothesis is not None:
    _register_profiles()


def pytest_sessionfinish(session, exitstatus):
    oracle = sys.modules.get(__name__.rpartition(".")[0] + ".oracle")  # imported by a test
    if oracle is not None and oracle.RECORD_PATH:
        oracle.write_summary()
