"""The explore page of a whole program: run it, and draw what its last ``make_dot`` drew.

>>> import pathlib, tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     program = pathlib.Path(tmp, "example1.py")
...     _ = program.write_text(
...         "import torch\\nfrom torchviz import make_dot\\n"
...         "x = torch.tensor(2.0, requires_grad=True)\\nmake_dot(x * 3)\\n")
...     page = page_of_program(program)
>>> [box["label"] for box in page.data["boxes"]]
['()', 'MulBackward0', 'x\\n ()', 'AccumulateGrad']
"""

from __future__ import annotations

import os
from pathlib import Path

from ..seed_graphs import last_make_dot_call, tensor_names
from ._explorer import Explorer, explore

DRAW_ARGS = ("params", "show_attrs", "show_saved", "max_attr_chars")  # make_dot's positional ones


def page_of_program(
    program: str | os.PathLike, path: str | os.PathLike | None = None, names: bool = True
) -> Explorer:
    """Run ``program`` quietly; the explore page of the graph of its last ``make_dot`` call.

    ``names``: name the boxes after the program's tensor variables when the call passed no
    ``params``. ``path``: also save the page there. Raises RuntimeError when the program never
    calls ``make_dot``.
    """
    program = Path(program)
    call = last_make_dot_call(program)
    if call is None:
        raise RuntimeError(f"{program.name} never calls make_dot")
    args = call.args
    kwargs = {**dict(zip(DRAW_ARGS, args[1:])), **call.kwargs}
    if names and kwargs.get("params") is None:
        kwargs["params"] = tensor_names(call.namespace)
    title = f"graphgrad: {program.name}"
    return explore(args[0] if args else kwargs.pop("var"), path=path, title=title, **kwargs)
