"""Data sets for `validate` and `quantize`: an .npy [N, *shape], an .npz, or a folder of .npy
files (one sample each); float samples are quantized with the model's input parameters."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from tinyc.errors import TinycError

NPZ_SAMPLES, NPZ_LABELS = "x", "y"


def _load_npy(path: Path) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise TinycError(f"cannot read {path} as .npy: {e}") from None


def load_array(path: str | Path, what: str = "samples") -> np.ndarray:
    """The samples of an .npy, an .npz (key `x`, or its only array) or a folder of .npy files,
    stacked along a new first axis for the folder."""
    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("*.npy"))
        if not files:
            raise TinycError(f"{p} holds no .npy files: put one sample per .npy file there")
        arrays = [_load_npy(f) for f in files]
        shapes = {a.shape for a in arrays}
        if len(shapes) > 1:
            raise TinycError(f"the .npy files in {p} have different shapes "
                             f"({', '.join(str(list(s)) for s in sorted(shapes))}): one sample each")
        return np.stack(arrays)
    if not p.is_file():
        raise TinycError(f"{p} does not exist: give an .npy, an .npz or a folder of .npy files")
    if p.suffix == ".npz":
        try:
            with np.load(p, allow_pickle=False) as z:
                keys = list(z.keys())
                key = NPZ_SAMPLES if NPZ_SAMPLES in keys else (keys[0] if len(keys) == 1 else None)
                if key is None:
                    raise TinycError(f"{p} holds {', '.join(keys) or 'no arrays'}: name the "
                                     f"{what} '{NPZ_SAMPLES}' (np.savez(f, x=…, y=labels))")
                return z[key]
        except (OSError, ValueError) as e:
            raise TinycError(f"cannot read {p} as .npz: {e}") from None
    return _load_npy(p)


def npz_labels(path: str | Path) -> np.ndarray | None:
    """The labels stored beside the samples in an .npz (key `y`), if any."""
    p = Path(path)
    if p.suffix != ".npz" or not p.is_file():
        return None
    with np.load(p, allow_pickle=False) as z:
        return z[NPZ_LABELS] if NPZ_LABELS in z.keys() else None


def as_batch(x: np.ndarray, shape: tuple, source) -> np.ndarray:
    """x as [N, *shape]: accepts [N, *shape], one sample of `shape`, and, when the model's
    batch dimension is 1, [N, *shape[1:]] (the usual layout of a data set)."""
    shape = tuple(shape)
    if tuple(x.shape) == shape:
        return x[None]
    if tuple(x.shape[1:]) == shape:
        return x
    if shape and shape[0] == 1 and tuple(x.shape[1:]) == shape[1:]:
        return x.reshape((x.shape[0], *shape))
    want = ", ".join(map(str, shape[1:] if shape and shape[0] == 1 else shape))
    raise TinycError(f"{source} has shape {list(x.shape)}; the model wants [N, {want}]")


def quantize(x: np.ndarray, scale: float, zero_point: int, dtype) -> np.ndarray:
    """TFLite's affine quantization: float32 division, round half away from zero, saturate."""
    q = (np.asarray(x, np.float32) / np.float32(scale)).astype(np.float64)
    r = np.sign(q) * np.floor(np.abs(q) + 0.5) + zero_point
    info = np.iinfo(dtype)
    return np.clip(r, info.min, info.max).astype(dtype)


def dequantize(q: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
    return (np.float64(np.float32(scale)) * (q.astype(np.float64) - zero_point)).astype(np.float32)


def model_and_float_inputs(x: np.ndarray, tensor, np_dtype) -> tuple[np.ndarray, np.ndarray]:
    """(what the model takes, what a float model takes) from float or already quantized data."""
    want = np.dtype(np_dtype)
    q = tensor.quant
    if want.kind == "f":
        xf = x.astype(np.float32)
        return xf, xf
    if q is None or len(q.scale) != 1:
        raise TinycError("the model's input has no per-tensor quantization: give its data "
                         f"already as {want.name}")
    scale, zp = float(q.scale[0]), int(q.zero_point[0])
    if x.dtype.kind == "f":
        return quantize(x, scale, zp, want), x.astype(np.float32)
    if x.dtype != want:
        raise TinycError(f"the data holds {x.dtype}; the model's input is {want.name} "
                         "(give float data, or data quantized to the model's input type)")
    return x, dequantize(x, scale, zp)


def load_labels(path: str | Path | None, data_path, n: int, classes: int) -> np.ndarray | None:
    """Class indices [N] from an .npy of integers [N] or one-hot [N, C] (or the data's .npz)."""
    y = npz_labels(data_path) if path is None else load_array(path, "labels")
    if y is None:
        return None
    src = path or f"{data_path} ('{NPZ_LABELS}')"
    if y.ndim == 2 and y.shape[1] == classes:
        y = np.argmax(y, axis=1)
    if y.ndim != 1 or y.shape[0] != n:
        raise TinycError(f"{src} has shape {list(y.shape)}; with {n} samples the labels are "
                         f"[{n}] class indices or [{n}, {classes}] one-hot")
    if y.dtype.kind not in "iu" and not np.all(np.mod(y, 1) == 0):
        raise TinycError(f"{src} holds {y.dtype} values that are not class indices")
    y = y.astype(np.int64)
    if y.size and (y.min() < 0 or y.max() >= classes):
        raise TinycError(f"{src} holds labels {int(y.min())}…{int(y.max())}; the model's "
                         f"output has {classes} classes (0…{classes - 1})")
    return y
