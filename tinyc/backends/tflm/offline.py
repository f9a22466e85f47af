"""tinyc's memory plan written into the model as TFLM's OfflineMemoryAllocation metadata.

Buffer format (TFLM docs/memory_management.md): int32 [version=1, subgraphs=1, n_tensors,
offset of tensor 0, ...]; the offset is from the start of the arena's head (TFLM adds it to
the 16-aligned arena start), -1 lets TFLM plan the tensor itself. Constant tensors and
variables (kept across invocations, so TFLM puts them in the tail) get -1.
"""
from __future__ import annotations

import flatbuffers
import numpy as np

from tinyc.errors import TinycError
from tinyc.ir import Graph

METADATA_NAME = "OfflineMemoryAllocation"


def _schema():
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    return schema


def offline_offsets(graph: Graph, plan) -> list[int]:
    """One offset per tensor of the graph from a tinyc MemoryPlan (-1 where TFLM plans)."""
    out = []
    for t in graph.tensors:
        if t.is_const or t.is_variable or t.nbytes == 0:
            out.append(-1)
            continue
        try:
            off = plan.offset(t.id)
        except KeyError:
            off = -1
        if off != -1 and off % 16:
            raise TinycError(f"tensor {t.id} '{t.name}' is planned at offset {off}, TFLM needs "
                             "16-byte aligned offsets")
        out.append(int(off))
    return out


def metadata_words(offsets: list[int]) -> np.ndarray:
    return np.array([1, 1, len(offsets), *offsets], dtype="<i4")


def with_offline_plan(model_bytes: bytes, offsets: list[int]) -> bytes:
    """The model with the plan as metadata (replacing an earlier plan), re-serialised with
    the wheel's flatbuffer object API; buffers stay 16-byte aligned."""
    schema = _schema()
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(bytearray(model_bytes), 0))
    n = len(m.subgraphs[0].tensors)
    if len(m.subgraphs) != 1 or n != len(offsets):
        raise TinycError(f"offline plan has {len(offsets)} offsets for {n} tensors")
    buf = schema.BufferT()
    buf.data = metadata_words(offsets).view(np.uint8)
    m.buffers.append(buf)
    meta = schema.MetadataT()
    meta.name = METADATA_NAME
    meta.buffer = len(m.buffers) - 1
    m.metadata = [x for x in (m.metadata or []) if _name(x) != METADATA_NAME] + [meta]
    b = flatbuffers.Builder(len(model_bytes) + 4096)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def _name(meta) -> str:
    n = meta.name
    return n.decode("utf-8", "replace") if isinstance(n, bytes) else (n or "")
