"""The type checker's stub of Tensor's attached methods (src/graphgrad/_tensor_methods.pyi)
matches the methods the package attaches."""

import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _load_generator():
    path = ROOT / "scripts" / "tensor_methods_stub.py"
    spec = importlib.util.spec_from_file_location("tensor_methods_stub", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_stub_is_current():
    generator = _load_generator()
    message = "Tensor's methods changed: run .venv/bin/python scripts/tensor_methods_stub.py"
    assert generator.STUB.read_text() == generator.render(), message


def test_stub_declares_attached_methods_with_their_return_types():
    text = (ROOT / "src" / "graphgrad" / "_tensor_methods.pyi").read_text()
    assert "    def reshape(self, *args: Any, **kwargs: Any) -> Tensor: ..." in text
    assert "    def __add__(self, *args: Any, **kwargs: Any) -> Tensor: ..." in text
    assert "    def allclose(self, *args: Any, **kwargs: Any) -> builtins.bool: ..." in text
    assert "def size(" not in text  # tensor.py defines it; mypy reads it there
