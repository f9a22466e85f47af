"""benchmarks/RESULTS.md: the bench rows as a Markdown page (instructions, per MAC, bytes, the
ratio to reference figures, the top ops of the profile, the compiler and its flags, and the RAM
against its lower bounds and TFLM's own arena)."""
from __future__ import annotations

import math
import tomllib
from pathlib import Path

from tinyc.errors import TinycError


def load_reference(path: str | Path) -> dict:
    """{model stem: {"instructions": N, "label": ...}} from a TOML file of reference figures:

        label = "TFLM+CMSIS-NN"
        [models.kws_ref_model]
        instructions = 7_700_000
    """
    try:
        raw = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise TinycError(f"cannot read reference figures {path}: {e}") from None
    label = raw.get("label", "reference")
    return {k: {"instructions": int(v["instructions"]), "label": label}
            for k, v in raw.get("models", {}).items()}


def top_ops(profile: list[dict], key: str, n: int = 3) -> list[dict]:
    return sorted(profile, key=lambda p: -p[key])[:n]


def _m(n) -> str:
    return "-" if n is None else f"{n / 1e6:.3f} M"


def markdown(rows: list[dict], board, command: str, compiler: str, flags: list[str],
             reference: dict | None = None) -> str:
    label = next(iter(reference.values()))["label"] if reference else None
    head = ["model", "MACs", "instructions", "per MAC", "RAM B", "flash B", "code B"]
    if reference:
        head += [label, "ratio"]
    head += ["bit-exact", "top ops (share, per MAC)"]
    lines = [
        "# tinyc benchmark results", "",
        f"Board `{board.id}` ({board.name}); instructions per inference counted exactly by "
        "QEMU `-icount` (the median over the samples, every output byte compared with TFLM).", "",
        f"Regenerate: `{command}`", "",
        f"Compiler: {compiler or 'unknown'}; flags: `{' '.join(flags)}`", "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" if i == 0 or h.startswith(("bit", "top")) else "---:"
                       for i, h in enumerate(head)) + "|",
    ]
    for r in rows:
        stem = Path(r["model"]).stem
        n = r["instructions_per_inference"]
        cells = [stem, f"{r['macs']:,}", _m(n),
                 f"{n / r['macs']:.2f}" if n and r["macs"] else "-",
                 f"{r['ram_bytes']:,}", f"{r['flash_bytes']:,}", f"{r['code_bytes']:,}"]
        if reference:
            ref = reference.get(stem)
            cells += [_m(ref["instructions"]) if ref else "-",
                      f"{n / ref['instructions']:.2f}" if ref and n else "-"]
        tops = [f"{p['index']} {p['op']} {p.get('variant') or ''} ({100 * p['share']:.0f}%, "
                + (f"{p['instructions_per_mac']:.2f})" if p.get("instructions_per_mac") else "-)")
                for p in r.get("top_ops", [])]
        cells += ["yes" if r["bit_exact"] else "NO", "; ".join(t.replace("  ", " ") for t in tops)]
        lines.append("| " + " | ".join(cells) + " |")
    if reference:
        lines += ["", f"ratio = tinyc instructions / {label} instructions on the same board "
                  "(below 1: fewer)."]
    lines += ram_table(rows, board)
    return "\n".join(lines) + "\n"


def _b(n) -> str:
    return "-" if n is None else f"{n:,}"


def ram_table(rows: list[dict], board) -> list[str]:
    """The RAM section: model RAM against its lower bounds (with and without outputs over their
    inputs) and against the arena TFLM's own planner needs on a target of the board's pointer
    width; the geometric mean and maximum of that ratio."""
    bits = 8 * board.pointer_bytes
    lines = ["", "## RAM", "",
             f"| model | arena B | model RAM B | bound B | no-overlap bound B | "
             f"TFLM arena B ({bits}-bit) | model RAM / TFLM |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    ratios = []
    for r in rows:
        stem = Path(r["model"]).stem
        ram, tflm = r.get("model_ram_bytes"), r.get("tflm_own_arena_bytes")
        ratio = ram / tflm if ram is not None and tflm else None
        if ratio is not None:
            ratios.append((ratio, stem))
        lines.append("| " + " | ".join([
            stem, _b(r.get("arena_bytes")), _b(ram), _b(r.get("lower_bound_bytes")),
            _b(r.get("lower_bound_without_overlap_bytes")), _b(tflm),
            "-" if ratio is None else f"{ratio:.2f}"]) + " |")
    lines += ["", "model RAM = the arena plus the model code's own .data/.bss; bound = no plan "
              "can be smaller; no-overlap bound = the same if no output shared bytes with its "
              "input; TFLM arena = the least arena TFLM's AllocateTensors accepts with its own "
              f"planner on a {bits}-bit target (tinyc's replay of it; - where unknown)."]
    if ratios:
        geo = math.exp(sum(math.log(x) for x, _ in ratios) / len(ratios))
        top = max(ratios)
        lines += ["", f"model RAM / TFLM arena: geometric mean {geo:.2f} over {len(ratios)} "
                  f"models, max {top[0]:.2f} ({top[1]})."]
    return lines
