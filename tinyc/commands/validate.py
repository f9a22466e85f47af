"""`tinyc validate MODEL --board B --data X`: a data set on the board, bit for bit against TFLM,
and how far the int8 model is from the float one (error figures, top-1, confusion)."""
from __future__ import annotations

import click

from tinyc.accuracy.validate import prepare, validate_build
from tinyc.boards import get_board
from tinyc.commands.common import (backend_option, board_option, json_option, kernels_option,
                                   model_argument, strategy_option)
from tinyc.frontend import load_model
from tinyc.output import emit_json, table
from tinyc.pipeline import ensure_build


@click.command("validate")
@model_argument
@board_option
@backend_option
@click.option("--port", default=None, metavar="PORT", help="Serial port of a real board.")
@click.option("--data", "data", required=True, type=click.Path(exists=True),
              help="Samples: .npy [N, *input_shape], .npz (x=…, optional y=labels) or a folder "
                   "of .npy files (one sample each); float (quantized with the model's input "
                   "parameters) or already in the model's input type.")
@click.option("--labels", default=None, type=click.Path(exists=True),
              help="Class of each sample: .npy of [N] indices or [N, C] one-hot.")
@click.option("--float-model", default=None, type=click.Path(exists=True),
              help="The float model to compare with (.keras/.h5, SavedModel folder or float "
                   ".tflite), run with TensorFlow on the host.")
@strategy_option
@kernels_option
@json_option
def command(model, board, backend, port, data, labels, float_model, strategy, kernels, as_json):
    """Run a data set on BOARD: bit-exact against TFLM, accuracy against the float model."""
    b = get_board(board)
    prepared = prepare(load_model(model, backend), data, labels, float_model)
    build = ensure_build(model, b, backend, strategy, {"kernels": kernels})
    rep = validate_build(build, prepared, port=port, quiet=as_json)
    if as_json:
        emit_json(rep)
    else:
        _print(rep)
    if not rep["bit_exact"]:
        raise SystemExit(1)


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.2f}%"


def _g(x) -> str:
    return "-" if x is None else f"{x:.6g}"


def _print(rep: dict) -> None:
    where = rep["board"] + (f" ({rep['port']})" if rep["port"] else "")
    if rep["bit_exact"]:
        click.echo(f"bit-exact: {rep['samples']} samples on {where}, every output byte equal "
                   "to TFLM")
    else:
        c = rep["board_vs_tflm"]
        click.echo(f"MISMATCH on {where}: {c['mismatched_bytes']} bytes differ from TFLM "
                   f"(max abs diff {c['max_abs_diff']:g}) over {rep['samples']} samples")
    if rep["float_model"]:
        click.echo(f"\nint8 on the board vs the float model ({rep['float_model']}):")
        click.echo(table(["output", "shape", "MAE", "RMSE", "max error", "cosine", "L2 rel"],
                         [[f"{o['index']} {o['name']}", "x".join(map(str, o["shape"])),
                           _g(o["mae"]), _g(o["rmse"]), _g(o["max_error"]), _g(o["cosine"]),
                           _g(o["l2_relative_error"])] for o in rep["outputs"]],
                         right={2, 3, 4, 5, 6}))
    c = rep["classification"]
    if not c:
        return
    if c["accuracy"]:
        a, k, n = c["accuracy"], c["correct"], rep["samples"]
        rows = [[name, f"{k[key]}/{n}" if k[key] is not None else "-", _pct(a[key])]
                for name, key in (("float (host)", "float"), ("int8 (host, TFLM)", "int8_host"),
                                  (f"int8 (on {rep['board']})", "board"))]
        click.echo("\ntop-1 accuracy:")
        click.echo(table(["model", "correct", "accuracy"], rows, right={1, 2}))
        if a["float"] is not None:
            click.echo(f"drop from float: {100 * (a['float'] - a['board']):.2f} points")
    if c["top1_changed"] is not None:
        click.echo(f"top-1 changed by quantization: {c['top1_changed']} of {rep['samples']} "
                   "samples" + (f" (#{', #'.join(map(str, c['changed_samples'][:10]))}"
                                + (", …)" if c["top1_changed"] > 10 else ")")
                                if c["top1_changed"] else ""))
    if c["confusion"]:
        m = c["confusion"]
        click.echo("\nconfusion on the board (rows: label, columns: predicted):")
        click.echo(table(["", *map(str, range(len(m)))], [[str(i), *r] for i, r in enumerate(m)],
                         right=set(range(1, len(m) + 1))))
