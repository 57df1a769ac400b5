"""Findings: what a validator reports about a model (never exceptions; see ``errors`` for "could not run").

A :class:`Finding` says *what* is wrong (stable ``code``, ``message``), *where* in the model (``path``,
an IDTA-01001 idShortPath rooted at an Identifiable), *where* in the file (``location``: JSON pointer or
XML line) and *which rule of which standard* says so (``source``). A :class:`Report` collects the findings
of one input together with the layers that ran or were skipped (and why).

This module imports nothing else from ``aas_refmodels``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """Ordered: ``Severity.ERROR > Severity.WARNING > Severity.INFO``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None


class Layer(enum.StrEnum):
    """The validation layers, in the order they run."""

    PACKAGE = "package"
    SCHEMA = "schema"
    DESERIALIZE = "deserialize"
    METAMODEL = "metamodel"
    TEMPLATE = "template"
    PROFILE = "profile"  # a receiving body's rules (``validate(..., profile="kosmo")``); runs only when asked

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class StandardRef:
    """Where a rule comes from: document (``IDTA-01001-3-1``, ``aasref``) and clause (``AASd-119``)."""

    document: str
    clause: str | None = None
    url: str | None = None

    def __str__(self) -> str:
        return f"{self.document} {self.clause}" if self.clause else self.document


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where in the *file* (only what is known): JSON pointer and/or line and column."""

    file: str | None = None
    pointer: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        text = ":".join(parts)
        if self.pointer is not None:
            text += f" (#{self.pointer})" if self.pointer else " (#)"
        return text


@dataclass(frozen=True, slots=True)
class ModelPath:
    """A root (``Submodel[id=…]``, ``Environment``, a package part) and pre-formatted segments.

    Segments are ``.IdShort`` for named elements, ``[2]`` for list items and ``#attribute`` for
    attributes, so ``Submodel[id=urn:x].Group.List[2].Element#valueType`` parses back unambiguously
    (``#`` cannot occur in an idShort).
    """

    root: str
    segments: tuple[str, ...] = ()

    @classmethod
    def unknown(cls) -> ModelPath:
        return cls("")

    def child(self, *segments: str) -> ModelPath:
        return ModelPath(self.root, self.segments + segments)

    def __str__(self) -> str:
        return self.root + "".join(self.segments)


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    path: ModelPath
    message: str
    source: StandardRef
    layer: Layer
    location: SourceLocation | None = None
    details: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def sort_key(self) -> tuple[Any, ...]:
        loc = self.location
        return (
            (loc.file or "") if loc else "",
            str(self.path),
            self.code,
            self.message,
            (loc.pointer or "") if loc else "",
            (loc.line or 0) if loc else 0,
        )

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        out: dict[str, Any] = {
            "code": self.code,
            "severity": str(self.severity),
            "layer": str(self.layer),
            "path": str(self.path),
            "message": self.message,
            "standard": self.source.document,
            "clause": self.source.clause,
        }
        if loc is not None:
            out["location"] = {k: v for k, v in (("file", loc.file), ("pointer", loc.pointer),
                                                ("line", loc.line), ("column", loc.column)) if v is not None}
        if self.details:
            out["details"] = dict(self.details)
        return out


@dataclass(frozen=True, slots=True)
class LayerResult:
    layer: Layer
    status: str  # "run" | "skipped"
    reason: str | None = None
    seconds: float | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"layer": str(self.layer), "status": self.status}
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True, slots=True)
class Report:
    """Everything known about one input: findings (sorted) and the fate of each layer."""

    source: str
    findings: tuple[Finding, ...] = ()
    layers: tuple[LayerResult, ...] = ()
    format: str | None = None
    version: str | None = None
    version_reason: str | None = None
    failure: str | None = None  # set when the validator itself could not run on this input

    def __post_init__(self) -> None:
        object.__setattr__(self, "findings", tuple(sorted(self.findings, key=Finding.sort_key)))

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """No finding of severity error."""
        return not self.errors

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def layer(self, layer: Layer | str) -> LayerResult | None:
        return next((r for r in self.layers if r.layer == Layer(layer)), None)

    def filtered(self, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> Report:
        """Keep findings whose code starts with one of ``select`` (all if empty) and none of ``ignore``."""
        sel, ign = tuple(select), tuple(ignore)
        kept = tuple(f for f in self.findings
                     if (not sel or f.code.startswith(sel)) and not (ign and f.code.startswith(ign)))
        return Report(self.source, kept, self.layers, self.format, self.version, self.version_reason, self.failure)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "version": self.version,
            "versionReason": self.version_reason,
            "ok": self.ok,
            "layers": [r.to_dict() for r in self.layers],
            "findings": [f.to_dict() for f in self.findings],
            **({"couldNotRun": self.failure} if self.failure else {}),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)
