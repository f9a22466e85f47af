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
