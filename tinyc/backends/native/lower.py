"""Lowering: each TFLite op becomes one call of a C kernel with compile-time parameters.

Python is the Prepare step. A lowering computes multipliers, shifts, folded biases, clamps
and any weight re-layout, registers them as `static const` data (flash), and returns the
C call. Per-op modules in tinyc/backends/native/ops/ register themselves here.

An op with kernel variants registers a `select(graph, op, target) -> KernelChoice`: the
lowering emits the call it names (`ctx.choice(op)`) and the planner reserves its scratch
(`NativeRules`), so both always ask the same function.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from tinyc.backends.native.access_order import check_scratch
from tinyc.backends.native.cgen import CExpr, c_identifier, ctype_of
from tinyc.backends.native.target import PORTABLE, KernelChoice, Target
from tinyc.errors import TinycError
from tinyc.ir import Graph, Op, Tensor

from tinyc.dtypes import CTYPES as CTYPE_OF_DTYPE


@dataclass
class KernelCall:
    func: str | None                 # C function; None when the op needs no code (an alias)
    args: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)    # kernel headers, in firmware/kernels
    sources: list[str] = field(default_factory=list)    # kernel .c files, in firmware/kernels
    variant: str | None = None                          # the kernel variant it calls

    @classmethod
    def of(cls, choice: KernelChoice, args: list) -> "KernelCall":
        return cls(choice.func, list(args), list(choice.headers), list(choice.sources),
                   choice.variant)


@dataclass
class Lowering:
    opcode: str
    lower: Callable[["LowerCtx", Op], KernelCall]
    select: Callable[[Graph, Op, Target], KernelChoice] | None
    inplace: Callable[[Graph, Op], bool]

    def scratch_bytes(self, graph: Graph, op: Op, target: Target = PORTABLE) -> int:
        return self.select(graph, op, target).scratch_bytes if self.select else 0

    def overlap(self, graph: Graph, op: Op, target: Target = PORTABLE) -> int | None:
        return self.select(graph, op, target).overlap if self.select else None

    def overlap_above(self, graph: Graph, op: Op, target: Target = PORTABLE) -> int | None:
        return self.select(graph, op, target).overlap_above if self.select else None

    def scratch_overlap(self, graph: Graph, op: Op, target: Target = PORTABLE) -> int | None:
        return self.select(graph, op, target).scratch_overlap if self.select else None


LOWERINGS: dict[str, Lowering] = {}
# Lowerings for one activation type (TFLM's int16x8 kernels), by (opcode, output dtype); an op
# whose output has another type takes LOWERINGS[opcode].
TYPED_LOWERINGS: dict[tuple[str, str], Lowering] = {}


def lowering(opcode: str, select=None, inplace=None, dtype: str | None = None):
    """Register `fn(ctx, op) -> KernelCall` for `opcode` (for outputs of `dtype` only, when
    given), with its kernel selector."""
    def deco(fn):
        low = Lowering(opcode, fn, select, inplace or (lambda g, op: False))
        if dtype is None:
            LOWERINGS[opcode] = low
        else:
            TYPED_LOWERINGS[(opcode, dtype)] = low
        return fn
    return deco


def lowering_for(graph: Graph, op: Op) -> Lowering | None:
    """The lowering that compiles `op`: the one for its output type, else its opcode's."""
    import tinyc.backends.native.ops  # noqa: F401  (registers every op)
    out = graph.tensors[op.outputs[0]].dtype if op.outputs and op.outputs[0] >= 0 else None
    return TYPED_LOWERINGS.get((op.opcode, out)) or LOWERINGS.get(op.opcode)


@dataclass(frozen=True)
class Variant:
    """One kernel for an op: `choose` says whether it handles (graph, op, target) and at what
    scratch; `emit` turns the op's prepared numbers into that kernel's call."""
    name: str
    choose: Callable[[Graph, Op, Target], KernelChoice | None]
    emit: Callable[["LowerCtx", Op, KernelChoice, object], KernelCall]
    priority: int = 0          # higher is tried first; the portable kernel is 0


VARIANTS: dict[str, list[Variant]] = {}


def kernel_variant(opcode: str, name: str, choose, priority: int = 0):
    """Register `emit(ctx, op, choice, numbers) -> KernelCall` as variant `name` of `opcode`."""
    def deco(emit):
        vs = VARIANTS.setdefault(opcode, [])
        vs[:] = [v for v in vs if v.name != name] + [Variant(name, choose, emit, priority)]
        vs.sort(key=lambda v: -v.priority)
        return emit
    return deco


def lowering_with_variants(opcode: str, prepare, inplace=None):
    """Register `opcode` as `prepare(graph, op) -> numbers` (TFLM's Prepare, pure) followed by
    the emit of the first registered variant whose `choose` accepts the op on the target."""
    def select(graph: Graph, op: Op, target: Target) -> KernelChoice:
        fastest = None
        for v in VARIANTS.get(opcode, []):
            choice = v.choose(graph, op, target)
            if choice is None:
                continue
            if choice.ram_only:
                if target.wants_ram(op.index):
                    return choice
                continue
            if not target.wants_ram(op.index) or choice.has_contract:
                return choice
            fastest = fastest or choice
        if fastest is not None:   # no variant states an access order: the fastest, then
            return fastest
        raise TinycError(f"op {op.index} {opcode}: no kernel handles this op; "
                         "try --backend tflm")

    def lower(ctx: "LowerCtx", op: Op) -> KernelCall:
        choice = ctx.choice(op)
        variant = next(v for v in VARIANTS[opcode] if v.name == choice.variant)
        return variant.emit(ctx, op, choice, prepare(ctx.graph, op))

    LOWERINGS[opcode] = Lowering(opcode, lower, select, inplace or (lambda g, op: False))
    return select


@dataclass
class ConstDecl:
    name: str
    ctype: str
    data: np.ndarray


@dataclass
class ParamDecl:
    name: str
    ctype: str
    fields: dict


class LowerCtx:
    """What a lowering may ask for: tensor pointers, constant arrays, parameter structs."""

    def __init__(self, graph: Graph, plan, board, target: Target | None = None):
        self.graph = graph
        self.plan = plan
        self.board = board
        # the kernels are the ones the plan reserved scratch for
        self.target = target or getattr(getattr(plan, "rules", None), "target", None) or PORTABLE
        self.consts: list[ConstDecl] = []
        self.params_decls: list[ParamDecl] = []
        self._const_by_key: dict[tuple, str] = {}
        self._names: set[str] = set()

    def tensor(self, tid: int) -> Tensor:
        return self.graph.tensors[tid]

    def ptr(self, tid: int, ctype: str | None = None) -> CExpr:
        """C expression for tensor `tid`: a const array in flash or a pointer into the arena."""
        t = self.graph.tensors[tid]
        ctype = ctype or CTYPE_OF_DTYPE[t.dtype]
        if t.is_const:
            return self.const(f"{c_identifier(t.name)}", np.asarray(t.data), key=("t", tid))
        return CExpr(f"(({ctype} *)(tinyc_arena + {self.plan.offset(tid)}))")

    def const(self, label: str, data: np.ndarray, key=None) -> CExpr:
        """A `static const` array in flash, emitted once per distinct key."""
        data = np.ascontiguousarray(data)
        if key is not None and key in self._const_by_key:
            return CExpr(self._const_by_key[key])
        name = self._unique(f"w_{label}")
        self.consts.append(ConstDecl(name, ctype_of(data), data))
        if key is not None:
            self._const_by_key[key] = name
        return CExpr(name)

    def params(self, op: Op, ctype: str, fields: dict) -> CExpr:
        """A `static const ctype opN_params = {...}` with designated initialisers; returns &it."""
        name = self._unique(f"op{op.index}_params")
        self.params_decls.append(ParamDecl(name, ctype, fields))
        return CExpr(f"&{name}")

    def choice(self, op: Op) -> KernelChoice:
        """The kernel variant `select` picks for `op` on this target."""
        return lowering_for(self.graph, op).select(self.graph, op, self.target)

    def scratch(self, op: Op) -> CExpr:
        """A tinyc_ctx value for the op's scratch buffer (NULL, 0 when it has none)."""
        s = self.plan.scratch(op.index)
        need = lowering_for(self.graph, op).scratch_bytes(self.graph, op, self.target)
        if need > (s[1] if s else 0):
            raise AssertionError(f"op {op.index} {op.opcode}: the plan reserved "
                                 f"{s[1] if s else 0} B of scratch, the kernel needs {need} B")
        if not s or not s[1]:
            return CExpr("((tinyc_ctx){ 0, 0 })")
        check_scratch(self, op, self.choice(op), s)
        off, size = s
        return CExpr(f"((tinyc_ctx){{ tinyc_arena + {off}, {size} }})")

    def _unique(self, base: str) -> str:
        name, k = base, 1
        while name in self._names:
            k += 1
            name = f"{base}_{k}"
        self._names.add(name)
        return name


def lower_op(ctx: LowerCtx, op: Op) -> KernelCall:
    low = lowering_for(ctx.graph, op)
    if low is None:
        raise TinycError(f"op {op.index} {op.opcode} has no native kernel; "
                         "try --backend tflm")
    from tinyc.backends.native.quant import ScaleError
    try:
        return low.lower(ctx, op)
    except ScaleError as e:
        raise TinycError(f"op {op.index} {op.opcode}: {e}") from None
