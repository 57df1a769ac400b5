"""Building findings from the rule catalogue (one place that fills severity, layer and source)."""

from __future__ import annotations

import re
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
    message = printable(message.strip())
    if _SURROGATE.search(str(path)):
        path = ModelPath(printable(path.root), tuple(printable(x) for x in path.segments))
    if location is not None and location.pointer and _SURROGATE.search(location.pointer):
        location = SourceLocation(location.file, printable(location.pointer), location.line, location.column)
    while message.endswith("."):
        message = message[:-1].rstrip()
    return Finding(code, severity or rule.severity, path, message, source, rule.layer, location, dict(details or {}))


_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with lone surrogates (from JSON escapes like ``\\ud800``) spelled as ``\\ud800``.

    Such strings cannot be encoded in any output format; a finding quotes them escaped instead.
    """
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _SURROGATE.search(text) else text
