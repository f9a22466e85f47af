"""The reference we did not write: the TFLM interpreter of the tflite-micro wheel.

It runs in a child process (`python -m tinyc.reference`, one per call, all samples at once):
a model that makes TFLM abort or crash ends in one TinycError naming the model."""
from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from tinyc.dtypes import model_api_dtypes
from tinyc.errors import TinycError
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
    log = quiet_stderr()
    try:
        with log:
            return runtime.Interpreter.from_bytes(model_bytes, arena_size=arena,
                                                  intrepreter_config=cfg)
    except RuntimeError as e:   # what TFLM logged says why it refused
        raise RuntimeError(f"{e}\n{log.text}") from None


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


def _outputs(model_bytes: bytes, samples, n_outputs: int) -> list[list[np.ndarray]]:
    """The samples as one sequence: variable tensors (state) reset once, then carried from
    each invoke to the next, as the board runs them (README, "State between invokes")."""
    it = _interpreter(model_bytes)
    it.reset()
    outs = []
    for xs in samples:
        for k, x in enumerate(xs):
            it.set_input(x, k)
        it.invoke()
        outs.append([np.array(it.get_output(k)).copy() for k in range(n_outputs)])
    return outs


def _tensors(model_bytes: bytes, xs, ids_shapes) -> dict[int, np.ndarray]:
    it = _interpreter(model_bytes, preserve=True)
    for k, x in enumerate(xs):
        it.set_input(x, k)
    it.invoke()
    return {tid: np.array(it.GetTensor(tid, 0)["tensor_data"]).reshape(shape)
            for tid, shape in ids_shapes}


_JOBS = {"outputs": _outputs, "tensors": _tensors}


def tflm_outputs(graph: Graph, samples: list[list[np.ndarray]]) -> list[list[np.ndarray]]:
    """The interpreter's outputs for each sample, in order from one reset (one child process
    for all of them)."""
    return _in_child(graph.path, "outputs", samples, len(graph.outputs),
                     timeout=60 + 30 * len(samples))


def tflm_tensors(graph: Graph, xs: list[np.ndarray]) -> dict[int, np.ndarray]:
    """Every op output after one invoke (TFLM's kPreserveAllTensors mode)."""
    ids = [(tid, graph.tensors[tid].shape) for op in graph.ops for tid in op.outputs]
    return _in_child(graph.path, "tensors", xs, ids, timeout=120)


def _in_child(path: str, job: str, *args, timeout: float):
    """Run the interpreter in a child process: TFLM aborts or crashes (SIGSEGV, SIGFPE) on
    some malformed models, and that must end in one error line, not in tinyc's death."""
    model_bytes = Path(path).read_bytes()
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in [env.get("PYTHONPATH")] if p])
    with tempfile.TemporaryFile() as log:
        try:
            proc = subprocess.run([sys.executable, "-m", "tinyc.reference"], env=env,
                                  input=pickle.dumps((job, model_bytes, args)),
                                  stdout=subprocess.PIPE, stderr=log, timeout=timeout)
        except subprocess.TimeoutExpired:   # subprocess.run has killed the child
            raise TinycError(f"the TFLM reference interpreter did not finish on {path} within "
                             f"{timeout:.0f} s") from None
        log.seek(0)
        text = log.read().decode(errors="replace")
    if proc.returncode == 0:
        status, value = pickle.loads(proc.stdout)
        if status == "ok":
            return value
        raise TinycError(f"the TFLM reference interpreter refuses {path}: {value}")
    if proc.returncode < 0:
        try:
            how = f"signal {signal.Signals(-proc.returncode).name}"
        except ValueError:
            how = f"signal {-proc.returncode}"
    else:
        how = f"exit code {proc.returncode}"
    said = _last_line(text)
    raise TinycError(f"the TFLM reference interpreter crashed on {path} ({how}"
                     + (f": {said}" if said else "") + "); TFLM cannot run this model")


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""


def _first_reason(e: BaseException) -> str:
    """TFLM's RuntimeError holds its log; keep the lines that say what failed."""
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    return " / ".join(lines[:3])[:400] or type(e).__name__


def _worker() -> None:
    """`python -m tinyc.reference`: a pickled job on stdin, a pickled result on stdout."""
    result_fd = os.dup(1)
    os.dup2(2, 1)   # TFLM's own prints go to the log the parent keeps, never into the result
    job, model_bytes, args = pickle.loads(sys.stdin.buffer.read())
    try:
        value = ("ok", _JOBS[job](model_bytes, *args))
    except Exception as e:   # TFLM refuses the model (RuntimeError from AllocateTensors...)
        value = ("error", _first_reason(e))
    with os.fdopen(result_fd, "wb") as out:
        out.write(pickle.dumps(value))


if __name__ == "__main__":
    _worker()
