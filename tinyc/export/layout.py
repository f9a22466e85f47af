"""What each --format adds around the sources: the build system's own metadata.

c           the sources, flat: `cc -c DIR/*.c -I DIR`
arduino     library.properties, src/, examples/NAME/NAME.ino
platformio  library.json, src/
cmake       CMakeLists.txt with one add_library target, src/
"""
from __future__ import annotations

from pathlib import Path

from tinyc import __version__
from tinyc.boards import Board

FORMATS = ("c", "arduino", "platformio", "cmake")
# library.properties requires a url; tinyc has no public home yet, so the user's own goes here.
LIBRARY_URL = "https://example.invalid/tinyc-export"


def library_name(models: list[str]) -> str:
    return "tinyc_" + "_".join(models)


def write_layout(fmt: str, root: Path, src: Path, board: Board, models: list[str],
                 example: dict) -> None:
    """example: the first model's {name, input0_zero_point, output0_elements} for the sketch."""
    from tinyc.backends.native.codegen import jinja_env
    if fmt == "c":
        return
    env = jinja_env("export")
    view = {"version": __version__, "library": library_name(models), "models": models,
            "board_id": board.id, "headers": [f"{m}.h" for m in models], "url": LIBRARY_URL,
            "sources": sorted(p.name for p in src.glob("*.c"))}
    if fmt == "arduino":
        (root / "library.properties").write_text(
            env.get_template("library.properties.j2").render(**view))
        name = example["name"]   # the sketch folder and the .ino share the name
        folder = root / "examples" / name
        folder.mkdir(parents=True)
        (folder / f"{name}.ino").write_text(env.get_template("example.ino.j2").render(
            version=__version__, name=name, uname=name.upper(),
            output0_elements=example["output0_elements"],
            input0_fill=example["input0_zero_point"]))
    elif fmt == "platformio":
        (root / "library.json").write_text(env.get_template("library.json.j2").render(**view))
    elif fmt == "cmake":
        (root / "CMakeLists.txt").write_text(env.get_template("CMakeLists.txt.j2").render(**view))
