"""Rewrite a .tflite with the wheel's flatbuffer object API: for malformed-model tests."""
import flatbuffers

from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema


def load(path) -> "schema.ModelT":
    buf = bytearray(open(path, "rb").read())
    return schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(buf, 0))


def save(model, path) -> None:
    b = flatbuffers.Builder(1024)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    open(path, "wb").write(b.Output())


def with_opcode(src, dst, opcode: str, op_index: int = 0) -> None:
    """A copy of `src` whose op `op_index` is `opcode` (a schema.BuiltinOperator name), with
    its own operator code: e.g. an op no backend of tinyc compiles."""
    m = load(src)
    code = getattr(schema.BuiltinOperator, opcode)
    oc = schema.OperatorCodeT()
    oc.builtinCode, oc.deprecatedBuiltinCode, oc.version = code, min(code, 127), 1
    m.operatorCodes.append(oc)
    m.subgraphs[0].operators[op_index].opcodeIndex = len(m.operatorCodes) - 1
    save(m, dst)
