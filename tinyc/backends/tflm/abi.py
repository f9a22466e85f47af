"""sizeof/alignof of the TFLM structs that live in the arena, per target ABI.

Measured from TFLM's headers (tensorflow/tflite-micro @ 90b983c2, TF_LITE_STATIC_MEMORY) with
g++ (x86-64) and arm-none-eabi-g++ 12 (Cortex-M; its default short enums make some builtin
parameter structs smaller). Each entry is (size, align). Only numbers, no TFLM source.
"""
from __future__ import annotations

from tinyc.errors import TinycError

_X86_64 = {
    "EvalTensor": (24, 8), "Tensor": (64, 8), "AffineQuant": (24, 8), "IntArray": (4, 4),
    "NodeAndRegistration": (64, 8), "SubgraphAllocations": (16, 8),
    "ScratchBufferRequest": (16, 8), "ScratchBufferHandle": (8, 8), "AllocationInfo": (32, 8),
    "SingleArena": (72, 8), "RecordingSingleArena": (104, 8), "GreedyPlanner": (72, 8),
    "MicroAllocator": (112, 8), "RecordingMicroAllocator": (288, 8),
    "BuiltinDataAllocator": (16, 8), "SizeT": (8, 8), "Pointer": (8, 8),
    # builtin parameter structs (parsed from the flatbuffer into the tail). FullyConnectedParams
    # is (24, 4) at 90b983c2; the wheel (0.dev20261023) behaves as (32, 8), a newer 8-byte
    # field, inferred from its allocation failures, not measured: with it every shared model
    # runs at the computed arena and fails 16 bytes below (person_detect to the byte, the
    # others 8 bytes above the least size the wheel accepts).
    "ConvParams": (28, 4), "DepthwiseConvParams": (28, 4), "FullyConnectedParams": (32, 8),
    "PoolParams": (40, 4), "SoftmaxParams_b": (4, 4), "AddParams": (8, 4),
    "ReshapeParams": (36, 4), "SVDFParams": (12, 4), "ReducerParams": (1, 1),
    "LSTMParams": (16, 4),
    # kernel OpData structs (allocated in Init, 16-aligned)
    "OpDataConv": (80, 8), "OpDataFullyConnected": (72, 8), "OpDataPooling": (32, 4),
    "OpDataSvdf": (36, 4), "OpDataAdd": (60, 4), "OpDataPad": (56, 4), "OpDataReduce": (44, 4),
    "OpDataQuantize": (32, 8), "OpDataLSTM": (688, 8), "SoftmaxParams": (80, 8),
}

_ARM32 = {
    "EvalTensor": (12, 4), "Tensor": (32, 4), "AffineQuant": (12, 4), "IntArray": (4, 4),
    "NodeAndRegistration": (32, 4), "SubgraphAllocations": (8, 4),
    "ScratchBufferRequest": (12, 4), "ScratchBufferHandle": (4, 4), "AllocationInfo": (24, 4),
    "SingleArena": (36, 4), "RecordingSingleArena": (52, 4), "GreedyPlanner": (44, 4),
    "MicroAllocator": (36, 4), "RecordingMicroAllocator": (124, 4),
    "BuiltinDataAllocator": (8, 4), "SizeT": (4, 4), "Pointer": (4, 4),
    "ConvParams": (28, 4), "DepthwiseConvParams": (28, 4), "FullyConnectedParams": (5, 1),
    "PoolParams": (40, 4), "SoftmaxParams_b": (4, 4), "AddParams": (2, 1),
    "ReshapeParams": (36, 4), "SVDFParams": (8, 4), "ReducerParams": (1, 1),
    "LSTMParams": (16, 4),
    "OpDataConv": (56, 4), "OpDataFullyConnected": (48, 4), "OpDataPooling": (32, 4),
    "OpDataSvdf": (36, 4), "OpDataAdd": (60, 4), "OpDataPad": (56, 4), "OpDataReduce": (44, 4),
    "OpDataQuantize": (32, 8), "OpDataLSTM": (688, 8), "SoftmaxParams": (56, 8),
}


def abi_for(pointer_bytes: int) -> dict[str, tuple[int, int]]:
    """The struct table for a target: 8-byte pointers = x86-64 host, 4 = 32-bit Arm (GCC)."""
    if pointer_bytes == 8:
        return _X86_64
    if pointer_bytes == 4:
        return _ARM32
    raise TinycError(f"no TFLM struct sizes for {pointer_bytes}-byte pointers (4 or 8 only)")
