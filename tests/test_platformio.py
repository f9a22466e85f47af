"""PlatformIO projects: every board's platformio.ini read back by PlatformIO's own parser;
real boards proven to compile and fit offline with arm-none-eabi-gcc; a real offline
`pio run` for the emulated Cortex-M4, verified bit-exact over serial, and its
`pio run -t upload` (QEMU) talked to over its socket."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import model, run_tinyc
from tinyc.boards import all_boards, get_board
from tinyc.build import pio_env
from tinyc.build.platformio import INI, glue_files, run_pio, uses_local_platform
from tinyc.pipeline import compile_model

MODEL = "ad01_int8"
REAL = [b.id for b in all_boards() if not b.is_host and not b.emulated]
ARM_TOOLS = shutil.which("arm-none-eabi-gcc") and shutil.which("cmake")
QEMU = shutil.which("qemu-system-arm")


@pytest.fixture(scope="module")
def pio_home(tmp_path_factory):
    """A PlatformIO store of our own, offline: telemetry off, no vendor platform installed."""
    home = tmp_path_factory.mktemp("pio-core")
    mp = pytest.MonkeyPatch()
    mp.setenv("PLATFORMIO_CORE_DIR", str(home))
    mp.setenv("PLATFORMIO_SETTING_ENABLE_TELEMETRY", "no")
    # Deterministic everywhere: CI with internet must not start installing vendor platforms.
    mp.setattr(pio_env, "registry_reachable", lambda timeout=3.0: False)
    yield home
    mp.undo()


def _read_ini(path):
    from platformio.project.config import ProjectConfig
    cfg = ProjectConfig(str(path), parse_extra=False)
    cfg.validate(silent=True)
    return cfg


@pytest.mark.parametrize("board_id", [b.id for b in all_boards() if not b.is_host])
def test_every_board_gets_a_complete_project(board_id, tmp_path, pio_home):
    b = get_board(board_id)
    options = {"via": "platformio"} if b.emulated else {}
    build = compile_model(str(model(MODEL)), b, out_dir=tmp_path / "p", compile=False,
                          options=options, quiet=True)
    cfg = _read_ini(build.project_dir / INI)
    env = f"env:{b.id}"
    assert cfg.envs() == [b.id] and cfg.get("platformio", "default_envs") == [b.id]
    assert cfg.get(env, "monitor_speed") == int(b.uart["baud"])
    assert cfg.get(env, "test_framework") == "custom"
    flags = " ".join(cfg.get(env, "build_flags"))
    assert f"-DTINYC_BAUD={b.uart['baud']}" in flags
    if uses_local_platform(b):   # the project's own copy, by a relative path
        assert cfg.get(env, "platform") == "symlink://platformio/tinyc-qemu"
        assert cfg.get(env, "board") == b.id
        assert (build.project_dir / "board.ld").is_file()
        assert (build.project_dir / "platformio/tinyc-qemu/boards" / f"{b.id}.json").is_file()
        assert (build.project_dir / "platformio/packages/tool-scons/scons.py").is_file()
    else:
        for key in ("platform", "board", "framework"):
            got = cfg.get(env, key)
            assert (got[0] if isinstance(got, list) else got) == b.platformio[key]
        if b.platformio["framework"] == "arduino":
            assert cfg.get(env, "build_src_flags") == ["-Dmain=tinyc_main"]
        else:
            assert "-DTINYC_UART=" + b.uart["instance"] in flags
    ini = (build.project_dir / INI).read_text()
    assert not re.search(r"(^|[\s=]|://)/", ini, re.M), ini   # no absolute path
    src = {p.name for p in (build.project_dir / "src").iterdir()}
    expected = {"model.c", "harness.c", "protocol.c", "protocol.h", "tinyc_model.h",
                "board.h"} | {f.rsplit("/", 1)[1] for f in glue_files(b)}
    assert expected <= src, expected - src
    fc = "fully_connected_s8_dsp.c" if "dsp" in b.features else "fully_connected_s8.c"
    assert fc in src, sorted(src)      # the board decides the kernels
    assert build.to_json()["platformio_ran"] is False


@pytest.mark.skipif(not ARM_TOOLS, reason="needs arm-none-eabi-gcc and cmake")
@pytest.mark.parametrize("board_id", ["nano33", "pico", "nucleo-f746zg"])
@pytest.mark.fast_first
def test_real_board_sources_compile_and_fit_offline(board_id, tmp_path, pio_home):
    b = get_board(board_id)
    build = compile_model(str(model(MODEL)), b, out_dir=tmp_path / "p", quiet=True)
    rep = build.to_json()
    assert rep["platformio_ran"] is False and "not installed" in rep["platformio_note"]
    assert rep["compiled"] and rep["fits"], rep
    assert rep["flash_bytes"] >= rep["weights_bytes"] > 0
    assert rep["ram_bytes"] >= rep["arena_bytes"] > 0
    assert rep["flash_bytes"] <= b.flash_budget and rep["ram_bytes"] <= b.ram_budget
    # Built for the board's own core, at its own flash address.
    elf = rep["elf"]
    attrs = subprocess.run(["arm-none-eabi-readelf", "-A", elf], capture_output=True,
                           text=True).stdout
    want = {"nano33": "v7E-M", "pico": "v6S-M", "nucleo-f746zg": "v7E-M"}[board_id]
    assert f"Tag_CPU_arch: {want}" in attrs
    heads = subprocess.run(["arm-none-eabi-readelf", "-l", elf], capture_output=True,
                           text=True).stdout
    assert f"0x{int(b.memory['flash_origin']):08x}" in heads
    assert (build.project_dir / INI).is_file()


def test_xtensa_board_says_there_is_no_toolchain(tmp_path, pio_home):
    r = run_tinyc("build", model(MODEL), "--board", "esp32-s3", "-o", tmp_path / "p",
                  env={**os.environ, "PLATFORMIO_CORE_DIR": str(pio_home),
                       "TINYC_CACHE": str(tmp_path / "cache")})
    if "registry cannot be reached" not in r.stderr:
        pytest.skip("PlatformIO's registry is reachable here: the real build would run")
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if "cannot build" in ln]
    assert len(lines) == 1 and "Xtensa" in lines[0] and "complete" in lines[0]
    rep = json.loads((tmp_path / "p" / "tinyc.json").read_text())
    assert rep["compiled"] is False and rep["platformio_ran"] is False
    assert rep["size_proof"] is None and "xtensa" in rep["size_proof_note"]
    assert (tmp_path / "p" / INI).is_file() and (tmp_path / "p" / "src" / "model.c").is_file()


def test_cli_errors_are_one_line(tmp_path):
    r = run_tinyc("build", model(MODEL), "--board", "nano33", "--via", "cmake",
                  "-o", tmp_path / "p")
    assert r.returncode != 0 and r.stderr.strip().count("\n") == 0
    assert r.stderr.startswith("error:") and "PlatformIO" in r.stderr
    r = run_tinyc("flash", "--board", "pico",
                  env={**os.environ, "TINYC_CACHE": str(tmp_path / "cache")})
    assert r.returncode != 0 and r.stderr.startswith("error: no PlatformIO build for pico")
    r = run_tinyc("devices", "--all", "--json")
    assert r.returncode == 0 and isinstance(json.loads(r.stdout), list)


def test_usb_ids_name_the_board():
    from tinyc.usb_ids import guess_boards
    assert guess_boards(0x2341, 0x805A)[0] == ("nano33",)
    assert "nucleo-f746zg" in guess_boards(0x0483, 0x374B)[0]
    assert guess_boards(0x1234, 0x5678) == ((), "")
    ids = {b.id for b in all_boards()}
    from tinyc.usb_ids import USB_IDS
    assert all(set(boards) <= ids for _, _, boards, _ in USB_IDS)


@pytest.fixture(scope="module")
def an386_pio(tmp_path_factory, pio_home):
    b = get_board("mps2-an386")
    out = tmp_path_factory.mktemp("an386") / "p"
    t0 = time.monotonic()
    build = compile_model(str(model(MODEL)), b, out_dir=out, options={"via": "platformio"},
                          quiet=True)
    build.extra["test_seconds"] = time.monotonic() - t0
    return build


@pytest.mark.qemu
@pytest.mark.skipif(not (ARM_TOOLS and QEMU), reason="needs arm-none-eabi-gcc and QEMU")
@pytest.mark.slow
def test_offline_pio_run_for_mps2_an386_is_bit_exact(an386_pio, pio_home):
    from tinyc.verify import verify_build
    rep = an386_pio.to_json()
    assert rep["platformio_ran"] and rep["compiled"] and rep["fits"], rep
    assert rep["elf"].endswith(".pio/build/mps2-an386/firmware.elf")
    assert not (pio_home / "packages" / "tool-scons").exists()   # the project's own was used
    log = (an386_pio.project_dir / ".pio-run.log").read_text()
    assert "[SUCCESS]" in log and "Installing" not in log.replace(
        "Installing symlink://", "")   # nothing came from a registry
    res = verify_build(an386_pio, 5, 0, quiet=True)
    assert res["bit_exact"] and res["samples"] == 5, res
    assert res["instructions_per_inference"] > 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.qemu
@pytest.mark.skipif(not (ARM_TOOLS and QEMU), reason="needs arm-none-eabi-gcc and QEMU")
@pytest.mark.slow
def test_pio_upload_runs_qemu_and_verifies_over_its_socket(an386_pio, pio_home):
    from tinyc.verify import verify_build
    url = f"socket://127.0.0.1:{_free_port()}"
    env = pio_env.pio_env(offline=True)
    env["TINYC_QEMU_SECONDS"] = "90"
    cmd = pio_env.pio_executable() + ["run", "-d", str(an386_pio.project_dir), "-t", "upload",
                                      "--upload-port", url]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:   # until QEMU listens
            try:
                socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), 0.5).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "QEMU never listened"
                time.sleep(0.3)
        # The probe connection above started the guest and closed; QEMU accepts again.
        res = verify_build(an386_pio, 2, 1, port=url, quiet=True)
        assert res["bit_exact"], res
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def test_run_pio_failure_is_one_line(tmp_path, pio_home):
    from tinyc.build.platformio import write_pio_project
    from tinyc.errors import TinycError
    b = get_board("mps2-an386")
    bad = tmp_path / "bad.c"
    bad.write_text("int f(void) { return undefined_thing; }\n")
    write_pio_project(tmp_path / "p", b, [bad])
    with pytest.raises(TinycError) as e:
        run_pio(tmp_path / "p", b, timeout=300)
    assert "\n" not in e.value.message and "undefined_thing" in e.value.message


@pytest.mark.skipif(not ARM_TOOLS, reason="needs arm-none-eabi-gcc and cmake")
@pytest.mark.slow
def test_a_copied_project_builds_offline_with_plain_pio_run(tmp_path):
    """Generated, copied elsewhere (as a clone would: no .pio), the original deleted: `pio run`
    in the copy, with an empty PlatformIO store of its own, builds from the project alone."""
    b = get_board("mps2-an386")
    first = tmp_path / "first" / "fw"
    r = run_tinyc("build", model(MODEL), "--board", b.id, "--via", "platformio", "-o", first,
                  "--no-compile")
    assert r.returncode == 0, r.stderr
    copy = tmp_path / "elsewhere" / "fw"
    shutil.copytree(first, copy, ignore=shutil.ignore_patterns(".pio"))
    shutil.rmtree(tmp_path / "first")
    store = tmp_path / "empty-store"
    env = {**os.environ, "PLATFORMIO_CORE_DIR": str(store),
           "PLATFORMIO_SETTING_ENABLE_TELEMETRY": "no"}
    r = subprocess.run(pio_env.pio_executable() + ["run"], cwd=copy, env=env, text=True,
                       capture_output=True, timeout=600, stdin=subprocess.DEVNULL)
    log = r.stdout + r.stderr
    assert r.returncode == 0 and "[SUCCESS]" in log, log[-2000:]
    assert "Installing" not in log.replace("Installing symlink://", ""), log  # no registry
    assert (copy / ".pio/build" / b.id / "firmware.elf").is_file()
    assert not (store / "packages").exists() or not any((store / "packages").iterdir())
