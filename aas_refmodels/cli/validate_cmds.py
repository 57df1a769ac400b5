"""``aasref validate``, ``aasref rules`` and ``aasref explain``.

Exit codes of ``validate``: 0 clean (nothing at or above --fail-on), 1 findings at or above --fail-on,
2 usage error, 3 could not run (e.g. a --template file that cannot be read).
"""

from __future__ import annotations

import sys
from typing import Any

import click

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_COULD_NOT_RUN = 0, 1, 2, 3
_FORMATS = ("text", "json", "junit", "sarif", "github")


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for v in values:
        out += [c.strip() for c in v.split(",") if c.strip()]
    return tuple(out)


class _CouldNotRun(click.ClickException):
    exit_code = EXIT_COULD_NOT_RUN


@click.command("validate", epilog="Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error, "
                                  "3 could not run.")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="text", show_default=True,
              help="Report format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report to FILE.")
@click.option("--select", multiple=True, metavar="CODES", help="Only report codes starting with these "
                                                               "(comma-separated, repeatable), e.g. AASd,SCH1.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Do not report codes starting with these.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--spec-version", type=click.Choice(["3.0", "3.1"]), help="Force the metamodel version "
                                                                         "(default: detected from the content).")
@click.option("--schema-dir", type=click.Path(file_okay=False), envvar="AASREF_SCHEMA_DIR",
              help="Folder with V3.0.9/ and V3.1.2/ official schemas [env AASREF_SCHEMA_DIR].")
@click.option("--template", "templates", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A submodel template file (JSON/XML/AASX) to check submodels against (repeatable).")
@click.option("--no-reference-models", is_flag=True, help="Do not match submodels against the reference models.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Worker processes for many files.")
@click.option("--max-file-size", type=click.IntRange(1), help="Largest file or package part, in bytes.")
@click.option("--max-zip-ratio", type=click.FloatRange(1), help="Largest compression ratio of an AASX entry.")
@click.option("--max-zip-size", type=click.IntRange(1), help="Largest total uncompressed size of an AASX.")
@click.option("--max-depth", type=click.IntRange(2), help="Deepest JSON/XML nesting accepted.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no summary line in text output.")
@click.option("--basyx-compat", is_flag=True, help="Also read 3.1 input strictly with basyx-python-sdk "
                                                  "(SER005 warnings: the file would not load in basyx tools).")
def validate_cmd(paths: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...],
                 ignore: tuple[str, ...], fail_on: str, spec_version: str | None, schema_dir: str | None,
                 templates: tuple[str, ...], no_reference_models: bool, jobs: int, max_file_size: int | None,
                 max_zip_ratio: float | None, max_zip_size: int | None, max_depth: int | None, quiet: bool,
                 basyx_compat: bool = False) -> None:
    """Validate AAS files (AASX, JSON, XML): package, schema, deserialize, metamodel and template layers.

    PATHS are files, directories (searched recursively for .aasx/.json/.xml) or - for stdin.
    """
    import dataclasses
    from pathlib import Path

    from .. import rules
    from ..errors import AasRefModelsError
    from ..findings import Severity
    from ..validate import Limits, batch
    from ..validate import output as out

    sel, ign = _codes(select), _codes(ignore)
    for code in sel + ign:
        if not rules.matching((code,)):
            raise click.UsageError(f"--select/--ignore: no rule code starts with {code!r} (see aasref rules)")
    for p in paths:
        if p != "-" and not Path(p).exists():
            raise click.UsageError(f"no such file or directory: {p}")
    if paths.count("-") > 1:
        raise click.UsageError("- (stdin) may be given once")
    limits = Limits()
    changes: dict[str, Any] = {k: v for k, v in (("max_file_bytes", max_file_size), ("max_zip_ratio", max_zip_ratio),
                                 ("max_zip_total_bytes", max_zip_size), ("max_depth", max_depth)) if v is not None}
    limits = dataclasses.replace(limits, **changes)
    try:
        loaded_templates = tuple(_load_templates(templates))
    except AasRefModelsError as exc:
        raise _CouldNotRun(str(exc).splitlines()[0]) from None
    kwargs = {"spec_version": spec_version, "schema_dir": schema_dir, "templates": loaded_templates,
              "reference_models": not no_reference_models, "limits": limits, "basyx": basyx_compat}
    files = batch.collect(paths)
    stdin = sys.stdin.buffer.read() if "-" in files else None
    show_progress = not quiet and len(files) > 1 and _stderr_is_terminal()
    reports = []
    try:
        if show_progress:
            from rich.console import Console
            from rich.progress import Progress
            with Progress(console=Console(stderr=True), transient=True) as progress:
                task = progress.add_task("validating", total=len(files))
                for r in batch.run(files, kwargs, jobs, lambda n: progress.advance(task, n), stdin):
                    reports.append(r)
        else:
            reports = list(batch.run(files, kwargs, jobs, None, stdin))
    except AasRefModelsError as exc:
        raise _CouldNotRun(str(exc).splitlines()[0]) from None
    reports = [r.filtered(sel, ign) for r in reports]
    summary = out.summarize(reports)
    text = out.render(reports, fmt, summary=summary)
    if quiet and fmt == "text":
        text = "".join(line + "\n" for line in text.splitlines()[:-1])
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    for r in reports:
        if r.failure:
            click.echo(f"error: {r.source}: could not run: {r.failure}", err=True)
    threshold = Severity.parse(fail_on)
    failed = any(f.severity >= threshold for r in reports for f in r.findings)
    if any(r.failure for r in reports):
        sys.exit(EXIT_COULD_NOT_RUN)
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _load_templates(files: tuple[str, ...]) -> list[Any]:
    if not files:
        return []
    from ..validate import conformance
    return [conformance.load_template_file(f) for f in files]


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--layer", type=click.Choice(["package", "schema", "deserialize", "metamodel", "template"]))
def rules_cmd(fmt: str, layer: str | None) -> None:
    """List the rule catalogue (code, severity, layer, title)."""
    import json

    from .. import rules
    items = [r for r in rules.RULES.values() if layer is None or str(r.layer) == layer]
    if fmt == "json":
        click.echo(json.dumps([{"code": r.code, "severity": str(r.severity), "layer": str(r.layer),
                                "title": r.title, "versions": sorted(r.versions),
                                "source": {v: str(r.source(v)) for v in sorted(r.versions)}} for r in items],
                              indent=2))
    elif fmt == "markdown":
        click.echo("| code | severity | layer | versions | rule |\n|---|---|---|---|---|")
        for r in items:
            click.echo(f"| {r.code} | {r.severity} | {r.layer} | {', '.join(sorted(r.versions))} | {r.title} |")
    else:
        for r in items:
            click.echo(f"{r.code:<12} {r.severity!s:<8} {r.layer!s:<12} {r.title}")


@click.command("explain")
@click.argument("code")
def explain_cmd(code: str) -> None:
    """Print one rule of the catalogue."""
    from .. import rules
    rule = rules.RULES.get(code) or next((r for c, r in rules.RULES.items() if c.lower() == code.lower()), None)
    if rule is None:
        raise click.UsageError(f"unknown rule code {code!r} (see aasref rules)")
    click.echo(f"{rule.code}: {rule.title}")
    click.echo(f"  severity:  {rule.severity} (default)")
    click.echo(f"  layer:     {rule.layer}")
    click.echo(f"  versions:  {', '.join(sorted(rule.versions))}")
    for v in sorted(rule.versions):
        click.echo(f"  source {v}: {rule.source(v)}")
    if rule.explanation:
        click.echo("")
        click.echo(rule.explanation)


COMMANDS: list[click.Command] = [validate_cmd, rules_cmd, explain_cmd]
