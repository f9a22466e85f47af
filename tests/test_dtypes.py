"""The one dtype table agrees with the C enum the firmware and the protocol use."""
import re

from tinyc.dtypes import DTYPES, model_api_dtypes
from tinyc.paths import FIRMWARE_DIR


def test_c_enum_matches_the_table():
    header = (FIRMWARE_DIR / "runtime" / "tinyc_model.h").read_text()
    body = re.search(r"typedef enum \{([^}]*)\} tinyc_dtype;", header).group(1)
    in_c = {name: int(code) for name, code in re.findall(r"(TINYC_\w+)\s*=\s*(\d+)", body)}
    assert in_c == {d.c_enum: d.protocol for d in model_api_dtypes()}


def test_sizes_match_numpy():
    for d in DTYPES.values():
        assert d.np_dtype.itemsize == d.size, d.name
