"""The user's arrays and files <-> a model's samples, for `run`, `verify` and the API.

Inputs: one array per model input, as a list in the model's input order or a mapping keyed by
input name, each [N, *input_shape] or one sample of input_shape, in the input's dtype; from
files, one .npy per input (in order) or one .npz keyed by input name. Outputs are written the
same way: one .npy per output (in order) or one .npz keyed by output name.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from tinyc.hostlib import NP_DTYPES
from tinyc.errors import TinycError
from tinyc.ir import Graph


def _names(g: Graph, ids) -> list[str]:
    return [g.tensors[t].name for t in ids]


def arrays_in_input_order(g: Graph, arrays: Mapping, where: str = "the inputs") -> list:
    """A mapping keyed by input name as a list in the model's input order."""
    names = _names(g, g.inputs)
    unknown = [k for k in arrays if k not in names]
    if unknown:
        raise TinycError(f"{where}: {unknown[0]!r} is no input of the model (its inputs: "
                         f"{', '.join(names)})")
    missing = [n for n in names if n not in arrays]
    if missing:
        raise TinycError(f"{where}: no array for input {missing[0]!r} (the model's inputs: "
                         f"{', '.join(names)})")
    return [arrays[n] for n in names]


def input_samples(g: Graph, arrays, labels: list[str] | None = None
                  ) -> tuple[list[list[np.ndarray]], bool]:
    """(samples, single): one list per sample of one array per input; single when every input
    was given as one sample rather than a batch. labels name the arrays in errors."""
    if isinstance(arrays, Mapping):
        arrays = arrays_in_input_order(g, arrays)
    arrays = list(arrays)
    if len(arrays) != len(g.inputs):
        raise TinycError(f"the model has {len(g.inputs)} inputs, got {len(arrays)} arrays")
    labels = labels or [f"input {i}" for i in range(len(arrays))]
    batch, single = [], None
    for tid, a, label in zip(g.inputs, arrays, labels):
        t = g.tensors[tid]
        a = np.asarray(a)
        one = tuple(a.shape) == tuple(t.shape)
        if not one and tuple(a.shape[1:]) != tuple(t.shape):
            raise TinycError(f"{label} has shape {list(a.shape)}; the model wants "
                             f"[N, {', '.join(map(str, t.shape))}] (or one sample "
                             f"{list(t.shape)})")
        want = np.dtype(NP_DTYPES[t.dtype])
        if a.dtype != want:
            raise TinycError(f"{label} holds {a.dtype}; the model's input is {want} (quantize "
                             "with the input scale/zero point from `tinyc inspect`)")
        single = one if single is None else single
        if one != single:
            raise TinycError("give every input as one sample, or every input as a batch")
        batch.append(a[None] if one else a)
    n = {len(a) for a in batch}
    if len(n) != 1:
        raise TinycError(f"the inputs hold different numbers of samples: {sorted(n)}")
    return [[a[k] for a in batch] for k in range(n.pop())], bool(single)


def read_input_files(paths: list[str], g: Graph) -> list[list[np.ndarray]]:
    """The samples in the user's files: one .npy per input, or one .npz keyed by input name."""
    names = _names(g, g.inputs)
    if len(paths) == 1 and str(paths[0]).endswith(".npz"):
        path = paths[0]
        try:
            with np.load(path, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except (OSError, ValueError) as e:
            raise TinycError(f"cannot read {path} as .npz: {e}") from None
        ordered = arrays_in_input_order(g, arrays, where=str(path))
        labels = [f"{path}[{n!r}]" for n in names]
        return input_samples(g, ordered, labels)[0]
    if any(str(p).endswith(".npz") for p in paths):
        raise TinycError("an .npz holds every input, keyed by input name: give it as the only "
                         "--input")
    if len(paths) != len(names):
        raise TinycError(f"the model has {_count(len(names), 'input')} ({', '.join(names)}); "
                         f"got {_count(len(paths), 'file')}: give one --input .npy per input in "
                         "this order, or one .npz keyed by these names")
    arrays = []
    for path in paths:
        try:
            arrays.append(np.load(path, allow_pickle=False))
        except (OSError, ValueError) as e:
            raise TinycError(f"cannot read {path} as .npy: {e}") from None
    return input_samples(g, arrays, [str(p) for p in paths])[0]


def check_output_count(paths: list[str], g: Graph) -> None:
    """Before running: as many .npy files as outputs, or one .npz."""
    names = _names(g, g.outputs)
    one_npz = len(paths) == 1 and str(paths[0]).endswith(".npz")
    if not one_npz and len(paths) != len(names):
        raise TinycError(f"the model has {_count(len(names), 'output')} ({', '.join(names)}); "
                         f"got {_count(len(paths), 'file')}: give one --output .npy per output "
                         "in this order, or one .npz (keyed by output name)")


def check_output_folders(paths: list[str]) -> None:
    for path in paths:
        folder = Path(path).resolve().parent
        if not folder.is_dir():
            raise TinycError(f"cannot write {path}: there is no folder {folder} "
                             "(create it first)")


def write_output_files(paths: list[str], g: Graph, ys: list[np.ndarray]) -> None:
    """ys (one [N, *output_shape] array per output) into paths; each file appears whole or
    not at all."""
    if len(paths) == 1 and str(paths[0]).endswith(".npz"):
        jobs = [(paths[0], lambda f: np.savez(f, **dict(zip(_names(g, g.outputs), ys))))]
    else:
        jobs = [(p, lambda f, y=y: np.save(f, y)) for p, y in zip(paths, ys)]
    temps = []
    try:
        for path, write in jobs:
            tmp = Path(path).with_name(f".{Path(path).name}.tinyc-part")
            temps.append(tmp)
            with open(tmp, "wb") as f:
                write(f)
        for (path, _), tmp in zip(jobs, temps):
            os.replace(tmp, path)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"
