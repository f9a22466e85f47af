"""What each TFLM reference kernel takes from the arena, as TFLM's Init/Prepare do it.

For one op: the builtin-parameter struct the flatbuffer parser allocates, the persistent
buffers of Init and Prepare (OpData, per-channel multipliers/shifts, ...), the temporary
TfLiteTensors Prepare creates (in order; they only raise the peak while planning) and the
scratch buffers Prepare requests. Sizes come from `abi.py`; shapes from the graph.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tinyc.errors import TinycError
from tinyc.ir import Graph, Op


@dataclass
class KernelNeeds:
    builtin: str | None = None                            # abi key of the parsed params
    init: int = 0                                         # OpData bytes allocated in Init
    persistent: list[int] = field(default_factory=list)   # Prepare's buffers, each 16-aligned
    temp_tensors: list[int] = field(default_factory=list)  # tensor ids (-1 = omitted input)
    scratch: list[int] = field(default_factory=list)      # bytes per request


def _ins(op: Op, *k: int) -> list[int]:
    return [op.inputs[i] if i < len(op.inputs) else -1 for i in k]


def _conv_like(graph: Graph, op: Op, abi, builtin: str, channel_dim: int) -> KernelNeeds:
    w = graph.tensors[op.inputs[1]]
    ch = w.shape[channel_dim]
    out = op.outputs[0]
    temps = [out] + _ins(op, 0, 1) + _ins(op, 0, 1, 2) + [out]
    return KernelNeeds(builtin, abi["OpDataConv"][0], [4 * ch, 4 * ch], temps)


def kernel_needs(graph: Graph, op: Op, abi: dict) -> KernelNeeds:
    c = op.opcode
    out = op.outputs[0] if op.outputs else -1
    if c == "CONV_2D":
        return _conv_like(graph, op, abi, "ConvParams", 0)
    if c == "DEPTHWISE_CONV_2D":
        return _conv_like(graph, op, abi, "DepthwiseConvParams", 3)
    if c == "FULLY_CONNECTED":
        w = graph.tensors[op.inputs[1]]
        pers = [4 * len(w.quant.scale)] * 2 if w.quant is not None and w.quant.per_channel else []
        return KernelNeeds("FullyConnectedParams", abi["OpDataFullyConnected"][0], pers,
                           _ins(op, 0, 1, 2) + [out])
    if c == "SOFTMAX":
        pers = [2 * 513, 2 * 513] if graph.tensors[op.inputs[0]].dtype == "int16" else []
        return KernelNeeds("SoftmaxParams_b", abi["SoftmaxParams"][0], pers, _ins(op, 0) + [out])
    if c in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        return KernelNeeds("PoolParams", abi["OpDataPooling"][0], [], _ins(op, 0) + [out])
    if c == "ADD":
        return KernelNeeds("AddParams", abi["OpDataAdd"][0], [], _ins(op, 0, 1) + [out])
    if c == "RESHAPE":
        return KernelNeeds("ReshapeParams", 0, [], _ins(op, 0) + [out])
    if c == "PAD":
        temps = _ins(op, 0, 1) + (_ins(op, 2) if len(op.inputs) > 2 else []) + [out]
        return KernelNeeds(None, abi["OpDataPad"][0], [], temps)
    if c == "QUANTIZE":
        return KernelNeeds(None, abi["OpDataQuantize"][0], [], _ins(op, 0) + [out])
    if c == "TRANSPOSE":
        return KernelNeeds(None, 0, [], _ins(op, 0, 1) + [out])
    if c == "SVDF":
        x, wf = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]]
        rank = int(op.options.get("rank", 1))
        batch, filters = x.shape[0], wf.shape[0]
        scratch = [4 * batch * filters, 4 * batch * (filters // rank)]
        return KernelNeeds("SVDFParams", abi["OpDataSvdf"][0], [],
                           _ins(op, 0, 1, 2, 3, 4) + [out], scratch)
    if c == "MEAN":
        x, axis, y = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]], graph.tensors[out]
        scratch = []
        if x.dtype in ("int8", "int16"):
            scratch.append(4 * y.elements)
        scratch += [4 * len(x.shape), 4 * axis.elements]
        temps = _ins(op, 0) + [out] + _ins(op, 1) + _ins(op, 0, 1) + [out]
        return KernelNeeds("ReducerParams", abi["OpDataReduce"][0], [], temps, scratch)
    raise TinycError(f"op {op.index} {c}: tinyc does not know what TFLM's {c} kernel takes "
                     "from the arena yet, so it cannot size the TFLM arena exactly")
