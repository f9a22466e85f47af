"""The figures `stedgeai validate` prints, and top-1 agreement with a confusion table."""
from __future__ import annotations

import numpy as np

MAX_CONFUSION_CLASSES = 20


def output_errors(ref: np.ndarray, got: np.ndarray) -> dict:
    """ref: the float model's outputs [N, ...]; got: the int8 model's, dequantized."""
    r = np.asarray(ref, np.float64).reshape(len(ref), -1)
    g = np.asarray(got, np.float64).reshape(len(got), -1)
    d = g - r
    ref_norm = float(np.linalg.norm(r))
    norms = np.linalg.norm(r, axis=1) * np.linalg.norm(g, axis=1)
    # cosine similarity per sample, then the mean; two zero vectors are identical
    cos = np.where(norms > 0, np.sum(r * g, axis=1) / np.where(norms > 0, norms, 1),
                   np.where(np.linalg.norm(r - g, axis=1) == 0, 1.0, 0.0))
    return {
        "mae": float(np.mean(np.abs(d))),
        "rmse": float(np.sqrt(np.mean(d * d))),
        "max_error": float(np.max(np.abs(d))),
        "cosine": float(np.mean(cos)),
        "l2_relative_error": float(np.linalg.norm(d) / ref_norm) if ref_norm > 0 else None,
    }


def top1(outputs: np.ndarray) -> np.ndarray:
    return np.argmax(np.asarray(outputs).reshape(len(outputs), -1), axis=1)


def accuracy(pred: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(pred == labels)) if len(labels) else 0.0


def confusion(labels: np.ndarray, pred: np.ndarray, classes: int) -> list[list[int]] | None:
    """rows: true class, columns: predicted class; None past MAX_CONFUSION_CLASSES."""
    if classes > MAX_CONFUSION_CLASSES:
        return None
    m = np.zeros((classes, classes), np.int64)
    np.add.at(m, (labels, pred), 1)
    return m.tolist()
