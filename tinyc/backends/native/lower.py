"""Lowering: each TFLite op becomes one call of a C kernel with compile-time parameters.

Python is the Prepare step. A lowering computes multipliers, shifts, folded biases, clamps
and any weight re-layout, registers them as `static const` data (flash), and returns the
C call. Per-op modules in tinyc/backends/native/ops/ register themselves here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from tinyc.backends.native.cgen import CExpr, c_identifier, ctype_of
from tinyc.errors import TinycError
from tinyc.ir import Graph, Op, Tensor

CTYPE_OF_DTYPE = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int32_t",
                  "float32": "float", "int64": "int64_t", "bool": "uint8_t"}


@dataclass
class KernelCall:
    func: str | None                 # C function; None when the op needs no code (an alias)
    args: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)    # kernel headers, in firmware/kernels
    sources: list[str] = field(default_factory=list)    # kernel .c files, in firmware/kernels


@dataclass
class Lowering:
    opcode: str
    lower: Callable[["LowerCtx", Op], KernelCall]
    scratch_bytes: Callable[[Graph, Op], int]
    inplace: Callable[[Graph, Op], bool]


LOWERINGS: dict[str, Lowering] = {}


def lowering(opcode: str, scratch_bytes=None, inplace=None):
    """Register `fn(ctx, op) -> KernelCall` for `opcode`, with its scratch-size twin."""
    def deco(fn):
        LOWERINGS[opcode] = Lowering(opcode, fn, scratch_bytes or (lambda g, op: 0),
                                     inplace or (lambda g, op: False))
        return fn
    return deco


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

    def __init__(self, graph: Graph, plan, board):
        self.graph = graph
        self.plan = plan
        self.board = board
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

    def scratch(self, op: Op) -> CExpr:
        """A tinyc_ctx value for the op's scratch buffer (NULL, 0 when it has none)."""
        s = self.plan.scratch(op.index)
        if not s or not s[1]:
            return CExpr("((tinyc_ctx){ 0, 0 })")
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
    import tinyc.backends.native.ops  # noqa: F401  (registers every op)
    low = LOWERINGS.get(op.opcode)
    if low is None:
        raise TinycError(f"op {op.index} {op.opcode} has no native kernel; "
                         "try --backend tflm")
    from tinyc.backends.native.quant import ScaleError
    try:
        return low.lower(ctx, op)
    except ScaleError as e:
        raise TinycError(f"op {op.index} {op.opcode}: {e}") from None
