"""A 1x1 CONV_2D and the DEPTHWISE_CONV_2D it feeds as one row-streamed call on the DSP
kernels (fusion.py, firmware/kernels/pointwise_depthwise_s8_dsp.c): the driver gets the two
kernels the ops chose as function pointers, with the operands they would get apart."""
from __future__ import annotations

from tinyc.backends.native.lower import KernelCall


def emit_fused(ctx, pw, dw, dw_choice, dw_nums) -> KernelCall:
    from tinyc.backends.native.fusion import pair_scratch_bytes
    from tinyc.backends.native.ops import conv2d, conv2d_dsp
    from tinyc.backends.native.ops.depthwise_conv2d_dsp import depthwise_operands
    need = pair_scratch_bytes(ctx.graph, pw.index, dw.index, ctx.target)
    reserved = (ctx.plan.scratch(dw.index) or (0, 0))[1]
    if reserved < need:
        raise AssertionError(f"op {dw.index} {dw.opcode}: the plan reserved {reserved} B for "
                             f"the window of op {pw.index}'s rows, it needs {need} B")
    pw_choice = ctx.choice(pw)
    pw_params, pw_filter, pw_channels = conv2d_dsp.pointwise_operands(
        ctx, pw, pw_choice, conv2d.prepare(ctx.graph, pw))
    dw_func, dw_params, dw_filter, dw_bias, dw_rq = depthwise_operands(ctx, dw, dw_choice.func,
                                                                      dw_nums)
    return KernelCall("tinyc_pointwise_depthwise_s8_dsp", [
        pw_params, pw_choice.func, pw_filter, pw_channels,
        dw_params, dw_func, dw_filter, dw_bias, dw_rq,
        ctx.scratch(dw), ctx.ptr(pw.inputs[0]), ctx.ptr(dw.outputs[0])],
        ["pointwise_depthwise_s8_dsp.h", *pw_choice.headers, *dw_choice.headers],
        ["pointwise_depthwise_s8_dsp.c", *pw_choice.sources, *dw_choice.sources],
        "pointwise-depthwise-dsp")
