"""What running a stage patch by patch costs, in estimated instructions (`--patch auto`).

Three terms, each counted call by call over patch_lower.program (the calls the firmware makes):
- the halo: every layer call's MACs at its kernel's figure on that op's shape
  (KernelChoice.shape_instructions_per_mac: the first layers, where the halo is, run far slower
  per MAC than a variant's average);
- the calls: each layer runs once per patch, paying its per-call and per-row set-up again
  (KernelChoice.call_instructions, row_instructions);
- the copies (tinyc_patch_copy_s8: gather, padding, scatter): per row and per byte.
Minus the same layers run whole, which pay for their SAME padding's edges (the bounds-checked
path, KernelChoice.edge_instructions) where the patches, VALID on a padded copy, do not. What the unpatched build does differently around the stage
(a fused pair, RAM variants elsewhere) is left out: there the patched build was as fast or
faster on every model measured.
"""
from __future__ import annotations

from tinyc.backends.native.balance import _select
from tinyc.backends.native.patch import PatchSpec, window
from tinyc.backends.native.patch_lower import layer_target, program
from tinyc.backends.native.target import KernelChoice
from tinyc.ops import macs

# tinyc_patch_copy_s8 on mps2-an386 (one count per call over vww and person_detect, N = 2..8):
# a memcpy (and a memset where the row has a border) per row, then about half an instruction
# per byte (91 per row with the empty memsets the kernel no longer calls: 19 fewer).
COPY_ROW_INSTRUCTIONS = 72.0
COPY_BYTE_INSTRUCTIONS = 0.51


def edge_values(graph, op) -> int:
    """The op's output values whose window reaches into its input's padding."""
    win = window(graph, op)
    _, h, w, _ = graph.tensors[op.inputs[0]].shape
    _, oh, ow, oc = graph.tensors[op.outputs[0]].shape

    def inside(n_out, n_in, stride, pad, k, dil):
        return sum(1 for y in range(n_out)
                   if y * stride - pad >= 0 and y * stride - pad + (k - 1) * dil < n_in)
    rows = inside(oh, h, win.sh, win.pad_h, win.kh, win.dh)
    cols = inside(ow, w, win.sw, win.pad_w, win.kw, win.dw)
    return (oh * ow - rows * cols) * oc


def _layer(graph, op, target) -> float:
    """One call of op (an op with no kernel choice counts as a portable kernel)."""
    choice = _select(graph, op, target) or KernelChoice(None)
    return choice.shape_instructions(macs(graph, op), graph.tensors[op.outputs[0]].shape[1], 1,
                                     edge_values(graph, op))


def extra_instructions(graph, spec: PatchSpec, target) -> float:
    """The stage's estimated instructions run patch by patch, minus run whole."""
    prog = program(graph, spec)
    inner = layer_target(target, spec)
    extra = 0.0
    for c in prog.calls:
        if c.op is None:
            p = c.copy
            extra += (p["rows"] * COPY_ROW_INSTRUCTIONS
                      + p["rows"] * p["cols"] * p["channels"] * COPY_BYTE_INSTRUCTIONS)
        else:
            extra += _layer(prog.graph, c.op, inner)
    return extra - sum(_layer(graph, graph.ops[k], inner) for k in spec.ops)


def model_instructions(graph, target) -> float:
    """The whole model's estimated instructions, each op at its own figure."""
    total = 0.0
    for op in graph.ops:
        choice = _select(graph, op, target)
        if choice is not None:
            total += choice.shape_instructions(macs(graph, op))
    return total


def extra_instructions_pct(graph, spec: PatchSpec, target) -> float:
    """extra_instructions in % of the model's."""
    return 100.0 * extra_instructions(graph, spec, target) / max(model_instructions(graph,
                                                                                     target), 1.0)
