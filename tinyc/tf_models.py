"""Float models on the host with TensorFlow: what `quantize` converts and `validate` compares
against. A model is a Keras file (.keras/.h5), a SavedModel folder or a float .tflite."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from tinyc.errors import TinycError
from tinyc.reference import quiet_stderr

KERAS_SUFFIXES = (".keras", ".h5")


def load_tf(verbose: bool = False):
    """TensorFlow, imported without its import-time chatter (CUDA probing) unless verbose."""
    if not verbose:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        if verbose:
            import tensorflow as tf
        else:
            with quiet_stderr():
                import tensorflow as tf
    except ImportError:
        raise TinycError("this needs TensorFlow: pip install 'tinyc[tf]'") from None
    return tf


def model_kind(path: Path) -> str:
    """'keras', 'saved_model', 'tflite' or 'onnx'; anything else is refused."""
    if path.is_dir():
        if not (path / "saved_model.pb").is_file():
            raise TinycError(f"{path} is a folder without saved_model.pb: give a SavedModel "
                             "folder (tf.saved_model.save), a .keras/.h5 file or a .tflite")
        return "saved_model"
    if path.suffix in KERAS_SUFFIXES:
        return "keras"
    if path.suffix == ".tflite":
        return "tflite"
    if path.suffix == ".onnx":
        return "onnx"
    raise TinycError(f"{path}: give a SavedModel folder, a .keras/.h5 file or a float .tflite")


def first_line(e: Exception) -> str:
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    return lines[0] if lines else type(e).__name__


def load_keras(tf, path: Path):
    try:
        with quiet_stderr():
            return tf.keras.models.load_model(str(path), compile=False)
    except Exception as e:
        raise TinycError(f"TensorFlow could not load {path}: {first_line(e)}") from None


def serving_function(tf, path: Path):
    """The SavedModel's serving signature (and the loaded object, which keeps its variables
    alive: a concrete function without it fails with "variable != nullptr")."""
    try:
        with quiet_stderr():
            loaded = tf.saved_model.load(str(path))
    except Exception as e:
        raise TinycError(f"TensorFlow could not load {path}: {first_line(e)}") from None
    sigs = getattr(loaded, "signatures", {})
    if "serving_default" not in sigs:
        raise TinycError(f"{path} has no serving_default signature: save it with "
                         "tf.saved_model.save(model, DIR) or model.export(DIR)")
    return sigs["serving_default"], loaded


class FloatModel:
    """One float model, run sample by sample: run(x) -> list of float32 outputs (no batch)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        kind = model_kind(self.path)
        if kind == "onnx":
            raise TinycError(f"{self.path}: compare with the .tflite or SavedModel that "
                             "`tinyc quantize` made from it, not the .onnx")
        self.kind = kind
        tf = self.tf = load_tf()
        if kind == "keras":
            self._keras = load_keras(tf, self.path)
            self.input_shape = tuple(self._keras.inputs[0].shape)
            self.input_count = len(self._keras.inputs)
        elif kind == "saved_model":
            self._fn, self._loaded = serving_function(tf, self.path)
            specs = self._fn.structured_input_signature[1]
            self._input_name = sorted(specs)[0]
            self.input_shape = tuple(specs[self._input_name].shape)
            self.input_count = len(specs)
        else:
            self._tflite()
        if self.input_count != 1:
            raise TinycError(f"{self.path} has {self.input_count} inputs; tinyc validate "
                             "compares models with one input")

    def _tflite(self):
        try:
            with quiet_stderr():
                it = self.tf.lite.Interpreter(model_path=str(self.path))
                it.allocate_tensors()
        except Exception as e:
            raise TinycError(f"TensorFlow could not load {self.path}: {first_line(e)}") from None
        ins = it.get_input_details()
        if ins[0]["dtype"] != np.float32:
            raise TinycError(f"{self.path} takes {np.dtype(ins[0]['dtype']).name} input: "
                             "--float-model wants the float model (before quantization)")
        self._it = it
        self.input_shape = tuple(int(d) for d in ins[0]["shape"])
        self.input_count = len(ins)

    def sample_shape(self) -> tuple:
        """The input shape without the batch dimension."""
        return tuple(1 if d is None else int(d) for d in self.input_shape[1:])

    def run(self, x: np.ndarray) -> list[np.ndarray]:
        xb = np.asarray(x, np.float32).reshape((1, *self.sample_shape()))
        if self.kind == "keras":
            ys = self._keras(xb, training=False)
            ys = ys if isinstance(ys, (list, tuple)) else [ys]
        elif self.kind == "saved_model":
            out = self._fn(**{self._input_name: self.tf.constant(xb)})
            ys = [out[k] for k in sorted(out)]
        else:
            self._it.set_tensor(self._it.get_input_details()[0]["index"], xb)
            self._it.invoke()
            ys = [self._it.get_tensor(d["index"]) for d in self._it.get_output_details()]
        return [np.asarray(y, np.float32)[0] for y in ys]
