"""ConceptDescriptions (IEC 61360 data specification) for every concept in our own namespace."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import NamedTuple

from basyx.aas import model
from basyx.aas.model.concept import ConceptDescription

from .. import frozen, namespace
from ..spec import ElementSpec, ModelSpec
from .refs import global_ref

IEC61360_IRI = "https://admin-shell.io/DataSpecificationTemplates/DataSpecificationIec61360/3"
# unitId of a ConceptDescription: an external reference to the unit's UNECE Rec. 20 common code, written in our
# own namespace as <base IRI>unit/unece-rec20/<code> (e.g. .../unit/unece-rec20/BAR for bar)
UNIT_ID_PATH = "unit/unece-rec20/"
_T = model.DataTypeIEC61360

_INTEGERS = {"xs:integer", "xs:long", "xs:int", "xs:short", "xs:byte", "xs:nonNegativeInteger",
             "xs:nonPositiveInteger", "xs:positiveInteger", "xs:negativeInteger", "xs:unsignedLong",
             "xs:unsignedInt", "xs:unsignedShort", "xs:unsignedByte"}
_REALS = {"xs:double", "xs:float", "xs:decimal"}
_PLAIN = {"xs:boolean": _T.BOOLEAN, "xs:date": _T.DATE, "xs:dateTime": _T.TIMESTAMP, "xs:time": _T.TIME,
          "xs:anyURI": _T.IRI}


class Concept(NamedTuple):
    id: str
    id_short: str
    name: dict[str, str]
    definition: dict[str, str]
    unit: str | None
    data_type: model.DataTypeIEC61360 | None
    is_case_of: tuple[str, ...]
    unit_id: str | None = None  # IRI of the unit's UNECE Rec. 20 code (UNIT_ID_PATH)


def data_type(e: ElementSpec) -> model.DataTypeIEC61360 | None:
    mt, vt = e.model_type, e.value_type
    if mt == "MultiLanguageProperty":
        return _T.STRING_TRANSLATABLE
    if mt == "File":
        return _T.FILE
    if mt == "Blob":
        return _T.BLOB
    if mt == "ReferenceElement":
        return _T.IRI
    if vt is None:
        return None
    if vt in _INTEGERS:
        return _T.INTEGER_MEASURE if e.unit else _T.INTEGER_COUNT
    if vt in _REALS:
        return _T.REAL_MEASURE if e.unit else _T.REAL_COUNT
    return _PLAIN.get(vt, _T.STRING)


def own_concepts(spec: ModelSpec) -> Iterator[Concept]:
    """Each own element concept once, in model order (submodel elements, then technical properties)."""
    base = spec.base_iri
    seen: set[str] = set()

    def emit(cid: str, id_short: str, name: dict[str, str], definition: dict[str, str], e: ElementSpec,
             ) -> Iterator[Concept]:
        if not namespace.is_own(cid, base) or cid in seen:
            return
        seen.add(cid)
        cases = tuple(s for s in e.supplemental_semantic_ids if not namespace.is_own(s, base))
        unit_id = f"{base}{UNIT_ID_PATH}{e.unit_code}" if e.unit_code else None
        yield Concept(cid, id_short, name, definition, e.unit, data_type(e), cases, unit_id)

    # Submodel semantic IDs get no ConceptDescription: a template's id equals its semanticId (IDTA practice).
    elements = [e for _, e in spec.walk()]
    for top in spec.technical_properties:
        elements.extend(e for _, e in top.walk())
    for e in elements:
        yield from emit(e.semantic_id, e.base_id_short if e.id_short else _item_name(e), dict(e.name),
                        dict(e.definition), e)


def _item_name(e: ElementSpec) -> str:
    return e.semantic_id.rstrip("/").split("/")[-3] if e.semantic_id.count("/") >= 3 else "Item"


def concept_description(c: Concept) -> ConceptDescription:
    content = model.DataSpecificationIEC61360(
        preferred_name=model.PreferredNameTypeIEC61360({k: v[:255] for k, v in c.name.items()}),
        definition=model.DefinitionTypeIEC61360({k: v[:1023] for k, v in c.definition.items()}),
        data_type=c.data_type,
        unit=c.unit,
        unit_id=global_ref(c.unit_id) if c.unit_id else None,
    )
    return ConceptDescription(
        id_=c.id,
        id_short=c.id_short,
        # basyx keeps isCaseOf as a set (serialized in hash order): one entry keeps files reproducible;
        # the element itself carries every supplemental semantic ID
        is_case_of={global_ref(c.is_case_of[0])} if c.is_case_of else None,
        embedded_data_specifications=[model.EmbeddedDataSpecification(global_ref(IEC61360_IRI), content)],
    )


# spec object -> its ConceptDescriptions; entries leave with the spec (weakref callback)
_BUILT: dict[int, tuple[weakref.ref[ModelSpec], tuple[ConceptDescription, ...]]] = {}


def build_concept_descriptions(spec: ModelSpec) -> list[ConceptDescription]:
    """The ConceptDescriptions of ``spec``'s own concepts (a new list each call).

    They depend on the spec alone, so they are built once per spec object and the same (read-only) objects
    are shared by every model built from it: building many instances of one model in a loop does not rebuild
    them (a spec is immutable; do not modify the ConceptDescriptions of a built model in place). They are
    registered in :mod:`aas_refmodels.frozen`, so the writers serialize each of them once.
    """
    key = id(spec)
    entry = _BUILT.get(key)
    if entry is None or entry[0]() is not spec:
        cds = tuple(frozen.share(concept_description(c)) for c in own_concepts(spec))
        def forget(_ref: weakref.ref[ModelSpec], key: int = key) -> None:
            _BUILT.pop(key, None)

        try:
            ref = weakref.ref(spec, forget)
        except TypeError:  # a spec type without weak references: no caching
            return list(cds)
        entry = _BUILT[key] = (ref, cds)
    return list(entry[1])
