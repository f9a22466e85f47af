"""The `tinyc` command: a click group whose subcommands live in tinyc/commands/."""
from __future__ import annotations

import importlib
import os
import signal
import sys

import click

from tinyc import __version__
from tinyc.errors import Terminated, TinycError

# Each module in tinyc/commands defines `command` (a click.Command). Order = help order.
COMMANDS = ["inspect", "quantize", "boards", "plan", "build", "export", "run", "verify", "validate",
            "bench", "flash", "devices"]


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except TinycError as e:
            click.echo(f"error: {e.message}", err=True)
            sys.exit(e.exit_code)
        except Terminated as e:
            click.echo(f"error: stopped by {signal.Signals(e.signum).name}", err=True)
            sys.exit(128 + e.signum)
        except KeyboardInterrupt:
            click.echo("error: interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except Exception as e:  # a bug in tinyc: still one line, traceback on request
            if os.environ.get("TINYC_DEBUG"):
                raise
            click.echo(f"error: internal error: {type(e).__name__}: {e} "
                       "(set TINYC_DEBUG=1 for the traceback and please report it)", err=True)
            sys.exit(3)


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
