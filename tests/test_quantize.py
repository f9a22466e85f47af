"""`tinyc quantize`: a float Keras model becomes an int8 model that tinyc compiles bit-exact."""
import json

import numpy as np
import pytest

from bitexact import mismatches
from conftest import run_tinyc


@pytest.mark.slow
def test_quantize_keras_model(tmp_path):
    import tensorflow as tf
    tf.keras.utils.set_random_seed(3)
    m = tf.keras.Sequential([tf.keras.Input((12,), batch_size=1),
                             tf.keras.layers.Dense(9, activation="relu"),
                             tf.keras.layers.Dense(4)])
    m.save(tmp_path / "m.keras")
    np.save(tmp_path / "cal.npy", np.random.default_rng(0).standard_normal((32, 12)).astype(np.float32))
    out = tmp_path / "m_int8.tflite"
    r = run_tinyc("quantize", tmp_path / "m.keras", "--calibration", tmp_path / "cal.npy", "-o", out)
    assert r.returncode == 0, r.stderr
    rep = json.loads(run_tinyc("inspect", out, "--json").stdout)
    assert rep["supported"] and [o["op"] for o in rep["ops"]] == ["FULLY_CONNECTED"] * 2
    assert rep["tensors"][rep["inputs"][0]]["dtype"] == "int8"
    assert mismatches(out, samples=10) == 0


def test_quantize_refuses_a_file_that_is_not_tflite(tmp_path):
    f = tmp_path / "x.tflite"
    f.write_bytes(b"\0" * 16)
    r = run_tinyc("quantize", f, "-o", tmp_path / "y.tflite")
    assert r.returncode == 2 and r.stderr.startswith("error: ") and "not a TFLite model" in r.stderr
    assert r.stderr.count("\n") == 1 and not (tmp_path / "y.tflite").exists()


@pytest.mark.slow
def test_quantize_refuses_an_int8_tflite(tmp_path):
    from conftest import model
    r = run_tinyc("quantize", model("kws_ref_model"), "-o", tmp_path / "y.tflite")
    assert r.returncode == 2 and r.stdout == "" and r.stderr.count("error:") == 1
    assert r.stderr.splitlines()[-1].startswith("error: ") and "already quantized" in r.stderr
