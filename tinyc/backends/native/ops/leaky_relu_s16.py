"""LEAKY_RELU int16 -> int16 (TFLM's QuantizeLeakyRelu<int16_t>): firmware/kernels/leaky_relu_s16.c."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import zp
from tinyc.backends.native.ops.leaky_relu import leaky_relu_multipliers
from tinyc.errors import TinycError


def _inplace(graph, op) -> bool:
    x, y = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    return not x.is_const and x.dtype == y.dtype == "int16"


@lowering("LEAKY_RELU", inplace=_inplace, dtype="int16")
def lower(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    if inp.dtype != "int16":
        raise TinycError(f"op {op.index} LEAKY_RELU: {inp.dtype} -> int16 is not supported "
                         "(int16 -> int16 is)")
    for t in (inp, out):
        if t.quant is None or len(t.quant.scale) != 1:
            raise TinycError(f"op {op.index} LEAKY_RELU: tensor '{t.name}' needs per-tensor "
                             "quantization")
    m = leaky_relu_multipliers(inp, out, float(op.options.get("alpha", 0.2)))
    params = ctx.params(op, "tinyc_leaky_relu_s16_params", {
        "size": out.elements, "input_zero_point": zp(inp), "output_zero_point": zp(out), **m})
    return KernelCall(func="tinyc_leaky_relu_s16",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["leaky_relu_s16.h"], sources=["leaky_relu_s16.c"])
