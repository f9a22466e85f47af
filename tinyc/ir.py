"""The graph IR every pass reads: tensors, ops, quantization and constant data."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tinyc.dtypes import DTYPES

DTYPE_SIZES = {name: d.size for name, d in DTYPES.items()}


@dataclass
class Quant:
    scale: np.ndarray          # float32, one per channel (length 1 = per-tensor)
    zero_point: np.ndarray     # int64, same length as scale
    axis: int = 0              # quantized dimension (meaningful when len(scale) > 1)

    @property
    def per_channel(self) -> bool:
        return len(self.scale) > 1

    def to_json(self) -> dict:
        return {"scale": [float(s) for s in self.scale],
                "zero_point": [int(z) for z in self.zero_point],
                "quantized_dimension": int(self.axis)}


@dataclass
class Tensor:
    id: int
    name: str
    shape: tuple[int, ...]
    dtype: str
    quant: Quant | None = None
    data: np.ndarray | None = None   # constant contents (a view into the model bytes), else None
    is_variable: bool = False

    @property
    def is_const(self) -> bool:
        return self.data is not None

    @property
    def elements(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def nbytes(self) -> int:
        return self.elements * DTYPE_SIZES[self.dtype]

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "shape": list(self.shape), "dtype": self.dtype,
                "bytes": self.nbytes, "const": self.is_const,
                "quantization": self.quant.to_json() if self.quant else None}


@dataclass
class Op:
    index: int
    opcode: str                      # TFLite builtin name, e.g. "CONV_2D"
    inputs: list[int]                # tensor ids; -1 marks an omitted optional input
    outputs: list[int]
    options: dict = field(default_factory=dict)
    version: int = 1


@dataclass
class Graph:
    path: str
    sha256: str
    tensors: list[Tensor]
    ops: list[Op]
    inputs: list[int]
    outputs: list[int]
    metadata: dict[str, bytes] = field(default_factory=dict)

    def debug_text(self) -> str:
        """One line per op: index, opcode, input and output shapes (for TINYC_DEBUG)."""
        def shapes(ids):
            return " ".join(f"{list(self.tensors[i].shape)}{self.tensors[i].dtype}"
                            + ("c" if self.tensors[i].is_const else "") for i in ids if i >= 0)
        return "\n".join(f"op {op.index} {op.opcode}: {shapes(op.inputs)} -> {shapes(op.outputs)}"
                         for op in self.ops)

    def input_tensors(self) -> list[Tensor]:
        return [self.tensors[i] for i in self.inputs]

    def output_tensors(self) -> list[Tensor]:
        return [self.tensors[i] for i in self.outputs]

    def op_inputs(self, op: Op) -> list[Tensor | None]:
        return [self.tensors[i] if i >= 0 else None for i in op.inputs]

    def op_outputs(self, op: Op) -> list[Tensor]:
        return [self.tensors[i] for i in op.outputs]

    def activations(self) -> list[Tensor]:
        """Tensors that live in RAM: everything an op reads or writes that is not constant."""
        used = set(self.inputs) | set(self.outputs)
        for op in self.ops:
            used.update(i for i in op.inputs if i >= 0)
            used.update(op.outputs)
        return [t for t in self.tensors if t.id in used and not t.is_const]
