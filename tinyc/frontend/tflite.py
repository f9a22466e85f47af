"""Read a .tflite flatbuffer into the graph IR.

Constant data stays a numpy view into the one copy of the file read from disk. Every
vector length is checked against the file size before it is walked, so corrupt input
fails fast instead of looping over billions of phantom entries.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from tinyc.dtypes import BY_TFLITE, DTYPES
from tinyc.errors import TinycError
from tinyc.ir import Graph, Op, Quant, Tensor

_TYPES = {code: d.name for code, d in BY_TFLITE.items()}
_NP = {name: d.np for name, d in DTYPES.items()}
_MAX_TENSOR_BYTES = 1 << 31


def _schema():
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    return schema


def builtin_names() -> dict[int, str]:
    return {v: k for k, v in vars(_schema().BuiltinOperator).items() if not k.startswith("_")}


class _Reader:
    def __init__(self, path: str, buf: bytes):
        self.path = path
        self.buf = buf

    def bad(self, what: str) -> TinycError:
        return TinycError(f"{self.path} is not a valid .tflite model ({what}); "
                          "re-export it from TensorFlow or check the download")

    def count(self, n: int, what: str, elem: int = 4) -> int:
        if n < 0 or n * elem > len(self.buf):
            raise self.bad(f"{what} count {n} exceeds the file size")
        return n


def parse_model(path: str | Path) -> Graph:
    path = str(path)
    p = Path(path)
    if not p.exists():
        raise TinycError(f"no such file: {path}")
    if p.is_dir():
        raise TinycError(f"{path} is a directory, not a .tflite model")
    buf = p.read_bytes()
    if len(buf) == 0:
        raise TinycError(f"{path} is empty (0 bytes): not a .tflite model")
    if len(buf) < 8 or buf[4:8] != b"TFL3":
        raise TinycError(f"{path} is not a TFLite model (no 'TFL3' identifier); "
                         "tinyc reads .tflite flatbuffers")
    r = _Reader(path, buf)
    try:
        graph = _parse(r)
        _unpack_all(r)
        return graph
    except TinycError:
        raise
    except (IndexError, ValueError, TypeError, KeyError, OverflowError, AttributeError,
            UnicodeDecodeError, RecursionError, MemoryError) as e:
        raise r.bad(f"truncated or corrupt: {type(e).__name__} while reading it") from None
    except Exception:  # flatbuffers raises struct.error and friends on corrupt input
        raise r.bad("truncated or corrupt: the flatbuffer points outside the file") from None


def _unpack_all(r: _Reader) -> None:
    """Walk every table and vector once with the object API, as the tflm backend does when it
    rewrites the model: a corruption in a part tinyc does not read is found here, not there."""
    schema = _schema()
    model = schema.Model.GetRootAsModel(r.buf, 0)
    r.count(model.SignatureDefsLength(), "signature")
    for i in range(model.SubgraphsLength()):
        sg = model.Subgraphs(i)
        for k in range(sg.TensorsLength()):
            t = sg.Tensors(k)
            r.count(t.VariantTensorsLength(), "variant tensor")
    schema.ModelT.InitFromObj(model)


def _parse(r: _Reader) -> Graph:
    schema = _schema()
    buf = r.buf
    model = schema.Model.GetRootAsModel(buf, 0)
    n_sub = r.count(model.SubgraphsLength(), "subgraph")
    if n_sub == 0:
        raise r.bad("no subgraph")
    if n_sub > 1:
        raise TinycError(f"{r.path} has {n_sub} subgraphs (control flow such as WHILE/IF or "
                         "several signatures); tinyc compiles single-subgraph models only")
    sg = model.Subgraphs(0)
    names = builtin_names()

    opcodes = []
    for i in range(r.count(model.OperatorCodesLength(), "operator code")):
        oc = model.OperatorCodes(i)
        code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
        name = names.get(code)
        if name == "CUSTOM":
            cname = oc.CustomCode()
            name = f"CUSTOM:{_text(cname) if cname else '?'}"
        opcodes.append((name or f"UNKNOWN_{code}", oc.Version()))

    n_buffers = r.count(model.BuffersLength(), "buffer")
    n_tensors = r.count(sg.TensorsLength(), "tensor")
    tensors = [_tensor(r, model, sg.Tensors(i), i, n_buffers) for i in range(n_tensors)]

    def tensor_ids(vec, what):
        ids = [int(x) for x in vec] if vec is not None and not isinstance(vec, int) else []
        for t in ids:
            if t < -1 or t >= n_tensors:
                raise r.bad(f"{what} refers to tensor {t}, the model has {n_tensors}")
        return ids

    ops = []
    for i in range(r.count(sg.OperatorsLength(), "operator")):
        o = sg.Operators(i)
        if o.OpcodeIndex() >= len(opcodes):
            raise r.bad(f"op {i} uses operator code {o.OpcodeIndex()} of {len(opcodes)}")
        name, version = opcodes[o.OpcodeIndex()]
        r.count(o.InputsLength(), "op input")
        r.count(o.OutputsLength(), "op output")
        ops.append(Op(index=i, opcode=name,
                      inputs=tensor_ids(o.InputsAsNumpy(), f"op {i} {name}"),
                      outputs=tensor_ids(o.OutputsAsNumpy(), f"op {i} {name}"),
                      options=_options(schema, o), version=version))
    r.count(sg.InputsLength(), "graph input")
    r.count(sg.OutputsLength(), "graph output")
    inputs = tensor_ids(sg.InputsAsNumpy(), "the graph inputs")
    outputs = tensor_ids(sg.OutputsAsNumpy(), "the graph outputs")
    if not inputs or not outputs or min(inputs + outputs) < 0:
        raise r.bad("graph inputs/outputs missing")

    metadata = {}
    for i in range(r.count(model.MetadataLength(), "metadata")):
        m = model.Metadata(i)
        name = (m.Name() or b"").decode("utf-8", "replace")
        if m.Buffer() < n_buffers:
            b = model.Buffers(m.Buffer())
            metadata[name] = bytes(_buffer_bytes(r, b))
    return Graph(path=r.path, sha256=hashlib.sha256(buf).hexdigest(), tensors=tensors,
                 ops=ops, inputs=inputs, outputs=outputs, metadata=metadata)


def _text(raw: bytes) -> str:
    """A name from the file, with control characters escaped: names end up in one-line
    error messages and in generated comments."""
    s = raw.decode("utf-8", "replace")
    return s if s.isprintable() else "".join(c if c.isprintable() else f"\\x{ord(c):02x}"
                                             for c in s)


def _buffer_bytes(r: _Reader, b) -> np.ndarray:
    off, size = b.Offset(), b.Size()
    if off > 1:  # data stored after the flatbuffer (models over 2 GB)
        if off + size > len(r.buf):
            raise r.bad("a buffer lies past the end of the file")
        return np.frombuffer(r.buf, dtype=np.uint8, count=size, offset=off)
    n = r.count(b.DataLength(), "buffer byte", 1)
    if n == 0:
        return np.zeros(0, np.uint8)
    data = b.DataAsNumpy()
    if len(data) != n:
        raise r.bad("a buffer is cut short")
    return data


def _tensor(r: _Reader, model, t, i: int, n_buffers: int) -> Tensor:
    ttype = t.Type()
    if ttype not in _TYPES:
        raise TinycError(f"{r.path}: tensor {i} has type code {ttype}, which tinyc does not "
                         "support (int8/int16/int32/float32 only)")
    dtype = _TYPES[ttype]
    name = _text(t.Name() or b"") or f"tensor_{i}"
    r.count(t.ShapeLength(), "shape dimension")
    shape = tuple(int(d) for d in t.ShapeAsNumpy()) if t.ShapeLength() else ()
    if t.ShapeSignatureLength():
        sig = [int(d) for d in t.ShapeSignatureAsNumpy()]
        dyn = [k for k, d in enumerate(sig) if d < 0]
        # A -1 batch (dimension 0) with shape 1 is how converters mark batch 1: fixed here as in TFLM.
        if any(k != 0 for k in dyn) or (dyn and shape and shape[0] != 1):
            raise TinycError(f"tensor {i} '{name}' has a dynamic shape {sig}; tinyc needs static "
                             "shapes: export the model with fixed input sizes")
    if any(d < 0 for d in shape):
        raise TinycError(f"tensor {i} '{name}' has a dynamic shape {list(shape)}; tinyc needs "
                         "static shapes: export the model with fixed input sizes")
    n_el = int(np.prod(shape, dtype=np.float64)) if shape else 1
    if n_el * np.dtype(_NP[dtype]).itemsize > _MAX_TENSOR_BYTES:
        raise r.bad(f"tensor {i} '{name}' would be {n_el} elements")

    quant = None
    q = t.Quantization()
    if q is not None and q.ScaleLength() > 0:
        r.count(q.ScaleLength(), "scale")
        r.count(q.ZeroPointLength(), "zero point", 8)
        scale = q.ScaleAsNumpy().astype(np.float32)
        zp = q.ZeroPointAsNumpy().astype(np.int64) if q.ZeroPointLength() else np.zeros(
            len(scale), np.int64)
        if len(zp) != len(scale):
            if len(zp) == 1:
                zp = np.repeat(zp, len(scale))
            else:
                raise r.bad(f"tensor {i} '{name}' has {len(scale)} scales and {len(zp)} "
                            "zero points")
        quant = Quant(scale=scale, zero_point=zp, axis=int(q.QuantizedDimension()))

    data = None
    b_idx = t.Buffer()
    if b_idx >= n_buffers:
        raise r.bad(f"tensor {i} '{name}' uses buffer {b_idx} of {n_buffers}")
    if b_idx > 0:
        raw = _buffer_bytes(r, model.Buffers(b_idx))
        if len(raw):
            itemsize = np.dtype(_NP[dtype]).itemsize
            if len(raw) != n_el * itemsize:
                raise r.bad(f"tensor {i} '{name}' of shape {list(shape)} {dtype} holds "
                            f"{len(raw)} bytes, expected {n_el * itemsize}")
            data = raw.view(_NP[dtype]).reshape(shape)
    return Tensor(id=i, name=name, shape=shape, dtype=dtype, quant=quant, data=data,
                  is_variable=bool(t.IsVariable()))


def _options(schema, o) -> dict:
    """Builtin options as a plain dict with snake_case keys (e.g. stride_w, fused_activation)."""
    otype = o.BuiltinOptionsType()
    table = o.BuiltinOptions()
    if not otype or table is None:
        return {}
    obj = schema.BuiltinOptionsCreator(otype, table)
    if obj is None:
        return {}
    out = {}
    for k, v in vars(obj).items():
        if isinstance(v, np.ndarray):
            v = [int(x) for x in v]
        elif isinstance(v, (bytes, bytearray)):
            v = v.decode("utf-8", "replace")
        out[_snake(k)] = v
    if "fused_activation_function" in out:
        out["fused_activation"] = _ACTIVATIONS.get(out.pop("fused_activation_function"), "?")
    if "padding" in out:
        out["padding"] = {0: "SAME", 1: "VALID"}.get(out["padding"], "?")
    return out


_ACTIVATIONS = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH",
                5: "SIGN_BIT", 6: "SIGMOID"}


def _snake(name: str) -> str:
    out = []
    for ch in name:
        if ch.isupper():
            out.append("_" + ch.lower())
        else:
            out.append(ch)
    return "".join(out).lstrip("_")
