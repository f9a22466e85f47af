"""The 30 public real-world models: each is planned for a board or refused with one clear line.

tinyc does not run every one of them yet; none may end in a traceback or an internal error."""
import pytest

from conftest import REALWORLD, run_tinyc


@pytest.mark.slow
@pytest.mark.parametrize("path", REALWORLD, ids=lambda p: p.stem)
def test_planned_or_refused_clearly(path):
    r = run_tinyc("plan", path, "--board", "mps2-an386", timeout=300)
    assert r.returncode in (0, 1, 2), r.stderr
    assert "Traceback" not in r.stderr
    if r.returncode:
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
