"""``graphgrad.nn``: modules, parameters, layers, losses, ``functional`` and ``init``.

>>> import graphgrad as torch
>>> model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
>>> sum(p.numel() for p in model.parameters())
58
"""

from __future__ import annotations

from . import functional, init, parallel, utils
from .activation import (
    ELU,
    GELU,
    SELU,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Tanh,
)
from .activation_piecewise import Hardsigmoid, Hardswish, Hardtanh, LogSigmoid, ReLU6, Softsign
from .attention import MultiheadAttention
from .container import ModuleDict, ModuleList, Sequential
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .distance import CosineSimilarity, KLDivLoss
from .dropout import Dropout, Dropout1d, Dropout2d
from .linear import Bilinear, Flatten, Identity, Linear, Unflatten
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module
from .norm import BatchNorm1d, BatchNorm2d, LayerNorm
from .padding import *  # noqa: F403 - the fifteen padding layers
from .padding import __all__ as _padding_names
from .parameter import Parameter
from .pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
)
from .rnn import GRU, LSTM, RNN, RNNBase
from .rnn_cell import GRUCell, LSTMCell, RNNCell
from .sparse import Embedding
from .transformer import (
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)
from .transformer_model import Transformer

__all__ = [
    "KLDivLoss",
    "MultiheadAttention",
    "CosineSimilarity",
    "Softsign",
    "ReLU6",
    "LogSigmoid",
    "Hardtanh",
    "Hardswish",
    "Hardsigmoid",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Bilinear",
    "Conv1d",
    "Conv2d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "CrossEntropyLoss",
    "Dropout",
    "Dropout1d",
    "Dropout2d",
    "ELU",
    "Embedding",
    "GRU",
    "GRUCell",
    "LSTM",
    "RNN",
    "RNNBase",
    "LSTMCell",
    "RNNCell",
    "Flatten",
    "GELU",
    "HuberLoss",
    "Identity",
    "L1Loss",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "MaxPool1d",
    "MaxPool2d",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "ReLU",
    "SELU",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Softmin",
    "Softplus",
    "Tanh",
    "Transformer",
    "TransformerDecoder",
    "TransformerDecoderLayer",
    "TransformerEncoder",
    "TransformerEncoderLayer",
    "Unflatten",
    "functional",
    "init",
    "parallel",
    "utils",
]
__all__ += _padding_names

from .activation import (  # noqa: E402
    CELU,
    GLU,
    Hardshrink,
    Mish,
    PReLU,
    RReLU,
    Softmax2d,
    Softshrink,
    Tanhshrink,
    Threshold,
)

__all__ += [
    "CELU",
    "GLU",
    "Hardshrink",
    "Mish",
    "PReLU",
    "RReLU",
    "Softmax2d",
    "Softshrink",
    "Tanhshrink",
    "Threshold",
]

from .norm import (  # noqa: E402
    BatchNorm3d,
    GroupNorm,
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
    LocalResponseNorm,
    RMSNorm,
)

__all__ += [
    "BatchNorm3d",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
    "LocalResponseNorm",
    "RMSNorm",
]

from .parallel import DataParallel  # noqa: E402
from .sync_batch_norm import SyncBatchNorm  # noqa: E402

__all__ += ["DataParallel", "SyncBatchNorm"]

from .pooling_select import *  # noqa: E402, F403 - 3-D, adaptive max, unpool, fractional, LP pools
from .pooling_select import __all__ as _pooling_select_names  # noqa: E402

__all__ += _pooling_select_names

from .loss_margin import *  # noqa: E402, F403 - the margin, likelihood and CTC loss layers
from .loss_margin import __all__ as _loss_margin_names  # noqa: E402

__all__ += _loss_margin_names

from .conv import (  # noqa: E402
    Conv3d,
    ConvTranspose3d,
    Fold,
    Unfold,
)

__all__ += [
    "Conv3d",
    "ConvTranspose3d",
    "Fold",
    "Unfold",
]

from .vision import *  # noqa: E402, F403 - pixel/channel shuffles, Upsample
from .vision import __all__ as _vision_names  # noqa: E402

__all__ += _vision_names

from .dropout import (  # noqa: E402
    AlphaDropout,
    Dropout3d,
    FeatureAlphaDropout,
)

__all__ += [
    "AlphaDropout",
    "Dropout3d",
    "FeatureAlphaDropout",
]

from .sparse_bag import EmbeddingBag  # noqa: E402

__all__ += ["EmbeddingBag"]

from .lazy import *  # noqa: E402, F403 - the lazy layers and uninitialized parameters
from .lazy import __all__ as _lazy_names  # noqa: E402

__all__ += _lazy_names

from .adaptive import AdaptiveLogSoftmaxWithLoss  # noqa: E402

__all__ += ["AdaptiveLogSoftmaxWithLoss"]

from ._factory_kwargs import factory_kwargs  # noqa: E402

__all__ += ["factory_kwargs"]

from . import modules  # noqa: E402, F401 - nn.modules.module: the global module hooks
from .container_params import ParameterDict, ParameterList  # noqa: E402
from .parameter import Buffer  # noqa: E402

__all__ += ["Buffer", "ParameterDict", "ParameterList"]
