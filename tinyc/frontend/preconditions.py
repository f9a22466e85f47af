"""Each op's preconditions, written once: what every backend and kernel may take for granted.

One entry per opcode: how many inputs and outputs, which inputs may be -1 (omitted, where
TFLM allows it), and a shape check. The shape rules are those of TFLite's Prepare functions
(output shapes computed from the inputs, filter, strides and padding; broadcasting; sizes
that add up). TFLM's own Prepare trusts the declared shapes, so a model that breaks them
runs there on memory it does not own; tinyc refuses it before any code is generated.
Ops not listed here pass through: the native backend refuses them as unsupported, and
the tflm backend leaves them to TFLM.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from tinyc.errors import TinycError
from tinyc.ir import Graph, Op, Tensor

_FIX = "the model file is inconsistent: re-export it from TensorFlow"


class _Bad(Exception):
    """Raised by a shape check; becomes one TinycError naming the op."""


@dataclass(frozen=True)
class Arity:
    min_inputs: int
    max_inputs: int
    outputs: int = 1
    optional: frozenset = frozenset()     # input positions that may be -1


def out_size(padding: str, size: int, filt: int, stride: int, dilation: int = 1) -> int:
    """TFLite ComputeOutSize: the spatial output size of a conv or pool."""
    eff = (filt - 1) * dilation + 1
    if padding == "SAME":
        return (size + stride - 1) // stride
    if padding == "VALID":
        return (size + stride - eff) // stride
    return 0


def broadcast_shape(a, b) -> list[int] | None:
    """NumPy/TFLite broadcasting of two shapes, or None when they do not broadcast."""
    n = max(len(a), len(b))
    a = [1] * (n - len(a)) + list(a)
    b = [1] * (n - len(b)) + list(b)
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            return None
        out.append(y if x == 1 else x)
    return out


def _rank(t: Tensor, n: int, what: str) -> None:
    if len(t.shape) != n:
        raise _Bad(f"{what} '{t.name}' must be {n}-D, it is {list(t.shape)}")


def _positive(t: Tensor, what: str) -> None:
    if any(d <= 0 for d in t.shape):
        raise _Bad(f"{what} '{t.name}' has an empty dimension {list(t.shape)}")


def _same_shape(a: Tensor, b: Tensor, what: str) -> None:
    if tuple(a.shape) != tuple(b.shape):
        raise _Bad(f"{what}: input {list(a.shape)} and output {list(b.shape)} must have "
                   "the same shape")


def _same_type(ts, what: str = "input and output") -> None:
    types = {t.dtype for t in ts}
    if len(types) > 1:
        raise _Bad(f"{what} types differ ({', '.join(t.dtype for t in ts)})")


def _const_ints(t: Tensor | None) -> list[int] | None:
    if t is None or not t.is_const:
        return None
    return [int(v) for v in t.data.reshape(-1)]


def _window(op: Op, inp: Tensor, out: Tensor, fh: int, fw: int, dilated: bool) -> None:
    o = op.options
    pad = o.get("padding", "VALID")
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    dh = int(o.get("dilation_h_factor", 1)) if dilated else 1
    dw = int(o.get("dilation_w_factor", 1)) if dilated else 1
    if pad not in ("SAME", "VALID"):
        raise _Bad(f"unknown padding {pad!r}")
    if min(sh, sw, dh, dw) < 1:
        raise _Bad(f"strides and dilations must be >= 1 (stride {sh}x{sw}, dilation {dh}x{dw})")
    if fh < 1 or fw < 1:
        raise _Bad(f"the window must be at least 1x1 (it is {fh}x{fw})")
    want = [inp.shape[0], out_size(pad, inp.shape[1], fh, sh, dh),
            out_size(pad, inp.shape[2], fw, sw, dw)]
    if list(out.shape[:3]) != want or min(want) < 1:
        raise _Bad(f"output is {list(out.shape)}, but input {list(inp.shape)} with a {fh}x{fw} "
                   f"window, stride {sh}x{sw}, dilation {dh}x{dw} and {pad} padding gives "
                   f"{want + [out.shape[3]]}")


def _per_channel(w: Tensor, axis: int, what: str) -> None:
    q = w.quant
    if q is not None and len(q.scale) > 1 and (q.axis != axis or len(q.scale) != w.shape[axis]):
        raise _Bad(f"{what} '{w.name}' has {len(q.scale)} scales on dimension {q.axis}; "
                   f"it needs 1 or {w.shape[axis]} on dimension {axis}")


def _multipliers(inp: Tensor, w: Tensor, out: Tensor) -> None:
    """input scale x filter scale / output scale, per channel, is what the kernel applies as
    a Q31 multiplier and a shift of at most 30 (TFLM would shift an int32 by 31 or more)."""
    if inp.quant is None or w.quant is None or out.quant is None:
        return
    eff = (float(inp.quant.scale[0]) * max(float(s) for s in w.quant.scale)
           / float(out.quant.scale[0]))
    if eff >= 2.0 ** 30:
        raise _Bad(f"input scale x filter scale / output scale is {eff!r}, 2^30 or more: "
                   "no int8 requantization multiplier can apply it")


def _bias(bias: Tensor | None, channels: int) -> None:
    if bias is not None and bias.elements != channels:
        raise _Bad(f"bias '{bias.name}' has {bias.elements} values for {channels} output "
                   "channels")


def _conv(g: Graph, op: Op, ins, out: Tensor) -> None:
    inp, w, bias = ins[0], ins[1], ins[2] if len(ins) > 2 else None
    for t, what in ((inp, "input"), (w, "filter"), (out, "output")):
        _rank(t, 4, what)
        _positive(t, what)
    oc, fh, fw, fc = w.shape
    if inp.shape[3] % fc or oc % (inp.shape[3] // fc):
        raise _Bad(f"filter {list(w.shape)} does not fit input channels {inp.shape[3]} "
                   "(the input channels must be a multiple of the filter's, in whole groups)")
    if out.shape[3] != oc:
        raise _Bad(f"output has {out.shape[3]} channels, the filter {list(w.shape)} makes {oc}")
    _window(op, inp, out, fh, fw, dilated=True)
    _per_channel(w, 0, "filter")
    _bias(bias, oc)
    _multipliers(inp, w, out)


def _depthwise(g: Graph, op: Op, ins, out: Tensor) -> None:
    inp, w, bias = ins[0], ins[1], ins[2] if len(ins) > 2 else None
    for t, what in ((inp, "input"), (w, "filter"), (out, "output")):
        _rank(t, 4, what)
        _positive(t, what)
    _, fh, fw, oc = w.shape
    ic = inp.shape[3]
    if w.shape[0] != 1 or out.shape[3] != oc or oc % ic:
        raise _Bad(f"filter {list(w.shape)} does not fit input {list(inp.shape)} and output "
                   f"{list(out.shape)} (filter [1, h, w, output channels], a whole multiple "
                   "of the input channels)")
    dm = op.options.get("depth_multiplier")
    if dm and int(dm) != oc // ic:
        raise _Bad(f"depth_multiplier {dm} does not match the filter ({oc} channels from {ic})")
    _window(op, inp, out, fh, fw, dilated=True)
    _per_channel(w, 3, "filter")
    _bias(bias, oc)
    _multipliers(inp, w, out)


def _transpose_conv(g: Graph, op: Op, ins, out: Tensor) -> None:
    shape, w, inp = ins[0], ins[1], ins[2]
    bias = ins[3] if len(ins) > 3 else None
    for t, what in ((inp, "input"), (w, "filter"), (out, "output")):
        _rank(t, 4, what)
        _positive(t, what)
    want = _const_ints(shape)
    if want is not None and want != list(out.shape):
        raise _Bad(f"output shape input says {want}, the output is {list(out.shape)}")
    if w.shape[3] != inp.shape[3] or w.shape[0] != out.shape[3]:
        raise _Bad(f"filter {list(w.shape)} does not fit input {list(inp.shape)} and output "
                   f"{list(out.shape)}")
    _per_channel(w, 0, "filter")
    _bias(bias, out.shape[3])


def _fully_connected(g: Graph, op: Op, ins, out: Tensor) -> None:
    inp, w, bias = ins[0], ins[1], ins[2] if len(ins) > 2 else None
    fmt = int(op.options.get("weights_format", 0) or 0)
    if fmt != 0:    # 1 = SHUFFLED4x16INT8, a layout only TFLite's x86 kernels read
        raise _Bad(f"weights_format {fmt}: only the default weights layout (0) is defined "
                   "for int8 kernels")
    _rank(w, 2, "weights")
    _positive(w, "weights")
    _positive(inp, "input")
    units, depth = w.shape
    if inp.elements % depth:
        raise _Bad(f"input {list(inp.shape)} has {inp.elements} values, not a whole number of "
                   f"rows of {depth} (the weights are {list(w.shape)})")
    batches = inp.elements // depth
    if not out.shape or out.shape[-1] != units or out.elements != batches * units:
        raise _Bad(f"output is {list(out.shape)}, but batches x units = {batches} x {units}: "
                   f"its last dimension must be {units} and it must hold {batches * units} "
                   "values")
    _per_channel(w, 0, "weights")
    _bias(bias, units)
    _bias_scale(inp, w, bias, out)
    _multipliers(inp, w, out)


def _bias_scale(inp: Tensor, w: Tensor, bias: Tensor | None, out: Tensor) -> None:
    """TFLM's GetQuantizedConvolutionMultipler (per-tensor FULLY_CONNECTED): the bias scale
    must be input scale x weights scale, within 2 % of an output step."""
    if bias is None or not all(t.quant is not None for t in (inp, w, out)) \
            or len(w.quant.scale) != 1:
        return
    product = float(inp.quant.scale[0]) * float(w.quant.scale[0])
    bias_scale = float(bias.quant.scale[0]) if bias.quant is not None else 0.0
    if abs(product - bias_scale) / float(out.quant.scale[0]) > 0.02:
        raise _Bad(f"bias scale {bias_scale!r} is not input scale x weights scale "
                   f"({product!r}) within 2 % of the output scale, as TFLM requires")


def _svdf(g: Graph, op: Op, ins, out: Tensor) -> None:
    """TFLM's PrepareSvdf: input [batch, input_size], weights_feature [filters, input_size],
    weights_time [filters, memory], bias [filters / rank], a variable state [batch, memory x
    filters], output [batch, filters / rank]; the int8 types and bias scale it checks. Its
    Eval reads the state as the time weights' type, so those two must agree."""
    inp, wf, wt, bias, state = ins
    rank = int(op.options.get("rank", 0) or 0)
    for t, what in ((inp, "input"), (wf, "weights_feature"), (wt, "weights_time"),
                    (state, "state"), (out, "output")):
        _rank(t, 2, what)
        _positive(t, what)
    batch, input_size = inp.shape
    filters, memory = wt.shape
    if rank < 1 or filters % rank:
        raise _Bad(f"rank {rank} does not divide the {filters} filters")
    units = filters // rank
    if list(wf.shape) != [filters, input_size]:
        raise _Bad(f"weights_feature is {list(wf.shape)}, it must be [{filters}, {input_size}]")
    if list(state.shape) != [batch, memory * filters]:
        raise _Bad(f"state '{state.name}' is {list(state.shape)}, it must be "
                   f"[{batch}, {memory * filters}] (batch, memory x filters)")
    if not state.is_variable:
        raise _Bad(f"state '{state.name}' must be a variable tensor (TFLM keeps it between "
                   "invokes)")
    if list(out.shape) != [batch, units]:
        raise _Bad(f"output is {list(out.shape)}, it must be [{batch}, {units}]")
    if bias is not None and bias.shape[:1] != (units,):
        raise _Bad(f"bias '{bias.name}' is {list(bias.shape)}, it must be [{units}]")
    if inp.dtype != "int8":
        return
    if bias is None:   # TFLM's int8 Prepare reads the bias scale without checking
        raise _Bad("an int8 SVDF needs its bias input (TFLM reads it)")
    types = (wf.dtype, wt.dtype, state.dtype, bias.dtype, out.dtype)
    if types[0] != "int8" or types[1] not in ("int8", "int16") or types[2] != types[1] \
            or types[3] != "int32" or types[4] != "int8":
        raise _Bad("weights_feature, weights_time, state, bias, output are "
                   f"{'/'.join(types)}; TFLM runs int8 with int8/int8 or int16/int16 "
                   "weights_time/state, int32 bias, int8 output")
    if any(t.quant is None for t in (inp, wf, wt, bias, state, out)):
        raise _Bad("an int8 SVDF needs quantization parameters on every tensor")
    product = float(np.float32(np.float32(state.quant.scale[0]) * np.float32(wt.quant.scale[0])))
    if not abs(float(bias.quant.scale[0]) - product) < 1e-5:
        raise _Bad(f"bias scale {float(bias.quant.scale[0])!r} is not state scale x "
                   f"weights_time scale ({product!r}) within 1e-5, as TFLM requires")


def _pool(g: Graph, op: Op, ins, out: Tensor) -> None:
    inp = ins[0]
    _rank(inp, 4, "input")
    _rank(out, 4, "output")
    _positive(inp, "input")
    if out.shape[3] != inp.shape[3]:
        raise _Bad(f"input {list(inp.shape)} and output {list(out.shape)} must have the same "
                   "channels")
    _window(op, inp, out, int(op.options.get("filter_height", 1)),
            int(op.options.get("filter_width", 1)), dilated=False)
    if inp.quant is not None and out.quant is not None and inp.dtype in ("int8", "int16"):
        # TFLM's pooling_common.cc: the output bytes are the input's, so are their scales.
        if abs(float(inp.quant.scale[0]) - float(out.quant.scale[0])) > 1e-6 \
                or int(inp.quant.zero_point[0]) != int(out.quant.zero_point[0]):
            raise _Bad(f"input and output quantization differ (scale {inp.quant.scale[0]!r} "
                       f"zero point {inp.quant.zero_point[0]} vs {out.quant.scale[0]!r} "
                       f"{out.quant.zero_point[0]}); pooling does not requantize")


def _elementwise(g: Graph, op: Op, ins, out: Tensor) -> None:
    _same_shape(ins[0], out, "an elementwise op")
    _same_type([ins[0], out])


def _softmax(g: Graph, op: Op, ins, out: Tensor) -> None:
    inp = ins[0]
    _same_shape(inp, out, "softmax")   # int8 -> int16 is allowed, as in TFLM
    if not inp.shape or inp.shape[-1] < 1:
        raise _Bad(f"input {list(inp.shape)} has no class dimension")


def _convert(g: Graph, op: Op, ins, out: Tensor) -> None:   # QUANTIZE, DEQUANTIZE
    _same_shape(ins[0], out, op.opcode.lower())


def _binary(g: Graph, op: Op, ins, out: Tensor) -> None:
    a, b = ins[0], ins[1]
    _same_type([a, b, out], "input and output")
    want = broadcast_shape(a.shape, b.shape)
    if want is None or [1] * (len(out.shape) - len(want)) + want != list(out.shape) \
            or len(want) > len(out.shape):
        raise _Bad(f"inputs {list(a.shape)} and {list(b.shape)} do not broadcast to the output "
                   f"{list(out.shape)}")


def _view(g: Graph, op: Op, ins, out: Tensor) -> None:     # RESHAPE, SQUEEZE, EXPAND_DIMS
    inp = ins[0]
    _same_type([inp, out])
    if inp.elements != out.elements:
        raise _Bad(f"input {list(inp.shape)} has {inp.elements} values, output "
                   f"{list(out.shape)} {out.elements}")


def _pad(g: Graph, op: Op, ins, out: Tensor) -> None:
    inp, pads = ins[0], ins[1]
    _same_type([inp, out])
    rank = len(inp.shape)
    if pads.elements != 2 * rank:
        raise _Bad(f"paddings '{pads.name}' {list(pads.shape)} must be [{rank}, 2]")
    if len(ins) > 2 and ins[2] is not None and ins[2].elements != 1:
        raise _Bad(f"the pad value '{ins[2].name}' must hold one value")
    p = _const_ints(pads)
    if p is None:
        return
    want = [d + b + a for d, b, a in zip(inp.shape, p[0::2], p[1::2])]
    if min(p, default=0) < 0 or want != list(out.shape):
        raise _Bad(f"paddings {p} do not map {list(inp.shape)} to {list(out.shape)}")


def _mean(g: Graph, op: Op, ins, out: Tensor) -> None:
    inp = ins[0]
    _same_type([inp, out])
    axes = _const_ints(ins[1])
    if axes is None:
        return
    rank = len(inp.shape)
    if any(not -rank <= a < rank for a in axes):
        raise _Bad(f"axes {axes} out of range for input {list(inp.shape)}")
    axes = {a % rank for a in axes}
    if op.options.get("keep_dims"):
        want = [1 if k in axes else d for k, d in enumerate(inp.shape)]
    else:
        want = [d for k, d in enumerate(inp.shape) if k not in axes]
    if want != list(out.shape):
        raise _Bad(f"reducing {list(inp.shape)} over {sorted(axes)} gives {want}, the output "
                   f"is {list(out.shape)}")


def _concatenation(g: Graph, op: Op, ins, out: Tensor) -> None:
    rank = len(out.shape)
    axis = int(op.options.get("axis", 0))
    if not -rank <= axis < rank:
        raise _Bad(f"axis {axis} is out of range for output {list(out.shape)}")
    axis %= rank
    _same_type(ins + [out], "inputs and output")
    for t in ins:
        if len(t.shape) != rank or any(t.shape[k] != out.shape[k]
                                       for k in range(rank) if k != axis):
            raise _Bad(f"input {list(t.shape)} does not fit output {list(out.shape)} on axis "
                       f"{axis}")
    if sum(t.shape[axis] for t in ins) != out.shape[axis]:
        raise _Bad(f"inputs add up to {sum(t.shape[axis] for t in ins)} on axis {axis}, the "
                   f"output has {out.shape[axis]}")


def _transpose(g: Graph, op: Op, ins, out: Tensor) -> None:
    inp = ins[0]
    _same_type([inp, out])
    perm = _const_ints(ins[1])
    if perm is None:
        return
    rank = len(inp.shape)
    perm = [p + rank if p < 0 else p for p in perm]
    if sorted(perm) != list(range(rank)) or [inp.shape[p] for p in perm] != list(out.shape):
        raise _Bad(f"permutation {perm} does not map {list(inp.shape)} to {list(out.shape)}")


def _strided_slice(g: Graph, op: Op, ins, out: Tensor) -> None:
    inp = ins[0]
    _same_type([inp, out])
    rank = len(inp.shape)
    for k, what in ((1, "begin"), (2, "end"), (3, "strides")):
        if ins[k].elements != rank:
            raise _Bad(f"{what} '{ins[k].name}' has {ins[k].elements} values for a rank-{rank} "
                       "input")
    strides = _const_ints(ins[3])
    if strides is not None and 0 in strides:
        raise _Bad(f"strides {strides} contain 0")


def _lstm(g: Graph, op: Op, ins, out: Tensor) -> None:
    """TFLM's CreateLstmSizeInfo and ValidateTensorSize: input [batch, time, features] (time
    first when time_major), states of batch x units values, weights [units, features] and
    [units, units], biases [units], output [d0, d1, units]."""
    inp, hidden, cell = ins[0], ins[18], ins[19]
    _rank(inp, 3, "input")
    _positive(inp, "input")
    _rank(hidden, 2, "hidden state")
    _positive(hidden, "hidden state")
    batch = inp.shape[1] if op.options.get("time_major") else inp.shape[0]
    units, features = hidden.shape[1], inp.shape[2]
    for t, what in ((hidden, "hidden state"), (cell, "cell state")):
        if t.elements != batch * units:
            raise _Bad(f"{what} '{t.name}' has {t.elements} values, not batch x units = "
                       f"{batch} x {units}")
    for k, want in [(k, [units, features]) for k in (1, 2, 3, 4)] + \
                   [(k, [units, units]) for k in (5, 6, 7, 8)]:
        if ins[k] is not None and list(ins[k].shape) != want:
            raise _Bad(f"weights '{ins[k].name}' (input {k}) are {list(ins[k].shape)}, "
                       f"they must be {want}")
    for k in (12, 13, 14, 15):
        if ins[k] is not None and list(ins[k].shape) != [units]:
            raise _Bad(f"bias '{ins[k].name}' (input {k}) is {list(ins[k].shape)}, it must be "
                       f"[{units}]")
    if list(out.shape) != [inp.shape[0], inp.shape[1], units]:
        raise _Bad(f"output is {list(out.shape)}, it must be "
                   f"{[inp.shape[0], inp.shape[1], units]}")


_UNARY = Arity(1, 1)
_BINARY = Arity(2, 2)


def _cast(g: Graph, op: Op, ins, out: Tensor) -> None:
    _same_shape(ins[0], out, "cast")


def _typed_move(g: Graph, op: Op, ins, out: Tensor) -> None:
    """Byte movers whose shapes their parameters decide (the lowering checks those)."""
    _same_type([ins[0], out])


def _add_n(g: Graph, op: Op, ins, out: Tensor) -> None:
    for t in ins:
        _same_shape(t, out, "add_n")
    _same_type(ins + [out])


@dataclass(frozen=True)
class Rule:
    arity: Arity
    shapes: Callable[[Graph, Op, list, Tensor], None]


PRECONDITIONS: dict[str, Rule] = {
    "CONV_2D": Rule(Arity(2, 3, optional=frozenset({2})), _conv),
    "DEPTHWISE_CONV_2D": Rule(Arity(2, 3, optional=frozenset({2})), _depthwise),
    "TRANSPOSE_CONV": Rule(Arity(3, 4, optional=frozenset({3})), _transpose_conv),
    "FULLY_CONNECTED": Rule(Arity(2, 3, optional=frozenset({2})), _fully_connected),
    "AVERAGE_POOL_2D": Rule(_UNARY, _pool),
    "MAX_POOL_2D": Rule(_UNARY, _pool),
    "SOFTMAX": Rule(_UNARY, _softmax),
    "ADD": Rule(_BINARY, _binary),
    "SUB": Rule(_BINARY, _binary),
    "MUL": Rule(_BINARY, _binary),
    "RESHAPE": Rule(Arity(1, 2, optional=frozenset({1})), _view),
    "SQUEEZE": Rule(_UNARY, _view),
    "EXPAND_DIMS": Rule(_BINARY, _view),
    "QUANTIZE": Rule(_UNARY, _convert),
    "DEQUANTIZE": Rule(_UNARY, _convert),
    "PAD": Rule(_BINARY, _pad),
    "PADV2": Rule(Arity(2, 3, optional=frozenset({2})), _pad),
    "MEAN": Rule(_BINARY, _mean),
    "CONCATENATION": Rule(Arity(1, 1 << 16), _concatenation),
    "LOGISTIC": Rule(_UNARY, _elementwise),
    "TANH": Rule(_UNARY, _elementwise),
    "RELU": Rule(_UNARY, _elementwise),
    "RELU6": Rule(_UNARY, _elementwise),
    "LEAKY_RELU": Rule(_UNARY, _elementwise),
    "HARD_SWISH": Rule(_UNARY, _elementwise),
    "TRANSPOSE": Rule(_BINARY, _transpose),
    "STRIDED_SLICE": Rule(Arity(4, 4), _strided_slice),
    "SVDF": Rule(Arity(5, 5, optional=frozenset({3})), _svdf),
    "CAST": Rule(_UNARY, _cast),
    "ELU": Rule(_UNARY, _elementwise),
    "ZEROS_LIKE": Rule(_UNARY, _elementwise),
    "REVERSE_V2": Rule(_BINARY, _elementwise),
    "BROADCAST_TO": Rule(_BINARY, _typed_move),
    "GATHER_ND": Rule(_BINARY, _typed_move),
    "SPACE_TO_BATCH_ND": Rule(Arity(3, 3), _typed_move),
    "BATCH_TO_SPACE_ND": Rule(Arity(3, 3), _typed_move),
    "ADD_N": Rule(Arity(2, 1 << 16), _add_n),
    # 24 inputs, as TFLM's Prepare requires; the variants' inputs may be omitted
    "UNIDIRECTIONAL_SEQUENCE_LSTM": Rule(
        Arity(24, 24, optional=frozenset({1, 5, 9, 10, 11, 12, 16, 17, 20, 21, 22, 23})), _lstm),
}


def check_preconditions(graph: Graph) -> None:
    for op in graph.ops:
        rule = PRECONDITIONS.get(op.opcode)
        if rule is not None:
            check_op(graph, op, rule)


def check_op(graph: Graph, op: Op, rule: Rule) -> None:
    a = rule.arity
    n_in = len(op.inputs)
    if not a.min_inputs <= n_in <= a.max_inputs:
        want = (f"{a.min_inputs}" if a.min_inputs == a.max_inputs
                else f"{a.min_inputs} to {a.max_inputs}")
        _fail(op, f"it has {n_in} inputs, it takes {want}")
    if len(op.outputs) != a.outputs:
        _fail(op, f"it has {len(op.outputs)} outputs, it makes {a.outputs}")
    for k, tid in enumerate(op.inputs):
        if tid < 0 and k not in a.optional:
            _fail(op, f"input {k} is -1 (no tensor), but this input is required")
    if op.options.get("fused_activation") == "?" or op.options.get("padding") == "?":
        _fail(op, "its options hold an unknown fused activation or padding code")
    ins = graph.op_inputs(op)
    try:
        rule.shapes(graph, op, ins, graph.tensors[op.outputs[0]])
    except _Bad as e:
        _fail(op, str(e))


def _fail(op: Op, what: str):
    raise TinycError(f"op {op.index} {op.opcode}: {what}; {_FIX}")
