"""The strong-Wolfe line search LBFGS uses (Nocedal & Wright, *Numerical Optimization*,
algorithms 3.5 and 3.6), with cubic interpolation of the trial steps.

Works on flat float arrays: ``evaluate(t)`` returns the loss and the flat gradient at ``x + t d``.

>>> import numpy as np
>>> def evaluate(t):  # f(x) = x**2 from x = 1 along d = -1
...     x = 1.0 - t
...     return x * x, np.array([2 * x])
>>> d, g0 = np.array([-1.0]), np.array([2.0])
>>> loss, grad, t, evals = strong_wolfe(evaluate, 1.0, d, 1.0, g0, -2.0)
>>> float(t), loss, evals
(1.0, 0.0, 1)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np


def cubic_minimum(x1, f1, g1, x2, f2, g2, bounds=None) -> float:
    """The minimiser of the cubic through ``(x1, f1)`` and ``(x2, f2)`` with slopes ``g1, g2``,
    clamped to ``bounds`` (default: between ``x1`` and ``x2``); the bounds' midpoint when the
    cubic has no minimum.

    >>> cubic_minimum(0.0, 1.0, -2.0, 2.0, 1.0, 2.0)
    1.0
    """
    low, high = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 * d1 - g1 * g2
    if d2_square < 0:
        return (low + high) / 2.0
    d2 = math.sqrt(d2_square)
    if x1 <= x2:
        at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, low), high)


class _Point:
    """One trial of the search: step ``t``, loss ``f``, gradient ``g`` and slope ``gtd``."""

    __slots__ = ("f", "g", "gtd", "t")

    def __init__(self, t, f, g, gtd) -> None:
        self.t, self.f, self.g, self.gtd = t, f, g, gtd


def strong_wolfe(
    evaluate: Callable,
    t: float,
    d: np.ndarray,
    f: float,
    g: np.ndarray,
    gtd: float,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
):
    """Search along ``d`` from step ``t`` for a step meeting the strong Wolfe conditions.

    Args:
        evaluate: ``evaluate(t) -> (loss, flat_grad)`` at the trial point.
        t: the first trial step.
        d: the search direction.
        f, g, gtd: loss, gradient and directional derivative at step 0.
        c1, c2: the sufficient-decrease and curvature constants.
        tolerance_change: stop when the bracket is this narrow (scaled by ``max |d|``).
        max_ls: the most evaluations.

    Returns ``(loss, flat_grad, t, evaluations)`` at the chosen step.

    >>> def evaluate(t):
    ...     x = 3.0 - 4.0 * t
    ...     return x * x, np.array([2 * x])
    >>> d, g0 = np.array([-4.0]), np.array([6.0])
    >>> loss, grad, t, evals = strong_wolfe(evaluate, 2.0, d, 9.0, g0, -24.0)
    >>> round(float(t), 4), evals
    (0.75, 2)
    """
    d_norm = float(np.max(np.abs(d)))
    start = _Point(0, f, g.copy(), gtd)
    f_new, g_new = evaluate(t)
    evals, ls_iter = 1, 0
    new = _Point(t, f_new, g_new, g_new.dot(d))
    prev = start
    bracket: list[_Point] | None = None
    done = False
    while ls_iter < max_ls:
        if new.f > f + c1 * new.t * gtd or (ls_iter > 1 and new.f >= prev.f):
            bracket = [prev, _copy(new)]
            break
        if abs(new.gtd) <= -c2 * gtd:
            bracket, done = [new], True
            break
        if new.gtd >= 0:
            bracket = [prev, _copy(new)]
            break
        # extrapolate: a step between 1.01 t and 10 t (measured from the previous trial)
        low, high = new.t + 0.01 * (new.t - prev.t), new.t * 10
        t = cubic_minimum(prev.t, prev.f, prev.gtd, new.t, new.f, new.gtd, bounds=(low, high))
        prev = _copy(new)
        f_new, g_new = evaluate(t)
        evals, ls_iter = evals + 1, ls_iter + 1
        new = _Point(t, f_new, g_new, g_new.dot(d))
    if ls_iter == max_ls:
        bracket = [_Point(0, f, g, None), new]
    if not done:
        bracket, evals = _zoom(
            evaluate, bracket, d, d_norm, f, gtd, c1, c2, tolerance_change, max_ls, ls_iter, evals
        )
    assert bracket is not None  # the loop broke with one, or all max_ls trials ran
    best = bracket[0] if len(bracket) == 1 else bracket[_low(bracket)]
    return best.f, best.g, best.t, evals


def _copy(p: _Point) -> _Point:
    return _Point(p.t, p.f, p.g.copy(), p.gtd)


def _low(bracket: list) -> int:
    """Which end of the bracket has the lower loss (the first on a tie)."""
    return 0 if bracket[0].f <= bracket[-1].f else 1


def _zoom(evaluate, bracket, d, d_norm, f, gtd, c1, c2, tolerance_change, max_ls, ls_iter, evals):
    """Shrink the bracket ``[a, b]`` around a step meeting the strong Wolfe conditions."""
    insufficient_progress = False
    low = _low(bracket)
    while ls_iter < max_ls:
        if abs(bracket[1].t - bracket[0].t) * d_norm < tolerance_change:
            break
        a, b = bracket
        t = cubic_minimum(a.t, a.f, a.gtd, b.t, b.f, b.gtd)
        t, insufficient_progress = _keep_off_ends(t, a.t, b.t, insufficient_progress)
        f_new, g_new = evaluate(t)
        evals, ls_iter = evals + 1, ls_iter + 1
        new = _Point(t, f_new, g_new.copy(), g_new.dot(d))
        high = 1 - low
        if new.f > f + c1 * t * gtd or new.f >= bracket[low].f:
            bracket[high] = new
            low = _low(bracket)
            continue
        if abs(new.gtd) <= -c2 * gtd:
            bracket[low] = new
            break
        if new.gtd * (bracket[high].t - bracket[low].t) >= 0:
            bracket[high] = bracket[low]
        bracket[low] = new
    return [bracket[low]], evals


def _keep_off_ends(t, a, b, insufficient_progress):
    """Move a trial step that lands within a tenth of the bracket's width of an end (twice in a
    row, or outside) to that distance from the end."""
    top, bottom = max(a, b), min(a, b)
    margin = 0.1 * (top - bottom)
    if min(top - t, t - bottom) >= margin:
        return t, False
    if insufficient_progress or t >= top or t <= bottom:
        t = top - margin if abs(t - top) < abs(t - bottom) else bottom + margin
        return t, False
    return t, True
