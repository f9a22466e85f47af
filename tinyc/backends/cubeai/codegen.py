"""Render the cubeai backend: the X-CUBE-AI legacy API for one model, on tinyc's kernels.

    generate(graph, board, plan, out_dir, name="network") -> CubeaiSources

Writes <name>.h, <name>.c (the API and one kernel call per op), <name>_data.h,
<name>_data.c (weights, per-op parameters, the activations/weights tables),
<name>_data_params.h (sizes), ai_platform.h (the API's types, tinyc's own header) and
app_<name>_tinyc.c (an ST-style application that implements tinyc_model.h for the
protocol harness). The lowering is the native backend's; only the arena differs: the
kernel calls address `tinyc_arena + OFFSET`, and here `tinyc_arena` is a pointer set by
ai_<name>_init() to the application's buffer instead of a static array.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tinyc.backends.native.cgen import c_array_body, c_value
from tinyc.backends.native.codegen import (KERNELS_DIR, TEMPLATES, jinja_env, lower_schedule,
                                           tensor_view)
from tinyc.backends.native.lower import LowerCtx
from tinyc.errors import TinycError
from tinyc.dtypes import size as dtype_size
from tinyc.ir import Graph, Tensor
from tinyc.provenance import Provenance

PLATFORM_HEADER = TEMPLATES / "cubeai" / "ai_platform.h"
ACT_ALIGNMENT = 4      # what the kernels need of the activations buffer's address
_FORMATS = {"int8": "AI_BUFFER_FORMAT_S8", "uint8": "AI_BUFFER_FORMAT_U8",
            "int16": "AI_BUFFER_FORMAT_S16", "int32": "AI_BUFFER_FORMAT_S32",
            "float32": "AI_BUFFER_FORMAT_FLOAT"}
_NAME_RE = re.compile(r"[a-z_][a-z0-9_]{0,31}")


@dataclass
class CubeaiSources:
    generated: list[Path]        # the files written to out_dir (headers included)
    kernel_sources: list[Path]   # firmware/kernels/*.c the model calls
    include_dirs: list[Path]     # where tinyc_kernel.h, the kernel headers and out_dir are
    api_sources: list[Path]      # the .c files an application of the API compiles
    app_source: Path             # app_<name>_tinyc.c: tinyc_model.h on top of the API


class _CubeaiLowerCtx(LowerCtx):
    """Native lowering, with weight/parameter names prefixed: they have external linkage
    (defined in <name>_data.c, used in <name>.c), so they must not clash with the app's."""

    def __init__(self, graph, plan, board, prefix: str):
        super().__init__(graph, plan, board)
        self._prefix = prefix

    def _unique(self, base: str) -> str:
        return super()._unique(f"{self._prefix}{base}")


def check_name(name: str) -> str:
    if not _NAME_RE.fullmatch(name or ""):
        raise TinycError(f"--name '{name}' is not usable as a C prefix; use lower-case letters, "
                         "digits and '_' (at most 32), starting with a letter, e.g. 'network'")
    return name


def _bhwc(shape: tuple[int, ...]) -> list[int]:
    s = [int(d) for d in shape] or [1]
    if len(s) == 1:
        return [1, 1, 1, s[0]]
    if len(s) == 2:
        return [s[0], 1, 1, s[1]]
    if len(s) == 3:
        return [s[0], 1, s[1], s[2]]
    if len(s) == 4:
        return s
    return [s[0], int(np.prod(s[1:-2])), s[-2], s[-1]]


def _io_view(t: Tensor, offset: int) -> dict:
    if t.dtype not in _FORMATS:
        raise TinycError(f"tensor '{t.name}' is {t.dtype}; the cubeai backend supports "
                         f"{', '.join(_FORMATS)} inputs and outputs")
    v = tensor_view(t, offset)
    v.update(format=_FORMATS[t.dtype], bhwc=_bhwc(t.shape), quantized=t.quant is not None,
             n_items=t.nbytes // dtype_size(t.dtype),
             zp_ctype="ai_u8" if t.dtype == "uint8" else "ai_i8",
             zp_flag=("AI_BUFFER_META_FLAG_ZEROPOINT_U8" if t.dtype == "uint8"
                      else "AI_BUFFER_META_FLAG_ZEROPOINT_S8"))
    return v


def generate(graph: Graph, board, plan, out_dir: Path, name: str = "network",
             provenance: Provenance | None = None) -> CubeaiSources:
    name = check_name(name)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = _CubeaiLowerCtx(graph, plan, board, prefix=f"g_{name}_")
    calls, headers, sources = lower_schedule(ctx, graph, plan)
    consts = [{"name": c.name, "ctype": c.ctype, "length": max(c.data.size, 1),
               "body": c_array_body(c.data) if c.data.size else "0"} for c in ctx.consts]
    prov = provenance or Provenance.of(graph, board, "cubeai", options={"name": name})
    view = {
        **prov.view(), "name": name, "NAME": name.upper(),
        "version_tuple": [int(x) for x in re.findall(r"\d+", prov.version)[:3]],
        "model_stem": Path(graph.path).stem,
        "activations_bytes": max(plan.arena_bytes, 1), "act_alignment": ACT_ALIGNMENT,
        "strategy": getattr(plan, "strategy", "?"),
        "weights_bytes": sum(int(c.data.nbytes) for c in ctx.consts),
        "weights_base": consts[0]["name"] if consts else "NULL",
        "n_ops": len(graph.ops), "n_macc": 0, "headers": headers, "consts": consts,
        "params": [{"name": p.name, "ctype": p.ctype, "body": c_value(p.fields)}
                   for p in ctx.params_decls],
        "inputs": [_io_view(graph.tensors[i], plan.offset(i)) for i in graph.inputs],
        "outputs": [_io_view(graph.tensors[i], plan.offset(i)) for i in graph.outputs],
        "calls": calls,
    }
    env = jinja_env("cubeai")
    targets = {f"{name}.h": "network.h.j2", f"{name}.c": "network.c.j2",
               f"{name}_data.h": "network_data.h.j2", f"{name}_data.c": "network_data.c.j2",
               f"{name}_data_params.h": "network_data_params.h.j2",
               f"app_{name}_tinyc.c": "app_tinyc.c.j2"}
    files = []
    for fname, template in targets.items():
        path = out_dir / fname
        path.write_text(env.get_template(template).render(**view))
        files.append(path)
    platform = out_dir / "ai_platform.h"
    shutil.copyfile(PLATFORM_HEADER, platform)
    files.append(platform)
    return CubeaiSources(generated=files,
                         kernel_sources=[KERNELS_DIR / s for s in sources],
                         include_dirs=[KERNELS_DIR, out_dir],
                         api_sources=[out_dir / f"{name}.c", out_dir / f"{name}_data.c"],
                         app_source=out_dir / f"app_{name}_tinyc.c")


__all__ = ["CubeaiSources", "generate", "check_name"]
