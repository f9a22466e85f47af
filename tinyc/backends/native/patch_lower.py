"""Patch-based execution: the C calls of a patched stage (geometry in patch.py).

Each layer of each patch is the model's op again, on tensors of the patch's shape with VALID
padding, lowered by the op's own lowering (so portable and DSP variants alike, each with its
own parameter struct): `program` puts those ops and tensors in a copy of the model's graph.
The copies (gather, padding, scatter) call tinyc_patch_copy_s8. Everything runs at the
stage's last op; the two ping-pong buffers and the layers' own scratch are that op's scratch
in the plan.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from tinyc.backends.native.cgen import c_value
from tinyc.backends.native.lower import LowerCtx, lower_op, lowering_for
from tinyc.backends.native.ops.common import zp
from tinyc.backends.native.patch import (PatchSpec, Region, Step, patches, stage_input,
                                         stage_output, steps)
from tinyc.ir import Graph, Op, Tensor

COPY = ("tinyc_patch_copy_s8", "patch_copy_s8.h", "patch_copy_s8.c")


@dataclass
class PatchCall:
    """One call: a layer (op: the model's op on patch tensors) or a copy (op None)."""
    step: Step
    op: Op | None = None
    src: int | None = None        # tensor ids in PatchProgram.graph
    dst: int | None = None
    copy: dict = field(default_factory=dict)   # tinyc_patch_copy_params
    patch: int = 0                # which patch, in raster order

    @property
    def what(self) -> str:
        if self.op is not None:
            return f"patch {self.patch}"
        kind = ("gather" if self.step.src_buffer is None else
                "scatter" if self.step.dst_buffer is None else "pad")
        return f"patch {self.patch}: {kind}"


@dataclass
class PatchProgram:
    graph: Graph                  # the model's tensors and ops, plus every patch tensor
    calls: list[PatchCall]
    buffer: dict[int, int]        # patch tensor id -> 0 or 1 (which ping-pong buffer)
    buffer_bytes: tuple[int, int]


def _align(n: int, a: int = 16) -> int:
    return -(-n // a) * a


def program(graph: Graph, spec: PatchSpec) -> PatchProgram:
    """Every call of the patched stage, in order, with a tensor of its own for each patch
    layer's input and output (in ping-pong buffer 0 or 1)."""
    tensors = list(graph.tensors)
    buffer: dict[int, int] = {}
    sizes = [0, 0]

    def patch_tensor(like: int, r: Region, buf: int) -> int:
        t = graph.tensors[like]
        tid = len(tensors)
        tensors.append(Tensor(tid, f"{t.name}[patch]", (1, r.h, r.w, t.shape[3]), t.dtype,
                              t.quant))
        buffer[tid] = buf
        sizes[buf] = max(sizes[buf], tensors[tid].nbytes)
        return tid

    x, y = stage_input(graph, spec), stage_output(graph, spec)
    calls = []
    for k, layers in enumerate(patches(graph, spec)):
        _, h, w, _ = graph.tensors[x].shape
        # what the last call wrote: (tensor in the patch graph, model tensor, its region)
        held: tuple[int, int, Region] = (x, x, Region(0, h, 0, w))
        for st in steps(graph, layers):
            src, like, have = held
            if st.op is None and st.dst_buffer is not None:     # gather or padding copy
                dst = patch_tensor(like, st.src, st.dst_buffer)
                calls.append(PatchCall(st, None, src, dst,
                                       _copy(graph, like, have, st.src, 0, 0, st.src.w), k))
                held = (dst, like, st.src)
            elif st.op is None:                                   # scatter
                wr = st.layer.writes
                copy = _copy(graph, y, have, wr, wr.y0, wr.x0, graph.tensors[y].shape[2])
                calls.append(PatchCall(st, None, src, y, copy, k))
            else:
                op = graph.ops[st.op]
                dst = patch_tensor(op.outputs[0], st.layer.writes, st.dst_buffer)
                clone = Op(op.index, op.opcode, [src] + list(op.inputs[1:]), [dst],
                           {**op.options, "padding": "VALID"}, op.version)
                calls.append(PatchCall(st, clone, src, dst, patch=k))
                held = (dst, op.outputs[0], st.layer.writes)
    pg = replace(graph, tensors=tensors)
    return PatchProgram(pg, calls, buffer, (sizes[0], sizes[1]))


def _copy(graph: Graph, like: int, have: Region, region: Region, dst_y: int, dst_x: int,
          dst_w: int) -> dict:
    """tinyc_patch_copy_params: `region` of model tensor `like` from a buffer holding `have`
    of it, to (dst_y, dst_x) of a destination dst_w pixels wide; pixels outside `have` are
    `like`'s zero point."""
    t = graph.tensors[like]
    return {"src_h": have.h, "src_w": have.w, "dst_w": dst_w, "channels": t.shape[3],
            "rows": region.h, "cols": region.w, "src_y": region.y0 - have.y0,
            "src_x": region.x0 - have.x0, "dst_y": dst_y, "dst_x": dst_x, "fill": zp(t)}


def layer_target(target, spec: PatchSpec):
    """The target the patch layers are lowered for: --optimize balanced's RAM variants buy
    nothing inside patch buffers, so the stage's ops take their fastest variants."""
    return replace(target, ram_ops=target.ram_ops - set(spec.ops))


def inner_scratch_bytes(prog: PatchProgram, target) -> int:
    """The most scratch any layer call needs (one region, reused by every call)."""
    need = 0
    for c in prog.calls:
        if c.op is not None:
            need = max(need, lowering_for(prog.graph, c.op).scratch_bytes(prog.graph, c.op,
                                                                           target))
    return need


def scratch_layout(prog: PatchProgram, alignment: int) -> tuple[int, int]:
    """(buffer 1's offset, the layers' scratch offset) inside the stage's scratch."""
    a = max(alignment, 4)
    b1 = _align(prog.buffer_bytes[0], a)
    return b1, b1 + _align(prog.buffer_bytes[1], a)


class _PatchPlan:
    """The plan as the patch calls see it: patch tensors in the stage's scratch."""

    def __init__(self, plan, prog: PatchProgram, base: int, alignment: int, inner: int):
        self.plan, self.prog, self.base = plan, prog, base
        b1, s = scratch_layout(prog, alignment)
        self.buf_off = (base, base + b1)
        self.inner = (base + s, inner)
        self.fused: dict = {}
        self.overlaps: list = []

    def offset(self, tid: int) -> int:
        if tid in self.prog.buffer:
            return self.buf_off[self.prog.buffer[tid]]
        return self.plan.offset(tid)

    def scratch(self, op_index: int):
        return self.inner if self.inner[1] else None


class PatchCtx(LowerCtx):
    """A LowerCtx over the patch graph that shares the model's declarations, and emits an
    array or a parameter struct once however many patches ask for the same bytes."""

    def __init__(self, ctx: LowerCtx, graph: Graph, plan, target):
        super().__init__(graph, plan, ctx.board, target)
        self.consts, self.params_decls = ctx.consts, ctx.params_decls
        self._const_by_key, self._names = ctx._const_by_key, ctx._names
        self._params_by_body: dict = ctx.__dict__.setdefault("_patch_params", {})

    def const(self, label, data, key=None):
        import numpy as np
        data = np.ascontiguousarray(data)
        if key is None:
            key = ("patch", data.dtype.str, data.shape, data.tobytes())
        return super().const(label, data, key)

    def params(self, op, ctype, fields):
        body = (ctype, c_value(fields))
        if body not in self._params_by_body:
            self._params_by_body[body] = super().params(op, ctype, fields)
        return self._params_by_body[body]


def stage_calls(ctx: LowerCtx, spec: PatchSpec) -> tuple[list[dict], list[str], list[str]]:
    """The stage's calls (dicts as in codegen.lower_schedule), kernel headers and sources."""
    graph, plan = ctx.graph, ctx.plan
    prog = program(graph, spec)
    last = spec.ops[-1]
    base, size = plan.scratch(last)
    target = layer_target(ctx.target, spec)
    inner = inner_scratch_bytes(prog, target)
    align = getattr(plan, "alignment", 16)
    pplan = _PatchPlan(plan, prog, base, align, size - scratch_layout(prog, align)[1])
    if pplan.inner[1] < inner:
        raise AssertionError(f"op {last}: the plan reserved too little patch scratch")
    pctx = PatchCtx(ctx, prog.graph, pplan, target)
    calls, headers, sources = [], [], []
    for c in prog.calls:
        if c.op is None:
            params = pctx.params(graph.ops[last], "tinyc_patch_copy_params", c.copy)
            args = [params, pctx.ptr(c.src), pctx.ptr(c.dst)]
            func, hs, ss, index, opcode = (COPY[0], [COPY[1]], [COPY[2]], last,
                                           graph.ops[last].opcode)
        else:
            kc = lower_op(pctx, c.op)
            func, hs, ss, args = kc.func, kc.headers, kc.sources, kc.args
            index, opcode = c.op.index, c.op.opcode
        # the kernel variants are in the generated calls; the op list names the stage once
        calls.append({"index": index, "opcode": opcode, "func": func, "variant": "",
                      "args": [str(a) for a in args], "note": c.what, "done": False})
        headers += [h for h in hs if h not in headers]
        sources += [s for s in ss if s not in sources]
    calls[-1].update(done=True, variant=patch_variant(spec))
    return calls, headers, sources


def patch_variant(spec: PatchSpec) -> str:
    return f"patch-{spec.n}x{spec.n}"


def absorbed_call(op: Op, spec: PatchSpec) -> dict:
    return {"index": op.index, "opcode": op.opcode, "func": None,
            "variant": patch_variant(spec), "args": [],
            "note": f"runs patch by patch in op {spec.ops[-1]}", "done": True}


def stage_scratch_bytes(graph: Graph, spec: PatchSpec, target) -> int:
    """The stage's scratch: both ping-pong buffers, then the layers' own scratch."""
    prog = program(graph, spec)
    align = getattr(target.board, "alignment", 16)
    return scratch_layout(prog, align)[1] + inner_scratch_bytes(prog, layer_target(target, spec))
