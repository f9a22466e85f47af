"""Printing for people (aligned tables) and for machines (JSON on stdout)."""
from __future__ import annotations

import json
import sys

import click


SCHEMA = 1   # the version of every --json document (docs/json.md); fields are only ever added


def document(obj):
    """`obj` with "schema" first: in the object, or in each object of a list."""
    if isinstance(obj, dict):
        return {"schema": SCHEMA, **obj}
    if isinstance(obj, list):
        return [document(o) if isinstance(o, dict) else o for o in obj]
    return obj


def error_document(message: str, exit_code: int, details: dict | None = None) -> dict:
    """What a failed command prints with --json (and its exit code is still non-zero)."""
    return document({**(details or {}), "error": message, "exit_code": exit_code})


def emit_json(obj) -> None:
    click.echo(json.dumps(document(obj), indent=2, default=_default))


def _default(o):
    import numpy as np
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def table(headers: list[str], rows: list[list], right: set[int] | None = None) -> str:
    """A plain aligned text table; columns in `right` (by index) are right-aligned."""
    right = right if right is not None else {i for i, _ in enumerate(headers)
                                            if rows and all(isinstance(r[i], (int, float))
                                                            for r in rows)}
    cells = [[str(c) for c in headers]] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for k, r in enumerate(cells):
        parts = [c.rjust(widths[i]) if i in right else c.ljust(widths[i])
                 for i, c in enumerate(r)]
        lines.append("  ".join(parts).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(c) -> str:
    if isinstance(c, float):
        return f"{c:,.1f}"
    if isinstance(c, int) and not isinstance(c, bool):
        return f"{c:,}"
    return str(c)


def kib(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def progress(msg: str) -> None:
    """Progress on long work goes to stderr so stdout stays clean for --json."""
    click.echo(msg, err=True)
    sys.stderr.flush()
