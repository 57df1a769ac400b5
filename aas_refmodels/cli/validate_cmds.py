"""``aasref validate``, ``aasref rules`` and ``aasref explain``.

Exit codes of ``validate``: 0 clean (nothing at or above --fail-on), 1 findings at or above --fail-on,
2 usage error (incl. a --schema-dir that does not exist), 3 could not run (a missing or unreadable input or
--template file; a skipped schema layer under --require-schemas).
"""

from __future__ import annotations

import sys
from typing import Any

import click

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_COULD_NOT_RUN = 0, 1, 2, 3
_FORMATS = ("text", "json", "junit", "sarif", "github", "kosmo", "html")  # kosmo, html: with --profile


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for v in values:
        out += [c.strip() for c in v.split(",") if c.strip()]
    return tuple(out)


class _CouldNotRun(click.ClickException):
    exit_code = EXIT_COULD_NOT_RUN

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


@click.command("validate", epilog="Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error, "
                                  "3 could not run (missing input, or no schemas under --require-schemas).")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="text", show_default=True,
              help="Report format.")
@click.option("--output", "-o", type=click.Path(), help="Write the report to FILE (its folder must exist).")
@click.option("--select", multiple=True, metavar="CODES", help="Only report codes starting with these "
                                                               "(comma-separated, repeatable), e.g. AASd,SCH1.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Do not report codes starting with these.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--spec-version", type=click.Choice(["3.0", "3.1"]), help="Force the metamodel version "
                                                                         "(default: detected from the content).")
@click.option("--schema-dir", type=click.Path(file_okay=False), envvar="AASREF_SCHEMA_DIR",
              help="Folder with V3.0.9/ and V3.1.2/ official schemas [env AASREF_SCHEMA_DIR; default: the "
                   "folder of `aasref schemas install`].")
@click.option("--require-schemas", is_flag=True, envvar="AASREF_REQUIRE_SCHEMAS",
              help="Exit 3 when the schema layer is skipped for lack of official schemas "
                   "[env AASREF_REQUIRE_SCHEMAS=1].")
@click.option("--template", "templates", multiple=True, type=click.Path(),
              help="A submodel template file (JSON/XML/AASX) to check submodels against (repeatable).")
@click.option("--no-reference-models", is_flag=True, help="Do not match submodels against the reference models.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Worker processes for many files.")
@click.option("--max-file-size", type=click.IntRange(1), help="Largest file or package part, in bytes.")
@click.option("--max-zip-ratio", type=click.FloatRange(1), help="Largest compression ratio of an AASX entry.")
@click.option("--max-zip-size", type=click.IntRange(1), help="Largest total uncompressed size of an AASX.")
@click.option("--max-depth", type=click.IntRange(2), help="Deepest JSON/XML nesting accepted.")
@click.option("--quiet", "-q", is_flag=True, help="Text output: the findings only (no notes, no summary, no "
                                                    "progress bar).")
@click.option("--profile", metavar="NAME", help="Add a submission profile's rules (kosmo) after the standard layers.")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="YAML/JSON file overriding the profile's policy keys (e.g. reading: A, iriConflict: idta-preserve).")
@click.option("--disclosure", type=click.Choice(["public", "partner"]), help="Disclosure gate: add the "
              "'disclosure' profile (DSC rules) for this level; --policy then names a plant disclosure policy.")
@click.option("--basyx-compat", is_flag=True, help="Also read 3.1 input strictly with basyx-python-sdk "
                                                  "(SER005 warnings: the file would not load in basyx tools).")
def validate_cmd(paths: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...],
                 ignore: tuple[str, ...], fail_on: str, spec_version: str | None, schema_dir: str | None,
                 require_schemas: bool, templates: tuple[str, ...], no_reference_models: bool, jobs: int,
                 max_file_size: int | None, max_zip_ratio: float | None, max_zip_size: int | None,
                 max_depth: int | None, quiet: bool, profile: str | None, policy_file: str | None,
                 disclosure: str | None = None, basyx_compat: bool = False) -> None:
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
    policy: dict[str, Any] | None = None
    profile_codes: list[str] = []
    if disclosure is not None:
        if profile not in (None, "disclosure"):
            raise click.UsageError("--disclosure runs the disclosure profile: it cannot be combined with --profile")
        profile = "disclosure"
    if profile is None and (policy_file or fmt in ("kosmo", "html")):
        raise click.UsageError(f"{'--policy' if policy_file else '--format ' + fmt} needs --profile")
    if profile is not None:
        from .. import profiles
        try:
            prof, policy = profiles.resolve(profile, policy_file, {"level": disclosure} if disclosure else None)
        except profiles.PolicyError as exc:
            raise click.UsageError(str(exc)) from None
        profile_codes = list(prof.rules)
    for code in sel + ign:
        if not rules.matching((code,)) and not any(c.startswith(code) for c in profile_codes):
            raise click.UsageError(f"--select/--ignore: no rule code starts with {code!r} (see aasref rules)")
    if paths.count("-") > 1:
        raise click.UsageError("- (stdin) may be given once")
    if schema_dir is not None and not Path(schema_dir).is_dir():
        source = "--schema-dir" if _from_option("schema_dir") else "$AASREF_SCHEMA_DIR"
        _usage_error(f"{source} {schema_dir}: no such folder (aasref schemas status shows where schemas are looked for)")
    for p in paths:
        if p != "-" and not Path(p).exists():
            raise _CouldNotRun(f"no such file or directory: {p}")
    limits = Limits()
    changes: dict[str, Any] = {k: v for k, v in (("max_file_bytes", max_file_size), ("max_zip_ratio", max_zip_ratio),
                                 ("max_zip_total_bytes", max_zip_size), ("max_depth", max_depth)) if v is not None}
    limits = dataclasses.replace(limits, **changes)
    try:
        loaded_templates = tuple(_load_templates(templates))
    except AasRefModelsError as exc:
        raise _CouldNotRun(str(exc).splitlines()[0]) from None
    kwargs: dict[str, Any] = {"spec_version": spec_version, "schema_dir": schema_dir, "templates": loaded_templates,
              "reference_models": not no_reference_models, "limits": limits, "basyx": basyx_compat}
    if profile is not None:
        kwargs.update(profile=profile, policy=policy)
    files = batch.collect(paths)
    from ..validate import read_limited
    stdin = read_limited(sys.stdin.buffer, limits) if "-" in files else None  # bounded: `- < /dev/zero` ends
    show_progress = not quiet and len(files) > 1 and _stderr_is_terminal()
    reports = []
    try:
        if show_progress:
            from rich.console import Console
            from rich.progress import Progress
            # refreshed from the loop, no refresh thread: worker processes are forked from a single thread
            with Progress(console=Console(stderr=True), transient=True, auto_refresh=False) as progress:
                task = progress.add_task("validating", total=len(files))
                for r in batch.run(files, kwargs, jobs, _throttled(progress, task), stdin):
                    reports.append(r)
        else:
            reports = list(batch.run(files, kwargs, jobs, None, stdin))
    except AasRefModelsError as exc:
        raise _CouldNotRun(str(exc).splitlines()[0]) from None
    reports = [r.filtered(sel, ign) for r in reports]
    if fmt in ("sarif", "github"):  # regions (line/column) for findings located by JSON pointer
        from ..validate._jsonpos import add_regions
        reports = add_regions(reports, lambda src: stdin if src == "<stdin>" else _read_quietly(src, limits.max_file_bytes))
    skipped = [r for r in reports if any(lr.layer == "schema" for lr in r.incomplete_layers)]
    if require_schemas and skipped:  # "could not run" as CI asked: no report is written
        reason = next(lr.reason for lr in skipped[0].incomplete_layers if lr.layer == "schema")
        click.echo(f"error: schema layer skipped for {len(skipped)} of {len(reports)} file"
                   f"{'s' if len(reports) != 1 else ''} (--require-schemas): {reason}", err=True)
        sys.exit(EXIT_COULD_NOT_RUN)
    summary = out.summarize(reports)
    threshold = Severity.parse(fail_on)
    if fmt in ("kosmo", "html"):
        from ..validate import profile_report
        assert profile is not None and policy is not None
        text = profile_report.render(reports, fmt, profile, policy)
    else:
        text = out.render(reports, fmt, summary=summary, fail_on=threshold, quiet=quiet)
    if output:
        from ..io.atomic import atomic_write_text

        try:
            atomic_write_text(output, text, errors="backslashreplace")
        except AasRefModelsError as exc:
            raise _CouldNotRun(str(exc)) from None
    else:
        click.echo(text, nl=False)
    for r in reports:
        if r.failure:
            click.echo(f"error: {r.source}: could not run: {r.failure}", err=True)
    failed = any(f.severity >= threshold for r in reports for f in r.findings)
    if any(r.failure for r in reports):
        sys.exit(EXIT_COULD_NOT_RUN)
    if quiet and fmt == "text":
        notes = out.incomplete_notes(reports)
        if notes:
            click.echo(f"note: {notes[0]}", err=True)
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


def _throttled(progress: Any, task: Any, interval: float = 0.1) -> Any:
    """``advance(n)`` for a progress bar without auto-refresh: the bar is redrawn at most every ``interval`` s."""
    import time
    last = [0.0]

    def advance(n: int) -> None:
        progress.advance(task, n)
        now = time.monotonic()
        if now - last[0] >= interval:
            last[0] = now
            progress.refresh()
    return advance


def _from_option(name: str) -> bool:
    ctx = click.get_current_context()
    return ctx.get_parameter_source(name) is not click.core.ParameterSource.ENVIRONMENT


def _usage_error(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _read_quietly(path: str, limit: int = 2**31) -> bytes | None:
    """The bytes of a regular file already validated (for line/column regions), or None."""
    import os
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > limit:
            return None
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


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
@click.option("--profile", metavar="NAME", help="List a submission profile's rules (kosmo) instead.")
def rules_cmd(fmt: str, layer: str | None, profile: str | None) -> None:
    """List the rule catalogue (code, severity, layer, title)."""
    import json

    from .. import rules
    if profile is not None:
        _profile_rules(profile, fmt)
        return
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
    if rule is None and _explain_profile_rule(code):
        return
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


def _profile_rules(name: str, fmt: str) -> None:
    import json

    from .. import profiles
    try:
        prof = profiles.load_profile(name)
    except profiles.PolicyError as exc:
        raise click.UsageError(str(exc)) from None
    items = list(prof.rules.values())
    if fmt == "json":
        click.echo(json.dumps([{"code": r.code, "group": r.group, "severity": str(r.severity), "fixable": r.fixable,
                                "title": dict(r.title), "remedy": dict(r.remedy), "source": dict(r.source),
                                "policy": list(r.policy)} for r in items], indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo("| code | group | severity | fixable | rule | remedy |\n|---|---|---|---|---|---|")
        for r in items:
            click.echo(f"| {r.code} | {r.group} | {r.severity} | {'yes' if r.fixable else 'no'} | {r.title['en']} | "
                       f"{r.remedy['en']} |")
    else:
        for r in items:
            click.echo(f"{r.code:<16} {r.severity!s:<8} {r.group:<5} {r.title['en']}")


def _explain_profile_rule(code: str) -> bool:
    from .. import profiles
    for name in profiles.available():
        prof = profiles.load_profile(name)
        rule = prof.rules.get(code) or next((r for c, r in prof.rules.items() if c.lower() == code.lower()), None)
        if rule is None:
            continue
        click.echo(f"{rule.code}: {rule.title['en']}")
        click.echo(f"  {rule.title.get('ko', '')}")
        click.echo(f"  profile:   {prof.name} {prof.version} ({prof.title['en']})")
        click.echo(f"  group:     {rule.group} ({prof.groups.get(rule.group, {}).get('en', '')})")
        click.echo(f"  severity:  {rule.severity} (default)")
        click.echo(f"  fixable:   {'yes (aasref fix --profile ' + prof.name + ')' if rule.fixable else 'no'}")
        for who, where in rule.source.items():
            click.echo(f"  source {who}:  {where}  [{prof.sources.get(who, '')}]")
        if rule.policy:
            click.echo("  policy:    " + ", ".join(f"{k} (default {prof.defaults.get(k)})" for k in rule.policy))
        click.echo(f"  remedy:    {rule.remedy['en']}")
        click.echo(f"  조치:      {rule.remedy.get('ko', '')}")
        if rule.explanation:
            click.echo("")
            click.echo(rule.explanation.get("en", ""))
            if rule.explanation.get("ko"):
                click.echo(rule.explanation["ko"])
        return True
    return False


COMMANDS: list[click.Command] = [validate_cmd, rules_cmd, explain_cmd]
