"""``aasref fix --profile kosmo IN OUT``: safe, explained repairs with a ledger (JSON and text).

Exit codes: 0 the output passes the profile (and every standard layer), 1 findings are left (the ledger says
which and why), 2 usage error, 3 could not run (unreadable input, I/O).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("fix", epilog="Exit codes: 0 the output passes, 1 findings left (see the ledger), 2 usage error, "
                             "3 could not run.")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--profile", default="kosmo", show_default=True, help="The submission profile (kosmo).")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False, exists=True), metavar="FILE",
              help="YAML/JSON overriding the profile's policy keys.")
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the JSON ledger (default: TARGET.ledger.json).")
@click.option("--schema-dir", type=click.Path(file_okay=False), envvar="AASREF_SCHEMA_DIR",
              help="Official schemas for the final check [env AASREF_SCHEMA_DIR].")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line of the text ledger.")
def fix_cmd(source: Path, target: Path, profile: str, policy_file: str | None, ledger_path: Path | None,
            schema_dir: str | None, quiet: bool) -> None:
    """Repair SOURCE for a submission profile and write TARGET (same format) plus a ledger of every change.

    Values are never invented; what cannot be repaired safely is listed with the reason. TARGET is then
    validated with the profile: the findings left go into the ledger.
    """
    from .. import profiles
    from ..errors import AasRefModelsError
    from ..fix.run import fix_bytes
    from ..io.atomic import atomic_path
    from ..validate import validate

    if source.resolve() == target.resolve():
        raise click.UsageError("SOURCE and TARGET are the same file")
    ledger_path = ledger_path or target.with_name(target.name + ".ledger.json")
    try:
        prof, policy = profiles.resolve(profile, policy_file)
    except profiles.PolicyError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        fixed = fix_bytes(source.read_bytes(), prof.name, policy)
    except profiles.PolicyError as exc:
        raise click.UsageError(str(exc)) from None
    except (AasRefModelsError, OSError, ValueError, KeyError) as exc:
        click.echo(f"error: {source}: could not run: {(str(exc).splitlines() or [type(exc).__name__])[0]}", err=True)
        sys.exit(3)
    except Exception as exc:  # a repair that meets a shape it does not expect: could not run, one line, no output
        click.echo(f"error: {source}: could not repair: {type(exc).__name__}: "
                   f"{(str(exc).splitlines() or [''])[0]}", err=True)
        sys.exit(3)
    suffix = {"aasx": ".aasx", "json": ".json", "xml": ".xml"}[fixed.format]
    if target.suffix.lower() in (".aasx", ".json", ".xml") and target.suffix.lower() != suffix:
        raise click.UsageError(f"the input is {fixed.format}: TARGET must end in {suffix} (convert separately)")
    try:
        with atomic_path(target) as tmp:
            tmp.write_bytes(fixed.data)
        report = validate(target, profile=prof.name, policy=policy, schema_dir=schema_dir)
        fixed.ledger.remaining = [f.to_dict() for f in report.findings]
        with atomic_path(ledger_path) as tmp:
            tmp.write_text(fixed.ledger.to_json(), encoding="utf-8")
    except OSError as exc:
        click.echo(f"error: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(3)
    text = fixed.ledger.to_text()
    click.echo(text.splitlines()[0] if quiet else text, nl=quiet)
    click.echo(f"wrote {target} and {ledger_path}: {'passes' if report.ok else 'still fails'} the {prof.name} profile"
               f" ({len(report.errors)} errors, {len(report.warnings)} warnings)")
    sys.exit(0 if report.ok else 1)


COMMANDS: list[click.Command] = [fix_cmd]
