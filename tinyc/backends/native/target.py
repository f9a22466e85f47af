"""What a kernel choice may depend on: the board's core features and the user's kernel option.

`select(graph, op, target) -> KernelChoice` is the one predicate per op (CMSIS-NN's wrapper
pattern, done at compile time): the lowering emits the call it names and the planner reserves
the scratch it names, so the two can never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass, field

KERNEL_SETS = ("auto", "portable")
# speed: each op's fastest variant; ram: a variant whose access order lets its output overlap
# its input wherever one exists; balanced: speed, except the ops `ram_ops` the planner switched
# because they lower the arena for at most 5 % more (estimated) instructions
OPTIMIZE = ("balanced", "speed", "ram")


@dataclass(frozen=True)
class Target:
    """The board plus the kernel set; `features` are what the chosen kernels may use."""
    board: object = None
    kernels: str = "auto"
    features: frozenset = field(default=None)
    optimize: str = "balanced"
    ram_ops: frozenset = frozenset()     # op indices that take their RAM variant (balanced)
    fuse: bool = True                    # row-streamed op pairs allowed (fusion.py)
    patch: object = None                 # patch.PatchSpec: the stage run patch by patch
    # 1x1 ops of the DSP pairs that run row-streamed (balanced); None: every pair fusion.py finds
    fused_ops: frozenset | None = None

    def __post_init__(self):
        if self.features is None:
            feats = frozenset()
            if self.kernels == "auto" and self.board is not None:
                feats = frozenset(getattr(self.board, "features", ()))
            object.__setattr__(self, "features", feats)

    def has(self, feature: str) -> bool:
        return feature in self.features

    def wants_ram(self, op_index: int) -> bool:
        return self.optimize == "ram" or op_index in self.ram_ops


PORTABLE = Target(None, "portable")
# Plan-time estimates (nothing is measured before the build): the portable kernels ran 15.6
# (kws) and 13.8 (vww) instructions per MAC on mps2-an386 (QEMU -icount, `tinyc bench`), and
# an optimised variant that states no figure of its own is taken to be 2x faster.
PORTABLE_INSTRUCTIONS_PER_MAC = 15.0
OPTIMISED_SPEEDUP = 2.0
# What a conv-like kernel pays per call (parameter set-up, loop prologues) and per output row
# (row start, edge handling), beside its MACs: paid again for every patch of a layer run patch
# by patch (patch_cost.py). Measured on mps2-an386 over the patched first layers of vww and
# person_detect: 190-213 per call, 24-29 per row for the depthwise kernels.
CALL_INSTRUCTIONS = 200.0
ROW_INSTRUCTIONS = 25.0
# ... and per output value whose window reaches into SAME padding (the bounds-checked path),
# which a patch, run with VALID padding on a padded copy, never takes: 19.5-22.4 on the first
# layers of vww and person_detect (a whole layer against its patches' per-call fit).
EDGE_INSTRUCTIONS = 21.0


@dataclass(frozen=True)
class KernelChoice:
    """The C function an op calls, the firmware files it needs and its scratch in bytes.

    `overlap` is the kernel's access-order contract (tinyc/backends/native/access_order.py):
    the output may start up to `overlap` bytes above the input's start (negative: below it)
    without overwriting input the kernel still reads. None, the default, promises nothing: a
    variant that does not state its access order never gets an overlapping plan.
    `overlap_above`: the variant has a backward twin (`backward_func` in `backward_stem`.c)
    that may write an output starting `overlap_above` bytes or more above the input's start.
    `scratch_overlap`: the same contract for the scratch: it may start up to that many bytes
    above input 0's start (negative: below it) when input 0 dies at the op; None: apart.
    `ram_only`: a variant that needs less memory than the faster ones (no scratch) for more
    instructions; `select` takes it only for an op that asks for RAM (Target.wants_ram)."""
    func: str | None
    headers: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    scratch_bytes: int = 0
    variant: str = "portable"
    overlap: int | None = None
    overlap_above: int | None = None
    scratch_overlap: int | None = None
    ram_only: bool = False
    # estimated instructions per MAC, for --optimize balanced; None: PORTABLE_INSTRUCTIONS_PER_MAC
    # for the portable kernels, that divided by OPTIMISED_SPEEDUP for any other variant
    instructions_per_mac: float | None = None
    # this op's own figure where its shape makes it run far from the variant's average (a
    # narrow first layer: few channels, short columns, the generic requantization); None: the
    # figure above. The patch cost (patch_cost.py) counts the halo with it; balanced keeps the
    # averages.
    shape_instructions_per_mac: float | None = None
    call_instructions: float = CALL_INSTRUCTIONS
    row_instructions: float = ROW_INSTRUCTIONS
    edge_instructions: float = EDGE_INSTRUCTIONS

    @property
    def has_contract(self) -> bool:
        return self.overlap is not None or self.overlap_above is not None

    def estimated_instructions(self, macs: int) -> float:
        per_mac = self.instructions_per_mac
        if per_mac is None:
            per_mac = PORTABLE_INSTRUCTIONS_PER_MAC / (1 if self.variant == "portable"
                                                       else OPTIMISED_SPEEDUP)
        return macs * per_mac

    def shape_instructions(self, macs: int, rows: int = 0, calls: int = 0,
                           edge_values: int = 0) -> float:
        """Estimated instructions of `calls` calls writing `rows` output rows, `edge_values`
        output values whose window reaches into the padding and `macs` MACs in all, at this
        op's own figure per MAC."""
        per_mac = self.shape_instructions_per_mac
        mac_part = self.estimated_instructions(macs) if per_mac is None else macs * per_mac
        return (mac_part + calls * self.call_instructions + rows * self.row_instructions
                + edge_values * self.edge_instructions)

    def backward(self) -> "KernelChoice":
        """The backward twin: `<func>_backward` in `<stem>_backward.c`."""
        stem = self.sources[0][:-2] + "_backward"
        return KernelChoice(self.func + "_backward", self.headers + (f"{stem}.h",), (f"{stem}.c",),
                            self.scratch_bytes, self.variant + "-backward")


def portable(func: str | None, stem: str | None = None, scratch_bytes: int = 0,
             overlap: int | None = None, overlap_above: int | None = None) -> KernelChoice:
    """The portable kernel `stem.c`/`stem.h` (no code at all when func is None)."""
    if func is None:
        return KernelChoice(None)
    return KernelChoice(func, (f"{stem}.h",), (f"{stem}.c",), scratch_bytes, "portable",
                        overlap, overlap_above)
