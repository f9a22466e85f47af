"""The static arena planner: an independent validator over every shared model, TFLM's arena as
the bar, the exact solver, in-place ops, branch reordering and `tinyc plan`."""
import json

import pytest

from conftest import ALL_MODELS, model, run_tinyc, tflm_arena_head
from tinyc.boards import get_board
from tinyc.frontend import read_model
from tinyc.ir import Graph, Op, Tensor
from tinyc.planner import DEFAULT_RULES, plan_memory
from tinyc.planner import solver
from tinyc.planner.heuristics import arena_of, best_heuristic
from tinyc.planner.lifetimes import Buffer

BOARD = get_board(None)
TLIMIT = 2.0
# TFLM's activation arena ("head") from the issue; checked against the wheel below.
TFLM_HEADS = {"kws_ref_model": 16000, "vww_96_int8": 73728, "pretrainedResnet_quant": 49152,
              "ad01_int8": 768, "str_ww_ref_model": 6656, "person_detect": 55296}


def validate(graph, plan, rules=DEFAULT_RULES):
    """Independent of the planner: lifetimes recomputed from the graph and the schedule."""
    sched = plan.schedule
    assert sorted(sched) == list(range(len(graph.ops)))
    step = {k: s for s, k in enumerate(sched)}
    produced = {o: k for k, op in enumerate(graph.ops) for o in op.outputs}
    for k, op in enumerate(graph.ops):   # a topological order
        for i in op.inputs:
            if i in produced and produced[i] != k:
                assert step[produced[i]] < step[k], f"op {k} runs before its input's producer"
    end = len(sched) - 1
    # op pairs run as one kernel: the producer's output is never stored, and the consumer
    # reads the producer's input
    fused = getattr(plan, "fused", {})
    unstored = {graph.ops[j].outputs[0] for j in fused}
    reads = {k: set(op.inputs) for k, op in enumerate(graph.ops)}
    for j, k in fused.items():
        reads[k].add(graph.ops[j].inputs[0])
    live = {}
    for t in graph.activations():
        if t.id in unstored:
            continue
        first = 0 if t.id in graph.inputs or t.is_variable or t.id not in produced \
            else step[produced[t.id]]
        uses = [step[k] for k in reads if t.id in reads[k]]
        last = end if t.id in graph.outputs or t.is_variable else max(uses + [first])
        live[t.id] = (first, last, plan.offset(t.id), t.nbytes)
    for k, op in enumerate(graph.ops):
        sc = plan.scratch(k)
        want = rules.scratch_bytes(graph, op)
        if want:
            assert sc is not None and sc[1] >= want
            live[f"scratch{k}"] = (step[k], step[k], sc[0], sc[1])
    alias = {e["id"]: e["alias_of"] for e in plan.buffers if e["alias_of"] is not None}

    def root(i):
        while i in alias:
            i = alias[i]
        return i

    # an op whose kernel states an access order may write its output over its input when the
    # input dies there and the output starts at most `shift` bytes above it (or, backward, at
    # least `above` bytes above it)
    may_share = set()
    for k, op in enumerate(graph.ops):
        if not op.inputs or len(op.outputs) != 1:
            continue
        x, y = op.inputs[0], op.outputs[0]
        shift = rules.overlap(graph, op) if hasattr(rules, "overlap") else None
        above = rules.overlap_above(graph, op) if hasattr(rules, "overlap_above") else None
        if not (x in live and y in live and live[x][1] == step[k] == live[y][0]
                and x not in graph.outputs):
            continue
        if ((shift is not None and live[y][2] <= live[x][2] + shift)
                or (above is not None and live[y][2] >= live[x][2] + above)):
            may_share |= {(x, y), (y, x)}

    for i, (f, l, off, size) in live.items():
        assert off % plan.alignment == 0, f"tensor {i} misaligned"
        assert 0 <= off and off + size <= plan.arena_bytes, f"tensor {i} outside the arena"
    items = sorted(live.items(), key=lambda kv: kv[1][2])
    for a, (fa, la, oa, sa) in items:
        for b, (fb, lb, ob, sb) in items:
            if ob >= oa + sa:
                break
            if a == b or ob + sb <= oa or la < fb or lb < fa or (a, b) in may_share:
                continue
            assert root(a) == root(b), f"tensors {a} and {b} overlap while both live"
    for i, j in alias.items():   # an alias shares its source's bytes exactly
        assert plan.offset(i) == plan.offset(j)
    assert plan.lower_bound_bytes <= plan.arena_bytes


class ScratchEverywhere:
    """Rules that ask for scratch at every op and allow in place wherever sizes match."""

    def scratch_bytes(self, graph, op):
        return 100 + 7 * op.index

    def inplace(self, graph, op):
        ins = [graph.tensors[i] for i in op.inputs if i >= 0]
        return bool(ins) and ins[0].nbytes == graph.tensors[op.outputs[0]].nbytes


@pytest.mark.parametrize("path", ALL_MODELS, ids=lambda p: p.stem)
@pytest.mark.fast_first
def test_every_model_plans_validly(path):
    g = read_model(path)
    for strategy in ("greedy", "auto"):
        validate(g, plan_memory(g, BOARD, strategy=strategy, time_limit_s=TLIMIT))
    rules = ScratchEverywhere()
    validate(g, plan_memory(g, BOARD, rules=rules, time_limit_s=TLIMIT), rules)


@pytest.mark.parametrize("name", sorted(TFLM_HEADS))
def test_arena_not_above_tflm_and_optimal(name):
    path = model(name)
    head = tflm_arena_head(path)
    assert head == TFLM_HEADS[name]
    plan = plan_memory(read_model(path), BOARD, time_limit_s=TLIMIT)
    assert plan.arena_bytes <= head
    if plan.optimal:
        assert plan.arena_bytes == plan.lower_bound_bytes


def test_greedy_is_tflm_baseline_and_auto_never_worse():
    for name in TFLM_HEADS:
        g = read_model(model(name))
        greedy = plan_memory(g, BOARD, strategy="greedy")
        auto = plan_memory(g, BOARD, strategy="auto", time_limit_s=TLIMIT)
        assert greedy.strategy == "greedy-by-size/first-fit"
        assert auto.arena_bytes <= greedy.arena_bytes


def test_deterministic():
    g = read_model(model("vww_96_int8"))
    a = plan_memory(g, BOARD, time_limit_s=TLIMIT).to_json()
    b = plan_memory(g, BOARD, time_limit_s=TLIMIT).to_json()
    assert a == b


def test_reshape_is_a_view():
    g = read_model(model("kws_ref_model"))
    plan = plan_memory(g, BOARD)
    op = next(op for op in g.ops if op.opcode == "RESHAPE")
    entry = next(e for e in plan.buffers if e["id"] == op.outputs[0])
    assert entry["alias_of"] == op.inputs[0]
    assert plan.offset(op.outputs[0]) == plan.offset(op.inputs[0])


# --- small graphs made by hand -------------------------------------------------------------

def _graph(sizes: dict, ops: list, inputs, outputs) -> Graph:
    tensors = [Tensor(i, f"t{i}", (sizes[i],), "int8") for i in range(len(sizes))]
    return Graph("hand", "0" * 64, tensors,
                 [Op(k, code, ins, outs) for k, (code, ins, outs) in enumerate(ops)],
                 inputs, outputs)


def test_inplace_elementwise_over_a_dying_input():
    g = _graph({0: 64, 1: 256, 2: 256, 3: 32},
               [("CONV_2D", [0], [1]), ("RELU", [1], [2]), ("FULLY_CONNECTED", [2], [3])],
               [0], [3])
    plan = plan_memory(g, BOARD)
    validate(g, plan)
    assert plan.offset(2) == plan.offset(1)
    assert next(e for e in plan.buffers if e["id"] == 2)["alias_of"] == 1
    assert plan.arena_bytes == 64 + 256


def test_no_inplace_when_the_input_lives_on_or_is_a_graph_output():
    # t1 is read again by op 2: RELU may not write over it
    g = _graph({0: 64, 1: 256, 2: 256, 3: 256},
               [("CONV_2D", [0], [1]), ("RELU", [1], [2]), ("ADD", [1, 2], [3])], [0], [3])
    plan = plan_memory(g, BOARD)
    validate(g, plan)
    assert plan.offset(2) != plan.offset(1)
    # t1 is a graph output: the host reads it after invoke
    g = _graph({0: 64, 1: 256, 2: 256},
               [("CONV_2D", [0], [1]), ("RELU", [1], [2])], [0], [1, 2])
    plan = plan_memory(g, BOARD)
    validate(g, plan)
    assert plan.offset(2) != plan.offset(1)


def test_graph_outputs_are_never_overwritten():
    g = _graph({0: 64, 1: 512, 2: 512, 3: 512},
               [("CONV_2D", [0], [1]), ("CONV_2D", [0], [2]), ("CONV_2D", [2], [3])],
               [0], [1, 3])
    plan = plan_memory(g, BOARD)
    validate(g, plan)
    e = {x["id"]: x for x in plan.buffers}
    assert e[1]["last_op"] == len(g.ops) - 1


def test_branches_reordered_when_that_lowers_the_peak():
    # branch A: small then a 500 B result held until the ADD; branch B: a 1000 B intermediate.
    # Graph order runs A first and holds its result across B's peak.
    g = _graph({0: 100, 1: 10, 2: 500, 3: 1000, 4: 500, 5: 500},
               [("CONV_2D", [0], [1]), ("CONV_2D", [1], [2]),
                ("CONV_2D", [0], [3]), ("CONV_2D", [3], [4]), ("ADD", [2, 4], [5])],
               [0], [5])
    greedy = plan_memory(g, BOARD, strategy="greedy")
    auto = plan_memory(g, BOARD)
    validate(g, greedy)
    validate(g, auto)
    assert greedy.schedule == [0, 1, 2, 3, 4]
    assert auto.schedule.index(3) < auto.schedule.index(1)   # B's peak before A's result
    assert auto.arena_bytes < greedy.arena_bytes
    assert auto.strategy.endswith("+reordered")


def test_scratch_is_placed_for_its_op_only():
    g = _graph({0: 64, 1: 64, 2: 64},
               [("CONV_2D", [0], [1]), ("CONV_2D", [1], [2])], [0], [2])
    rules = ScratchEverywhere()
    plan = plan_memory(g, BOARD, rules=rules)
    validate(g, plan, rules)
    assert plan.scratch(0)[1] == 100 and plan.scratch(1)[1] == 107
    assert any(e["id"] == "scratch:op1" for e in plan.buffers)


def test_cp_sat_finds_the_optimum_the_heuristics_miss():
    # every heuristic order gives 128 B; the load bound (112 B at step 1) is reachable
    spec = [(16, 1, 1), (16, 1, 1), (32, 0, 2), (48, 3, 3), (48, 1, 1), (16, 2, 3), (32, 2, 4)]
    bufs = [Buffer(size, s, e, members=[i]) for i, (size, s, e) in enumerate(spec)]
    name, offs = best_heuristic(bufs, 5, 16)
    assert arena_of(bufs, offs, 16) == 128
    res = solver.solve(bufs, 16, 112, offs, time_limit_s=5)
    assert res.optimal and res.arena == res.bound == 112
    for i, a in enumerate(bufs):
        assert res.offsets[i] % 16 == 0
        for j, b in enumerate(bufs[:i]):
            if a.overlaps_in_time(b):
                assert (res.offsets[i] + a.size <= res.offsets[j]
                        or res.offsets[j] + b.size <= res.offsets[i])


def test_auto_takes_reordering_and_cp_sat_together():
    g = _graph({0: 32, 1: 48, 2: 48, 3: 64, 4: 16, 5: 16, 6: 64},
               [("CONV_2D", [0], [1]), ("CONV_2D", [0], [2]), ("CONV_2D", [0], [3]),
                ("CONV_2D", [1], [4]), ("CONV_2D", [0, 1], [5]), ("CONV_2D", [1], [6])],
               [0], [6])
    greedy = plan_memory(g, BOARD, strategy="greedy")
    auto = plan_memory(g, BOARD, strategy="auto", time_limit_s=TLIMIT)
    validate(g, greedy)
    validate(g, auto)
    assert greedy.arena_bytes == 144
    assert auto.arena_bytes == auto.lower_bound_bytes == 112 and auto.optimal
    assert auto.strategy == "cp-sat+reordered"


# --- the command ---------------------------------------------------------------------------

def test_plan_json_contract(tmp_path):
    svg = tmp_path / "arena.svg"
    r = run_tinyc("plan", model("kws_ref_model"), "--board", "nano33ble", "--json", "--svg", svg)
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    for k in ("board", "strategy", "arena_bytes", "lower_bound_bytes", "ram", "flash", "fits",
              "tensors"):
        assert k in j
    assert j["board"] == "nano33" and j["fits"] is True
    assert set(j["ram"]) >= {"arena", "runtime", "reserve", "total", "budget"}
    assert set(j["flash"]) >= {"weights", "code", "total", "budget"}
    assert j["ram"]["budget"] == 262144 and j["flash"]["budget"] == 983040
    assert set(j["tensors"][0]) >= {"id", "name", "size", "offset", "first_op", "last_op",
                                    "alias_of"}
    text = svg.read_text()
    assert text.startswith("<svg") and "peak at op" in text


def test_plan_does_not_fit_exits_1_with_one_line():
    r = run_tinyc("plan", model("mobilenet_v2_quantized_1x3x224x224"), "--board", "nano33")
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: needs ")
    assert "nano33 has 256 KB" in lines[0] and "over); peak at op " in lines[0]
    assert "fits on:" in lines[0]


def test_plan_table_and_bad_input():
    r = run_tinyc("plan", model("ad01_int8"), "--strategy", "greedy", "--kernels", "portable")
    assert r.returncode == 0 and "arena 768 B" in r.stdout and "fits mps2-an386" in r.stdout
    r = run_tinyc("plan", model("ad01_int8"), "--board", "nosuch")
    assert r.returncode == 2 and r.stderr.startswith("error: unknown board")


@pytest.mark.parametrize("name", ["kws_ref_model", "pretrainedResnet_quant"])
@pytest.mark.parametrize("strategy", ["auto", "heuristic"])
@pytest.mark.fast_first
def test_plan_and_build_report_the_same_plan(name, strategy, tmp_path):
    """`plan` shows what `build` builds: the same layout, and the same RAM figure, which is the
    arena (plan's `arena_bytes` = `ram.arena`, build's `arena_bytes`; build's `ram_bytes` is
    the ELF's and needs a compile, so the no-compile build reports the arena there too)."""
    from tinyc.commands.plan import plan_report
    from tinyc.pipeline import compile_model
    path = model(name)
    _, _, planned, _, _ = plan_report(str(path), BOARD.id, strategy)
    built = compile_model(str(path), BOARD, out_dir=tmp_path / "in", compile=False,
                          strategy=strategy, quiet=True)
    assert planned.buffers == built.plan.buffers and planned.schedule == built.plan.schedule
    p = run_tinyc("plan", path, "--board", BOARD.id, "--strategy", strategy, "--json")
    b = run_tinyc("build", path, "--board", BOARD.id, "--strategy", strategy, "--no-compile",
                  "--json", "-o", tmp_path / "cli")
    assert p.returncode == 0 and b.returncode == 0, p.stderr + b.stderr
    p, b = json.loads(p.stdout), json.loads(b.stdout)
    assert p["arena_bytes"] == p["ram"]["arena"] == b["arena_bytes"] == b["ram_bytes"]
    assert p["strategy"] == b["strategy"]
