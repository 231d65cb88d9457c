import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("api_coverage", ROOT / "scripts" / "api_coverage.py")
api_coverage = importlib.util.module_from_spec(spec)
spec.loader.exec_module(api_coverage)


def test_committed_doc_is_current():
    assert (ROOT / "docs" / "api-coverage.md").read_text() == api_coverage.render()


def test_excluded_parts_are_left_out():
    names = [n for rows in api_coverage.coverage().values() for n, _ in rows]
    for part in ("cuda", "sparse", "quant", "complex", "jit", "export", "distributed"):
        assert not any(part in n.lower() for n in names)
    assert api_coverage.is_excluded("to_sparse") and not api_coverage.is_excluded("add")
