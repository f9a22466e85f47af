"""`tinyc run MODEL --input X.npy --output Y.npy`: run a batch of inputs on the board."""
from __future__ import annotations

import click
import numpy as np

from tinyc.boards import get_board
from tinyc.commands.common import (backend_option, board_option, json_option, kernels_option,
                                   model_argument, require_port, strategy_option)
from tinyc.model_io import (check_output_count, check_output_folders,
                            read_input_files, write_output_files)
from tinyc.output import emit_json, progress
from tinyc.pipeline import ensure_build
from tinyc.verify import run_on_board


@click.command("run")
@model_argument
@board_option
@backend_option
@click.option("--port", default=None, help="Serial port of a real board.")
@click.option("--input", "input_paths", required=True, multiple=True,
              type=click.Path(dir_okay=False),
              help="Inputs: .npy of shape [N, *input_shape] (or one sample); repeat for each "
                   "input in the model's order, or give one .npz keyed by input name.")
@click.option("--output", "output_paths", required=True, multiple=True,
              type=click.Path(dir_okay=False),
              help="Where to write the outputs: .npy of shape [N, *output_shape]; repeat for "
                   "each output in the model's order, or give one .npz (keyed by output name).")
@strategy_option
@kernels_option
@json_option
def command(model, board, backend, port, input_paths, output_paths, strategy, kernels, as_json):
    """Run MODEL on BOARD for every input in the given files and save the outputs."""
    check_output_folders(output_paths)
    b = get_board(board)
    require_port(b, [port] if port else [], "run")
    build = ensure_build(model, b, backend, strategy, {"kernels": kernels}, quiet=as_json)
    g = build.graph
    check_output_count(output_paths, g)
    samples = read_input_files(input_paths, g)
    if not as_json:
        progress(f"running {len(samples)} inputs on {b.id}…")
    res = run_on_board(build, samples, port=port, quiet=as_json)
    ys = [np.stack([o[j] for o in res["outputs"]]) for j in range(len(g.outputs))]
    write_output_files(output_paths, g, ys)
    if as_json:
        counts = [c for c in res["counts"] if c is not None]
        emit_json({"model": g.path, "model_sha256": g.sha256, "board": b.id, "backend": backend,
                   "port": port, "samples": len(samples), "input": str(input_paths[0]),
                   "input_files": list(map(str, input_paths)), "output": str(output_paths[0]),
                   "output_files": list(map(str, output_paths)),
                   "output_shape": list(ys[0].shape), "output_dtype": str(ys[0].dtype),
                   "output_shapes": [list(y.shape) for y in ys],
                   "output_dtypes": [str(y.dtype) for y in ys],
                   "counter_unit": b.counter.get("unit", "none"), "counts": counts})
    else:
        shapes = ", ".join(f"{list(y.shape)} {y.dtype}" for y in ys)
        progress(f"wrote {', '.join(output_paths)} {shapes}")
