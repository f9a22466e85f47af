"""The `tinyc` command: a click group whose subcommands live in tinyc/commands/."""
from __future__ import annotations

import importlib
import json
import os
import signal
import sys

import click

from tinyc import __version__
from tinyc.errors import Terminated, TinycError
from tinyc.output import error_document

# Each module in tinyc/commands defines `command` (a click.Command). Order = help order.
COMMANDS = ["inspect", "quantize", "boards", "plan", "build", "export", "run", "verify", "validate",
            "bench", "flash", "devices"]


class _Group(click.Group):
    def invoke(self, ctx):
        as_json = "--json" in [*getattr(ctx, "_protected_args", []), *ctx.args]

        def fail(message: str, exit_code: int, details: dict | None = None):
            click.echo(f"error: {message}", err=True)
            if as_json:   # stdout stays one JSON document, even on failure
                click.echo(json.dumps(error_document(message, exit_code, details), indent=2,
                                      default=str))
            sys.exit(exit_code)

        try:
            return super().invoke(ctx)
        except TinycError as e:
            fail(e.message, e.exit_code, e.details)
        except Terminated as e:   # a KeyboardInterrupt: before it
            fail(f"stopped by {signal.Signals(e.signum).name}", 128 + e.signum)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except BrokenPipeError:   # `tinyc boards | head`: the reader left, nothing to report
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(128 + signal.SIGPIPE)
        except click.ClickException as e:   # usage errors: click prints its usage block
            if as_json:
                click.echo(json.dumps(error_document(e.format_message(), e.exit_code), indent=2))
            raise
        except (click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Exception as e:  # a bug in tinyc: still one line, traceback on request
            if os.environ.get("TINYC_DEBUG"):
                raise
            fail(f"internal error: {type(e).__name__}: {e} "
                 "(set TINYC_DEBUG=1 for the traceback and please report it)", 3)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tinyc")
def cli():
    """tinyc: compile int8 TFLite models to C for microcontrollers, build, flash and verify."""


for _name in COMMANDS:
    try:
        _mod = importlib.import_module(f"tinyc.commands.{_name}")
    except ModuleNotFoundError as _e:
        if _e.name != f"tinyc.commands.{_name}":
            raise
        continue
    cli.add_command(_mod.command)


def _raise_terminated(signum, frame):
    raise Terminated(signum)


def main():
    for sig in (signal.SIGTERM, signal.SIGHUP):   # cleanup runs as on Ctrl-C
        signal.signal(sig, _raise_terminated)
    cli(prog_name="tinyc")
