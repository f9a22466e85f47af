"""The same model, board and options give byte-identical generated sources in any folder: no
absolute paths, times or command lines in them (for every backend)."""
import os
from pathlib import Path

import pytest

from tests.conftest import model, run_tinyc
from tinyc.models_dir import REPO

KWS = model("kws_ref_model")
BACKENDS = ["native", "tflm", "cubeai"]


def _sources(root: Path) -> dict[str, bytes]:
    """Every file tinyc generated, by relative path (not the compiler's own build output)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "build" not in p.relative_to(root).parts[:1]
            and p.name != "tinyc.json"}


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_two_folders_give_the_same_sources(backend, tmp_path):
    dirs = [tmp_path / "a" / "first", tmp_path / "elsewhere" / "deeper" / "second"]
    for i, d in enumerate(dirs):
        # a different working directory and a relative -o too
        d.parent.mkdir(parents=True)
        r = run_tinyc("build", KWS, "--board", "mps2-an386", "--backend", backend,
                      "--no-compile", "-o", d.name, cwd=d.parent)
        assert r.returncode == 0, r.stderr
    a, b = (_sources(d) for d in dirs)
    assert a and a.keys() == b.keys()
    differ = [name for name in a if a[name] != b[name]]
    assert not differ, f"{backend}: files differ between folders: {differ}"
    for name, data in a.items():
        text = data.decode(errors="replace")
        for leak in (str(tmp_path), os.getcwd(), "__DATE__", "__TIME__", str(KWS.parent),
                     str(REPO), os.path.expanduser("~")):
            assert leak not in text, f"{backend}: {name} holds {leak!r}"
