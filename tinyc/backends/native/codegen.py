"""Render the native backend.

    generate(graph, board, plan, out_dir, name="model") -> NativeSources

writes the model as a library, NAME.c (weights, parameters, the arena, NAME_invoke) and
NAME.h (the namespaced API): exactly what `tinyc export MODEL:NAME` ships. The test firmware
is that library plus tinyc_model_glue.c (`generate_firmware`), which maps the protocol
harness's model API (firmware/runtime/tinyc_model.h) onto it.
"""
from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass
from pathlib import Path

import jinja2

from tinyc.backends.native.cgen import c_array_body, c_value, CExpr
from tinyc.backends.native.float_io import io_view
from tinyc.backends.native.lower import CTYPE_OF_DTYPE, LowerCtx, lower_op, lowering_for
from tinyc.backends.native.target import Target
from tinyc.debug import dump
from tinyc.dtypes import dtype
from tinyc.ir import Graph, Tensor
from tinyc.paths import FIRMWARE_DIR, TEMPLATES_DIR
from tinyc.provenance import Provenance

TEMPLATES = TEMPLATES_DIR
KERNELS_DIR = FIRMWARE_DIR / "kernels"
RUNTIME_DIR = FIRMWARE_DIR / "runtime"


@functools.cache      # one per backend: jinja compiles each template once, not on every build
def jinja_env(backend: str) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES / backend)),
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True)


MODEL_NAME = "model"   # the test firmware's library: model.c/model.h, model_invoke(), …
GLUE = "tinyc_model_glue.c"


@dataclass
class NativeSources:
    generated: list[Path]        # NAME.c, NAME.h (and the glue) in the output directory
    kernel_sources: list[Path]   # firmware/kernels/*.c the model calls
    include_dirs: list[Path]     # where tinyc_model.h, tinyc_hooks.h and the kernel headers are
    variants: list[dict]         # per op: the kernel variant chosen for the target
    unsupported_io: list[str]    # inputs/outputs the float helpers cannot convert (export refuses)
    view: dict                   # what the templates were rendered with
    weights_bytes: int = 0       # the constant arrays written (re-laid, sparse), as in flash


def tensor_view(t: Tensor, offset: int) -> dict:
    q = t.quant
    scale = float(q.scale[0]) if q is not None else 0.0
    zero_point = int(q.zero_point[0]) if q is not None else 0
    dims = list(t.shape) + [0] * (6 - len(t.shape))
    desc = c_value({"dtype": CExpr(dtype(t.dtype).c_enum), "ndim": len(t.shape), "dims": dims,
                    "bytes": t.nbytes, "scale": scale, "zero_point": zero_point})
    return {"name": t.name.replace("*/", "* /"), "shape": list(t.shape), "dtype": t.dtype,
            "ctype": CTYPE_OF_DTYPE[t.dtype], "bytes": t.nbytes, "scale": c_value(scale),
            "zero_point": zero_point, "offset": offset, "desc": desc}


def state_view(graph: Graph, plan) -> list[dict]:
    """The variable tensors and the byte MicroInterpreter::Reset() fills each with: an int8
    one's zero point, zeros for any other type (TFLM's ResetTensorData)."""
    state = []
    for t in graph.activations():
        if not t.is_variable:
            continue
        fill = int(t.quant.zero_point[0]) if t.dtype == "int8" and t.quant is not None \
            and len(t.quant.zero_point) else 0
        state.append({"name": t.name.replace("*/", "* /"), "offset": plan.offset(t.id),
                      "bytes": t.nbytes, "fill": fill, "dtype": t.dtype})
    return state


def lower_schedule(ctx: LowerCtx, graph: Graph, plan) -> tuple[list[dict], list[str], list[str]]:
    """Every op in execution order -> its C call; plus the kernel headers and sources used."""
    calls, headers, sources = [], [], []
    spec = getattr(ctx.target, "patch", None)
    for idx in plan.schedule:
        op = graph.ops[idx]
        if spec is not None and idx in spec.ops:   # a patched stage (patch_lower.py)
            from tinyc.backends.native.patch_lower import absorbed_call, stage_calls
            if idx != spec.ops[-1]:
                calls.append(absorbed_call(op, spec))
                continue
            more, hs, ss = stage_calls(ctx, spec)
            calls += more
            headers += [h for h in hs if h not in headers]
            sources += [s for s in ss if s not in sources]
            continue
        kc = lower_op(ctx, op)
        calls.append({"index": op.index, "opcode": op.opcode, "func": kc.func,
                      "variant": (kc.variant or ctx.choice(op).variant)
                      if lowering_for(graph, op).select else "",
                      "args": [str(a) for a in kc.args], "done": True,
                      "note": "" if kc.func else "no code: shares its input's bytes"})
        headers += [h for h in kc.headers if h not in headers]
        sources += [s for s in kc.sources if s not in sources]
    dump("lower", [f"op {c['index']} {c['opcode']}: {c['func'] or '(alias)'}({', '.join(c['args'])})"
                   for c in calls])
    return calls, headers, sources


def weights_crc32(consts) -> int:
    """zlib's CRC-32 of the const arrays' bytes as the (little-endian) board stores them."""
    crc = 0
    for c in consts:
        if c.data.size:
            crc = zlib.crc32(c.data.astype(c.data.dtype.newbyteorder("<")).tobytes(), crc)
    return crc


def generate(graph: Graph, board, plan, out_dir: Path, provenance: Provenance | None = None,
             target: Target | None = None, name: str = MODEL_NAME,
             shared_arena: bool = False) -> NativeSources:
    """Render the model as a library into out_dir: NAME.c and NAME.h (templates/native/
    model.*.j2). With shared_arena the arena is the export's tinyc_shared_arena."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = LowerCtx(graph, plan, board, target)
    calls, headers, sources = lower_schedule(ctx, graph, plan)
    io = io_view(graph, plan)
    view = {
        **(provenance or Provenance.of(graph, board, "native").library(name)).view(),
        "name": name, "uname": name.upper(), "shared_arena": shared_arena,
        "arena_bytes": plan.arena_bytes, "arena_alloc": max(plan.arena_bytes, 1),
        "alignment": max(board.alignment, 4), "strategy": getattr(plan, "strategy", "?"),
        "headers": headers, "n_ops": len(graph.ops),
        "consts": [{"name": c.name, "ctype": c.ctype, "length": max(c.data.size, 1),
                    "body": c_array_body(c.data) if c.data.size else "0",
                    "crc": c.data.size > 0} for c in ctx.consts],
        "weights_crc32": f"0x{weights_crc32(ctx.consts):08x}",
        "params": [{"name": p.name, "ctype": p.ctype, "body": c_value(p.fields)}
                   for p in ctx.params_decls],
        "inputs": [tensor_view(graph.tensors[i], plan.offset(i)) for i in graph.inputs],
        "outputs": [tensor_view(graph.tensors[i], plan.offset(i)) for i in graph.outputs],
        "calls": calls, "state": state_view(graph, plan), **io,
    }
    env = jinja_env("native")
    files = []
    for suffix in ("c", "h"):
        path = out_dir / f"{name}.{suffix}"
        path.write_text(env.get_template(f"model.{suffix}.j2").render(**view))
        files.append(path)
    kernel_sources = [KERNELS_DIR / s for s in sources]
    kernel_sources += [KERNELS_DIR / s for s in io["io_sources"]
                       if KERNELS_DIR / s not in kernel_sources]
    return NativeSources(generated=files, kernel_sources=kernel_sources,
                         include_dirs=[RUNTIME_DIR, KERNELS_DIR, out_dir],
                         variants=[{"op": c["index"], "opcode": c["opcode"], "variant": c["variant"]}
                                   for c in calls if c["variant"]],
                         unsupported_io=io["io_unsupported"], view=view,
                         weights_bytes=sum(max(c.data.nbytes, c.data.itemsize)
                                           for c in ctx.consts))


def generate_firmware(graph: Graph, board, plan, out_dir: Path,
                      provenance: Provenance | None = None) -> NativeSources:
    """The library `tinyc export MODEL:model` writes for this board (model.c, model.h), and
    tinyc_model_glue.c: the harness's model API on it. `provenance` is the build's own (for
    the glue); the library carries the export's, so its bytes are the export's."""
    provenance = provenance or Provenance.of(graph, board, "native")
    src = generate(graph, board, plan, out_dir, provenance.library(MODEL_NAME))
    glue = Path(out_dir) / GLUE
    glue.write_text(jinja_env("native").get_template(GLUE + ".j2").render(
        **{**src.view, **provenance.view()}))
    src.generated.append(glue)
    return src
