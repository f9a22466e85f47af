"""Variable tensors (state kept between invokes), against the TFLM interpreter.

The rule (README, "State between invokes"): each run/verify call starts from the state TFLM's
MicroInterpreter::Reset() gives (an int8 variable tensor filled with its zero point, any
other type with zeros) and keeps it across its samples, in order, on the board and in TFLM.

`delayed_add` is made with TensorFlow and rewritten so that state matters: op A reads the
variable tensor `s` (y = x + s) and a later op B writes it (s = x + x), so invoke k's output
depends on invoke k-1's input, and the first one on the reset value of `s` (its zero point,
chosen far from 0 here).
"""
from __future__ import annotations

import hashlib
import json
import subprocess

import numpy as np
import pytest

import tflite_edit
from conftest import run_tinyc
from modelgen import CACHE, int8_fn_model
from tinyc.frontend import load_model
from tinyc.reference import random_inputs, tflm_outputs


def delayed_add(zero_point: int = 37):
    """y_k = x_k + s_{k-1}, s_k = x_k + x_k; s is a variable tensor (int8, zero point given)."""
    src = int8_fn_model("state_add", lambda a, b: (a + b, a + a), [(1, 16), (1, 16)])
    out = CACHE / f"delayed_add-{hashlib.sha256(f'{src.name}|{zero_point}'.encode()).hexdigest()[:10]}.tflite"
    if out.exists():
        return out
    m = tflite_edit.load(src)
    sg = m.subgraphs[0]
    a, s = sg.inputs
    reader = next(op for op in sg.operators if s in op.inputs)
    writer = next(op for op in sg.operators if op is not reader)
    sg.outputs = [t for t in sg.outputs if t not in writer.outputs]
    sg.tensors[s].quantization.scale = [sg.tensors[writer.outputs[0]].quantization.scale[0]]
    sg.tensors[s].quantization.zeroPoint = [zero_point]
    writer.outputs = [s]
    sg.tensors[s].isVariable = True
    sg.inputs = [a]
    sg.operators = [reader, writer]     # read last invoke's state, then write this one's
    tflite_edit.save(m, out)
    return out


def test_delayed_add_keeps_state_in_tflm():
    """The model is what the tests need: in the wheel's interpreter, invoked without a reset
    in between, the output depends on the previous input (and the first on the reset)."""
    from tflite_micro.python.tflite_micro import runtime
    path = delayed_add()
    xs = random_inputs(load_model(path), 2, seed=1)
    it = runtime.Interpreter.from_file(str(path), arena_size=1 << 20)
    outs = []
    for x in (xs[0], xs[1], xs[1]):
        it.set_input(x[0], 0)
        it.invoke()
        outs.append(np.array(it.get_output(0)).tobytes())
    assert outs[1] != outs[2]
    # tinyc's reference (a child process) gives the same sequence: one reset, then in order
    ref = tflm_outputs(load_model(path), [xs[0], xs[1], xs[1]])
    assert [r[0].tobytes() for r in ref] == outs


@pytest.mark.parametrize("samples", [1, 3])
def test_verify_host_matches_tflm_sequence(samples):
    """Sample 1 needs the reset value (the zero point, not 0); the others the carried state."""
    r = run_tinyc("verify", delayed_add(), "--board", "host", "--samples", samples, "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["bit_exact"] and rep["samples"] == samples


def test_run_is_one_sequence_from_reset(tmp_path):
    """`run` on N samples gives TFLM's sequence; a second run starts from reset again."""
    path = delayed_add()
    g = load_model(path)
    xs = random_inputs(g, 3, seed=2)
    np.save(tmp_path / "x.npy", np.stack([x[0] for x in xs]))
    want = np.stack([o[0] for o in tflm_outputs(g, xs)])
    for _ in range(2):
        r = run_tinyc("run", path, "--board", "host", "--input", tmp_path / "x.npy",
                      "--output", tmp_path / "y.npy")
        assert r.returncode == 0, r.stderr
        assert np.load(tmp_path / "y.npy").tobytes() == want.tobytes()


def test_export_reset_state(tmp_path):
    """NAME_reset_state() puts the state back as TFLM's Reset(): the same outputs again."""
    path = delayed_add()
    g = load_model(path)
    xs = random_inputs(g, 3, seed=3)
    want = [o[0] for o in tflm_outputs(g, xs)]
    lib = tmp_path / "lib"
    r = run_tinyc("export", f"{path}:st", "--board", "host", "-o", lib)
    assert r.returncode == 0, r.stderr
    assert "void st_reset_state(void);" in (lib / "st.h").read_text()
    main = tmp_path / "main.c"
    main.write_text(
        '#include <stdio.h>\n#include <string.h>\n#include "st.h"\n'
        "int main(void) {\n"
        "    signed char x[16]; if (st_init() != 0) return 1;\n"
        "    for (int pass = 0; pass < 2; pass++) {\n"
        "        for (int k = 0; k < 3; k++) {\n"
        "            if (fread(x, 1, 16, stdin) != 16) return 2;\n"
        "            memcpy(st_input(0), x, 16);\n"
        "            if (st_invoke() != 0) return 3;\n"
        "            fwrite(st_output(0), 1, ST_OUTPUT0_BYTES, stdout);\n"
        "        }\n"
        "        st_reset_state();\n"
        "    }\n"
        "    return 0;\n}\n")
    exe = tmp_path / "app"
    subprocess.run(["cc", "-O1", "-o", exe, main, *lib.glob("*.c"), "-I", lib], check=True,
                   timeout=120)
    feed = b"".join(x[0].tobytes() for x in xs) * 2
    got = subprocess.run([exe], input=feed, capture_output=True, timeout=30, check=True).stdout
    assert got == b"".join(w.tobytes() for w in want) * 2


@pytest.mark.qemu
def test_verify_mps2_matches_tflm_sequence():
    r = run_tinyc("verify", delayed_add(), "--board", "mps2-an386", "--samples", 3, "--json",
                  timeout=900)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["bit_exact"]
