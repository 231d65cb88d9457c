"""L-BFGS: quasi-Newton steps from a limited history of gradient differences (Nocedal & Wright,
*Numerical Optimization*, algorithm 7.4), with an optional strong-Wolfe line search.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([3.0, -2.0], dtype=torch.float64))
>>> opt = torch.optim.LBFGS([w])
>>> def closure():
...     opt.zero_grad()
...     loss = ((w - 1) ** 2).sum()
...     loss.backward()
...     return loss
>>> opt.step(closure)
tensor(13., dtype=torch.float64, grad_fn=<SumBackward0>)
>>> w
Parameter containing:
tensor([1.0000, 1.0000], dtype=torch.float64, requires_grad=True)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor
from ._kernels import add_scaled, add_scaled_, write
from ._line_search import strong_wolfe
from .optimizer import Optimizer, check_nonnegative


def _array(value) -> np.ndarray:
    return value._data if isinstance(value, Tensor) else np.asarray(value)


def _scalar(value):
    """A state scalar as a NumPy scalar of its dtype (so float32 state stays float32 as in
    PyTorch, where these are 0-d tensors), or the Python number it is."""
    return value._data[()] if isinstance(value, Tensor) else value


def _tensor(array) -> Tensor:
    return Tensor._make(np.asarray(array))


class LBFGS(Optimizer):
    """L-BFGS. Each ``step(closure)`` runs up to ``max_iter`` iterations, calling ``closure``
    (which must zero the gradients, compute the loss, call ``backward`` and return the loss)
    as often as it needs; it returns the first loss. All parameters form one group.

    Args:
        params: the tensors to optimise (one group only).
        lr: the learning rate (the step along each search direction, without line search).
        max_iter: the most iterations per ``step``.
        max_eval: the most closure calls per ``step`` (default ``max_iter * 5 // 4``).
        tolerance_grad: stop when every gradient element is at most this in magnitude.
        tolerance_change: stop when the step or the loss changes by less than this.
        history_size: how many curvature pairs to remember.
        line_search_fn: ``None`` (fixed steps) or ``"strong_wolfe"``.

    >>> x = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
    >>> opt = torch.optim.LBFGS([x], line_search_fn="strong_wolfe")
    >>> def rosenbrock():
    ...     opt.zero_grad()
    ...     loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    ...     loss.backward()
    ...     return loss
    >>> for _ in range(3):
    ...     loss = opt.step(rosenbrock)
    >>> [round(v, 6) for v in x.tolist()]
    [0.999998, 0.999997]
    """

    def __init__(
        self,
        params,
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        check_nonnegative(lr=lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {
            "lr": lr,
            "max_iter": max_iter,
            "max_eval": max_eval,
            "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change,
            "history_size": history_size,
            "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    # -- the parameters as one flat vector -----------------------------------------------------
    def _flat_grad(self) -> np.ndarray:
        parts = [
            np.zeros(p._data.size, p._data.dtype) if p._grad is None else p._grad._data.ravel()
            for p in self._params
        ]
        return np.concatenate(parts) if parts else np.zeros(0)

    def _add_direction(self, t: float, d: np.ndarray) -> None:
        offset = 0
        for p in self._params:
            n = p._data.size
            add_scaled_(p._data, d[offset : offset + n].reshape(p._data.shape), t)
            p._bump_version()
            offset += n

    def _snapshot(self) -> list[np.ndarray]:
        return [p._data.copy() for p in self._params]

    def _restore(self, saved: list[np.ndarray]) -> None:
        for p, data in zip(self._params, saved, strict=True):
            write(p._data, data)
            p._bump_version()

    def _evaluate(self, closure: Callable) -> tuple[float, np.ndarray]:
        with enable_grad():
            loss = float(closure())
        return loss, self._flat_grad()

    # -- the update ------------------------------------------------------------------------------
    def step(self, closure: Callable):  # type: ignore[override]
        """Run up to ``max_iter`` L-BFGS iterations; returns the loss ``closure`` first gave.

        Args:
            closure: zeroes the gradients, computes the loss, calls ``backward``, returns it.

        >>> w = torch.tensor([4.0], dtype=torch.float64, requires_grad=True)
        >>> opt = torch.optim.LBFGS([w])
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = (w * w).sum()
        ...     loss.backward()
        ...     return loss
        >>> opt.step(closure).item(), w.item()
        (16.0, 0.0)
        """
        group = self.param_groups[0]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        with enable_grad():
            first_loss = closure()
        loss = float(first_loss)
        state["func_evals"] += 1
        grad = self._flat_grad()
        if np.max(np.abs(grad), initial=0.0) <= group["tolerance_grad"]:
            return first_loss
        _Iterations(self, group, state, closure).run(loss, grad)
        return first_loss


class _Iterations:
    """The iterations of one ``LBFGS.step``: reads the saved history from ``state``, runs,
    and writes it back."""

    def __init__(self, opt: LBFGS, group: dict, state: dict, closure: Callable) -> None:
        self.opt, self.group, self.state, self.closure = opt, group, state, closure
        self.d = _array(state["d"]) if "d" in state else None
        self.t = state.get("t")
        self.old_dirs = [_array(v) for v in state.get("old_dirs", [])]
        self.old_stps = [_array(v) for v in state.get("old_stps", [])]
        self.ro = [_scalar(v) for v in state.get("ro", [])]
        self.h_diag = state.get("H_diag")
        self.prev_grad = _array(state["prev_flat_grad"]) if "prev_flat_grad" in state else None
        self.prev_loss = state.get("prev_loss")

    def run(self, loss: float, grad: np.ndarray) -> None:
        group, state = self.group, self.state
        lr, evals, n_iter = group["lr"], 1, 0
        while n_iter < group["max_iter"]:
            n_iter += 1
            state["n_iter"] += 1
            self._direction(grad)
            self.prev_grad, self.prev_loss = grad.copy(), loss
            if state["n_iter"] == 1:
                scale = 1.0 / np.abs(grad).sum()
                self.t = _tensor(scale * lr) if scale < 1.0 else 1.0 * lr
            else:
                self.t = lr
            gtd = grad.dot(self._d())
            if gtd > -group["tolerance_change"]:
                break
            loss, grad, new_evals, converged = self._move(loss, grad, gtd, n_iter, evals)
            evals += new_evals
            state["func_evals"] += new_evals
            if self._should_stop(n_iter, evals, converged, loss):
                break
        self._save()

    def _direction(self, grad: np.ndarray) -> None:
        """The new search direction: ``-grad`` at first, else the two-loop recursion."""
        if self.state["n_iter"] == 1:
            self.d = -grad
            self.old_dirs, self.old_stps, self.ro, self.h_diag = [], [], [], 1
            return
        y = grad - self.prev_grad
        s = self.d * _scalar(self.t)
        ys = y.dot(s)
        if ys > 1e-10:  # keep only pairs of positive curvature
            if len(self.old_dirs) == self.group["history_size"]:
                del self.old_dirs[0], self.old_stps[0], self.ro[0]
            self.old_dirs.append(y)
            self.old_stps.append(s)
            self.ro.append(1.0 / ys)
            self.h_diag = _tensor(ys / y.dot(y))
        al = self.state.get("al") or [None] * self.group["history_size"]
        q = -grad
        for i in reversed(range(len(self.old_dirs))):
            al[i] = self.old_stps[i].dot(q) * self.ro[i]
            q = add_scaled(q, self.old_dirs[i], -al[i])
        r = q * _scalar(self.h_diag)
        for i in range(len(self.old_dirs)):
            be_i = self.old_dirs[i].dot(r) * self.ro[i]
            r = add_scaled(r, self.old_stps[i], al[i] - be_i)
        self.state["al"] = [None if a is None else _tensor(a) for a in al]
        self.d = r

    def _d(self) -> np.ndarray:
        """The search direction, which ``_direction`` has set by the time it is read."""
        assert self.d is not None
        return self.d

    def _move(self, loss: float, grad: np.ndarray, gtd, n_iter: int, evals: int):
        """Step along ``d``; returns the new loss and gradient, the closure calls made and
        whether the gradient is below ``tolerance_grad``. The line search may make the calls
        ``max_eval`` leaves (``evals`` were made in this ``step`` so far)."""
        opt, group = self.opt, self.group
        fn = group["line_search_fn"]
        if fn is not None and fn != "strong_wolfe":
            raise RuntimeError("only 'strong_wolfe' is supported")
        if fn is None:
            opt._add_direction(_scalar(self.t), self._d())
            if n_iter == group["max_iter"]:  # the last iteration: no need to evaluate
                return loss, grad, 0, False
            loss, grad = opt._evaluate(self.closure)
            return loss, grad, 1, self._converged(grad)
        start = opt._snapshot()

        def evaluate(t):
            opt._add_direction(t, self._d())
            result = opt._evaluate(self.closure)
            opt._restore(start)
            return result

        loss, grad, t, evals = strong_wolfe(
            evaluate, _scalar(self.t), self._d(), loss, grad, gtd, max_ls=group["max_eval"] - evals
        )
        self.t = _tensor(t)
        opt._add_direction(t, self._d())
        return loss, grad, evals, self._converged(grad)

    def _converged(self, grad: np.ndarray) -> bool:
        return np.max(np.abs(grad), initial=0.0) <= self.group["tolerance_grad"]

    def _should_stop(self, n_iter: int, evals: int, converged: bool, loss: float) -> bool:
        group = self.group
        if n_iter == group["max_iter"] or evals >= group["max_eval"] or converged:
            return True
        step = np.max(np.abs(self.d * _scalar(self.t)))
        if step <= group["tolerance_change"]:
            return True
        assert self.prev_loss is not None  # run() sets it before asking
        return abs(loss - self.prev_loss) < group["tolerance_change"]

    def _save(self) -> None:
        self.state.update(
            d=_tensor(self.d),
            t=self.t,
            old_dirs=[_tensor(v) for v in self.old_dirs],
            old_stps=[_tensor(v) for v in self.old_stps],
            ro=[_tensor(v) for v in self.ro],
            H_diag=self.h_diag,
            prev_flat_grad=_tensor(self.prev_grad),
            prev_loss=self.prev_loss,
        )
