"""The cubeai backend: the X-CUBE-AI legacy client API (network.c/h, network_data.c/h, ...)
on tinyc's native kernels, with the activations buffer owned by the application."""
from tinyc.backends.cubeai.codegen import CubeaiSources, generate

__all__ = ["CubeaiSources", "generate"]
