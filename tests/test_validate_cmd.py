"""`tinyc validate`: a data set on the board bit for bit against TFLM, and the int8 model's
accuracy against the float model — every figure checked here against TFLM and Keras directly."""
import json

import numpy as np
import pytest

from conftest import run_tinyc

N, CLASSES, FEATURES = 40, 3, 6


def _blobs(seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((CLASSES, FEATURES)) * 2
    y = rng.integers(0, CLASSES, N)
    x = (centers[y] + rng.standard_normal((N, FEATURES))).astype(np.float32)
    return x, y


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    """A trained float Keras classifier, its int8 model (tinyc quantize) and labelled data."""
    import tensorflow as tf
    d = tmp_path_factory.mktemp("validate")
    tf.keras.utils.set_random_seed(1)
    x, y = _blobs()
    m = tf.keras.Sequential([tf.keras.Input((FEATURES,), batch_size=1),
                             tf.keras.layers.Dense(8, activation="relu"),
                             tf.keras.layers.Dense(CLASSES)])
    m.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    m.fit(x, y, epochs=20, batch_size=1, verbose=0)
    m.save(d / "f.keras")
    np.save(d / "x.npy", x)
    np.save(d / "y.npy", y)
    r = run_tinyc("quantize", d / "f.keras", "--calibration", d / "x.npy", "-o", d / "q.tflite")
    assert r.returncode == 0, r.stderr
    return d


def _tflm_and_keras(d):
    """What validate must report, computed from TFLM (the wheel) and Keras directly."""
    import tensorflow as tf
    from tflite_micro.python.tflite_micro import runtime
    it = runtime.Interpreter.from_file(str(d / "q.tflite"))
    x = np.load(d / "x.npy")
    (si, zi), (so, zo) = [(float(t["quantization_parameters"]["scales"][0]),
                           int(t["quantization_parameters"]["zero_points"][0]))
                          for t in (it.get_input_details(0), it.get_output_details(0))]
    int8_out = []
    for s in x:
        q = np.clip(np.sign(s / si) * np.floor(np.abs(s / si) + 0.5) + zi, -128, 127)
        it.set_input(q.astype(np.int8)[None], 0)
        it.invoke()
        int8_out.append(so * (it.get_output(0)[0].astype(np.float64) - zo))
    keras = tf.keras.models.load_model(d / "f.keras")
    return np.array(int8_out), np.asarray(keras(x))


@pytest.mark.slow
def test_validate_on_host_against_tflm_and_keras(classifier):
    d = classifier
    r = run_tinyc("validate", d / "q.tflite", "--board", "host", "--data", d / "x.npy",
                  "--labels", d / "y.npy", "--float-model", d / "f.keras", "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    int8_out, float_out = _tflm_and_keras(d)
    y = np.load(d / "y.npy")
    assert rep["schema"] == 1 and rep["samples"] == N and rep["bit_exact"]
    c = rep["classification"]
    assert c["correct"]["board"] == c["correct"]["int8_host"] == int(np.sum(int8_out.argmax(1) == y))
    assert c["correct"]["float"] == int(np.sum(float_out.argmax(1) == y))
    assert c["top1_changed"] == int(np.sum(int8_out.argmax(1) != float_out.argmax(1)))
    assert np.array(c["confusion"]).sum() == N and np.trace(c["confusion"]) == c["correct"]["board"]
    o = rep["outputs"][0]
    err = int8_out - float_out
    assert o["mae"] == pytest.approx(np.mean(np.abs(err)), rel=1e-4)
    assert o["max_error"] == pytest.approx(np.max(np.abs(err)), rel=1e-4)
    assert o["rmse"] == pytest.approx(np.sqrt(np.mean(err ** 2)), rel=1e-4)
    assert 0.9 < o["cosine"] <= 1.0 and 0 < o["l2_relative_error"] < 0.2

    # the same samples as a folder of .npy files, and as an .npz with its labels, quantized
    folder = d / "samples"
    folder.mkdir(exist_ok=True)
    for i, s in enumerate(np.load(d / "x.npy")):
        np.save(folder / f"{i:03d}.npy", s)
    np.savez(d / "xy.npz", x=np.load(d / "x.npy"), y=y)
    for data in (folder, d / "xy.npz"):
        r = run_tinyc("validate", d / "q.tflite", "--board", "host", "--data", data, "--json")
        assert r.returncode == 0, r.stderr
        got = json.loads(r.stdout)
        assert got["samples"] == N and got["bit_exact"]
        if data.suffix == ".npz":
            assert got["classification"]["correct"]["board"] == c["correct"]["board"]


@pytest.mark.slow
def test_validate_table_for_people(classifier):
    d = classifier
    r = run_tinyc("validate", d / "q.tflite", "--board", "host", "--data", d / "x.npy",
                  "--labels", d / "y.npy", "--float-model", d / "f.keras")
    assert r.returncode == 0, r.stderr
    for text in ("bit-exact: 40 samples", "MAE", "cosine", "top-1 accuracy", "drop from float",
                 "top-1 changed by quantization", "confusion on the board"):
        assert text in r.stdout
    assert "samples" in r.stderr   # progress goes to stderr


@pytest.mark.slow
def test_validate_exits_1_when_the_board_differs(classifier, monkeypatch, capsys):
    """A board that returns one wrong byte: the report says so and the exit code is 1."""
    import tinyc.verify
    from tinyc.cli import cli
    real = tinyc.verify.run_on_board

    def one_byte_off(*a, **kw):
        res = real(*a, **kw)
        res["outputs"][0][0] = res["outputs"][0][0].copy()
        res["outputs"][0][0].flat[0] ^= 1
        return res
    monkeypatch.setattr(tinyc.verify, "run_on_board", one_byte_off)
    d = classifier
    with pytest.raises(SystemExit) as e:
        cli(["validate", str(d / "q.tflite"), "--board", "host", "--data", str(d / "x.npy"),
             "--json"], prog_name="tinyc")
    assert e.value.code == 1
    rep = json.loads(capsys.readouterr().out)
    assert rep["bit_exact"] is False and rep["mismatched_bytes"] == 1


BAD = [
    (lambda d: np.save(d / "bad.npy", np.zeros((4, 5), np.float32)), [], "the model wants [N, 6]"),
    (lambda d: np.save(d / "bad.npy", np.zeros((4, 6), np.int16)), [], "holds int16"),
    (lambda d: np.save(d / "bad.npy", np.zeros((N, 6), np.float32)),
     ["--labels", "y_bad.npy"], "labels 0…7"),
    (lambda d: np.save(d / "bad.npy", np.zeros((N, 6), np.float32)),
     ["--labels", "y_short.npy"], "with 40 samples the labels are"),
]


@pytest.mark.slow
@pytest.mark.parametrize("make,extra,message", BAD)
def test_validate_bad_data_is_one_error_line(classifier, make, extra, message):
    d = classifier
    make(d)
    np.save(d / "y_bad.npy", np.arange(N) % 8)
    np.save(d / "y_short.npy", np.zeros(3, np.int64))
    extra = [str(d / a) if a.endswith(".npy") else a for a in extra]
    r = run_tinyc("validate", d / "q.tflite", "--board", "host", "--data", d / "bad.npy", *extra)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, r.stderr
    assert message in r.stderr, r.stderr


def test_validate_mixed_folder_is_refused(tmp_path):
    from conftest import model
    (tmp_path / "s").mkdir()
    np.save(tmp_path / "s" / "a.npy", np.zeros((49, 10, 1), np.int8))
    np.save(tmp_path / "s" / "b.npy", np.zeros((3,), np.int8))
    r = run_tinyc("validate", model("kws_ref_model"), "--board", "host", "--data", tmp_path / "s")
    assert r.returncode == 2 and "different shapes" in r.stderr and r.stderr.count("\n") == 1


@pytest.mark.slow
def test_float_model_as_saved_model_or_float_tflite_gives_the_same_figures(classifier):
    """The float model's three formats run the same network: the same error figures."""
    import tensorflow as tf
    d = classifier
    keras = tf.keras.models.load_model(d / "f.keras")
    if not (d / "saved").exists():
        tf.saved_model.save(keras, str(d / "saved"))
        (d / "f.tflite").write_bytes(tf.lite.TFLiteConverter.from_keras_model(keras).convert())
    figures = []
    for f in ("f.keras", "saved", "f.tflite"):
        r = run_tinyc("validate", d / "q.tflite", "--board", "host", "--data", d / "x.npy",
                      "--labels", d / "y.npy", "--float-model", d / f, "--json")
        assert r.returncode == 0, r.stderr
        rep = json.loads(r.stdout)
        figures.append((rep["outputs"][0]["mae"], rep["classification"]["correct"]["float"]))
    assert figures[1][1] == figures[2][1] == figures[0][1]
    assert figures[1][0] == pytest.approx(figures[0][0], rel=1e-4)
    assert figures[2][0] == pytest.approx(figures[0][0], rel=1e-4)


@pytest.mark.slow
def test_float_model_of_another_shape_is_refused(classifier, tmp_path):
    import tensorflow as tf
    other = tf.keras.Sequential([tf.keras.Input((5,)), tf.keras.layers.Dense(3)])
    other.save(tmp_path / "other.keras")
    d = classifier
    r = run_tinyc("validate", d / "q.tflite", "--board", "host", "--data", d / "x.npy",
                  "--float-model", tmp_path / "other.keras")
    assert r.returncode == 2 and r.stdout == "" and r.stderr.count("\n") == 1, r.stderr
    assert "takes inputs of shape [5]" in r.stderr
