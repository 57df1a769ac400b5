"""Per-record submodels, fast: the serialized submodel of one record *shape* (the set of value paths present) is
built once by the normal builder and serializer and kept as JSON text with holes; each further record of that
shape fills the holes (id and Property values in their XSD lexical form, exactly what the serializer writes).

A shape whose leaves are not all Properties, or whose holes cannot be matched to the serialized elements, is built
the normal way for every record. ``tests/test_ingest_records.py`` proves the output equals build + serialize.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import xstypes
from ..build import build_instance
from ..build import values as V
from ..io.versions import SpecVersion
from ..io.writer import serialize
from ..spec import ElementSpec, ModelSpec
from .timeseries import lexical_for

_ID_HOLE = "\ue000ID\ue000"  # a private-use character: valid for basyx, never in an IRI we write


def _hole(n: int) -> str:
    return f"\ue000V{n}\ue000"


@dataclass
class _Shape:
    chunks: list[str] | None  # None: build every record the normal way
    slots: list[tuple[str, str]]  # (path, valueType) per value hole, in text order; ("", "") for the id
    encoders: list[Any] | None = None  # per slot: value -> JSON string literal


def _encoder(value_type: str, quick: bool = True) -> Any:
    """value -> JSON string literal of its lexical form (quick forms, or ``xstypes.lexical`` when not ``quick``)."""
    if not quick:
        return lambda v: json.dumps(xstypes.lexical(v, value_type), ensure_ascii=False)
    lexical = lexical_for(value_type)
    if value_type in xstypes.NUMERIC_TYPES and value_type != "xs:decimal":
        return lambda v: f'"{lexical(v)}"'  # digits, sign, point, exponent: nothing to escape
    return lambda v: json.dumps(lexical(v), ensure_ascii=False)


class SubmodelTemplater:
    """JSON text of one per-record submodel (``spec`` holds exactly that submodel) for flat values."""

    def __init__(self, spec: ModelSpec, asset_id: str, spec_version: SpecVersion = "3.1") -> None:
        assert len(spec.submodels) == 1
        self.spec = spec
        self.sm = spec.submodels[0]
        self.asset_id = asset_id
        self.version = spec_version
        self.index = V.index_spec(spec)
        self._shapes: dict[frozenset[str], _Shape] = {}
        self.fast = 0
        self.slow = 0

    def json_text(self, flat: Mapping[str, Any], submodel_id: str) -> str:
        """The submodel as compact JSON text. ``flat`` must be valid for the model (checked by the caller)."""
        key = frozenset(flat)
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes[key] = self._make_shape(flat)
        if shape.chunks is None:
            self.slow += 1
            return self._slow(flat, submodel_id)
        self.fast += 1
        chunks = shape.chunks
        assert shape.encoders is not None
        out = [chunks[0]]
        for (path, _vt), encode, chunk in zip(shape.slots, shape.encoders, chunks[1:], strict=True):
            out.append(encode(flat[path]) if path else json.dumps(submodel_id, ensure_ascii=False))
            out.append(chunk)
        return "".join(out)

    def _serialized(self, flat: Mapping[str, Any], submodel_id: str) -> dict[str, Any]:
        built = build_instance(self.spec, dict(flat), asset_id=self.asset_id,
                               submodel_ids={self.sm.id_short: submodel_id})
        env = json.loads(serialize(built.submodels, "json", self.version))
        sm: dict[str, Any] = env["submodels"][0]
        return sm

    def _slow(self, flat: Mapping[str, Any], submodel_id: str) -> str:
        return json.dumps(self._serialized(flat, submodel_id), ensure_ascii=False, separators=(",", ":"))

    def _make_shape(self, flat: Mapping[str, Any]) -> _Shape:
        positions: dict[str, list[int]] = {}
        _Positions(flat, positions).elements(self.sm.elements, self.sm.id_short, [])
        if any(self.index[V.generic(p)].model_type != "Property" for p in flat) or set(positions) != set(flat):
            return _Shape(None, [])
        sm = self._serialized(flat, _ID_HOLE)
        holes: dict[str, tuple[str, str]] = {}
        quick: dict[str, bool] = {}
        for n, (path, trail) in enumerate(sorted(positions.items())):
            el = _at(sm, trail)
            e = self.index[V.generic(path)]
            assert e.value_type is not None
            if el is None or el.get("modelType") != "Property" or \
                    el.get("value") != xstypes.lexical(flat[path], e.value_type) or not _same_name(el, path, e):
                return _Shape(None, [])
            # the quick lexical form is used only where it is what the serializer wrote for this record
            quick[path] = lexical_for(e.value_type)(flat[path]) == el["value"]
            el["value"] = _hole(n)
            holes[_hole(n)] = (path, e.value_type)
        text = json.dumps(sm, ensure_ascii=False, separators=(",", ":"))
        chunks: list[str] = []
        slots: list[tuple[str, str]] = []
        rest = text
        tokens = {json.dumps(h, ensure_ascii=False): v for h, v in holes.items()}
        tokens[json.dumps(_ID_HOLE, ensure_ascii=False)] = ("", "")
        while True:
            found = [(rest.find(t), t) for t in tokens if t in rest]
            if not found:
                break
            pos, tok = min(found)
            chunks.append(rest[:pos])
            slots.append(tokens.pop(tok))
            rest = rest[pos + len(tok):]
        chunks.append(rest)
        if tokens:  # a hole vanished: cannot template this shape
            return _Shape(None, [])
        return _Shape(chunks, slots, [_encoder(vt, quick[path]) if path else None for path, vt in slots])


def _same_name(el: Mapping[str, Any], path: str, e: ElementSpec) -> bool:
    last = path.rsplit(".", 1)[-1]
    if "[" in last:  # list item (no idShort) or repeated element (numbered idShort): position decides
        return True
    return el.get("idShort") == e.id_short


def _at(sm: Mapping[str, Any], trail: list[int]) -> dict[str, Any] | None:
    try:
        el: Any = sm["submodelElements"][trail[0]]
        for t in trail[1:]:
            el = el["statements" if el.get("modelType") == "Entity" else "value"][t]
    except (KeyError, IndexError, TypeError):
        return None
    return el if isinstance(el, dict) else None


class _Positions:
    """Where the builder puts each leaf of ``flat``: the element indices from the submodel down (mirrors the
    builder's rule: spec order, repeated elements and list items in index order, absent optional parts left out)."""

    def __init__(self, flat: Mapping[str, Any], out: dict[str, list[int]]) -> None:
        self.flat, self.out = flat, out

    def elements(self, specs: tuple[ElementSpec, ...], parent: str, trail: list[int]) -> None:
        n = 0
        for e in specs:
            if e.repeated:
                base = f"{parent}.{e.base_id_short}"
                for i in V.indices(self.flat, base):
                    if self.one(e, f"{base}[{i}]", [*trail, n], True):
                        n += 1
            elif self.one(e, f"{parent}.{e.id_short}", [*trail, n], e.cardinality.required):
                n += 1

    def one(self, e: ElementSpec, path: str, trail: list[int], required: bool) -> bool:
        if e.model_type in V.LEAF_TYPES:
            if path in self.flat:
                self.out[path] = trail
                return True
            return False
        if not any(True for _ in V.under(self.flat, path)) and not required:
            return False
        if e.model_type == "SubmodelElementList":
            assert e.item is not None
            k = 0
            for i in V.indices(self.flat, path):
                if self.one(e.item, f"{path}[{i}]", [*trail, k], True):
                    k += 1
            return True
        self.elements(e.children, path, trail)
        return True
