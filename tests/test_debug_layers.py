"""--debug-layers names the first op whose output differs from TFLM."""
import dataclasses

from conftest import model
from tinyc.backends.native import lower
import tinyc.backends.native.ops  # noqa: F401  (registers the real lowerings)
from tinyc.verify import first_mismatching_op


def test_names_the_first_wrong_op(monkeypatch, tmp_path):
    good = lower.LOWERINGS["FULLY_CONNECTED"]

    def off_by_one_at_op3(ctx, op):
        call = good.lower(ctx, op)
        if op.index == 3:  # corrupt the bias of one layer: every later op inherits the error
            bias = call.args[3]
            arr = next(c for c in ctx.consts if c.name == bias)
            arr.data = arr.data + 1000
        return call

    monkeypatch.setitem(lower.LOWERINGS, "FULLY_CONNECTED",
                        dataclasses.replace(good, lower=off_by_one_at_op3))
    first = first_mismatching_op(str(model("ad01_int8")), "native", 0, tmp_path)
    assert first is not None and first["op_index"] == 3 and first["op"] == "FULLY_CONNECTED"
    assert first["mismatched_bytes"] > 0


def test_nothing_reported_when_exact(tmp_path):
    assert first_mismatching_op(str(model("ad01_int8")), "native", 0, tmp_path) is None
