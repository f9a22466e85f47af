"""The cubeai backend behind the Backend interface: the native lowering, the X-CUBE-AI API."""
from __future__ import annotations

from pathlib import Path

from tinyc.backends import Sources
from tinyc.backends.native.backend import NativeBackend


class CubeaiBackend(NativeBackend):
    name = "cubeai"

    def generate(self, graph, board, plan, out: Path, options: dict, provenance) -> Sources:
        from tinyc.backends.cubeai.codegen import KERNELS_DIR, generate
        name = options.get("name") or "network"
        src = generate(graph, board, plan, out, name=name, provenance=provenance)
        return Sources(generated=src.generated,
                       firmware=src.kernel_sources + sorted(KERNELS_DIR.glob("*.h")),
                       facts={"cubeai_api_name": name})
