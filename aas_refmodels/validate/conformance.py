"""Template-conformance layer: instance submodels against our reference models and ``--template`` files.

Matching: a submodel is matched by semanticId; when several templates share it (our ProcessParameters
submodels all carry the IDTA 02031-1 semanticId) the instance's administration.templateId or our own IRI
in its supplementalSemanticIds decides; without a semanticId match, administration.templateId alone.
Only instances are checked (``kind`` other than Template).

Checks per template element: cardinality (TPL001 missing, TPL002 too many), modelType (TPL003),
valueType (TPL004), semanticId (TPL006), allowed values (TPL008) and range (TPL009); instance elements
unknown to the template (TPL005, warning); for our reference models also the unit in the element's
ConceptDescription (TPL010) and displayName/description in en and ko (TPL011).

Published template files are read as data; cardinality qualifiers are recognized in the spellings seen
in the wild (``SMT/Cardinality``, ``Cardinality``, ``Multiplicity``, ``SMT/Multiplicity``,
``SMT/SMT/Cardinality``; values like ``ZerotoOne``, ``"ZeroToOne "``); every non-canonical spelling is
reported as TPL007 (warning) on the files checked against that template.
"""

from __future__ import annotations

import decimal
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ReadError
from ..findings import ModelPath, SourceLocation
from . import _paths
from ._make import finding
from ._values import finite_decimal

if TYPE_CHECKING:
    from . import _Run

ONE, ZERO_TO_ONE, ZERO_TO_MANY, ONE_TO_MANY = "One", "ZeroToOne", "ZeroToMany", "OneToMany"
_REQUIRED = {ONE, ONE_TO_MANY}
_MANY = {ZERO_TO_MANY, ONE_TO_MANY}
_CHILD_ATTR = {"SubmodelElementCollection": "value", "Entity": "statements", "AnnotatedRelationshipElement":
               "annotations"}
REQUIRED_LANGUAGES = ("en", "ko")



ARBITRARY_PREFIX = "https://admin-shell.io/SMT/General/Arbitrary"  # IDTA placeholder semantic IDs
# IDTA 02008: a time-series Record holds its time axis plus one Property per variable the user chooses (the
# template's variables are examples), so a level whose template holds this time concept is open to other elements
TIME_SERIES_TIME = "https://admin-shell.io/idta/TimeSeries/RelativePointInTime/1/1"

@dataclass
class TNode:
    id_short: str | None
    model_type: str
    semantic_id: str | None
    cardinality: str
    value_type: str | None = None
    unit: str | None = None
    allowed_values: tuple[str, ...] | None = None
    allowed_range: tuple[float | None, float | None] | None = None
    children: list[TNode] = field(default_factory=list)
    item: TNode | None = None
    path: str = ""

    @property
    def base(self) -> str | None:
        if self.id_short and self.id_short.endswith("__00__"):
            return self.id_short[:-6]
        return self.id_short

    @property
    def repeated(self) -> bool:
        return self.id_short is not None and (self.cardinality in _MANY or self.id_short.endswith("__00__"))


@dataclass
class TSubmodel:
    label: str                      # "aasref machining/1.0" or the template file name
    id_short: str
    ids: frozenset[str]             # template ids that identify it (submodel id, templateId)
    semantic_id: str | None
    elements: list[TNode]
    ours: bool = False
    base_iri: str = ""
    languages: bool = False         # en + ko required (our own models; not the IDTA templates we reproduce)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # TPL007 (template path, message)


# ------------------------------------------------------------------------------- our reference models

def _from_spec(e: Any, prefix: str) -> TNode:
    path = f"{prefix}.{e.id_short}" if e.id_short else f"{prefix}[]"
    return TNode(e.id_short, e.model_type, e.semantic_id, e.cardinality.value, e.value_type, e.unit,
                 tuple(e.allowed_values) if e.allowed_values is not None else None,
                 tuple(e.allowed_range) if e.allowed_range is not None else None,
                 [_from_spec(c, path) for c in e.children],
                 _from_spec(e.item, path) if e.item is not None else None, path)


@functools.lru_cache(maxsize=4)
def _raw_index(base_iri: str | None) -> tuple[tuple[str, str, str | None, frozenset[str]], ...]:
    """(model, version, semanticId, ids) per submodel, read from the raw spec files without loading them.

    Loading (and schema-checking) all reference models costs about a second; this index lets the layer load
    only the models a file's submodels can match.
    """
    import json

    from .. import namespace
    from ..resources import models_dir
    from ..spec import available_models

    base = namespace.base_iri(base_iri)
    out = []
    for name, version in available_models():
        try:
            doc = json.loads((models_dir() / name / f"{version}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for sm in doc.get("submodels") or ():
            if not isinstance(sm, dict):
                continue
            ids = {sm.get("id"), (sm.get("administration") or {}).get("templateId")}
            ids |= set(sm.get("supplementalSemanticIds") or ())
            sem = sm.get("semanticId")
            out.append((name, version, namespace.expand(sem, base) if isinstance(sem, str) else None,
                        frozenset(namespace.expand(i, base) for i in ids if isinstance(i, str))))
    return tuple(out)


def _candidate_models(sm: dict[str, Any], base_iri: str | None) -> set[tuple[str, str]]:
    sem = _first_key(sm.get("semanticId"))
    adm: dict[str, Any] = sm["administration"] if isinstance(sm.get("administration"), dict) else {}
    keys = {k for k in (adm.get("templateId"), sm.get("id"), *map(_first_key, _list(sm.get("supplementalSemanticIds"))))
            if isinstance(k, str)}
    index = _raw_index(base_iri)
    by_id = {(n, v) for n, v, _s, ids in index if ids & keys}
    if by_id:
        return by_id
    by_sem = {(n, v) for n, v, s, _ids in index if sem and s == sem}
    return by_sem if len(by_sem) == 1 else set()


IDTA_REPRODUCTION_PREFIX = "idta-"  # models reproducing published IDTA templates: third parties fill them


@functools.lru_cache(maxsize=64)
def _model_templates(name: str, version: str, base_iri: str | None) -> tuple[TSubmodel, ...]:
    from ..spec import load_model

    spec = load_model(name, version, base_iri=base_iri)
    out = []
    for sm in spec.submodels:
        ids = {sm.id} | ({sm.administration.template_id} if sm.administration.template_id else set())
        out.append(TSubmodel(f"aasref {spec.key}", sm.id_short, frozenset(ids), sm.semantic_id,
                             [_from_spec(e, sm.id_short) for e in sm.elements], True, spec.base_iri,
                             languages=not name.startswith(IDTA_REPRODUCTION_PREFIX)))
    return tuple(out)


# ------------------------------------------------------------------------------- template files

_CARD_TYPES = {"smt/cardinality": False, "cardinality": True, "multiplicity": True, "smt/multiplicity": True,
               "smt/smt/cardinality": True}
_CARD_VALUES = {"one": ONE, "zerotoone": ZERO_TO_ONE, "zerotomany": ZERO_TO_MANY, "onetomany": ONE_TO_MANY,
                "1": ONE, "0..1": ZERO_TO_ONE, "0..*": ZERO_TO_MANY, "1..*": ONE_TO_MANY}


def _cardinality(el: dict[str, Any], path: str, warnings: list[tuple[str, str]]) -> str:
    for q in _list(el.get("qualifiers")):
        if not isinstance(q, dict) or not isinstance(q.get("type"), str):
            continue
        qtype = q["type"]
        key = qtype.strip().lower()
        if key not in _CARD_TYPES:
            continue
        raw = q.get("value")
        value = _CARD_VALUES.get(str(raw).strip().lower().replace(" ", "")) if raw is not None else None
        if value is None:
            warnings.append((path, f"found cardinality {raw!r} in qualifier {qtype!r}, expected One, ZeroToOne, "
                                   "ZeroToMany or OneToMany; assuming ZeroToMany"))
            return ZERO_TO_MANY
        if qtype != "SMT/Cardinality" or raw != value:
            warnings.append((path, f"found qualifier {qtype!r} = {raw!r}, expected 'SMT/Cardinality' = {value!r}"))
        return value
    return ONE


def _first_key(ref: Any) -> str | None:
    if isinstance(ref, dict) and isinstance(ref.get("keys"), list) and ref["keys"]:
        k = ref["keys"][0]
        value = k.get("value") if isinstance(k, dict) else None
        return value if isinstance(value, str) else None
    return None


def _from_element(el: dict[str, Any], prefix: str, warnings: list[Any], in_list: bool = False) -> TNode:
    id_short = None if in_list or not isinstance(el.get("idShort"), str) else el["idShort"]
    path = f"{prefix}.{id_short}" if id_short else f"{prefix}[]"
    mt = el["modelType"] if isinstance(el.get("modelType"), str) else "?"
    node = TNode(id_short, mt, _first_key(el.get("semanticId")),
                 _cardinality(el, path, warnings) if not in_list else ZERO_TO_MANY,
                 el.get("valueType"), path=path)
    attr = _CHILD_ATTR.get(mt)
    if attr:
        node.children = [_from_element(c, path, warnings) for c in _list(el.get(attr)) if isinstance(c, dict)]
    if mt == "SubmodelElementList":
        items = [c for c in _list(el.get("value")) if isinstance(c, dict)]
        if items:
            node.item = _from_element(items[0], path, warnings, in_list=True)
            node.item.cardinality = ONE_TO_MANY if node.cardinality in _REQUIRED else ZERO_TO_MANY
    return node


def templates_from_environment(doc: dict[str, Any], label: str) -> list[TSubmodel]:
    subs = [s for s in _list(doc.get("submodels")) if isinstance(s, dict)]
    chosen = [s for s in subs if s.get("kind") == "Template"] or subs
    out = []
    for sm in chosen:
        warnings: list[tuple[str, str]] = []
        name = sm.get("idShort") or "Submodel"
        adm = sm["administration"] if isinstance(sm.get("administration"), dict) else {}
        ids = (sm.get("id"), adm.get("templateId"))
        out.append(TSubmodel(label, name, frozenset(i for i in ids if isinstance(i, str)),
                             _first_key(sm.get("semanticId")),
                             [_from_element(e, name, warnings) for e in _list(sm.get("submodelElements"))
                              if isinstance(e, dict)], warnings=warnings))
    return out


def load_template_file(path: str | os.PathLike[str]) -> list[TSubmodel]:
    """Submodel templates of a JSON, XML or AASX file (read as data). ``ReadError`` if unusable."""
    from . import _read, package
    label = Path(path).name
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ReadError(f"{path}: cannot read the template file: {exc.strerror or exc}") from None
    limits = _read.Limits()
    parts = package.spec_parts(data, limits) if _read.sniff_format(data) == "aasx" else [("", data)]
    templates: list[TSubmodel] = []
    for _name, part in parts:
        fmt = _read.sniff_format(part)
        text, problem = _read.decode_utf8(part)
        doc = None
        if problem is None and text is not None and fmt == "json":
            doc, problem = _read.load_json(text, limits)
        elif problem is None and fmt == "xml":
            tree, problem = _read.parse_xml(part, limits)
            if problem is None:
                version, problem = _read.xml_version(tree)
                if problem is None and version is not None and text is not None:
                    from .deserialize import from_xml
                    env, f = from_xml(text, version, label)
                    if env is None:
                        raise ReadError(f"{path}: template file cannot be read: {f.message if f else 'unknown'}")
                    from . import _to_jsonable
                    doc = _to_jsonable(env, version)
        elif problem is None:
            raise ReadError(f"{path}: the template file is neither JSON, XML nor AASX")
        if problem is not None:
            raise ReadError(f"{path}: template file cannot be read: {problem.message}")
        if not isinstance(doc, dict):
            raise ReadError(f"{path}: the template file is not an AAS environment")
        templates += templates_from_environment(doc, label)
    if not templates:
        raise ReadError(f"{path}: the template file contains no submodel")
    return templates


# ------------------------------------------------------------------------------- matching

def _match(sm: dict[str, Any], candidates: list[TSubmodel]) -> TSubmodel | None:
    sem = _first_key(sm.get("semanticId"))
    template_id = sm["administration"].get("templateId") if isinstance(sm.get("administration"), dict) else None
    if not isinstance(template_id, str):
        template_id = None
    supplemental = {_first_key(r) for r in _list(sm.get("supplementalSemanticIds"))}
    by_sem = [t for t in candidates if sem and t.semantic_id == sem]
    if len(by_sem) == 1:
        return by_sem[0]
    if len(by_sem) > 1:
        decided = [t for t in by_sem if (template_id in t.ids) or (t.ids & supplemental)]
        return decided[0] if len(decided) == 1 else None
    if template_id:
        by_tid = [t for t in candidates if template_id in t.ids]
        return by_tid[0] if len(by_tid) == 1 else None
    return None


def check(run: _Run, doc: Any, version: str, file: str | None) -> str | None:
    """Run the layer; returns a reason when it had nothing to do (then reported as skipped)."""
    if not isinstance(doc, dict):
        return "no environment"
    instances = [(i, s) for i, s in enumerate(_list(doc.get("submodels")))
                 if isinstance(s, dict) and s.get("kind") != "Template"]
    if not instances:
        return "no instance submodels"
    given: list[TSubmodel] = []
    for t in run.opts.templates:
        given += t if isinstance(t, list) else load_template_file(t) if isinstance(t, (str, os.PathLike)) else [t]
    matched = 0
    cds: dict[Any, Any] = {cd["id"]: cd for cd in _list(doc.get("conceptDescriptions"))
                           if isinstance(cd, dict) and isinstance(cd.get("id"), str)}
    for index, sm in instances:
        template = _match(sm, given)
        if template is None and run.opts.reference_models:
            ours = [t for n, v in sorted(_candidate_models(sm, run.opts.base_iri))
                    for t in _model_templates(n, v, run.opts.base_iri)]
            template = _match(sm, ours)
        if template is None:
            continue
        matched += 1
        checker = _Checker(run, doc, version, file, template, cds)
        checker.submodel(sm, ["submodels", index])
    if not matched:
        return "no submodel matches a reference model" + (" or --template" if given else "")
    return None


def _list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty list (a wrong type is reported by the schema layer)."""
    return value if isinstance(value, list) else []


def _lang_codes(value: Any) -> set[str]:
    return {x["language"].split("-")[0].lower() for x in _list(value)
            if isinstance(x, dict) and isinstance(x.get("language"), str)}


class _Checker:
    def __init__(self, run: _Run, doc: dict[str, Any], version: str, file: str | None, template: TSubmodel,
                 cds: dict[str, Any]) -> None:
        self.run, self.doc, self.version, self.file, self.t, self.cds = run, doc, version, file, template, cds

    def add(self, code: str, parts: list[Any], message: str, clause: str | None = None) -> None:
        self.run.findings.append(finding(code, _paths.model_path(self.doc, parts), message, self.version,
                                         location=SourceLocation(self.file, pointer=_paths.join_pointer(parts)),
                                         document=self.t.label, clause=clause))

    def submodel(self, sm: dict[str, Any], parts: list[Any]) -> None:
        for tpath, message in self.t.warnings:
            self.run.findings.append(finding("TPL007", ModelPath(f"Template[{self.t.label}]", (f".{tpath}",)),
                                             message, self.version, location=SourceLocation(self.t.label),
                                             document=self.t.label, clause=tpath))
        if self.t.languages:
            self.languages(sm, parts)
        self.children(sm.get("submodelElements"), [*parts, "submodelElements"], self.t.elements,
                      sm.get("idShort") or self.t.id_short)

    def languages(self, el: dict[str, Any], parts: list[Any]) -> None:
        for attr in ("displayName", "description"):
            have = _lang_codes(el.get(attr))
            for lang in REQUIRED_LANGUAGES:
                if lang not in have:
                    self.add("TPL011", [*parts, attr], f"found no {attr} in {lang!r}, expected one "
                                                       f"(languages {', '.join(sorted(have)) or 'none'})")

    def children(self, items: Any, parts: list[Any], specs: list[TNode], where: str) -> None:
        items = items if isinstance(items, list) else []
        claimed: set[int] = set()
        for spec in specs:
            hits = [i for i, c in enumerate(items) if i not in claimed and isinstance(c, dict)
                    and self._name_matches(spec, c.get("idShort"))]
            if not hits and spec.semantic_id:
                hits = [i for i, c in enumerate(items) if i not in claimed and isinstance(c, dict)
                        and _first_key(c.get("semanticId")) == spec.semantic_id
                        and not any(self._name_matches(s, c.get("idShort")) for s in specs)]
                if not spec.repeated:
                    hits = hits[:1]
            claimed.update(hits)
            if not hits and spec.cardinality in _REQUIRED:
                self.add("TPL001", parts[:-1] if parts else parts,
                         f"found no {spec.base or spec.model_type} in {where}, expected cardinality {spec.cardinality}",
                         clause=spec.path)
            if len(hits) > 1 and spec.cardinality not in _MANY:
                self.add("TPL002", [*parts, hits[1]], f"found {len(hits)} elements {spec.base}, expected cardinality "
                                                      f"{spec.cardinality}", clause=spec.path)
            for i in hits:
                self.element(items[i], [*parts, i], spec)
        # IDTA "Arbitrary" placeholders (e.g. TechnicalData's TechnicalPropertyAreas) open a level to any element
        if any((s.semantic_id or "").startswith(ARBITRARY_PREFIX) or s.semantic_id == TIME_SERIES_TIME for s in specs):
            return
        for i, c in enumerate(items):
            if i not in claimed and isinstance(c, dict):
                self.add("TPL005", [*parts, i], f"found {c.get('modelType')} {c.get('idShort')!r}, which the "
                                                f"template does not define")

    @staticmethod
    def _name_matches(spec: TNode, id_short: Any) -> bool:
        if not isinstance(id_short, str) or spec.id_short is None:
            return False
        if id_short == spec.id_short:
            return True
        return spec.repeated and re.fullmatch(re.escape(spec.base or "") + r"\d{2,}", id_short) is not None

    def element(self, el: dict[str, Any], parts: list[Any], spec: TNode) -> None:
        mt = el.get("modelType")
        if mt != spec.model_type:
            self.add("TPL003", [*parts, "modelType"], f"found {mt}, expected {spec.model_type}", clause=spec.path)
            return
        sem = _first_key(el.get("semanticId"))
        if spec.semantic_id and sem != spec.semantic_id:
            self.add("TPL006", [*parts, "semanticId"], f"found {sem!r}, expected {spec.semantic_id!r}",
                     clause=spec.path)
        if self.t.languages:
            self.languages(el, parts)
        if mt in ("Property", "Range") and spec.value_type and el.get("valueType") != spec.value_type:
            self.add("TPL004", [*parts, "valueType"], f"found {el.get('valueType')}, expected {spec.value_type}",
                     clause=spec.path)
        if mt == "Property":
            self.value(el.get("value"), [*parts, "value"], spec)
        elif mt == "Range":
            for attr in ("min", "max"):
                self.value(el.get(attr), [*parts, attr], spec, check_allowed=False)
        if self.t.ours and spec.unit and mt in ("Property", "Range") and spec.semantic_id:
            self.unit(spec, parts)
        child_attr = _CHILD_ATTR.get(mt) if isinstance(mt, str) else None
        if child_attr:
            self.children(el.get(child_attr), [*parts, child_attr], spec.children, el.get("idShort") or spec.path)
        if mt == "SubmodelElementList" and spec.item is not None:
            items: list[Any] = el["value"] if isinstance(el.get("value"), list) else []
            if not items and spec.item.cardinality in _REQUIRED:
                self.add("TPL001", parts, f"found no items in {el.get('idShort')}, expected cardinality "
                                          f"{spec.item.cardinality}", clause=spec.item.path)
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    self.element(item, [*parts, "value", i], spec.item)

    def value(self, value: Any, parts: list[Any], spec: TNode, check_allowed: bool = True) -> None:
        if not isinstance(value, str):
            return
        if check_allowed and spec.allowed_values is not None:
            number = finite_decimal(value)
            ok = value in spec.allowed_values or (number is not None and any(
                finite_decimal(a) == number for a in spec.allowed_values))
            if not ok:
                shown = ", ".join(spec.allowed_values[:8]) + (", …" if len(spec.allowed_values) > 8 else "")
                self.add("TPL008", parts, f"found {value!r}, expected one of {shown}", clause=spec.path)
        if spec.allowed_range is not None:
            number = finite_decimal(value)
            lo, hi = spec.allowed_range
            if number is not None and ((lo is not None and number < decimal.Decimal(str(lo)))
                                       or (hi is not None and number > decimal.Decimal(str(hi)))):
                self.add("TPL009", parts, f"found {value}, expected a value in "
                                          f"[{'' if lo is None else lo}, {'' if hi is None else hi}]", clause=spec.path)

    def unit(self, spec: TNode, parts: list[Any]) -> None:
        cd = self.cds.get(spec.semantic_id) if spec.semantic_id else None
        if cd is None:
            if spec.semantic_id and spec.semantic_id.startswith(self.t.base_iri or "\0"):
                self.add("MM013", [*parts, "semanticId"], f"found no ConceptDescription {spec.semantic_id!r} in "
                                                          f"the environment, expected one with unit {spec.unit!r}")
            return
        units = []
        for eds in _list(cd.get("embeddedDataSpecifications")):
            content = eds.get("dataSpecificationContent") if isinstance(eds, dict) else None
            if isinstance(content, dict):
                units.append(content.get("unit"))
        if spec.unit not in units:
            found = next((u for u in units if u), None)
            self.add("TPL010", [*parts, "semanticId"], f"found unit {found!r} in ConceptDescription "
                                                       f"{spec.semantic_id!r}, expected {spec.unit!r}",
                     clause=spec.path)
