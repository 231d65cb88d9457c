"""Run one case in graphgrad and in torch and compare what came out.

A case is a function ``fn(T, *tensors)`` and its inputs as NumPy arrays (their dtypes are the
tensors' dtypes). Both libraries get the same inputs (non-contiguous when asked), run ``fn``,
then backward from the float outputs with the same seed gradient. Compared: the exception type
(when either raises), output dtypes, shapes and values (NaN where NaN, inf where inf, the rest
within the op's tolerance), the sign of every zero, and the gradients the same way.
"""

from __future__ import annotations

import collections
import os
import warnings
from dataclasses import dataclass, field

import numpy as np
import torch

import graphgrad

from .known import NO_SCALAR, Case, explained

RECORD_PATH = os.environ.get("GRAPHGRAD_FUZZ_FAILURES")
COUNTS: collections.Counter = collections.Counter()  # examples, differences, explained ones


@dataclass
class Outcome:
    error: str | None = None  # the exception's type name
    message: str = ""
    values: list = field(default_factory=list)  # (dtype name, array) per output
    grads: list = field(default_factory=list)  # array or None per input


def _tensor(T, a: np.ndarray, noncontig: bool, grad: bool):
    if noncontig:
        base = T.tensor(np.stack([a, np.zeros_like(a)], -1))
        t = base[..., 0]
    else:
        t = T.tensor(a)
    if grad and a.dtype.kind == "f":
        t.requires_grad_()
    return t


def _flat(out) -> list:
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flat(o)]
    return [out]


def _array(T, x) -> tuple:
    if isinstance(x, (T.Tensor,)):
        return str(x.dtype).replace("torch.", ""), x.detach().numpy().copy()
    return type(x).__name__, np.asarray(x)


def _seed(shape: tuple) -> np.ndarray:
    return np.random.default_rng(len(shape) + int(np.prod(shape))).uniform(-1, 1, shape)


def run(T, fn, arrays: list, noncontig: tuple, grad: bool) -> Outcome:
    """``fn`` in library ``T`` (graphgrad or torch) on these inputs."""
    outcome = Outcome()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            inputs = [_tensor(T, a, n, grad) for a, n in zip(arrays, noncontig, strict=True)]
            outs = _flat(fn(T, *inputs))
            outcome.values = [_array(T, o) for o in outs]
            if grad:
                roots = [o for o in outs if isinstance(o, T.Tensor) and o.requires_grad]
                if roots:
                    seeds = [T.tensor(_seed(tuple(o.shape)), dtype=o.dtype) for o in roots]
                    T.autograd.backward(roots, seeds)
                    for t in inputs:
                        g = t.grad
                        outcome.grads.append(None if g is None else g.numpy().copy())
        except Exception as e:  # noqa: BLE001 - compared with the other library's
            outcome.error = type(e).__name__
            outcome.message = str(e)[:200]
    return outcome


def _same_array(ours: np.ndarray, theirs: np.ndarray, rtol: float, atol: float) -> str | None:
    """None when equal as the comparison says; else which kind of difference."""
    if ours.shape != theirs.shape:
        return "shape"
    if ours.dtype.kind not in "fc":
        return None if np.array_equal(ours, theirs) else "value"
    a, b = ours.astype(np.float64), theirs.astype(np.float64)
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        return "nan"
    ok = np.isnan(a) | np.isclose(a, b, rtol=rtol, atol=atol)
    if not ok.all():
        return "value"
    zeros = (a == 0) & (b == 0)
    if np.any(np.signbit(a[zeros]) != np.signbit(b[zeros])):
        return "zero_sign"
    return None


def differences(
    ours: Outcome, theirs: Outcome, rtol: float, atol: float, grad_tol=None
) -> list[str]:
    """The kinds of difference between two outcomes ("error", "dtype", "value", ...);
    ``grad_tol`` (rtol, atol), when given, for the gradients."""
    g_rtol, g_atol = grad_tol or (rtol, atol)
    if ours.error or theirs.error:
        if ours.error == theirs.error:
            return []
        return [f"error: ours {ours.error}({ours.message!r}), torch {theirs.error}"]
    found = []
    if len(ours.values) != len(theirs.values):
        return ["outputs"]
    for (dt_a, a), (dt_b, b) in zip(ours.values, theirs.values, strict=True):
        if dt_a != dt_b:
            found.append(f"dtype: ours {dt_a}, torch {dt_b}")
        elif (kind := _same_array(a, b, rtol, atol)) is not None:
            found.append(kind)
    for a, b in zip(ours.grads, theirs.grads, strict=False):
        if (a is None) != (b is None):
            found.append("grad_none")
        elif a is not None and (kind := _same_array(a, b, g_rtol, g_atol)) is not None:
            found.append("grad_" + kind)
    return found


def tolerance(dtypes, loose: bool = False) -> tuple[float, float]:
    """rtol, atol for results of these dtypes: a few ulps of float32 work, else float64's."""
    narrow = any(np.dtype(d) in (np.float32, np.float16) for d in dtypes)
    if narrow:
        return (2e-3, 2e-4) if loose else (1e-4, 1e-6)
    return (1e-6, 1e-9) if loose else (1e-9, 1e-12)


def check(
    op: str,
    fn,
    arrays: list,
    *,
    noncontig=None,
    grad=True,
    tol=None,
    grad_tol=None,
    special=False,
    note="",
    scalar=NO_SCALAR,
    scalar_first=False,
):
    """Run the case in both libraries; raise (or record, in a ``make fuzz`` run) differences
    that ``known.py`` does not explain. ``tol``: (rtol, atol) for values and, unless
    ``grad_tol`` is given, for gradients. ``scalar``, ``scalar_first``: the scalar operand
    of the case, if any, for ``known.py``'s entries that depend on it."""
    noncontig = tuple(noncontig or (False,) * len(arrays))
    ours = run(graphgrad, fn, arrays, noncontig, grad)
    theirs = run(torch, fn, arrays, noncontig, grad)
    rtol, atol = tol or tolerance([a.dtype for a in arrays])
    COUNTS["examples"] += 1
    unexplained = []
    case = Case(arrays, scalar, scalar_first)
    for kind in differences(ours, theirs, rtol, atol, grad_tol):
        reason = explained(op, kind, special, any(noncontig), case)
        if reason:
            COUNTS[f"explained: {op} {kind.split(':')[0]}"] += 1
        else:
            unexplained.append(kind)
    if not unexplained:
        return
    COUNTS["unexplained"] += 1
    detail = _describe(op + note, unexplained, arrays, noncontig, ours, theirs)
    if RECORD_PATH:
        with open(RECORD_PATH, "a") as f:
            f.write(detail + "\n\n")
        return
    raise AssertionError(detail)


def _describe(op, kinds, arrays, noncontig, ours: Outcome, theirs: Outcome) -> str:
    with np.printoptions(threshold=20, precision=9):
        lines = [f"{op}: {kinds}"]
        lines += [
            f"  input {a.dtype}{list(a.shape)} noncontig={n}: {a!r}"
            for a, n in zip(arrays, noncontig, strict=True)
        ]
        for name, o in (("ours ", ours), ("torch", theirs)):
            lines.append(f"  {name}: error={o.error} {o.message!r} values={o.values!r}")
            lines.append(f"         grads={o.grads!r}")
    return "\n".join(lines)


def write_summary() -> None:
    with open(RECORD_PATH, "a") as f:
        f.write(
            f"# summary: {COUNTS['examples']} examples, {COUNTS['unexplained']} with "
            "unexplained differences\n"
        )
        for key, n in sorted(COUNTS.items()):
            if key.startswith("explained"):
                f.write(f"#   {key}: {n}\n")
