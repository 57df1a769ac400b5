"""``aasref schemas status`` and ``aasref schemas install``: the official AAS schemas on this machine.

Exit codes: 0 ok; 1 (status) a required file is missing or differs from the pinned official file;
2 usage error; 3 could not run (install: unreachable source, missing file, sha256 mismatch, I/O).
"""

from __future__ import annotations

import json
import sys

import click

EXIT_OK, EXIT_INCOMPLETE, EXIT_USAGE, EXIT_COULD_NOT_RUN = 0, 1, 2, 3


@click.group("schemas")
def schemas_group() -> None:
    """The official AAS JSON Schemas and XSDs (V3.0.9, V3.1.2; IDTA, CC BY 4.0) used by `aasref validate`.

    \b
    Looked for in: --schema-dir, $AASREF_SCHEMA_DIR, then the per-user data folder
    where `aasref schemas install` puts them.
    """


_SCHEMA_DIR = click.option("--schema-dir", type=click.Path(file_okay=False), envvar="AASREF_SCHEMA_DIR",
                           help="Schema folder [env AASREF_SCHEMA_DIR; default: the per-user data folder].")


@schemas_group.command("status")
@_SCHEMA_DIR
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def status_cmd(schema_dir: str | None, fmt: str) -> None:
    """Where the schemas are looked for, which folder is used, and each file's sha256 against its pin.

    Exit 0 when every file the validator needs is present and identical to the pinned official file, else 1.
    """
    from .. import schemas

    st = schemas.status(schema_dir)
    if fmt == "json":
        click.echo(json.dumps(st.to_dict(), indent=2))
        sys.exit(EXIT_OK if st.complete else EXIT_INCOMPLETE)
    click.echo("looked in (first found is used):")
    for i, loc in enumerate(st.locations, 1):
        click.echo(f"  {i}. {loc.describe()}")
    if st.schema_dir is None:
        click.echo("schema folder: none found; run `aasref schemas install` (offline: --from DIR|ZIP)")
        sys.exit(EXIT_INCOMPLETE)
    click.echo(f"schema folder: {st.schema_dir}")
    for f in st.files:
        pin = f"{f.release.repo}@{f.release.commit[:12]} {f.file.upstream}"
        state = f.state if f.file.required or f.state != "missing" else "missing (optional)"
        digest = f"sha256 {f.sha256[:16]}…" if f.sha256 else ""
        click.echo(f"  {f.release.folder}/{f.file.name:<12} {state:<18} {digest:<25} pinned: {pin}")
    if st.complete:
        click.echo("ok: every file matches the pinned official file")
        sys.exit(EXIT_OK)
    click.echo("incomplete: run `aasref schemas install` to fetch and verify the pinned files")
    sys.exit(EXIT_INCOMPLETE)


@schemas_group.command("install")
@click.option("--from", "source", metavar="DIR|ZIP|URL",
              help="Offline folder (V3.0.9/aas.json …), a ZIP of it, or a mirror URL laid out like "
                   "raw.githubusercontent.com (or a .zip URL). Default: the official repositories at the pinned "
                   "commits.")
@click.option("--schema-dir", type=click.Path(file_okay=False), envvar="AASREF_SCHEMA_DIR",
              help="Install into this folder [env AASREF_SCHEMA_DIR; default: the per-user data folder, where "
                   "`aasref validate` finds them with no flags].")
def install_cmd(source: str | None, schema_dir: str | None) -> None:
    """Fetch the pinned official schema files, verify each sha256, and install them.

    A file that differs from its pin is refused (exit 3) and nothing is installed.
    """
    from .. import schemas

    try:
        root = schemas.install(source, schema_dir)
    except schemas.SchemaInstallError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_COULD_NOT_RUN)
    n = sum(1 for r in schemas.RELEASES for f in r.files if (root / r.folder / f.name).is_file())
    click.echo(f"installed {', '.join(r.folder for r in schemas.RELEASES)} into {root} ({n} files, sha256 verified)")


COMMANDS: list[click.Command] = [schemas_group]
