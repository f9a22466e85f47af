"""ONNX in: onnx2tf turns the graph (NCHW) into a TensorFlow SavedModel (NHWC), which
tinyc.quantizer then quantizes like any other. Needs `pip install 'tinyc[onnx]'`."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from tinyc.errors import TinycError
from tinyc.tf_models import first_line

INSTALL = "ONNX input needs onnx2tf, onnx and onnxruntime: pip install 'tinyc[onnx]'"


def onnx_input_shape(src: Path) -> tuple:
    """The first graph input's shape as the ONNX file declares it (None: unknown dimension)."""
    try:
        import onnx
    except ImportError:
        raise TinycError(INSTALL) from None
    try:
        m = onnx.load(str(src), load_external_data=False)
    except Exception as e:
        raise TinycError(f"cannot read {src} as ONNX: {first_line(e)}") from None
    consts = {i.name for i in m.graph.initializer}
    inputs = [i for i in m.graph.input if i.name not in consts]
    if len(inputs) != 1:
        raise TinycError(f"{src} has {len(inputs)} inputs; tinyc quantize handles one")
    dims = inputs[0].type.tensor_type.shape.dim
    return tuple(d.dim_value if d.HasField("dim_value") else None for d in dims)


def onnx_to_saved_model(src: Path, out_dir: Path, verbose: bool = False) -> Path:
    """src converted by onnx2tf into out_dir (a SavedModel folder), batch fixed to 1."""
    try:
        import onnx2tf
    except ImportError:
        raise TinycError(INSTALL) from None
    try:
        with _offline_sample_images():
            onnx2tf.convert(input_onnx_file_path=str(src), output_folder_path=str(out_dir),
                            batch_size=1, non_verbose=not verbose)
    except SystemExit:   # onnx2tf exits on what it cannot convert, after logging why
        raise TinycError(f"onnx2tf could not convert {src} (rerun with --verbose to see why)") \
            from None
    except Exception as e:
        raise TinycError(f"onnx2tf could not convert {src}: {first_line(e)}") from None
    if not (out_dir / "saved_model.pb").is_file():
        raise TinycError(f"onnx2tf wrote no SavedModel for {src} (rerun with --verbose)")
    return out_dir


def nchw_to_nhwc(x, onnx_shape: tuple, spec: tuple):
    """Calibration data in the ONNX model's own layout ([N, C, H, W], what PyTorch users
    have) moved to the converted model's [N, H, W, C]; other data is left as it is."""
    import numpy as np
    sample, want = tuple(x.shape[1:]), tuple(spec[1:])
    nchw = tuple(onnx_shape[1:])
    if len(nchw) >= 3 and sample != want and len(sample) == len(nchw) and all(
            d is None or d == s for d, s in zip(nchw, sample)):
        return np.moveaxis(x, 1, -1)
    return x


@contextmanager
def _offline_sample_images():
    """onnx2tf downloads 20 sample images (from GitHub) for its own check runs whenever the
    input looks like an NHWC RGB image; seeded noise of the same shape does that job offline
    (the converted graph does not depend on it: tinyc calibrates with the user's data)."""
    import numpy as np
    from onnx2tf import onnx2tf as module
    real = getattr(module, "download_test_image_data", None)
    module.download_test_image_data = lambda: np.random.default_rng(0).uniform(
        0, 1, (20, 128, 128, 3)).astype(np.float32)
    try:
        yield
    finally:
        if real is not None:
            module.download_test_image_data = real
