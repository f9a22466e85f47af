"""tinyc: a TinyML compiler for microcontrollers."""

__version__ = "0.1.0"
