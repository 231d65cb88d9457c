"""Memory formats: ``channels_last`` layouts made by ``to``, ``contiguous``, ``clone``, ``empty``
and the ``*_like`` functions have PyTorch's strides, and the same calls raise PyTorch's errors."""

from __future__ import annotations

import pickle

import pytest

import graphgrad

from ._compare_torch import assert_like_torch


def x4(T):
    return T.arange(24.0).reshape(1, 2, 3, 4)


def nhwc(T):
    return x4(T).to(memory_format=T.channels_last)


def test_channels_last_strides_without_torch():
    y = graphgrad.arange(24.0).reshape(1, 2, 3, 4).contiguous(memory_format=graphgrad.channels_last)
    assert y.stride() == (24, 1, 8, 2)
    assert y.is_contiguous(memory_format=graphgrad.channels_last) and not y.is_contiguous()
    assert y.tolist() == graphgrad.arange(24.0).reshape(1, 2, 3, 4).tolist()


def test_formats_print_and_pickle_as_pytorchs():
    assert repr(graphgrad.channels_last) == "torch.channels_last"
    assert pickle.loads(pickle.dumps(graphgrad.channels_last)) is graphgrad.channels_last


def same_objects(T):
    y = nhwc(T)
    return (x4(T).to(memory_format=T.channels_last) is x4(T),
            y.to(memory_format=T.channels_last) is y,
            y.contiguous(memory_format=T.channels_last) is y)  # fmt: skip


def grad_fn_names(T):
    x = T.ones(1, 2, 3, 4, requires_grad=True)
    moved = x.to(memory_format=T.channels_last), x.contiguous(memory_format=T.channels_last)
    return [type(y.grad_fn).__name__ for y in moved]


def module_strides(T):
    conv = T.nn.Conv2d(2, 3, 2).to(memory_format=T.channels_last)
    return conv.weight.stride(), conv.bias.stride()


# Each case runs with ``T`` = torch and with ``T`` = graphgrad: the same strides, values, flags
# or error.
CASES = {
    "contiguous": lambda T: x4(T).contiguous(memory_format=T.channels_last).stride(),
    "to": lambda T: nhwc(T).stride(),
    "clone": lambda T: x4(T).clone(memory_format=T.channels_last).stride(),
    "values": lambda T: nhwc(T),
    "is_contiguous": lambda T: (nhwc(T).is_contiguous(),
                                nhwc(T).is_contiguous(memory_format=T.channels_last),
                                x4(T).is_contiguous(memory_format=T.channels_last)),
    "size-1 dims": lambda T: T.ones(2, 3, 1, 1).is_contiguous(memory_format=T.channels_last),
    "2-d is not channels_last": lambda T: T.ones(3, 4).is_contiguous(memory_format=T.channels_last),
    "2-d contiguous": lambda T: T.ones(3, 4).contiguous(memory_format=T.channels_last),
    "2-d to": lambda T: T.ones(3, 4).to(memory_format=T.channels_last),
    "2-d clone": lambda T: T.ones(3, 4).clone(memory_format=T.channels_last),
    "5-d format on 4-d": lambda T: x4(T).contiguous(memory_format=T.channels_last_3d),
    "channels_last_3d": lambda T: T.ones(1, 2, 3, 4, 5).contiguous(
        memory_format=T.channels_last_3d).stride(),
    "preserve contiguous": lambda T: x4(T).contiguous(memory_format=T.preserve_format).stride(),
    "preserve refused": lambda T: x4(T).transpose(2, 3).contiguous(memory_format=T.preserve_format),
    "empty": lambda T: T.empty(1, 2, 3, 4, memory_format=T.channels_last).stride(),
    "empty 2-d": lambda T: T.empty(2, 3, memory_format=T.channels_last),
    "empty preserve": lambda T: T.empty(1, 2, 3, 4, memory_format=T.preserve_format),
    "zeros_like": lambda T: T.zeros_like(x4(T), memory_format=T.channels_last).stride(),
    "zeros_like back": lambda T: T.zeros_like(nhwc(T), memory_format=T.contiguous_format).stride(),
    "ones_like 2-d": lambda T: T.ones_like(T.ones(2, 3), memory_format=T.channels_last),
    "elementwise keeps it": lambda T: (nhwc(T) * 2).stride(),
    "clone keeps it": lambda T: nhwc(T).clone().stride(),
    "back to contiguous": lambda T: nhwc(T).contiguous().stride(),
    "view refuses": lambda T: nhwc(T).view(-1),
    "reshape copies": lambda T: nhwc(T).reshape(-1).stride(),
    "with a dtype": lambda T: x4(T).to(T.float64, memory_format=T.channels_last).stride(),
    "same object": lambda T: same_objects(T),
    "grad_fn": lambda T: grad_fn_names(T),
    "Module.to": lambda T: module_strides(T),
    "convert_conv2d_weight": lambda T: T.nn.utils.convert_conv2d_weight_memory_format(
        T.nn.Conv2d(2, 3, 2), T.channels_last).weight.stride(),
    "one channel": lambda T: T.nn.utils.convert_conv2d_weight_memory_format(
        T.nn.Conv2d(1, 2, 3), T.channels_last).weight.stride(),
    "convert_conv3d_weight": lambda T: T.nn.utils.convert_conv3d_weight_memory_format(
        T.nn.Conv3d(2, 3, 2), T.channels_last_3d).weight.stride(),
    "conv": lambda T: T.nn.functional.conv2d(nhwc(T), T.ones(5, 2, 1, 1)),
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_outcomes_match_pytorchs(name):
    assert_like_torch(CASES[name])


def test_gradients_flow_through_a_layout_change():
    x = graphgrad.ones(1, 2, 3, 4, requires_grad=True)
    y = x.to(memory_format=graphgrad.channels_last)
    (y * graphgrad.arange(24.0).reshape(1, 2, 3, 4)).sum().backward()
    assert x.grad.tolist() == graphgrad.arange(24.0).reshape(1, 2, 3, 4).tolist()
