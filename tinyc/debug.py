"""TINYC_DEBUG: `1` shows the traceback of an internal error; a comma-separated list of step
names (`plan,lower`, or `all`) also prints those steps' results on stderr as they finish.

    dump(step, result)     print `result` when TINYC_DEBUG names `step`
"""
from __future__ import annotations

import json
import os
import sys

ENV = "TINYC_DEBUG"


def wanted(step: str) -> bool:
    names = {n.strip() for n in os.environ.get(ENV, "").split(",")}
    return step in names or "all" in names


def dump(step: str, result) -> None:
    if wanted(step):
        sys.stderr.write(f"--- {step} ---\n{describe(result)}\n")
        sys.stderr.flush()


def describe(result) -> str:
    """A readable text form: a `debug_text()` or `to_json()` of the result, else its repr."""
    if hasattr(result, "debug_text"):
        return result.debug_text()
    if hasattr(result, "to_json"):
        return json.dumps(result.to_json(), indent=1, default=str)
    if isinstance(result, list) and all(isinstance(r, str) for r in result):
        return "\n".join(result)
    if isinstance(result, (list, dict)):
        return json.dumps(result, indent=1, default=str)
    return repr(result)
