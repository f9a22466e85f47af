"""The JSON contract (docs/json.md): every command has --json, every document has schema 1, each
field is documented under its command and each documented field (not marked optional) is
there, one key keeps one type across commands, failures are a JSON error document."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import model, run_tinyc
from tinyc.cli import COMMANDS, cli

DOC = Path(__file__).parent.parent / "docs" / "json.md"
AD01 = model("ad01_int8")
TOO_BIG = model("mobilenet_v2_quantized_1x3x224x224")   # does not fit nano33
FAILURE = "Fields of every failure"
# Keys that already had two types before schema 1 (kept: fields are never changed); docs/json.md
# says which is which.
TWO_TYPES = {"id": {"int", "str"},   # a tensor's id; a board's id (boards)
             "op": {"int", "str"},   # an op's name; its index in peak and *kernel_variants
             # a plan's buffers[].id: a tensor's id, or "scratch:opN" for op N's scratch
             "output_id": {"int", "str"}}


def documented() -> dict[str, dict[str, str]]:
    """{section: {field: meaning}} from docs/json.md's tables."""
    out, section = {}, None
    for line in DOC.read_text().splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            out[section] = {}
        m = re.match(r"\| `([^`]+)` \| (.*) \|$", line)
        if m and section:
            out[section][m.group(1)] = m.group(2)
    return out


def fields(obj, doc: dict[str, str], prefix="") -> set[str]:
    """Every field name in obj as docs/json.md spells it (`a.b`, `a[].b`), not descending into
    objects whose keys vary."""
    names = set()
    items = obj if isinstance(obj, list) else [obj]
    for o in items:
        if not isinstance(o, dict):
            continue
        for k, v in o.items():
            name = prefix + k
            names.add(name)
            if "keys vary" in doc.get(name, ""):
                continue
            if isinstance(v, dict):
                names |= fields(v, doc, name + ".")
            elif isinstance(v, list) and v and isinstance(v[0], dict):
                names |= fields(v, doc, name + "[].")
    return names


def _json(args, exit_code=0):
    r = run_tinyc(*args, "--json")
    assert r.returncode == exit_code, (args, r.returncode, r.stderr)
    return json.loads(r.stdout)   # exactly one document on stdout


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """What each command prints with --json on small inputs: {section: [document, …]}."""
    tmp = tmp_path_factory.mktemp("json")
    x = tmp / "x.npy"
    np.save(x, np.zeros((2, 1, 640), np.int8))
    host = ["--board", "host"]
    return {
        "inspect": [_json(["inspect", AD01])],
        "boards": [_json(["boards"])],
        "plan": [_json(["plan", AD01]), _json(["plan", TOO_BIG, "--board", "nano33"], 1)],
        "build": [_json(["build", AD01, *host, "-o", tmp / "b"]),
                  _json(["build", AD01, *host, "-o", tmp / "nc", "--no-compile"])],
        "export": [_json(["export", f"{AD01}:ad01", *host, "-o", tmp / "e"])],
        "run": [_json(["run", AD01, *host, "--input", x, "--output", tmp / "y.npy"])],
        "verify": [_json(["verify", AD01, *host, "-n", "2", "--profile"])],
        "bench": [_json(["bench", AD01, *host, "-n", "1"])],
        "devices": [_json(["devices", "--all"])],
    }


def test_every_command_has_json_and_a_section():
    sections = documented()
    for name in COMMANDS:
        cmd = cli.commands[name]
        assert any("--json" in p.opts for p in cmd.params), f"tinyc {name} has no --json"
        assert name in sections, f"docs/json.md has no section for {name}"
    assert FAILURE in sections


@pytest.mark.slow
def test_documents_match_docs_json_md(documents):
    sections = documented()
    for name, docs in documents.items():
        doc = sections[name]
        required = {f for f, meaning in doc.items() if not meaning.startswith("optional")}
        for d in docs:
            entries = d if isinstance(d, list) else [d]
            assert entries, f"{name}: empty list, nothing checked"
            for e in entries:
                assert e["schema"] == 1, name
                got = fields(e, doc)
                assert got <= set(doc), f"{name}: undocumented fields {sorted(got - set(doc))}"
                missing = {f for f in required - got if "[]" not in f and "." not in f}
                assert not missing, f"{name}: documented fields missing {sorted(missing)}"


@pytest.mark.slow
def test_one_key_one_type_and_the_consistent_spellings(documents):
    types: dict[str, set] = {}

    def walk(o):
        if isinstance(o, dict):
            if "sha256" in o:
                assert o["model_sha256"] == o["sha256"]
            if "size" in o:
                assert o["bytes"] == o["size"]
            for k, v in o.items():
                if v is not None:
                    types.setdefault(k, set()).add(type(v).__name__)
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(list(documents.values()))
    mixed = {k: t for k, t in types.items()
             if len(t) > 1 and t != {"int", "float"} and t != TWO_TYPES.get(k)}
    assert not mixed, mixed
    sha = AD01.read_bytes()
    import hashlib
    want = hashlib.sha256(sha).hexdigest()
    for name in ("inspect", "build", "run", "verify", "plan"):
        assert documents[name][0]["model_sha256"] == want, name


@pytest.mark.slow
def test_a_model_that_does_not_fit_is_a_document_and_nothing_is_written(tmp_path):
    out = tmp_path / "nofit"
    d = _json(["build", TOO_BIG, "--board", "nano33", "-o", out], 1)
    assert d["schema"] == 1 and d["exit_code"] == 1 and d["fits"] is False
    assert "nano33" in d["error"] and d["ram_bytes"] > d["ram_budget"]
    assert not out.exists()


@pytest.mark.parametrize("args", [
    ["inspect", "nope.tflite"], ["plan", "nope.tflite"], ["build", "nope.tflite"],
    ["run", "nope.tflite", "--input", "x.npy", "--output", "y.npy"],
    ["verify", "nope.tflite"], ["bench", "nope.tflite"], ["export", "nope.tflite", "-o", "lib"],
    ["flash", "--board", "host"], ["verify", AD01, "--samples", "0"],
    ["verify", AD01, "--no-such-option"],
])
def test_failures_are_one_error_document(args, tmp_path):
    r = run_tinyc(*args, "--json", cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    d = json.loads(r.stdout)
    assert set(d) == set(documented()[FAILURE]) and d["schema"] == 1 and d["exit_code"] == 2
    assert d["error"] and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_quantize_json(tmp_path):
    tf = pytest.importorskip("tensorflow")
    tf.keras.utils.set_random_seed(0)
    m = tf.keras.Sequential([tf.keras.Input((8,)), tf.keras.layers.Dense(4)])
    src = tmp_path / "m.keras"
    m.save(src)
    d = _json(["quantize", src, "-o", tmp_path / "m.tflite", "--samples", "4"])
    doc = documented()["quantize"]
    assert d["schema"] == 1 and set(d) == set(doc)
    assert d["bytes"] == (tmp_path / "m.tflite").stat().st_size
