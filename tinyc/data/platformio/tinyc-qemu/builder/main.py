"""SCons builder of the tinyc-qemu dev-platform: arm-none-eabi-gcc from PATH, no packages.

Targets: the default builds .pio/build/<env>/firmware.elf (and .bin); `upload` runs it in
qemu-system-arm with the board's UART served on a loopback TCP port (the env's upload_port,
`socket://127.0.0.1:4321` by default), which `tinyc verify --port` or any serial client can
open; QEMU's guest starts when the client connects and QEMU is stopped (a normal end)
after $TINYC_QEMU_SECONDS or `board_upload.qemu_lifetime` seconds (default 600).
"""
import os
from os.path import join
from shutil import which

from SCons.Script import AlwaysBuild, Builder, Default, DefaultEnvironment  # noqa: F401

env = DefaultEnvironment()
board = env.BoardConfig()

if which("arm-none-eabi-gcc") is None:
    env.Exit("tinyc-qemu: arm-none-eabi-gcc is not on PATH (apt install gcc-arm-none-eabi "
                 "libnewlib-arm-none-eabi)")

cpu_flags = ["-mcpu=%s" % board.get("build.cpu"), "-mthumb"]
if board.get("build.fpu", ""):
    cpu_flags += ["-mfpu=%s" % board.get("build.fpu"),
                  "-mfloat-abi=%s" % board.get("build.float_abi", "hard")]

env.Replace(
    AR="arm-none-eabi-gcc-ar", AS="arm-none-eabi-as", CC="arm-none-eabi-gcc",
    CXX="arm-none-eabi-g++", GDB="arm-none-eabi-gdb", OBJCOPY="arm-none-eabi-objcopy",
    RANLIB="arm-none-eabi-gcc-ranlib", SIZETOOL="arm-none-eabi-size",
    ARFLAGS=["rc"], PROGNAME="firmware", PROGSUFFIX=".elf",
    SIZEPROGREGEXP=r"^(?:\.isr_vector|\.text|\.rodata|\.ARM\.exidx|\.ARM\.extab|\.preinit_array|\.init_array|\.fini_array|\.data)\s+(\d+).*",
    SIZEDATAREGEXP=r"^(?:\.data|\.bss|\.noinit)\s+(\d+).*",
    SIZECHECKCMD="$SIZETOOL -A -d $SOURCES",
    SIZEPRINTCMD="$SIZETOOL -B -d $SOURCES",
)
env.Append(
    ASFLAGS=cpu_flags + ["-x", "assembler-with-cpp"],
    CCFLAGS=cpu_flags + ["-O2", "-ffunction-sections", "-fdata-sections", "-Wall"],
    CXXFLAGS=["-fno-exceptions", "-fno-rtti", "-fno-threadsafe-statics"],
    CPPDEFINES=[("F_CPU", board.get("build.f_cpu", "25000000L"))],
    LINKFLAGS=cpu_flags + ["-nostartfiles", "--specs=nano.specs", "--specs=nosys.specs",
                           "-Wl,--gc-sections", "-Wl,-Map,${BUILD_DIR}/firmware.map"],
    LIBS=["c", "gcc", "nosys"],
    BUILDERS=dict(ElfToBin=Builder(action=env.VerboseAction(
        "$OBJCOPY -O binary $SOURCES $TARGET", "Building $TARGET"), suffix=".bin")),
)
# The project's linker script (board_build.ldscript); the platform's ldscripts/ is on the path.
if not board.get("build.ldscript", ""):
    env.Exit("tinyc-qemu: set board_build.ldscript in platformio.ini (tinyc writes board.ld)")

target_elf = env.BuildProgram()
target_bin = env.ElfToBin(join("$BUILD_DIR", "${PROGNAME}"), target_elf)
env.Depends(target_bin, "checkprogsize")

machine = board.get("qemu.machine")
shift = board.get("qemu.icount_shift", 6)
port = (env.subst("$UPLOAD_PORT") or "socket://127.0.0.1:4321").replace("socket://", "")
lifetime = os.environ.get("TINYC_QEMU_SECONDS") or env.GetProjectOption(
    "board_upload.qemu_lifetime", "600")
upload = env.Alias("upload", target_elf, env.VerboseAction(
    "timeout --kill-after=5 %s qemu-system-arm -M %s -nographic -monitor none "
    "-icount shift=%s -kernel $SOURCE -serial tcp:%s,server=on,wait=on,nodelay=on "
    "|| [ $$? -eq 124 ]"
    % (lifetime, machine, shift, port),
    "Running $SOURCE in QEMU %s; its UART is socket://%s (the guest starts when a client "
    "connects)" % (machine, port)))
AlwaysBuild(upload)

Default([target_bin])
