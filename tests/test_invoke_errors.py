"""A kernel that fails on the board is named: the op index travels from the generated
tinyc_invoke() through the harness's INVOKE answer to one `error:` line naming op and status."""
import re
import types

import pytest

from conftest import model, run_tinyc
from tests.device_fixtures import build_fixture, sample
from tinyc.boards import get_board
from tinyc.device import protocol as P
from tinyc.device.client import Device, InvokeFailed, _host_program
from tinyc.errors import TinycError
from tinyc.paths import FIRMWARE_DIR

AD01 = model("ad01_int8")
KERNEL_H = FIRMWARE_DIR / "kernels" / "tinyc_kernel.h"


def test_every_kernel_status_has_a_name():
    values = {int(v) for v in re.findall(r"TINYC_KERNEL_\w+\s*=\s*(\d+)", KERNEL_H.read_text())}
    assert values and values == set(P.KERNEL_STATUS_NAMES)


def test_the_failing_op_and_its_status_come_back(tmp_path):
    elf = build_fixture(tmp_path, "host", defines={"TINYC_FIXTURE_FAIL_OP": "1",
                                                    "TINYC_FIXTURE_FAIL_STATUS": "3"}).elf
    with _host_program(elf) as t:
        dev = Device(t, timeout=1.0)
        dev.set_input(0, sample(0)[0])
        with pytest.raises(InvokeFailed) as e:
            dev.invoke()
    assert (e.value.op_index, e.value.kernel_status, e.value.status) == (1, 3, 1)
    assert e.value.exit_code == 1
    assert "op 1 failed on the board (status 3: bad parameters)" in e.value.message


@pytest.mark.slow
def test_a_kernel_failure_in_generated_code_names_the_op(tmp_path):
    """Op 3 of ad01 (FULLY_CONNECTED) is made to fail in the generated C: the host says so."""
    from tinyc.build.cmake import compile_project
    from tinyc.frontend import load_model
    from tinyc.reference import random_inputs
    from tinyc.verify import run_on_board
    out = tmp_path / "p"
    r = run_tinyc("build", AD01, "--board", "host", "-o", out, "--no-compile")
    assert r.returncode == 0, r.stderr
    src = out / "src" / "model.c"
    text = src.read_text()
    call = re.search(r"/\* op 3 FULLY_CONNECTED \*/\n.*?(tinyc_fully_connected_s8)\(", text, re.S)
    assert call, "op 3's call not found in the generated model.c"
    text = (text[:call.start(1)] + "failing_fully_connected" + text[call.end(1):])
    text = text.replace("int model_invoke(void)", """\
static int failing_fully_connected(const tinyc_fully_connected_params *p, const int8_t *in,
                                   const int8_t *w, const int32_t *b, int8_t *out)
{
    (void)p; (void)in; (void)w; (void)b; (void)out;
    return TINYC_KERNEL_BAD_SCRATCH;
}

int model_invoke(void)""", 1)
    src.write_text(text)
    board = get_board("host")
    elf = compile_project(out, board).elf
    g = load_model(AD01)
    build = types.SimpleNamespace(graph=g, board=board, elf=elf)
    with pytest.raises(TinycError) as e:
        run_on_board(build, random_inputs(g, 1, seed=0), quiet=True)
    assert e.value.exit_code == 1 and "\n" not in e.value.message
    assert "op 3 FULLY_CONNECTED failed on the board (status 2: scratch too small)" \
        in e.value.message, e.value.message
