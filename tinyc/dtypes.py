"""Every tensor element type tinyc knows, in one table: its name (the IR's `Tensor.dtype`), numpy
dtype, C type, byte size, TFLite `TensorType` code, and the `tinyc_dtype` code the firmware and
the device protocol use (None: never crosses the model API).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DType:
    name: str
    np: type
    ctype: str
    size: int
    tflite: int                 # tflite::TensorType
    protocol: int | None        # tinyc_dtype in firmware/runtime/tinyc_model.h
    c_enum: str | None          # its C name

    @property
    def np_dtype(self) -> np.dtype:
        return np.dtype(self.np)


DTYPES: dict[str, DType] = {d.name: d for d in (
    DType("int8", np.int8, "int8_t", 1, 9, 0, "TINYC_INT8"),
    DType("int16", np.int16, "int16_t", 2, 7, 1, "TINYC_INT16"),
    DType("int32", np.int32, "int32_t", 4, 2, 2, "TINYC_INT32"),
    DType("float32", np.float32, "float", 4, 0, 3, "TINYC_FLOAT32"),
    DType("uint8", np.uint8, "uint8_t", 1, 3, 4, "TINYC_UINT8"),
    DType("int64", np.int64, "int64_t", 8, 4, None, None),
    DType("float16", np.float16, "uint16_t", 2, 1, None, None),
    DType("bool", np.bool_, "uint8_t", 1, 6, None, None),
)}

CTYPES: dict[str, str] = {d.name: d.ctype for d in DTYPES.values()}
BY_TFLITE: dict[int, DType] = {d.tflite: d for d in DTYPES.values()}
BY_PROTOCOL: dict[int, DType] = {d.protocol: d for d in DTYPES.values() if d.protocol is not None}
# A numpy array's C type (the constants emitted into flash); bool arrays are bytes.
_BY_NP = {d.np_dtype: d for d in DTYPES.values() if d.name not in ("float16",)}


def dtype(name: str) -> DType:
    return DTYPES[name]


def np_dtype(name: str) -> np.dtype:
    return DTYPES[name].np_dtype


def ctype(name: str) -> str:
    return DTYPES[name].ctype


def size(name: str) -> int:
    return DTYPES[name].size


# Element types only the kernels' compile-time tables use (no tensor has them).
_TABLE_CTYPES = {np.dtype(np.uint16): "uint16_t"}


def ctype_of_array(arr: np.ndarray) -> str:
    if arr.dtype in _TABLE_CTYPES:
        return _TABLE_CTYPES[arr.dtype]
    return _BY_NP[arr.dtype].ctype


def model_api_dtypes() -> list[DType]:
    """The types a model's inputs and outputs may have on the device (tinyc_dtype)."""
    return sorted(BY_PROTOCOL.values(), key=lambda d: d.protocol)
