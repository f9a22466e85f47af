"""The arena over time as an SVG: x = step of the schedule, y = address, a box per tensor."""
from __future__ import annotations

from html import escape

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac", "#86bcb6", "#8cd17d", "#f1ce63", "#a0cbe8", "#ffbe7d"]
SCRATCH = "#d3d3d3"
LEFT, RIGHT, TOP, BOTTOM = 80, 30, 72, 140
PLOT_W, PLOT_H = 900, 480


def render(plan, graph, title: str = "") -> str:
    n = max(len(plan.schedule), 1)
    top_bytes = max(plan.arena_bytes, 1)
    col = PLOT_W / n

    def x(step):
        return LEFT + step * col

    def y(addr):
        return TOP + PLOT_H - addr * PLOT_H / top_bytes

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{LEFT + PLOT_W + RIGHT}" '
           f'height="{TOP + PLOT_H + BOTTOM}" font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{LEFT}" y="20" font-size="15" font-weight="bold">{escape(title)}</text>',
           f'<text x="{LEFT}" y="38">arena {plan.arena_bytes:,} B · lower bound '
           f'{plan.lower_bound_bytes:,} B · {escape(plan.strategy)}'
           f'{" (optimal)" if plan.optimal else ""} · alignment {plan.alignment} B</text>']
    # y axis: addresses in KB
    for addr in _ticks(top_bytes):
        out.append(f'<line x1="{LEFT - 4}" x2="{LEFT + PLOT_W}" y1="{y(addr):.1f}" '
                   f'y2="{y(addr):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y(addr) + 4:.1f}" text-anchor="end">'
                   f'{_addr(addr)}</text>')
    out.append(f'<text transform="translate(18,{TOP + PLOT_H / 2}) rotate(-90)" '
               f'text-anchor="middle">arena offset</text>')
    # boxes
    for i, e in enumerate(sorted(plan.buffers, key=lambda e: (e["offset"], e["first_op"]))):
        scratch = isinstance(e["id"], str)
        color = SCRATCH if scratch else PALETTE[hash_id(e) % len(PALETTE)]
        x0, x1 = x(e["first_op"]), x(e["last_op"] + 1)
        y0, y1 = y(e["offset"] + e["size"]), y(e["offset"])
        alias = f", shares bytes of tensor {e['alias_of']}" if e["alias_of"] is not None else ""
        tip = (f"{e['name']} (id {e['id']}): {e['size']:,} B at offset {e['offset']:,}, "
               f"steps {e['first_op']}..{e['last_op']}{alias}")
        out.append(f'<rect x="{x0 + 0.5:.1f}" y="{y0:.1f}" width="{max(x1 - x0 - 1, 1):.1f}" '
                   f'height="{max(y1 - y0, 1):.1f}" fill="{color}" fill-opacity="0.85" '
                   f'stroke="#333" stroke-width="0.5"><title>{escape(tip)}</title></rect>')
        if y1 - y0 >= 14 and x1 - x0 >= 40:
            label = f"{e['id']}: {e['size'] / 1024:.1f} KB"
            if len(label) * 6 > x1 - x0 - 4:
                label = f"{e['id']}"
            out.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{(y0 + y1) / 2 + 4:.1f}" '
                       f'text-anchor="middle" fill="black">{escape(label)}</text>')
    # outputs written over their dying inputs: the shared bytes at that step, hatched
    shared = [o for o in getattr(plan, "overlaps", []) if o["overlap_bytes"] > 0]
    if shared:
        out.append('<defs><pattern id="overlap" width="6" height="6" '
                   'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
                   '<line x1="0" y1="0" x2="0" y2="6" stroke="#d62728" stroke-width="2"/>'
                   '</pattern></defs>')
        off = {e["id"]: (e["offset"], e["size"]) for e in plan.buffers}
        for o in shared:
            (xo, xs), (yo, ys) = off[o["input_id"]], off[o["output_id"]]
            lo, hi = max(xo, yo), min(xo + xs, yo + ys)
            way = "below" if yo < xo else "above"
            what = o["output_id"] if isinstance(o["output_id"], str) else f"tensor {o['output_id']}"
            tip = (f"op {o['op']} {graph.ops[o['op']].opcode} writes {what} over "
                   f"{hi - lo:,} B of its dying input {o['input_id']} (output starts {way} it; "
                   f"contract: start <= input {o['shift_bytes']:+,} B or >= input "
                   f"{o['above_bytes']:+,} B)")
            out.append(f'<rect x="{x(o["step"]):.1f}" y="{y(hi):.1f}" width="{col:.1f}" '
                       f'height="{max(y(lo) - y(hi), 1):.1f}" fill="url(#overlap)" '
                       f'stroke="#d62728" stroke-width="1"><title>{escape(tip)}</title></rect>')
        out.append(f'<text x="{LEFT}" y="54" fill="#d62728">hatched: {len(shared)} outputs or '
                   f'scratches over their dying input; without that the bound is '
                   f'{plan.lower_bound_without_overlap_bytes:,} B</text>')
    fused = getattr(plan, "fused", {})
    if fused:
        pairs = ", ".join(f"{j}+{k}" for j, k in sorted(fused.items()))
        out.append(f'<text x="{LEFT + PLOT_W}" y="54" text-anchor="end">row-streamed (the 1x1 '
                   f'output never stored): ops {escape(pairs)}</text>')
    # arena top, lower bound and the peak
    out.append(f'<line x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{y(plan.arena_bytes):.1f}" '
               f'y2="{y(plan.arena_bytes):.1f}" stroke="black" stroke-width="1.5"/>')
    if plan.lower_bound_bytes < plan.arena_bytes:
        out.append(f'<line x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{y(plan.lower_bound_bytes):.1f}"'
                   f' y2="{y(plan.lower_bound_bytes):.1f}" stroke="black" stroke-dasharray="6 4"/>')
        out.append(f'<text x="{LEFT + PLOT_W}" y="{y(plan.lower_bound_bytes) - 4:.1f}" '
                   f'text-anchor="end">lower bound</text>')
    if plan.schedule:
        ps = plan.peak_step
        op = plan.schedule[ps]
        px = x(ps + 0.5)
        out.append(f'<rect x="{x(ps):.1f}" y="{TOP}" width="{col:.1f}" height="{PLOT_H}" '
                   f'fill="#d62728" fill-opacity="0.08"/>')
        out.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{TOP - 6}" y2="{TOP + PLOT_H}" '
                   f'stroke="#d62728" stroke-width="2" stroke-dasharray="5 3"/>')
        anchor = "start" if ps < n / 2 else "end"
        dx = 6 if anchor == "start" else -6
        out.append(f'<text x="{px + dx:.1f}" y="{TOP - 8}" fill="#d62728" font-weight="bold" '
                   f'text-anchor="{anchor}">peak at op {op} {graph.ops[op].opcode}: '
                   f'{plan.live[ps]:,} B live</text>')
    # x axis: one tick per step, op index and opcode
    every = max(1, n // 60)
    for s, k in enumerate(plan.schedule):
        if s % every:
            continue
        cx = x(s + 0.5)
        out.append(f'<text transform="translate({cx:.1f},{TOP + PLOT_H + 10}) rotate(60)" '
                   f'font-size="9">{k} {escape(graph.ops[k].opcode)}</text>')
    out.append(f'<text x="{LEFT + PLOT_W / 2}" y="{TOP + PLOT_H + BOTTOM - 6}" '
               f'text-anchor="middle">op (in execution order)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def hash_id(e) -> int:
    # aliases take the colour of the tensor whose bytes they share
    return int(e["alias_of"] if e["alias_of"] is not None else e["id"]) * 5


def _ticks(top: int) -> list[int]:
    """About six round addresses: a power of two apart, so they read as whole KB."""
    step = 1
    while step * 6 < top:
        step *= 2
    return list(range(0, top + 1, step))


def _addr(n: float) -> str:
    return f"{n / 1024:g} KB" if n >= 1024 or n == 0 else f"{n:g} B"
