"""Regenerate docs/api-coverage.md: which names of PyTorch's API documentation graphgrad has.

Run ``python scripts/api_coverage.py`` after adding an op; tests/test_api_coverage.py fails while
the committed file is stale. Runs offline and without torch: the documented name lists, taken
from PyTorch's documentation sources, are in scripts/api_coverage/torch_docs_lists.json (made by
scripts/api_coverage/extract_doc_lists.py).
"""

import ast
import importlib
import inspect
import json
import pathlib
import textwrap

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "scripts" / "api_coverage" / "torch_docs_lists.json"
OUT = ROOT / "docs" / "api-coverage.md"

# Whole sections left out: graphgrad is CPU-only and real-valued, with no compiler or process
# groups.
EXCLUDED_SECTIONS = {
    ("torch", "Accelerators"): "CUDA",
    ("torch", "Symbolic Numbers"): "JIT/export",
    ("torch", "Control Flow"): "JIT/export",
    ("torch", "Optimizations"): "JIT/export",
    ("torch", "Operator Tags"): "JIT/export",
    ("nn", "DataParallel Layers (multi-GPU, distributed)"): "CUDA",
    ("nn.functional", "data_parallel"): "CUDA",
    ("nn.functional", "Low-Precision functions"): "CUDA",
}

# Single names left out, by their last dotted part: why.
_COMPLEX_ONLY = "complex polar view_as_real view_as_complex imag chalf cfloat cdouble"
# graphgrad's layouts are strided and sparse COO (docs/sparse.md); the others are left out.
_LAYOUTS = "layouts other than strided and sparse COO"
_QUANTIZED = "dequantize int_repr qscheme"
_CUDA = "cuda is_cuda xpu record_stream pin_memory is_pinned"
_DISTRIBUTED = "SyncBatchNorm DistributedSampler"
EXCLUDED_NAMES = {
    **dict.fromkeys(_COMPLEX_ONLY.split(), "complex"),
    "to_mkldnn": _LAYOUTS,
    **dict.fromkeys(_QUANTIZED.split(), "quantized"),
    **dict.fromkeys(_CUDA.split(), "CUDA"),
    **dict.fromkeys(_DISTRIBUTED.split(), "distributed"),
    # it steps parameters whose gradients are sparse; graphgrad's gradients are always dense
    "SparseAdam": "sparse gradients",
}
# Parts of a name that mark a whole family: sparse_csr_tensor, to_sparse_bsc,
# quantize_per_tensor, q_scale (q_ only as a prefix).
EXCLUDED_PARTS = {
    **dict.fromkeys(("_csr", "_csc", "_bsr", "_bsc"), _LAYOUTS),
    "quantiz": "quantized",
    "q_": "quantized",
}

# Pages shown as one row in the summary; the others get a row per documentation section.
ONE_ROW_PAGES = {"Tensor": "Tensor methods", "optim": "optim", "utils.data": "utils.data"}
ONE_ROW_PAGES["distributions"] = "distributions"

_MISSING = object()


def resolve(name, root="graphgrad", prefix="torch"):
    """The object at dotted path ``name`` with ``prefix`` replaced by ``root``, or ``_MISSING``."""
    parts = name.split(".")
    if parts[0] == prefix:
        parts[0] = root
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attr in parts[split:]:
            obj = getattr(obj, attr, _MISSING)
            if obj is _MISSING:
                break
        return obj
    return _MISSING


def exclusion(page, heading, name):
    """Why ``name`` is left out of the report, or None when it is counted."""
    if (page, heading) in EXCLUDED_SECTIONS:
        return EXCLUDED_SECTIONS[page, heading]
    last = name.rsplit(".", 1)[1]
    if last in EXCLUDED_NAMES:
        return EXCLUDED_NAMES[last]
    for part, reason in EXCLUDED_PARTS.items():
        if last.startswith(part) or (part != "q_" and part in last.lower()):
            return reason
    return None


def _function_of(obj):
    """The plain function behind ``obj`` (a method, property or wrapper), or None."""
    obj = getattr(obj, "fget", obj)
    obj = getattr(obj, "__func__", obj)
    obj = inspect.unwrap(obj)
    return obj if inspect.isfunction(obj) else None


def is_stub(obj):
    """Whether ``obj`` is a function whose body only raises NotImplementedError.

    Such an attribute names an API without providing it, so it does not count. A function
    that raises NotImplementedError for some arguments only (an unsupported mode) counts.
    """
    fn = _function_of(obj)
    if fn is None or fn.__name__ == "<lambda>":
        return False
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return False
    body = tree.body[0].body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc
    exc = exc.func if isinstance(exc, ast.Call) else exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def implemented(name, aliases):
    """Whether graphgrad provides ``name`` (or the page-level alias torch also exports)."""
    for path in (name, aliases.get(name)):
        if path is None:
            continue
        obj = resolve(path)
        if obj is not _MISSING and not is_stub(obj):
            return True
    return False


def _display(page, name):
    """``name`` as the report shows it: relative to the page's namespace."""
    prefix = {"torch": "torch.", "Tensor": "torch."}.get(page, f"torch.{page}.")
    return name[len(prefix) :] if name.startswith(prefix) else name


def coverage():
    """``(rows, left_out)``: rows are ``(page, heading, [(name, implemented)])`` in page order;
    left_out maps a reason to the names it removes."""
    data = json.loads(DATA.read_text())
    absent, aliases = set(data.get("absent_from_torch", ())), data.get("aliases", {})
    rows, left_out = [], {}
    for page, info in data["pages"].items():
        for section in info["sections"]:
            kept = []
            for name in section["names"]:
                reason = exclusion(page, section["heading"], name)
                if name in absent:
                    reason = f"not in {data['checked_against']}"
                if reason:
                    left_out.setdefault(reason, []).append(name.removeprefix("torch."))
                else:
                    kept.append((_display(page, name), implemented(name, aliases)))
            if kept:
                rows.append((page, section["heading"], kept))
    return rows, left_out


def _summary_rows(rows):
    """``[(label, done, listed)]``: one row per section, or per page for ONE_ROW_PAGES."""
    merged = {}
    for page, heading, names in rows:
        label = ONE_ROW_PAGES.get(page) or f"{page}: {heading}"
        done, listed = merged.get(label, (0, 0))
        merged[label] = (done + sum(ok for _, ok in names), listed + len(names))
    return [(label, done, listed) for label, (done, listed) in merged.items()]


def _percent(done, listed):
    return f"{100 * done / max(listed, 1):.0f}%"


def _header(data):
    files = ", ".join(f"`{p['file']}` at {p['commit'][:12]}" for p in data["pages"].values())
    return [
        "# PyTorch API coverage",
        "",
        "Generated by `scripts/api_coverage.py`; do not edit by hand.",
        "",
        "The names are those PyTorch's API documentation lists, section by section: the",
        "autosummary lists and autoclass/autofunction entries of the pytorch/pytorch",
        f"documentation sources {files}",
        "(extracted by `scripts/api_coverage/extract_doc_lists.py` into",
        "`scripts/api_coverage/torch_docs_lists.json`).",
        "",
        "A name counts as implemented when graphgrad has it at the documented path (or at the",
        "page's namespace where torch also exports it there, e.g. `distributions.Normal`), and",
        "it is not a stub: a function whose body only raises `NotImplementedError` does not",
        "count. The distributions page's transforms and constraints are documented as whole",
        "modules, with no list of names, so they are not counted.",
    ]


def _left_out_lines(left_out):
    lines = [
        "",
        "## Left out",
        "",
        "graphgrad is CPU-only and real-valued, has the strided and sparse COO layouts only,",
        "and has no JIT, export or process groups, so these documented names are not counted:",
        "",
    ]
    for reason, names in left_out.items():
        lines.append(f"- {reason} ({len(names)}): " + ", ".join(f"`{n}`" for n in names))
    return lines


def render():
    """Return the text of docs/api-coverage.md."""
    data = json.loads(DATA.read_text())
    rows, left_out = coverage()
    summary = _summary_rows(rows)
    done = sum(d for _, d, _ in summary)
    listed = sum(n for _, _, n in summary)
    lines = _header(data) + [
        "",
        "| Section | Implemented | Listed | % |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {s} | {d} | {n} | {_percent(d, n)} |" for s, d, n in summary]
    lines.append(f"| **all** | **{done}** | **{listed}** | **{_percent(done, listed)}** |")
    for page, heading, names in rows:
        ok = sum(o for _, o in names)
        lines += ["", f"## {page}: {heading} ({ok}/{len(names)})", ""]
        lines += [f"- {'✓' if o else '✗'} `{name}`" for name, o in names]
    lines += _left_out_lines(left_out)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUT.write_text(render())
