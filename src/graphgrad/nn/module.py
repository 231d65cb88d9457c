"""``nn.Module``: the base of every layer, with parameters, buffers, children, hooks,
train/eval, ``state_dict`` / ``load_state_dict`` and PyTorch's repr.

``load_state_dict`` checks every key and shape before it copies anything, so a mismatched
checkpoint raises PyTorch's error and leaves the module as it was (PyTorch itself copies the
matching tensors before it raises).

>>> import graphgrad as torch
>>> class Net(torch.nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.fc = torch.nn.Linear(2, 1)
...     def forward(self, x):
...         return self.fc(x)
>>> Net()
Net(
  (fc): Linear(in_features=2, out_features=1, bias=True)
)
>>> list(Net().state_dict())
['fc.weight', 'fc.bias']
"""

from __future__ import annotations

import functools
import inspect
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator

import numpy as np

from .._device import cpu_only
from ..autograd.grad_mode import no_grad
from ..compile._flag import state as _compile_state
from ..ops.convert import cuda, parse_to_args
from ..tensor import Tensor
from . import _hooks
from ._backward_hooks import BackwardHook
from ._hooks import _HookHandle, add_hook, call_forward_hook, run_registration_hooks
from .parameter import Buffer, Parameter, reset_grads


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _addindent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


def _typename(value) -> str:
    if isinstance(value, Tensor):
        return f"torch.{value.dtype.legacy}Tensor"
    return type(value).__name__


def _base_state() -> dict:
    """The attributes every module starts with (what ``Module.__init__`` sets)."""
    return {
        "training": True,
        "_parameters": {},
        "_buffers": {},
        "_non_persistent_buffers_set": set(),
        "_modules": {},
        "_forward_hooks": OrderedDict(),
        "_forward_pre_hooks": OrderedDict(),
    }


class Module:
    """Base class for all layers: assign Parameters and Modules as attributes to register them.

    Subclasses call ``super().__init__()`` first and define ``forward``.

    >>> class Affine(torch.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.scale = torch.nn.Parameter(torch.tensor(2.0))
    ...     def forward(self, x):
    ...         return self.scale * x
    >>> Affine()(torch.tensor([1.0, 3.0]))
    tensor([2., 6.], grad_fn=<MulBackward0>)
    """

    training: bool
    _version: int = 1

    def __init_subclass__(cls, **kwargs) -> None:
        """A layer built with ``device=`` asks for that device, as PyTorch's layers do: wrap a
        subclass's ``__init__`` that takes ``device`` so that a CUDA device raises the CPU
        build's error (checked here once, for every layer, not in each one)."""
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None or "device" not in inspect.signature(init).parameters:
            return

        @functools.wraps(init)
        def checked(self, *args, **kw) -> None:
            cpu_only(kw.get("device"))
            init(self, *args, **kw)

        cls.__init__ = checked  # type: ignore[method-assign]

    def __init__(self, *args, **kwargs) -> None:
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() takes no arguments")
        self.__dict__.update(_base_state())

    def __setstate__(self, state: dict) -> None:
        """Take the attributes of an unpickled (or copied) module; any that a module always has
        and ``state`` lacks (a file from an older writer) start empty, as after ``__init__``.

        >>> m = torch.nn.Linear(2, 1).__new__(torch.nn.Linear)
        >>> m.__setstate__({"in_features": 2, "out_features": 1})
        >>> m.training, m._parameters
        (True, {})
        """
        self.__dict__.update(state)
        for key, value in _base_state().items():
            self.__dict__.setdefault(key, value)

    def forward(self, *args, **kwargs):
        """The computation of the module: subclasses define it, and calling the module
        (``module(x)``) runs it between the forward hooks.

        >>> class Double(torch.nn.Module):
        ...     def forward(self, x):
        ...         return 2 * x
        >>> Double()(torch.tensor([1.0]))
        tensor([2.])
        """
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args, **kwargs):
        if _compile_state.recorder is not None:
            self._check_hooks_replay()
        # The global hooks (nn.modules.module.register_module_*) run before the module's own.
        for hook in [*_hooks.forward_pre_hooks.values(), *self._forward_pre_hooks.values()]:
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        d = self.__dict__
        backward_hooks = [*_hooks.backward_hooks.values(), *d.get("_backward_hooks", {}).values()]
        pre_hooks = [
            *_hooks.backward_pre_hooks.values(),
            *d.get("_backward_pre_hooks", {}).values(),
        ]
        if backward_hooks or pre_hooks:
            bw_hook = BackwardHook(self, backward_hooks, pre_hooks)
            args = bw_hook.setup_input_hook(args)
        output = self.forward(*args, **kwargs)
        for hook in [*_hooks.forward_hooks.values(), *self._forward_hooks.values()]:
            result = call_forward_hook(hook, self, args, kwargs, output)
            if result is not None:
                output = result
        if backward_hooks or pre_hooks:
            output = bw_hook.setup_output_hook(output)
        return output

    def _check_hooks_replay(self) -> None:
        """In a compiled call's recording: a forward hook of the user's (storing activations,
        logging) is Python that a replay would skip, so the call runs eagerly instead. The
        hooks graphgrad registers itself (weight_norm's, spectral_norm's) are tensor ops,
        which the recording holds."""
        hooks = [
            *_hooks.forward_pre_hooks.values(), *self._forward_pre_hooks.values(),
            *_hooks.forward_hooks.values(), *self._forward_hooks.values(),
        ]  # fmt: skip
        if any(not _own_hook(hook) for hook in hooks):
            _compile_state.recorder.stop(f"a forward hook on {type(self).__name__}")

    # -- registration -------------------------------------------------------------------------
    def _check_ready(self) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameters before Module.__init__() call")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` under ``name`` (what assigning a ``Parameter`` attribute does).

        Args:
            name: the attribute name.
            param: a ``Parameter``, or ``None`` for a declared but absent parameter.

        >>> m = torch.nn.Module()
        >>> m.register_parameter("w", torch.nn.Parameter(torch.ones(2)))
        >>> list(m.state_dict())
        ['w']
        """
        self._check_ready()
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)"
            )
        if param is not None:
            param = run_registration_hooks(_hooks.parameter_registration_hooks, self, name, param)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a tensor that is state but not a parameter (running means, counters).

        Args:
            name: the attribute name.
            tensor: the tensor, or ``None``.
            persistent: whether ``state_dict`` includes it.

        >>> m = torch.nn.Module()
        >>> m.register_buffer("count", torch.zeros(1))
        >>> m.register_buffer("scratch", torch.zeros(1), persistent=False)
        >>> list(m.state_dict())
        ['count']
        """
        self._check_ready()
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                "(torch Tensor or None required)"
            )
        tensor = run_registration_hooks(_hooks.buffer_registration_hooks, self, name, tensor)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register a child module under ``name`` (what assigning a Module attribute does).

        Args:
            name: the attribute name.
            module: the child, or ``None``.

        >>> m = torch.nn.Module()
        >>> m.add_module("fc", torch.nn.Linear(1, 1))
        >>> list(m.state_dict())
        ['fc.weight', 'fc.bias']
        """
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        module = run_registration_hooks(_hooks.module_registration_hooks, self, name, module)
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name: str, value) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            self._check_ready()
            self._forget(name, keep="_parameters")
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            params[name] = None
        elif isinstance(value, Module):
            if "_modules" not in d:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, keep="_modules")
            self.add_module(name, value)
        elif "_modules" in d and name in d["_modules"]:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as child module '{name}' "
                    "(torch.nn.Module or None expected)"
                )
            self.add_module(name, None)
        elif isinstance(value, Buffer):
            if "_buffers" not in d:
                raise AttributeError("cannot assign buffer before Module.__init__() call")
            self.register_buffer(name, value, value.persistent)  # type: ignore[arg-type]
        elif "_buffers" in d and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as buffer '{name}' "
                    "(torch.Tensor or None expected)"
                )
            self.register_buffer(name, value, name not in self._non_persistent_buffers_set)
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: str) -> None:
        """Drop ``name`` from the other stores; in ``keep`` it is replaced in place (so a
        reassigned parameter keeps its place in ``state_dict``, as in PyTorch)."""
        for key in ("_parameters", "_buffers", "_modules"):
            if key != keep:
                self.__dict__[key].pop(name, None)
        self.__dict__.pop(name, None)

    def __getattr__(self, name: str):
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            store = d.get(key)
            if store is not None and name in store:
                return store[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for key in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__[key]:
                del self.__dict__[key][name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        extra = list(self._parameters) + list(self._buffers) + list(self._modules)
        return sorted(set(object.__dir__(self)) | set(extra))

    # -- traversal ----------------------------------------------------------------------------
    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module and every descendant, depth first, each once, with dotted names.

        Args:
            memo: modules to skip (already seen).
            prefix: prepended to every name.
            remove_duplicate: yield a module reachable by several paths once.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> [name for name, _ in net.named_modules()]
        ['', '0', '1']
        """
        seen = memo if memo is not None else set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in seen:
                    continue
                seen.add(id(module))
            yield name, module
            children = [
                (f"{name}.{k}" if name else k, m)
                for k, m in module._modules.items()
                if m is not None
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """This module and every descendant, depth first, each once.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> [type(m).__name__ for m in net.modules()]
        ['Sequential', 'Linear', 'ReLU']
        """
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct children, with their names.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> [name for name, _ in net.named_children()]
        ['0', '1']
        """
        seen = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        """The direct children.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> [type(m).__name__ for m in net.children()]
        ['Linear', 'ReLU']
        """
        for _, m in self.named_children():
            yield m

    def _named_members(self, store: str, prefix: str, recurse: bool, remove_duplicate: bool):
        seen = set()
        mods = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_prefix, module in mods:
            for name, value in module.__dict__[store].items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """The parameters with their dotted names.

        Args:
            prefix: prepended to every name (with a dot).
            recurse: include the submodules' parameters, not only this module's own.
            remove_duplicate: yield a parameter shared by several modules once.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> [(name, tuple(p.shape)) for name, p in net.named_parameters()]
        [('0.weight', (3, 2)), ('0.bias', (3,))]
        """
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """The parameters (what an optimizer takes).

        Args:
            recurse: include the submodules' parameters.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> sum(p.numel() for p in net.parameters())
        9
        """
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """The buffers with their dotted names.

        Args:
            prefix: prepended to every name (with a dot).
            recurse: include the submodules' buffers, not only this module's own.
            remove_duplicate: yield a buffer shared by several modules once.

        >>> [name for name, _ in torch.nn.BatchNorm1d(2).named_buffers()]
        ['running_mean', 'running_var', 'num_batches_tracked']
        """
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """The buffers.

        Args:
            recurse: include the submodules' buffers.

        >>> len(list(torch.nn.BatchNorm1d(2).buffers()))
        3
        """
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def get_submodule(self, target: str) -> Module:
        """The descendant at the dotted path ``target`` (``""`` is this module).

        Args:
            target: a dotted path such as ``"encoder.0"``.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net.get_submodule("0")
        Linear(in_features=2, out_features=3, bias=True)
        """
        module = self
        for item in target.split(".") if target else []:
            if item not in module._modules:
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = module._modules[item]
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at the dotted path ``target``.

        Args:
            target: a dotted path such as ``"0.bias"``.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net.get_parameter("0.bias").shape
        torch.Size([3])
        """
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if name not in module._parameters:
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return module._parameters[name]

    # -- modes and bulk changes ---------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode on this module and its
        descendants; it changes what Dropout and BatchNorm do. Returns the module.

        Args:
            mode: True for training, False for evaluation.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net.train(False).training, net.train().training
        (False, True)
        """
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self) -> Module:
        """Set evaluation mode: ``train(False)``. Returns the module.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net.eval().training
        False
        """
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set ``requires_grad`` on every parameter (freeze with False). Returns the module.

        Args:
            requires_grad: whether autograd should record operations on the parameters.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net.requires_grad_(False)[0].weight.requires_grad
        False
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters.

        Args:
            set_to_none: set each ``.grad`` to ``None`` (the default) instead of zeroing it.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net(torch.ones(1, 2)).sum().backward()
        >>> net.zero_grad()
        >>> net[0].weight.grad is None
        True
        """
        reset_grads(self.parameters(), set_to_none)

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every submodule (children first) and then on this module.
        Returns the module.

        Args:
            fn: a function of one module, such as an initialiser.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> def init(m):
        ...     if isinstance(m, torch.nn.Linear):
        ...         torch.nn.init.zeros_(m.bias)
        >>> net.apply(init)[0].bias
        Parameter containing:
        tensor([0., 0., 0.], requires_grad=True)
        """
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def _apply_to_tensors(self, fn: Callable[[Tensor], Tensor]) -> Module:
        with no_grad():
            for m in self.modules():
                for store in (m._parameters, m._buffers):
                    for t in store.values():
                        if t is None:
                            continue
                        new = fn(t)
                        if new is not t:
                            t._data = new._data
                            t.dtype = new.dtype
                            if t._grad is not None:
                                t._grad = fn(t._grad)
        return self

    def to(self, *args, **kwargs) -> Module:
        """Cast the floating-point parameters and buffers to a dtype; ``"cpu"`` is the only
        device. Takes ``to(dtype)``, ``to(device)``, ``to(device, dtype)`` or ``to(tensor)``,
        and ``memory_format=`` (applied to the 4-d and 5-d tensors, as PyTorch does). Returns
        the module; its Parameter objects stay.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net.to(torch.float64)[0].weight.dtype
        torch.float64
        """
        dt, _ = parse_to_args(args, kwargs)
        fmt = kwargs.get("memory_format")
        if dt is not None and not dt.is_floating_point:
            raise TypeError(
                f"nn.Module.to only accepts floating point or complex dtypes, but "
                f"got desired dtype={dt}"
            )

        def convert(t: Tensor) -> Tensor:
            cast = dt if t.dtype.is_floating_point else None
            return t.to(cast, memory_format=fmt if t.dim() in (4, 5) else None)

        return self if dt is None and fmt is None else self._apply_to_tensors(convert)

    def float(self) -> Module:
        """Cast floating-point parameters and buffers to float32. Returns the module.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net.double().float()[0].weight.dtype
        torch.float32
        """
        from ..dtypes import float32

        return self.to(float32)

    def double(self) -> Module:
        """Cast floating-point parameters and buffers to float64. Returns the module.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net.double()[0].weight.dtype
        torch.float64
        """
        from ..dtypes import float64

        return self.to(float64)

    def half(self) -> Module:
        """Cast floating-point parameters and buffers to float16. Returns the module.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net.half()[0].bias.dtype
        torch.float16
        """
        from ..dtypes import float16

        return self.to(float16)

    def bfloat16(self) -> Module:
        """Cast floating-point parameters and buffers to bfloat16: graphgrad has no bfloat16
        tensors (NumPy has no such type), so this raises, as ``Tensor.bfloat16`` does.

        >>> torch.nn.Linear(2, 3).bfloat16()
        Traceback (most recent call last):
        TypeError: graphgrad has no bfloat16 tensors: NumPy has no bfloat16 type ...
        """
        from ..dtypes import bfloat16

        return self.to(bfloat16)

    def share_memory(self) -> Module:
        """Move the parameters and buffers (and their gradients) into memory shared with the
        processes this one forks (``Tensor.share_memory_``: Hogwild training). Returns the
        module.

        >>> torch.nn.Linear(2, 3).share_memory().weight.is_shared()
        True
        """
        for t in (*self.parameters(), *self.buffers()):
            for held in (t, t._grad):
                if held is not None:
                    held.share_memory_()
        return self

    def cpu(self) -> Module:
        """The module itself: it is on the CPU already.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net.cpu() is net
        True
        """
        return self

    def cuda(self, device=None) -> Module:
        """Move to a CUDA device: there is none, as in PyTorch's CPU build, so this raises.

        Args:
            device: the CUDA device.

        >>> torch.nn.Linear(2, 3).cuda()
        Traceback (most recent call last):
        AssertionError: Torch not compiled with CUDA enabled
        """
        for t in self.parameters():
            cuda(t, device)
        return self

    def type(self, dst_type) -> Module:
        """Cast all parameters and buffers to ``dst_type``. Returns the module.

        Args:
            dst_type: a dtype.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net.type(torch.float64)[0].bias.dtype
        torch.float64
        """
        return self.to(dst_type)

    # -- hooks --------------------------------------------------------------------------------
    def _add_hook(self, store: OrderedDict, hook, prepend: bool) -> _HookHandle:
        return add_hook(store, hook, prepend)

    def register_forward_pre_hook(self, hook, *, prepend: bool = False) -> _HookHandle:
        """Run ``hook(module, args)`` before each forward; a value it returns
        replaces the positional arguments.

        Args:
            hook: the function; ``args`` is the tuple of positional arguments.
            prepend: run it before the hooks already registered.

        Returns a handle whose ``remove()`` unregisters the hook.

        >>> m = torch.nn.Identity()
        >>> handle = m.register_forward_pre_hook(lambda module, args: (args[0] * 0,))
        >>> m(torch.ones(2))
        tensor([0., 0.])
        >>> handle.remove()
        """
        return self._add_hook(self._forward_pre_hooks, hook, prepend)

    def register_forward_hook(self, hook, *, prepend: bool = False) -> _HookHandle:
        """Run ``hook(module, args, output)`` after each forward; a value it returns
        replaces the output.

        Args:
            hook: the function.
            prepend: run it before the hooks already registered.

        Returns a handle whose ``remove()`` unregisters the hook.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> shapes = []
        >>> handle = net.register_forward_hook(lambda module, args, out: shapes.append(out.shape))
        >>> _ = net(torch.ones(4, 2))
        >>> shapes
        [torch.Size([4, 3])]
        """
        return self._add_hook(self._forward_hooks, hook, prepend)

    def register_full_backward_hook(self, hook, prepend: bool = False) -> _HookHandle:
        """``hook(module, grad_input, grad_output)`` runs once the gradients with respect to
        the module's inputs are computed; it may return a replacement ``grad_input``.

        Args:
            hook: the function to call; returns None or the new ``grad_input`` tuple.
            prepend: run it before the hooks registered earlier.

        Returns a handle whose ``remove()`` unregisters the hook.

        >>> net = torch.nn.Linear(2, 1)
        >>> handle = net.register_full_backward_hook(lambda m, gi, go: print(go))
        >>> net(torch.ones(1, 2, requires_grad=True)).sum().backward()
        (tensor([[1.]]),)
        >>> handle.remove()
        """
        if "_backward_hooks" not in self.__dict__:
            self.__dict__["_backward_hooks"] = OrderedDict()
        return self._add_hook(self._backward_hooks, hook, prepend)

    def register_full_backward_pre_hook(self, hook, prepend: bool = False) -> _HookHandle:
        """``hook(module, grad_output)`` runs once the gradients with respect to the module's
        outputs are computed; it may return a replacement ``grad_output``.

        Args:
            hook: the function to call; returns None or the new ``grad_output`` tuple.
            prepend: run it before the hooks registered earlier.

        Returns a handle whose ``remove()`` unregisters the hook.

        >>> x = torch.ones(1, requires_grad=True)
        >>> m = torch.nn.Identity()
        >>> handle = m.register_full_backward_pre_hook(lambda m, go: (go[0] * 2,))
        >>> m(x).sum().backward()
        >>> x.grad
        tensor([2.])
        """
        if "_backward_pre_hooks" not in self.__dict__:
            self.__dict__["_backward_pre_hooks"] = OrderedDict()
        return self._add_hook(self._backward_pre_hooks, hook, prepend)

    # -- state dict ---------------------------------------------------------------------------
    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else b.detach()

    def state_dict(
        self, *args, destination=None, prefix: str = "", keep_vars: bool = False
    ) -> OrderedDict:
        """The parameters and persistent buffers by dotted name, detached, sharing storage.

        Args:
            destination: a dict to fill and return (a new ``OrderedDict`` when ``None``).
            prefix: prepended to every name.
            keep_vars: keep the tensors attached to the graph instead of detaching them.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> list(net.state_dict())
        ['0.weight', '0.bias']
        """
        if destination is None:
            destination = OrderedDict()
        # a submodule reachable by two names is saved under both, as in PyTorch
        modules = self.named_modules(prefix=prefix.rstrip("."), remove_duplicate=False)
        for mod_prefix, module in modules:
            module._save_to_state_dict(
                destination, f"{mod_prefix}." if mod_prefix else "", keep_vars
            )
        return destination

    def _local_state(self) -> dict:
        """Every tensor this module (not its children) would load: name -> current tensor."""
        out: dict = {}
        self._save_to_state_dict(out, "", True)
        return out

    def _fill_missing(self, state_dict: dict, prefix: str) -> None:
        """Hook for modules that accept an older checkpoint layout (BatchNorm)."""

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy tensors from ``state_dict`` into this module's parameters and buffers.

        Every key and shape is checked before anything is copied, so a mismatch raises PyTorch's
        error and leaves the module unchanged.

        Args:
            state_dict: a mapping from dotted names to tensors, as ``state_dict()`` returns.
            strict: require exactly this module's keys (else missing and unexpected keys are
                reported, not raised).
            assign: replace the parameters by the given tensors instead of copying into them.

        Returns ``(missing_keys, unexpected_keys)``.

        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net.load_state_dict(net.state_dict())
        <All keys matched successfully>
        """
        from ._state import plan_load

        plan, missing, unexpected, errors = plan_load(self, dict(state_dict), strict)
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        with no_grad():
            for target, value in plan:
                if assign:
                    target._data = value._data.astype(target._data.dtype, copy=True)
                else:
                    np.copyto(target._data, value._data, casting="unsafe")
                target._bump_version()
        return _IncompatibleKeys(missing, unexpected)

    # -- repr ---------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr; subclasses override it.

        >>> torch.nn.Linear(2, 3).extra_repr()
        'in_features=2, out_features=3, bias=True'
        """
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): {_addindent(repr(m), 2)}" for key, m in self._modules.items()]
        lines = extra_lines + child_lines
        body = ""
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                body = extra_lines[0]
            else:
                body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{self._get_name()}({body})"


def _own_hook(hook) -> bool:
    """Whether ``hook`` is one of graphgrad's own (``weight_norm``'s: tensor ops only)."""
    fn = getattr(hook, "func", hook)  # (a functools.partial's function)
    return (getattr(fn, "__module__", None) or "").startswith("graphgrad.")
