"""Fillable value paths of a reference model, in the one spelling values use, and "did you mean" for the rest.

``ProcessData.TemperatureZones[0].ActualTemperature``: submodel idShort, then idShorts; a repeated element
(``MaterialLot__00__`` in the template, ``MaterialLot01`` in an instance) and a list item are addressed by a
0-based index. Paths are derived from the spec at run time, never listed by hand.

This is spec knowledge: build (unknown paths in values) and ingest (mappings, ``show --paths``) both use it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .model import ElementSpec, ModelSpec

LEAF_TYPES = frozenset({"Property", "MultiLanguageProperty", "Range", "File", "Blob", "ReferenceElement"})
_INDEX = re.compile(r"\[\d+\]")
_TEMPLATE_SUFFIX = re.compile(r"^(?P<base>[A-Za-z][A-Za-z0-9_]*?)__(?P<n>\d+)__$")
_NUMBERED = re.compile(r"^(?P<base>[A-Za-z][A-Za-z0-9_]*?)(?P<n>\d{2,})$")


def index_spec(spec: ModelSpec) -> dict[str, ElementSpec]:
    """Generic path (indices as ``[]``, repeated elements under their base name) -> element spec."""
    out: dict[str, ElementSpec] = {}

    def visit(e: ElementSpec, prefix: str) -> None:
        if e.id_short is None:  # list item
            path = prefix + "[]"
        elif e.repeated:
            path = f"{prefix}.{e.base_id_short}[]"
        else:
            path = f"{prefix}.{e.id_short}"
        out[path] = e
        for c in e.children:
            visit(c, path)
        if e.item is not None:
            visit(e.item, path)

    for sm in spec.submodels:
        for e in sm.elements:
            visit(e, sm.id_short)
    return out


def generic(path: str) -> str:
    """``A.B[2].C`` -> ``A.B[].C``: the key of :func:`index_spec`."""
    return _INDEX.sub("[]", path)


@dataclass(frozen=True)
class PathInfo:
    """One fillable path (a leaf element) with what a user needs to fill it."""

    path: str
    model_type: str
    value_type: str | None
    unit: str | None
    cardinality: str
    required: bool  # the element and all its parents are mandatory
    allowed_values: tuple[str, ...] | None
    allowed_range: tuple[float | None, float | None] | None
    name_en: str
    name_ko: str
    semantic_id: str
    element: ElementSpec

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "modelType": self.model_type, "valueType": self.value_type, "unit": self.unit,
                "cardinality": self.cardinality, "required": self.required,
                "allowedValues": list(self.allowed_values) if self.allowed_values is not None else None,
                "range": list(self.allowed_range) if self.allowed_range is not None else None,
                "en": self.name_en, "ko": self.name_ko, "semanticId": self.semantic_id}


def fillable_paths(spec: ModelSpec) -> list[PathInfo]:
    """Every leaf element (Property, MultiLanguageProperty, Range, File, Blob, ReferenceElement) in model order,
    repeated elements and list items at index 0."""
    out: list[PathInfo] = []

    def visit(e: ElementSpec, path: str, required: bool) -> None:
        req = required and e.cardinality.required
        if e.model_type in LEAF_TYPES:
            out.append(PathInfo(path, e.model_type, e.value_type, e.unit, e.cardinality.value, req, e.allowed_values,
                                e.allowed_range, e.name.get("en", ""), e.name.get("ko", ""), e.semantic_id, e))
            return
        for c in e.children:
            visit(c, _child(path, c), req)
        if e.item is not None:
            visit(e.item, f"{path}[0]", req)

    for sm in spec.submodels:
        for e in sm.elements:
            visit(e, _child(sm.id_short, e), True)
    return out


def _child(parent: str, e: ElementSpec) -> str:
    return f"{parent}.{e.base_id_short}[0]" if e.repeated else f"{parent}.{e.id_short}"


def normalize(spec: ModelSpec, path: str, index: Mapping[str, ElementSpec] | None = None) -> str:
    """The values spelling of a path copied from elsewhere: ``Process__00__`` / ``Process01`` -> ``Process[0]``
    where the model declares ``Process`` as repeated; anything else is returned unchanged."""
    index = index if index is not None else index_spec(spec)
    out: list[str] = []
    for token in path.strip().split("."):
        prefix = ".".join(out)
        m = _TEMPLATE_SUFFIX.match(token) or _NUMBERED.match(token)
        rest = ""
        bracket = token.find("[")
        if bracket > 0:
            token, rest = token[:bracket], token[bracket:]
            m = _TEMPLATE_SUFFIX.match(token) or _NUMBERED.match(token)
        if m and prefix and (index.get(generic(f"{prefix}.{token}")) is None):
            base, n = m.group("base"), int(m.group("n"))
            e = index.get(generic(f"{prefix}.{base}[]"))
            if e is not None and e.repeated:
                number = n if token.endswith("__") else n - 1
                out.append(f"{base}[{max(number, 0)}]{rest}")
                continue
        out.append(token + rest)
    return ".".join(out)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s_\-./()\[\]:]+", "", text)


def suggestions(spec: ModelSpec, path: str, limit: int = 3, paths: list[PathInfo] | None = None) -> list[str]:
    """Closest fillable paths to ``path``: by the whole path, by the last idShort, and by en/ko names."""
    infos = paths if paths is not None else fillable_paths(spec)
    by_generic = {generic(i.path): i.path for i in infos}
    candidates = list(by_generic.values())
    scores: dict[str, float] = {}
    wanted = _fold(path)
    last = _fold(re.split(r"[.\]]", path.rstrip("]"))[-1].split("[")[0]) if path else ""
    for info in infos:
        leaf = _fold(info.path.rsplit(".", 1)[-1].split("[")[0])
        s = max(difflib.SequenceMatcher(None, wanted, _fold(info.path)).ratio(),
                difflib.SequenceMatcher(None, last, leaf).ratio() * 0.95 if last else 0.0,
                *(difflib.SequenceMatcher(None, last or wanted, _fold(n)).ratio() * 0.9
                  for n in (info.name_en, info.name_ko) if n))
        scores[info.path] = max(scores.get(info.path, 0.0), s)
    ranked = sorted(candidates, key=lambda p: (-scores.get(p, 0.0), p))
    return [p for p in ranked if scores.get(p, 0.0) >= 0.55][:limit]


def explain_unknown(spec: ModelSpec, path: str, paths: list[PathInfo] | None = None) -> str:
    """One-line reason for an unknown path, with "did you mean" where something is close."""
    index = index_spec(spec)
    e = index.get(generic(path))
    if e is not None and e.model_type not in LEAF_TYPES:
        inner = [i.path for i in (paths or fillable_paths(spec)) if generic(i.path).startswith(generic(path))]
        shown = ", ".join(inner[:3]) + (", …" if len(inner) > 3 else "")
        return f"a {e.model_type} takes no value of its own; its elements are {shown}"
    found = hint(spec, path, paths, index)
    return "unknown path" + (f"; {found}" if found else "")


def hint(spec: ModelSpec, path: str, paths: list[PathInfo] | None = None,
         index: Mapping[str, ElementSpec] | None = None) -> str:
    """What to write instead of a path the model does not have: ``in values it is spelled '…'`` for a path copied
    from a file (``MaterialLot01``, ``Process__00__``), ``did you mean '…' or '…'?`` for a near miss, else ``""``.
    Costs a comparison with every fillable path: call it only for a path already known to be unknown."""
    index = index if index is not None else index_spec(spec)
    normalized = normalize(spec, path, index)
    if normalized != path and generic(normalized) in index:
        return f"in values it is spelled {normalized!r}"
    close = suggestions(spec, path, paths=paths)
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def iter_rows(infos: list[PathInfo]) -> Iterator[list[str]]:
    """Rows for the CSV listing (header first)."""
    yield ["path", "modelType", "valueType", "unit", "cardinality", "required", "allowedValues", "range", "en", "ko"]
    for i in infos:
        rng = "" if i.allowed_range is None else \
            f"[{'' if i.allowed_range[0] is None else i.allowed_range[0]}, " \
            f"{'' if i.allowed_range[1] is None else i.allowed_range[1]}]"
        yield [i.path, i.model_type, i.value_type or "", i.unit or "", i.cardinality, "yes" if i.required else "no",
               "|".join(i.allowed_values) if i.allowed_values is not None else "", rng, i.name_en, i.name_ko]
