"""Building findings from the rule catalogue (one place that fills severity, layer and source)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import rules
from ..findings import Finding, ModelPath, Severity, SourceLocation


def finding(code: str, path: ModelPath, message: str, version: str | None, *,
            location: SourceLocation | None = None, details: Mapping[str, Any] | None = None,
            severity: Severity | None = None, clause: str | None = None, document: str | None = None) -> Finding:
    rule = rules.get(code)
    source = rule.source(version)
    if clause is not None or document is not None:
        from ..findings import StandardRef
        source = StandardRef(document or source.document, clause if clause is not None else source.clause)
    message = message.strip()
    while message.endswith("."):
        message = message[:-1].rstrip()
    return Finding(code, severity or rule.severity, path, message, source, rule.layer, location, dict(details or {}))
