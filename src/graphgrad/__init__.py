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

import builtins as _builtins
import math as _math
import warnings as _warnings
from importlib import import_module as _import_module

# PyTorch computes through overflow, 0/0 and the like silently (inf, nan). NumPy warns, from the
# line of graphgrad that ran the ufunc: those warnings are hidden, for graphgrad's modules only
# (a filter costs nothing per op, where np.errstate around every forward would cost more than
# the op). NumPy code outside graphgrad still warns as it always did.
_warnings.filterwarnings(
    "ignore",
    message=r"(overflow|invalid value|divide by zero|underflow) encountered in ",
    category=RuntimeWarning,
    module=r"graphgrad(\.|$)",
)

from . import _methods, autograd, dtypes
from ._arg_forms import exports as _exports
from ._device import device
from ._layout import layout, sparse_coo, strided
from ._memory_format import (
    channels_last,
    channels_last_3d,
    contiguous_format,
    memory_format,
    preserve_format,
)
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
    bfloat16,
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
from .dtypes import (
    bool_ as bool,  # noqa: A004
)
from .dtypes import float as float  # noqa: A004, PLC0414
from .dtypes import int as int  # noqa: A004, PLC0414
from .ops.convert import to as _to  # noqa: F401
from .tensor import Size, Tensor, is_tensor
from .version import __version__

_methods.install()

# The functions of the ops modules (torch.<name>), each imported from the module that defines it
# (the names of each module's __all__).
# isort: off
# fmt: off
from .ops.elementwise import (
    add, div, divide, float_power, floor_divide, fmod, maximum, minimum, mul, multiply, pow,
    remainder, rsub, square, sub, subtract, true_divide, where,
)
from .ops.unary import (
    abs, absolute, ceil, clamp, clamp_max, clamp_min, clip, cos, exp, expm1, fix, floor, log,
    log10, log1p, log2, neg, negative, reciprocal, relu, round, rsqrt, sigmoid,
    sigmoid_backward, sign, sin, sqrt, tan, tanh, tanh_backward, threshold_backward, trunc,
)
from .ops.compare import (
    allclose, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, eq, equal, ge, greater,
    greater_equal, gt, isclose, isfinite, isinf, isnan, le, less, less_equal, logical_and,
    logical_not, logical_or, logical_xor, lt, ne, not_equal,
)
from .ops.reduce.core import (
    all, any, cumprod, cumsum, logsumexp, mean, nansum, prod, sum, sum_to_size,
)
from .ops.shape.core import (
    broadcast_to, clone, flatten, ravel, reshape, squeeze, unflatten, unsqueeze,
)
from .ops.shape.transpose import moveaxis, movedim, permute, swapaxes, swapdims, t, transpose
from .ops.linalg.products import addmm, baddbmm, bmm, dot, ger, mm, mv, outer
from .ops.linalg.matmul import matmul
from .ops.index.subscript import as_strided, as_strided_scatter
from .ops.activation import erf, log_softmax, softmax
from .ops.reduce.select import amax, amin, argmax, argmin, max, median, min, return_types
from .ops.reduce.stats import norm, std, std_mean, var, var_mean
from .ops.einsum import einsum, tensordot
from .ops.linalg.inverse import det, inverse
from .ops.shape.join import (
    atleast_1d, atleast_2d, cat, chunk, concat, concatenate, hstack, narrow, row_stack, split,
    stack, unbind, vstack,
)
from .ops.shape.reorder import diag, diag_embed, diagonal, flip, fliplr, flipud, roll, tril, triu
from .ops.index.slicing import index_put, select
from .ops.index.gather import (
    argwhere, gather, index_add, index_select, masked_fill, masked_select, nonzero, scatter,
    scatter_add, take, take_along_dim,
)
from .ops.sort import argsort, kthvalue, msort, sort, topk
from .ops.trig import (
    acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asin, asinh, atan,
    atan2, atanh, cosh, sinh,
)
from .ops.pointwise_composite import (
    addcdiv, addcmul, copysign, deg2rad, exp2, fmax, fmin, frac, hypot, logaddexp, logaddexp2,
    logit, rad2deg, sinc, xlogy,
)
from .ops.grids import cartesian_prod, meshgrid, tril_indices, triu_indices, vander
from .ops.structured import block_diag, cross, kron, rot90, trace
from .ops.scans import cumulative_trapezoid, diff, logcumsumexp, trapezoid, trapz
from .ops.sign import isneginf, isposinf, isreal, positive, sgn, signbit
from .ops.reduce.composite import aminmax, count_nonzero, dist, nanmean
from .ops.linalg.composite import addbmm, addmv, addr, inner, matrix_power, vdot
from .ops.special import digamma, lgamma, polygamma
from .ops.splitting import (
    adjoint, atleast_3d, broadcast_shapes, broadcast_tensors, column_stack, combinations,
    diagflat, dsplit, dstack, hsplit, narrow_copy, repeat_interleave, tensor_split, tile,
    unravel_index, vsplit,
)
from .ops.pointwise_more import (
    angle, bitwise_left_shift, bitwise_right_shift, conj, conj_physical, frexp, gcd, heaviside,
    lcm, ldexp, lerp, mvlgamma, nan_to_num, nextafter, real, resolve_conj, resolve_neg,
)
from .ops.creation_more import (
    asarray, empty_strided, frombuffer, range,
)
from .ops.counting import (
    bincount, bucketize, isin, searchsorted, unique, unique_consecutive,
)
from .ops.statistics import (
    cdist, corrcoef, cov, renorm,
)
from .ops.lapack import (
    chain_matmul, cholesky, cholesky_inverse, cholesky_solve, logdet, lu, lu_solve, lu_unpack,
    matrix_exp, slogdet, triangular_solve,
)
from .ops.order_stats import (
    cummax, cummin, mode, nanmedian, nanquantile, quantile,
)
from .ops.scatter_more import (
    diagonal_scatter, index_copy, index_fill, index_reduce, masked_scatter, put, scatter_reduce,
    select_scatter, slice_scatter,
)
from .ops.error_function import (
    erfc, erfinv,
)
from .ops.finite_differences import (
    gradient,
)
from .ops.bessel_gamma import (
    i0, igamma, igammac,
)
from .ops.decompositions import (
    pinverse, qr, svd,
)
from .ops.sparse import (
    sparse_coo_tensor, spmm,
)
# fmt: on
# isort: on

# Each is exported in the forms PyTorch accepts (NumPy's argument names, ``out=``, PyTorch's
# TypeError for a non-tensor ``input``: _arg_forms.exports). This loop only rebinds the names
# imported above to those forms; tests/test_public_names.py checks that it adds none.
for _name in _methods.OP_MODULES:
    globals().update(_exports(_import_module(f".ops.{_name}", __name__)))

# the torch.linalg, torch.special and torch.sparse namespaces, after the ops they name
from . import linalg, sparse, special  # noqa: E402
from .ops import namespaces as _namespaces  # noqa: E402, F401 - the rules' functions
from .random._generator import Generator  # noqa: E402
from .random.draws import (  # noqa: E402
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
from .random.draws import tensor_methods as _random_methods  # noqa: E402
from .random.fills import multinomial  # noqa: E402
from .random.fills import tensor_methods as _fill_methods  # noqa: E402

for _name, _fn in {**_random_methods(), **_fill_methods()}.items():
    setattr(Tensor, _name, _fn)

# Legacy constructors and process-wide settings (issue 12): torch.Tensor(...), FloatTensor...,
# autograd.Variable, Tensor.new_*; finfo/iinfo, threads, determinism, the default device.
from . import _legacy  # noqa: E402
from ._runtime import (  # noqa: E402
    are_deterministic_algorithms_enabled,
    finfo,
    get_default_device,
    get_num_interop_threads,
    get_num_threads,
    iinfo,
    is_deterministic_algorithms_warn_only_enabled,
    set_default_device,
    set_num_interop_threads,
    set_num_threads,
    use_deterministic_algorithms,
)
from .histogram import histc, histogram  # noqa: E402

Tensor.__new__ = _legacy.tensor_new  # type: ignore[method-assign]  # legacy Tensor(...) forms
for _name, _fn in _legacy.TENSOR_METHODS.items():
    setattr(Tensor, _name, _fn)
FloatTensor = _legacy.LEGACY_TYPES["FloatTensor"]
DoubleTensor = _legacy.LEGACY_TYPES["DoubleTensor"]
HalfTensor = _legacy.LEGACY_TYPES["HalfTensor"]
LongTensor = _legacy.LEGACY_TYPES["LongTensor"]
IntTensor = _legacy.LEGACY_TYPES["IntTensor"]
ShortTensor = _legacy.LEGACY_TYPES["ShortTensor"]
CharTensor = _legacy.LEGACY_TYPES["CharTensor"]
ByteTensor = _legacy.LEGACY_TYPES["ByteTensor"]
BoolTensor = _legacy.LEGACY_TYPES["BoolTensor"]
autograd.Variable = _legacy.Variable

from . import _tensor_docs  # noqa: E402

_tensor_docs.install()


def is_floating_point(input: Tensor) -> _builtins.bool:
    """Whether ``input``'s dtype is a floating-point type.

    Args:
        input: the tensor.

    >>> torch.is_floating_point(torch.tensor([1.0]))
    True
    """
    return input.dtype.is_floating_point


def numel(input: Tensor) -> _builtins.int:
    """The number of elements of ``input``.

    Args:
        input: the tensor.

    >>> torch.numel(torch.zeros(2, 3))
    6
    """
    return input.numel()


# Training: nn, optim, utils.data and checkpoints; the function transforms (torch.func, and
# torch.vmap as its alias); what PyTorch's CPU-only build has of its accelerator API (cuda,
# accelerator, backends: no device, flags at their defaults).
from . import (  # noqa: E402
    _dynamo,  # torch._dynamo and torch.compiler: graphgrad.compile's controls
    accelerator,
    backends,
    compiler,
    cuda,
    distributed,  # torch.distributed on MPI (issue 16); mpi4py loads on first use
    distributions,
    func,
    futures,
    jit,  # torch.jit as PyTorch runs it with PYTORCH_JIT=0: script and trace return their input
    multiprocessing,  # Python's, with torch.multiprocessing's spawn
    nn,
    optim,
    testing,  # torch.testing: assert_close and make_tensor
    utils,
    version,
)
from .compile.api import compile  # noqa: E402, A004 - torch.compile: record once, replay (issue 15)
from .func import vmap  # noqa: E402, F401
from .nn.functional import (  # noqa: E402 - the torch.<name> forms that F's signatures match
    adaptive_avg_pool1d,
    avg_pool1d,
    bilinear,
    celu,
    channel_shuffle,
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    cosine_similarity,
    hardshrink,
    pairwise_distance,
    pdist,
    pixel_shuffle,
    pixel_unshuffle,
    prelu,
    rms_norm,
    rrelu,
    selu,
    threshold,
)
from .nn.functional.torch_forms import (  # noqa: E402 - the native signatures (docstring there)
    adaptive_max_pool1d,
    alpha_dropout,
    batch_norm,
    binary_cross_entropy_with_logits,
    cosine_embedding_loss,
    dropout,
    embedding,
    feature_alpha_dropout,
    group_norm,
    hinge_embedding_loss,
    instance_norm,
    kl_div,
    layer_norm,
    margin_ranking_loss,
    max_pool1d,
    max_pool2d,
    max_pool3d,
    triplet_margin_loss,
)
from .serialization import load, save  # noqa: E402

# The public names, as ``from graphgrad import *`` gives them (submodules aside);
# tests/test_public_names.py checks that they are the module's public attributes.
# PyTorch's constants (``-torch.inf`` in attention masks, ``torch.pi`` in GELU's tanh form)
inf = _math.inf
nan = _math.nan
pi = _math.pi
e = _math.e
newaxis = None

__all__ = [
    "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "FloatTensor", "Generator",
    "HalfTensor", "IntTensor", "LongTensor", "ShortTensor", "Size", "Tensor", "abs", "absolute",
    "acos", "acosh", "add", "addbmm", "addcdiv", "addcmul", "addmm", "addmv", "addr", "all",
    "allclose", "amax", "amin", "aminmax", "any", "arange", "arccos", "arccosh", "arcsin",
    "arcsinh", "arctan", "arctan2", "arctanh", "are_deterministic_algorithms_enabled", "argmax",
    "argmin", "argsort", "argwhere", "as_strided", "as_strided_scatter", "as_tensor", "asin",
    "asinh", "atan", "atan2", "atanh", "atleast_1d", "atleast_2d", "baddbmm", "bernoulli",
    "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor", "block_diag", "bmm", "bool",
    "broadcast_to", "cartesian_prod", "cat", "cdouble", "ceil", "cfloat", "chunk", "clamp",
    "clamp_max", "clamp_min", "clip", "clone", "compile", "complex128", "complex64", "concat",
    "concatenate", "copysign", "cos", "cosh", "count_nonzero", "cross", "cumprod", "cumsum",
    "cumulative_trapezoid", "default_generator", "deg2rad", "det", "device", "diag",
    "diag_embed", "diagonal", "diff", "digamma", "dist", "div", "divide", "dot", "double",
    "dtype", "einsum", "empty", "empty_like", "enable_grad", "eq", "equal", "erf", "exp",
    "exp2", "expm1", "eye", "finfo", "fix", "flatten", "flip", "fliplr", "flipud", "float",
    "float16", "float32", "float64", "float_power", "floor", "floor_divide", "fmax", "fmin",
    "fmod", "fork_rng", "frac", "from_numpy", "full", "full_like", "gather", "ge", "ger",
    "get_default_device", "get_default_dtype", "get_num_interop_threads", "get_num_threads",
    "get_printoptions", "get_rng_state", "greater", "greater_equal", "gt", "half", "histc",
    "histogram", "hstack", "hypot", "iinfo", "index_add", "index_put", "index_select",
    "inference_mode", "initial_seed", "inner", "int", "int16", "int32", "int64", "int8",
    "inverse", "is_anomaly_check_nan_enabled", "is_anomaly_enabled",
    "is_deterministic_algorithms_warn_only_enabled", "is_floating_point", "is_grad_enabled",
    "is_inference_mode_enabled", "is_tensor", "isclose", "isfinite", "isinf", "isnan",
    "isneginf", "isposinf", "isreal", "kron", "kthvalue", "le", "less", "less_equal", "lgamma",
    "linspace", "load", "log", "log10", "log1p", "log2", "log_softmax", "logaddexp",
    "logaddexp2", "logcumsumexp", "logical_and", "logical_not", "logical_or", "logical_xor",
    "logit", "logspace", "logsumexp", "long", "lt", "manual_seed", "masked_fill",
    "masked_select", "matmul", "matrix_power", "max", "maximum", "mean", "median", "meshgrid",
    "min", "minimum", "mm", "moveaxis", "movedim", "msort", "mul", "multinomial", "multiply",
    "mv", "nanmean", "nansum", "narrow", "ne", "neg", "negative", "no_grad", "nonzero", "norm",
    "normal", "not_equal", "numel", "ones", "ones_like", "outer", "permute", "polygamma",
    "positive", "pow", "printoptions", "prod", "promote_types", "rad2deg", "rand", "rand_like",
    "randint", "randint_like", "randn", "randn_like", "randperm", "ravel", "reciprocal", "relu",
    "remainder", "reshape", "result_type", "return_types", "roll", "rot90", "round",
    "row_stack", "rsqrt", "rsub", "save", "scalar_tensor", "scatter", "scatter_add", "seed",
    "select", "set_default_device", "set_default_dtype", "set_grad_enabled",
    "set_num_interop_threads", "set_num_threads", "set_printoptions", "set_rng_state", "sgn",
    "short", "sigmoid", "sigmoid_backward", "sign", "signbit", "sin", "sinc", "sinh", "softmax",
    "sort", "split", "sqrt", "square", "squeeze", "stack", "std", "std_mean", "sub", "subtract",
    "sum", "sum_to_size", "swapaxes", "swapdims", "t", "take", "take_along_dim", "tan", "tanh",
    "tanh_backward", "tensor", "tensordot", "threshold_backward", "topk", "trace", "transpose",
    "trapezoid", "trapz", "tril", "tril_indices", "triu", "triu_indices", "true_divide",
    "trunc", "uint8", "unbind", "unflatten", "unsqueeze", "use_deterministic_algorithms",
    "vander", "var", "var_mean", "vdot", "vmap", "vstack", "where", "xlogy", "zeros",
    "zeros_like",
]  # fmt: skip
__all__ += ["inf", "nan", "pi", "e", "newaxis"]
__all__ += [  # (a second list only to keep the first one's lines as they were)
    "adjoint", "angle", "asarray", "atleast_3d", "bincount", "bitwise_left_shift",
    "bitwise_right_shift", "broadcast_shapes", "broadcast_tensors", "bucketize", "cdist",
    "chain_matmul", "cholesky", "cholesky_inverse", "cholesky_solve", "column_stack",
    "combinations", "conj", "conj_physical", "corrcoef", "cov", "cummax", "cummin", "diagflat",
    "diagonal_scatter", "dsplit", "dstack", "empty_strided", "erfc", "erfinv", "frexp",
    "frombuffer", "gcd", "gradient", "heaviside", "hsplit", "i0", "igamma", "igammac",
    "index_copy", "index_fill", "index_reduce", "isin", "lcm", "ldexp", "lerp", "logdet", "lu",
    "lu_solve", "lu_unpack", "masked_scatter", "matrix_exp", "mode", "mvlgamma", "nan_to_num",
    "nanmedian", "nanquantile", "narrow_copy", "nextafter", "pinverse", "put", "qr", "quantile",
    "range", "real", "renorm", "repeat_interleave", "resolve_conj", "resolve_neg",
    "scatter_reduce", "searchsorted", "select_scatter", "slice_scatter", "slogdet", "svd",
    "tensor_split", "tile", "triangular_solve", "unique", "unique_consecutive", "unravel_index",
    "vsplit",
]  # fmt: skip
__all__ += ["layout", "sparse_coo", "sparse_coo_tensor", "spmm", "strided"]  # docs/sparse.md
__all__ += ["channels_last", "channels_last_3d", "contiguous_format", "memory_format",
            "preserve_format"]  # fmt: skip
__all__ += [  # layer functions as torch.<name> (nn/functional/torch_forms.py)
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "alpha_dropout", "avg_pool1d", "batch_norm",
    "bilinear", "binary_cross_entropy_with_logits", "celu", "channel_shuffle", "conv1d",
    "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "cosine_embedding_loss", "cosine_similarity", "dropout", "embedding",
    "feature_alpha_dropout", "group_norm", "hardshrink", "hinge_embedding_loss", "instance_norm",
    "kl_div", "layer_norm", "margin_ranking_loss", "max_pool1d", "max_pool2d", "max_pool3d",
    "pairwise_distance", "pdist", "pixel_shuffle", "pixel_unshuffle", "prelu", "rms_norm",
    "rrelu", "selu", "threshold", "triplet_margin_loss",
]  # fmt: skip

from . import cpu  # noqa: E402 - torch.cpu, what get_device_module("cpu") returns
from ._utilities import (  # noqa: E402 - torch's casting, warning, determinism utilities
    _assert,
    can_cast,
    compiled_with_cxx11_abi,
    get_deterministic_debug_mode,
    get_device_module,
    get_float32_matmul_precision,
    is_warn_always_enabled,
    set_deterministic_debug_mode,
    set_float32_matmul_precision,
    set_warn_always,
)

__all__ += [
    "can_cast", "compiled_with_cxx11_abi", "get_deterministic_debug_mode", "get_device_module",
    "get_float32_matmul_precision", "is_warn_always_enabled", "set_deterministic_debug_mode",
    "set_float32_matmul_precision", "set_warn_always",
]  # fmt: skip

# Mixed precision (docs/amp.md): torch.amp's GradScaler, and autocast as far as graphgrad can go
# (disabled); torch.cuda.amp is in cuda/.
from . import amp  # noqa: E402
from .amp.autocast_mode import (  # noqa: E402
    autocast,
    get_autocast_dtype,
    is_autocast_enabled,
)

__all__ += ["autocast", "bfloat16", "get_autocast_dtype", "is_autocast_enabled"]

# torch._foreach_*: one op over a list of tensors, all built from one table (issue 12).
from .ops.foreach import FUNCTIONS as _FOREACH  # noqa: E402

globals().update(_FOREACH)
