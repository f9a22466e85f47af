"""`tinyc build -o DIR` never destroys what tinyc did not write, and a failed or stopped build
leaves the earlier one intact with no temporary folder behind (issue 11, item 2)."""
import json
import os
import re
import shutil
import signal
import subprocess

import pytest

from conftest import model, run_tinyc
from mid_compile import blocking_cc, compiler_stopped, stop_mid_compile, wrapped_cc

AD01 = model("ad01_int8")


def _refused(r, *words):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("error: ")]
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    for w in words:
        assert w in lines[0], lines[0]


def _last_line(text):
    return (text.strip().splitlines() or [""])[-1]


def _tree(folder):
    """Every file under folder with its bytes: what must survive a refused or failed build."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _build(out, *extra, **kw):
    return run_tinyc("build", kw.pop("model", AD01), "--board", "host", "-o", out, *extra,
                     timeout=300, **kw)


def test_thesis_next_to_a_fake_manifest_is_kept(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "tinyc.json").write_text("{}\n")
    (d / "thesis.tex").write_text("x\n")
    before = _tree(d)
    _refused(_build(d))
    assert _tree(d) == before
    assert sorted(os.listdir(tmp_path)) == ["d"]


def test_dot_and_current_folder_and_its_ancestors_refused(tmp_path):
    cwd = tmp_path / "work" / "here"
    cwd.mkdir(parents=True)
    (cwd / "notes.txt").write_text("mine")
    for target in (".", str(cwd), str(tmp_path / "work"), str(tmp_path)):
        _refused(_build(target, cwd=cwd), "current")
    assert (cwd / "notes.txt").read_text() == "mine"


def test_root_and_home_refused(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("keep")
    env = {**os.environ, "HOME": str(home)}
    _refused(_build(home, env=env), "home")
    _refused(_build("/", cwd=home, env=env), "/")
    assert (home / ".bashrc").read_text() == "keep"


def test_models_folder_and_its_ancestors_refused(tmp_path):
    src = tmp_path / "models" / "ad"
    src.mkdir(parents=True)
    m = src / "ad01.tflite"
    shutil.copy(AD01, m)
    for target in (src, tmp_path / "models"):
        _refused(_build(target, model=m), "model")
    assert m.read_bytes() == AD01.read_bytes()


def test_model_inside_an_earlier_build_is_never_deleted(tmp_path):
    out = tmp_path / "b"
    assert _build(out).returncode == 0
    m = out / "src" / "ad01.tflite"
    shutil.copy(AD01, m)
    _refused(_build(out, model=m), "model")
    assert m.read_bytes() == AD01.read_bytes()


def test_file_and_manifest_folder_refused(tmp_path):
    f = tmp_path / "afile"
    f.write_text("data")
    _refused(_build(f), "not a directory")
    assert f.read_text() == "data"
    d = tmp_path / "d"
    (d / "tinyc.json").mkdir(parents=True)
    (d / "tinyc.json" / "inner").write_text("mine")
    _refused(_build(d))
    assert (d / "tinyc.json" / "inner").read_text() == "mine"


@pytest.mark.slow
def test_rebuild_over_an_earlier_build_and_its_manifest_lists_every_file(tmp_path):
    out = tmp_path / "p"
    assert _build(out).returncode == 0
    meta = json.loads((out / "tinyc.json").read_text())
    listed = {f["path"] for f in meta["files"]}
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} - {"tinyc.json"}
    assert listed == on_disk and "src/model.c" in listed
    r = _build(out, "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["elf"] and os.path.isfile(rep["elf"]) and rep["elf"].startswith(str(out))
    assert sorted(os.listdir(tmp_path)) == ["p"]
    # The project still builds with CMake alone, in its final place.
    p = subprocess.run(["cmake", "-S", out, "-B", out / "build"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr


@pytest.mark.slow
def test_a_file_added_to_an_earlier_build_is_named_and_kept(tmp_path):
    out = tmp_path / "p"
    assert _build(out).returncode == 0
    (out / "src" / "my_notes.txt").write_text("mine")
    _refused(_build(out), "my_notes.txt")
    assert (out / "src" / "my_notes.txt").read_text() == "mine"
    (out / "src" / "my_notes.txt").unlink()
    (out / "src" / "model.c").write_text("/* my edit */\n")
    _refused(_build(out), "model.c")
    assert (out / "src" / "model.c").read_text() == "/* my edit */\n"


@pytest.mark.slow
def test_a_failed_build_leaves_the_earlier_one_intact(tmp_path):
    out = tmp_path / "p"
    assert _build(out).returncode == 0
    before = _tree(out)
    bad_cc = wrapped_cc(tmp_path, 'echo "model.c:1: error: boom" >&2; exit 1')
    cache = tmp_path / "cache"
    r = _build(out, env={**os.environ, "CC": bad_cc, "TINYC_CACHE": str(cache)})
    assert r.returncode == 1 and _last_line(r.stderr).startswith("error: "), r.stderr
    assert "boom" in r.stderr and _tree(out) == before
    assert sorted(os.listdir(tmp_path)) == ["cache", "p", "wrapcc"]
    # The log it names outlives the removed temporary folder (it is kept in tinyc's cache).
    log = re.search(r"full log: (\S+)\)", _last_line(r.stderr)).group(1)
    assert log.startswith(str(cache)) and "boom" in open(log).read()


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_a_signal_mid_compile_leaves_the_earlier_build(tmp_path, sig):
    out = tmp_path / "p"
    work = tmp_path / "work"
    work.mkdir()
    marker = work / "compiling"
    env = {**os.environ, "CC": blocking_cc(work, marker)}
    marker.write_text("done")       # the first build does not block
    assert _build(out, env=env).returncode == 0
    before = _tree(out)
    marker.unlink()
    code, err = stop_mid_compile(["build", AD01, "--board", "host", "-o", out], env, marker,
                                 sig)
    assert code != 0 and _tree(out) == before
    if sig != signal.SIGKILL:
        assert _last_line(err).startswith("error: ") and "Traceback" not in err, err
        assert compiler_stopped(marker)
        assert sorted(os.listdir(tmp_path)) == ["p", "work"]
    r = _build(out, env=env)        # a run killed outright left a folder: the next removes it
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(tmp_path)) == ["p", "work"]
