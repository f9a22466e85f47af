"""The reference we did not write: the TFLM interpreter of the tflite-micro wheel."""
from __future__ import annotations

import os
import tempfile

import numpy as np

from tinyc.dtypes import model_api_dtypes
from tinyc.ir import Graph

_NP = {d.name: d.np for d in model_api_dtypes()}


def random_inputs(graph: Graph, n: int, seed: int) -> list[list[np.ndarray]]:
    """n seeded random samples, each a list with one array per graph input."""
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(n):
        xs = []
        for t in graph.input_tensors():
            if t.dtype == "float32":
                xs.append(rng.standard_normal(t.shape).astype(np.float32))
            else:
                info = np.iinfo(_NP[t.dtype])
                xs.append(rng.integers(info.min, info.max + 1, size=t.shape, dtype=_NP[t.dtype]))
        samples.append(xs)
    return samples


def _interpreter(model_bytes: bytes, preserve: bool = False):
    from tflite_micro.python.tflite_micro import runtime
    cfg = (runtime.InterpreterConfig.kPreserveAllTensors if preserve
           else runtime.InterpreterConfig.kAllocationRecording)
    arena = max(len(model_bytes) * 4, 16 << 20) if preserve else max(len(model_bytes) * 2, 8 << 20)
    with quiet_stderr():
        return runtime.Interpreter.from_bytes(model_bytes, arena_size=arena, intrepreter_config=cfg)


class quiet_stderr:
    """TFLM logs from C++ to fd 2; keep it off the user's terminal."""

    def __enter__(self):
        self.saved = os.dup(2)
        self.tmp = tempfile.TemporaryFile()
        os.dup2(self.tmp.fileno(), 2)

    def __exit__(self, *exc):
        os.dup2(self.saved, 2)
        os.close(self.saved)
        self.tmp.seek(0)
        self.text = self.tmp.read().decode(errors="replace")
        self.tmp.close()


def tflm_outputs(graph: Graph, samples: list[list[np.ndarray]]) -> list[list[np.ndarray]]:
    model_bytes = open(graph.path, "rb").read()
    it = _interpreter(model_bytes)
    outs = []
    for xs in samples:
        it.reset()
        for k, x in enumerate(xs):
            it.set_input(x, k)
        it.invoke()
        outs.append([np.array(it.get_output(k)).copy() for k in range(len(graph.outputs))])
    return outs


def tflm_tensors(graph: Graph, xs: list[np.ndarray]) -> dict[int, np.ndarray]:
    """Every op output after one invoke (TFLM's kPreserveAllTensors mode)."""
    model_bytes = open(graph.path, "rb").read()
    it = _interpreter(model_bytes, preserve=True)
    for k, x in enumerate(xs):
        it.set_input(x, k)
    it.invoke()
    out = {}
    for op in graph.ops:
        for tid in op.outputs:
            out[tid] = np.array(it.GetTensor(tid, 0)["tensor_data"]).reshape(graph.tensors[tid].shape)
    return out
