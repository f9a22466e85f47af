"""Build: project generation and compilation (CMake for host and emulated boards)."""
