"""Run a build on its board over the protocol and compare every byte with TFLM."""
from __future__ import annotations

import contextlib
import statistics
from pathlib import Path

import numpy as np

from tinyc.errors import TinycError
from tinyc.hostlib import NP_DTYPES
from tinyc.output import progress
from tinyc.pipeline import Build
from tinyc.reference import random_inputs, tflm_outputs


def run_on_board(build: Build, samples: list[list[np.ndarray]], port: str | None = None,
                 profile: bool = False, quiet: bool = False, device=None) -> dict:
    """Outputs, per-inference counts and (optionally) the per-op profile of the last sample.
    device: a Device already open on the board (the Python API keeps one per session);
    otherwise one is opened for this call and closed after it."""
    from tinyc.device import open_device
    from tinyc.device.client import InvokeFailed
    g = build.graph
    opened = contextlib.nullcontext(device) if device is not None else \
        open_device(build.board, elf=build.elf, port=port)
    with opened as dev:
        dev.check_model(g.sha256)
        info = dev.info()
        if not info.init_ok:
            raise TinycError(f"the model did not initialise on {build.board.id} (tinyc_init "
                             "failed; with the tflm backend: AllocateTensors, arena too small?)")
        if info.selfcheck == "failed":
            raise TinycError(f"the board {build.board.id}{' on ' + port if port else ''} failed "
                             "its selfcheck: the CRC-32 of the model's weights in its flash is "
                             "not the one computed at build time (a damaged image): flash it "
                             "again", 1)
        used = info.runtime_arena_used_bytes
        try:
            outs, counts, prof = _run_samples(dev, g, samples, profile, quiet)
        except InvokeFailed as e:
            opcode = next((op.opcode for op in g.ops if op.index == e.op_index), "")
            raise TinycError(e.describe(opcode), 1) from None
    return {"outputs": outs, "counts": counts, "profile": prof, "arena_used_bytes": used,
            "selfcheck": info.selfcheck}


def _run_samples(dev, g, samples, profile: bool, quiet: bool):
    """Each sample through dev.infer(): (outputs as arrays, counts, profile of the last).
    The samples are one sequence: the model's state is reset before the first and carried
    from each to the next, as tflm_outputs() runs them."""
    outs, counts, prof = [], [], None
    stateful = any(t.is_variable for t in g.activations())
    for k, xs in enumerate(samples):
        last_inputs = [np.ascontiguousarray(x, NP_DTYPES[g.tensors[g.inputs[i]].dtype])
                       .tobytes() for i, x in enumerate(xs)]
        res = dev.infer(last_inputs, label=f"sample {k + 1} of {len(samples)}",
                        reset_state=k == 0, resumable=k == 0 or not stateful)
        counts.append(res.count)
        got = []
        for i, (tid, raw) in enumerate(zip(g.outputs, res.outputs)):
            t = g.tensors[tid]
            if len(raw) != t.nbytes:
                raise TinycError(f"the board sent {len(raw)} bytes for output {i}, "
                                 f"expected {t.nbytes}")
            got.append(np.frombuffer(raw, NP_DTYPES[t.dtype]).reshape(t.shape))
        outs.append(got)
        if not quiet and len(samples) > 4 and (k + 1) % max(1, len(samples) // 4) == 0:
            progress(f"  {k + 1}/{len(samples)} samples")
    if profile and samples:
        # one more run of the last input, counted op by op
        prof = dev.infer(last_inputs, profile=True, label="the profiling run").profile
    return outs, counts, prof


def compare(ours: list[list[np.ndarray]], ref: list[list[np.ndarray]]) -> tuple[int, int]:
    """(mismatched bytes, max absolute difference) over all samples and outputs."""
    bad, worst = 0, 0
    for a_list, b_list in zip(ours, ref):
        for a, b in zip(a_list, b_list):
            a = np.asarray(a)
            b = np.asarray(b).reshape(a.shape)
            diff = a.astype(np.float64) - b.astype(np.float64)
            mismatch = a.view(np.uint8) != b.astype(a.dtype).view(np.uint8)
            bad += int(np.count_nonzero(mismatch))
            if diff.size:
                worst = max(worst, float(np.max(np.abs(diff))))
    return bad, worst


def require_compared(outputs: list[list[np.ndarray]], where: str) -> None:
    """A comparison of no bytes proves nothing: it is an error, never "bit-exact"."""
    if sum(np.asarray(o).nbytes for sample in outputs for o in sample) == 0:
        raise TinycError(f"compared no output bytes on {where}: give at least one sample of a "
                         "model with non-empty outputs", 1)


def verify_build(build: Build, samples: int, seed: int, port: str | None = None,
                 profile: bool = False, quiet: bool = False, inputs=None, device=None) -> dict:
    """inputs: the user's samples (a list of [one array per model input]) instead of
    `samples` random ones from `seed`."""
    xs = random_inputs(build.graph, samples, seed) if inputs is None else inputs
    rep, _, _ = check_samples(build, xs, seed if inputs is None else None, port, profile, quiet,
                              device)
    return rep


def check_samples(build: Build, xs: list[list[np.ndarray]], seed: int | None = None,
                  port: str | None = None, profile: bool = False, quiet: bool = False,
                  device=None):
    """xs on the board and through TFLM, compared byte for byte: (report, the board's
    outputs, TFLM's outputs); seed names where random xs came from (None: the user's)."""
    g = build.graph
    samples = len(xs)
    if not quiet:
        progress(f"reference: TFLM interpreter on {samples} inputs"
                 + (f" (seed {seed})…" if seed is not None else "…"))
    ref = tflm_outputs(g, xs)
    if not quiet:
        progress(f"running on {build.board.id}" + (f" at {port}" if port else "") + "…")
    res = run_on_board(build, xs, port=port, profile=profile, quiet=quiet, device=device)
    require_compared(res["outputs"], build.board.id)
    bad, worst = compare(res["outputs"], ref)
    counts = [c for c in res["counts"] if c is not None]
    unit = build.board.counter.get("unit", "none")
    rep = {
        "model": g.path, "model_sha256": g.sha256, "board": build.board.id,
        "backend": build.backend, "port": port, "samples": samples, "seed": seed,
        "mismatched_bytes": bad, "max_abs_diff": worst, "bit_exact": bad == 0,
        "ram_bytes": build.ram_bytes, "flash_bytes": build.flash_bytes,
        "arena_bytes": build.plan.arena_bytes, "counter_unit": unit,
        "instructions_per_inference": int(statistics.median(counts))
        if counts and unit == "instructions" else None,
        "cycles_per_inference": int(statistics.median(counts))
        if counts and unit == "cycles" else None,
    }
    if res["selfcheck"] is not None:
        rep["selfcheck"] = res["selfcheck"]
    if build.backend == "tflm":   # tinyc's computed arena vs TFLM's own arena_used_bytes()
        rep["tflm_arena_bytes"] = build.extra.get("tflm_arena_bytes")
        rep["tflm_arena_used_bytes"] = res["arena_used_bytes"]
    if profile and res["profile"] is not None:
        key = unit if unit in ("instructions", "cycles") else "count"
        rep["profile"] = profile_rows(g, res["profile"], key,
                                      build.extra.get("native_kernel_variants"))
        rep["profile_total"] = sum(int(c) for c in res["profile"])
    return rep, res["outputs"], ref


def profile_rows(graph, counts, key: str, variants=None) -> list[dict]:
    """One row per op in execution order: its count, share of all ops' counts, MACs, count per
    MAC (None for ops without MACs) and, for the native backend, the kernel variant. A
    row-streamed pair's kernel (variant pointwise-depthwise*) runs the 1x1 conv feeding it, so
    its row holds both ops' MACs and the conv's none."""
    from tinyc.ops import macs
    total = sum(int(c) for c in counts) or 1
    variant_of = {v["op"]: v["variant"] for v in variants or ()}
    macs_of = {op.index: macs(graph, op) for op in graph.ops}
    for op in graph.ops:
        if (variant_of.get(op.index) or "").startswith("pointwise-depthwise"):
            pw = next(o.index for o in graph.ops if op.inputs[0] in o.outputs)
            macs_of[op.index] += macs_of[pw]
            macs_of[pw] = 0
    rows = []
    for op, c in zip(graph.ops, counts):
        m = macs_of[op.index]
        rows.append({"index": op.index, "op": op.opcode, key: c, "share": int(c) / total,
                     "macs": m, f"{key}_per_mac": int(c) / m if m else None,
                     "variant": variant_of.get(op.index)})
    return rows


def first_mismatching_op(model: str, backend: str, seed: int, work_dir: Path) -> dict | None:
    """Find the first op whose output differs from TFLM (generated C run in-process on the host
    with a no-reuse plan, so every intermediate tensor survives)."""
    from tinyc.backends import get_backend
    from tinyc.boards import get_board
    from tinyc.frontend import read_model
    from tinyc.hostlib import build_host_model
    from tinyc.reference import tflm_tensors
    be, host = get_backend(backend), get_board("host")
    g = be.validate(read_model(model))
    plan = be.debug_layers_plan(g, host)
    m = build_host_model(g, host, plan, work_dir)
    xs = random_inputs(g, 1, seed)[0]
    ours, ref = m.run_layers(xs, plan), tflm_tensors(g, xs)
    for idx in plan.schedule:
        op = g.ops[idx]
        for tid in op.outputs:
            a, b = ours[tid], ref[tid].astype(ours[tid].dtype)
            n = int(np.count_nonzero(a != b))
            if n:
                return {"op_index": op.index, "op": op.opcode, "tensor": g.tensors[tid].name,
                        "mismatched_bytes": n,
                        "max_abs_diff": float(np.max(np.abs(a.astype(np.int64) - b.astype(np.int64))))}
    return None
