"""Element formatting for tensor printing: one shared width and mode per tensor.

This is the lower half of :mod:`graphgrad._printing`. A :class:`Formatter` looks at the values a
repr will show (only the edge items when the tensor is summarized) and picks, once for the whole
tensor, how every element is written and how wide its column is:

* integers and bools: ``str(v)`` right-aligned to the widest element;
* floats: integer mode (``3.``), fixed point (``3.1416``) or scientific (``3.1416e+00``), chosen
  from the nonzero finite values, PyTorch's rules (see spec/torch-behaviour.md, section 1.3).

Values are formatted with Python's correctly rounded ``format`` on float64 (the exact stored value
widened), never with NumPy's float printing, to match PyTorch digit for digit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Automatic scientific notation thresholds (PyTorch's _Formatter).
_SCI_RATIO = 1000.0
_SCI_MAX = 1.0e8
_SCI_MIN = 1.0e-4


@dataclass
class PrintOptions:
    """The live print options (PyTorch's ``PRINT_OPTS``)."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


class Formatter:
    """Formats the elements of one real-valued tensor (or one part of a complex one)."""

    def __init__(self, values: np.ndarray, opts: PrintOptions, *, floating: bool) -> None:
        """Choose the mode and the column width from ``values`` (the elements that will print)."""
        self.floating = floating
        self.precision = opts.precision
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if floating:
            self._init_float(np.asarray(values, dtype=np.float64).ravel(), opts.sci_mode)
        else:
            self._init_int(np.asarray(values).ravel())

    def _init_int(self, flat: np.ndarray) -> None:
        """Integers and bools: the width of the longest ``str(v)``."""
        if flat.size == 0:
            return
        if flat.dtype == np.bool_:
            self.width = 5 if not flat.all() else 4
            return
        self.width = max(len(str(int(flat.min()))), len(str(int(flat.max()))))

    def _init_float(self, flat: np.ndarray, sci_override: bool | None) -> None:
        """Floats: decide int/sci/fixed mode from the nonzero finite values, then the width."""
        nonzero = flat[np.isfinite(flat) & (flat != 0)]
        if nonzero.size == 0:
            return  # only zeros, nan, inf: integer mode, width 1, sci_mode ignored
        magnitudes = np.abs(nonzero)
        amax, amin = float(magnitudes.max()), float(magnitudes.min())
        self.int_mode = bool(np.all(nonzero == np.ceil(nonzero)))
        auto_sci = amax / amin > _SCI_RATIO or amax > _SCI_MAX
        if not self.int_mode:
            auto_sci = auto_sci or amin < _SCI_MIN
        self.sci_mode = auto_sci if sci_override is None else bool(sci_override)
        self.width = max(len(self._plain(v)) for v in _width_candidates(nonzero))

    def _plain(self, value: float) -> str:
        """A float in the chosen mode, without padding."""
        if self.sci_mode:
            return f"{value:.{self.precision}e}"
        if self.int_mode:
            text = f"{value:.0f}"
            return text if math.isinf(value) or math.isnan(value) else text + "."
        return f"{value:.{self.precision}f}"

    def format(self, value: float) -> str:
        """One element, left-padded with spaces to the shared width (never truncated)."""
        if not self.floating:
            text = str(value)
        else:
            text = self._plain(value)
        return text.rjust(self.width)


def _width_candidates(values: np.ndarray) -> list[float]:
    """The values whose formatted text can be the longest: the extremes of each sign.

    Correct rounding is monotonic, so in every mode the text length of same-signed values grows
    with the (rounded) magnitude, or, in sci mode, with the size of the exponent, which is
    largest at the largest or the smallest magnitude.
    """
    picks: list[float] = []
    for part in (values[values < 0], values[values > 0]):
        if part.size:
            picks += [float(part.min()), float(part.max())]
    return picks


class ComplexFormatter:
    """Formats complex elements with one formatter for the real parts and one for the imaginary."""

    def __init__(self, values: np.ndarray, opts: PrintOptions) -> None:
        """Build the two part formatters from the real and imaginary parts of ``values``."""
        values = np.asarray(values)
        self.real = Formatter(values.real, opts, floating=True)
        self.imag = Formatter(values.imag, opts, floating=True)
        self.width = self.real.width + self.imag.width + 1

    def format(self, value: complex) -> str:
        """``re+imj``: the real part padded, the imaginary part stripped of its padding."""
        real_text = self.real.format(value.real)
        imag_text = (self.imag.format(value.imag) + "j").lstrip()
        if imag_text[0] in "+-":
            return real_text + imag_text
        return real_text + "+" + imag_text


def make_formatter(values: np.ndarray, opts: PrintOptions) -> Formatter | ComplexFormatter:
    """The right formatter for an array's kind (complex, floating, or integer/bool)."""
    kind = np.asarray(values).dtype.kind
    if kind == "c":
        return ComplexFormatter(values, opts)
    return Formatter(values, opts, floating=kind == "f")


def summarized_data(data: np.ndarray, edgeitems: int) -> np.ndarray:
    """Only the elements a summarized repr shows: the first and last ``edgeitems`` along each dim.

    A dim is cut only when it is longer than ``2 * edgeitems``.
    """
    for axis, size in enumerate(data.shape):
        if size > 2 * edgeitems:
            keep = list(range(edgeitems)) + list(range(size - edgeitems, size))
            data = np.take(data, keep, axis=axis)
    return data
