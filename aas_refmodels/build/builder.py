"""The one generic builder: reference-model spec (+ values) -> basyx Submodels, kind=Template or kind=Instance."""

from __future__ import annotations

import base64
import binascii
import datetime
import re
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

from basyx.aas import model
from basyx.aas.model.concept import ConceptDescription

from .. import frozen, xstypes
from ..errors import ValuesError
from ..spec import ElementSpec, ModelSpec, SubmodelSpec, example_problem
from ..spec.loader import content_type_problem, path_problem
from ..spec.paths import PathInfo, fillable_paths, hint
from . import values as V
from .concepts import build_concept_descriptions
from .qualifiers import add_disclosure_qualifiers, disclosure_concept_descriptions, template_qualifiers
from .refs import global_ref, names, submodel_ref, texts

Kind = Literal["template", "instance"]
_L = TypeVar("_L", bound=model.LangStringSet)
_SEPARATOR = re.compile(r"[.\[]")
_NUMBERED = re.compile(r"\[(\d+)\]")  # what V.indices matches after a path
_HINTED = 20  # unknown paths that get a "did you mean" (each compares with every path of the model)

_CLASSES: dict[str, type[model.SubmodelElement]] = {
    "Property": model.Property, "MultiLanguageProperty": model.MultiLanguageProperty, "Range": model.Range,
    "File": model.File, "Blob": model.Blob, "ReferenceElement": model.ReferenceElement,
    "SubmodelElementCollection": model.SubmodelElementCollection,
    "SubmodelElementList": model.SubmodelElementList, "Entity": model.Entity,
}


@dataclass
class BuiltModel:
    """What the builder produced for one reference model."""

    spec: ModelSpec
    kind: Kind
    submodels: list[model.Submodel]
    concept_descriptions: list[ConceptDescription]
    attachments: dict[str, Path] = field(default_factory=dict)  # package path of a File -> local file
    shells: list[model.AssetAdministrationShell] = field(default_factory=list)

    def objects(self) -> list[model.Identifiable]:
        return [*self.shells, *self.submodels, *self.concept_descriptions]

    def store(self) -> model.DictIdentifiableStore[model.Identifiable]:
        return model.DictIdentifiableStore(self.objects())


def asset_id_problem(asset_id: str) -> str | None:
    """Why ``asset_id`` is no usable global asset id (None if it is): an absolute IRI (RFC 3987: a scheme, then
    no spaces, control characters or ``<>"{}|\\^``` ``, valid %-escapes, at most one ``#``) or a URN
    (``urn:<nid>:<nss>``, RFC 8141), short enough for the shell and submodel ids derived from it."""
    from ..iri import iri_problem

    return iri_problem(asset_id, max_length=xstypes.MAX_IDENTIFIER - len("/sm/") - xstypes.MAX_NAME)


def default_asset_id(spec: ModelSpec) -> str:
    return f"{spec.base_iri}ids/asset/{spec.model}/example-0001"


def instance_submodel_id(asset_id: str, sm: SubmodelSpec) -> str:
    return f"{asset_id.rstrip('/')}/sm/{sm.id_short}"


def build_template(spec: ModelSpec) -> BuiltModel:
    """Submodel templates (kind=Template) with SMT qualifiers, plus our ConceptDescriptions."""
    submodels = [_submodel(sm, sm.id, model.ModellingKind.TEMPLATE, [_template_element(e) for e in sm.elements])
                 for sm in spec.submodels]
    for sm, sm_spec in zip(submodels, spec.submodels, strict=True):  # disclosure classes (own qualifiers)
        add_disclosure_qualifiers(sm.submodel_element, sm_spec.elements, spec.base_iri)
    return BuiltModel(spec, "template", submodels,
                      build_concept_descriptions(spec) + disclosure_concept_descriptions(spec.base_iri))


def build_instance(
    spec: ModelSpec,
    values: Mapping[str, Any] | None = None,
    *,
    asset_id: str | None = None,
    submodel_ids: Mapping[str, str] | None = None,
    attachments_dir: Path | None = None,
    allow_any_source: bool = False,
    timezone: str | datetime.tzinfo | None = None,
    variant: str | None = None,
) -> BuiltModel:
    """Submodel instances filled from values keyed by idShort path (the spec's examples when ``values`` is None).

    Without values, ``variant`` picks which of the model's exclusive variants the example record is (default: the
    model's default variant; ``spec.variants`` lists them); an unknown one is a ``ValuesError`` naming the known.

    Values may be JSON scalars or what a factory script has: ``datetime``/``date``, ``Decimal``, numpy and pandas
    scalars. ``None``, ``""`` and NaN mean "not given" (a missing mandatory element is reported as such).
    Timestamps without a zone (``2026-03-09 08:00:35``) are read in ``timezone`` (an IANA name, ``"UTC"``,
    ``"+09:00"``, a tzinfo; default: the system's local zone). The ``source`` of a File value
    (``{"path": "/aasx/x.pdf", "source": "x.pdf"}``) is resolved against ``attachments_dir`` (default: the current
    folder) and must lie inside it unless ``allow_any_source``. ``asset_id`` (default: the model's example id)
    must be an absolute IRI or a URN.

    Raises ``ValuesError`` listing every problem: wrong type, unknown path, value not allowed, missing mandatory
    element, text a file cannot carry (XML characters, metamodel length limits).

    Instances built from one spec object share its ConceptDescriptions and their elements' semantic-ID references
    (read-only: basyx references are immutable; do not change a shared ConceptDescription in place); names and
    descriptions are each instance's own.
    """
    index = V.index_spec(spec)
    hinter = _Hinter(spec, index)
    if variant is not None and values is not None:
        raise ValuesError(f"values for {spec.key}", [("variant", "a variant picks example values: give values or a "
                                                                "variant, not both")])
    if values is None:
        try:
            flat, problems = V.example_values(spec, variant), list[tuple[str, str]]()
        except ValueError as exc:
            raise ValuesError(f"values for {spec.key}", [("variant", str(exc))]) from None
    elif not isinstance(values, Mapping):
        raise ValuesError(f"values for {spec.key}", [("$", "values are a mapping keyed by idShort path")])
    else:
        flat, problems = V.flatten(values, index, hinter)
    try:
        tz = V.resolve_timezone(timezone)
    except ValueError as exc:
        raise ValuesError(f"values for {spec.key}", [("timezone", str(exc))]) from None
    filler = _Filler(flat, index, attachments_dir, allow_any_source, tz, _statics(spec))
    filler.problems.extend(problems)
    asset = default_asset_id(spec) if asset_id is None else asset_id
    id_problem = asset_id_problem(asset)
    if id_problem:
        raise ValuesError(f"values for {spec.key}", [("asset_id", id_problem)])
    submodels = []
    for sm in spec.submodels:
        sm_id = (submodel_ids or {}).get(sm.id_short) or instance_submodel_id(asset, sm)
        elements = filler.elements(sm.elements, sm.id_short)
        problem = xstypes.text_problem(sm_id, xstypes.MAX_IDENTIFIER, "submodel id")
        if problem:
            filler.problem(sm.id_short, problem)
            continue
        submodels.append(_submodel(sm, sm_id, model.ModellingKind.INSTANCE, elements))
    filler.report_unused(hinter)
    if filler.problems:
        raise ValuesError(f"values do not fit reference model {spec.key}", sorted(set(filler.problems)))
    return BuiltModel(spec, "instance", submodels, build_concept_descriptions(spec), filler.attachments)


def _submodel(sm: SubmodelSpec, sm_id: str, kind: model.ModellingKind, elements: list[model.SubmodelElement],
              ) -> model.Submodel:
    adm = sm.administration
    return model.Submodel(
        sm_id, elements, id_short=sm.id_short, display_name=names(sm.name), description=texts(sm.definition),
        administration=model.AdministrativeInformation(version=adm.version, revision=adm.revision,
                                                       template_id=adm.template_id),
        semantic_id=global_ref(sm.semantic_id),
        supplemental_semantic_id=[global_ref(s) for s in sm.supplemental_semantic_ids], kind=kind,
    )


def _common(e: ElementSpec, id_short: str | None, qualifiers: list[model.Qualifier]) -> dict[str, Any]:
    return dict(
        id_short=id_short, display_name=names(e.name), description=texts(e.definition),
        semantic_id=global_ref(e.semantic_id),
        supplemental_semantic_id=[global_ref(s) for s in e.supplemental_semantic_ids], qualifier=qualifiers,
    )


class _Static(NamedTuple):
    """What an element of an instance takes from its spec element alone, made once per spec element."""

    element: ElementSpec  # held, so that its id() stays its own while the entry lives
    name: dict[str, str]  # the texts the language sets were made from (a changed dict is noticed)
    definition: dict[str, str]
    display_name: model.MultiLanguageNameType
    description: model.MultiLanguageTextType
    semantic_id: model.ExternalReference
    supplemental: tuple[model.ExternalReference, ...]


# spec object -> {id(element spec): its _Static}; entries leave with the spec (weakref callback)
_STATICS: dict[int, tuple[weakref.ref[ModelSpec], dict[int, _Static]]] = {}


def _statics(spec: ModelSpec) -> dict[int, _Static]:
    key = id(spec)
    entry = _STATICS.get(key)
    if entry is None or entry[0]() is not spec:
        def forget(ref: weakref.ref[ModelSpec], key: int = key) -> None:
            current = _STATICS.get(key)
            if current is not None and current[0] is ref:
                del _STATICS[key]

        try:
            entry = _STATICS[key] = (weakref.ref(spec, forget), {})
        except TypeError:  # a spec type without weak references: made again for every instance
            return {}
    return entry[1]


def _copy_langs(template: _L) -> _L:
    """A new language set with the (already checked) texts of ``template``: changing it leaves others alone."""
    new = object.__new__(type(template))
    new.__dict__.update(template.__dict__)
    new._dict = dict(template._dict)
    return new


def _instance_common(e: ElementSpec, id_short: str | None, statics: dict[int, _Static]) -> dict[str, Any]:
    """``_common(e, id_short, [])``, with the semantic IDs shared (references are immutable; registered in
    :mod:`aas_refmodels.frozen` for the writers) and the language sets copied from ones made once."""
    st = statics.get(id(e))
    if st is None or st.element is not e or st.name != e.name or st.definition != e.definition:
        st = statics[id(e)] = _Static(
            e, dict(e.name), dict(e.definition), names(e.name), texts(e.definition),
            frozen.share(global_ref(e.semantic_id)),
            tuple(frozen.share(global_ref(s)) for s in e.supplemental_semantic_ids))
    return dict(
        id_short=id_short, display_name=_copy_langs(st.display_name), description=_copy_langs(st.description),
        semantic_id=st.semantic_id, supplemental_semantic_id=list(st.supplemental), qualifier=[],
    )


def _list(e: ElementSpec, items: list[model.SubmodelElement], common: dict[str, Any]) -> model.SubmodelElementList[Any]:
    item = e.item
    assert item is not None
    return model.SubmodelElementList(
        type_value_list_element=_CLASSES[item.model_type], value=items,
        semantic_id_list_element=global_ref(item.semantic_id),
        value_type_list_element=xstypes.type_class(item.value_type) if item.value_type else None,
        order_relevant=True if e.order_relevant is None else e.order_relevant,
        **common,
    )


def _template_element(e: ElementSpec) -> model.SubmodelElement:
    c = _common(e, e.id_short, template_qualifiers(e))
    mt = e.model_type
    if mt == "Property":
        return model.Property(value_type=xstypes.type_class(e.value_type or ""), **c)
    if mt == "Range":
        return model.Range(value_type=xstypes.type_class(e.value_type or ""), **c)
    if mt == "MultiLanguageProperty":
        return model.MultiLanguageProperty(**c)
    if mt == "File":
        return model.File(content_type=e.content_type, **c)
    if mt == "Blob":
        return model.Blob(content_type=e.content_type, **c)
    if mt == "ReferenceElement":
        return model.ReferenceElement(**c)
    if mt == "SubmodelElementCollection":
        return model.SubmodelElementCollection(value=[_template_element(x) for x in e.children], **c)
    if mt == "Entity":
        return model.Entity(entity_type=model.EntityType.CO_MANAGED_ENTITY
                            if e.entity_type == "CoManagedEntity" else model.EntityType.SELF_MANAGED_ENTITY,
                            statement=[_template_element(x) for x in e.children], **c)
    if mt == "SubmodelElementList":
        assert e.item is not None
        return _list(e, [_template_element(e.item)], c)
    raise AssertionError(mt)


class _Hinter:
    """``did you mean`` for paths the model does not have, from :mod:`aas_refmodels.spec.paths`. Each hint compares
    with every path of the model, so the paths are listed on the first unknown path only and at most ``_HINTED``
    paths get one (a values file meant for another model does not cost minutes)."""

    def __init__(self, spec: ModelSpec, index: Mapping[str, ElementSpec]) -> None:
        self.spec, self.index, self.left = spec, index, _HINTED
        self.paths: list[PathInfo] | None = None

    def __call__(self, path: str) -> str:
        if self.left <= 0:
            return ""
        self.left -= 1
        if self.paths is None:
            self.paths = fillable_paths(self.spec)
        return hint(self.spec, path, self.paths, self.index)


class _Filler:
    def __init__(self, flat: dict[str, Any], index: Mapping[str, ElementSpec], attachments_dir: Path | None,
                 allow_any_source: bool = False, tz: datetime.tzinfo | None = None,
                 statics: dict[int, _Static] | None = None) -> None:
        self.flat, self.index, self.dir = flat, index, attachments_dir
        self.statics: dict[int, _Static] = {} if statics is None else statics
        self._paths: tuple[set[str], dict[str, set[int]]] | None = None
        self.allow_any_source = allow_any_source
        self.tz = tz or V.resolve_timezone(None)
        self.used: set[str] = set()
        self.problems: list[tuple[str, str]] = []
        self.attachments: dict[str, Path] = {}

    def problem(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def _index_paths(self) -> tuple[set[str], dict[str, set[int]]]:
        """Every key and each of its prefixes that ends before a ``.`` or ``[``; prefix -> the ``[i]`` after it."""
        if self._paths is None:
            prefixes: set[str] = set()
            numbered: dict[str, set[int]] = {}
            for k in self.flat:
                prefixes.add(k)
                for m in _SEPARATOR.finditer(k):
                    prefixes.add(k[:m.start()])
                for m in _NUMBERED.finditer(k):
                    numbered.setdefault(k[:m.start()], set()).add(int(m.group(1)))
            self._paths = prefixes, numbered
        return self._paths

    def present(self, path: str) -> bool:
        """``any(V.under(self.flat, path))``: a key at or below ``path``."""
        return path in self._index_paths()[0]

    def indices(self, path: str) -> list[int]:
        """``V.indices(self.flat, path)``: the indices ``i`` of the keys ``path[i]...``."""
        return sorted(self._index_paths()[1].get(path, ()))

    def elements(self, specs: tuple[ElementSpec, ...], parent: str) -> list[model.SubmodelElement]:
        out: list[model.SubmodelElement] = []
        for e in specs:
            if e.repeated:
                base = f"{parent}.{e.base_id_short}"
                found = self.indices(base)
                if not found and e.cardinality.required:
                    self.problem(base + "[0]", f"missing: at least one {e.base_id_short} is required")
                for n, i in enumerate(found, start=1):
                    el = self.one(e, f"{base}[{i}]", f"{e.base_id_short}{n:02d}", True)
                    if el is not None:
                        out.append(el)
            else:
                el = self.one(e, f"{parent}.{e.id_short}", e.id_short, e.cardinality.required)
                if el is not None:
                    out.append(el)
        return out

    def one(self, e: ElementSpec, path: str, id_short: str | None, required: bool) -> model.SubmodelElement | None:
        c = _instance_common(e, id_short, self.statics)
        mt = e.model_type
        if mt in V.LEAF_TYPES:
            value = self.normalized(e, self.flat[path]) if path in self.flat else V.ABSENT
            if path in self.flat:
                self.used.add(path)
            if value is V.ABSENT:
                if required:
                    given = " (given as empty, None or NaN)" if path in self.flat else ""
                    self.problem(path, f"missing mandatory {mt}{given}")
                return None
            return self.leaf(e, path, value, c)
        present = self.present(path)
        if not present and not required:
            return None
        if mt == "SubmodelElementList":
            assert e.item is not None
            found = self.indices(path)
            if not found and e.item.cardinality.required:
                self.problem(path, "missing: the list needs at least one item")
            items = [x for i in found if (x := self.one(e.item, f"{path}[{i}]", None, True)) is not None]
            return _list(e, items, c)
        children = self.elements(e.children, path)
        if mt == "Entity":
            kind = model.EntityType.CO_MANAGED_ENTITY if e.entity_type == "CoManagedEntity" \
                else model.EntityType.SELF_MANAGED_ENTITY
            return model.Entity(entity_type=kind, statement=children, **c)
        return model.SubmodelElementCollection(value=children, **c)

    def normalized(self, e: ElementSpec, raw: Any) -> Any:
        """Plain Python values (numpy, pandas, NaN, None, "") and default time zones; ABSENT if not given."""
        value = V.plain(raw)
        if value is V.ABSENT:
            return value
        mt = e.model_type
        if mt == "Property":
            return V.with_zone(value, e.value_type, self.tz)
        if mt == "Range":
            parts = [value.get("min"), value.get("max")] if isinstance(value, Mapping) and set(value) <= {"min", "max"} \
                else list(value) if isinstance(value, (list, tuple)) and len(value) == 2 else None
            if parts is None:
                return value  # example_problem says which form is expected
            lo, hi = (V.with_zone(p, e.value_type, self.tz) for p in (V.plain(x) for x in parts))
            if lo is V.ABSENT and hi is V.ABSENT:
                return V.ABSENT
            out = {k: v for k, v in (("min", lo), ("max", hi)) if v is not V.ABSENT}
            return out
        if mt == "MultiLanguageProperty" and isinstance(value, Mapping):
            texts = {k: V.plain(v) for k, v in value.items()}
            texts = {k: v for k, v in texts.items() if v is not V.ABSENT}
            return texts or V.ABSENT
        return value

    def leaf(self, e: ElementSpec, path: str, value: Any, c: dict[str, Any]) -> model.SubmodelElement | None:
        mt = e.model_type
        if mt == "File" and isinstance(value, Mapping):
            return self.file(e, path, value, c)
        problem = example_problem(e, value)
        if problem:
            self.problem(path, problem)
            return None
        if mt == "Property":
            assert e.value_type
            return model.Property(value_type=xstypes.type_class(e.value_type), value=xstypes.coerce(value, e.value_type), **c)
        if mt == "Range":
            assert e.value_type
            lo, hi = (value.get("min"), value.get("max")) if isinstance(value, Mapping) else value
            return model.Range(value_type=xstypes.type_class(e.value_type),
                               min=None if lo is None else xstypes.coerce(lo, e.value_type),
                               max=None if hi is None else xstypes.coerce(hi, e.value_type), **c)
        if mt == "MultiLanguageProperty":
            return model.MultiLanguageProperty(
                value=model.MultiLanguageTextType({"en": value} if isinstance(value, str) else dict(value)), **c)
        if mt == "File":
            if e.content_type is not None and (problem := content_type_problem(e.content_type)):
                self.problem(path, problem)
                return None
            return model.File(content_type=e.content_type, value=value, **c)
        if mt == "Blob":
            try:
                data = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                self.problem(path, "a Blob value is base64 text")
                return None
            return model.Blob(content_type=e.content_type, value=bytes(data), **c)
        if mt == "ReferenceElement":
            ref: model.Reference = submodel_ref(value[len("submodel:"):]) if value.startswith("submodel:") \
                else global_ref(value)
            return model.ReferenceElement(value=ref, **c)
        raise AssertionError(mt)

    def file(self, e: ElementSpec, path: str, value: Mapping[str, Any], c: dict[str, Any]) -> model.File | None:
        """``{"path": "/aasx/files/x.pdf", "source": "local/x.pdf", "contentType": "application/pdf"}``."""
        unknown = set(value) - {"path", "source", "contentType"}
        target, source = value.get("path"), value.get("source")
        if unknown or not isinstance(target, str) or not target.strip():
            self.problem(path, 'a File value is a path or {"path": .., "source": .., "contentType": ..}')
            return None
        content_type = value.get("contentType", e.content_type)
        problem = path_problem(target)
        if problem is None and content_type is not None:
            problem = content_type_problem(content_type) if isinstance(content_type, str) \
                else "contentType is a MIME type string"
        if problem:
            self.problem(path, problem)
            return None
        if source is not None:
            if not isinstance(source, str) or not source or "\x00" in source:
                self.problem(path, "a File source is the name of a local file")
                return None
            base = (self.dir if self.dir is not None else Path.cwd()).resolve()
            local = base / source
            if not self.allow_any_source:
                try:
                    local.resolve().relative_to(base)
                except ValueError:
                    self.problem(path, f"source {xstypes.short(source)} lies outside {base} (the folder of the values "
                                       "file or --attachments-dir); pass --allow-any-source to embed it anyway")
                    return None
            if not local.is_file():
                self.problem(path, f"source file {xstypes.short(str(local))} does not exist")
                return None
            if not target.startswith("/"):
                self.problem(path, f"a File with a source needs a package path starting with '/', not {target!r}")
                return None
            self.attachments[target] = local
        return model.File(content_type=content_type, value=target, **c)

    def report_unused(self, explain: Callable[[str], str]) -> None:
        for key in sorted(set(self.flat) - self.used):
            spec = self.index.get(V.generic(key))
            if spec is None:
                found = explain(key)
                self.problem(key, "unknown element: not part of the reference model" + (f"; {found}" if found else ""))
            elif spec.model_type not in V.LEAF_TYPES:
                self.problem(key, f"a {spec.model_type} takes no value of its own; give values for its elements")
            else:
                self.problem(key, "not used: an index that is not filled in order or an element whose parent is absent")
