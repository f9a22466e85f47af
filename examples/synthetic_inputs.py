"""Seeded synthetic float inputs for a pretrained int8 model whose data set is not shipped:
a folder of .npy files, one sample each, uniform over the real range the input's int8
quantization covers. They prove the board computes what TFLM computes, not accuracy.

    python3 examples/synthetic_inputs.py MODEL.tflite OUT_DIR N [--seed S]
"""
import argparse
from pathlib import Path

import numpy as np

from tinyc.frontend import read_model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("out", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    g = read_model(a.model)
    t = g.tensors[g.inputs[0]]
    scale, zp = float(t.quant.scale[0]), int(t.quant.zero_point[0])
    lo, hi = scale * (-128 - zp), scale * (127 - zp)
    rng = np.random.default_rng(a.seed)
    a.out.mkdir(parents=True, exist_ok=True)
    for k in range(a.n):
        np.save(a.out / f"{k:04d}.npy", rng.uniform(lo, hi, t.shape[1:]).astype(np.float32))
    print(f"{a.n} synthetic inputs {list(t.shape[1:])} in [{lo:.3g}, {hi:.3g}] -> {a.out}")


if __name__ == "__main__":
    main()
