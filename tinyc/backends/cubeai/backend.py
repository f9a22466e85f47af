"""The cubeai backend behind the Backend interface: the native lowering, the X-CUBE-AI API."""
from __future__ import annotations

from pathlib import Path

from tinyc.backends import Sources
from tinyc.backends.native.backend import NativeBackend, with_kernel_headers


class CubeaiBackend(NativeBackend):
    name = "cubeai"

    def generate(self, graph, board, plan, out: Path, options: dict, provenance) -> Sources:
        from tinyc.backends.cubeai.codegen import generate
        name = options.get("name") or "network"
        src = generate(graph, board, plan, out, name=name, provenance=provenance)
        return Sources(generated=src.generated,
                       firmware=with_kernel_headers(src.kernel_sources),
                       facts={"cubeai_api_name": name})
