"""RAM and flash budget of a planned model on a board, and the one-line verdict when it does
not fit. Before building these are estimates; after a build the ELF gives the exact figures.

model RAM = arena + the .data/.bss of the model's own code (model.c and its kernels): what
            the user's firmware pays (`tinyc build` reads the same figure from the objects)
RAM   = arena + runtime state (the inference code's own .data/.bss) + the board's reserve
flash = weights + code + the board's reserve
"""
from __future__ import annotations

from dataclasses import dataclass

from tinyc.errors import TinycError
from tinyc.ir import Graph

# Estimates for the native backend until the ELF says otherwise: the harness, serial protocol
# and startup code, and per kernel a few KB; runtime RAM is the protocol's frame buffers and
# a tensor table.
BASE_CODE_BYTES = 12288
CODE_BYTES_PER_KERNEL = 2048
BASE_RUNTIME_BYTES = 1024
RUNTIME_BYTES_PER_TENSOR = 8


@dataclass
class Budget:
    ram: dict      # arena, runtime, reserve, total, budget
    flash: dict    # weights, code, reserve, total, budget
    model_ram_bytes: int = 0   # arena + the model code's own state: what the user's firmware pays

    @property
    def fits_ram(self) -> bool:
        return self.ram["total"] <= self.ram["budget"]

    @property
    def fits_flash(self) -> bool:
        return self.flash["total"] <= self.flash["budget"]

    @property
    def fits(self) -> bool:
        return self.fits_ram and self.fits_flash

    def to_json(self) -> dict:
        return {"ram": self.ram, "flash": self.flash, "fits": self.fits,
                "model_ram_bytes": self.model_ram_bytes}


def weight_bytes(graph: Graph) -> int:
    used = {i for op in graph.ops for i in op.inputs if i >= 0}
    return sum(t.nbytes for t in graph.tensors if t.is_const and t.id in used)


def estimate(graph: Graph, plan, board, rules=None) -> Budget:
    code = getattr(rules, "code_bytes", None)
    code = code(graph) if code else (BASE_CODE_BYTES + CODE_BYTES_PER_KERNEL
                                     * len({op.opcode for op in graph.ops}))
    runtime = getattr(rules, "runtime_bytes", None)
    runtime = runtime(graph) if runtime else (BASE_RUNTIME_BYTES + RUNTIME_BYTES_PER_TENSOR
                                              * len(graph.activations()))
    ram = {"arena": plan.arena_bytes, "runtime": runtime, "reserve": board.reserve_ram_bytes}
    ram["total"] = sum(ram.values())
    ram["budget"] = board.ram_bytes
    flash = {"weights": weight_bytes(graph), "code": code, "reserve": board.reserve_flash_bytes}
    flash["total"] = sum(flash.values())
    flash["budget"] = board.flash_bytes
    state = getattr(rules, "model_state_bytes", None)
    return Budget(ram, flash, plan.arena_bytes + (state(graph) if state else 0))


def kb(n: int) -> str:
    s = f"{n / 1024:.1f}"
    return (s[:-2] if s.endswith(".0") else s) + " KB"


def check_fits(graph: Graph, plan, board, budget: Budget) -> None:
    """Raise the one-line error (exit 1) saying what does not fit, where, and what would help."""
    if budget.fits:
        return
    from tinyc.boards import all_boards
    if not budget.fits_ram:
        need, have, what = budget.ram["total"], budget.ram["budget"], "RAM"
        bigger = [b.id for b in all_boards() if not b.is_host and b.ram_bytes
                  - b.reserve_ram_bytes - budget.ram["runtime"] >= plan.arena_bytes]
    else:
        need, have, what = budget.flash["total"], budget.flash["budget"], "flash"
        bigger = [b.id for b in all_boards() if not b.is_host and b.flash_bytes
                  - b.reserve_flash_bytes - budget.flash["code"] >= budget.flash["weights"]]
    msg = f"needs {kb(need)} {what}, {board.id} has {kb(have)} ({kb(need - have)} over)"
    if what == "RAM":
        msg += f"; {peak_summary(graph, plan)}"
        msg += (f"; arena {kb(plan.arena_bytes)} + runtime {kb(budget.ram['runtime'])}"
                f" + kept back {kb(budget.ram['reserve'])}")
        tried = getattr(plan, "patches_tried", None)
        if tried:
            n, arena = tried["per_side"], tried["arena_bytes"]
            msg += (f"; patches were tried (--patch 2 to {tried['max_n']}): the least arena, "
                    f"about {kb(arena)} with {n}x{n}, still misses by "
                    f"{kb(need - have - plan.arena_bytes + arena)}")
        if not plan.optimal:
            msg += "; try --strategy optimal"
        msg += "; a smaller input or fewer channels around that op would lower the peak"
    else:
        msg += (f"; weights {kb(budget.flash['weights'])} + code {kb(budget.flash['code'])}"
                f" + kept back {kb(budget.flash['reserve'])}")
    if what == "RAM" and not budget.fits_flash:
        msg += (f"; flash too: needs {kb(budget.flash['total'])}, has "
                f"{kb(budget.flash['budget'])}")
    if bigger:
        msg += f"; it fits on: {', '.join(bigger)}"
    raise TinycError(msg, exit_code=1)


def peak_summary(graph: Graph, plan) -> str:
    """'peak at op 7 CONV_2D: a (24 KB) + b (12 KB) live'"""
    op = plan.peak_op
    if op is None:
        return "no ops"
    live = sorted(plan.live_at_peak(), key=lambda e: -e["size"])
    seen, parts = set(), []
    for e in live:
        key = (e["offset"], e["size"])
        if key in seen:    # an alias: same bytes, named once
            continue
        seen.add(key)
        parts.append(f"'{short_name(e['name'])}' {kb(e['size'])}")
    more = f" + {len(parts) - 3} more" if len(parts) > 3 else ""
    return (f"peak at op {op} {graph.ops[op].opcode}: {' + '.join(parts[:3])}{more}"
            f" = {kb(plan.live[plan.peak_step])} live")


def short_name(name: str, width: int = 40) -> str:
    """TFLite names list every fused op ("a/Relu;a/BiasAdd;..."): the first one says enough."""
    name = name.split(";")[0]
    return name if len(name) <= width else "…" + name[-(width - 1):]
