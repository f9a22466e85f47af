"""Fuzzing, deterministic part: a few hundred mutants of shared models, made at test time
with fixed seeds (tests/fuzzing.py). Each must compile or be refused with a TinycError,
never raise anything else, never hang; a sample of the accepted ones runs under ASan + UBSan
and must match TFLM bit for bit; TFLM must accept it too (a model TFLM refuses, tinyc
refuses)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback
from pathlib import Path

import numpy as np
import pytest

from conftest import model
from fuzzing import BACKENDS, SEED_MODELS, compile_or_refuse, mutant, run_sanitized
from tinyc.errors import TinycError
from tinyc.reference import random_inputs, tflm_outputs

PER_MODEL = 50
SANITIZED = 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    work = tmp_path_factory.mktemp("fuzz")
    results = {"accepted": [], "refused": 0, "bugs": []}
    for name in SEED_MODELS:
        src = model(name)
        original = src.read_bytes()
        for seed in range(PER_MODEL):
            data = mutant(src, seed)
            path = work / f"{name}-{seed}.tflite"
            path.write_bytes(data)
            backend = BACKENDS[seed % len(BACKENDS)]
            try:
                verdict, what = compile_or_refuse(path, work / f"{name}-{seed}", backend)
            except Exception as e:   # anything but TinycError is a tinyc bug
                results["bugs"].append(f"{name} seed {seed} {backend}: {type(e).__name__}: {e} "
                                       f"at {traceback.extract_tb(e.__traceback__)[-1]}")
                continue
            if verdict == "refused":
                results["refused"] += 1
            elif data != original and backend == "native":
                results["accepted"].append((path, what))
    return results


def test_mutants_compile_or_are_refused(corpus):
    n = len(SEED_MODELS) * PER_MODEL
    print(f"\n{n} mutants (native, tflm and cubeai in turn): {corpus['refused']} refused, "
          f"{len(corpus['accepted'])} changed ones accepted for native, "
          f"{len(corpus['bugs'])} other exceptions")
    assert not corpus["bugs"], "\n".join(corpus["bugs"][:20])
    assert corpus["refused"] > n // 3        # the mutations do reach the validator


@pytest.mark.slow
def test_accepted_mutants_run_clean_and_bit_exact(corpus, tmp_path):
    tried = built = clean = tflm_refused = 0
    failures = []
    for path, graph in corpus["accepted"][:SANITIZED]:
        tried += 1
        samples = random_inputs(graph, 3, 1)
        try:
            ref = tflm_outputs(graph, samples)
        except TinycError as e:     # a model TFLM refuses, tinyc must refuse too
            tflm_refused += 1
            failures.append(f"{path.name}: tinyc accepted it, but {e.message}")
            continue
        work = tmp_path / path.stem
        work.mkdir()
        status, got = run_sanitized(path, graph, samples, work)
        built += 1
        if status != "ok":
            failures.append(f"{path.name}: {got}")
            continue
        clean += 1
        for a_list, b_list in zip(got, ref):
            for a, b in zip(a_list, b_list):
                if not np.array_equal(np.asarray(a), np.asarray(b).reshape(np.shape(a))):
                    failures.append(f"{path.name}: differs from TFLM")
    print(f"\nsanitized: {tried} tried, {tflm_refused} refused by TFLM, {built} built, "
          f"{clean} ASan/UBSan-clean")
    assert tried > 0
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_coverage_guided_fuzzing_bounded(tmp_path):
    """atheris (libFuzzer) for 2000 runs from the shared seeds: no crash, no hang."""
    stats = tmp_path / "stats.json"
    r = subprocess.run([sys.executable, str(Path(__file__).parent / "fuzz_models.py"),
                        "-runs=2000", "-seed=1", "-timeout=60", f"-artifact_prefix={tmp_path}/"],
                       capture_output=True, text=True, timeout=1500,
                       env={**os.environ, "FUZZ_STATS": str(stats),
                            "FUZZ_WORK": str(tmp_path / "work")})
    assert r.returncode == 0, r.stderr[-3000:]
    counts = json.loads(stats.read_text())
    print(f"\natheris: {counts}")
    assert counts["tried"] >= 2000 and counts["refused"] > 0


@pytest.mark.slow
def test_cli_on_mutants_is_one_line_never_internal(tmp_path):
    """Through the CLI, a sample of the corpus: exit 0 (built), 1 (does not fit) or 2 with one
    `error:` line; never exit 3, never a traceback."""
    from conftest import run_tinyc
    seen = {}
    for k in range(15):
        name = SEED_MODELS[k % len(SEED_MODELS)]
        path = tmp_path / f"{name}-{k}.tflite"
        path.write_bytes(mutant(model(name), 1000 + k))
        r = run_tinyc("build", path, "--board", "host", "--no-compile", "-o", tmp_path / f"o{k}",
                      timeout=300)
        seen[r.returncode] = seen.get(r.returncode, 0) + 1
        assert r.returncode in (0, 1, 2) and "Traceback" not in r.stderr, r.stderr
        if r.returncode:
            lines = r.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    print(f"\nexit codes: {seen}")
    assert seen.get(2, 0) > 0
