"""AVERAGE_POOL_2D and MAX_POOL_2D int8. Like TFLM, no requantization: the output bytes are
those of the input's scale and zero point."""
from __future__ import annotations

from dataclasses import dataclass

from tinyc.backends.native.lower import KernelCall, kernel_variant, lowering_with_variants
from tinyc.backends.native.ops.fused import act_range
from tinyc.backends.native.ops.geometry import dims4, spatial
from tinyc.backends.native.target import portable
from tinyc.errors import TinycError


@dataclass
class PoolNumbers:
    """The pooling Prepare, shared by every kernel variant: the tinyc_pool2d_params fields."""
    fields: dict


def prepare(g, op) -> PoolNumbers:
    inp, out = g.tensors[op.inputs[0]], g.tensors[op.outputs[0]]
    if inp.dtype != "int8" or out.dtype != "int8":
        raise TinycError(f"op {op.index} {op.opcode}: only int8 is supported "
                         f"(got {inp.dtype} -> {out.dtype})")
    if len(inp.shape) != 4 or len(out.shape) != 4 or inp.shape[3] != out.shape[3]:
        raise TinycError(f"op {op.index} {op.opcode}: input {list(inp.shape)} and output "
                         f"{list(out.shape)} must be 4-D with the same channels")
    fh, fw = int(op.options.get("filter_height", 1)), int(op.options.get("filter_width", 1))
    lo, hi = act_range(op, out)
    return PoolNumbers({
        "input": dims4(inp), "output": dims4(out), "filter_h": fh, "filter_w": fw,
        **spatial(op, inp, out, fh, fw, dilated=False), "act_min": lo, "act_max": hi,
    })


def emit_pool(ctx, op, choice, nums: PoolNumbers):
    params = ctx.params(op, "tinyc_pool2d_params", nums.fields)
    return KernelCall.of(choice, [params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])])


for _opcode, _func in (("AVERAGE_POOL_2D", "tinyc_avg_pool2d_s8"),
                       ("MAX_POOL_2D", "tinyc_max_pool2d_s8")):
    lowering_with_variants(_opcode, prepare)
    kernel_variant(_opcode, "portable",
                   lambda g, op, target, f=_func: portable(f, "pooling_s8"))(emit_pool)
