"""The exported API of one model: its name, its symbols and its float helpers' conversions."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tinyc.backends.native.cgen import c_identifier, c_value
from tinyc.errors import TinycError

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_C_KEYWORDS = set("""auto break case char const continue default do double else enum extern
float for goto if inline int long register restrict return short signed sizeof static struct
switch typedef union unsigned void volatile while _Bool _Complex _Imaginary bool true false
class delete new namespace operator private protected public template this throw try catch
virtual main""".split())
FUNCTIONS = ("init", "invoke", "input", "output", "set_input_f32", "get_output_f32")


@dataclass(frozen=True)
class ModelSpec:
    path: Path
    name: str


def parse_spec(text: str) -> ModelSpec:
    """MODEL[:NAME]; NAME defaults to the file name made a C identifier."""
    path, name = text, None
    head, sep, tail = text.rpartition(":")
    if sep and head and _IDENT.match(tail) and not Path(text).exists():
        path, name = head, tail
    path = Path(path)
    return ModelSpec(path, name if name is not None else c_identifier(path.stem, prefix="m"))


def check_names(specs: list[ModelSpec], reserved_files: set[str]) -> None:
    """Names become C identifiers, macros in upper case, and file names beside the kernels."""
    seen: dict[str, str] = {}
    for s in specs:
        n = s.name
        if not _IDENT.match(n) or n in _C_KEYWORDS:
            raise TinycError(f"'{n}' is not a usable C name for {s.path.name}; give one with "
                             f"{s.path}:NAME (letters, digits, _)")
        if n.lower().startswith("tinyc") or {f"{n}.c", f"{n}.h"} & reserved_files:
            raise TinycError(f"the name '{n}' for {s.path.name} is taken by tinyc's own files "
                             f"or prefix; give another with {s.path}:NAME")
        if n.upper() in seen:
            raise TinycError(f"{seen[n.upper()]} and {s.path.name} are both named '{n}' (macros "
                             "are upper case); give each its own with MODEL:NAME")
        seen[n.upper()] = s.path.name


def api_names(name: str, n_inputs: int, n_outputs: int) -> dict:
    u = name.upper()
    macros = [f"{u}_MODEL_SHA256", f"{u}_ARENA_BYTES", f"{u}_INPUT_COUNT", f"{u}_OUTPUT_COUNT"]
    for kind, n in (("INPUT", n_inputs), ("OUTPUT", n_outputs)):
        for i in range(n):
            macros += [f"{u}_{kind}{i}_{f}" for f in ("BYTES", "SCALE", "ZERO_POINT")]
    return {"functions": [f"{name}_{f}" for f in FUNCTIONS], "macros": macros}


# dtype -> (C type, quantize kernel, dequantize kernel)
_HELPERS = {"int8": ("int8_t", "tinyc_quantize_f32_s8", "tinyc_dequantize_s8_f32"),
            "int16": ("int16_t", "tinyc_quantize_f32_s16", "tinyc_dequantize_s16_f32"),
            "uint8": ("uint8_t", "tinyc_quantize_f32_u8", "tinyc_dequantize_u8_f32")}


def io_view(graph, plan) -> dict:
    """The float helpers of one model: a conversion statement per input and output, calling
    the QUANTIZE/DEQUANTIZE kernels (TFLM's arithmetic), or a copy for float32 tensors."""
    from tinyc.backends.native.codegen import KERNELS_DIR
    params, ins, outs, kernels = [], [], [], set()
    for kind, tids, out in (("input", graph.inputs, ins), ("output", graph.outputs, outs)):
        for i, tid in enumerate(tids):
            t = graph.tensors[tid]
            at = f"(tinyc_arena + {plan.offset(tid)})"
            if t.dtype == "float32":
                out.append({"convert": f"memcpy({at}, x, {t.nbytes})" if kind == "input"
                            else f"memcpy(y, {at}, {t.nbytes})"})
                continue
            if t.dtype not in _HELPERS or t.quant is None:
                raise TinycError(f"{Path(graph.path).name}: {kind} {i} is {t.dtype}"
                                 f"{'' if t.quant else ' without quantization'}; export's float "
                                 "helpers take quantized int8/int16/uint8 or float32 tensors")
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
            "io_sources": [KERNELS_DIR / f"{k}.c" for k in sorted(kernels)]}
