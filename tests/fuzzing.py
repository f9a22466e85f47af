"""Model mutations and the load -> validate -> plan -> generate path they are pushed through;
shared by the deterministic corpus (test_fuzz.py) and the coverage-guided harness
(fuzz_models.py).

A mutant either compiles or ends in TinycError; any other exception is a bug in tinyc, and
so is a hang (each run is bounded with SIGALRM).
"""
from __future__ import annotations

import contextlib
import os
import pickle
import random
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import tflite_edit
from tinyc.boards import get_board
from tinyc.errors import TinycError

SEED_MODELS = ["hello_world_int8", "kws_ref_model", "micro_speech_quantized",
               "st_har_ign_wl_24", "tflm_simple_add_2in", "tflm_model_runner_har",
               "pretrainedResnet_quant"]
PIPELINE_SECONDS = 20       # a mutant that takes longer than this is a hang
_INTERESTING = [0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 1 << 15,
                (1 << 31) - 1, -1, -2, -128, -(1 << 31)]
_SCALES = [float("nan"), float("inf"), -float("inf"), 0.0, -0.5, 1e-45, 1e38, 3.4e38, 1e-30]


class Hang(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: int):
    def on_alarm(signum, frame):
        raise Hang(f"no result after {seconds} s")
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


BACKENDS = ("native", "tflm", "cubeai")


def compile_or_refuse(path: Path, work: Path, backend: str = "native") -> tuple[str, object]:
    """('accepted', graph) or ('refused', message): load, validate, plan, check the budget and
    generate the C for the host board, as `tinyc build --no-compile` does."""
    from tinyc.budget import check_fits
    from tinyc.pipeline import load_and_plan
    from tinyc.provenance import Provenance
    board = get_board("host")
    try:
        with time_limit(PIPELINE_SECONDS):
            p = load_and_plan(str(path), board, backend, "heuristic")
            check_fits(p.graph, p.plan, board, p.budget)
            p.backend.generate(p.graph, board, p.plan, work / "src", {},
                               Provenance.of(p.graph, board, backend))
    except TinycError as e:
        assert e.exit_code in (1, 2), e.message
        assert "\n" not in e.message.strip(), e.message
        return "refused", e.message
    return "accepted", p.graph


# ---- mutations -------------------------------------------------------------------------

def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 4, 16])):
        i = rng.randrange(len(b))
        kind = rng.random()
        if kind < 0.5:
            b[i] ^= 1 << rng.randrange(8)
        elif kind < 0.8:
            b[i] = rng.choice([0, 0xFF, 0x7F, 0x80, 1, rng.randrange(256)])
        else:   # a little-endian int32 where an offset, a count or an index may be
            v = rng.choice(_INTERESTING) & 0xFFFFFFFF
            b[i:i + 4] = v.to_bytes(4, "little")
    return bytes(b[:len(data)])


def _pick_op(sg, rng):
    return rng.choice(sg.operators) if sg.operators else None


def _m_index(m, sg, rng):
    op = _pick_op(sg, rng)
    if op is None:
        return
    vec = "inputs" if rng.random() < 0.6 else "outputs"
    ids = list(getattr(op, vec))
    if not ids:
        return
    n = len(sg.tensors)
    ids[rng.randrange(len(ids))] = rng.choice([-1, -2, n, n + 5, rng.randrange(n), 0])
    setattr(op, vec, np.array(ids, np.int32))


def _m_arity(m, sg, rng):
    op = _pick_op(sg, rng)
    if op is None:
        return
    ids = list(op.inputs)
    if rng.random() < 0.5 and ids:
        ids.pop(rng.randrange(len(ids)))
    else:
        ids.append(rng.randrange(len(sg.tensors)))
    op.inputs = np.array(ids, np.int32)


def _m_shape(m, sg, rng):
    t = rng.choice(sg.tensors)
    shape = [int(d) for d in (t.shape if t.shape is not None else [])]
    r = rng.random()
    if not shape or r < 0.15:
        shape = shape + [rng.choice([1, 2, 3])]
    elif r < 0.3:
        shape = shape[:-1]
    else:
        k = rng.randrange(len(shape))
        shape[k] = rng.choice([0, 1, 2, shape[k] + 1, shape[k] - 1, shape[k] * 2, -1, 1 << 20])
    t.shape = np.array(shape, np.int32)


def _m_quant(m, sg, rng):
    ts = [t for t in sg.tensors if t.quantization is not None and t.quantization.scale is not None
          and len(t.quantization.scale)]
    if not ts:
        return
    q = rng.choice(ts).quantization
    r = rng.random()
    scale = np.array(q.scale, np.float32)
    zp = np.array(q.zeroPoint if q.zeroPoint is not None else np.zeros(len(scale)), np.int64)
    if r < 0.4:
        scale[rng.randrange(len(scale))] = rng.choice(_SCALES)
    elif r < 0.6:
        n = rng.choice([1, 2, 3, len(scale) - 1, len(scale) + 1])
        scale, zp = np.resize(scale, max(n, 0)), np.resize(zp, max(n, 0))
    elif r < 0.8:
        zp[rng.randrange(len(zp))] = rng.choice(_INTERESTING)
    else:
        q.quantizedDimension = rng.choice([-1, 0, 1, 2, 3, 4, 9])
    q.scale, q.zeroPoint = scale, zp


def _m_option(m, sg, rng):
    op = _pick_op(sg, rng)
    if op is None or op.builtinOptions is None:
        return
    fields = [k for k, v in vars(op.builtinOptions).items() if isinstance(v, (int, float, bool))]
    if not fields:
        return
    k = rng.choice(fields)
    v = getattr(op.builtinOptions, k)
    if isinstance(v, float):
        setattr(op.builtinOptions, k, rng.choice(_SCALES + [1.0, 2.0]))
    else:
        setattr(op.builtinOptions, k, rng.choice([0, 1, 2, 3, 5, 7, 100, -1]))


def _m_type(m, sg, rng):
    t = rng.choice(sg.tensors)
    t.type = rng.choice([0, 2, 3, 7, 9, 9, 10, 17])


def _m_buffer(m, sg, rng):
    ts = [t for t in sg.tensors if t.buffer and m.buffers[t.buffer].data is not None]
    if not ts:
        return
    t = rng.choice(ts)
    b = m.buffers[t.buffer]
    if rng.random() < 0.5:
        b.data = np.array(b.data[: rng.randrange(len(b.data) + 1)], np.uint8)
    else:
        t.buffer = rng.randrange(len(m.buffers))


def _m_graph(m, sg, rng):
    n = len(sg.tensors)
    r = rng.random()
    if r < 0.3 and len(sg.operators) > 1:
        i, j = rng.sample(range(len(sg.operators)), 2)
        sg.operators[i], sg.operators[j] = sg.operators[j], sg.operators[i]
    elif r < 0.5 and sg.operators:
        del sg.operators[rng.randrange(len(sg.operators))]
    else:
        vec = "inputs" if rng.random() < 0.5 else "outputs"
        ids = list(getattr(sg, vec))
        ids[rng.randrange(len(ids))] = rng.randrange(n)
        setattr(sg, vec, np.array(ids, np.int32))


def _m_opcode(m, sg, rng):
    op = _pick_op(sg, rng)
    if op is not None:
        op.opcodeIndex = rng.randrange(len(m.operatorCodes) + 1)


STRUCTURED = [_m_index, _m_arity, _m_shape, _m_quant, _m_option, _m_type, _m_buffer, _m_graph,
              _m_opcode]


def mutate_structured(src: Path, rng: random.Random) -> bytes:
    m = tflite_edit.load(src)
    sg = m.subgraphs[0]
    for _ in range(rng.choice([1, 1, 1, 2])):
        rng.choice(STRUCTURED)(m, sg, rng)
    with tempfile.NamedTemporaryFile(suffix=".tflite") as f:
        tflite_edit.save(m, f.name)
        return Path(f.name).read_bytes()


def mutant(src: Path, seed: int) -> bytes:
    rng = random.Random(seed)
    if rng.random() < 0.4:
        return mutate_bytes(src.read_bytes(), rng)
    try:
        return mutate_structured(src, rng)
    except (ValueError, TypeError, OverflowError, IndexError, AttributeError):
        # The object API cannot write some mutations (a shape of 1 << 40, ...): a byte one then.
        return mutate_bytes(src.read_bytes(), rng)


# ---- running an accepted mutant under AddressSanitizer --------------------------------------

_ASAN_RUNNER = r"""
import pickle, sys
from tinyc.frontend import read_model
from tinyc.hostlib import HostModel
so, model, inputs, out = sys.argv[1:5]
m = HostModel(so, read_model(model))
samples = pickle.load(open(inputs, "rb"))
pickle.dump([m.run(xs) for xs in samples], open(out, "wb"))
"""


def run_sanitized(path: Path, graph, samples, work: Path) -> tuple[str, list | str]:
    """Build the generated C with ASan + UBSan + the kernels' debug asserts and run it on the
    samples in a child process. ('ok', outputs) or ('sanitizer', the report's first lines)."""
    from tinyc.hostlib import asan_runtime, build_host_model
    from tinyc.pipeline import plan_model
    board = get_board("host")
    plan = plan_model(graph, board, "native", "heuristic")
    so = build_host_model(graph, board, plan, work, asan=True, load=False)
    inputs, out = work / "inputs.pkl", work / "outputs.pkl"
    inputs.write_bytes(pickle.dumps(samples))
    env = dict(os.environ, LD_PRELOAD=asan_runtime(),
               ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:exitcode=66",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=67",
               PYTHONPATH=os.pathsep.join(sys.path))
    r = subprocess.run([sys.executable, "-c", _ASAN_RUNNER, str(so), str(path), str(inputs),
                        str(out)], capture_output=True, text=True, env=env, timeout=300)
    if r.returncode != 0:
        keys = ("ERROR:", "SUMMARY:", "runtime error", "Assertion", "    #0 ", "    #1 ",
                "Error", "WRITE of", "READ of")
        report = [ln for ln in r.stderr.splitlines() if any(k in ln for k in keys)]
        return "sanitizer", "\n".join(report[:12] or r.stderr.splitlines()[-12:])
    return "ok", pickle.loads(out.read_bytes())
