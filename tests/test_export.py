"""`tinyc export`: kws and ad01 as one C library, used only through the documented API.

The application (tests/export_app/) is compiled against the export with -Wall -Wextra -Werror
on gcc and clang and run on the host, and the same export is linked into mps2-an386 firmware
run in QEMU: every output byte is compared with the TFLM interpreter (the tflite-micro wheel),
with one arena per model and with --shared-arena.
"""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import model, run_tinyc
from tinyc.boards import get_board
from tinyc.frontend import load_model
from tinyc.paths import FIRMWARE_DIR
from tinyc.reference import random_inputs, tflm_outputs

APP = Path(__file__).parent / "export_app"
FIRMWARE = FIRMWARE_DIR
BOARD = "mps2-an386"
NAMES = {"kws": "kws_ref_model", "ad01": "ad01_int8"}
CFLAGS = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic"]
SAMPLES = 4


def specs() -> list[str]:
    return [f"{model(stem)}:{name}" for name, stem in NAMES.items()]


def export(out: Path, *opts: str, models=None) -> dict:
    r = run_tinyc("export", *(models or specs()), "--board", BOARD, "-o", out, "--json", *opts)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def compile_app(lib: Path, exe: Path, cc: str = "gcc", sources=(APP / "main.c",)) -> Path:
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed (setup.sh installs it)")
    cmd = [cc, *CFLAGS, f"-I{lib}", *map(str, sorted(lib.glob("*.c"))), *map(str, sources),
           "-o", str(exe)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return exe


def run_app(exe: Path, mode: str, data: bytes = b"") -> bytes:
    r = subprocess.run([str(exe), mode], input=data, capture_output=True, timeout=120)
    assert r.returncode == 0, (r.returncode, r.stderr)
    return r.stdout


@pytest.fixture(scope="module")
def graphs():
    return {name: load_model(str(model(stem))) for name, stem in NAMES.items()}


@pytest.fixture(scope="module")
def reference(graphs):
    """Seeded inputs and TFLM's outputs, per model."""
    xs = {n: random_inputs(g, SAMPLES, seed=11 + i) for i, (n, g) in enumerate(graphs.items())}
    return xs, {n: tflm_outputs(graphs[n], xs[n]) for n in graphs}


@pytest.fixture(scope="module", params=[False, True], ids=["own-arenas", "shared-arena"])
def lib(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "lib"
    manifest = export(out, *(["--shared-arena"] if request.param else []))
    return out, manifest


def interleaved(xs_or_ys: dict, k: int = 0) -> bytes:
    """Per sample: kws's tensor bytes, then ad01's (the order the applications run them)."""
    return b"".join(np.ascontiguousarray(xs_or_ys[n][s][k]).tobytes()
                    for s in range(SAMPLES) for n in NAMES)


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_host_outputs_bit_exact_with_tflm(lib, reference, cc, tmp_path):
    out, _ = lib
    exe = compile_app(out, tmp_path / "app", cc)
    xs, ys = reference
    got = run_app(exe, "run", interleaved(xs))
    want = interleaved(ys)
    assert len(got) == len(want)
    diff = np.frombuffer(got, np.int8) != np.frombuffer(want, np.int8)
    assert not diff.any(), f"{int(diff.sum())} of {diff.size} output bytes differ from TFLM"


def test_macros_match_the_model(lib, graphs, tmp_path):
    out, manifest = lib
    lines = run_app(compile_app(out, tmp_path / "app"), "meta").decode().splitlines()
    arenas = {m["name"]: m["arena_bytes"] for m in manifest["models"]}
    for line, (name, g) in zip(lines, graphs.items()):
        f = line.split()
        t_in, t_out = g.tensors[g.inputs[0]], g.tensors[g.outputs[0]]
        assert f[0] == g.sha256
        assert [int(v) for v in f[1:5]] == [arenas[name], 1, 1, t_in.nbytes]
        assert np.float32(f[5]) == np.float32(t_in.quant.scale[0])
        assert int(f[6]) == int(t_in.quant.zero_point[0])
        assert int(f[7]) == t_out.nbytes
        assert np.float32(f[8]) == np.float32(t_out.quant.scale[0])
        assert int(f[9]) == int(t_out.quant.zero_point[0])


def numpy_quantize(x: np.ndarray, scale: float, zp: int) -> np.ndarray:
    """TFLite's affine quantization: float32 division, round half away from zero, saturate."""
    q = (x.astype(np.float32) / np.float32(scale)).astype(np.float64)
    r = np.sign(q) * np.floor(np.abs(q) + 0.5)
    return np.clip(r + zp, -128, 127).astype(np.int8)


def numpy_dequantize(q: np.ndarray, scale: float, zp: int) -> np.ndarray:
    return (np.float64(np.float32(scale)) * (q.astype(np.float64) - zp)).astype(np.float32)


def test_float_helpers_match_numpy(lib, graphs, tmp_path):
    out, _ = lib
    exe = compile_app(out, tmp_path / "app")
    g = graphs["kws"]
    t_in, t_out = g.tensors[g.inputs[0]], g.tensors[g.outputs[0]]
    s_in, zp_in = float(t_in.quant.scale[0]), int(t_in.quant.zero_point[0])
    rng = np.random.default_rng(5)
    n = t_in.elements
    x = (rng.standard_normal(n) * 60).astype(np.float32)
    x[:40] = ((np.arange(40) - 20 + 0.5) * np.float32(s_in)).astype(np.float32)  # near ties
    x[40:44] = [1e9, -1e9, 500.0, -500.0]                                          # saturate
    got = run_app(exe, "f32", x.tobytes())
    q_in = np.frombuffer(got[:n], np.int8)
    np.testing.assert_array_equal(q_in, numpy_quantize(x, s_in, zp_in))
    q_out = np.frombuffer(got[n:n + t_out.nbytes], np.int8)
    y = np.frombuffer(got[n + t_out.nbytes:], np.float32)
    want = numpy_dequantize(q_out, float(t_out.quant.scale[0]), int(t_out.quant.zero_point[0]))
    np.testing.assert_array_equal(y, want)
    # and the bytes the helper produced run as TFLM runs them
    ref = tflm_outputs(g, [[q_in.reshape(t_in.shape)]])[0][0]
    np.testing.assert_array_equal(q_out, ref.reshape(-1))


def defined_symbols(objs: list[Path]) -> dict[str, int]:
    """Global symbols the objects define -> size."""
    r = subprocess.run(["nm", "-g", "-S", "--defined-only", *map(str, objs)],
                       capture_output=True, text=True, check=True)
    syms = {}
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) == 4:
            syms[f[3]] = int(f[1], 16)
        elif len(f) == 3:
            syms[f[2]] = 0
    return syms


def compile_objects(lib: Path, work: Path, cc="gcc", flags=()) -> list[Path]:
    work.mkdir(exist_ok=True)
    r = subprocess.run([cc, *CFLAGS, *flags, "-c", *map(str, sorted(lib.glob("*.c"))),
                        f"-I{lib}"], cwd=work, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return sorted(work.glob("*.o"))


def test_no_symbol_outside_the_contract(lib, tmp_path):
    out, manifest = lib
    allowed = {f for m in manifest["models"] for f in m["api"]["functions"]}
    syms = defined_symbols(compile_objects(out, tmp_path / "o"))
    assert allowed <= set(syms)
    stray = sorted(s for s in syms if s not in allowed and not s.startswith("tinyc_"))
    assert not stray, stray
    for m in manifest["models"]:   # every macro the JSON names is in the model's header
        header = (out / m["header"]).read_text()
        missing = [d for d in m["api"]["macros"] if f"#define {d} " not in header]
        assert not missing, missing
    if manifest["shared_arena"]:
        largest = max(m["arena_bytes"] for m in manifest["models"])
        assert syms["tinyc_shared_arena"] == largest
        assert not any("arena" in s for s in syms if s != "tinyc_shared_arena")
        assert manifest["arena_bytes_saved"] == sum(m["arena_bytes"]
                                                    for m in manifest["models"]) - largest


def test_shared_arena_lowers_ram(tmp_path):
    """The linked host program's .bss shrinks by exactly the bytes the JSON says are saved."""
    bss = {}
    for shared in (False, True):
        out = tmp_path / f"lib{int(shared)}"
        manifest = export(out, *(["--shared-arena"] if shared else []))
        exe = compile_app(out, tmp_path / f"app{int(shared)}")
        size = subprocess.run(["size", str(exe)], capture_output=True, text=True, check=True)
        bss[shared] = int(size.stdout.splitlines()[1].split()[2])
    assert manifest["arena_bytes_saved"] > 0
    # each arena is padded to its alignment (16) in .bss
    assert abs((bss[False] - bss[True]) - manifest["arena_bytes_saved"]) <= 16


def test_from_cpp(lib, tmp_path):
    out, _ = lib
    objs = compile_objects(out, tmp_path / "o")
    exe = tmp_path / "app_cpp"
    r = subprocess.run(["g++", "-std=c++11", "-Wall", "-Wextra", "-Werror", f"-I{out}",
                        str(APP / "app.cpp"), *map(str, objs), "-o", str(exe)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert subprocess.run([str(exe)], timeout=60).returncode == 0


def test_cross_compiles_for_the_board(lib, tmp_path):
    out, _ = lib
    flags = get_board(BOARD).cflags
    compile_objects(out, tmp_path / "o", cc="arm-none-eabi-gcc", flags=flags)


def test_kernels_are_the_same_files_in_every_export(tmp_path):
    """Two separate exports link together when one copy of the shared kernels is kept."""
    kws, ad01 = specs()
    export(tmp_path / "a", models=[kws])
    export(tmp_path / "b", models=[ad01])
    a = {p.name: p.read_bytes() for p in (tmp_path / "a").glob("*.[ch]")}
    b = {p.name: p.read_bytes() for p in (tmp_path / "b").glob("*.[ch]")}
    common = set(a) & set(b)
    assert {"tinyc_kernel.h", "quantize.c"} <= common
    assert any(f.startswith("fully_connected_s8") and f.endswith(".c") for f in common)
    assert all(a[f] == b[f] for f in common)
    merged = tmp_path / "merged"
    merged.mkdir()
    for d in ("a", "b"):
        for p in (tmp_path / d).glob("*.[ch]"):
            shutil.copyfile(p, merged / p.name)
    compile_app(merged, tmp_path / "app")


def test_export_is_the_same_bytes_anywhere(tmp_path):
    export(tmp_path / "x" / "one")
    export(tmp_path / "two")
    one = {p.relative_to(tmp_path / "x" / "one"): p.read_bytes()
           for p in (tmp_path / "x" / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes()
           for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one == two


@pytest.mark.parametrize("board", ["host", BOARD])
def test_the_test_firmware_links_the_export_byte_for_byte(tmp_path, board):
    """What `verify` runs is what a user links: `tinyc build`'s model sources are the files
    `tinyc export MODEL:model` writes for the same board, and so are the kernels and hooks."""
    m = model("kws_ref_model")
    lib = tmp_path / "lib"
    r = run_tinyc("export", f"{m}:model", "--board", board, "-o", lib)
    assert r.returncode == 0, r.stderr
    r = run_tinyc("build", m, "--board", board, "-o", tmp_path / "fw", "--no-compile")
    assert r.returncode == 0, r.stderr
    built = {p.name: p.read_bytes() for d in ("src", "tinyc_rt")
             for p in (tmp_path / "fw" / d).iterdir()}
    exported = {p.name: p.read_bytes() for p in lib.glob("*.[ch]")}
    assert {"model.c", "model.h", "tinyc_hooks.c", "tinyc_kernel.h"} <= set(exported)
    assert set(exported) <= set(built), set(exported) - set(built)
    differ = [f for f in exported if built[f] != exported[f]]
    assert not differ, differ


# --- library formats -------------------------------------------------------------------------

ARDUINO_FIELDS = ("name", "version", "author", "maintainer", "sentence", "paragraph",
                  "category", "url", "architectures")
ARDUINO_CATEGORIES = {"Display", "Communication", "Signal Input/Output", "Sensors",
                      "Device Control", "Timing", "Data Storage", "Data Processing", "Other"}


def test_arduino_library_layout(tmp_path):
    """The rules arduino-lint applies to a library, checked offline."""
    out = tmp_path / "tinyc_kws_ad01"
    manifest = export(out, "--format", "arduino")
    props = dict(line.split("=", 1) for line in
                 (out / "library.properties").read_text().splitlines() if line.strip())
    for field in ARDUINO_FIELDS:
        assert props.get(field, "").strip(), f"library.properties lacks {field}"
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\- ]*", props["name"]) and len(props["name"]) <= 63
    assert re.fullmatch(r"\d+\.\d+\.\d+", props["version"])
    assert props["category"] in ARDUINO_CATEGORIES
    assert re.fullmatch(r"https?://\S+", props["url"])
    for h in props["includes"].split(","):
        assert (out / "src" / h).is_file()
    # recursive layout: every source under src/, nothing compiled at the root
    assert not [p for p in out.iterdir() if p.suffix in {".c", ".h", ".cpp"}]
    srcs = {p.name for p in (out / "src").iterdir()}
    assert {"kws.c", "kws.h", "ad01.c", "ad01.h", "tinyc_kernel.h"} <= srcs
    examples = [p for p in (out / "examples").iterdir()]
    assert examples
    for ex in examples:   # the sketch folder and its main .ino share the name
        assert (ex / f"{ex.name}.ino").is_file(), ex
    assert set(manifest["files"]) == {p.relative_to(out).as_posix()
                                      for p in out.rglob("*") if p.is_file()} - {"tinyc.json"}
    # PlatformIO reads library.properties too: its parser must accept it
    from platformio.package.manifest.parser import ManifestParserFactory
    data = ManifestParserFactory.new_from_dir(str(out)).as_dict()
    assert data["name"] == props["name"] and data["version"] == props["version"]


def test_arduino_sketch_compiles_against_the_library(tmp_path):
    """The example sketch as C++ with a minimal Arduino API stand-in (Serial, delay)."""
    out = tmp_path / "lib"
    export(out, "--format", "arduino")
    ino = next((out / "examples").rglob("*.ino"))
    shim = tmp_path / "Arduino.h"
    shim.write_text("struct S { void begin(long) {} template <class T> void print(T) {} "
                    "template <class T> void print(T, int) {} template <class T> void println(T) {} };\n"
                    "static S Serial; static inline void delay(unsigned long) {}\n")
    sketch = tmp_path / "sketch.cpp"
    sketch.write_text('#include "Arduino.h"\n' + ino.read_text() +
                      "\nint main() { setup(); loop(); return 0; }\n")
    objs = compile_objects(out / "src", tmp_path / "o")
    r = subprocess.run(["g++", "-Wall", "-Wextra", "-Werror", f"-I{tmp_path}", f"-I{out / 'src'}",
                        str(sketch), *map(str, objs), "-o", str(tmp_path / "sketch")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr


def test_platformio_manifest_parses(tmp_path):
    from platformio.package.manifest.parser import ManifestParserFactory
    from platformio.package.manifest.schema import ManifestSchema
    out = tmp_path / "lib"
    export(out, "--format", "platformio")
    parser = ManifestParserFactory.new_from_dir(str(out))
    assert type(parser).__name__ == "LibraryJsonManifestParser"
    raw = parser.as_dict()
    data = ManifestSchema().load_manifest(raw)   # raises on a field PlatformIO rejects
    assert data["name"] == "tinyc_kws_ad01"
    assert raw["build"] == {"srcDir": "src", "includeDir": "src"}
    assert {"kws.h", "ad01.h"} <= set(data["headers"])
    assert (out / "src" / "kws.c").is_file()


@pytest.mark.slow
def test_cmake_library_builds_and_runs(tmp_path, reference):
    out = tmp_path / "tinyc_lib"
    export(out, "--format", "cmake")
    (tmp_path / "main.c").write_text((APP / "main.c").read_text())
    (tmp_path / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.16)\nproject(app C)\n"
        "add_subdirectory(tinyc_lib)\nadd_executable(app main.c)\n"
        "target_compile_options(app PRIVATE -Wall -Wextra -Werror)\n"
        "target_link_libraries(app PRIVATE tinyc_kws_ad01)\n")
    build = tmp_path / "build"
    for cmd in (["cmake", "-S", str(tmp_path), "-B", str(build)],
                ["cmake", "--build", str(build), "-j", "2"]):
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
    xs, ys = reference
    assert run_app(build / "app", "run", interleaved(xs)) == interleaved(ys)


# --- on the board ---------------------------------------------------------------------------

def write_inputs_header(path: Path, xs: dict) -> None:
    lines = [f"#define N_SAMPLES {SAMPLES}"]
    for name in NAMES:
        rows = [", ".join(str(int(v)) for v in np.asarray(xs[name][s][0]).reshape(-1))
                for s in range(SAMPLES)]
        n = np.asarray(xs[name][0][0]).size
        lines.append(f"static const int8_t {name}_inputs[{SAMPLES}][{n}] = {{\n"
                     + ",\n".join(f"  {{{r}}}" for r in rows) + "\n};")
    path.write_text("\n".join(lines) + "\n")


def link_firmware(lib: Path, work: Path, board) -> Path:
    """The export + the test main + the board's UART and startup, linked as tinyc links
    firmware for QEMU (tinyc/build/linker.py's script, cmake.py's toolchain flags)."""
    from tinyc.build.linker import linker_script
    (work / "board.ld").write_text(linker_script(board))
    elf = work / "firmware.elf"
    srcs = [*sorted(lib.glob("*.c")), APP / "main_board.c",
            FIRMWARE / "boards/mps2/board_mps2.c", FIRMWARE / "boards/cortexm/startup.c"]
    cmd = ["arm-none-eabi-gcc", *board.cflags, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror",
           "-ffunction-sections", "-fdata-sections", f"-I{lib}", f"-I{work}",
           f"-I{FIRMWARE / 'boards'}", *map(str, srcs), "-nostartfiles", "--specs=nano.specs",
           "--specs=nosys.specs", "-Wl,--gc-sections", f"-T{work / 'board.ld'}", "-o", str(elf)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return elf


def read_uart_until_end(url: str, timeout: float = 120) -> str:
    host, port = url.removeprefix("socket://").split(":")
    text = b""
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        deadline = time.monotonic() + timeout   # a bound on a hung board, not an assertion
        while b"END\n" not in text and time.monotonic() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                break
            text += chunk
    return text.decode(errors="replace")


@pytest.mark.qemu
@pytest.mark.slow
def test_two_models_on_mps2_an386_bit_exact_with_tflm(lib, reference, tmp_path):
    from tinyc.device.qemu import Qemu
    out, manifest = lib
    board = get_board(BOARD)
    xs, ys = reference
    write_inputs_header(tmp_path / "inputs.h", xs)
    elf = link_firmware(out, tmp_path, board)
    with Qemu(board, elf, lifetime=300) as q:
        text = read_uart_until_end(q.url)
    assert text.endswith("END\n"), text[-300:]
    lines = text.splitlines()[:-1]
    assert len(lines) == 2 * SAMPLES, text[:300]
    for i, line in enumerate(lines):
        name, hexbytes = line.split()
        s = i // 2
        assert name == list(NAMES)[i % 2]
        want = np.ascontiguousarray(ys[name][s][0]).tobytes().hex()
        assert hexbytes == want, f"{name} sample {s} differs from TFLM"


# --- bad input: one error line, nothing written or deleted ------------------------------------

def one_error_line(r: subprocess.CompletedProcess, code: int, text: str) -> None:
    assert r.returncode == code, r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and text in lines[-1], r.stderr
    assert "Traceback" not in r.stderr


def test_a_folder_with_the_users_files_is_refused_and_kept(tmp_path):
    out = tmp_path / "lib"
    out.mkdir()
    (out / "main.c").write_text("int main(void) { return 0; }\n")
    one_error_line(run_tinyc("export", specs()[0], "-o", out), 2, "is not a tinyc build")
    assert [p.name for p in out.iterdir()] == ["main.c"]
    assert [p.name for p in tmp_path.iterdir()] == ["lib"]     # no staging folder left


def test_an_earlier_export_is_replaced_but_not_one_the_user_added_to(tmp_path):
    out = tmp_path / "lib"
    export(out)
    export(out, "--shared-arena")
    assert (out / "tinyc_shared_arena.c").is_file()
    export(out, models=[specs()[0]])      # files of the earlier export go with it
    assert not (out / "ad01.c").exists() and not (out / "tinyc_shared_arena.c").exists()
    (out / "notes.txt").write_text("mine")
    one_error_line(run_tinyc("export", specs()[0], "-o", out), 2, "tinyc did not write")
    assert (out / "notes.txt").read_text() == "mine" and (out / "kws.c").is_file()


@pytest.mark.parametrize("names, text", [
    (["int"], "not a usable C name"),
    (["conv2d_s8"], "taken by tinyc's own files"),
    (["tinyc_kws"], "taken by tinyc's own files"),
    (["kws", "KWS"], "both named"),
])
def test_bad_names(tmp_path, names, text):
    paths = [model("kws_ref_model"), model("ad01_int8")]
    r = run_tinyc("export", *(f"{p}:{n}" for p, n in zip(paths, names)), "-o", tmp_path / "lib")
    one_error_line(r, 2, text)
    assert not (tmp_path / "lib").exists()


def test_models_that_fit_alone_but_not_together(tmp_path):
    vww = model("vww_96_int8")
    many = [f"{vww}:m{i}" for i in range(8)]   # 8 x 36 KB arenas: more than nano33's RAM
    r = run_tinyc("export", *many, "--board", "nano33", "-o", tmp_path / "lib")
    one_error_line(r, 1, "--shared-arena would need")
    assert not (tmp_path / "lib").exists()


def test_default_names_come_from_the_file_names(tmp_path):
    manifest = export(tmp_path / "lib", models=[str(model("kws_ref_model"))])
    assert [m["name"] for m in manifest["models"]] == ["kws_ref_model"]
    assert "kws_ref_model_invoke" in manifest["models"][0]["api"]["functions"]


# --- several inputs and outputs, float32 I/O ---------------------------------------------------

def _two_in_two_out(a, b):
    import tensorflow as tf
    h = tf.keras.layers.Dense(6)(tf.keras.layers.Concatenate()([a, b]))
    return [tf.keras.layers.Add()([a, b]), tf.keras.layers.Dense(3, activation="relu")(h)]


def f32_app_source(name: str, g) -> str:
    """main: read every input as floats (stdin), NAME_set_input_f32 each, invoke, write every
    output as floats (NAME_get_output_f32)."""
    ins = [g.tensors[t].elements for t in g.inputs]
    outs = [g.tensors[t].elements for t in g.outputs]
    u = name.upper()
    body = [f"#include <stdio.h>\n#include \"{name}.h\"\n",
            f"#if {u}_INPUT_COUNT != {len(ins)} || {u}_OUTPUT_COUNT != {len(outs)}\n#error counts\n#endif",
            "int main(void)\n{",
            f"    if ({name}_init() != 0)\n        return 1;"]
    for i, n in enumerate(ins):
        body += [f"    static float x{i}[{n}];",
                 f"    if (fread(x{i}, sizeof(float), {n}, stdin) != {n})\n        return 2;",
                 f"    {name}_set_input_f32({i}, x{i});"]
    body.append(f"    if ({name}_invoke() != 0)\n        return 3;")
    for i, n in enumerate(outs):
        body += [f"    static float y{i}[{n}];", f"    {name}_get_output_f32({i}, y{i});",
                 f"    fwrite(y{i}, sizeof(float), {n}, stdout);"]
    body.append("    return 0;\n}\n")
    return "\n".join(body)


@pytest.mark.slow
@pytest.mark.parametrize("int8_io", [True, False], ids=["int8-io", "float-io"])
def test_several_inputs_and_outputs(tmp_path, int8_io):
    from modelgen import int8_model
    path = int8_model("export_2in2out", _two_in_two_out, [(1, 8), (1, 8)], seed=3,
                      int8_io=int8_io)
    g = load_model(str(path))
    out = tmp_path / "lib"
    export(out, models=[f"{path}:net"])
    (tmp_path / "main.c").write_text(f32_app_source("net", g))
    exe = compile_app(out, tmp_path / "app", sources=(tmp_path / "main.c",))
    rng = np.random.default_rng(9)
    xs = [rng.uniform(-1, 1, g.tensors[t].shape).astype(np.float32) for t in g.inputs]
    got = np.frombuffer(run_app(exe, "", b"".join(x.tobytes() for x in xs)), np.float32)
    # TFLM on the same inputs; the int8 model's float helpers are numpy's (de)quantization
    ins = [g.tensors[t] for t in g.inputs]
    outs = [g.tensors[t] for t in g.outputs]
    if int8_io:
        feed = [numpy_quantize(x, float(t.quant.scale[0]), int(t.quant.zero_point[0]))
                for x, t in zip(xs, ins)]
    else:
        feed = xs
    ref = tflm_outputs(g, [feed])[0]
    if int8_io:
        ref = [numpy_dequantize(r, float(t.quant.scale[0]), int(t.quant.zero_point[0]))
               for r, t in zip(ref, outs)]
    want = np.concatenate([np.asarray(r, np.float32).reshape(-1) for r in ref])
    assert got.tobytes() == want.tobytes()


def test_a_model_with_state_does_not_share_its_arena(tmp_path):
    import tflite_edit
    m = tflite_edit.load(model("ad01_int8"))
    sub = m.subgraphs[0]
    inner = sub.operators[0].outputs[0]    # an activation between two ops
    sub.tensors[inner].isVariable = True
    path = tmp_path / "stateful.tflite"
    tflite_edit.save(m, path)
    r = run_tinyc("export", f"{path}:st", specs()[0], "--shared-arena", "-o", tmp_path / "lib")
    one_error_line(r, 2, "keeps state between invokes")
    assert not (tmp_path / "lib").exists()


# Seconds per case (host builds under sanitizers, cross-compiles): the full suite runs them,
# the fast loop does not.
pytestmark = pytest.mark.slow
