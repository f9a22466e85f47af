"""Compare tinyc's native code, run in-process, with the TFLM interpreter, byte for byte."""
from __future__ import annotations

import ctypes
import tempfile
from pathlib import Path

import numpy as np

from tinyc.backends.native.debug_plan import NoReusePlan
from tinyc.backends.native.rules import NATIVE_RULES
from tinyc.boards import get_board
from tinyc.frontend import load_model
from tinyc.hostlib import build_host_model
from tinyc.reference import random_inputs, tflm_outputs, tflm_tensors


def mismatches(model_path, samples: int = 20, seed: int = 0, plan=None, sanitize: bool = True,
               poison: bool = False):
    """Mismatched output bytes over `samples` seeded random inputs (0 = bit-exact).
    With plan=None every tensor gets its own bytes; pass a planner's plan to test it.
    poison: before each invoke fill the whole arena with seeded random bytes, so a kernel that
    reads a byte its plan let another tensor overwrite (or never wrote) reads garbage; the
    variable tensors (state carried from the last invoke, as in TFLM) keep theirs."""
    g = load_model(model_path)
    plan = plan or NoReusePlan(g, NATIVE_RULES)
    with tempfile.TemporaryDirectory(prefix="tinyc-kt-") as work:   # the loaded library stays
        m = build_host_model(g, get_board("host"), plan, Path(work), sanitize=sanitize)
    xs = random_inputs(g, samples, seed)
    ref = tflm_outputs(g, xs)
    bad = 0
    junk = np.random.default_rng(seed + 1)
    # the arena is static in the library: its start is input 0's address minus its offset
    arena_base = m.lib.tinyc_input(0) - plan.offset(g.inputs[0])
    state = [(plan.offset(t.id), t.nbytes) for t in g.activations() if t.is_variable]
    for x, r in zip(xs, ref):
        if poison:
            kept = [ctypes.string_at(arena_base + off, n) for off, n in state]
            fill = junk.integers(0, 256, plan.arena_bytes, dtype=np.uint8)
            ctypes.memmove(arena_base, fill.ctypes.data, plan.arena_bytes)
            for (off, _), data in zip(state, kept):
                ctypes.memmove(arena_base + off, data, len(data))
        got = m.run(x)
        bad += sum(int(np.count_nonzero(a != b)) for a, b in zip(got, r))
    return bad


def first_bad_op(model_path, seed: int = 0):
    """(op index, opcode, mismatched bytes) of the first op whose output differs, else None."""
    g = load_model(model_path)
    plan = NoReusePlan(g, NATIVE_RULES)
    with tempfile.TemporaryDirectory(prefix="tinyc-kt-") as work:
        m = build_host_model(g, get_board("host"), plan, Path(work))
    xs = random_inputs(g, 1, seed)[0]
    ours, ref = m.run_layers(xs, plan), tflm_tensors(g, xs)
    for op in g.ops:
        for tid in op.outputs:
            n = int(np.count_nonzero(ours[tid] != ref[tid]))
            if n:
                return op.index, op.opcode, n
    return None
