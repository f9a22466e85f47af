"""`tinyc quantize` from every float format TensorFlow writes, calibrated from a file or a
folder; each int8 result compiles bit-exact against TFLM. `tinyc build FLOAT --calibration`."""
import json

import numpy as np
import pytest

from bitexact import mismatches
from conftest import run_tinyc

SHAPE = (8, 8, 1)


@pytest.fixture(scope="module")
def floats(tmp_path_factory):
    """One small float CNN (unknown batch size) in every format, and calibration data."""
    import tensorflow as tf
    d = tmp_path_factory.mktemp("floats")
    tf.keras.utils.set_random_seed(0)
    m = tf.keras.Sequential([tf.keras.Input(SHAPE), tf.keras.layers.Conv2D(4, 3, activation="relu"),
                             tf.keras.layers.Flatten(), tf.keras.layers.Dense(3)])
    m.save(d / "m.keras")
    m.save(d / "m.h5")
    tf.saved_model.save(m, str(d / "saved"))
    try:
        m.export(str(d / "exported"), verbose=False)
    except TypeError:   # Keras 2 (tf-keras, when an earlier test switched tf.keras to it)
        m.export(str(d / "exported"))
    fixed = tf.keras.Sequential([tf.keras.Input(SHAPE, batch_size=1), *m.layers])
    (d / "f.tflite").write_bytes(tf.lite.TFLiteConverter.from_keras_model(fixed).convert())
    x = np.random.default_rng(0).standard_normal((24, *SHAPE)).astype(np.float32)
    np.save(d / "cal.npy", x)
    (d / "cal").mkdir()
    for i, s in enumerate(x):
        np.save(d / "cal" / f"{i:02d}.npy", s)
    np.save(d / "y.npy", np.arange(24) % 3)
    return d


SOURCES = ["m.keras", "m.h5", "saved", "exported", "f.tflite"]


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES)
def test_every_float_format_quantizes_bit_exact(floats, source, tmp_path):
    out = tmp_path / "q.tflite"
    cal = floats / ("cal" if source in ("saved", "f.tflite") else "cal.npy")
    r = run_tinyc("quantize", floats / source, "--calibration", cal, "-o", out)
    assert r.returncode == 0, r.stderr
    # TensorFlow's chatter stays off stdout: the size line is all there is
    assert r.stdout.count("\n") == 1 and r.stdout.startswith("size: "), r.stdout
    assert "int8" in r.stdout and "calibrating on 24 samples" in r.stderr
    rep = json.loads(run_tinyc("inspect", out, "--json").stdout)
    assert rep["supported"] and rep["tensors"][rep["inputs"][0]]["dtype"] == "int8"
    assert "SHAPE" not in [o["op"] for o in rep["ops"]]   # batch 1 folds Flatten's shape
    assert mismatches(out, samples=8) == 0


@pytest.mark.slow
def test_calibration_shape_mismatch_is_one_error_line(floats, tmp_path):
    np.save(tmp_path / "bad.npy", np.zeros((4, 7, 8, 1), np.float32))
    r = run_tinyc("quantize", floats / "m.keras", "--calibration", tmp_path / "bad.npy",
                  "-o", tmp_path / "q.tflite")
    assert r.returncode == 2 and r.stdout == "" and r.stderr.count("error:") == 1, r.stderr
    assert r.stderr.splitlines()[-1].startswith("error: ") and "Traceback" not in r.stderr
    assert "has shape [4, 7, 8, 1]; the model's input is [N, 8, 8, 1]" in r.stderr
    assert not (tmp_path / "q.tflite").exists() and list(tmp_path.iterdir()) == [tmp_path / "bad.npy"]


@pytest.mark.slow
def test_eval_reports_float_and_int8_top1(floats, tmp_path):
    import tensorflow as tf
    from tflite_micro.python.tflite_micro import runtime
    out = tmp_path / "q.tflite"
    r = run_tinyc("quantize", floats / "m.keras", "--calibration", floats / "cal.npy", "-o", out,
                  "--eval", floats / "cal.npy", floats / "y.npy")
    assert r.returncode == 0, r.stderr
    x, y = np.load(floats / "cal.npy"), np.load(floats / "y.npy")
    flt = np.asarray(tf.keras.models.load_model(floats / "m.keras")(x)).argmax(1)
    it = runtime.Interpreter.from_file(str(out))
    q = it.get_input_details(0)["quantization_parameters"]
    s, z = float(q["scales"][0]), int(q["zero_points"][0])
    int8 = []
    for v in x:
        it.set_input(np.clip(np.sign(v / s) * np.floor(np.abs(v / s) + 0.5) + z, -128, 127)
                     .astype(np.int8)[None], 0)
        it.invoke()
        int8.append(int(np.argmax(it.get_output(0))))
    want = (f"float {100 * np.mean(flt == y):.2f}%, int8 {100 * np.mean(np.array(int8) == y):.2f}%"
            f" (TFLM), top-1 changed on {int(np.sum(flt != np.array(int8)))}")
    assert want in r.stdout, r.stdout


@pytest.mark.slow
def test_build_quantizes_a_float_model_first(floats, tmp_path):
    env_cache = {"TINYC_CACHE": str(tmp_path / "cache")}
    import os
    env = {**os.environ, **env_cache}
    r = run_tinyc("build", floats / "m.keras", "--board", "host", "--calibration",
                  floats / "cal.npy", "--json", env=env)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["compiled"] and rep["fits"]
    run_tinyc("quantize", floats / "m.keras", "--calibration", floats / "cal.npy",
              "-o", tmp_path / "q.tflite")
    from tinyc.frontend import read_model
    assert rep["model_sha256"] == read_model(tmp_path / "q.tflite").sha256
    again = run_tinyc("build", floats / "m.keras", "--board", "host", "--calibration",
                      floats / "cal.npy", "--json", env=env)
    assert "quantized before" in again.stderr and json.loads(again.stdout)["model"] == rep["model"]
    no_cal = run_tinyc("build", floats / "m.keras", "--board", "host", env=env)
    assert no_cal.returncode == 2 and "pass --calibration" in no_cal.stderr


def test_existing_output_is_kept_without_force(tmp_path):
    (tmp_path / "m.keras").write_bytes(b"not really")
    mine = tmp_path / "mine.tflite"
    mine.write_bytes(b"user's file")
    r = run_tinyc("quantize", tmp_path / "m.keras", "-o", mine)
    assert r.returncode == 2 and "--force" in r.stderr and mine.read_bytes() == b"user's file"
    r = run_tinyc("quantize", tmp_path / "m.keras", "-o", tmp_path / "m.keras")
    assert r.returncode == 2 and ".tflite" in r.stderr
