#!/usr/bin/env bash
# Everything tinyc needs on a fresh Debian machine (run as root): the Cortex-M cross
# compiler, QEMU, CMake, and tinyc itself with its Python dependencies.
#   ./setup.sh          tinyc and its runtime dependencies
#   ./setup.sh --test   plus TensorFlow, pytest, hypothesis and atheris for the test suite
set -euo pipefail
cd "$(dirname "$0")"

need_apt=0
for tool in arm-none-eabi-gcc qemu-system-arm cmake cc clang; do
  command -v "$tool" >/dev/null 2>&1 || need_apt=1
done
[ -f /usr/lib/arm-none-eabi/newlib/libc.a ] || need_apt=1
if [ "$need_apt" = 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm cmake gcc clang >/dev/null
fi

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"
python3 -m pip install -q --disable-pip-version-check -e ".${extras}"
