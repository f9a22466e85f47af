"""tinyc: a TinyML compiler for microcontrollers.

The Python API (tinyc/api.py): tinyc.compile(model, board=…) -> Build, Build.run / verify /
profile, tinyc.boards(). Imported on first use, so `import tinyc` stays light.
"""

__version__ = "0.1.0"

__all__ = ["Build", "TinycError", "boards", "compile", "__version__"]


def __getattr__(name):
    if name in ("Build", "compile"):
        from tinyc import api
        return getattr(api, name)
    if name == "boards":   # the module is callable: tinyc.boards() (see tinyc/boards.py)
        import tinyc.boards
        return tinyc.boards
    if name == "TinycError":
        from tinyc.errors import TinycError
        return TinycError
    raise AttributeError(f"module 'tinyc' has no attribute {name!r}")
