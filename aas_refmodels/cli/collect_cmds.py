"""``aasref collect``: fill a reference model from a live OPC UA server."""

from __future__ import annotations

import datetime
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from ._errors import EXIT_CANNOT_RUN, EXIT_INVALID, fail, reported
from .build_cmds import SPEC_VERSION, _load_values

if TYPE_CHECKING:
    from ..collect import CollectResult

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$")
_FACTOR = {"ms": 0.001, "s": 1.0, None: 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def seconds(text: str, option: str) -> float:
    m = _DURATION.match(text)
    if not m or (float(m.group(1)) <= 0 and option != "--event-timeout"):
        raise click.BadParameter(f"{text!r} is not a duration such as 500ms, 5s, 2min", param_hint=option)
    return float(m.group(1)) * _FACTOR[m.group(2)]


def _secret(password_file: Path | None) -> str | None:
    if password_file is not None:
        try:
            return password_file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            fail(f"cannot read the password file {password_file}: {exc.strerror}", EXIT_CANNOT_RUN)
    return os.environ.get("AASREF_OPCUA_PASSWORD")


@click.command()
@click.argument("url", metavar="opc.tcp://HOST:PORT")
@click.option("--model", "model", required=True, help="Reference model (injection-molding, machining, ...).")
@click.option("--version", "version", metavar="X.Y", help="Model version (default: latest).")
@click.option("--asset-id", metavar="IRI", help="Global asset id of the machine (per machine: IRI/1, IRI/2, ...).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output file (a directory with --all-machines).")
@click.option("--object", "obj", metavar="NodeId|BrowsePath",
              help="The machine object (ns=2;s=IMM1, nsu=URI;i=5001 or Objects/2:IMM1) when the server has several.")
@click.option("--all-machines", is_flag=True, help="One output per machine of the model's type into -o DIR.")
@click.option("--machine-type", metavar="nsu=URI;i=N", help="Companion type of the machine (default: the model's).")
@click.option("--values", "values_file", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON values for elements the server does not provide (ProcessId, ...); the server's win.")
@click.option("--report", is_flag=True, help="Print the resolution table: element -> found / not found / type mismatch.")
@click.option("--report-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--allow-missing", is_flag=True, help="Write the instance even when mandatory elements have no value.")
@click.option("--every", metavar="DURATION", help="Poll every DURATION (500ms, 5s) into an IDTA 02008 TimeSeries.")
@click.option("--on-event", is_flag=True,
              help="One record per event of the model's event types (e.g. each cycle), instead of --every.")
@click.option("--count", type=click.IntRange(min=1), help="Number of records to poll.")
@click.option("--until", metavar="ISO-TIME", help="Poll until this time (ISO 8601; naive = UTC).")
@click.option("--event-timeout", default="10s", show_default=True, metavar="DURATION",
              help="How long to wait for the machine's next event (fields of event types, e.g. cycle data); 0 = none.")
@click.option("--timeout", default="5s", show_default=True, metavar="DURATION", help="Connect / request timeout.")
@click.option("--username", envvar="AASREF_OPCUA_USER", metavar="NAME",
              help="User name (or AASREF_OPCUA_USER); the password comes from AASREF_OPCUA_PASSWORD or --password-file.")
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path), help="File holding the password.")
@click.option("--security", metavar="POLICY,MODE", help="e.g. Basic256Sha256,SignAndEncrypt (needs --cert and --key).")
@click.option("--cert", type=click.Path(dir_okay=False, path_type=Path), help="Client certificate (DER or PEM).")
@click.option("--key", type=click.Path(dir_okay=False, path_type=Path), help="Client private key (PEM).")
@click.option("--server-cert", type=click.Path(dir_okay=False, path_type=Path), help="Trusted server certificate.")
@click.option("--format", "fmt", type=click.Choice(["aasx", "json", "xml"]), help="Default: from -o's suffix, else aasx.")
@click.option("--spec-version", type=SPEC_VERSION, default="3.1", show_default=True, help="AAS metamodel version.")
def collect(url: str, model: str, version: str | None, asset_id: str | None, output: Path | None, obj: str | None,
            all_machines: bool, machine_type: str | None, values_file: Path | None, report: bool,
            report_format: str, allow_missing: bool, every: str | None, on_event: bool, count: int | None,
            until: str | None,
            event_timeout: str, timeout: str, username: str | None, password_file: Path | None,
            security: str | None, cert: Path | None, key: Path | None, server_cert: Path | None, fmt: str | None,
            spec_version: str) -> None:
    """Read a machine's OPC UA server through the model's own OPC UA ids and write the AAS instance.

    \b
    aasref collect opc.tcp://imm07:4840 --model injection-molding --asset-id https://plant.example.kr/imm07 -o imm07.aasx
    aasref collect opc.tcp://srv:4840 --model injection-molding --all-machines -o out/
    aasref collect opc.tcp://imm07:4840 --model injection-molding --every 5s --count 720 -o shift.aasx
    aasref collect opc.tcp://imm07:4840 --model injection-molding --on-event --count 500 -o cycles.aasx
    aasref collect opc.tcp://vmc07:4840 --model machining --username mes --password-file /run/secrets/opcua \\
        --security Basic256Sha256,SignAndEncrypt --cert client.der --key client.pem -o vmc.aasx

    Exit codes: 0 written, 1 mandatory elements missing (see --report) or values invalid,
    2 usage, 3 could not run (unreachable, timeout, certificate refused, browse error): nothing written.
    """
    import logging

    from ..collect import CollectError, Security

    logging.getLogger("asyncua").setLevel(logging.CRITICAL + 1)  # its logs (tracebacks) would break the one-line errors
    if not url.startswith("opc.tcp://"):
        raise click.UsageError("the server URL starts with opc.tcp://")
    if output is None and not report:
        raise click.UsageError("give -o OUTPUT (or --report to only see the resolution table)")
    if all_machines and obj:
        raise click.UsageError("--all-machines and --object exclude each other")
    if every and on_event:
        raise click.UsageError("--every and --on-event exclude each other")
    polling = bool(every or on_event)
    if (count or until) and not polling:
        raise click.UsageError("--count / --until need --every or --on-event")
    if polling and not (count or until):
        raise click.UsageError("--every / --on-event need --count N or --until TIME")
    if polling and all_machines:
        raise click.UsageError("polling reads one machine: use --object instead of --all-machines")
    if security and not (cert and key):
        raise click.UsageError("--security needs --cert and --key")
    period = seconds(every, "--every") if every else None
    stop = _until(until) if until else None
    sec = Security(username=username, password=_secret(password_file) if username else None)
    if security:
        policy, _, mode = security.partition(",")
        sec = Security(sec.username, sec.password, policy.strip(), (mode or "SignAndEncrypt").strip(), str(cert),
                       str(key), str(server_cert) if server_cert else None)
    options: dict[str, Any] = {"asset_id": asset_id, "object": obj, "machine_type": machine_type,
                               "allow_missing": allow_missing, "security": sec,
                               "timeout": seconds(timeout, "--timeout"),
                               "event_timeout": seconds(event_timeout, "--event-timeout")}
    with reported():
        from ..spec import load_model

        spec = load_model(model, version)
        options["values"] = _load_values(values_file) if values_file else None
        try:
            if polling:
                from ..collect import poll

                polled = poll(url, spec, every=period, on_event=on_event, count=count, until=stop, **options)
                try:
                    _emit(polled.first, report, report_format)
                    if polled.first.missing and not allow_missing:
                        _missing(polled.first)
                    if output is not None:
                        _write(polled.objects(), output, fmt, spec_version, dict(polled.series.attachments),
                               polled.first)
                        backlog = "events queued" if on_event else "late ticks"
                        click.echo(f"wrote {output} ({polled.records} records of {len(polled.variables)} variables,"
                                   f" {polled.late_ticks} {backlog})")
                finally:
                    polled.close()
                return
            from ..collect import collect_all

            results = collect_all(url, spec, single=not all_machines, **options)
        except CollectError as exc:
            message = str(exc)
            if "machines of the model's type" in message:
                message = message.replace("object=", "--object").replace("or collect them all",
                                                                          "or use --all-machines -o DIR")
            fail(message, EXIT_CANNOT_RUN)
        for r in results:
            _emit(r, report, report_format)
        bad = [r for r in results if r.missing and not allow_missing]
        if output is not None:
            if all_machines:
                output.mkdir(parents=True, exist_ok=True)
            used: set[str] = set()
            for r in results:
                name = _file_name(r.machine_path)
                while name in used:  # two machines with one browse name in different folders
                    name += "_"
                used.add(name)
                if r.built is None:
                    continue
                target = output / f"{name}.{fmt or 'aasx'}" if all_machines else output
                _write(r.built.objects(), target, fmt, spec_version, dict(r.built.attachments), r)
                click.echo(f"wrote {target} ({r.machine_path}: {len(r.values)} values)")
        if bad:
            _missing(bad[0])


def _until(text: str) -> datetime.datetime:
    try:
        t = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 time", param_hint="--until") from None
    return t if t.tzinfo else t.replace(tzinfo=datetime.UTC)


def _file_name(path: str) -> str:
    last = path.rsplit("/", 1)[-1].split(":", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", last) or "machine"


def _write(objects: list[Any], target: Path, fmt: str | None, spec_version: str, attachments: dict[str, Any],
           r: CollectResult) -> None:
    from ..io import format_of, write

    if fmt is None:
        try:
            fmt = format_of(target)
        except ValueError:
            fmt = "aasx"
    write(objects, target, cast(Any, fmt), spec_version=cast(Any, spec_version), attachments=attachments,
          title=f"{r.model} collected from {r.url}")


def _emit(r: CollectResult, report: bool, report_format: str) -> None:
    for note in r.notes:
        click.echo(f"note: {note}", err=True)
    if not report:
        return
    if report_format == "json":
        click.echo(json.dumps({"url": r.url, "model": r.model, "machine": r.machine, "machinePath": r.machine_path,
                               "missing": r.missing, "notes": r.notes,
                               "rows": [{"path": x.path, "status": x.status, "node": x.node, "detail": x.detail,
                                         "mandatory": x.mandatory} for x in r.rows]}, ensure_ascii=False))
        return
    click.echo(f"# {r.machine_path} ({r.machine}) — {r.model}")
    width = max((len(x.path) for x in r.rows), default=10) + 2
    for x in r.rows:
        mark = "*" if x.mandatory else " "
        click.echo(f"{mark} {x.path:<{width}} {x.status:<13} {x.node}" + (f"  ({x.detail})" if x.detail else ""))
    counts: dict[str, int] = {}
    for x in r.rows:
        counts[x.status] = counts.get(x.status, 0) + 1
    click.echo("# " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + "; * = mandatory")


def _missing(r: CollectResult) -> None:
    for p in r.missing:
        click.echo(f"error: {r.machine_path}: {p}: mandatory element has no value on the server", err=True)
    raise SystemExit(EXIT_INVALID)


COMMANDS = [collect]
