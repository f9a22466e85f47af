"""Stopping a build while its compiler runs: a `cc` wrapper that blocks on the model's
source once, and the start, wait and signal around it (tests of -o and the cache)."""
import os
import signal
import stat
import subprocess
import sys
import time


def wrapped_cc(folder, on_model_c: str) -> str:
    """A C compiler (for $CC) that runs the shell `on_model_c` before compiling the model's
    source (not when linking its object), then is plain `cc`."""
    cc = folder / "wrapcc"
    cc.write_text(f'#!/bin/sh\ncase "$*" in *" -c "*model.c) {on_model_c};; esac\n'
                  'exec cc "$@"\n')
    cc.chmod(cc.stat().st_mode | stat.S_IEXEC)
    return str(cc)


def blocking_cc(folder, marker) -> str:
    """A compiler that, the first time it sees the model (no `marker` yet), writes its pid to
    `marker` and sleeps; afterwards it compiles at once."""
    return wrapped_cc(folder, f'if [ ! -e "{marker}" ]; then echo $$ > "{marker}"; '
                              "sleep 60; fi")


def stop_mid_compile(args, env, marker, sig) -> tuple[int, str]:
    """Run `tinyc args` until the blocking compiler holds the model, send `sig`; return the
    exit code and stderr. After SIGKILL, the compiler's orphaned process group (which tinyc
    can no longer stop) is killed here."""
    p = subprocess.Popen([sys.executable, "-m", "tinyc", *map(str, args)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(1200):
            if (marker.exists() and marker.read_text().strip()) or p.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), p.communicate()
        p.send_signal(sig)
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    if sig == signal.SIGKILL:
        try:
            os.killpg(os.getpgid(int(marker.read_text())), signal.SIGKILL)
        except ProcessLookupError:
            pass
    return p.returncode, err


def compiler_stopped(marker, polls: int = 200) -> bool:
    """Whether the blocking compiler (pid in `marker`) has gone, or is a zombie: tinyc stopped
    the compilers it started rather than leaving them writing into a deleted folder."""
    pid = int(marker.read_text())
    for _ in range(polls):
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except (FileNotFoundError, ProcessLookupError):
            return True
        time.sleep(0.05)
    return False
