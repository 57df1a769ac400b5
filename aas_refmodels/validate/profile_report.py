"""Reports of a submission profile run: the KOSMO Validator's log format and the printable result report (결과서).

Strings only (the CLI writes them). Profile findings carry ``details`` with ``elementType``, ``key``,
``kosmoPath``, ``group``, ``remedy`` / ``remedyKo`` and ``policyNote``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..findings import Finding, Layer, Report, Severity


def render(reports: Sequence[Report], fmt: str, profile: str, policy: Mapping[str, Any]) -> str:
    if fmt == "kosmo":
        return kosmo_log(reports)
    if fmt == "html":
        from . import profile_html
        return profile_html.html(reports, profile, policy)
    raise ValueError(f"unknown profile report format {fmt!r}")


def _element_segments(f: Finding) -> list[str]:
    return [s for s in f.path.segments if s.startswith((".", "["))]


def _key(f: Finding) -> str:
    key = str(f.details.get("key") or "")
    if key:
        return key
    names = [s[1:] for s in _element_segments(f) if s.startswith(".")]
    if names:
        return names[-1]
    root = f.path.root
    return root[root.find("[id=") + 4:-1] if "[id=" in root else root


def _element_type(f: Finding) -> str:
    et = f.details.get("elementType")
    if et:
        return str(et)
    if _element_segments(f):
        return "SubmodelElement"
    return f.path.root.split("[", 1)[0] or "Environment"


def kosmo_path(f: Finding) -> str:
    kp = f.details.get("kosmoPath")
    if kp:
        return str(kp)
    return (f.location.pointer if f.location and f.location.pointer is not None else "") or str(f.path)


def remedy(f: Finding) -> str:
    r = f.details.get("remedy")
    if r:
        return str(r)
    from .. import rules
    rule = rules.RULES.get(f.code)
    return f"see aasref explain {f.code}" + (f" ({rule.title})" if rule else "")


def kosmo_log(reports: Sequence[Report]) -> str:
    """Three lines per finding, as the KOSMO Validator's error log (V: types.ts, report/text.ts):

    ``The {elementType} "{key}" violates the Kosmo rules: @ {kosmoPath}`` / ``- {problem}`` / ``- {remedy}``.
    Standard-layer findings are written the same way; a header names the rule code and severity of each.
    """
    lines: list[str] = []
    for r in reports:
        errors = sum(1 for f in r.findings if f.severity is Severity.ERROR)
        warnings = sum(1 for f in r.findings if f.severity is Severity.WARNING)
        infos = len(r.findings) - errors - warnings
        verdict = "PASS" if errors == 0 and not r.failure else "FAIL"
        lines.append(f"# {r.source}: 위반 {errors}건 · 경고 {warnings}건 · 참고 {infos}건  → {verdict}")
        if r.failure:
            lines.append(f"# could not run: {r.failure}")
        for f in sorted(r.findings, key=lambda f: (-int(f.severity), kosmo_path(f), f.code)):
            tag = {Severity.ERROR: "위반", Severity.WARNING: "경고", Severity.INFO: "참고"}[f.severity]
            layer = "profile" if f.layer is Layer.PROFILE else str(f.layer)
            lines.append(f'The {_element_type(f)} "{_key(f)}" violates the Kosmo rules: @ {kosmo_path(f)}')
            lines.append(f"- {f.message} [{f.code} {f.severity} · {tag} · {layer}]")
            lines.append(f"- {remedy(f)}")
            note = f.details.get("policyNote")
            if note:
                lines.append(f"  ※ {note}")
        lines.append("")
    return "\n".join(lines)
