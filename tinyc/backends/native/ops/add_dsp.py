"""ADD (same shapes) on the cores that take tinyc's fast kernels: both inputs' rescaled terms
tabulated at compile time (256 int32 each), so an element costs two table reads, an add and
one requantization instead of three requantizations."""
from __future__ import annotations

import numpy as np

from tinyc.backends.native.fixedpoint import mbqm
from tinyc.backends.native.lower import KernelCall, kernel_variant
from tinyc.backends.native.ops.add import AddNumbers
from tinyc.backends.native.target import KernelChoice


def term_table(offset: int, left_shift: int, multiplier: int, shift: int) -> np.ndarray:
    """int32 [256]: TFLM's scaled input for every int8 value x (index x + 128)."""
    return np.array([mbqm((x + offset) * (1 << left_shift), multiplier, shift)
                     for x in range(-128, 128)], np.int32)


def choose(g, op, target):
    a, b, out = (g.tensors[t] for t in (op.inputs[0], op.inputs[1], op.outputs[0]))
    if not target.has("dsp") or not (a.shape == b.shape == out.shape):
        return None
    return KernelChoice("tinyc_add_s8_dsp", ("add_s8_dsp.h",), ("add_s8_dsp.c",), 0, "dsp")


@kernel_variant("ADD", "dsp", choose, priority=10)
def emit_dsp(ctx, op, choice, nums: AddNumbers):
    f = nums.fields
    t1 = term_table(f["input1_offset"], f["left_shift"], f["input1_multiplier"], f["input1_shift"])
    t2 = term_table(f["input2_offset"], f["left_shift"], f["input2_multiplier"], f["input2_shift"])
    params = ctx.params(op, "tinyc_add_params", f)
    return KernelCall.of(choice, [params, ctx.const(f"op{op.index}_term1", t1),
                                  ctx.const(f"op{op.index}_term2", t2), ctx.ptr(op.inputs[0]),
                                  ctx.ptr(op.inputs[1]), ctx.ptr(op.outputs[0])])
