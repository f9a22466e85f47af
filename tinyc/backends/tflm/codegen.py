"""Render the TFLM backend: the model (with tinyc's plan inside) as an aligned array, an exact
arena, a resolver with exactly the model's ops, and the tinyc model API over MicroInterpreter.

    generate(graph, board, plan, out_dir) -> {"sources": [...], "tflm_arena_bytes": ..., ...}

Also writes out_dir/model.tflite (the rewritten model) and out_dir/tflm.cmake (the TFLM
sources, from TINYC_TFLM_DIR); `cmake_fragment` names it for the project's CMakeLists.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np

from tinyc.backends.native.cgen import c_array_body
from tinyc.backends.native.codegen import jinja_env, tensor_view
from tinyc.backends.tflm.arena import tflm_arena
from tinyc.backends.tflm.libs import lib_deps, library_note
from tinyc.backends.tflm.offline import offline_offsets, with_offline_plan
from tinyc.backends.tflm.resolver import resolver_calls
from tinyc.provenance import Provenance

CMAKE_FRAGMENT = "tflm.cmake"
MODEL_FILE = "model.tflite"


def generate(graph, board, plan, out_dir, provenance: Provenance | None = None,
             target: str = "firmware") -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    offsets = offline_offsets(graph, plan)
    model = with_offline_plan(Path(graph.path).read_bytes(), offsets)
    (out / MODEL_FILE).write_bytes(model)
    arena = tflm_arena(graph, offsets, board.pointer_bytes)
    env = jinja_env("tflm")
    view = {
        **(provenance or Provenance.of(graph, board, "tflm")).view(),
        "pointer_bytes": board.pointer_bytes,
        "arena_bytes": arena.arena_bytes, "head_bytes": arena.head_bytes,
        "tail_bytes": arena.tail_bytes, "model_bytes": len(model),
        "model_crc32": f"0x{zlib.crc32(model):08x}",
        "body": c_array_body(np.frombuffer(model, np.uint8)),
        "ops": [{"index": op.index, "opcode": op.opcode} for op in graph.ops],
        "resolver": resolver_calls(graph), "target": target,
        "registrations": [f"Register_{c}" for c, _ in resolver_calls(graph)],
        "inputs": [tensor_view(graph.tensors[i], 0) for i in graph.inputs],
        "outputs": [tensor_view(graph.tensors[i], 0) for i in graph.outputs],
    }
    files = {"tinyc_tflm.cc": "tinyc_tflm.cc.j2", "tinyc_tflm_model.h": "tinyc_tflm_model.h.j2",
             "model_data.cc": "model_data.cc.j2", CMAKE_FRAGMENT: "tflm.cmake.j2"}
    for name, tpl in files.items():
        (out / name).write_text(env.get_template(tpl).render(**view))
    return {
        "sources": [out / "tinyc_tflm.cc", out / "tinyc_tflm_model.h", out / "model_data.cc"],
        "cmake_fragment": str(out / CMAKE_FRAGMENT),
        "tflm_arena_bytes": arena.arena_bytes,
        "tflm_head_bytes": arena.head_bytes,
        "tflm_tail_bytes": arena.tail_bytes,
        "tflm_pointer_bytes": board.pointer_bytes,
        "tflm_model": str(out / MODEL_FILE),
        "tflm_resolver_ops": [c for c, _ in view["resolver"]],
        "tflm_lib_deps": lib_deps(board),
        "tflm_library": library_note(board),
    }
