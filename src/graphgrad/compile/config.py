"""The compiler's settings, as ``torch._dynamo.config`` holds them (it is this module).

Only the recompile limit changes what graphgrad does: a compiled callable records at most
``recompile_limit`` signatures (``cache_size_limit`` is its old name, as in PyTorch); calls
that match none of them run eagerly. The other settings programs commonly set are accepted
and have no effect here: graphgrad records every shape on its own, has no graph breaks to
suppress, and logs nothing.

>>> import graphgrad._dynamo
>>> graphgrad._dynamo.config.cache_size_limit = 16
>>> graphgrad._dynamo.config.recompile_limit
16
>>> graphgrad._dynamo.config.cache_size_limit = 8
"""

from __future__ import annotations

import sys
import types

recompile_limit = 8  # recordings per compiled callable (PyTorch's default)
accumulated_recompile_limit = 256
suppress_errors = False
verbose = False
capture_scalar_outputs = False
capture_dynamic_output_shape_ops = False
automatic_dynamic_shapes = True
assume_static_by_default = True
optimize_ddp = True
inline_inbuilt_nn_modules = True
error_on_recompile = False


class _Config(types.ModuleType):
    """This module, with ``cache_size_limit`` as another name of ``recompile_limit``."""

    @property
    def cache_size_limit(self) -> int:
        return self.recompile_limit

    @cache_size_limit.setter
    def cache_size_limit(self, value: int) -> None:
        self.recompile_limit = value


sys.modules[__name__].__class__ = _Config
