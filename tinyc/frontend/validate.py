"""Checks that turn a parsed graph into one tinyc can compile, or one clear error.

Which ops are supported is the backend's to say: it passes its set (`supported`) in.
"""
from __future__ import annotations

from tinyc.errors import TinycError
from tinyc.ir import Graph, Op

# Float tensors are fine only at the model's edges, around these ops.
_FLOAT_EDGE_OPS = {"QUANTIZE": "inputs", "DEQUANTIZE": "outputs"}
_WEIGHTED = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV"}
# int16 is accepted only where the native kernels handle it: requantizing edges, and the ops
# with an int16x8 kernel (TFLM's 16-bit activation / 8-bit weight scheme; each lowering
# still checks its own types and parameters).
_INT16_OPS = {"QUANTIZE", "DEQUANTIZE", "CONV_2D", "TRANSPOSE_CONV", "ADD", "SUB", "LEAKY_RELU",
              "RESHAPE", "PAD", "PADV2", "STRIDED_SLICE", "CONCATENATION", "FULLY_CONNECTED",
              "DEPTHWISE_CONV_2D", "MUL", "MEAN", "SUM", "LOGISTIC", "TANH", "SOFTMAX",
              "SVDF"}   # SVDF: an int16 state
_INT16_OPS |= {"UNIDIRECTIONAL_SEQUENCE_LSTM"}   # an int8 LSTM keeps its cell state in int16
_INT16_OPS |= {"CAST", "REVERSE_V2", "BROADCAST_TO"}
# CAST converts values, not scales: its integer and float tensors need no quantization.
_UNQUANTIZED_OPS = {"CAST"}


def unsupported_ops(graph: Graph, supported) -> list[Op]:
    return [op for op in graph.ops if op.opcode not in supported]


def _describe(graph: Graph, ids: list[int]) -> str:
    parts = []
    for i in ids:
        if i < 0:
            continue
        t = graph.tensors[i]
        parts.append(f"'{t.name}' {list(t.shape)} {t.dtype}")
    return ", ".join(parts) or "none"


def check_float(graph: Graph, supported) -> None:
    """A float32 model (not quantized) is the commonest mistake: say how to fix it. Float
    activations are looked for around the `supported` ops (the others are the backend's)."""
    for op in graph.ops:
        if op.opcode in _WEIGHTED and len(op.inputs) > 1 and op.inputs[1] >= 0:
            w = graph.tensors[op.inputs[1]]
            if w.dtype in ("float32", "float16"):
                raise TinycError(
                    f"{graph.path} is a float model (op {op.index} {op.opcode} has {w.dtype} "
                    f"weights '{w.name}'); tinyc compiles int8 models: quantize it first: "
                    "tinyc quantize SAVED_MODEL_DIR_OR_KERAS --calibration inputs.npy -o "
                    "model_int8.tflite")
    for op in graph.ops:
        if op.opcode not in supported:
            continue
        allowed = set()
        if op.opcode == "QUANTIZE":
            allowed = set(op.inputs)
        elif op.opcode == "DEQUANTIZE":
            allowed = set(op.outputs)
        elif op.opcode in _UNQUANTIZED_OPS:
            allowed = set(op.inputs) | set(op.outputs)
        for tid in op.inputs + op.outputs:
            if tid < 0 or tid in allowed:
                continue
            t = graph.tensors[tid]
            if t.dtype == "float32" and not t.is_const:
                raise TinycError(
                    f"{graph.path} computes in float32 (op {op.index} {op.opcode} tensor "
                    f"'{t.name}'); tinyc compiles int8 models: quantize it first: "
                    "tinyc quantize SAVED_MODEL_DIR_OR_KERAS --calibration inputs.npy -o "
                    "model_int8.tflite")


def check_types(graph: Graph, supported) -> None:
    for op in graph.ops:
        if op.opcode not in supported:
            continue
        for tid in op.inputs + op.outputs:
            if tid < 0:
                continue
            t = graph.tensors[tid]
            if t.dtype == "int16" and op.opcode not in _INT16_OPS:
                raise TinycError(
                    f"op {op.index} {op.opcode} uses int16 tensor '{t.name}'; tinyc supports "
                    f"int16 only in {', '.join(sorted(_INT16_OPS))}: convert with int8 activations")
            if (t.dtype in ("int8", "int16") and not t.is_const and t.quant is None
                    and op.opcode not in _UNQUANTIZED_OPS):
                raise TinycError(
                    f"op {op.index} {op.opcode}: tensor '{t.name}' is {t.dtype} without "
                    "quantization parameters; re-export with full-integer quantization")


def check_supported(graph: Graph, supported, backend: str) -> None:
    bad = unsupported_ops(graph, supported)
    if bad:
        op = bad[0]
        more = f" (and {len(bad) - 1} more unsupported ops)" if len(bad) > 1 else ""
        raise TinycError(
            f"op {op.index} {op.opcode} is not supported by the {backend} backend{more}; "
            f"inputs: {_describe(graph, op.inputs)}; outputs: {_describe(graph, op.outputs)}. "
            "Run `tinyc inspect` for the list"
            + ("; the tflm backend may run it (--backend tflm)" if backend == "native" else ""))


def validate(graph: Graph, supported, backend: str) -> Graph:
    """Everything a compile command needs; `tinyc inspect` reports instead of failing."""
    check_float(graph, supported)
    check_supported(graph, supported, backend)
    check_types(graph, supported)
    return graph
