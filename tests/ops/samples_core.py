"""Samples for the elementwise and conversion primitives (reductions, matrix products and
shapes: samples_reduce.py, samples_linalg.py, samples_shape.py)."""

from __future__ import annotations

import numpy as np

from .sample import Sample, away_from


def _kinked(shape):
    return lambda rng: [away_from(rng.uniform(-2, 2, shape))]


def _backward_op(T, name: str):
    """A backward op by name: PyTorch's ``torch.ops.aten.<name>`` or graphgrad's own."""
    if T.__name__ == "torch":
        return getattr(T.ops.aten, name)
    return getattr(T.ops.unary, name)


def _distinct_pair(rng):
    a = rng.uniform(-2, 2, (3, 4))
    return [a, a + away_from(rng.uniform(-1, 1, (3, 4)))]


def _far(rng):
    """Upper bounds above every lower bound of ``_distinct_pair`` (which stays in (-3, 3))."""
    return rng.uniform(3.5, 4, (3, 4))


def _off_multiples(rng):
    """Dividends away from the multiples of 0.75, where fmod and remainder jump."""
    a = rng.uniform(-2, 2, (3, 4))
    return [a + away_from(np.fmod(a, 0.75), (0.0, 0.75, -0.75)) - np.fmod(a, 0.75)]


def _dividend_divisor(rng):
    b = rng.choice([-1.0, 1.0], (3, 4)) * rng.uniform(0.5, 1.5, (3, 4))
    q = rng.integers(-3, 4, (3, 4)) + rng.uniform(0.2, 0.8, (3, 4))
    return [q * b, b]


SAMPLES = {
    "add": [
        Sample(lambda T, a, b: a + b, ((3, 4), (3, 4)), np.add),
        Sample(lambda T, a, b: T.add(a, b, alpha=2), ((3, 1), (1, 4)), lambda a, b: a + 2 * b),
        Sample(lambda T, a: a + 3, ((2, 3),), lambda a: a + 3),
        Sample(lambda T, a: 3 + a, ((2, 3),), lambda a: 3 + a),
    ],
    "sub": [
        Sample(lambda T, a, b: a - b, ((3, 4), (4,)), np.subtract),
        Sample(lambda T, a, b: T.sub(a, b, alpha=0.5), ((2, 1), (3,)), lambda a, b: a - 0.5 * b),
    ],
    "rsub": [Sample(lambda T, a: 3 - a, ((2, 3),), lambda a: 3 - a)],
    "mul": [
        Sample(lambda T, a, b: a * b, ((3, 1), (1, 4)), np.multiply),
        Sample(lambda T, a: a * 7, ((3,),), lambda a: a * 7),
        Sample(lambda T, a, b: a * b, ((), (2, 3)), np.multiply),
    ],
    "div": [
        Sample(
            lambda T, a, b: a / b,
            ((3, 4), (4,)),
            np.divide,
            make=lambda rng: [rng.uniform(-2, 2, (3, 4)), rng.uniform(0.5, 2, (4,))],
        ),
        Sample(lambda T, a: a / 2, ((3,),), lambda a: a / 2),
    ],
    "pow": [
        Sample(lambda T, a: a**2, ((3, 4),), lambda a: a**2),
        Sample(lambda T, a: a**2.5, ((3,),), lambda a: a**2.5, low=0.5),
        Sample(lambda T, a: a.square(), ((2, 2),), np.square),
    ],
    "pow_tensor": [
        Sample(
            lambda T, a, b: a**b,
            ((3, 4), (4,)),
            np.power,
            make=lambda rng: [rng.uniform(0.5, 2, (3, 4)), rng.uniform(-1, 2, (4,))],
        ),
    ],
    "pow_scalar_base": [Sample(lambda T, a: 2**a, ((3,),), lambda a: 2.0**a)],
    "maximum": [
        Sample(lambda T, a, b: T.maximum(a, b), ((3, 4), (3, 4)), np.maximum, make=_distinct_pair),
        # an int operand (compared in the float dtype) and a float64 one (float32 samples: mixed)
        Sample(
            lambda T, a: T.maximum(a, T.tensor([1, 0, -1, 2])),
            make=_kinked((3, 4)),
            ref=lambda a: np.maximum(a, [1, 0, -1, 2]),
        ),
        Sample(
            lambda T, a: T.maximum(a, T.tensor([0.5, -0.5, 1.5, 0.25], dtype=T.float64)),
            make=_kinked((3, 4)),
        ),
    ],
    "minimum": [
        Sample(lambda T, a, b: T.minimum(a, b), ((3, 4), (3, 4)), np.minimum, make=_distinct_pair),
        Sample(lambda T, a, b: T.minimum(a, b), ((3, 1), (4,)), np.minimum),
    ],
    "where": [
        Sample(
            lambda T, a, b: T.where(a > 0, a, b),
            ((3, 4), (4,)),
            lambda a, b: np.where(a > 0, a, b),
            make=lambda rng: [away_from(rng.uniform(-2, 2, (3, 4))), rng.uniform(-2, 2, (4,))],
        ),
        Sample(lambda T, a: T.where(a > 0, a, 0.0), make=_kinked((3, 4))),
        Sample(lambda T, a: T.where(a < 0, 1.0, a), make=_kinked((2, 3))),
    ],
    "neg": [Sample(lambda T, a: -a, ((3,),), np.negative)],
    "abs": [Sample(lambda T, a: a.abs(), make=_kinked((3, 4)), ref=np.abs)],
    "reciprocal": [
        Sample(lambda T, a: a.reciprocal(), low=0.5, ref=np.reciprocal),
        Sample(lambda T, a: 2 / a, low=0.5, ref=lambda a: 2 / a),
    ],
    "exp": [Sample(lambda T, a: a.exp(), ref=np.exp)],
    "log": [Sample(lambda T, a: a.log(), low=0.2, ref=np.log)],
    "log2": [Sample(lambda T, a: T.log2(a), low=0.2, ref=np.log2)],
    "log10": [Sample(lambda T, a: T.log10(a), low=0.2, ref=np.log10)],
    "log1p": [Sample(lambda T, a: a.log1p(), low=-0.5, ref=np.log1p)],
    "expm1": [Sample(lambda T, a: a.expm1(), ref=np.expm1)],
    "sqrt": [Sample(lambda T, a: a.sqrt(), low=0.2, ref=np.sqrt)],
    "rsqrt": [Sample(lambda T, a: a.rsqrt(), low=0.2, ref=lambda a: 1 / np.sqrt(a))],
    "sin": [Sample(lambda T, a: a.sin(), ref=np.sin)],
    "cos": [Sample(lambda T, a: a.cos(), ref=np.cos)],
    "tan": [Sample(lambda T, a: a.tan(), low=-1, high=1, ref=np.tan)],
    "tanh": [Sample(lambda T, a: a.tanh(), ref=np.tanh)],
    "sigmoid": [Sample(lambda T, a: a.sigmoid(), ref=lambda a: 1 / (1 + np.exp(-a)))],
    "relu": [Sample(lambda T, a: a.relu(), make=_kinked((3, 4)), ref=lambda a: np.maximum(a, 0))],
    # The backward ops that the rules of tanh, sigmoid and relu call (PyTorch's aten ops).
    "tanh_backward": [
        Sample(
            lambda T, a, g: _backward_op(T, "tanh_backward")(g, a.tanh()),
            ((3, 4), (3, 4)),
            lambda a, g: g * (1 - np.tanh(a) ** 2),
        )
    ],
    "sigmoid_backward": [
        Sample(
            lambda T, a, g: _backward_op(T, "sigmoid_backward")(g, a.sigmoid()),
            ((3, 4), (3, 4)),
            lambda a, g: g * np.exp(-a) / (1 + np.exp(-a)) ** 2,
        ),
    ],
    "threshold_backward": [
        Sample(
            lambda T, a, g: _backward_op(T, "threshold_backward")(g, a.relu(), 0),
            make=lambda rng: [away_from(rng.uniform(-2, 2, (3, 4))), rng.uniform(-2, 2, (3, 4))],
            ref=lambda a, g: np.where(a > 0, g, 0.0),
        ),
    ],
    "sign": [Sample(lambda T, a: a.sign(), make=_kinked((3,)), ref=np.sign)],
    "floor": [
        Sample(
            lambda T, a: a.floor(), make=lambda rng: [rng.uniform(0.1, 0.9, 4) + 1], ref=np.floor
        )
    ],
    "ceil": [
        Sample(lambda T, a: a.ceil(), make=lambda rng: [rng.uniform(0.1, 0.9, 4) + 1], ref=np.ceil)
    ],
    "round": [
        Sample(
            lambda T, a: a.round(), make=lambda rng: [rng.uniform(0.1, 0.4, 4) + 1], ref=np.round
        )
    ],
    "trunc": [
        Sample(
            lambda T, a: a.trunc(), make=lambda rng: [rng.uniform(0.1, 0.9, 4) + 1], ref=np.trunc
        )
    ],
    "clamp": [
        Sample(
            lambda T, a: a.clamp(-0.5, 0.5),
            make=lambda rng: [away_from(rng.uniform(-2, 2, (3, 4)), (-0.5, 0.5))],
            ref=lambda a: np.clip(a, -0.5, 0.5),
        ),
        Sample(
            lambda T, a: T.clamp(a, min=0.0), make=_kinked((5,)), ref=lambda a: np.maximum(a, 0)
        ),
        # a NumPy float64 bound compares as a Python number, in the tensor's dtype
        Sample(
            lambda T, a: a.clamp(max=np.float64(0.3)),
            make=lambda rng: [away_from(rng.uniform(-2, 2, (3, 4)), (0.3,))],
            ref=lambda a: np.minimum(a, 0.3),
        ),
    ],
    # tensor bounds: x kept apart from both, the bounds apart from each other
    "clamp_tensor": [
        Sample(
            lambda T, a, lo, hi: a.clamp(lo, hi),
            make=lambda rng: [rng.uniform(-2, 2, (3, 4)), *_distinct_pair(rng)[:1], _far(rng)],
        ),
        Sample(lambda T, a, lo: a.clamp(min=lo), ((3, 4), (4,)), np.maximum, make=_distinct_pair),
    ],
    "clamp_min_tensor": [
        Sample(lambda T, a, b: T.clamp_min(a, b), ((3, 4), (3, 4)), np.maximum, make=_distinct_pair)
    ],
    "clamp_max_tensor": [
        Sample(lambda T, a, b: T.clamp_max(a, b), ((3, 4), (3, 4)), np.minimum, make=_distinct_pair)
    ],
    "fmod": [
        Sample(lambda T, a: T.fmod(a, 0.75), make=_off_multiples, ref=lambda a: np.fmod(a, 0.75))
    ],
    "fmod_tensor": [Sample(lambda T, a, b: T.fmod(a, b), make=_dividend_divisor, ref=np.fmod)],
    "remainder": [
        Sample(lambda T, a: a % 0.75, make=_off_multiples, ref=lambda a: np.remainder(a, 0.75))
    ],
    "remainder_tensor": [
        Sample(lambda T, a, b: T.remainder(a, b), make=_dividend_divisor, ref=np.remainder)
    ],
    "to_copy": [
        Sample(
            lambda T, a: a.float(),
            ref=lambda a: a.astype(np.float32),
            gradgrad=False,
            extra={"atol": 1e-3, "rtol": 1e-3, "eps": 1e-3},
        )
    ],
    "zero": [Sample(lambda T, a: (a * 1).zero_(), ref=np.zeros_like, gradgrad=False)],
    "fill": [
        Sample(lambda T, a: (a * 1).fill_(2.5), ref=lambda a: np.full_like(a, 2.5), gradgrad=False)
    ],
    "copy": [
        Sample(
            lambda T, a, b: (a * 1).copy_(b),
            ((3, 4), (4,)),
            ref=lambda a, b: np.broadcast_to(b, a.shape),
        )
    ],
}
