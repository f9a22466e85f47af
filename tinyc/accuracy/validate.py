"""`tinyc validate`'s work: every sample on the board, checked against TFLM byte for byte
(tinyc.verify), then the int8 outputs measured against the float model and the labels."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tinyc.accuracy import metrics
from tinyc.accuracy.samples import (as_batch, dequantize, load_array, load_labels,
                                    model_and_float_inputs)
from tinyc.errors import TinycError
from tinyc.hostlib import NP_DTYPES
from tinyc.output import progress
from tinyc.pipeline import Build
from tinyc.verify import check_samples


def load_data(graph, data_path) -> tuple[np.ndarray, np.ndarray]:
    """(model inputs [N, *shape] in the model's dtype, the same samples as float32)."""
    if len(graph.inputs) != 1:
        raise TinycError("tinyc validate handles models with one input; use the Python API "
                         "for more")
    t = graph.tensors[graph.inputs[0]]
    x = as_batch(load_array(data_path), t.shape, data_path)
    if len(x) == 0:
        raise TinycError(f"{data_path} holds no samples")
    return model_and_float_inputs(x, t, NP_DTYPES[t.dtype])


def open_float_model(path, graph):
    from tinyc.tf_models import FloatModel
    fm = FloatModel(path)
    t = graph.tensors[graph.inputs[0]]
    want = t.shape[1:] if t.shape and t.shape[0] == 1 else t.shape
    if int(np.prod(fm.sample_shape())) != int(np.prod(want)):
        raise TinycError(f"{path} takes inputs of shape {list(fm.sample_shape())}; the int8 "
                         f"model's are {list(want)}: is it the float model of the same network?")
    return fm


def _dequantized(graph, k: int, outs: list[np.ndarray]) -> np.ndarray:
    t = graph.tensors[graph.outputs[k]]
    y = np.stack(outs)
    if y.dtype.kind == "f" or t.quant is None or len(t.quant.scale) != 1:
        return y.astype(np.float32)
    return dequantize(y, float(t.quant.scale[0]), int(t.quant.zero_point[0]))


def _float_outputs(fm, xf: np.ndarray, n_outputs: int, quiet: bool) -> list[np.ndarray]:
    if not quiet:
        progress(f"float model: {fm.path.name} on {len(xf)} samples (TensorFlow, host)…")
    per_sample = []
    for k, x in enumerate(xf):
        per_sample.append(fm.run(x))
        if not quiet and len(xf) > 4 and (k + 1) % max(1, len(xf) // 4) == 0:
            progress(f"  {k + 1}/{len(xf)} samples")
    if len(per_sample[0]) != n_outputs:
        raise TinycError(f"{fm.path} has {len(per_sample[0])} outputs; the int8 model has "
                         f"{n_outputs}")
    return [np.stack([s[k] for s in per_sample]) for k in range(n_outputs)]


@dataclass
class Prepared:
    """What validate checks before it builds: the data, labels and float model are usable."""
    data: str
    xq: np.ndarray
    xf: np.ndarray
    labels: np.ndarray | None
    labels_source: str | None
    classes: int
    float_model: object | None
    float_model_path: str | None


def prepare(graph, data_path, labels_path=None, float_model_path=None) -> Prepared:
    xq, xf = load_data(graph, data_path)
    classes = graph.tensors[graph.outputs[0]].elements
    labels = load_labels(labels_path, data_path, len(xq), classes) if classes > 1 else None
    if labels_path and labels is None:
        raise TinycError(f"--labels needs a model whose first output scores classes; "
                         f"{graph.path}'s has {classes} value")
    source = str(labels_path) if labels_path else (f"{data_path}:y" if labels is not None
                                                   else None)
    fm = open_float_model(float_model_path, graph) if float_model_path else None
    return Prepared(str(data_path), xq, xf, labels, source, classes, fm,
                    str(float_model_path) if float_model_path else None)


def validate_build(build: Build, p: Prepared, port: str | None = None,
                   quiet: bool = False) -> dict:
    g = build.graph
    check, board_outs, tflm_outs = check_samples(build, [[s] for s in p.xq], port=port,
                                                 quiet=quiet)
    board = [_dequantized(g, k, [o[k] for o in board_outs]) for k in range(len(g.outputs))]
    host = [_dequantized(g, k, [o[k] for o in tflm_outs]) for k in range(len(g.outputs))]
    ref = _float_outputs(p.float_model, p.xf, len(g.outputs), quiet) if p.float_model else None

    outputs = []
    for k, tid in enumerate(g.outputs):
        t = g.tensors[tid]
        row = {"index": k, "name": t.name, "shape": list(t.shape), "dtype": t.dtype}
        if ref is not None:
            row.update(metrics.output_errors(ref[k], board[k]))
        outputs.append(row)
    return {
        "schema": 1, "model": g.path, "model_sha256": g.sha256, "board": build.board.id,
        "backend": build.backend, "port": port, "data": p.data, "samples": len(p.xq),
        "float_model": p.float_model_path, "labels": p.labels_source,
        "bit_exact": check["bit_exact"], "mismatched_bytes": check["mismatched_bytes"],
        "board_vs_tflm": check, "outputs": outputs,
        "classification": _classification(board[0], host[0], ref[0] if ref else None,
                                          p.labels, p.classes),
    }


def _classification(board, host, ref, labels, classes: int) -> dict | None:
    if classes < 2 or (labels is None and ref is None):
        return None
    pb, ph = metrics.top1(board), metrics.top1(host)
    pf = metrics.top1(ref) if ref is not None else None
    out = {"classes": classes, "accuracy": None, "top1_changed": None, "changed_samples": None,
           "correct": None, "confusion": None}
    if pf is not None:
        changed = np.nonzero(pf != pb)[0]
        out["top1_changed"] = int(len(changed))
        out["changed_samples"] = [int(i) for i in changed]
    if labels is not None:
        out["accuracy"] = {"float": metrics.accuracy(pf, labels) if pf is not None else None,
                           "int8_host": metrics.accuracy(ph, labels),
                           "board": metrics.accuracy(pb, labels)}
        out["correct"] = {"float": int(np.sum(pf == labels)) if pf is not None else None,
                          "int8_host": int(np.sum(ph == labels)),
                          "board": int(np.sum(pb == labels))}
        out["confusion"] = metrics.confusion(labels, pb, classes)
    return out


def host_accuracy(model, float_model, data_path, labels_path) -> dict:
    """Top-1 of the float model (TensorFlow) and the int8 model (TFLM) on the host."""
    from tinyc.frontend import read_model
    from tinyc.reference import tflm_outputs
    g = read_model(str(model))
    p = prepare(g, data_path, labels_path, float_model)
    if p.labels is None:
        raise TinycError(f"{model}'s first output does not score classes: --eval needs a "
                         "classifier")
    int8 = metrics.top1(np.stack([o[0] for o in tflm_outputs(g, [[s] for s in p.xq])]))
    flt = metrics.top1(_float_outputs(p.float_model, p.xf, len(g.outputs), quiet=True)[0])
    return {"samples": len(p.xq), "float": metrics.accuracy(flt, p.labels),
            "int8": metrics.accuracy(int8, p.labels), "top1_changed": int(np.sum(flt != int8))}
