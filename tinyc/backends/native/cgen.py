"""Formatting Python values as C: exact integers, floats that round-trip, arrays, structs."""
from __future__ import annotations

import math
import re

import numpy as np

from tinyc.dtypes import ctype_of_array


class CExpr(str):
    """A string that is C code already (a name, `&x`, a cast): emitted as is."""


def ctype_of(arr: np.ndarray) -> str:
    return ctype_of_array(arr)


def c_int(v: int) -> str:
    v = int(v)
    if v == -(1 << 31):
        return "(-2147483647 - 1)"
    if v == -(1 << 63):
        return "(-9223372036854775807LL - 1)"
    if v > 2147483647 or v < -2147483648:
        return f"{v}LL"
    return str(v)


def c_float(v: float) -> str:
    f = float(np.float32(v))
    if math.isnan(f):
        return "(0.0f / 0.0f)"
    if math.isinf(f):
        return "(1.0f / 0.0f)" if f > 0 else "(-1.0f / 0.0f)"
    s = repr(f)  # shortest string that round-trips the double, which is exactly the float32
    if "e" not in s and "." not in s:
        s += ".0"
    return s + "f"


def c_value(v) -> str:
    if isinstance(v, CExpr):
        return str(v)
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (int, np.integer)):
        return c_int(v)
    if isinstance(v, (float, np.floating)):
        return c_float(v)
    if isinstance(v, dict):
        return "{ " + ", ".join(f".{k} = {c_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, (list, tuple, np.ndarray)):
        return "{ " + ", ".join(c_value(x) for x in v) + " }"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(f"cannot format {type(v).__name__} as C")


def c_array_body(arr: np.ndarray, per_line: int = 16) -> str:
    flat = np.ascontiguousarray(arr).reshape(-1)
    if flat.dtype.kind == "f":
        items = [c_float(x) for x in flat]
    else:
        items = [c_int(x) for x in flat.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return ",\n    ".join(lines)


def c_identifier(name: str, prefix: str = "t") -> str:
    s = re.sub(r"[^0-9a-zA-Z_]", "_", name)
    if not s or s[0].isdigit():
        s = f"{prefix}_{s}"
    return s[:48]
