"""Run generated C in this process: compile it into a shared library and call it with ctypes.

The fast path for kernel tests and for --debug-layers (every intermediate tensor can be
read from the arena). Boards, the host board included, are driven over the protocol.
"""
from __future__ import annotations

import ctypes
import hashlib
import shutil
import subprocess
from pathlib import Path

import numpy as np

from tinyc.dtypes import model_api_dtypes
from tinyc.errors import TinycError
from tinyc.ir import Graph

NP_DTYPES = {d.name: d.np for d in model_api_dtypes()}
WARNINGS = ["-Wall", "-Wextra", "-Werror", "-std=c99"]


def compile_shared(sources: list[Path], include_dirs: list[Path], out: Path,
                   sanitize: bool = False, opt: str = "-O1", asan: bool = False) -> Path:
    """sanitize: UBSan and the kernels' debug asserts (TINYC_DEBUG). asan: AddressSanitizer
    too; such a library loads only into a process started with libasan preloaded
    (asan_runtime())."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise TinycError("no C compiler found (cc/gcc): install gcc (apt-get install gcc)")
    flags = WARNINGS + [opt, "-g", "-shared", "-fPIC"]
    if sanitize or asan:
        flags += ["-fsanitize=undefined", "-fno-sanitize-recover=all", "-DTINYC_DEBUG"]
    if asan:
        flags += ["-fsanitize=address", "-fno-omit-frame-pointer"]
    cmd = [cc, *flags, *[f"-I{d}" for d in include_dirs], *map(str, sources), "-o", str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        log = Path(f"{out}.log")
        log.write_text(r.stdout + r.stderr)
        first = (r.stderr.strip().splitlines() or [f"exit code {r.returncode}"])[0]
        raise TinycError(f"host compile failed: {first} (full log: {log})")
    return out


class HostModel:
    """A generated model loaded from a shared library."""

    def __init__(self, so_path: Path, graph: Graph):
        self.graph = graph
        self.lib = ctypes.CDLL(str(so_path))
        self.lib.tinyc_input.restype = ctypes.c_void_p
        self.lib.tinyc_output.restype = ctypes.c_void_p
        self.lib.tinyc_input.argtypes = [ctypes.c_int]
        self.lib.tinyc_output.argtypes = [ctypes.c_int]
        if self.lib.tinyc_init() != 0:
            raise TinycError("tinyc_init() failed")
        self._hook_type = ctypes.CFUNCTYPE(None, ctypes.c_int)

    def _copy_in(self, k: int, x: np.ndarray) -> None:
        t = self.graph.tensors[self.graph.inputs[k]]
        a = np.ascontiguousarray(x, dtype=NP_DTYPES[t.dtype]).reshape(-1)
        if a.nbytes != t.nbytes:
            raise TinycError(f"input {k} has {a.nbytes} bytes, the model wants {t.nbytes}")
        ctypes.memmove(self.lib.tinyc_input(k), a.ctypes.data, a.nbytes)

    def _copy_out(self, k: int) -> np.ndarray:
        t = self.graph.tensors[self.graph.outputs[k]]
        buf = ctypes.string_at(self.lib.tinyc_output(k), t.nbytes)
        return np.frombuffer(buf, NP_DTYPES[t.dtype]).reshape(t.shape).copy()

    def run(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        for k, x in enumerate(inputs):
            self._copy_in(k, x)
        if self.lib.tinyc_invoke() != 0:
            raise TinycError("tinyc_invoke() returned an error")
        return [self._copy_out(k) for k in range(len(self.graph.outputs))]

    def run_layers(self, inputs: list[np.ndarray], plan) -> dict[int, np.ndarray]:
        """Run once and read each op's outputs right after the op (via the op hook)."""
        seen: dict[int, np.ndarray] = {}
        # the arena is static in the library: its start is input 0's address minus its offset
        first = self.graph.inputs[0]
        arena_base = self.lib.tinyc_input(0) - plan.offset(first)

        def hook(i):
            for tid in self.graph.ops[i].outputs:
                t = self.graph.tensors[tid]
                buf = ctypes.string_at(arena_base + plan.offset(tid), t.nbytes)
                seen[tid] = np.frombuffer(buf, NP_DTYPES.get(t.dtype, np.int8)).reshape(t.shape).copy()

        cb = self._hook_type(hook)
        hook_ptr = ctypes.c_void_p.in_dll(self.lib, "tinyc_op_hook")
        hook_ptr.value = ctypes.cast(cb, ctypes.c_void_p).value
        try:
            self.run(inputs)
        finally:
            hook_ptr.value = None
        return seen


def asan_runtime() -> str:
    """The libasan.so to preload (LD_PRELOAD) into a process that loads an asan=True library."""
    cc = shutil.which("cc") or shutil.which("gcc") or "gcc"
    r = subprocess.run([cc, "-print-file-name=libasan.so"], capture_output=True, text=True)
    return r.stdout.strip()


def build_host_model(graph: Graph, board, plan, work_dir: Path, sanitize: bool = False,
                     asan: bool = False, load: bool = True):
    """Generate the native sources for `plan` and load them in-process (load=False: only
    compile, and return the library's path, e.g. for an ASan build run in a child)."""
    from tinyc.backends.native.codegen import RUNTIME_DIR, generate_firmware
    work_dir = Path(work_dir)
    src = generate_firmware(graph, board, plan, work_dir)
    sources = ([f for f in src.generated if f.suffix == ".c"] + src.kernel_sources
               + [RUNTIME_DIR / "tinyc_hooks.c"])
    digest = hashlib.sha256(b"".join(Path(s).read_bytes() for s in sources)).hexdigest()[:12]
    tag = "_asan" if asan else "_san" if sanitize else ""
    so = work_dir / f"libtinyc_model_{digest}{tag}.so"
    if not so.exists():
        compile_shared(sources, src.include_dirs, so, sanitize=sanitize, asan=asan)
    return HostModel(so, graph) if load else so
