"""Front end: .tflite file -> validated Graph IR."""
from tinyc.frontend.tflite import read_model
from tinyc.frontend.validate import unsupported_ops, validate

__all__ = ["read_model", "validate", "unsupported_ops", "load_model"]


def load_model(path, backend: str = "native"):
    """Read a model and have `backend` validate it (what it supports is the backend's)."""
    from tinyc.backends import get_backend
    return get_backend(backend).validate(read_model(path))
