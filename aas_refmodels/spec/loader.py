"""Spec file -> ModelSpec: schema check, fragment includes, identifier expansion, semantic checks.

Every problem is a ``SpecError`` naming the file and the JSON path (``$.submodels[0].elements[3]``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib.resources.abc import Traversable
from typing import Any

from .. import namespace, xstypes
from ..errors import ModelNotFoundError, SpecError
from ..resources import models_dir, schemas_dir
from .model import (
    DISCLOSURE_LEVELS,
    ROLE_CLASSES,
    Administration,
    Cardinality,
    ElementSpec,
    ModelSpec,
    SubmodelSpec,
    VariantSpec,
    valid_id_short,
)

SPEC_SCHEMA = "refmodel-spec.schema.json"
FRAGMENTS = "_fragments"
UNITS = "_units.json"
_VERSION_FILE = re.compile(r"^(\d+)\.(\d+)\.json$")


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    schema = json.loads((schemas_dir() / SPEC_SCHEMA).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _read_json(source: Traversable, label: str) -> Any:
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(label, "$", f"cannot read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(label, "$", f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None


def _check_schema(doc: Any, label: str) -> None:
    errors = sorted(_validator().iter_errors(doc), key=lambda e: (len(list(e.absolute_path)), e.json_path))
    if not errors:
        return
    # oneOf/anyOf failures hide the real cause in their context: report the deepest sub-error.
    err = errors[0]
    while err.context:
        err = max(err.context, key=lambda e: len(list(e.absolute_path)))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise SpecError(label, err.json_path, err.message + more)


@lru_cache(maxsize=1)
def _unit_table() -> Any:
    return _read_json(models_dir() / UNITS, f"models/{UNITS}")


@lru_cache(maxsize=1)
def unit_codes() -> dict[str, str]:
    """Unit symbol -> UNECE Rec. 20 common code, from ``models/_units.json`` (the one unit table of all models)."""
    try:
        return {u["symbol"]: u["code"] for u in _unit_table()["units"]}
    except (KeyError, TypeError):
        raise SpecError(f"models/{UNITS}", "$.units", "each unit needs a symbol and a code") from None


@lru_cache(maxsize=1)
def unit_exceptions() -> dict[str, str]:
    """Unit symbol -> reason, for the few units with no UNECE Rec. 20 code (``models/_units.json`` "exceptions"):
    allowed in a spec, emitted as the ConceptDescription unit without a unitId."""
    try:
        return {u["symbol"]: u["reason"] for u in _unit_table().get("exceptions", [])}
    except (KeyError, TypeError, AttributeError):
        raise SpecError(f"models/{UNITS}", "$.exceptions", "each exception needs a symbol and a reason") from None


@lru_cache(maxsize=1)
def plant_units() -> dict[str, tuple[str, ...]]:
    """Model unit symbol -> the plant unit symbols engineers read and write for it (``A/m²`` -> ``A/dm²``), from
    ``models/_units.json`` "plant"; ingest converts them like any unit, ``aasref show`` prints them."""
    try:
        return {u["symbol"]: tuple(p["symbol"] for p in u["plant"]) for u in _unit_table()["units"] if u.get("plant")}
    except (KeyError, TypeError):
        raise SpecError(f"models/{UNITS}", "$.units", "each plant unit needs a symbol") from None


def available_models() -> list[tuple[str, str]]:
    """(model, version) of every packaged reference model, sorted."""
    found: list[tuple[str, str]] = []
    for folder in models_dir().iterdir():
        if not folder.is_dir() or folder.name.startswith(("_", ".")):
            continue
        for f in folder.iterdir():
            m = _VERSION_FILE.match(f.name)
            if m:
                found.append((folder.name, f"{m.group(1)}.{m.group(2)}"))
    return sorted(found, key=lambda mv: (mv[0], tuple(int(p) for p in mv[1].split("."))))


ALIASES_FILE = "_aliases.json"


@lru_cache(maxsize=1)
def model_aliases() -> dict[str, tuple[str, ...]]:
    """Model name -> its documented aliases (``models/_aliases.json``), e.g. ``injection-moulding``."""
    source = models_dir() / ALIASES_FILE
    if not source.is_file():
        return {}
    doc = json.loads(source.read_text(encoding="utf-8"))
    return {model: tuple(names) for model, names in doc.get("aliases", {}).items()}


def resolve_model_name(name: str) -> str:
    """The model folder name for a model name or alias (ignoring case, ``_`` for ``-``); unknown names unchanged."""
    known = {m for m, _ in available_models()}
    if name in known:
        return name
    wanted = name.strip().lower().replace("_", "-").replace(" ", "-")
    if wanted in known:
        return wanted
    for model, names in model_aliases().items():
        if wanted in (a.lower() for a in names) and model in known:
            return model
    return name


def load_model(name: str, version: str | None = None, *, base_iri: str | None = None) -> ModelSpec:
    """Load a packaged reference model (latest version unless given); ``name`` may be an alias."""
    name = resolve_model_name(name)
    versions = [v for m, v in available_models() if m == name]
    if not versions:
        known = ", ".join(sorted({m for m, _ in available_models()}))
        raise ModelNotFoundError(f"no reference model {name!r} (known: {known}; aliases: aasref list)")
    if version is None:
        version = versions[-1]
    elif version not in versions:
        raise ModelNotFoundError(f"reference model {name!r} has no version {version!r} (has {', '.join(versions)})")
    return _load_cached(name, version, namespace.base_iri(base_iri))


@lru_cache(maxsize=64)
def _load_cached(name: str, version: str, base: str) -> ModelSpec:
    source = models_dir() / name / f"{version}.json"
    return load_spec_file(source, base_iri=base, label=f"models/{name}/{version}.json", trusted=True)


def load_spec_file(source: Traversable, *, base_iri: str | None = None, label: str | None = None,
                   trusted: bool = False) -> ModelSpec:
    """Load any model spec file (packaged or not); fragments come from the packaged ``models/_fragments``.

    ``trusted`` (the packaged models, whose schema conformance the test suite proves) skips the JSON Schema
    check unless parsing fails, so that ``aasref`` starts fast; the semantic checks always run.
    """
    label = label or str(source)
    doc = _read_json(source, label)
    if not trusted:
        _check_schema(doc, label)
    if not isinstance(doc, dict) or "model" not in doc:
        _check_schema(doc, label)
        raise SpecError(label, "$", "a fragment cannot be loaded as a model")
    try:
        return _Parser(label, namespace.base_iri(base_iri), trusted=trusted).model(doc)
    except (KeyError, TypeError, AttributeError, ValueError):
        _check_schema(doc, label)  # names the file and JSON path of the problem
        raise


class _Parser:
    def __init__(self, label: str, base: str, mandatory: set[str] | None = None, trusted: bool = False,
                 classes: Mapping[str, str] | None = None, identifiers: set[str] | None = None,
                 variant_keys: tuple[str, ...] = (), variant_overrides: Mapping[str, Mapping[str, Any]] | None = None,
                 ) -> None:
        self.label, self.base, self.trusted = label, base, trusted
        self.variant_keys = variant_keys  # the model's declared variants (a fragment uses its includer's)
        self.variant_overrides = variant_overrides or {}  # variant -> {relative path: example} of an include
        self.mandatory = mandatory or set()  # fragment paths an including model makes mandatory
        # disclosure overrides by path (relative to this file's root: Submodel.X in a model, X in a fragment)
        self.classes: dict[str, str] = dict(classes or {})
        self.identifiers: set[str] = set(identifiers or ())
        self.used: set[str] = set()  # paths of the overrides that matched an element

    def fail(self, path: str, message: str) -> SpecError:
        return SpecError(self.label, path, message)

    def model(self, doc: Mapping[str, Any]) -> ModelSpec:
        block = doc.get("disclosure", {})
        self.classes, self.identifiers = dict(block.get("classes", {})), set(block.get("identifiers", ()))
        variants = self.variants(doc.get("variants", []))
        self.variant_keys = tuple(v.key for v in variants)
        submodels = tuple(self.submodel(sm, f"$.submodels[{i}]") for i, sm in enumerate(doc["submodels"]))
        self._unique([sm.id_short for sm in submodels], "$.submodels", "submodel idShort")
        tech = self.elements(doc.get("technicalProperties", []), "$.technicalProperties", prefix="technicalProperties",
                             role="type")
        self.check_disclosure_paths()
        spec = ModelSpec(
            model=doc["model"], version=doc["version"], name=dict(doc["name"]),
            definition=dict(doc["definition"]), sources=tuple(doc["sources"]), submodels=submodels,
            technical_properties=tech, base_iri=self.base, file=self.label,
            reproduces=doc.get("reproduces"), deviations=tuple(dict(d) for d in doc.get("deviations", [])),
            disclosure_note=dict(block.get("note", {})), variants=variants,
        )
        self._check_concepts(spec)
        return spec

    def variants(self, items: list[Any]) -> tuple[VariantSpec, ...]:
        """The model's exclusive variants: unique keys, exactly one default (when any are declared)."""
        out = tuple(VariantSpec(key=v["key"], name=dict(v["name"]), definition=dict(v.get("definition", {})),
                                default=bool(v.get("default", False))) for v in items)
        self._unique([v.key for v in out], "$.variants", "variant key")
        if out and sum(v.default for v in out) != 1:
            raise self.fail("$.variants", "exactly one variant is the default (\"default\": true): the one the "
                            "plain examples describe")
        return out

    def tags(self, d: Mapping[str, Any], path: str, inherited: tuple[str, ...], card: Cardinality,
             ) -> tuple[str, ...]:
        """The variants an element belongs to: its own ``variant`` tag (a subset of its parent's), else its parent's."""
        if "variant" not in d:
            return inherited
        raw = d["variant"]
        own = (raw,) if isinstance(raw, str) else tuple(raw)
        for key in own:
            if key not in self.variant_keys:
                known = ", ".join(self.variant_keys) or "none: declare them in the model's 'variants'"
                raise self.fail(f"{path}.variant", f"unknown variant {key!r} (declared: {known})")
        if inherited and not set(own) <= set(inherited):
            raise self.fail(f"{path}.variant", f"tagged {', '.join(own)} inside an element of variant "
                            f"{', '.join(inherited)} only")
        if card.required:
            raise self.fail(f"{path}.variant", f"an element of some variants only must be optional (ZeroToOne or "
                            f"ZeroToMany), not {card.value}: an instance of another variant omits it")
        return own

    def submodel(self, d: Mapping[str, Any], path: str) -> SubmodelSpec:
        adm = d["administration"]
        return SubmodelSpec(
            id_short=d["idShort"], id=self.iri(d["id"]), semantic_id=self.iri(d["semanticId"]),
            supplemental_semantic_ids=tuple(self.iri(s) for s in d.get("supplementalSemanticIds", [])),
            administration=Administration(adm["version"], adm["revision"],
                                          self.iri(adm["templateId"]) if "templateId" in adm else None),
            name=dict(d["name"]), definition=dict(d["definition"]), source=d["source"], role=d.get("role"),
            elements=self.elements(d["elements"], f"{path}.elements", prefix=d["idShort"], role=d.get("role")),
        )

    def iri(self, s: str) -> str:
        return namespace.expand(s, self.base)

    def check_disclosure_paths(self) -> None:
        """Every path of a disclosure block names an element of the file."""
        for key in sorted(self.classes.keys() - self.used):
            raise self.fail(f"$.disclosure.classes[{key!r}]", f"no element {key!r} in this file")
        for key in sorted(self.identifiers - self.used):
            raise self.fail("$.disclosure.identifiers", f"no element {key!r} in this file")

    def elements(self, items: list[Any], path: str, overrides: Mapping[str, Any] | None = None,
                 prefix: str = "", role: str | None = None, cls: str | None = None,
                 ident: bool = False, tags: tuple[str, ...] = ()) -> tuple[ElementSpec, ...]:
        out: list[ElementSpec] = []
        for i, d in enumerate(items):
            p = f"{path}[{i}]"
            if "include" in d:
                out.extend(self.include(d, p, prefix, role, cls, ident, tags))
            else:
                out.append(self.element(d, p, overrides or {}, prefix, role, cls, ident, tags))
        self._unique([e.id_short for e in out], path, "idShort")
        return tuple(out)

    def include(self, d: Mapping[str, Any], path: str, prefix: str = "", role: str | None = None,
                cls: str | None = None, ident: bool = False, tags: tuple[str, ...] = ()) -> tuple[ElementSpec, ...]:
        name = d["include"]
        source = models_dir() / "_fragments" / f"{name}.json"
        if not source.is_file():
            raise self.fail(path + ".include", f"no fragment {name!r} in models/_fragments")
        label = f"models/_fragments/{name}.json"
        doc = _read_json(source, label)
        if not self.trusted:
            _check_schema(doc, label)
        if "fragment" not in doc:
            raise SpecError(label, "$", "not a fragment")
        overrides = d.get("examples", {})
        mandatory = set(d.get("mandatory", []))
        block = doc.get("disclosure", {})
        by_variant = d.get("variantExamples", {})
        for key in by_variant:
            if key not in self.variant_keys:
                raise self.fail(f"{path}.variantExamples", f"unknown variant {key!r} (declared: "
                                f"{', '.join(self.variant_keys) or 'none'})")
        sub = _Parser(label, self.base, mandatory, self.trusted, block.get("classes"), set(block.get("identifiers", ())),
                      self.variant_keys, by_variant)
        # the including file's overrides of paths inside the fragment win over the fragment's own
        outer = f"{prefix}." if prefix else ""
        sub.classes.update({k[len(outer):]: v for k, v in self.classes.items() if k.startswith(outer)})
        sub.identifiers |= {k[len(outer):] for k in self.identifiers if k.startswith(outer)}
        elements = sub.elements(doc["elements"], "$.elements", overrides, "", role, cls, ident, tags)
        self.used |= {outer + k for k in sub.used}
        own = block.get("classes", {}).keys() | set(block.get("identifiers", ()))
        for key in sorted(own - sub.used):
            raise SpecError(label, "$.disclosure", f"no element {key!r} in this fragment")
        known = {p.lstrip(".") for e in elements for p, _ in e.walk("")}
        pairs = [(k, "examples") for k in overrides] + [(k, "mandatory") for k in mandatory]
        pairs += [(k, f"variantExamples.{v}") for v, keyed in by_variant.items() for k in keyed]
        for key, what in pairs:
            if key not in known:
                raise self.fail(f"{path}.{what}", f"{key!r} is no element of fragment {name!r}")
        return elements

    def element(self, d: Mapping[str, Any], path: str, overrides: Mapping[str, Any], prefix: str,
                role: str | None = None, cls: str | None = None, ident: bool = False,
                tags: tuple[str, ...] = ()) -> ElementSpec:
        id_short = d.get("idShort")
        rel = f"{prefix}.{id_short}".lstrip(".") if id_short else prefix + "[]"
        # disclosure: an explicit class holds for the element and its descendants; otherwise the role decides
        # (an element without a role, or a structural one, inherits the role of its parent)
        own_role = d.get("role")
        role = own_role if own_role not in (None, "structure") else role
        if rel in self.classes:
            self.used.add(rel)
            cls = self.classes[rel]
        if rel in self.identifiers:
            self.used.add(rel)
            ident = True
        card = Cardinality(d["cardinality"])
        if rel in self.mandatory:
            card = {Cardinality.ZERO_TO_ONE: Cardinality.ONE, Cardinality.ZERO_TO_MANY: Cardinality.ONE_TO_MANY}.get(
                card, card)
        tags = self.tags(d, path, tags, card)
        vt = d.get("valueType")
        example = overrides.get(rel, d.get("example"))
        by_variant = dict(d.get("variantExamples", {}))
        by_variant.update({k: keyed[rel] for k, keyed in self.variant_overrides.items() if rel in keyed})
        allowed = None
        if "allowedValues" in d:
            allowed = tuple(self.lexical(v, vt, f"{path}.allowedValues") if vt else str(v) for v in d["allowedValues"])
        rng = None
        if "allowedRange" in d:
            lo, hi = d["allowedRange"].get("min"), d["allowedRange"].get("max")
            if lo is not None and hi is not None and lo > hi:
                raise self.fail(f"{path}.allowedRange", f"min {lo} is greater than max {hi}")
            if vt is not None and vt not in xstypes.NUMERIC_TYPES:
                raise self.fail(f"{path}.allowedRange", f"allowedRange needs a numeric valueType, not {vt}")
            rng = (lo, hi)
        if id_short is not None and not valid_id_short(id_short):
            raise self.fail(f"{path}.idShort", f"invalid idShort {id_short!r}")
        unit = d.get("unit")
        if unit is not None and unit not in unit_codes() and unit not in unit_exceptions():
            raise self.fail(f"{path}.unit", f"unit {unit!r} has no UNECE Rec. 20 code in models/{UNITS} "
                                            "and is no listed exception")
        children = self.elements(d.get("elements", []), f"{path}.elements", overrides, rel, role, cls, ident, tags)
        item = None
        if "item" in d:
            item = self.element(d["item"], f"{path}.item", overrides, rel, role, cls, ident, tags)
            if not item.cardinality.many:
                raise self.fail(f"{path}.item.cardinality", "a list item's cardinality is ZeroToMany or OneToMany")
        spec = ElementSpec(
            id_short=id_short, model_type=d["modelType"], semantic_id=self.iri(d["semanticId"]),
            cardinality=card, name=dict(d["name"]), definition=dict(d["definition"]), source=d["source"],
            value_type=vt, unit=unit, unit_code=unit_codes().get(unit) if unit is not None else None,
            supplemental_semantic_ids=tuple(self.iri(_sid(s)) for s in d.get("supplementalSemanticIds", [])),
            browse_names=tuple((s["id"], s["browseName"]) for s in d.get("supplementalSemanticIds", [])
                               if isinstance(s, Mapping)),
            order_relevant=d.get("orderRelevant"),
            role=d.get("role"), allowed_values=allowed, allowed_range=rng, example=example,
            content_type=d.get("contentType"), entity_type=d.get("entityType"), children=children, item=item,
            disclosure=_disclosure_class(cls, own_role, role, children, item), identifier=ident,
            variants=tags, variant_examples=tuple(by_variant.items()),
        )
        if example is not None:
            problem = example_problem(spec, example)
            if problem:
                raise self.fail(f"{path}.example", problem)
        for key, value in by_variant.items():
            where = f"{path}.variantExamples[{key!r}]"
            if key not in self.variant_keys:
                raise self.fail(where, f"unknown variant {key!r} (declared: {', '.join(self.variant_keys) or 'none'})")
            if not spec.in_variant(key):
                raise self.fail(where, f"the element belongs to variant {', '.join(tags)} only, not {key!r}")
            problem = example_problem(spec, value) if value is not None else None
            if problem:
                raise self.fail(where, problem)
        return spec

    def lexical(self, value: Any, vt: str, path: str) -> str:
        try:
            return xstypes.lexical(value, vt)
        except ValueError as exc:
            raise self.fail(path, str(exc)) from None

    def _unique(self, names: list[str | None], path: str, what: str) -> None:
        seen: set[str] = set()
        for n in names:
            if n is None:
                continue
            if n.lower() in seen:  # idShorts compare case-insensitively (AASd-022)
                raise self.fail(path, f"duplicate {what} {n!r}")
            seen.add(n.lower())

    def _check_concepts(self, spec: ModelSpec) -> None:
        """An own concept used twice must be the same concept (same model type, value type, unit)."""
        seen: dict[str, tuple[str, ElementSpec]] = {}
        for path, e in _walk_all(spec):
            if not namespace.is_own(e.semantic_id, self.base):
                continue
            prior = seen.setdefault(e.semantic_id, (path, e))
            p, first = prior
            if first is not e and (first.model_type, first.value_type, first.unit) != (e.model_type, e.value_type, e.unit):
                raise self.fail("$", f"own concept {e.semantic_id} is used by {p} and {path} with different types")


def _disclosure_class(explicit: str | None, own_role: str | None, role: str | None,
                      children: tuple[ElementSpec, ...], item: ElementSpec | None) -> str:
    """Explicit (own or inherited) class; a container without one takes its least restrictive child's class
    (it is disclosed as far as anything in it is); a leaf the class of its role."""
    if explicit is not None:
        return explicit
    kids = [*children, *([item] if item is not None else [])]
    if kids:
        return min((k.disclosure for k in kids), key=DISCLOSURE_LEVELS.index)
    return ROLE_CLASSES.get(own_role if own_role not in (None, "structure") else (role or ""), "partner")


def _sid(s: str | Mapping[str, str]) -> str:
    """A supplemental semantic ID as written: a string, or ``{"id": .., "browseName": ..}`` for an OPC UA node."""
    return s if isinstance(s, str) else s["id"]


def _walk_all(spec: ModelSpec) -> Iterator[tuple[str, ElementSpec]]:
    yield from spec.walk()
    for e in spec.technical_properties:
        yield from e.walk("technicalProperties")


def example_problem(spec: ElementSpec, value: Any) -> str | None:
    """Why ``value`` is no acceptable value of ``spec`` (None if it is). Shared by examples and instance values."""
    mt = spec.model_type
    if mt == "Property":
        assert spec.value_type is not None
        try:
            v = xstypes.coerce(value, spec.value_type)
        except ValueError as exc:
            return str(exc)
        if spec.allowed_values is not None:  # the lexical form only where it is compared
            lex = xstypes.lexical(v, spec.value_type)
            if lex not in spec.allowed_values:
                return f"{lex!r} is not one of the allowed values {', '.join(spec.allowed_values)}"
        return _range_problem(spec, v)
    if mt == "Range":
        if not (isinstance(value, Mapping) and set(value) <= {"min", "max"} and value) and not (
            isinstance(value, (list, tuple)) and len(value) == 2
        ):
            return "a Range value is {\"min\": .., \"max\": ..} or [min, max]"
        lo, hi = (value.get("min"), value.get("max")) if isinstance(value, Mapping) else value
        assert spec.value_type is not None
        parsed: list[Any] = []
        for part in (lo, hi):
            if part is None:
                parsed.append(None)
                continue
            try:
                parsed.append(xstypes.coerce(part, spec.value_type))
            except ValueError as exc:
                return str(exc)
            problem = _range_problem(spec, parsed[-1])
            if problem:
                return problem
        a, b = (xstypes.as_number(x) if x is not None else None for x in parsed)
        if a is not None and b is not None and a > b:
            return f"Range min {lo} is greater than max {hi}"
        return None
    if mt == "MultiLanguageProperty":
        if isinstance(value, str):
            return xstypes.text_problem(value, xstypes.MAX_TEXT) if value else "empty text"
        if not isinstance(value, Mapping) or not value:
            return "a MultiLanguageProperty value is {\"en\": .., \"ko\": ..} or a string (English)"
        from aas_core3_1.verification import matches_bcp_47

        for lang, text in value.items():
            if not isinstance(lang, str) or not matches_bcp_47(lang) or not _LANG.match(lang):
                return f"{xstypes.short(lang)} is not a BCP 47 language tag (e.g. en, ko, ko-KR)"
            if not isinstance(text, str) or not text:
                return f"text for {lang!r} is empty or not a string"
            problem = xstypes.text_problem(text, xstypes.MAX_TEXT, f"text for {lang!r}")
            if problem:
                return problem
        return None
    if mt in ("File", "ReferenceElement", "Blob"):
        if not (isinstance(value, str) and value.strip()):
            return f"a {mt} value is a non-empty string"
        if mt == "File":
            return path_problem(value)
        if mt == "ReferenceElement":
            if value.startswith("submodel:") and not value[len("submodel:"):].strip():
                return "a reference submodel:ID needs the id of a submodel"
            return xstypes.text_problem(value, xstypes.MAX_IDENTIFIER, "reference")
        return None
    return f"a {mt} takes no value of its own"


_LANG = re.compile(r"^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$")


def path_problem(path: str) -> str | None:
    """Why ``path`` is no File value (PathType: at most 2,048 characters, a URI reference per RFC 2396; a package
    path starting with ``/`` has no ``.``/``..`` segments, backslashes or empty segments)."""
    problem = xstypes.text_problem(path, xstypes.MAX_IDENTIFIER, "path")
    if problem:
        return problem
    from aas_core3_1.verification import matches_rfc_2396

    if not matches_rfc_2396(path):
        return f"path {xstypes.short(path)} is not a URI reference (RFC 2396): spaces and some characters need %-encoding"
    if path.startswith("/"):
        segments = path.split("?")[0].split("#")[0].split("/")[1:]
        if "\\" in path or any(seg in ("", ".", "..") for seg in segments):
            return (f"package path {xstypes.short(path)} is not a valid part name: no empty, '.' or '..' segments "
                    "and no backslashes")
    return None


def content_type_problem(content_type: str) -> str | None:
    """Why ``content_type`` is no ContentType (a MIME type per RFC 2046, 1..128 characters)."""
    from aas_core3_1.verification import matches_mime_type

    if not content_type:
        return "empty contentType: give a MIME type such as application/pdf"
    problem = xstypes.text_problem(content_type, xstypes.MAX_NAME, "contentType")
    if problem:
        return problem
    if not matches_mime_type(content_type):
        return f"contentType {xstypes.short(content_type)} is not a MIME type (RFC 2046), e.g. application/pdf"
    return None


def _range_problem(spec: ElementSpec, v: Any) -> str | None:
    if spec.allowed_range is None:
        return None
    n = xstypes.as_number(v)
    lo, hi = spec.allowed_range
    if n is None:
        return None
    if (lo is not None and n < lo) or (hi is not None and n > hi):
        return f"{n:g} is outside the allowed range [{'' if lo is None else f'{lo:g}'}, {'' if hi is None else f'{hi:g}'}]"
    return None
