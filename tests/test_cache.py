"""The build cache under concurrent runs, signals and half-written entries; its key holds
everything a build depends on (issue 11, item 3). Every test uses a private cache."""
import json
import os
import signal
import subprocess
import sys

import pytest

from conftest import model
from mid_compile import blocking_cc, compiler_stopped, stop_mid_compile, wrapped_cc
from tinyc.boards import get_board
from tinyc.cache import build_dir
from tinyc.pipeline import ensure_build

AD01 = str(model("ad01_int8"))
HOST = get_board("host")
ENSURE = ("import sys; from tinyc.boards import get_board; from tinyc.pipeline import "
          "ensure_build; print(ensure_build(sys.argv[1], get_board('host')).elf)")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("TINYC_CACHE", str(root))
    return root


def _entries(cache):
    """The cache's build folders, and anything else in builds/ that is not a lock file."""
    builds = cache / "builds"
    names = sorted(os.listdir(builds)) if builds.is_dir() else []
    return [n for n in names if not n.endswith(".lock")]


def _tinyc(*args):
    return [sys.executable, "-m", "tinyc", *map(str, args)]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["build", "ensure_build"])
def test_concurrent_runs_of_one_model_and_board_all_succeed(tmp_path, cache, how):
    # Each compile of the model takes a second, so three unlocked runs would overlap.
    compiles = tmp_path / "compiles"
    env = {**os.environ, "CC": wrapped_cc(tmp_path, f'echo x >> "{compiles}"; sleep 1')}
    cmd = (_tinyc("build", AD01, "--board", "host", "--json") if how == "build"
           else [sys.executable, "-c", ENSURE, AD01])
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    results = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=300)
            results.append((p.returncode, out, err))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [r[0] for r in results] == [0, 0, 0], [r[2] for r in results]
    entries = _entries(cache)
    assert len(entries) == 1 and not entries[0].startswith("."), entries
    elf = cache / "builds" / entries[0] / "build" / "firmware"
    assert elf.is_file()
    if how == "ensure_build":   # the runs that waited reused the first one's build
        assert {r[1].strip() for r in results} == {str(elf)}
        assert compiles.read_text().count("x") == 1
    else:                       # `tinyc build` always builds, one after the other
        assert {json.loads(r[1])["elf"] for r in results} == {str(elf)}
        assert compiles.read_text().count("x") == 3


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL],
                         ids=lambda s: s.name)
def test_a_signal_mid_compile_leaves_nothing_that_breaks_the_next_run(tmp_path, cache, sig):
    marker = tmp_path / "compiling"
    env = {**os.environ, "CC": blocking_cc(tmp_path, marker)}
    code, err = stop_mid_compile(["build", AD01, "--board", "host"], env, marker, sig)
    assert code != 0
    if sig != signal.SIGKILL:    # SIGKILL leaves a locked-no-more folder the next run removes
        last = (err.strip().splitlines() or [""])[-1]
        assert last.startswith("error: ") and "Traceback" not in err, err
        assert compiler_stopped(marker)
        assert _entries(cache) == []
    for cmd in (_tinyc("build", AD01, "--board", "host"), [sys.executable, "-c", ENSURE, AD01]):
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
    assert len(_entries(cache)) == 1 and not _entries(cache)[0].startswith(".")


def _damage_elf(entry):
    (entry / "build" / "firmware").unlink()


def _truncate_manifest(entry):
    m = entry / "tinyc.json"
    m.write_text(m.read_text()[:40])


def _drop_manifest(entry):
    (entry / "tinyc.json").unlink()


def _drop_listed_source(entry):
    (entry / "src" / "model.c").unlink()


@pytest.mark.slow
@pytest.mark.parametrize("damage", [_damage_elf, _truncate_manifest, _drop_manifest,
                                    _drop_listed_source])
def test_half_written_entry_is_rebuilt(cache, damage):
    first = ensure_build(AD01, HOST)
    entry = first.project_dir
    damage(entry)
    again = ensure_build(AD01, HOST)
    assert again.project_dir == entry and again.elf.is_file()
    meta = json.loads((entry / "tinyc.json").read_text())
    assert all((entry / f["path"]).is_file() for f in meta["files"])
    assert _entries(cache) == [entry.name]


def test_a_valid_entry_is_reused(cache):
    first = ensure_build(AD01, HOST)
    stamp = first.elf.stat().st_mtime_ns
    again = ensure_build(AD01, HOST)
    assert again.elf == first.elf and again.elf.stat().st_mtime_ns == stamp


def _git(tree, *args):
    subprocess.run(["git", "-C", tree, "-c", "user.name=t", "-c", "user.email=t@t", *args],
                   check=True, capture_output=True, timeout=60)


def test_key_follows_the_tflm_tree(tmp_path, monkeypatch, cache):
    sha = "0" * 64
    key = lambda: build_dir(sha, "mps2-an386", "tflm", {}).name   # noqa: E731
    monkeypatch.delenv("TINYC_TFLM_DIR", raising=False)
    monkeypatch.delenv("TINYC_TFLM_INCLUDES", raising=False)
    keys = [key()]
    a, b = tmp_path / "a", tmp_path / "b"
    for tree in (a, b):
        tree.mkdir()
        (tree / "kernel.cc").write_text("int x;\n")
    monkeypatch.setenv("TINYC_TFLM_DIR", str(a))
    keys.append(key())
    assert key() == keys[-1]                 # stable while nothing changes
    (a / "kernel.cc").write_text("int y = 1;\n")    # not a git tree: its files' stat counts
    keys.append(key())
    monkeypatch.setenv("TINYC_TFLM_DIR", str(b))
    keys.append(key())
    _git(b, "init", "-q")
    _git(b, "add", ".")
    _git(b, "commit", "-q", "-m", "one")
    keys.append(key())
    (b / "kernel.cc").write_text("int z;\n")
    _git(b, "commit", "-q", "-am", "two")
    keys.append(key())
    monkeypatch.setenv("TINYC_TFLM_INCLUDES", str(a))
    keys.append(key())
    assert len(set(keys)) == len(keys), keys
    monkeypatch.delenv("TINYC_TFLM_INCLUDES")
    monkeypatch.setenv("TINYC_TFLM_DIR", str(b))
    assert key() == keys[-2]


def test_key_follows_the_compiler(tmp_path, monkeypatch, cache):
    sha = "0" * 64
    monkeypatch.delenv("CC", raising=False)
    plain = build_dir(sha, "host", "native", {}).name
    monkeypatch.setenv("CC", wrapped_cc(tmp_path, ":"))
    assert build_dir(sha, "host", "native", {}).name != plain
