"""Instance values keyed by idShort path: ``Submodel.Group.List[0].Element``.

Values arrive flat (``{"ProcessData.CycleTime": 42.3}``), nested (``{"ProcessData": {"CycleTime": 42.3}}``)
or mixed. They are flattened with the spec as a guide, so that the value of a MultiLanguageProperty
(``{"en": .., "ko": ..}``) or a Range (``{"min": .., "max": ..}``) is kept whole.
Repeated elements (``MaterialLot__00__``) and list items are addressed by index: ``MaterialLot[0]``, ``Tools[1]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..spec import ElementSpec, ModelSpec

LEAF_TYPES = frozenset({"Property", "MultiLanguageProperty", "Range", "File", "Blob", "ReferenceElement"})
_SEGMENT = re.compile(r"([A-Za-z][A-Za-z0-9_]*)|\[(\d+)\]")
_INDEX = re.compile(r"\[\d+\]")


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
    return _INDEX.sub("[]", path)


def split(path: str) -> list[str | int]:
    """``A.B[2].C`` -> ``["A", "B", 2, "C"]``; raises ValueError on a malformed path."""
    parts: list[str | int] = []
    for token in path.split("."):
        if not token:
            raise ValueError(f"malformed path {path!r}")
        rebuilt = "".join(m.group(0) for m in _SEGMENT.finditer(token))
        if rebuilt != token or not token[0].isalpha():
            raise ValueError(f"malformed path segment {token!r} in {path!r}")
        for m in _SEGMENT.finditer(token):
            parts.append(m.group(1) if m.group(1) else int(m.group(2)))
    return parts


def join(parts: list[str | int]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def flatten(values: Mapping[str, Any], index: Mapping[str, ElementSpec]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Flat ``{path: value}`` plus (path, problem) for keys that are malformed."""
    flat: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []

    def put(prefix: list[str | int], value: Any) -> None:
        path = join(prefix)
        spec = index.get(generic(path))
        is_leaf = spec is not None and spec.model_type in LEAF_TYPES
        if isinstance(value, Mapping) and not is_leaf:
            for k, v in value.items():
                if not isinstance(k, str):
                    problems.append((path, f"key {k!r} is not a string"))
                    continue
                try:
                    put(prefix + split(k), v)
                except ValueError as exc:
                    problems.append((join(prefix) or "$", str(exc)))
        elif isinstance(value, list) and not (is_leaf and spec is not None and spec.model_type == "Range"):
            for i, v in enumerate(value):
                put([*prefix, i], v)
        else:
            if path in flat:
                problems.append((path, "given twice"))
            flat[path] = value

    put([], dict(values))
    return flat, problems


def example_values(spec: ModelSpec) -> dict[str, Any]:
    """Flat values made of the spec's examples: one occurrence of each repeated element, one list item."""
    flat: dict[str, Any] = {}

    def visit(e: ElementSpec, path: str) -> None:
        if e.model_type in LEAF_TYPES:
            if e.example is not None:
                flat[path] = e.example
            return
        for c in e.children:
            visit(c, _child_path(path, c))
        if e.item is not None:
            visit(e.item, f"{path}[0]")

    for sm in spec.submodels:
        for e in sm.elements:
            visit(e, _child_path(sm.id_short, e))
    return flat


def _child_path(parent: str, e: ElementSpec) -> str:
    return f"{parent}.{e.base_id_short}[0]" if e.repeated else f"{parent}.{e.id_short}"


def under(flat: Mapping[str, Any], path: str) -> Iterator[str]:
    """Keys at or below ``path``."""
    for k in flat:
        if k == path or k.startswith(path + ".") or k.startswith(path + "["):
            yield k


def indices(flat: Mapping[str, Any], path: str) -> list[int]:
    """Indices ``i`` used as ``path[i]...`` in the keys."""
    pattern = re.compile(re.escape(path) + r"\[(\d+)\]")
    return sorted({int(m.group(1)) for k in flat if (m := pattern.match(k))})
