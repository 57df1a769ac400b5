"""``aasref redact IN OUT --level public|partner``: what may leave the plant, and a report of what was done.

Exit codes: 0 written, 2 usage error (level, key, policy file), 3 could not run (unreadable input, I/O).
"""

from __future__ import annotations

from pathlib import Path

import click

from ._errors import EXIT_CANNOT_RUN, EXIT_USAGE, fail


@click.command("redact", epilog="Exit codes: 0 written, 2 usage error (level, key, policy), 3 could not run. "
                                "The key is read from --key-file or $AASREF_REDACT_KEY and never written anywhere.")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--level", type=click.Choice(["public", "partner"]), required=True,
              help="Disclosure level of the output: public (may be published) or partner (under contract).")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              metavar="FILE", help="Plant policy (YAML): classes by path / semanticId / role, identifiers, coarsening.")
@click.option("--key-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar="FILE",
              help="Pseudonymization key (at least 16 bytes) [else env AASREF_REDACT_KEY].")
@click.option("--shift-time", is_flag=True, help="Shift every xs:dateTime / xs:date value by a keyed offset.")
@click.option("--spec-version", type=click.Choice(["3.0", "3.1"]),
              help="Metamodel of the output (default: that of the input, 3.1 for JSON).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON redaction report (default TARGET.redaction.json; the text report beside it as .txt).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
def redact_cmd(source: Path, target: Path, level: str, policy_file: Path | None, key_file: Path | None,
               shift_time: bool, spec_version: str | None, report_path: Path | None, quiet: bool) -> None:
    """Write a copy of SOURCE fit for LEVEL to TARGET (format from its suffix); SOURCE is never modified.

    \b
    Values above the level are removed (the element is kept, empty, where the template requires it, and
    dropped where it is optional) or coarsened where the policy says so; identifiers become keyed pseudonyms
    (HMAC-SHA256), and ids and references that embed them are rewritten consistently; package files of
    removed File elements are removed too. The report says per element what was done and why, never a value.
    """
    from .. import disclosure
    from ..errors import AasRefModelsError
    from ..io import format_of
    from ..io.atomic import atomic_path
    from ..redact import KeyError_, load_key, redact_file

    try:
        format_of(target)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if target.exists() and target.resolve() == source.resolve():
        raise click.UsageError("OUT is the input file: the input is never modified, give another OUT")
    try:
        policy = disclosure.load_policy(policy_file, level=level)
    except disclosure.PolicyFileError as exc:
        fail(str(exc), EXIT_USAGE)
    try:
        key = load_key(key_file)
    except KeyError_ as exc:
        fail(str(exc), EXIT_USAGE)
    try:
        result = redact_file(source, target, level=level, key=key, policy=policy, shift_time=shift_time,
                             spec_version=spec_version)
        json_path = report_path or target.with_name(target.name + ".redaction.json")
        with atomic_path(json_path) as tmp:
            tmp.write_text(result.report_json(), encoding="utf-8")
        text_path = json_path.with_suffix(".txt") if json_path.suffix == ".json" else \
            json_path.with_name(json_path.name + ".txt")
        with atomic_path(text_path) as tmp:
            tmp.write_text(result.report_text(), encoding="utf-8")
    except AasRefModelsError as exc:
        fail(f"{source}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", EXIT_CANNOT_RUN)
    except OSError as exc:
        fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "), EXIT_CANNOT_RUN)
    text = result.report_text()
    click.echo(text.splitlines()[0] if quiet else text.rstrip("\n"))
    click.echo(f"wrote {target} and the report {json_path} ({text_path.name})")


COMMANDS = [redact_cmd]
