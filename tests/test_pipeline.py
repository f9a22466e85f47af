"""The pipeline's seams: named steps that dump their result, one Backend interface."""
import os

from conftest import model, run_tinyc
from tinyc import backends
from tinyc.backends.native.backend import NativeBackend
from tinyc.boards import get_board
from tinyc.pipeline import compile_model

AD01 = model("ad01_int8")


def _build(tmp_path, debug):
    env = {**os.environ, "TINYC_DEBUG": debug}
    return run_tinyc("build", AD01, "--board", "host", "--no-compile", "-o", tmp_path / debug,
                     env=env)


def test_debug_dumps_the_named_steps_only(tmp_path):
    r = _build(tmp_path, "plan,lower")
    assert r.returncode == 0, r.stderr
    assert "--- plan ---" in r.stderr and '"arena_bytes": 768' in r.stderr
    assert "--- lower ---\nop 0 FULLY_CONNECTED: tinyc_fully_connected_s8(&op0_params" in r.stderr
    assert "--- generate ---" not in r.stderr and "--- load ---" not in r.stderr
    r = _build(tmp_path, "1")     # 1 means tracebacks, not dumps
    assert r.returncode == 0 and "---" not in r.stderr


def test_generated_header_says_where_it_came_from_not_the_process_argv(tmp_path):
    assert _build(tmp_path, "0").returncode == 0
    head = (tmp_path / "0" / "src" / "tinyc_model_glue.c").read_text().splitlines()[3]
    assert head == (" * command: tinyc build ad01_int8.tflite --board host --backend native "
                    "--strategy auto --kernels auto")
    # the model's library code is the export's, and says so
    head = (tmp_path / "0" / "src" / "model.c").read_text().splitlines()[3]
    assert head == (" * command: tinyc export ad01_int8.tflite:model --board host "
                    "--strategy auto --kernels auto")


class _Renamed(NativeBackend):
    """A backend the pipeline has never heard of: the native one under another name."""
    name = "renamed"

    def generate(self, graph, board, plan, out, options, provenance):
        src = super().generate(graph, board, plan, out, options, provenance)
        src.facts["renamed_files"] = len(src.generated)
        return src


def test_a_registered_backend_needs_no_pipeline_change(tmp_path, monkeypatch):
    monkeypatch.setitem(backends._REGISTRY, "renamed", f"{__name__}:_Renamed")
    b = compile_model(str(AD01), get_board("host"), "renamed", out_dir=tmp_path / "p",
                      compile=False, quiet=True)
    rep = b.to_json()
    assert rep["backend"] == "renamed" and rep["renamed_files"] == 3   # model.c, .h, glue
    assert (tmp_path / "p" / "src" / "model.c").exists()
