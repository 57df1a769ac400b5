"""Renderers: reports as text, JSON, JUnit XML, SARIF 2.1.0 or GitHub workflow commands (strings only)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .. import rules
from ..findings import Report, Severity


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    return '"' + escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;") + '"'


FORMATS = ("text", "json", "junit", "sarif", "github")


def render(reports: Sequence[Report], fmt: str, *, summary: dict[str, int] | None = None,
           fail_on: Severity = Severity.ERROR, quiet: bool = False) -> str:
    """The reports in ``fmt``; always encodable as UTF-8 (lone surrogates, e.g. from file names, are escaped).

    ``fail_on``: the lowest severity that fails (JUnit failures); ``quiet``: text shows findings only.
    """
    from ._make import printable
    return printable(_render(reports, fmt, summary=summary, fail_on=fail_on, quiet=quiet))


def _render(reports: Sequence[Report], fmt: str, *, summary: dict[str, int] | None = None,
            fail_on: Severity = Severity.ERROR, quiet: bool = False) -> str:
    if fmt == "text":
        return text(reports, summary, quiet=quiet)
    if fmt == "json":
        return json.dumps({"reports": [r.to_dict() for r in reports], "summary": summary or summarize(reports)},
                          indent=2, ensure_ascii=False) + "\n"
    if fmt == "junit":
        return junit(reports, fail_on)
    if fmt == "sarif":
        return sarif(reports)
    if fmt == "github":
        return github(reports)
    raise ValueError(f"unknown format {fmt!r}")


_UNREADABLE = ("SER001", "SER002", "SER003", "SER006", "SER007", "SER008", "PKG001", "PKG002")


def summarize(reports: Sequence[Report]) -> dict[str, int]:
    """Counts per verdict: passed (no finding), passed with warnings (no error), failed (errors), unreadable.

    The older keys (clean, with_findings) stay for scripts reading the JSON summary.
    """
    unreadable = sum(1 for r in reports if not r.failure and any(f.code in _UNREADABLE for f in r.findings))
    failed = sum(1 for r in reports if r.failure)
    readable = [r for r in reports if not r.failure and not any(f.code in _UNREADABLE for f in r.findings)]
    with_findings = sum(1 for r in reports if r.findings)
    return {"files": len(reports),
            "passed": sum(1 for r in readable if not r.findings),
            "passed_with_warnings": sum(1 for r in readable if r.findings and not r.errors),
            "failed": sum(1 for r in readable if r.errors),
            "unreadable": unreadable, "could_not_run": failed,
            "clean": len(reports) - with_findings - failed, "with_findings": with_findings - unreadable,
            "errors": sum(len(r.errors) for r in reports), "warnings": sum(len(r.warnings) for r in reports),
            "incomplete": sum(1 for r in reports if r.incomplete_layers)}


def incomplete_notes(reports: Sequence[Report]) -> list[str]:
    """One line per (layer, reason) a requested layer could not run for: the verdict lacks that layer."""
    groups: dict[tuple[str, str], list[str]] = {}
    for r in reports:
        for lr in r.incomplete_layers:
            groups.setdefault((str(lr.layer), lr.reason or "not run"), []).append(r.source)
    out = []
    for (layer, reason), sources in groups.items():
        if len(reports) == 1:
            out.append(f"{sources[0]}: {layer} layer skipped, the report is incomplete: {reason}")
        else:
            out.append(f"{layer} layer skipped for {len(sources)} of {len(reports)} files, the report is incomplete: "
                       f"{reason}")
    return out


def _where(report: Report, f: Any) -> str:
    loc = f.location
    file = (loc.file if loc and loc.file else report.source)
    if loc and loc.line is not None:
        return f"{file}:{loc.line}:{loc.column or 1}"
    return file


def text(reports: Sequence[Report], summary: dict[str, int] | None = None, *, quiet: bool = False) -> str:
    lines = []
    for r in reports:
        if r.failure and not quiet:
            lines.append(f"{r.source}: could not run: {r.failure}")
        for f in r.findings:
            loc = f"  (#{f.location.pointer})" if f.location and f.location.pointer else ""
            lines.append(f"{_where(r, f)}: {f.code} {f.severity}: {f.path}: {f.message}{loc}")
    if quiet:
        return "".join(line + "\n" for line in lines)
    # why layers were skipped: per file for one file, grouped (with counts) for a batch
    notes: dict[tuple[str, str], list[str]] = {}
    for r in reports:
        for lr in r.layers:
            if lr.status == "skipped" and lr.reason and "not an AASX" not in lr.reason:
                notes.setdefault((str(lr.layer), lr.reason), []).append(r.source)
    for (layer, reason), sources in notes.items():
        if len(reports) == 1:
            lines.append(f"{sources[0]}: note: {layer} layer skipped: {reason}")
        else:
            lines.append(f"note: {layer} layer skipped for {len(sources)} of {len(reports)} files: {reason}")
    s = summary or summarize(reports)
    lines.append(f"{s['files']} file{'s' if s['files'] != 1 else ''}: {s['passed']} passed, "
                 f"{s['passed_with_warnings']} passed with warnings, {s['failed']} failed, "
                 f"{s['unreadable']} unreadable"
                 + (f", {s['could_not_run']} could not run" if s["could_not_run"] else "")
                 + (f", {s['incomplete']} incomplete" if s.get("incomplete") else "") + " "
                 f"({s['errors']} errors, {s['warnings']} warnings)")
    return "\n".join(lines) + "\n"


def junit(reports: Sequence[Report], fail_on: Severity = Severity.ERROR) -> str:
    """One testcase per file; findings at or above ``fail_on`` are failures, the rest (and skipped layers)
    are listed in ``system-out``. A file the validator could not run on is an error."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    failures = sum(1 for r in reports if not r.failure and any(f.severity >= fail_on for f in r.findings))
    errors = sum(1 for r in reports if r.failure)
    counts = f'tests="{len(reports)}" failures="{failures}" errors="{errors}"'
    out.append(f'<testsuites name="aasref validate" {counts}>')
    out.append(f'  <testsuite name="aasref validate" {counts}>')
    notes = incomplete_notes(reports)
    if notes:
        out.append("    <properties>")
        out += [f"      <property name=\"aasref.incomplete\" value={quoteattr(n)}/>" for n in notes]
        out.append("    </properties>")
    for r in reports:
        out.append(f"    <testcase classname=\"aasref.validate\" name={quoteattr(r.source)}>")
        if r.failure:
            out.append(f"      <error message={quoteattr('could not run: ' + r.failure)}/>")
        other = []
        for f in r.findings:
            body = f"{f.path}: {f.message}\n{f.source}" + (f"\n{_where(r, f)}" if f.location else "")
            if f.severity >= fail_on and not r.failure:
                out.append(f"      <failure type={quoteattr(f.code)} message={quoteattr(f'{f.code} {f.severity}: {f.message}')}>"
                           f"{escape(body)}</failure>")
            else:
                other.append(f"{_where(r, f)}: {f.code} {f.severity}: {f.path}: {f.message}")
        other += [f"note: {lr.layer} layer skipped, the report is incomplete: {lr.reason}" for lr in r.incomplete_layers]
        if other:
            out.append(f"      <system-out>{escape(chr(10).join(other))}</system-out>")
        out.append("    </testcase>")
    out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def sarif(reports: Sequence[Report]) -> str:
    used = sorted({f.code for r in reports for f in r.findings})
    index = {c: i for i, c in enumerate(used)}
    rule_objs = []
    for code in used:
        rule = rules.RULES.get(code)
        rule_objs.append({"id": code, "shortDescription": {"text": rule.title if rule else code},
                          "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity] if rule else "error"},
                          "properties": {"layer": str(rule.layer) if rule else ""}})
    results = []
    for r in reports:
        for f in r.findings:
            loc = f.location
            physical: dict[str, Any] = {"artifactLocation": {"uri": (loc.file if loc and loc.file else r.source)}}
            if loc and loc.line is not None:
                physical["region"] = {"startLine": loc.line, **({"startColumn": loc.column} if loc.column else {})}
            result = {"ruleId": f.code, "ruleIndex": index[f.code], "level": _SARIF_LEVEL[f.severity],
                      "message": {"text": f"{f.path}: {f.message}"},
                      "locations": [{"physicalLocation": physical,
                                     "logicalLocations": [{"fullyQualifiedName": str(f.path), "kind": "member"}]}],
                      "properties": {"standard": str(f.source)}}
            if loc and loc.pointer is not None:
                result["properties"] = {"standard": str(f.source), "jsonPointer": loc.pointer}
            results.append(result)
    notifications = [{"level": "warning", "message": {"text": n}} for n in incomplete_notes(reports)]
    notifications += [{"level": "error", "message": {"text": f"{r.source}: could not run: {r.failure}"}}
                      for r in reports if r.failure]
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "aasref validate", "version": _version(),
                                         "informationUri": information_uri(), "rules": rule_objs}},
                     "invocations": [{"executionSuccessful": not any(r.failure for r in reports),
                                      "toolExecutionNotifications": notifications}],
                     "columnKind": "unicodeCodePoints",
                     "results": results}]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# The specification the rule catalogue implements (IDTA-01001 Part 1, published by the IDTA on GitHub; the
# same repository publishes the official schemas pinned in aas_refmodels.schemas). Used unless the installed
# distribution declares its own home page ([project.urls] Homepage / Documentation in pyproject.toml).
SPEC_URI = "https://github.com/admin-shell-io/aas-specs-metamodel"


def information_uri() -> str:
    try:
        from importlib.metadata import metadata

        for entry in metadata("aas-refmodels").get_all("Project-URL") or []:
            label, _, url = str(entry).partition(",")
            if label.strip().lower() in ("homepage", "documentation") and url.strip().startswith("https://"):
                return url.strip()
    except Exception:  # not installed (running from a checkout)
        pass
    return SPEC_URI


def _version() -> str:
    from .. import __version__
    return str(__version__)


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github(reports: Sequence[Report]) -> str:
    lines = []
    for r in reports:
        for f in r.findings:
            level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}[f.severity]
            loc = f.location
            props = [f"file={_gh_escape(loc.file if loc and loc.file else r.source, True)}"]
            if loc and loc.line is not None:
                props.append(f"line={loc.line}")
                if loc.column:
                    props.append(f"col={loc.column}")
            props.append(f"title={_gh_escape(f.code, True)}")
            lines.append(f"::{level} {','.join(props)}::{_gh_escape(f'{f.path}: {f.message}')}")
    for r in reports:
        if r.failure:
            lines.append(f"::error file={_gh_escape(r.source, True)},title=aasref could not run::"
                         f"{_gh_escape(r.failure)}")
    lines += [f"::warning title=aasref incomplete report::{_gh_escape(n)}" for n in incomplete_notes(reports)]
    return "\n".join(lines) + ("\n" if lines else "")
