"""The planner with access-order contracts: every strategy keeps them, the bound stays a bound."""
from __future__ import annotations

import pytest

from conftest import ALL_MODELS, model
from test_planner import validate
from tinyc.backends.native.rules import NATIVE_RULES
from tinyc.boards import get_board
from tinyc.frontend import read_model
from tinyc.planner import plan_memory
from tinyc.planner.lifetimes import Overlap

BOARD = get_board(None)


class OverlapEverywhere:
    """Contracts of every kind on every op: below, above, one side only, zero, positive."""

    def scratch_bytes(self, graph, op):
        return 24 * (op.index % 3)

    def inplace(self, graph, op):
        return False

    def overlap(self, graph, op):
        return [-100, 0, None, 37, -5000][op.index % 5]

    def overlap_above(self, graph, op):
        return [None, 300, 64, None, 1][op.index % 5]


# the exact solver spends up to its time limit on each model: the fast loop runs it on one
STRATEGY_CASES = [pytest.param(s, p, id=f"{s}-{p.stem}",
                               marks=[pytest.mark.slow] if s == "optimal" and k else [])
                  for s in ("greedy", "heuristic", "optimal") for k, p in enumerate(ALL_MODELS)]


@pytest.mark.parametrize("strategy,path", STRATEGY_CASES)
def test_every_strategy_keeps_the_contracts(path, strategy):
    g = read_model(path)
    for rules in (OverlapEverywhere(), NATIVE_RULES):
        plan = plan_memory(g, BOARD, rules=rules, strategy=strategy, time_limit_s=1.0)
        validate(g, plan, rules)      # independent: overlaps only where a contract allows
        assert plan.lower_bound_bytes <= plan.arena_bytes
        assert plan.lower_bound_bytes <= plan.lower_bound_without_overlap_bytes


def test_footprint_is_the_least_two_buffers_can_cover():
    # brute force over every aligned placement of the output against the input
    for shift, above in [(-64, 96), (-8, 16), (0, 32), (-1000, 1000), (16, 48), (-40, 8),
                         (-64, -24), (-8, -100)]:
        for sx, sy in [(64, 32), (32, 64), (48, 48), (16, 128)]:
            ov = Overlap(0, 1, max(shift, -sy), min(above, sx), 0, 0)
            best = min(max(0 + sx, y + sy) - min(0, y) for y in range(-sy - 256, sx + 257, 8)
                       if y <= ov.shift_aligned(8) or y >= ov.above_aligned(8))
            assert ov.footprint(sx, sy, 8) == best, (shift, above, sx, sy)


def test_kws_goes_below_the_no_overlap_bound_and_runs_both_directions():
    g = read_model(model("kws_ref_model"))
    plan = plan_memory(g, BOARD, NATIVE_RULES, time_limit_s=2.0)
    assert plan.arena_bytes <= 9 * 1024 < plan.lower_bound_without_overlap_bytes
    shared = [o for o in plan.overlaps if o["overlap_bytes"] > 0]
    assert any(plan.offset(o["output_id"]) < plan.offset(o["input_id"]) for o in shared)
    assert any(plan.offset(o["output_id"]) > plan.offset(o["input_id"]) for o in shared)


def test_svg_draws_every_shared_region(tmp_path):
    import xml.etree.ElementTree as ET
    from conftest import run_tinyc
    svg = tmp_path / "kws.svg"
    r = run_tinyc("plan", model("kws_ref_model"), "--svg", svg, "--json")
    assert r.returncode == 0, r.stderr
    import json
    shared = [o for o in json.loads(r.stdout)["overlaps"] if o["overlap_bytes"] > 0]
    root = ET.parse(svg).getroot()
    hatched = [e for e in root.iter("{http://www.w3.org/2000/svg}rect")
               if e.get("fill") == "url(#overlap)"]
    assert len(hatched) == len(shared) > 0
    assert all(f"over {o['overlap_bytes']:,} B" in "".join(h.itertext())
               for o, h in zip(shared, hatched))


class OverlapAtOp3:
    def scratch_bytes(self, graph, op):
        return 0

    def inplace(self, graph, op):
        return False

    def overlap(self, graph, op):
        return 0 if op.index == 3 else None


def test_the_op_order_search_counts_overlaps():
    from test_planner import _graph
    # branch B (ops 0, 1) first in the file; branch A's op 3 may write over its input. Only
    # an order search that knows that runs A first: 416 B, where the blind order needs 432 B.
    g = _graph({0: 320, 1: 96, 2: 16, 3: 16, 4: 96, 5: 160},
               [("CONV_2D", [0], [3]), ("CONV_2D", [3], [4]), ("CONV_2D", [0], [1]),
                ("CONV_2D", [1], [2]), ("ADD", [2, 4], [5])], [0], [5])
    rules = OverlapAtOp3()
    plan = plan_memory(g, BOARD, rules=rules, strategy="heuristic")
    validate(g, plan, rules)
    assert plan.schedule == [2, 3, 0, 1, 4]
    assert plan.arena_bytes == 416
