import importlib.util
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


api_coverage = _load("api_coverage", ROOT / "scripts" / "api_coverage.py")
extract = _load("extract_doc_lists", ROOT / "scripts" / "api_coverage" / "extract_doc_lists.py")


def test_committed_doc_is_current():
    assert (ROOT / "docs" / "api-coverage.md").read_text() == api_coverage.render()


def test_lists_name_their_source_commits():
    data = json.loads(api_coverage.DATA.read_text())
    assert list(data["pages"]) == list(extract.PAGES)
    for page in data["pages"].values():
        assert page["file"].startswith("docs/source/") and len(page["commit"]) == 40
        assert page["sections"] and all(s["names"] for s in page["sections"])


def test_every_documented_name_is_listed_or_left_out_with_a_reason():
    data = json.loads(api_coverage.DATA.read_text())
    documented = [n for p in data["pages"].values() for s in p["sections"] for n in s["names"]]
    rows, left_out = api_coverage.coverage()
    assert sum(len(names) for _, _, names in rows) + sum(map(len, left_out.values())) == len(
        documented
    )
    assert set(left_out) <= {
        "CUDA",
        "layouts other than strided and sparse COO",
        "quantized",
        "complex",
        "JIT/export",
        "distributed",
        "sparse gradients",
        f"not in {data['checked_against']}",
    }


def test_exclusions():
    ex = api_coverage.exclusion
    assert ex("Tensor", "", "torch.Tensor.to_sparse_csr") == api_coverage._LAYOUTS
    assert ex("torch", "", "torch.sparse_bsc_tensor") == api_coverage._LAYOUTS
    assert ex("torch", "Tensors", "torch.sparse_coo_tensor") is None
    assert ex("Tensor", "", "torch.Tensor.to_sparse") is None
    assert ex("optim", "", "torch.optim.SparseAdam") == "sparse gradients"
    assert ex("torch", "", "torch.quantize_per_tensor") == "quantized"
    assert ex("Tensor", "", "torch.Tensor.q_scale") == "quantized"
    assert ex("torch", "Accelerators", "torch.Stream") == "CUDA"
    assert ex("torch", "Optimizations", "torch.compile") == "JIT/export"
    assert ex("torch", "Reduction Ops", "torch.quantile") is None
    assert ex("torch", "Pointwise Ops", "torch.add") is None


def test_main_sections_are_reported():
    labels = [label for label, _, _ in api_coverage._summary_rows(api_coverage.coverage()[0])]
    for label in (
        "torch: Creation Ops",
        "torch: Indexing, Slicing, Joining, Mutating Ops",
        "torch: Random sampling",
        "torch: Pointwise Ops",
        "torch: Reduction Ops",
        "torch: Comparison Ops",
        "torch: Other Operations",
        "torch: BLAS and LAPACK Operations",
        "Tensor methods",
        "nn: Convolution Layers",
        "nn.functional: Loss functions",
        "optim",
        "utils.data",
        "distributions",
    ):
        assert label in labels


def _stub(x):
    """Documented, but not there."""
    raise NotImplementedError("not yet")


def _partial(x):
    if x:
        raise NotImplementedError
    return x


def test_a_stub_raising_not_implemented_does_not_count():
    assert api_coverage.is_stub(_stub)
    assert not api_coverage.is_stub(_partial)
    assert not api_coverage.is_stub(len)


def test_parse_page_reads_headings_autosummary_and_directives():
    page = """# torch.x
```{eval-rst}
.. currentmodule:: torch
```
## Group {hidden}`A`
```{eval-rst}
.. autosummary::
    :toctree: generated
    :nosignatures:

    ~parameter.Buffer
    nn.Conv1d

    torch.nn.parallel.data_parallel

.. _Link: https://example.org
```
## B
```{eval-rst}
.. currentmodule:: torch.distributions.normal
.. autoclass:: Normal
    :members:
```
"""
    assert extract.parse_page(page) == [
        (
            "Group A",
            ["torch.parameter.Buffer", "torch.nn.Conv1d", "torch.nn.parallel.data_parallel"],
        ),
        ("B", ["torch.distributions.normal.Normal"]),
    ]
