"""Parsed reference-model specs: frozen dataclasses, identifiers already expanded."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

REPEAT_SUFFIX = "__00__"


class Cardinality(Enum):
    ONE = "One"
    ZERO_TO_ONE = "ZeroToOne"
    ZERO_TO_MANY = "ZeroToMany"
    ONE_TO_MANY = "OneToMany"

    @property
    def required(self) -> bool:
        return self in (Cardinality.ONE, Cardinality.ONE_TO_MANY)

    @property
    def many(self) -> bool:
        return self in (Cardinality.ZERO_TO_MANY, Cardinality.ONE_TO_MANY)


@dataclass(frozen=True)
class ElementSpec:
    id_short: str | None  # None only for the item of a SubmodelElementList
    model_type: str  # "Property", "SubmodelElementCollection", ... (AAS modelType spelling)
    semantic_id: str
    cardinality: Cardinality
    name: Mapping[str, str]
    definition: Mapping[str, str]
    source: str
    value_type: str | None = None  # "xs:double"
    unit: str | None = None
    unit_code: str | None = None  # UNECE Rec. 20 common code of the unit (models/_units.json)
    supplemental_semantic_ids: tuple[str, ...] = ()
    role: str | None = None
    allowed_values: tuple[str, ...] | None = None  # lexical forms
    allowed_range: tuple[float | None, float | None] | None = None
    example: Any = None
    content_type: str | None = None
    entity_type: str | None = None
    children: tuple[ElementSpec, ...] = ()
    item: ElementSpec | None = None
    browse_names: tuple[tuple[str, str], ...] = ()  # (OPC UA node id, its BrowseName) for nsu=...;i=... ids
    order_relevant: bool | None = None  # SubmodelElementList only; None = metamodel default (true)
    disclosure: str = "partner"  # public | partner | confidential, resolved by the loader (role, model overrides)
    identifier: bool = False  # identifies a person, customer, order, lot or part: pseudonymized by redaction
    variants: tuple[str, ...] = ()  # exclusive variants (keys of ModelSpec.variants) it belongs to; () = all
    variant_examples: tuple[tuple[str, Any], ...] = ()  # (variant key, example) where a variant's value differs

    def in_variant(self, key: str) -> bool:
        """Whether the element belongs to variant ``key`` (untagged elements belong to every variant)."""
        return not self.variants or key in self.variants

    def example_for(self, key: str | None) -> Any:
        """The example value in variant ``key`` (its own one where the spec gives it, else ``example``)."""
        if key is not None:
            for k, v in self.variant_examples:
                if k == key:
                    return v
        return self.example

    def browse_name(self, node_id: str) -> str | None:
        """The BrowseName the spec records for one of the element's OPC UA supplemental semantic IDs."""
        return dict(self.browse_names).get(node_id)

    @property
    def base_id_short(self) -> str:
        """idShort without the IDTA repetition suffix ``__00__``."""
        assert self.id_short is not None
        s = self.id_short
        return s[: -len(REPEAT_SUFFIX)] if s.endswith(REPEAT_SUFFIX) else s

    @property
    def repeated(self) -> bool:
        """May occur several times in its collection (numbered idShorts in instances)."""
        return self.cardinality.many and self.id_short is not None

    def walk(self, prefix: str = "") -> Iterator[tuple[str, ElementSpec]]:
        """(template path, spec) for this element and all below; list items appear as ``List[]``."""
        path = f"{prefix}.{self.id_short}" if self.id_short else prefix + "[]"
        yield path, self
        for child in self.children:
            yield from child.walk(path)
        if self.item is not None:
            yield from self.item.walk(path)


@dataclass(frozen=True)
class VariantSpec:
    """One of a model's exclusive process variants (MAG seam vs resistance spot weld): an instance is one of them."""
    key: str
    name: Mapping[str, str]
    definition: Mapping[str, str] = field(default_factory=dict)
    default: bool = False


@dataclass(frozen=True)
class Administration:
    version: str
    revision: str
    template_id: str | None = None


@dataclass(frozen=True)
class SubmodelSpec:
    id_short: str
    id: str
    semantic_id: str
    administration: Administration
    name: Mapping[str, str]
    definition: Mapping[str, str]
    source: str
    elements: tuple[ElementSpec, ...]
    supplemental_semantic_ids: tuple[str, ...] = ()
    role: str | None = None

    def walk(self) -> Iterator[tuple[str, ElementSpec]]:
        for element in self.elements:
            yield from element.walk(self.id_short)

    def element_count(self) -> int:
        return sum(1 for _ in self.walk())


@dataclass(frozen=True)
class ModelSpec:
    model: str
    version: str
    name: Mapping[str, str]
    definition: Mapping[str, str]
    sources: tuple[str, ...]
    submodels: tuple[SubmodelSpec, ...]
    technical_properties: tuple[ElementSpec, ...] = ()
    base_iri: str = ""
    reproduces: str | None = None  # file name of the published IDTA template JSON this model reproduces
    deviations: tuple[Mapping[str, Any], ...] = ()  # documented differences from that template
    disclosure_note: Mapping[str, str] = field(default_factory=dict)  # why the classes are what they are (en, ko)
    variants: tuple[VariantSpec, ...] = ()  # exclusive process variants; () = the model has one kind of record
    file: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        return f"{self.model}/{self.version}"

    @property
    def default_variant(self) -> str | None:
        """Key of the default variant (the one the plain examples describe), None for a model without variants."""
        return next((v.key for v in self.variants if v.default), None)

    def variant_key(self, variant: str | None) -> str | None:
        """``variant`` checked against the declared ones (the default when None); ValueError naming the known."""
        if variant is None:
            return self.default_variant
        if variant in {v.key for v in self.variants}:
            return variant
        known = ", ".join(v.key for v in self.variants)
        raise ValueError(f"reference model {self.key} has no variant {variant!r} "
                         + (f"(known: {known})" if known else "(it declares no variants)"))

    def submodel(self, id_short: str) -> SubmodelSpec:
        for sm in self.submodels:
            if sm.id_short == id_short:
                return sm
        raise KeyError(id_short)

    def element_count(self) -> int:
        return sum(sm.element_count() for sm in self.submodels)

    def walk(self) -> Iterator[tuple[str, ElementSpec]]:
        for sm in self.submodels:
            yield from sm.walk()


DISCLOSURE_LEVELS = ("public", "partner", "confidential")  # least to most restrictive
ROLE_CLASSES = {"setpoint": "confidential", "actual": "partner", "record": "partner", "kpi": "partner",
                "type": "public", "structure": "public"}  # default class of an element by its role


_ID_SHORT = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*[a-zA-Z0-9_]$")


def valid_id_short(s: str) -> bool:
    return bool(_ID_SHORT.match(s))
