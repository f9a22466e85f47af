"""Front end: .tflite file -> validated Graph IR."""
from tinyc.frontend.tflite import read_model
from tinyc.frontend.validate import unsupported_ops, validate

__all__ = ["read_model", "validate", "unsupported_ops", "load_model"]


def load_model(path, backend: str = "native"):
    """Read and validate a model for compiling with `backend`."""
    from tinyc.ops import NATIVE_OPS
    graph = read_model(path)
    if backend == "tflm":
        from tinyc.frontend.validate import check_float
        check_float(graph)
        return graph
    from tinyc.passes.fold_shapes import fold_shapes
    return validate(fold_shapes(graph), NATIVE_OPS, backend)
