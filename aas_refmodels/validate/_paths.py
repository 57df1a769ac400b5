"""Model paths from JSON pointers into a (jsonable) environment.

``/submodels/0/submodelElements/3/value/2/valueType`` becomes
``Submodel[id=urn:x].Group.List[2]#valueType``: Identifiables are named by id, elements by idShort,
items of a SubmodelElementList by index, and everything that is not an element after ``#``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..findings import ModelPath

_ROOTS = {"assetAdministrationShells": "AssetAdministrationShell", "submodels": "Submodel",
          "conceptDescriptions": "ConceptDescription"}
# attributes holding child SubmodelElements, per container modelType
_ELEMENT_CONTAINERS = {
    ("Submodel", "submodelElements"), ("SubmodelElementCollection", "value"), ("SubmodelElementList", "value"),
    ("Entity", "statements"), ("AnnotatedRelationshipElement", "annotations"),
}
_OPERATION_VARIABLES = {"inputVariables", "outputVariables", "inoutputVariables"}


def split_pointer(pointer: str) -> list[str | int]:
    if not pointer:
        return []
    out: list[str | int] = []
    for raw in pointer.lstrip("/").split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        out.append(int(part) if part.isascii() and part.isdigit() else part)
    return out


def join_pointer(parts: Sequence[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def identifiable_root(kind: str, node: Any, index: int) -> str:
    ident = node.get("id") if isinstance(node, dict) else None
    if isinstance(ident, str) and ident:
        return f"{kind}[id={ident}]"
    return f"{kind}[{index}]"


def model_path(doc: Any, parts: Sequence[str | int]) -> ModelPath:
    """Best-effort model path of the value at ``parts`` in the environment ``doc``."""
    if not parts:
        return ModelPath("Environment")
    first = parts[0]
    if first not in _ROOTS or len(parts) < 2 or not isinstance(parts[1], int):
        return ModelPath("Environment", (f"#{_attr_path(parts)}",))
    node = _get(doc, parts[:2])
    root = identifiable_root(_ROOTS[first], node, parts[1])
    segments: list[str] = []
    i = 2
    attr: list[str | int] = []
    while i < len(parts):
        key = parts[i]
        model_type = node.get("modelType") if isinstance(node, dict) else None
        if not isinstance(model_type, str):
            model_type = None
        if (not attr and isinstance(key, str) and i + 1 < len(parts) and isinstance(parts[i + 1], int)
                and ((model_type, key) in _ELEMENT_CONTAINERS or (first == "submodels" and i == 2
                                                                   and key == "submodelElements"))):
            child = _get(node, [key, parts[i + 1]])
            if model_type == "SubmodelElementList":
                segments.append(f"[{parts[i + 1]}]")
            else:
                id_short = child.get("idShort") if isinstance(child, dict) else None
                segments.append(f".{id_short}" if isinstance(id_short, str) and id_short else f".{key}[{parts[i + 1]}]")
            node = child
            i += 2
            continue
        if (not attr and model_type == "Operation" and key in _OPERATION_VARIABLES and i + 2 < len(parts)
                and isinstance(parts[i + 1], int) and parts[i + 2] == "value"):
            child = _get(node, [key, parts[i + 1], "value"])
            id_short = child.get("idShort") if isinstance(child, dict) else None
            segments.append(f".{id_short}" if isinstance(id_short, str) and id_short else f"#{key}[{parts[i + 1]}]")
            node = child
            i += 3
            continue
        attr = list(parts[i:])
        break
    if attr:
        segments.append(f"#{_attr_path(attr)}")
    return ModelPath(root, tuple(segments))


def _attr_path(parts: Sequence[str | int]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _get(doc: Any, parts: Sequence[str | int]) -> Any:
    node = doc
    for p in parts:
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def get(doc: Any, parts: Sequence[str | int]) -> Any:
    return _get(doc, parts)


_CAMEL = re.compile(r"_([a-z])")


def camel(name: str) -> str:
    """aas-core attribute names (``submodel_elements``) to JSON names (``submodelElements``)."""
    return _CAMEL.sub(lambda m: m.group(1).upper(), name)


def aas_core_parts(path: Any) -> list[str | int]:
    """Segments of an aas-core ``verification.Path`` / ``jsonization.Path`` as JSON pointer parts."""
    out: list[str | int] = []
    for seg in getattr(path, "segments", ()):
        if hasattr(seg, "index"):
            out.append(int(seg.index))
        elif hasattr(seg, "name"):
            out.append(camel(str(seg.name)))
    return out
