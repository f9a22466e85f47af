"""`tinyc quantize SRC -o OUT.tflite`: full-integer int8 quantization with TensorFlow."""
from __future__ import annotations

import hashlib
from pathlib import Path

import click

from tinyc.commands.common import json_option
from tinyc.errors import TinycError
from tinyc.output import emit_json, progress
from tinyc.quantizer import check_output, kind_of, quantize_file


@click.command("quantize")
@click.argument("source", type=click.Path(exists=True))
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The int8 .tflite to write.")
@click.option("--calibration", type=click.Path(exists=True), default=None,
              help="Representative float inputs: .npy [N, *input_shape], .npz (x=…) or a "
                   "folder of .npy files, one sample each (strongly advised).")
@click.option("--samples", default=100, show_default=True,
              help="Calibration samples to use (random normal ones without --calibration).")
@click.option("--eval", "eval_data", nargs=2, type=click.Path(exists=True), default=None,
              metavar="X Y", help="After quantizing, float vs int8 top-1 accuracy on the host "
                                  "for samples X and labels Y.")
@click.option("--force", is_flag=True, help="Replace OUTPUT when it exists.")
@click.option("--verbose", is_flag=True, help="Show TensorFlow's own messages (on stderr).")
@json_option
def command(source, output, calibration, samples, eval_data, force, verbose, as_json):
    """Quantize a float model (Keras .keras/.h5, SavedModel folder, float .tflite) to an int8
    TFLite model tinyc compiles."""
    src, out = Path(source), Path(output)
    kind_of(src)
    check_output(out, src)
    if out.exists() and not force:
        raise TinycError(f"{out} exists: pass --force to replace it, or choose another -o")
    rep = quantize_file(src, out, calibration, samples, verbose)
    ratio = rep["float_bytes"] / rep["int8_bytes"] if rep["int8_bytes"] else 0
    progress(f"wrote {out} ({rep['int8_bytes']:,} bytes, int8 inputs and outputs)")
    if as_json:
        emit_json({"source": str(src), "output": str(out), "bytes": rep["int8_bytes"],
                   "float_bytes": rep["float_bytes"],
                   "model_sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
                   "calibration": calibration, "calibration_samples": rep["calibration_samples"],
                   "kind": rep["kind"]})
        return
    click.echo(f"size: {rep['float_bytes']:,} B float -> {rep['int8_bytes']:,} B int8 "
               f"({ratio:.1f}x smaller)")
    if eval_data:
        _print_eval(src, out, *eval_data)


def _print_eval(src: Path, out: Path, x_path, y_path) -> None:
    from tinyc.accuracy.validate import host_accuracy
    a = host_accuracy(out, src, x_path, y_path)
    click.echo(f"top-1 on {a['samples']} samples (host): float {100 * a['float']:.2f}%, "
               f"int8 {100 * a['int8']:.2f}% (TFLM), top-1 changed on {a['top1_changed']}")
