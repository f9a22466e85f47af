"""ABS and RSQRT, int8, as TFLM's elementwise.cc: 256-entry tables with its integer arithmetic.

ABS rescales only when the scales differ (compared as floats, as TFLM does). RSQRT runs
GetInvSqrtQuantizedMultiplierExp per value; TFLM fails the invoke on an input below the zero
point, so RSQRT's kernel checks that bound before looking up (firmware/kernels/rsqrt_s8.c)."""
from __future__ import annotations

import math

from tinyc.backends.native.fixedpoint import (INT32_MAX, clz32, mbqm, rdbpot, sat_mul_pot, srdhm,
                                             wrap32)
from tinyc.backends.native.lower import KernelCall, lowering
from tinyc.backends.native.ops.common import scale, zp
from tinyc.backends.native.ops.lut import check_int8_unary, f32, make_table, unary_lut
from tinyc.backends.native.quant import quantize_multiplier


def abs_table(inp, out):
    rescale = f32(scale(inp)) != f32(scale(out))
    mult, shift = quantize_multiplier(f32(f32(scale(inp)) / f32(scale(out))))

    def fn(x):
        v = abs(x - zp(inp))
        v = mbqm(v, mult, shift) if rescale else v
        return min(127, max(-128, v + zp(out)))
    return make_table(fn)


def _f3_mul(a: int, b: int) -> int:
    """FixedPoint<int32, 3> * FixedPoint<int32, 3> -> FixedPoint<int32, 6> (raw srdhm)."""
    return srdhm(a, b)


def inv_sqrt_multiplier_exp(x: int, reverse_shift: int = -1) -> tuple[int, int]:
    """TFLM GetInvSqrtQuantizedMultiplierExp (common.h), bit for bit."""
    if x <= 1:
        return INT32_MAX, 0
    shift = 11
    while x >= (1 << 29):
        x = x // 4
        shift += 1
    pairs = (clz32(x) - 1) // 2 - 1
    shift -= pairs
    x <<= 2 * pairs
    f_in = x >> 1                                  # F3
    half_in = rdbpot(f_in, 1)                      # SaturatingRoundingMultiplyByPOT<-1>
    half_three = (1 << 28) + (1 << 27)             # 1.5 in F3
    one = 1 << 28                                  # F3::One()
    r = one
    for _ in range(5):
        x3 = sat_mul_pot(_f3_mul(_f3_mul(r, r), r), 6)          # Rescale<3>(F9) : F9 -> F3
        r = sat_mul_pot(wrap32(_f3_mul(half_three, r) - _f3_mul(half_in, x3)), 3)  # F6->F3
    r = srdhm(r, 1518500250)                       # F3 * F0 -> F3
    if shift < 0:
        r = wrap32(r << -shift)
        shift = 0
    return r, shift * reverse_shift


def rsqrt_table(inp, out):
    # TFLM: 1. / double(std::sqrt(input_scale) * output_scale), both floats
    m = 1.0 / float(f32(f32(math.sqrt(f32(scale(inp)))) * f32(scale(out))))
    mult, shift = quantize_multiplier(m)

    def fn(x):
        v = x - zp(inp)
        if v <= 0:             # 0: TFLM returns the max; below 0 the kernel refuses first
            return 127
        inv, inv_shift = inv_sqrt_multiplier_exp(v)
        data = mbqm(1, inv, inv_shift + 20)
        return min(127, max(-128, mbqm(data, mult, shift - 20) + zp(out)))
    return make_table(fn)


unary_lut("ABS", lambda inp, out, op: abs_table(inp, out))


@lowering("RSQRT", inplace=lambda g, op: not g.tensors[op.inputs[0]].is_const)
def lower_rsqrt(ctx, op):
    inp, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.outputs[0])
    check_int8_unary(op, inp, out)
    table = rsqrt_table(inp, out)
    params = ctx.params(op, "tinyc_rsqrt_params", {
        "size": out.elements, "min_input": zp(inp),
        "table": ctx.const(f"op{op.index}_lut", table, key=("lut", table.tobytes()))})
    return KernelCall(func="tinyc_rsqrt_s8",
                      args=[params, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])],
                      headers=["rsqrt_s8.h"], sources=["rsqrt_s8.c"])
