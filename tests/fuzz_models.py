"""Coverage-guided fuzzing (atheris) of load -> validate -> plan -> generate (native, tflm
or cubeai, chosen by the input's length), seeded with the small shared models. Every input
must compile or end in TinycError; anything else (another exception, a hang) is a crash that
libFuzzer reports with the input that caused it.

    python3 tests/fuzz_models.py -runs=2000     # as CI does (test_coverage_guided_fuzzing_bounded)
    FUZZ_KEEP=/tmp/accepted python3 tests/fuzz_models.py -max_total_time=1800
    python3 tests/fuzz_models.py --sanitize /tmp/accepted     # ASan + UBSan, against TFLM

FUZZ_KEEP keeps the accepted native inputs that differ from every seed (up to FUZZ_KEEP_MAX,
200). FUZZ_WORK is the scratch folder (default: a new one in /tmp, left there). FUZZ_STATS
names a JSON file kept up to date with the counts (libFuzzer ends the process with _exit, so
there is no "at exit").
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

import atheris  # noqa: E402

with atheris.instrument_imports(include=["tinyc"]):
    import tinyc.backends.native.codegen  # noqa: E402,F401
    import tinyc.frontend  # noqa: E402,F401
    import tinyc.pipeline  # noqa: E402,F401
    import tinyc.planner  # noqa: E402,F401
    from fuzzing import BACKENDS, SEED_MODELS, compile_or_refuse  # noqa: E402

from tinyc.models_dir import models_dir  # noqa: E402

WORK = Path(".")    # set by main()
KEEP = Path(os.environ["FUZZ_KEEP"]) if os.environ.get("FUZZ_KEEP") else None
KEEP_MAX = int(os.environ.get("FUZZ_KEEP_MAX", "200"))
STATS_FILE = Path(os.environ["FUZZ_STATS"]) if os.environ.get("FUZZ_STATS") else None
STATS = {"tried": 0, "accepted": 0, "refused": 0, "kept": 0}
SEEDS: set[bytes] = set()


def seed_models() -> list[Path]:
    root = models_dir()
    return [p for name in SEED_MODELS for p in root.glob(f"*/{name}.tflite")]


def test_one_input(data: bytes) -> None:
    STATS["tried"] += 1
    path = WORK / "input.tflite"
    path.write_bytes(data)
    backend = BACKENDS[len(data) % len(BACKENDS)]
    verdict, _ = compile_or_refuse(path, WORK / "out", backend)
    STATS[verdict] += 1
    keep = verdict == "accepted" and backend == "native" and KEEP is not None
    if keep and data not in SEEDS and STATS["kept"] < KEEP_MAX:
        KEEP.mkdir(parents=True, exist_ok=True)
        (KEEP / f"{hashlib.sha256(data).hexdigest()[:16]}.tflite").write_bytes(data)
        STATS["kept"] += 1
    if STATS_FILE:
        STATS_FILE.write_text(json.dumps(STATS))


def sanitize(folder: Path) -> int:
    """Build each kept model with ASan + UBSan, run it on random inputs, compare with TFLM."""
    from fuzzing import run_sanitized
    from tinyc.errors import TinycError
    from tinyc.frontend import load_model
    from tinyc.reference import random_inputs, tflm_outputs
    import numpy as np
    counts = {"models": 0, "refused_now": 0, "tflm_refused": 0, "built": 0, "clean": 0,
              "bit_exact": 0}
    for path in sorted(folder.glob("*.tflite")):
        counts["models"] += 1
        try:        # kept by an older tinyc, perhaps: today's may refuse it
            g = load_model(path)
        except TinycError:
            counts["refused_now"] += 1
            continue
        samples = random_inputs(g, 3, 1)
        try:
            ref = tflm_outputs(g, samples)
        except TinycError as e:
            counts["tflm_refused"] += 1
            print(f"{path.name}: tinyc accepts, {e.message}")
            continue
        with tempfile.TemporaryDirectory(prefix="tinyc-fuzz-san-") as work:
            status, got = run_sanitized(path, g, samples, Path(work))
        counts["built"] += 1
        if status != "ok":
            print(f"{path.name}: {got}")
            continue
        counts["clean"] += 1
        same = all(np.array_equal(np.asarray(a), np.asarray(b).reshape(np.shape(a)))
                   for xs, ys in zip(got, ref) for a, b in zip(xs, ys))
        counts["bit_exact"] += same
        if not same:
            print(f"{path.name}: differs from TFLM")
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0 if counts["models"] == counts["bit_exact"] + counts["refused_now"] else 1


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--sanitize":
        sys.exit(sanitize(Path(sys.argv[2])))
    global WORK
    WORK = Path(os.environ.get("FUZZ_WORK") or tempfile.mkdtemp(prefix="tinyc-fuzz-"))
    corpus = WORK / "seeds"
    corpus.mkdir(parents=True)
    for p in seed_models():
        SEEDS.add(p.read_bytes())
        (corpus / p.name).write_bytes(p.read_bytes())
    atheris.Setup(sys.argv + [str(corpus)], test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
