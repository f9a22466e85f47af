"""Fold the shape arithmetic of a model with static shapes into constants and aliases.

Keras' Flatten/Reshape becomes SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE in TFLite. Every
shape is known at compile time, so SHAPE becomes a constant tensor, the ops that only compute
on constants (STRIDED_SLICE, PACK, UNPACK, FILL) are evaluated here with numpy, and a PACK or
UNPACK that only adds or drops a unit axis of one run-time tensor becomes a RESHAPE (an
alias). No code for any of it reaches the device.

Removed ops leave the graph, and the rest are renumbered so that `op.index` stays the op's
position (the planner, code generator and layer hooks index `graph.ops` by it).
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError
from tinyc.ir import Graph, Op

FOLDED_OPS = frozenset({"SHAPE", "PACK", "UNPACK", "FILL"})
_CONST_EVAL = FOLDED_OPS | {"STRIDED_SLICE"}
_NP = {"int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64,
       "float32": np.float32, "bool": np.bool_}


def _strided_slice(op: Op, x: np.ndarray, begin, end, strides) -> np.ndarray:
    from tinyc.backends.native.ops.strided_slice import resolve
    o = op.options
    if int(o.get("ellipsis_mask", 0) or 0) or int(o.get("new_axis_mask", 0) or 0) or o.get("offset"):
        raise TinycError(f"op {op.index} STRIDED_SLICE: ellipsis_mask, new_axis_mask and offset "
                         "are not supported")
    if not (len(begin) == len(end) == len(strides) == x.ndim) or 0 in strides:
        raise TinycError(f"op {op.index} STRIDED_SLICE: begin/end/strides must have {x.ndim} "
                         "non-zero entries")
    shrink = int(o.get("shrink_axis_mask", 0) or 0)
    axes = resolve(x.shape, begin, end, strides, int(o.get("begin_mask", 0) or 0),
                   int(o.get("end_mask", 0) or 0), shrink)
    for k, (start, count, step) in enumerate(axes):
        x = np.take(x, start + step * np.arange(count, dtype=np.int64), axis=k)
    return x.reshape([n for k, (_, n, _) in enumerate(axes) if not shrink & (1 << k)])


def _evaluate(g: Graph, op: Op, args: list[np.ndarray]) -> list[np.ndarray]:
    """The op's outputs from constant inputs, as TFLM's reference kernels compute them."""
    if op.opcode == "SHAPE":
        return [np.asarray(g.tensors[op.inputs[0]].shape)]
    if op.opcode == "STRIDED_SLICE":
        return [_strided_slice(op, args[0], *(a.reshape(-1).tolist() for a in args[1:4]))]
    if op.opcode == "PACK":
        return [np.stack(args, axis=int(op.options.get("axis", 0)))]
    if op.opcode == "UNPACK":
        axis = int(op.options.get("axis", 0))
        return [np.take(args[0], k, axis=axis) for k in range(args[0].shape[axis])]
    if op.opcode == "FILL":
        return [np.full(args[0].reshape(-1).tolist(), args[1].reshape(-1)[0])]
    raise AssertionError(op.opcode)


def _as_alias(g: Graph, op: Op) -> bool:
    """PACK of one tensor or UNPACK into one tensor only inserts or removes a unit axis."""
    if op.opcode == "PACK" and len(op.inputs) == 1:
        return True
    return op.opcode == "UNPACK" and len(op.outputs) == 1


def _why_not_folded(g: Graph, op: Op) -> str:
    if any(i in g.outputs for i in op.outputs):
        return "its output is a model output"
    if op.opcode == "PACK":
        return f"it packs {len(op.inputs)} tensors computed at run time"
    if op.opcode == "UNPACK":
        return f"it splits a tensor computed at run time into {len(op.outputs)}"
    return "its input is computed at run time"


def fold_shapes(g: Graph) -> Graph:
    """Fold SHAPE/PACK/UNPACK/FILL (and the STRIDED_SLICEs between them) in place."""
    if not any(op.opcode in FOLDED_OPS for op in g.ops):
        return g
    in_model = {t.id for t in g.tensors if t.is_const}
    kept: list[Op] = []
    for op in g.ops:
        if op.opcode == "FILL" and op.inputs[0] not in in_model:
            raise TinycError(f"op {op.index} FILL: its dims tensor is computed at run time, which "
                             "TFLM does not support; give FILL constant dims")
        ins = [g.tensors[i] for i in op.inputs if i >= 0]
        outs = [g.tensors[i] for i in op.outputs]
        foldable = op.opcode == "SHAPE" or (op.opcode in _CONST_EVAL and all(t.is_const for t in ins))
        if foldable and not any(i in g.outputs for i in op.outputs):
            values = _evaluate(g, op, [np.asarray(t.data) for t in ins])
            for t, v in zip(outs, values):
                if tuple(v.shape) != tuple(t.shape) or t.dtype not in _NP:
                    raise TinycError(f"op {op.index} {op.opcode}: computes {list(v.shape)}, the "
                                     f"model says {list(t.shape)} {t.dtype}")
                t.data = np.array(v, dtype=_NP[t.dtype])   # keeps 0-d scalars 0-d
            continue
        if op.opcode in FOLDED_OPS:
            if not _as_alias(g, op) or ins[0].nbytes != outs[0].nbytes:
                raise TinycError(f"op {op.index} {op.opcode}: {_why_not_folded(g, op)}; the "
                                 "native backend folds it only when it computes on constants "
                                 "or adds/drops one unit axis; try --backend tflm")
            op.opcode, op.options = "RESHAPE", {}
        kept.append(op)
    for k, op in enumerate(kept):
        op.index = k
    g.ops[:] = kept
    return g
