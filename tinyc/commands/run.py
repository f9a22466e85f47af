"""`tinyc run MODEL --input X.npy --output Y.npy`: run a batch of inputs on the board."""
from __future__ import annotations

from pathlib import Path

import click
import numpy as np

from tinyc.boards import get_board
from tinyc.commands.common import (backend_option, board_option, json_option, kernels_option,
                                   model_argument, require_port, strategy_option)
from tinyc.errors import TinycError
from tinyc.hostlib import NP_DTYPES
from tinyc.output import emit_json, progress
from tinyc.pipeline import ensure_build
from tinyc.verify import run_on_board


@click.command("run")
@model_argument
@board_option
@backend_option
@click.option("--port", default=None, help="Serial port of a real board.")
@click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False),
              help="Inputs: .npy of shape [N, *input_shape] (or one input_shape sample).")
@click.option("--output", "output_path", required=True, type=click.Path(dir_okay=False),
              help="Where to write the outputs: .npy of shape [N, *output_shape].")
@strategy_option
@kernels_option
@json_option
def command(model, board, backend, port, input_path, output_path, strategy, kernels, as_json):
    """Run MODEL on BOARD for every input in a .npy file and save the outputs."""
    out_dir = Path(output_path).resolve().parent
    if not out_dir.is_dir():
        raise TinycError(f"cannot write {output_path}: there is no folder {out_dir} "
                         "(create it first)")
    b = get_board(board)
    require_port(b, [port] if port else [], "run")
    build = ensure_build(model, b, backend, strategy, {"kernels": kernels}, quiet=as_json)
    g = build.graph
    if len(g.inputs) != 1 or len(g.outputs) != 1:
        raise TinycError("tinyc run handles models with one input and one output; "
                         "use the Python API for more")
    x = load_input_batch(input_path, g, "tinyc run")
    if not as_json:
        progress(f"running {len(x)} inputs on {b.id}…")
    res = run_on_board(build, [[s] for s in x], port=port, quiet=as_json)
    y = np.stack([o[0] for o in res["outputs"]])
    np.save(output_path, y)
    if as_json:
        counts = [c for c in res["counts"] if c is not None]
        emit_json({"model": g.path, "model_sha256": g.sha256, "board": b.id, "backend": backend,
                   "port": port, "samples": len(x), "input": str(input_path),
                   "output": str(output_path), "output_shape": list(y.shape),
                   "output_dtype": str(y.dtype), "counter_unit": b.counter.get("unit", "none"),
                   "counts": counts})
    else:
        progress(f"wrote {output_path} {list(y.shape)} {y.dtype}")


def load_input_batch(input_path: str, g, command: str) -> np.ndarray:
    """A .npy of shape [N, *input_shape] (or one sample) in the model's input dtype."""
    if len(g.inputs) != 1:
        raise TinycError(f"{command} --input handles models with one input; "
                         "use the Python API for more")
    t = g.tensors[g.inputs[0]]
    try:
        x = np.load(input_path, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise TinycError(f"cannot read {input_path} as .npy: {e}") from None
    if tuple(x.shape) == t.shape:
        x = x[None]
    if tuple(x.shape[1:]) != t.shape:
        raise TinycError(f"{input_path} has shape {list(x.shape)}; the model wants "
                         f"[N, {', '.join(map(str, t.shape))}]")
    want = np.dtype(NP_DTYPES[t.dtype])
    if x.dtype != want:
        raise TinycError(f"{input_path} holds {x.dtype}; the model's input is {want} "
                         "(quantize with the input scale/zero point from `tinyc inspect`)")
    return x
