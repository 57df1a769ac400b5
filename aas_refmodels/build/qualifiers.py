"""SMT template qualifiers (IDTA convention, canonical spellings of AASX Package Explorer)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from basyx.aas import model

from ..spec import ElementSpec
from .refs import global_ref

SMT_IRI = "https://admin-shell.io/SubmodelTemplates/{}/1/0"


def _qualifier(name: str, value: str) -> model.Qualifier:
    return model.Qualifier(
        f"SMT/{name}", model.datatypes.String, value=value,
        kind=model.QualifierKind.TEMPLATE_QUALIFIER, semantic_id=global_ref(SMT_IRI.format(name)),
    )


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def template_qualifiers(spec: ElementSpec) -> list[model.Qualifier]:
    out = [_qualifier("Cardinality", spec.cardinality.value)]
    if spec.allowed_values is not None:
        # POSIX ERE over the value's lexical form (AASPE semantics), anchored: exactly one of the values.
        import re

        out.append(_qualifier("AllowedValue", "^(" + "|".join(re.escape(v) for v in spec.allowed_values) + ")$"))
    if spec.allowed_range is not None:
        lo, hi = spec.allowed_range
        out.append(_qualifier("AllowedRange", f"[{'*' if lo is None else _number(lo)},{'*' if hi is None else _number(hi)}]"))
    if spec.example is not None and spec.model_type in ("Property", "MultiLanguageProperty", "Range", "File",
                                                         "ReferenceElement"):
        out.append(_qualifier("ExampleValue", example_text(spec)))
    if spec.model_type == "MultiLanguageProperty":
        out.append(_qualifier("RequiredLang", "en|ko"))
    return out


def example_text(spec: ElementSpec) -> str:
    from .. import xstypes

    ex = spec.example
    if spec.model_type == "Property" and spec.value_type:
        return xstypes.lexical(ex, spec.value_type)
    if spec.model_type == "MultiLanguageProperty":
        items = {"en": ex} if isinstance(ex, str) else ex
        return "; ".join(f"{text}@{lang}" for lang, text in items.items())
    if spec.model_type == "Range" and spec.value_type:
        lo, hi = (ex.get("min"), ex.get("max")) if isinstance(ex, dict) else ex
        return f"[{'' if lo is None else xstypes.lexical(lo, spec.value_type)},{'' if hi is None else xstypes.lexical(hi, spec.value_type)}]"
    return str(ex)


DISCLOSURE_TYPE = "aasref/Disclosure"
IDENTIFIER_TYPE = "aasref/Identifier"


def add_disclosure_qualifiers(elements: Iterable[model.SubmodelElement], specs: Iterable[ElementSpec],
                              base_iri: str) -> None:
    """Our own template qualifiers (kind TemplateQualifier, semanticIds in our namespace): ``aasref/Disclosure``
    = public | partner | confidential on every element, ``aasref/Identifier`` = true on identifying ones."""
    by_id = {e.id_short: e for e in elements}
    for spec in specs:
        el = by_id.get(spec.id_short)
        if el is None:
            continue
        _add(el, spec, base_iri)


def _add(el: model.SubmodelElement, spec: ElementSpec, base: str) -> None:
    el.qualifier.add(model.Qualifier(
        DISCLOSURE_TYPE, model.datatypes.String, value=spec.disclosure, kind=model.QualifierKind.TEMPLATE_QUALIFIER,
        semantic_id=global_ref(f"{base}qualifier/Disclosure/1/0")))
    if spec.identifier:
        el.qualifier.add(model.Qualifier(
            IDENTIFIER_TYPE, model.datatypes.Boolean, value=True, kind=model.QualifierKind.TEMPLATE_QUALIFIER,
            semantic_id=global_ref(f"{base}qualifier/Identifier/1/0")))
    if isinstance(el, model.SubmodelElementList) and spec.item is not None:
        for item in el.value:
            _add(item, spec.item, base)
    elif isinstance(el, model.SubmodelElementCollection):
        add_disclosure_qualifiers(el.value, spec.children, base)
    elif isinstance(el, model.Entity):
        add_disclosure_qualifiers(el.statement, spec.children, base)


def disclosure_concept_descriptions(base_iri: str) -> list[Any]:
    """ConceptDescriptions of the two qualifier concepts (every concept of our namespace has one)."""
    from .concepts import Concept, concept_description

    t = model.DataTypeIEC61360
    return [concept_description(Concept(
        f"{base_iri}qualifier/Disclosure/1/0", "Disclosure", {"en": "disclosure class", "ko": "공개 등급"},
        {"en": "Who may receive the element's value: public (may be published), partner (shared under contract), "
               "confidential (never leaves the plant)",
         "ko": "요소 값을 받을 수 있는 범위: public(공개 가능), partner(계약에 따라 공유), confidential(공장 밖으로 나가지 않음)"},
        None, t.STRING, ())), concept_description(Concept(
        f"{base_iri}qualifier/Identifier/1/0", "Identifier", {"en": "identifier", "ko": "식별자"},
        {"en": "The element identifies a customer, order, lot, part, machine or person: pseudonymized when disclosed",
         "ko": "요소가 고객, 주문, 로트, 부품, 장비 또는 사람을 식별함: 공개 시 가명 처리"},
        None, t.BOOLEAN, ()))]
