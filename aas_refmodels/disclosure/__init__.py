"""Decide the disclosure class of every element of an AAS file: plant policies, model classes, keyed pseudonyms."""

# Shared by aas_refmodels.redact (which removes, coarsens and pseudonymizes) and the "disclosure" submission
# profile of validate (which checks that a file is fit for a level). Imports spec only.
#
# Classes, least to most restrictive: public (may be published), partner (shared under contract), confidential
# (never leaves the plant). An element's class comes from, in this order: the plant policy by path, by
# semanticId, a policy class of an ancestor, the policy by role; the reference model (role default plus the
# model's overrides); the policy's defaultClass (confidential unless the policy says otherwise: what nobody
# classified does not leave the plant).

from __future__ import annotations

import decimal
import hashlib
import hmac
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..spec.model import DISCLOSURE_LEVELS, ElementSpec, ModelSpec, SubmodelSpec

__all__ = ["LEVELS", "PSEUDONYM_PREFIX", "Classified", "Policy", "PolicyFileError", "above", "classify",
           "coarsen", "is_pseudonym", "load_policy", "pseudonym", "pseudonym_iri"]

LEVELS = DISCLOSURE_LEVELS
OUTPUT_LEVELS = ("public", "partner")
PSEUDONYM_PREFIX = "PSN-"
PSEUDONYM_IRI = "urn:aasref:pseudonym:"
_PSEUDONYM = re.compile(r"PSN-[0-9a-f]{20}")
POLICY_SCHEMA = "disclosure-policy.schema.json"
VALUE_KEYS = ("value", "min", "max", "valueId")  # what a leaf holds (valueId: a coded value's concept)


class PolicyFileError(ValueError):
    """A policy file that cannot be used; the message names the file, line and JSON path."""


def above(cls: str, level: str) -> bool:
    """Whether class ``cls`` may NOT be disclosed at ``level``."""
    return LEVELS.index(cls) > LEVELS.index(level)


# ---------------------------------------------------------------- pseudonyms

def pseudonym(key: bytes, value: str) -> str:
    """Keyed pseudonym of an identifier: HMAC-SHA256(key, value), 80 bits in hex, ``PSN-`` prefixed."""
    return PSEUDONYM_PREFIX + hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:20]


def pseudonym_iri(key: bytes, value: str) -> str:
    """Pseudonym of a whole identifier IRI (asset id): ``urn:aasref:pseudonym:PSN-…``."""
    return PSEUDONYM_IRI + pseudonym(key, value)


def is_pseudonym(value: str) -> bool:
    """A value made by :func:`pseudonym` (alone, or as the tail of a pseudonym IRI)."""
    return bool(_PSEUDONYM.fullmatch(value.removeprefix(PSEUDONYM_IRI)))


def contains_pseudonym(value: str) -> bool:
    return bool(_PSEUDONYM.search(value))


def time_offset_seconds(key: bytes) -> int:
    """Keyed shift of all timestamps: 1 to 365 days back, whole seconds (same key, same shift)."""
    n = int.from_bytes(hmac.new(key, b"aasref:shift-time", hashlib.sha256).digest()[:8], "big")
    return -(86400 + n % (364 * 86400))


# ---------------------------------------------------------------- policy

@dataclass(frozen=True)
class Coarsen:
    digits: int | None = None      # round to N significant digits
    bucket: float | None = None    # round down to a multiple of the bucket width


@dataclass(frozen=True)
class Policy:
    """A plant's disclosure policy (the YAML policy file, checked by ``schemas/disclosure-policy.schema.json``)."""

    level: str = "public"
    by_path: Mapping[str, str] = field(default_factory=dict)
    by_semantic_id: Mapping[str, str] = field(default_factory=dict)
    by_role: Mapping[str, str] = field(default_factory=dict)
    identifier_paths: frozenset[str] = frozenset()
    identifier_semantic_ids: frozenset[str] = frozenset()
    coarsen_path: Mapping[str, Coarsen] = field(default_factory=dict)
    coarsen_semantic_id: Mapping[str, Coarsen] = field(default_factory=dict)
    default_class: str = "confidential"
    thumbnail: str = "public"
    free_text_semantic_ids: frozenset[str] = frozenset()
    reference_models: bool = True

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Policy:
        """A policy from a mapping already checked against the policy schema."""
        classes = data.get("classes", {}) or {}
        idents = data.get("identifiers", {}) or {}
        co_path: dict[str, Coarsen] = {}
        co_sid: dict[str, Coarsen] = {}
        for rule in data.get("coarsen", []) or []:
            c = Coarsen(rule.get("digits"), rule.get("bucket"))
            if "path" in rule:
                co_path[rule["path"]] = c
            else:
                co_sid[rule["semanticId"]] = c
        return cls(level=data.get("level", "public"), by_path=dict(classes.get("byPath", {})),
                   by_semantic_id=dict(classes.get("bySemanticId", {})), by_role=dict(classes.get("byRole", {})),
                   identifier_paths=frozenset(idents.get("byPath", ())),
                   identifier_semantic_ids=frozenset(idents.get("bySemanticId", ())),
                   coarsen_path=co_path, coarsen_semantic_id=co_sid,
                   default_class=data.get("defaultClass", "confidential"), thumbnail=data.get("thumbnail", "public"),
                   free_text_semantic_ids=frozenset(data.get("freeText", {}).get("bySemanticId", ())),
                   reference_models=bool(data.get("referenceModels", True)))


@lru_cache(maxsize=1)
def _policy_validator() -> Any:
    import jsonschema

    from ..resources import schemas_dir

    return jsonschema.Draft202012Validator(json.loads((schemas_dir() / POLICY_SCHEMA).read_text(encoding="utf-8")))


def check_policy(data: Any, label: str = "<policy>", text: str | None = None) -> None:
    """Raise :class:`PolicyFileError` naming the file, line (YAML/JSON source given) and JSON path of the first
    problem of a policy mapping."""
    errors = sorted(_policy_validator().iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)),))
    if not errors:
        return
    err = errors[0]
    while err.context:
        err = max(err.context, key=lambda e: len(list(e.absolute_path)))
    parts = list(err.absolute_path)
    line = _yaml_line(text, parts) if text is not None else None
    where = f"{label}:{line}" if line else label
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise PolicyFileError(f"{where}: {err.json_path}: {err.message}{more}")


def _yaml_line(text: str, parts: list[Any]) -> int | None:
    """1-based line of the node at ``parts`` in a YAML (or JSON) text, or of its deepest existing ancestor."""
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in parts:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == str(part)), None)
            if match is None:
                break
            key = next(k for k, v in node.value if v is match)
            node, line = match, key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def load_policy(path: str | Path | None = None, *, level: str | None = None) -> Policy:
    """A policy file (YAML or JSON), checked by our schema; ``level`` overrides the file's. No file: defaults."""
    data: dict[str, Any] = {}
    if path is not None:
        data = read_policy_mapping(path)
    if level is not None:
        data["level"] = level
    return Policy.from_mapping(data)


def read_policy_mapping(path: str | Path) -> dict[str, Any]:
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyFileError(f"cannot read policy file {p}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{p}:{mark.line + 1}" if mark is not None else str(p)
        raise PolicyFileError(f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if data is None:
        data = {}
    check_policy(data, str(p), text)
    return dict(data)


# ---------------------------------------------------------------- coarsening

def coarsen(lexical: str, value_type: str, rule: Coarsen) -> str | None:
    """The coarsened lexical form of a numeric value, same valueType; None if it is no number."""
    try:
        x = decimal.Decimal(lexical.strip())
    except decimal.InvalidOperation:
        return None
    if not x.is_finite():
        return None
    if rule.bucket is not None:
        b = decimal.Decimal(str(rule.bucket))
        x = (x / b).to_integral_value(rounding=decimal.ROUND_FLOOR) * b
    if rule.digits is not None and x != 0:
        exp = x.adjusted() - rule.digits + 1
        x = x.quantize(decimal.Decimal(1).scaleb(exp), rounding=decimal.ROUND_HALF_EVEN)
    if value_type in ("xs:double", "xs:float"):
        return repr(float(x))
    if value_type == "xs:decimal":
        text = format(x, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(int(x))  # the integer types


# ---------------------------------------------------------------- classification

@dataclass
class Classified:
    """One submodel element of a jsonable environment with its disclosure decision."""

    element: dict[str, Any]                  # the element itself (mutable: redact edits it in place)
    parent: list[Any]                        # the list that holds it (submodelElements / value / statements)
    pointer: str                             # JSON pointer into the environment
    path: str                                # Submodel[id=…].A.B[0].C (for reports)
    template_path: str                       # Submodel.A.B[].C (matches policy byPath and model classes)
    cls: str
    reason: str                              # why: "policy byPath …", "model injection-molding 1.0 (setpoint)"
    identifier: bool
    mandatory: bool                          # the template requires it (kept, emptied, when above the level)
    spec: ElementSpec | None
    coarsen: Coarsen | None = None
    children: list[Classified] = field(default_factory=list)

    @property
    def model_type(self) -> str:
        return str(self.element.get("modelType", ""))

    @property
    def semantic_id(self) -> str | None:
        return first_key(self.element.get("semanticId"))


def first_key(ref: Any) -> str | None:
    if isinstance(ref, Mapping):
        keys = ref.get("keys")
        if isinstance(keys, list) and keys and isinstance(keys[0], Mapping):
            v = keys[0].get("value")
            return v if isinstance(v, str) else None
    return None


@lru_cache(maxsize=4)
def _spec_index(base_iri: str | None) -> tuple[dict[str, tuple[ModelSpec, SubmodelSpec]], dict[str, list[Any]]]:
    """Our submodels by own id / templateId (unique) and by semanticId (possibly shared)."""
    from ..spec.loader import available_models, load_model

    own: dict[str, tuple[ModelSpec, SubmodelSpec]] = {}
    by_sem: dict[str, list[Any]] = {}
    for name, version in available_models():
        spec = load_model(name, version, base_iri=base_iri)
        for sm in spec.submodels:
            for key in {sm.id, sm.administration.template_id, *sm.supplemental_semantic_ids} - {None}:
                assert key is not None
                own.setdefault(key, (spec, sm))
            by_sem.setdefault(sm.semantic_id, []).append((spec, sm))
    return own, by_sem


def match_submodel(sm: Mapping[str, Any], base_iri: str | None = None) -> tuple[ModelSpec, SubmodelSpec] | None:
    own, by_sem = _spec_index(base_iri)
    adm = sm.get("administration")
    keys = [adm.get("templateId") if isinstance(adm, Mapping) else None]
    keys += [first_key(r) for r in sm.get("supplementalSemanticIds") or []]
    for k in keys:
        if isinstance(k, str) and k in own:
            return own[k]
    sem = first_key(sm.get("semanticId"))
    cands = by_sem.get(sem or "", [])
    return cands[0] if len(cands) == 1 else None


_REPEAT = re.compile(r"^(.*?)(\d+)$")


def _child_spec(specs: tuple[ElementSpec, ...], id_short: str | None) -> ElementSpec | None:
    if id_short is None:
        return None
    for s in specs:
        if s.id_short == id_short:
            return s
    for s in specs:
        if s.repeated and id_short.startswith(s.base_id_short) and id_short[len(s.base_id_short):].isdigit():
            return s
    return None


def _children(el: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    mt = el.get("modelType")
    if mt in ("SubmodelElementCollection", "SubmodelElementList"):
        v = el.get("value")
        return ("value", v) if isinstance(v, list) else None
    if mt == "Entity":
        v = el.get("statements")
        return ("statements", v) if isinstance(v, list) else None
    return None


def classify(doc: Mapping[str, Any], policy: Policy, *, base_iri: str | None = None) -> list[Classified]:
    """Every submodel element of the environment (depth first, parents before children) with its class."""
    out: list[Classified] = []
    for i, sm in enumerate(doc.get("submodels") or []):
        if not isinstance(sm, dict):
            continue
        match = match_submodel(sm, base_iri) if policy.reference_models else None
        spec_sm = match[1] if match else None
        label = f"model {match[0].model} {match[0].version}" if match else ""
        sm_name = sm.get("idShort") or (spec_sm.id_short if spec_sm else "Submodel")
        display = f"Submodel[id={sm.get('id')}]"
        role = spec_sm.role if spec_sm else None
        els = sm.get("submodelElements")
        if isinstance(els, list):
            out += _walk(els, f"/submodels/{i}/submodelElements", display, str(sm_name),
                         spec_sm.elements if spec_sm else None, policy, label, role, None, False, True)
    return out


def _walk(items: list[Any], pointer: str, display: str, tpath: str, specs: tuple[ElementSpec, ...] | None,
          policy: Policy, label: str, role: str | None, inherited: tuple[str, str] | None, ident: bool,
          in_collection: bool, list_item: ElementSpec | None = None) -> list[Classified]:
    out: list[Classified] = []
    for j, el in enumerate(items):
        if not isinstance(el, dict):
            continue
        id_short = el.get("idShort")
        if list_item is not None or not in_collection:
            spec, tp, dp = list_item, f"{tpath}[]", f"{display}[{j}]"
        else:
            spec = _child_spec(specs, id_short) if specs is not None else None
            tp = f"{tpath}.{spec.id_short if spec else id_short}"
            dp = f"{display}.{id_short}"
        c = _classify_one(el, items, f"{pointer}/{j}", dp, tp, spec, policy, label, role, inherited, ident)
        out.append(c)
        kids = _children(el)
        if kids is None:
            continue
        key, values = kids
        own_role = spec.role if spec is not None and spec.role not in (None, "structure") else role
        inh = (c.cls, c.reason) if c.reason.startswith("policy") else inherited
        sub = _walk(values, f"{pointer}/{j}/{key}", dp, tp,
                    spec.children if spec is not None else None, policy, label, own_role, inh, c.identifier,
                    el.get("modelType") != "SubmodelElementList",
                    spec.item if spec is not None and el.get("modelType") == "SubmodelElementList" else None)
        c.children = [s for s in sub if s.parent is values]
        out += sub
        if el.get("modelType") in ("SubmodelElementCollection", "SubmodelElementList", "Entity") and c.children \
                and not c.reason.startswith("policy") and spec is None:
            # an unknown container is disclosed as far as anything in it is
            c.cls = min((k.cls for k in c.children), key=LEVELS.index)
    return out


def _classify_one(el: dict[str, Any], parent: list[Any], pointer: str, path: str, tpath: str,
                  spec: ElementSpec | None, policy: Policy, label: str, role: str | None,
                  inherited: tuple[str, str] | None, ident: bool) -> Classified:
    sem = first_key(el.get("semanticId"))
    rel = tpath.split(".", 1)[1] if "." in tpath else tpath
    own_role = spec.role if spec is not None else None
    eff_role = own_role if own_role not in (None, "structure") else role
    cls: str
    if tpath in policy.by_path or rel in policy.by_path:
        cls, reason = policy.by_path.get(tpath) or policy.by_path[rel], f"policy byPath {tpath}"
    elif sem is not None and sem in policy.by_semantic_id:
        cls, reason = policy.by_semantic_id[sem], f"policy bySemanticId {sem}"
    elif inherited is not None and inherited[1].startswith("policy"):
        cls, reason = inherited[0], inherited[1] + " (ancestor)"
    elif spec is not None and eff_role is not None and eff_role in policy.by_role and not (spec.children or spec.item):
        cls, reason = policy.by_role[eff_role], f"policy byRole {eff_role}"
    elif spec is not None:
        cls, reason = spec.disclosure, f"{label} (role {eff_role or 'none'})"
    elif inherited is not None:
        cls, reason = inherited[0], inherited[1] + " (ancestor)"
    else:
        cls, reason = policy.default_class, "policy defaultClass (element not classified)"
    is_ident = ident or (spec is not None and spec.identifier) or tpath in policy.identifier_paths \
        or rel in policy.identifier_paths or (sem is not None and sem in policy.identifier_semantic_ids)
    co = policy.coarsen_path.get(tpath) or policy.coarsen_path.get(rel) or (
        policy.coarsen_semantic_id.get(sem) if sem is not None else None)
    mandatory = spec.cardinality.required if spec is not None else True
    return Classified(el, parent, pointer, path, tpath, cls, reason, is_ident, mandatory, spec, co)


def iter_identifier_values(items: list[Classified]) -> Iterator[tuple[Classified, str]]:
    """(element, value) of every identifying Property with a string value."""
    for c in items:
        v = c.element.get("value")
        if c.identifier and c.model_type == "Property" and isinstance(v, str) and v:
            yield c, v


def is_free_text(c: Classified, policy: Policy) -> bool:
    """Free text: a MultiLanguageProperty, or an element the policy names as free text."""
    return c.model_type == "MultiLanguageProperty" or (c.semantic_id in policy.free_text_semantic_ids)


def has_value(el: Mapping[str, Any]) -> bool:
    return any(el.get(k) not in (None, "", []) for k in VALUE_KEYS)
