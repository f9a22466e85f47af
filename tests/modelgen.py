"""Small int8 models made with TensorFlow and fixed seeds, cached by content of the recipe.

    path = int8_model("conv_s2", lambda x: tf.keras.layers.Conv2D(8, 3, 2)(x), [(1, 9, 9, 3)])
    path = int8_fn_model("slice", lambda x: x[:, 1:5:2], [(1, 8, 6)])

Inputs and outputs are int8; weights per-channel (TF's default) unless per_channel=False.
"""
from __future__ import annotations

import hashlib
import inspect
import os
import tempfile
from pathlib import Path

import numpy as np

CACHE = Path(os.environ.get("TINYC_TEST_MODELS", Path(tempfile.gettempdir()) / "tinyc-test-models"))


def _tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    return tf


class lazy_tf:
    """`tf` for model recipes: TensorFlow is imported on first use, so a recipe whose model
    is already cached costs nothing (importing TensorFlow takes seconds)."""

    def __getattr__(self, name):
        return getattr(_tf(), name)


class lazy:
    """An object made on first use (make()): a recipe's TensorFlow object (an initializer) that
    a cached model never needs."""

    def __init__(self, make):
        self._make, self._made = make, None

    def __getattr__(self, name):
        return getattr(self._get(), name)

    def __call__(self, *args, **kw):
        return self._get()(*args, **kw)

    def _get(self):
        if self._made is None:
            self._made = self._make()
        return self._made


def _rep(input_shapes, seed, lo=-1.0, hi=1.0):
    def gen():
        rng = np.random.default_rng(seed)
        for _ in range(48):
            yield [rng.uniform(lo, hi, s).astype(np.float32) for s in input_shapes]
    return gen


def _convert(converter, input_shapes, seed, per_channel, int8_io, rep_range):
    tf = _tf()
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = _rep(input_shapes, seed, *rep_range)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if int8_io:
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    if not per_channel:
        converter._experimental_disable_per_channel = True
    return converter.convert()


def _cached(name: str, key: str, make) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.tflite"
    if not path.exists():
        tmp = path.with_suffix(".part")
        tmp.write_bytes(make())
        tmp.replace(path)
    return path


def int8_model(name, build, input_shapes, seed=0, per_channel=True, int8_io=True,
               rep_range=(-1.0, 1.0)) -> Path:
    """A Keras functional model: build(*keras_inputs) -> output tensor(s)."""
    key = f"{name}|{inspect.getsource(build) if callable(build) else build}|{input_shapes}|{seed}|{per_channel}|{int8_io}|{rep_range}"

    def make():
        tf = _tf()
        tf.keras.utils.set_random_seed(seed)
        ins = [tf.keras.Input(shape=s[1:], batch_size=s[0]) for s in input_shapes]
        model = tf.keras.Model(ins, build(*ins))
        conv = tf.lite.TFLiteConverter.from_keras_model(model)
        return _convert(conv, input_shapes, seed, per_channel, int8_io, rep_range)
    return _cached(name, key, make)


def int8_fn_model(name, fn, input_shapes, seed=0, per_channel=True, int8_io=True,
                  rep_range=(-1.0, 1.0)) -> Path:
    """A plain TF function of float inputs (for ops Keras has no layer for)."""
    key = f"{name}|{inspect.getsource(fn)}|{input_shapes}|{seed}|{per_channel}|{int8_io}|{rep_range}"

    def make():
        tf = _tf()
        tf.keras.utils.set_random_seed(seed)
        sig = [tf.TensorSpec(s, tf.float32) for s in input_shapes]
        cf = tf.function(fn, input_signature=sig).get_concrete_function()
        conv = tf.lite.TFLiteConverter.from_concrete_functions([cf])
        return _convert(conv, input_shapes, seed, per_channel, int8_io, rep_range)
    return _cached(name, key, make)


def _convert_16x8(converter, input_shapes, seed, rep_range, io="int16"):
    tf = _tf()
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = _rep(input_shapes, seed, *rep_range)
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    if io == "int16":
        converter.inference_input_type = tf.int16
        converter.inference_output_type = tf.int16
    return converter.convert()


def int16x8_model(name, build, input_shapes, seed=0, rep_range=(-1.0, 1.0), io="int16") -> Path:
    """A Keras functional model in TFLite's 16-bit activation / 8-bit weight scheme
    (EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8), int16 inputs and outputs
    (io="float": float32 ones, with QUANTIZE/DEQUANTIZE at the edges)."""
    key = f"16x8|{name}|{inspect.getsource(build)}|{input_shapes}|{seed}|{rep_range}"
    key += f"|{io}" if io != "int16" else ""

    def make():
        tf = _tf()
        tf.keras.utils.set_random_seed(seed)
        ins = [tf.keras.Input(shape=s[1:], batch_size=s[0]) for s in input_shapes]
        conv = tf.lite.TFLiteConverter.from_keras_model(tf.keras.Model(ins, build(*ins)))
        return _convert_16x8(conv, input_shapes, seed, rep_range, io)
    return _cached(name, key, make)


def int16x8_fn_model(name, fn, input_shapes, seed=0, rep_range=(-1.0, 1.0), io="int16") -> Path:
    """int16x8_model of a plain TF function of float inputs (for ops Keras has no layer for)."""
    key = f"16x8fn|{name}|{inspect.getsource(fn)}|{input_shapes}|{seed}|{rep_range}|{io}"

    def make():
        tf = _tf()
        tf.keras.utils.set_random_seed(seed)
        sig = [tf.TensorSpec(s, tf.float32) for s in input_shapes]
        cf = tf.function(fn, input_signature=sig).get_concrete_function()
        conv = tf.lite.TFLiteConverter.from_concrete_functions([cf])
        return _convert_16x8(conv, input_shapes, seed, rep_range, io)
    return _cached(name, key, make)
