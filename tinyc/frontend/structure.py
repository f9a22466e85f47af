"""Graph-level facts every later pass relies on, proved once right after parsing.

The parser already checks that indices are within the tensor list and that constant buffers
have shape x dtype bytes. Here: who writes which tensor (no -1 outputs, no constant or graph
input written by an op, one writer per tensor, nothing read before it is written), graph
inputs and outputs that make sense, and quantization arrays the kernels can index: length 1
or the size of the quantized dimension, finite positive scales, zero points of the type.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError
from tinyc.ir import Graph, Op, Tensor

_ZP_RANGE = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767)}
_REEXPORT = "the model file is inconsistent: re-export it from TensorFlow"


def _op_error(op: Op, what: str) -> TinycError:
    return TinycError(f"op {op.index} {op.opcode}: {what}; {_REEXPORT}")


def check_structure(graph: Graph) -> None:
    for t in graph.tensors:
        check_quant(graph, t)
    _check_graph_edges(graph)
    _check_writers(graph)


def check_quant(graph: Graph, t: Tensor) -> None:
    q = t.quant
    if q is None:
        return
    where = f"{graph.path}: tensor {t.id} '{t.name}'"
    scale = np.asarray(q.scale, np.float64)
    bad = ~np.isfinite(scale) | (scale <= 0)
    if bad.any():
        k = int(np.argmax(bad))
        raise TinycError(f"{where} has quantization scale {float(scale[k])!r} (channel {k}); "
                         f"scales must be finite and positive: {_REEXPORT}")
    n = len(scale)
    if n > 1:
        # A 1-D per-channel tensor (a bias) is indexed by its only dimension whatever its
        # quantized_dimension says: converters write 3 there for biases (person_detect).
        one_d = len(t.shape) == 1 and t.shape[0] == n
        if not one_d and not (0 <= q.axis < len(t.shape) and t.shape[q.axis] == n):
            dim = (f"dimension {q.axis} of shape {list(t.shape)}" if 0 <= q.axis < len(t.shape)
                   else f"quantized dimension {q.axis}, outside shape {list(t.shape)}")
            raise TinycError(f"{where} has {n} quantization scales for {dim}; a quantization "
                             f"array holds 1 value or one per channel: {_REEXPORT}")
    lim = _ZP_RANGE.get(t.dtype)
    zp = np.asarray(q.zero_point, np.int64)
    if lim and len(zp) and (zp.min() < lim[0] or zp.max() > lim[1]):
        worst = int(zp.min() if zp.min() < lim[0] else zp.max())
        raise TinycError(f"{where} is {t.dtype} with zero point {worst}, outside "
                         f"[{lim[0]}, {lim[1]}]: {_REEXPORT}")


def _check_graph_edges(graph: Graph) -> None:
    for what, ids in (("input", graph.inputs), ("output", graph.outputs)):
        if len(set(ids)) != len(ids):
            raise TinycError(f"{graph.path}: a tensor is listed twice among the graph {what}s "
                             f"{ids}; {_REEXPORT}")
    for k, tid in enumerate(graph.inputs):
        t = graph.tensors[tid]
        if t.is_const:
            raise TinycError(f"{graph.path}: graph input {k} '{t.name}' is a constant tensor; "
                             f"{_REEXPORT}")
    written = {tid for op in graph.ops for tid in op.outputs} | set(graph.inputs)
    for k, tid in enumerate(graph.outputs):
        t = graph.tensors[tid]
        if t.is_const:
            raise TinycError(f"{graph.path}: graph output {k} '{t.name}' is a constant tensor: "
                             "no op computes it, so there is nothing to run; tinyc compiles "
                             "models whose outputs are computed from their inputs")
        if tid not in written:
            raise TinycError(f"{graph.path}: graph output {k} '{t.name}' is written by no op "
                             f"and is not a graph input; {_REEXPORT}")


def _check_writers(graph: Graph) -> None:
    writer: dict[int, int] = {}
    first_writer: dict[int, int] = {}
    for op in reversed(graph.ops):
        first_writer.update((tid, op.index) for tid in op.outputs)
    inputs = set(graph.inputs)
    ready = set(inputs)
    for op in graph.ops:
        for k, tid in enumerate(op.inputs):
            if tid < 0 or tid in ready:
                continue
            t = graph.tensors[tid]
            if t.is_const or t.is_variable:
                continue
            later = f", which op {first_writer[tid]} writes" if tid in first_writer else ""
            raise _op_error(op, f"input {k} '{t.name}' is read before any op writes it"
                                f"{later} (ops must come in execution order)")
        for k, tid in enumerate(op.outputs):
            if tid < 0:
                raise _op_error(op, f"output {k} is -1 (no tensor); every op output must name "
                                    "a tensor")
            t = graph.tensors[tid]
            if t.is_const:
                raise _op_error(op, f"output {k} '{t.name}' is a constant tensor")
            if tid in inputs:
                raise _op_error(op, f"output {k} '{t.name}' is a graph input")
            if tid in writer:
                raise _op_error(op, f"output {k} '{t.name}' is already written by op "
                                    f"{writer[tid]}")
            writer[tid] = op.index
            ready.add(tid)
