"""``aasref ingest`` and ``aasref map init``: tables and record streams become AAS; ``show --paths`` output."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from ._errors import EXIT_CANNOT_RUN, fail, reported


def print_paths(spec: Any, fmt: str, lang: str) -> None:
    """``aasref show MODEL --paths``: every fillable path in the values spelling."""
    from ..ingest import paths as P

    infos = P.fillable_paths(spec)
    if fmt == "json":
        click.echo(json.dumps([i.to_dict() for i in infos], ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(P.iter_rows(infos))
        click.echo(buf.getvalue(), nl=False)
        return
    from .build_cmds import unit_label

    width = max(len(i.path) for i in infos) if infos else 10
    for i in infos:
        vt = i.value_type or i.model_type
        unit = unit_label(i.unit, lang)
        req = "required" if i.required else i.cardinality
        allowed = f"  {{{', '.join(i.allowed_values[:6])}{', …' if len(i.allowed_values) > 6 else ''}}}" \
            if i.allowed_values else ""
        if i.allowed_range is not None:
            lo, hi = i.allowed_range
            allowed += f"  [{'' if lo is None else lo}, {'' if hi is None else hi}]"
        name = f"{i.name_ko} / {i.name_en}" if lang == "ko" else f"{i.name_en} / {i.name_ko}"
        click.echo(f"{i.path:<{width}}  {vt}{unit}  {req}  {name}{allowed}")


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int], None] | None]:
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.completed:,} rows"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("ingest", total=None)

        def update(n: int) -> None:
            if n % 500 == 0:
                bar.update(task, completed=n)

        yield update


@contextlib.contextmanager
def _no_traceback() -> Iterator[None]:
    """A value the basyx model refuses (e.g. an identifier it does not accept) is a one-line error, exit 3."""
    try:
        yield
    except (ValueError, TypeError, KeyError) as exc:
        from ..errors import AasRefModelsError

        if isinstance(exc, AasRefModelsError):
            raise
        fail(f"could not ingest: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", EXIT_CANNOT_RUN)


def _rejects_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}.rejects.csv")


@click.command()
@click.argument("model")
@click.argument("input_file", metavar="INPUT", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--map", "map_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Mapping file (YAML; draft one with `aasref map init`).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Output file: .aasx, .json or .xml.")
@click.option("--as", "as_", type=click.Choice(["timeseries", "records"]), default="timeseries", show_default=True,
              help="One IDTA 02008 TimeSeries of all records, or one ProcessData submodel per record.")
@click.option("--recipe", type=click.Path(dir_okay=False, path_type=Path),
              help="Values file (JSON) for the parts that are not per record, e.g. ProcessParameters.")
@click.option("--asset-id", metavar="IRI", help="globalAssetId of the machine (ids derive from it).")
@click.option("--on-error", type=click.Choice(["fail", "skip"]), default="fail", show_default=True,
              help="fail: write nothing if a row is bad; skip: write the good rows, the bad ones to "
                   "<output>.rejects.csv.")
@click.option("--split", type=click.IntRange(min=1), metavar="N", help="One package per N records.")
@click.option("--encoding", help="Text encoding of a CSV or JSON Lines input (default: detected).")
@click.option("--sheet", help="xlsx sheet by name or 0-based index.")
@click.option("--input-kind", type=click.Choice(["csv", "xlsx", "jsonl", "parquet"]),
              help="Input kind (default: from the suffix).")
@click.option("--timezone", help="Zone of date-times without an offset (default: the mapping's, else Asia/Seoul).")
@click.option("--absent", multiple=True, help="Cell text meaning 'no value' (repeatable; replaces the mapping's).")
@click.option("--max-internal-records", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Up to this many records in an InternalSegment; more go into an embedded file.")
@click.option("--external-format", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@click.option("--spec-version", type=click.Choice(["3.1", "3.0"]), default="3.1", show_default=True)
@click.option("--version", "version", metavar="X.Y", help="Model version (default: latest).")
@click.option("--progress/--no-progress", default=True, help="Progress bar (on a terminal only).")
@click.option("--base-iri", metavar="IRI", help="Base IRI of our own concepts (default $AASREF_BASE_IRI).")
def ingest(model: str, input_file: Path, map_file: Path, output: Path, as_: str, recipe: Path | None,
           asset_id: str | None, on_error: str, split: int | None, encoding: str | None, sheet: str | None,
           input_kind: str | None, timezone: str | None, absent: tuple[str, ...], max_internal_records: int,
           external_format: str, spec_version: str, version: str | None, progress: bool,
           base_iri: str | None) -> None:
    """Turn a table (CSV, xlsx, JSON Lines, Parquet) into AAS: a time series or one submodel per record.

    \b
    Every bad cell is reported (row, column, path, reason). Exit codes: 0 written,
    1 bad rows (with --on-error fail) or a mapping that does not fit, 2 usage, 3 could not run.
    """
    from ..errors import ReadError
    from ..ingest import mapping as M
    from ..ingest.pipeline import ingest as run
    from ..ingest.pipeline import write_rejects
    from ..ingest.readers import open_table
    from ..io.writer import format_of
    from ..spec import load_model

    try:
        format_of(output)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    with reported():
        spec = load_model(model, version, base_iri=base_iri)
        doc, locate, label = M.read_mapping_file(map_file)
        if timezone:
            doc["timezone"] = timezone
        if absent:
            doc["absent"] = list(absent)
        mapping = M.compile_mapping(doc, spec, locate=lambda p: f"{label}:{locate(p)}")
        recipe_values = None
        if recipe is not None:
            try:
                recipe_values = json.loads(recipe.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise ReadError(f"{recipe}: cannot read the recipe values file: {exc}") from None
            if not isinstance(recipe_values, dict):
                raise ReadError(f"{recipe}: the recipe values file is not a JSON object")
        table = open_table(input_file, kind=input_kind, encoding=encoding or mapping.encoding,
                           sheet=sheet if sheet is not None else mapping.sheet, delimiter=mapping.delimiter)
        with table, _progress(progress) as update, _no_traceback():
            summary = run(spec, table.rows(), mapping, output=output, as_=as_,  # type: ignore[arg-type]
                          asset_id=asset_id, recipe=recipe_values, on_error=on_error,  # type: ignore[arg-type]
                          spec_version=spec_version, split=split,  # type: ignore[arg-type]
                          max_internal_records=max_internal_records,
                          external_format=external_format, attachments_dir=recipe.parent if recipe else None,  # type: ignore[arg-type]
                          progress=update)
        rejects_file = None
        if summary.rejects:
            rejects_file = write_rejects(summary.rejects, table.columns, _rejects_path(output))
    for note in summary.notes:
        click.echo(f"note: {note}", err=True)
    for p in summary.problems:
        click.echo(f"warning: {p}", err=True)
    outputs = ", ".join(str(p) for p in summary.outputs)
    click.echo(f"read {summary.read} rows: {summary.written} written, {summary.rejected} rejected"
               + (f" (to {rejects_file})" if rejects_file else "") + f" -> {outputs}")


@click.group("map")
def map_group() -> None:
    """Mapping files for `aasref ingest`."""


@map_group.command("init")
@click.argument("model")
@click.option("--from", "source", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The table to map (CSV, xlsx, JSON Lines, Parquet).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Mapping file to write (default: stdout).")
@click.option("--encoding", help="Text encoding of a CSV input (default: detected).")
@click.option("--sheet", help="xlsx sheet by name or 0-based index.")
@click.option("--input-kind", type=click.Choice(["csv", "xlsx", "jsonl", "parquet"]))
@click.option("--version", "version", metavar="X.Y", help="Model version (default: latest).")
def map_init(model: str, source: Path, output: Path | None, encoding: str | None, sheet: str | None,
             input_kind: str | None, version: str | None) -> None:
    """Draft a mapping: each column's best path (idShort, English and Korean names), unit, confidence."""
    import yaml

    from ..ingest.draft import draft
    from ..ingest.readers import open_table
    from ..io.atomic import atomic_path
    from ..spec import load_model

    with reported():
        spec = load_model(model, version)
        with open_table(source, kind=input_kind, encoding=encoding, sheet=sheet) as table:
            sample = []
            for _n, row, _problem in table.rows():
                sample.append(row)
                if len(sample) >= 200:
                    break
            columns = table.columns or sorted({k for r in sample for k in r})
            doc, matches = draft(spec, columns, sample)
            head = {"model": doc.pop("model"), "version": doc.pop("version")}
            if table.sheet is not None:
                head["sheet"] = table.sheet
            if table.encoding and table.encoding not in ("utf-8", "utf-8-sig"):
                head["encoding"] = table.encoding
            doc = {**head, **doc}
    text = (f"# aasref ingest mapping for {spec.model} {spec.version}, drafted by `aasref map init` from "
            f"{source.name}\n# check every path, unit and constant; confidence 1.0 = the header is a path\n"
            + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120))
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            with atomic_path(output) as tmp:
                tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"{output}: {exc.strerror or exc}", EXIT_CANNOT_RUN)
    out = sys.stderr if output is None else sys.stdout
    for m in matches:
        if m.path:
            unit = f", unit {m.unit}" if m.unit else ""
            click.echo(f"{m.column} -> {m.path} (confidence {m.confidence:.2f}{unit})", file=out)
    unmatched = [m.column for m in matches if not m.path]
    if unmatched:
        click.echo(f"unmatched: {', '.join(unmatched)}", file=out)


COMMANDS = [ingest, map_group]
