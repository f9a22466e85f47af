"""The float helpers of a model's library API (NAME_set_input_f32, NAME_get_output_f32):
one conversion per input and output, on the QUANTIZE/DEQUANTIZE kernels."""
from __future__ import annotations

from pathlib import Path

from tinyc.backends.native.cgen import c_value

# dtype -> (C type, quantize kernel, dequantize kernel)
_HELPERS = {"int8": ("int8_t", "tinyc_quantize_f32_s8", "tinyc_dequantize_s8_f32"),
            "int16": ("int16_t", "tinyc_quantize_f32_s16", "tinyc_dequantize_s16_f32"),
            "uint8": ("uint8_t", "tinyc_quantize_f32_u8", "tinyc_dequantize_u8_f32")}


def io_view(graph, plan) -> dict:
    """The float helpers of one model: a conversion statement per input and output, calling
    the QUANTIZE/DEQUANTIZE kernels (TFLM's arithmetic), or a copy for float32 tensors.
    A tensor they cannot convert (int32, unquantized) gets a helper that does nothing
    and a line in `io_unsupported`: `tinyc export` refuses such a model, the test firmware
    (which never calls the helpers) is still built from the same code."""
    params, ins, outs, kernels, unsupported = [], [], [], set(), []
    for kind, tids, out in (("input", graph.inputs, ins), ("output", graph.outputs, outs)):
        for i, tid in enumerate(tids):
            t = graph.tensors[tid]
            at = f"(tinyc_arena + {plan.offset(tid)})"
            if t.dtype == "float32":
                out.append({"convert": f"memcpy({at}, x, {t.nbytes})" if kind == "input"
                            else f"memcpy(y, {at}, {t.nbytes})"})
                continue
            if t.dtype not in _HELPERS or t.quant is None:
                unsupported.append(f"{Path(graph.path).name}: {kind} {i} is {t.dtype}"
                                   f"{'' if t.quant else ' without quantization'}; export's "
                                   "float helpers take quantized int8/int16/uint8 or float32 tensors")
                out.append({"convert": "(void)x" if kind == "input" else "(void)y"})
                continue
            ctype, quant, dequant = _HELPERS[t.dtype]
            pname = f"{kind}{i}_{'quant' if kind == 'input' else 'dequant'}"
            fields = {"size": t.elements,
                      "scale": float(t.quant.scale[0]), "zero_point": int(t.quant.zero_point[0])}
            if kind == "input":
                params.append({"ctype": "tinyc_quantize_params", "name": pname,
                               "body": c_value(fields)})
                out.append({"convert": f"(void){quant}(&{pname}, x, ({ctype} *){at})"})
                kernels.add("quantize")
            else:
                params.append({"ctype": "tinyc_dequantize_params", "name": pname,
                               "body": c_value(fields)})
                out.append({"convert": f"(void){dequant}(&{pname}, (const {ctype} *){at}, y)"})
                kernels.add("dequantize")
    return {"io_params": params, "io_inputs": ins, "io_outputs": outs,
            "io_headers": sorted(f"{k}.h" for k in kernels),
            "io_sources": [f"{k}.c" for k in sorted(kernels)], "io_unsupported": unsupported}
