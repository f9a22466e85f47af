"""`tinyc quantize SRC -o OUT.tflite`: full-integer int8 quantization with TensorFlow."""
from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from pathlib import Path

import click
import numpy as np

from tinyc.errors import TinycError
from tinyc.commands.common import json_option
from tinyc.output import emit_json, progress


def _load_tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from tinyc.reference import quiet_stderr
    try:
        with quiet_stderr():  # TensorFlow's import chatter (CUDA probing) is not for users
            import tensorflow as tf
    except ImportError:
        raise TinycError("tinyc quantize needs TensorFlow: pip install 'tinyc[tf]'") from None
    return tf


def _check_source(src: Path) -> None:
    if src.suffix == ".tflite":
        raise TinycError(f"{src} is already a .tflite file; quantization needs the original "
                         "model: pass its SavedModel directory or .keras/.h5 file")
    if not src.is_dir() and src.suffix not in (".keras", ".h5"):
        raise TinycError(f"{src}: give a SavedModel directory or a .keras/.h5 file")


def _converter(tf, src: Path):
    if src.is_dir():
        return tf.lite.TFLiteConverter.from_saved_model(str(src))
    return tf.lite.TFLiteConverter.from_keras_model(tf.keras.models.load_model(str(src)))


@click.command("quantize")
@click.argument("source", type=click.Path(exists=True))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The int8 .tflite to write.")
@click.option("--calibration", type=click.Path(dir_okay=False, exists=True), default=None,
              help=".npy of representative float inputs [N, *input_shape] (strongly advised).")
@click.option("--samples", default=100, show_default=True,
              help="Calibration samples to use (random normal ones without --calibration).")
@json_option
def command(source, output, calibration, samples, as_json):
    """Quantize a float SavedModel or Keras model to an int8 TFLite model tinyc compiles."""
    src = Path(source)
    _check_source(src)
    tf = _load_tf()
    conv = _converter(tf, src)
    if calibration:
        data = np.load(calibration, allow_pickle=False).astype(np.float32)[:samples]
    else:
        progress("warning: no --calibration data; calibrating on random inputs gives poor scales")
        data = None

    def representative():
        if data is not None:
            for x in data:
                yield [x[None]]
            return
        shape = _input_shape(tf, src)
        rng = np.random.default_rng(0)
        for _ in range(samples):
            yield [rng.standard_normal(shape).astype(np.float32)]

    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    from tinyc.reference import quiet_stderr
    try:
        # the converter logs MLIR passes and CUDA probing to fd 2, and Keras prints the
        # SavedModel it exports on stdout, which must stay clean for --json
        with quiet_stderr(), contextlib.redirect_stdout(sys.stderr):
            blob = conv.convert()
    except Exception as e:  # TF's converter errors are long; keep the first line
        raise TinycError(f"TensorFlow could not quantize {src}: {str(e).splitlines()[0]}") from None
    tmp = Path(output).with_suffix(".tflite.part")
    tmp.write_bytes(blob)
    tmp.replace(output)
    if as_json:
        emit_json({"source": str(src), "output": str(output), "bytes": len(blob),
                   "model_sha256": hashlib.sha256(blob).hexdigest(),
                   "calibration": calibration, "calibration_samples":
                   len(data) if data is not None else samples})
    else:
        progress(f"wrote {output} ({len(blob):,} bytes, int8 inputs and outputs)")


def _input_shape(tf, src: Path):
    if src.suffix in (".keras", ".h5"):
        shape = tf.keras.models.load_model(str(src)).inputs[0].shape
    else:
        fn = tf.saved_model.load(str(src)).signatures["serving_default"]
        shape = list(fn.structured_input_signature[1].values())[0].shape
    return [1 if d is None else int(d) for d in shape]
