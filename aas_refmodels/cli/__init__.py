"""The ``aasref`` command line. The only place that prints or exits.

Exit codes: 0 ok, 1 the model or values are invalid (or findings), 2 usage error, 3 could not run.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from typing import Any

import click

# command name -> module of aas_refmodels.cli that defines it (in its COMMANDS list). A command's module is
# imported only when that command runs (or when --help lists them all): `aasref validate FILE` does not
# import the build, ingest, collect, fix or redact layers (fast start; tests/test_cli_startup.py).
LAZY_COMMANDS: dict[str, str] = {
    "list": "build_cmds", "show": "build_cmds", "build": "build_cmds", "convert": "build_cmds",
    "validate": "validate_cmds", "rules": "validate_cmds", "explain": "validate_cmds",
    "schemas": "schemas_cmds",  # aasref schemas status|install
    "ingest": "ingest_cmds", "map": "ingest_cmds",
    "collect": "collect_cmds",  # asyncua is imported when it runs
    "fix": "fix_cmds",  # submission profiles
    "redact": "redact_cmds",  # disclosure levels
}


class _LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(LAZY_COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            module = importlib.import_module(f"{__name__}.{LAZY_COMMANDS[cmd_name]}")
            for command in module.COMMANDS:
                if command.name in LAZY_COMMANDS:
                    self.commands.setdefault(command.name, command)
        return self.commands.get(cmd_name)

    def load_all(self) -> dict[str, click.Command]:
        """Every subcommand (imports all command modules): ``{name: command}``."""
        ctx = click.Context(self)
        return {name: cmd for name in self.list_commands(ctx) if (cmd := self.get_command(ctx, name)) is not None}


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version: the distribution's metadata is read only when asked for (importlib.metadata costs start-up)."""
    if not value or ctx.resilient_parsing:
        return
    from .. import __version__
    click.echo(f"aasref, version {__version__}")
    ctx.exit()


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
def main() -> None:
    """AAS reference models for representative manufacturing processes.

    \b
    Exit codes: 0 ok, 1 the model or values are invalid (or findings),
                2 usage error, 3 could not run (unreadable file, I/O).
    """
    tolerant_streams()
    from .._lazy_patterns import install
    install()  # aas-core's patterns compiled when first used (start-up of `aasref validate`)


def tolerant_streams() -> None:
    """Characters the console cannot encode (e.g. cp949 on a Korean Windows) are replaced, never an error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a detached or exotic stream stays as it is
                reconfigure(errors="replace")


def __getattr__(name: str) -> Any:
    if name == "__version__":  # formerly imported here; kept for callers that read it from the CLI module
        from .. import __version__
        return __version__
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
