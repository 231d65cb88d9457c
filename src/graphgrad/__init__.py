"""graphgrad: PyTorch's autograd, rebuilt in Python on NumPy.

Write ``import graphgrad as torch`` and PyTorch code runs on NumPy arrays:

>>> import graphgrad as torch
>>> x = torch.tensor(7.0, requires_grad=True)
>>> f = (x**2) + 3
>>> f.backward()
>>> print(x.grad)
tensor(14.)
"""

from __future__ import annotations

import importlib

from . import _methods, autograd, dtypes
from ._arg_forms import exports as _exports
from ._device import device
from ._printing import get_printoptions, printoptions, set_printoptions
from .autograd import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    ones,
    ones_like,
    scalar_tensor,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import (
    bool_ as bool,  # noqa: A004
)
from .dtypes import (
    cdouble,
    cfloat,
    complex64,
    complex128,
    double,
    dtype,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    result_type,
    set_default_dtype,
    short,
    uint8,
)
from .dtypes import float as float  # noqa: A004, PLC0414
from .dtypes import int as int  # noqa: A004, PLC0414
from .ops.convert import to as _to  # noqa: F401
from .tensor import Size, Tensor, is_tensor

__version__ = "0.1.0"

_methods.install()

# Every ops module exports its public functions (torch.<name>) through __all__, in the forms
# PyTorch accepts (see _arg_forms.exports).
for _name in _methods.OP_MODULES:
    _mod = importlib.import_module(f".ops.{_name}", __name__)
    globals().update(_exports(_mod))

from . import linalg  # noqa: E402 - the torch.linalg namespace, after the ops it names
from .ops import namespaces as _namespaces  # noqa: E402, F401 - the rules' functions
from .random import (  # noqa: E402
    Generator,
    bernoulli,
    default_generator,
    fork_rng,
    get_rng_state,
    initial_seed,
    manual_seed,
    normal,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    seed,
    set_rng_state,
)
from .random import tensor_methods as _random_methods  # noqa: E402
from .random_fills import multinomial  # noqa: E402
from .random_fills import tensor_methods as _fill_methods  # noqa: E402

for _name, _fn in {**_random_methods(), **_fill_methods()}.items():
    setattr(Tensor, _name, _fn)

# Legacy constructors and process-wide settings (issue 12): torch.Tensor(...), FloatTensor...,
# autograd.Variable, Tensor.new_*; finfo/iinfo, threads, determinism, the default device.
from . import _legacy  # noqa: E402
from ._runtime import *  # noqa: E402, F403
from .histogram import histc, histogram  # noqa: E402

Tensor.__new__ = _legacy.tensor_new
for _name, _fn in _legacy.TENSOR_METHODS.items():
    setattr(Tensor, _name, _fn)
globals().update(_legacy.LEGACY_TYPES)
autograd.Variable = _legacy.Variable

from . import _tensor_docs  # noqa: E402

_tensor_docs.install()


def is_floating_point(input: Tensor) -> bool:
    """Whether ``input``'s dtype is a floating-point type.

    Args:
        input: the tensor.

    >>> torch.is_floating_point(torch.tensor([1.0]))
    True
    """
    return input.dtype.is_floating_point


def numel(input: Tensor) -> int:
    """The number of elements of ``input``.

    Args:
        input: the tensor.

    >>> torch.numel(torch.zeros(2, 3))
    6
    """
    return input.numel()


# Training: nn, optim, utils.data and checkpoints; the function transforms (torch.func, and
# torch.vmap as its alias); what PyTorch's CPU-only build has of its accelerator API (cuda,
# backends: no device, flags at their defaults).
from . import (  # noqa: E402
    backends,
    cuda,
    distributed,  # torch.distributed on MPI (issue 16); mpi4py loads on first use
    distributions,
    func,
    nn,
    optim,
    utils,
)
from .compile.api import compile  # noqa: E402, A004 - torch.compile: record once, replay (issue 15)
from .func import vmap  # noqa: E402, F401
from .serialization import load, save  # noqa: E402
