"""The ``aasref`` command line. The only place that prints or exits.

Exit codes: 0 ok, 1 the model or values are invalid (or findings), 2 usage error, 3 could not run.
"""

from __future__ import annotations

import contextlib
import sys

import click

from .. import __version__
from .build_cmds import COMMANDS as _BUILD


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="aasref")
def main() -> None:
    """AAS reference models for representative manufacturing processes.

    \b
    Exit codes: 0 ok, 1 the model or values are invalid (or findings),
                2 usage error, 3 could not run (unreadable file, I/O).
    """
    tolerant_streams()


def tolerant_streams() -> None:
    """Characters the console cannot encode (e.g. cp949 on a Korean Windows) are replaced, never an error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a detached or exotic stream stays as it is
                reconfigure(errors="replace")


for _command in _BUILD:
    main.add_command(_command)

try:  # the validator's commands (validate, rules, explain)
    from .validate_cmds import COMMANDS as _VALIDATE
except ImportError:  # pragma: no cover - only while the validator is absent
    _VALIDATE = []
for _command in _VALIDATE:
    main.add_command(_command)

from .schemas_cmds import COMMANDS as _SCHEMAS  # noqa: E402  (aasref schemas status|install)

for _command in _SCHEMAS:
    main.add_command(_command)

from .ingest_cmds import COMMANDS as _INGEST  # noqa: E402  (ingest, map)

for _command in _INGEST:
    main.add_command(_command)

from .collect_cmds import COMMANDS as _COLLECT  # noqa: E402  (aasref collect; asyncua is imported when it runs)

for _command in _COLLECT:
    main.add_command(_command)

from .fix_cmds import COMMANDS as _FIX  # noqa: E402  (aasref fix: submission profiles)

for _command in _FIX:
    main.add_command(_command)

try:  # aasref redact (disclosure levels)
    from .redact_cmds import COMMANDS as _REDACT
except ImportError:  # pragma: no cover
    _REDACT = []
for _command in _REDACT:
    main.add_command(_command)
