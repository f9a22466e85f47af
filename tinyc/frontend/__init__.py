"""Front end: .tflite file -> validated Graph IR."""
from tinyc.frontend.preconditions import check_preconditions
from tinyc.frontend.structure import check_structure
from tinyc.frontend.tflite import parse_model
from tinyc.frontend.validate import unsupported_ops, validate

__all__ = ["read_model", "validate", "unsupported_ops", "load_model"]


def read_model(path):
    """Parse a model and prove it self-consistent (indices, writers, quantization, each op's
    shapes): every command, inspect and plan included, sees only graphs the kernels can run."""
    graph = parse_model(path)
    check_structure(graph)
    check_preconditions(graph)
    return graph


def load_model(path, backend: str = "native"):
    """Read a model and have `backend` validate it (what it supports is the backend's)."""
    from tinyc.backends import get_backend
    return get_backend(backend).validate(read_model(path))
