"""Formatting of the benchmark table: units, paired ratios and the issue's targets.

>>> r = Row("W1", "demo", {"graphgrad": [1e-5, 2e-5], "torch": [4e-5, 4e-5]})
>>> r.ratio("torch")
(0.375, 0.25, 0.5)
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

GG, PT, NP, CG = "graphgrad", "torch", "numpy", "compiled"
MATMUL_FLOP = 3 * 2 * 1024**3

# key -> (compared with, comparison, threshold) from issue 4; W5 also asks graphgrad <= 1.10 x
# NumPy by hand, import also <= 0.15 s.
TARGETS = {
    "W1": (PT, "<=", 0.35), "W2": (PT, "<=", 0.5), "W3": (PT, "<=", 0.5), "W3'": (PT, "<=", 0.5),
    "W4a": (PT, "<=", 0.5), "W4b": (PT, "<=", 0.5), "W5a": (PT, "<=", 0.95),
    "W5b": (PT, "<=", 0.95), "W6": (NP, ">=", 0.97), "W7": (PT, "<=", 1.0),
    "W7m": (PT, "<=", 0.5), "W7p": (PT, "<=", 0.5), "W8": (PT, "<=", 0.5),
    "import": (PT, "<=", 0.2),
}  # fmt: skip


# key -> compiled graphgrad / eager PyTorch at most this (issue 15); the first compiled call
# also costs at most FIRST_CALL_LIMIT eager calls.
COMPILED_TARGETS = {"W1": 0.30, "W2": 0.20, "W3": 0.30, "W4a": 0.30, "W4b": 0.35, "W5a": 0.90}
FIRST_CALL_LIMIT = 3.0


@dataclass
class Row:
    """One workload: per system, one measurement per round (seconds, or MiB with ``unit``)."""

    key: str
    label: str
    values: dict[str, list[float]]
    unit: str = "s"
    notes: list[str] = field(default_factory=list)

    def median(self, system: str) -> float | None:
        vals = self.values.get(system)
        return statistics.median(vals) if vals else None

    def ratio(self, system: str, of: str = GG) -> tuple[float, float, float] | None:
        """``of`` (graphgrad) / ``system`` paired round by round: (median, min, max); for W6,
        the GFLOP/s ratio (the other system's time over graphgrad's)."""
        if system not in self.values or of not in self.values:
            return None
        pairs = zip(self.values[of], self.values[system])
        if self.key == "W6":
            ratios = [o / g for g, o in pairs]
        else:
            ratios = [g / o for g, o in pairs]
        return statistics.median(ratios), min(ratios), max(ratios)

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "unit": self.unit, "values": self.values}


def _fmt_value(row: Row, system: str) -> str:
    m = row.median(system)
    if m is None:
        return "-"
    if row.unit == "MiB":
        return f"{m:.1f} MiB"
    if row.key == "W6":
        return f"{MATMUL_FLOP / m / 1e9:.1f} GFLOP/s"
    if m >= 0.1:
        return f"{m:.3f} s"
    if m >= 1e-3:
        return f"{m * 1e3:.2f} ms"
    return f"{m * 1e6:.2f} us"


def _fmt_ratio(r: tuple | None) -> str:
    if r is None:
        return "-"
    return f"{r[0]:.2f} [{r[1]:.2f}-{r[2]:.2f}]"


def verdict(row: Row) -> tuple[str, str]:
    """(target text, 'yes'/'no'/'-') for the row's issue target, on the median paired ratio."""
    if row.key not in TARGETS:
        return "", "-"
    other, op, threshold = TARGETS[row.key]
    name = {PT: "PyTorch", NP: "NumPy"}[other]
    text = f"{op} {threshold} x {name}"
    r = row.ratio(other)
    if r is None:
        return text, "-"
    ok = r[0] <= threshold if op == "<=" else r[0] >= threshold
    if row.key.startswith("W5"):
        text += ", <= 1.10 x NumPy"
        rn = row.ratio(NP)
        ok = ok and rn is not None and rn[0] <= 1.10
    if row.key == "import":
        text += ", <= 0.15 s"
        ok = ok and row.median(GG) <= 0.15
    return text, "yes" if ok else "no"


def print_table(rows: list[Row], extra: dict) -> None:
    print(
        "| | workload | graphgrad | PyTorch | NumPy by hand | graphgrad / PyTorch "
        "| graphgrad / NumPy | target | met |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        target, met = verdict(row)
        cells = [row.key, row.label, _fmt_value(row, GG), _fmt_value(row, PT),
                 _fmt_value(row, NP), _fmt_ratio(row.ratio(PT)), _fmt_ratio(row.ratio(NP)),
                 target, met]  # fmt: skip
        print("| " + " | ".join(cells) + " |")
    big = extra.get("W7_1M")
    if big:
        t1m = statistics.median(big["time_s"])
        t100k = statistics.median(r["time_s"] for r in extra["W7_100k_time_s"])
        print(
            f"\nW7 at 1,000,000 ops (graphgrad): {t1m:.2f} s, "
            f"{t1m / 1e6 * 1e6:.2f} us/op against {t100k / 1e5 * 1e6:.2f} us/op at 100,000 "
            f"(x{t1m / t100k:.1f} time for x10 ops), "
            f"peak {statistics.median(big['peak_mib']):.0f} MiB"
        )
    print(
        "\nTimes are medians per call (per op for W4); ratios are graphgrad over the other "
        "system, paired round by round: median [min-max]. W6 shows GFLOP/s and the GFLOP/s ratio."
    )


def print_compiled_table(rows: list[Row], extra: dict) -> None:
    """The rows with a ``graphgrad.compile`` column: compiled against eager PyTorch (issue
    15's targets), the first call's cost in eager calls, and whether every compiled call gave
    eager graphgrad's bits."""
    rows = [r for r in rows if CG in r.values]
    if not rows:
        return
    print(
        "\n| | workload | compiled | graphgrad eager | PyTorch | compiled / PyTorch "
        "| compiled / graphgrad | first call / eager call | 10 calls / eager | bits = eager "
        "| target | met |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    first = extra.get("first_call", {})
    same = extra.get("compiled_bits", {})
    for row in rows:
        r = row.ratio(PT, of=CG)
        limit = COMPILED_TARGETS.get(row.key)
        f = first.get(row.key)
        first_ratio = f["first"] / f["first_eager"] if f else None
        met = "-"
        if limit is not None and r is not None:
            ok = r[0] <= limit and same.get(row.key, False)
            ok = ok and (first_ratio is None or first_ratio <= FIRST_CALL_LIMIT)
            met = "yes" if ok else "no"
        cells = [row.key, row.label, _fmt_value(row, CG), _fmt_value(row, GG),
                 _fmt_value(row, PT), _fmt_ratio(r), _fmt_ratio(row.ratio(GG, of=CG)),
                 "-" if not f else f"{first_ratio:.1f} ({f['first'] / row.median(GG):.1f})",
                 "-" if not f else f"{f['ten'] / f['ten_eager']:.2f}",
                 {True: "yes", False: "NO"}.get(same.get(row.key), "-"),
                 f"<= {limit} x PyTorch" if limit is not None else "", met]  # fmt: skip
        print("| " + " | ".join(cells) + " |")
    print(
        "\nFirst call / eager call: a fresh compiled step's first call (the eager call that "
        "records) over a fresh eager step's first call, both timed alone (median of 15 fresh "
        "steps); in brackets, over the eager row's warm median. 10 calls / eager: the first "
        "ten calls of a fresh compiled step (recording, check, eight replays) over those of a "
        "fresh eager step."
    )


def machine_line(torch, platform, started: float) -> str:
    import os

    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")]
        cpu = f"{names[0]} x{len(names)}" if names else cpu
    except OSError:
        pass
    when = datetime.datetime.fromtimestamp(started).strftime("%Y-%m-%d %H:%M")
    try:
        load = f"load {os.getloadavg()[0]:.1f}"
    except OSError:
        load = ""
    tv = torch.__version__ if torch is not None else "not installed"
    return (
        f"Machine: {cpu}, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}, NumPy {np.__version__}, PyTorch {tv}, 1 BLAS thread; "
        f"{when}, {load} at start.\n"
    )
