"""Full-integer int8 quantization with TensorFlow, from a Keras file, a SavedModel folder or a
float .tflite, calibrated on the user's samples (see tinyc/accuracy/samples.py)."""
from __future__ import annotations

import hashlib
import io
import os
import sys
import tempfile
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

import numpy as np

from tinyc.accuracy.samples import as_batch, load_array
from tinyc.errors import TinycError
from tinyc.output import progress
from tinyc.tf_models import first_line, load_keras, load_tf, model_kind, serving_function

KIND_NAMES = {"keras": "Keras model", "saved_model": "SavedModel", "tflite": "float .tflite",
              "onnx": "ONNX model"}


@contextmanager
def tf_quiet(verbose: bool = False):
    """TensorFlow's chatter (Python prints and C++ logs on fds 1 and 2) kept off the terminal
    unless verbose; stdout stays clean for the user's pipes."""
    if verbose:
        with redirect_stdout(sys.stderr):
            yield
        return
    saved = [os.dup(1), os.dup(2)]
    with tempfile.TemporaryFile() as sink:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            with redirect_stdout(io.StringIO()):
                yield
        finally:
            sys.stdout.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


def source_bytes(src: Path) -> int:
    """The float model's size on disk (a SavedModel: every file in its folder)."""
    if src.is_dir():
        return sum(p.stat().st_size for p in src.rglob("*") if p.is_file())
    return src.stat().st_size


def input_spec(tf, src: Path, kind: str) -> tuple:
    """The source model's first input shape, None for an unknown dimension."""
    if kind == "keras":
        shape = load_keras(tf, src).inputs[0].shape
    elif kind == "saved_model":
        fn, _ = serving_function(tf, src)
        specs = fn.structured_input_signature[1]
        shape = specs[sorted(specs)[0]].shape
    else:
        it = tf.lite.Interpreter(model_path=str(src))
        d = it.get_input_details()[0]
        shape = [None if s < 0 else int(s) for s in d.get("shape_signature", d["shape"])]
        if d["dtype"] != np.float32:
            raise TinycError(f"{src} is already quantized (its input is "
                             f"{np.dtype(d['dtype']).name}): tinyc compiles it as it is")
    return tuple(None if d is None else int(d) for d in shape)


def calibration_batch(path, spec: tuple, samples: int, onnx_shape=None) -> np.ndarray:
    """[n, 1, *spec[1:]] float32 samples from an .npy, .npz or folder of .npy files
    (for an ONNX source, NCHW samples are moved to the converted model's NHWC)."""
    x = load_array(path, "calibration samples")
    if onnx_shape is not None:
        from tinyc.onnx_in import nchw_to_nhwc
        x = nchw_to_nhwc(x, onnx_shape, spec)
    rest = spec[1:]
    if x.dtype.kind not in "fiu":
        raise TinycError(f"{path} holds {x.dtype}: calibration samples are numbers")
    fixed = tuple(1 if d is None else d for d in (1, *rest))
    if any(d is None for d in rest):   # dynamic dimensions: the data decides
        if x.ndim == len(spec):
            return x[:samples, None].astype(np.float32)
        if x.ndim == len(spec) + 1 and x.shape[1] == 1:
            return x[:samples].astype(np.float32)
        fixed = tuple(x.shape[1:])
    try:
        x = as_batch(x, fixed, path)
    except TinycError:
        want = ", ".join("?" if d is None else str(d) for d in rest)
        raise TinycError(f"calibration data {path} has shape {list(x.shape)}; the model's "
                         f"input is [N, {want}]: give samples of that shape") from None
    return x[:samples].astype(np.float32)


def random_batch(spec: tuple, samples: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    shape = (1, *(1 if d is None else d for d in spec[1:]))
    return rng.standard_normal((samples, *shape)).astype(np.float32)


def quantize(src: Path, kind: str, data: np.ndarray, verbose: bool = False) -> bytes:
    """The int8 .tflite (int8 inputs and outputs) as bytes."""
    tf = load_tf(verbose)

    def representative():
        for x in data:
            yield [x]
    try:
        with tf_quiet(verbose):
            if kind == "tflite":
                return _quantize_tflite(tf, src, representative)
            conv = _converter(tf, src, kind)
            conv.optimizations = [tf.lite.Optimize.DEFAULT]
            conv.representative_dataset = representative
            conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            conv.inference_input_type = tf.int8
            conv.inference_output_type = tf.int8
            return conv.convert()
    except TinycError:
        raise
    except Exception as e:  # TF's converter errors are long; keep the first line
        raise TinycError(f"TensorFlow could not quantize {src}: {first_line(e)}") from None


def _converter(tf, src: Path, kind: str):
    """A converter for the model traced with batch 1: an unknown batch dimension would leave
    SHAPE/PACK ops for Flatten and Reshape in the int8 model."""
    if kind == "keras":
        model = load_keras(tf, src)
        ins = [tf.keras.Input(batch_shape=_batch1(t.shape), dtype=t.dtype) for t in model.inputs]
        fixed = tf.keras.Model(ins, model(ins if len(ins) > 1 else ins[0]))
        return tf.lite.TFLiteConverter.from_keras_model(fixed)
    # from_saved_model reads variables the converter cannot resolve in folders written by
    # tf.saved_model.save(keras_model) ("variable != nullptr"); the loaded function works
    sig, loaded = serving_function(tf, src)
    specs = sig.structured_input_signature[1]
    names = sorted(specs)
    fn = tf.function(lambda *xs: sig(**dict(zip(names, xs))))
    concrete = fn.get_concrete_function(
        *[tf.TensorSpec(_batch1(specs[n].shape), specs[n].dtype) for n in names])
    return tf.lite.TFLiteConverter.from_concrete_functions([concrete], loaded)


def _batch1(shape) -> list:
    dims = list(shape)
    return [1 if (k == 0 and d is None) else d for k, d in enumerate(dims)]


def _quantize_tflite(tf, src: Path, representative) -> bytes:
    """A float .tflite has no converter of its own: TF's post-training calibrator quantizes
    the flatbuffer directly (what the converter runs after it has made the float model)."""
    from tensorflow.lite.python.optimize import calibrator
    cal = calibrator.Calibrator(src.read_bytes())
    return cal.calibrate_and_quantize(representative, tf.int8, tf.int8, False)


def check_output(out: Path, src: Path) -> None:
    if out.suffix != ".tflite":
        raise TinycError(f"-o {out}: the int8 model is written as a .tflite file")
    if out.resolve() == src.resolve():
        raise TinycError(f"-o {out} is the model being quantized: write to another file")
    if not out.resolve().parent.is_dir():
        raise TinycError(f"cannot write {out}: there is no folder {out.resolve().parent} "
                         "(create it first)")
    if out.is_dir():
        raise TinycError(f"-o {out} is a folder: give the .tflite file to write")


def write_atomically(out: Path, blob: bytes) -> None:
    """The whole file or nothing: a temporary file beside it, then renamed."""
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.resolve().parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def kind_of(src: Path) -> str:
    kind = model_kind(src)
    if kind == "tflite" and src.read_bytes()[4:8] != b"TFL3":
        raise TinycError(f"{src} is not a TFLite model (no TFL3 identifier): give the "
                         "float model as .tflite, .keras/.h5 or a SavedModel folder")
    return kind


def say(msg: str, quiet: bool = False) -> None:
    if not quiet:
        progress(msg)


def quantize_file(src: Path, out: Path, calibration=None, samples: int = 100,
                  verbose: bool = False, quiet: bool = False) -> dict:
    """src quantized into out (written whole or not at all); what was done, for the summary."""
    kind = kind_of(src)
    tf = load_tf(verbose)
    say(f"reading {src.name} ({KIND_NAMES[kind]})…", quiet)
    with tempfile.TemporaryDirectory(prefix="tinyc-quantize-") as tmp:
        model, model_kind_, onnx_shape = src, kind, None
        if kind == "onnx":
            from tinyc.onnx_in import onnx_input_shape, onnx_to_saved_model
            onnx_shape = onnx_input_shape(src)
            say("converting with onnx2tf (NCHW -> NHWC)…", quiet)
            with tf_quiet(verbose):
                model = onnx_to_saved_model(src, Path(tmp) / "saved_model", verbose)
            model_kind_ = "saved_model"
        with tf_quiet(verbose):
            try:
                spec = input_spec(tf, model, model_kind_)
            except TinycError:
                raise
            except Exception as e:
                raise TinycError(f"TensorFlow could not read {src}: {first_line(e)}") from None
        if calibration:
            data = calibration_batch(calibration, spec, samples, onnx_shape)
            say(f"calibrating on {len(data)} samples from {calibration}…", quiet)
        else:
            say("warning: no --calibration data; calibrating on random inputs gives poor scales")
            data = random_batch(spec, samples)
        blob = quantize(model, model_kind_, data, verbose)
    write_atomically(out, blob)
    return {"source": str(src), "kind": kind, "output": str(out), "calibration_samples": len(data),
            "float_bytes": source_bytes(src), "int8_bytes": len(blob)}


def quantized_for_build(src: Path, calibration, samples: int = 100) -> Path:
    """`tinyc build model.keras --calibration X`: the int8 model, made once into tinyc's cache
    (keyed by the float model's and the calibration data's bytes and this module)."""
    from tinyc import cache
    h = hashlib.sha256(Path(__file__).read_bytes())
    for p in (src, Path(calibration)) if calibration else (src,):
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for f in files:
            h.update(str(f.relative_to(p) if p.is_dir() else f.name).encode())
            h.update(f.read_bytes())
    h.update(str(samples).encode())
    out = cache.cache_root() / "quantized" / f"{src.stem}-{h.hexdigest()[:16]}.tflite"
    if out.is_file():
        progress(f"using {out.name} (quantized before from {src.name})")
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    rep = quantize_file(src, out, calibration, samples)
    progress(f"quantized {src.name}: {rep['float_bytes']:,} B float -> {rep['int8_bytes']:,} B "
             f"int8 ({out})")
    return out
