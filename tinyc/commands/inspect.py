"""`tinyc inspect MODEL`: what is in a model, and whether tinyc can compile it."""
from __future__ import annotations

import click

from tinyc.backends import get_backend
from tinyc.errors import TinycError
from tinyc.frontend import read_model, unsupported_ops
from tinyc.frontend.validate import check_float
from tinyc.ops import macs, weight_bytes
from tinyc.output import emit_json, table


def inspect_report(path: str) -> dict:
    graph = read_model(path)
    backend = get_backend("native")
    native = backend.supported_ops()
    check_float(graph, native)
    try:   # the build's own checks, so "supported" is the build's answer
        backend.validate(read_model(path))
        refused = None
    except TinycError as e:
        refused = str(e)
    ops = []
    for op in graph.ops:
        ops.append({"index": op.index, "op": op.opcode, "inputs": op.inputs,
                    "outputs": op.outputs, "macs": macs(graph, op),
                    "weights_bytes": weight_bytes(graph, op), "options": op.options})
    unsupported = sorted({op.opcode for op in unsupported_ops(graph, native)})
    const_ids = {t.id for t in graph.tensors if t.is_const}
    return {
        "model": path,
        "sha256": graph.sha256,
        "model_sha256": graph.sha256,
        "inputs": graph.inputs,
        "outputs": graph.outputs,
        "ops": ops,
        "tensors": [t.to_json() for t in graph.tensors],
        "weights_bytes": sum(graph.tensors[i].nbytes for i in const_ids),
        "macs_total": sum(o["macs"] for o in ops),
        "supported": not unsupported and refused is None,
        "unsupported": unsupported,
        "refused": refused,
    }


@click.command("inspect")
@click.argument("model", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def command(model: str, as_json: bool):
    """Show a model's ops, shapes, MACs and weights, and what tinyc supports."""
    rep = inspect_report(model)
    if as_json:
        emit_json(rep)
        return
    tensors = rep["tensors"]

    def shapes(ids):
        return " ".join("x".join(map(str, tensors[i]["shape"])) or "scalar"
                        for i in ids if i >= 0 and not tensors[i]["const"])

    rows = [[o["index"], o["op"] + ("" if o["op"] not in rep["unsupported"] else "  (!)"),
             shapes(o["inputs"]), shapes(o["outputs"]), o["macs"], o["weights_bytes"]]
            for o in rep["ops"]]
    click.echo(f"{model}  sha256 {rep['sha256'][:16]}…")
    click.echo(table(["#", "op", "input", "output", "MACs", "weight B"], rows, right={0, 4, 5}))
    click.echo(f"\n{len(rep['ops'])} ops, {rep['macs_total']:,} MACs, "
               f"{rep['weights_bytes']:,} bytes of constants")
    for k, name in (("inputs", "input"), ("outputs", "output")):
        for i in rep[k]:
            t = tensors[i]
            q = t["quantization"]
            qs = f" scale {q['scale'][0]:.6g} zero_point {q['zero_point'][0]}" if q else ""
            click.echo(f"{name}: '{t['name']}' {t['shape']} {t['dtype']}{qs}")
    if rep["unsupported"]:
        click.echo(f"unsupported by the native backend: {', '.join(rep['unsupported'])} "
                   "(the tflm backend may run them)")
    elif rep["refused"]:
        click.echo(f"refused by the native backend: {rep['refused']}")
    else:
        click.echo("all ops supported by the native backend")
