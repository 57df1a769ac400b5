"""Element-by-element comparison of a built submodel template with its published IDTA JSON (tests only).

Both sides are AAS JSON (the published files are metamodel V3.0; ours is serialized in V3.0 for the
comparison). Each element is addressed by its idShort path (``Group.Element``; the items of a
SubmodelElementList are ``List[]``, the submodel itself is ``""``) and compared on: modelType, valueType,
semanticId, supplementalSemanticIds, cardinality (the value of the cardinality qualifier, whatever its
spelling) and the spelling of that qualifier's type, each other qualifier (attribute ``qualifier <type>``,
compared by value), orderRelevant
(absent = true, the metamodel default), typeValueListElement, valueTypeListElement, semanticIdListElement,
the idShort of list items, and presence. Every difference is a ``Difference``; a spec's ``deviations``
block must list each one with its reason (``match``).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

CARDINALITY_TYPES = {"smt/cardinality", "cardinality", "multiplicity", "smt/multiplicity", "smt/smt/cardinality"}
_CARDINALITIES = {"one": "One", "zerotoone": "ZeroToOne", "zerotomany": "ZeroToMany", "onetomany": "OneToMany"}
ATTRIBUTES = ("presence", "modelType", "idShort", "valueType", "semanticId", "supplementalSemanticIds",
              "cardinality", "cardinalityQualifierType", "orderRelevant", "typeValueListElement",
              "valueTypeListElement", "semanticIdListElement")


@dataclass(frozen=True)
class Difference:
    path: str
    attribute: str
    published: Any
    reproduced: Any

    def __str__(self) -> str:
        return f"{self.path or '<submodel>'} {self.attribute}: published {self.published!r}, reproduced {self.reproduced!r}"


def _ref(ref: Mapping[str, Any] | None) -> Any:
    if not ref:
        return None
    return [ref.get("type"), [[k.get("type"), k.get("value")] for k in ref.get("keys", [])]]


def _attributes(el: Mapping[str, Any], is_item: bool) -> dict[str, Any]:
    quals = el.get("qualifiers") or []
    card = [q for q in quals if str(q.get("type", "")).strip().lower() in CARDINALITY_TYPES]
    other = {str(q.get("type")): q.get("value") for q in quals if q not in card
             and not str(q.get("type", "")).startswith("aasref/")}  # our own (disclosure), not IDTA's
    card_value = str(card[0].get("value", "")).strip() if card else None
    attrs: dict[str, Any] = {
        "modelType": el.get("modelType"),
        "valueType": el.get("valueType"),
        "semanticId": _ref(el.get("semanticId")),
        "supplementalSemanticIds": [_ref(r) for r in el.get("supplementalSemanticIds") or []] or None,
        "cardinality": _CARDINALITIES.get(card_value.lower(), card_value) if card_value is not None else None,
        "cardinalityQualifierType": card[0].get("type") if card else None,
    }
    attrs.update({f"qualifier {t}": v for t, v in other.items()})
    if is_item:
        attrs["idShort"] = el.get("idShort")
    if el.get("modelType") == "SubmodelElementList":
        attrs["orderRelevant"] = el.get("orderRelevant", True)
        attrs["typeValueListElement"] = el.get("typeValueListElement")
        attrs["valueTypeListElement"] = el.get("valueTypeListElement")
        attrs["semanticIdListElement"] = _ref(el.get("semanticIdListElement"))
    return attrs


def flatten(submodel: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """idShort path -> compared attributes, for the submodel ("") and every element below it."""
    out: dict[str, dict[str, Any]] = {"": _attributes(submodel, False)}

    def walk(children: list[Mapping[str, Any]], prefix: str, in_list: bool) -> None:
        for i, el in enumerate(children):
            if in_list:
                path = f"{prefix}[]" if len(children) == 1 else f"{prefix}[{i}]"
            else:
                path = f"{prefix}.{el.get('idShort')}" if prefix else str(el.get("idShort"))
            out[path] = _attributes(el, in_list)
            mt = el.get("modelType")
            if mt in ("SubmodelElementCollection", "SubmodelElementList"):
                walk(list(el.get("value") or []), path, mt == "SubmodelElementList")
            elif mt == "Entity":
                walk(list(el.get("statements") or []), path, False)

    walk(list(submodel.get("submodelElements") or []), "", False)
    return out


def compare(published: Mapping[str, Any], reproduced: Mapping[str, Any]) -> list[Difference]:
    pub, rep = flatten(published), flatten(reproduced)
    diffs: list[Difference] = []
    for path in sorted(pub.keys() | rep.keys()):
        if path not in rep:
            diffs.append(Difference(path, "presence", True, False))
            continue
        if path not in pub:
            diffs.append(Difference(path, "presence", False, True))
            continue
        qualifiers = sorted(k for k in pub[path].keys() | rep[path].keys() if k.startswith("qualifier "))
        for attr in [*ATTRIBUTES[1:], *qualifiers]:
            a, b = pub[path].get(attr), rep[path].get(attr)
            if a != b:
                diffs.append(Difference(path, attr, a, b))
    return diffs


def matches(deviation: Mapping[str, Any], diff: Difference) -> bool:
    """A deviation entry covers a difference: attribute and path match (fnmatch globs), and the values if given."""
    if not fnmatch.fnmatchcase(diff.attribute, deviation["attribute"]) or not fnmatch.fnmatchcase(diff.path, deviation["path"]):
        return False
    for key, value in (("published", diff.published), ("reproduced", diff.reproduced)):
        if key in deviation and deviation[key] != value:
            return False
    return True


def unlisted(deviations: list[Mapping[str, Any]], diffs: list[Difference]) -> Iterator[Difference]:
    for d in diffs:
        if not any(matches(dev, d) for dev in deviations):
            yield d


def stale(deviations: list[Mapping[str, Any]], diffs: list[Difference]) -> Iterator[Mapping[str, Any]]:
    for dev in deviations:
        if not any(matches(dev, d) for d in diffs):
            yield dev
