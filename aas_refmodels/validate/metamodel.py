"""Metamodel layer: aas-core verification (every error) plus what it misses.

Own checks (on the jsonable environment, so the same for JSON, XML and AASX input):
  MM010 duplicate Identifiable ids across the environment
  MM011/MM012/MM013 ModelReferences that resolve to nothing / to absent Identifiables / absent ConceptDescriptions
  AASd-129 TemplateQualifiers at any depth of a non-template submodel (aas-core checks direct children only)
  MM014 template qualifiers (``SMT/…``) on instances with another qualifier kind
  REF001 Range min > max

Decision on aas-core3.1 1.0.0 and ``xs:anyURI``: it checks RFC 3986 URIs and so rejects IRI references
(non-ASCII characters, ``scheme:`` with an empty path) that XSD 1.1 anyURI, the official schema and the
official examples admit (36 official V3.1.2 examples). Such a finding is dropped only when aas-core3.0's
RFC 3987 matcher accepts the value; everything else (``http://x#a#b``, ``%zz``, spaces) stays an error.
``tests/validate/test_validate_official_examples.py`` and ``test_validate_any_uri.py`` pin both sides.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any

from ..findings import Finding, SourceLocation
from . import _paths
from ._make import finding
from ._values import finite_decimal

_VALUE_ATTR = re.compile(r"^(Value|Min|Max) must be consistent")
_CONSTRAINT = re.compile(r"^Constraint (AAS[a-z]-[0-9a-z-]+):\s*")


def classify(cause: str) -> str:
    m = _CONSTRAINT.match(cause)
    if m:
        return m.group(1)
    if "AASd-117" in cause:
        return "AASd-117"
    if cause.startswith("ID-short of Referables shall only feature"):
        return "AASd-002"
    if "ID-shorts of the value must be unique" in cause or ("ID-shorts" in cause and "unique" in cause):
        return "AASd-022"
    if "consistent with the value type" in cause or "must match the value type" in cause:
        return "MM001"
    if "language tag" in cause:
        return "MM003"
    if "unique languages" in cause:
        return "MM004"
    if any(s in cause for s in ("maximum length", "must not be empty", "pattern", "MIME", "xs:dateTime",
                                "xs:duration", "URI", "characters")):
        return "MM002"
    return "MM015"


def _message(cause: str, value: Any) -> str:
    text = _CONSTRAINT.sub("", re.sub(r"\s+", " ", cause)).strip().rstrip(".")
    text = re.sub(r"\s*according to (?:Constraint )?AAS[a-z]-[0-9a-z-]+", "", text)
    text = re.sub(r":(?:attr|class):`(?:~?[\w.]*\.)?([^`]+)`", r"\1", text).replace("``", "")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        shown = value if not isinstance(value, str) or len(value) <= 60 else value[:59] + "…"
        text += f" (found {shown!r})" if isinstance(shown, str) else f" (found {shown})"
    return text


def verify(env: Any, version: str, doc: Any, file: str | None, *, pointers: bool = True,
           remap: Any = None) -> list[Finding]:
    """aas-core verification of ``env``; paths resolved against the jsonable ``doc``.

    ``remap`` maps paths of ``env`` to paths of ``doc`` when ``env`` was built from a pruned copy.
    """
    verification = importlib.import_module(("aas_core3" if version == "3.0" else "aas_core3_1") + ".verification")
    out = []
    for error in verification.verify(env):
        parts = _paths.aas_core_parts(error.path)
        if remap is not None:
            parts = remap(parts)
        code = classify(error.cause)
        if code not in _KNOWN:
            code = "MM015"
        value = _paths.get(doc, parts)
        if code in ("MM001", "AASd-020") and version == "3.1" and _value_type_of(doc, parts) == "xs:anyURI" \
                and _any_uri_false_positive(_paths.get(doc, parts), error.cause):
            continue  # see module docstring
        if code == "AASd-129":
            continue  # aas-core checks direct children only; own_checks reports every one, located
        message = _message(error.cause, value)
        attr = _VALUE_ATTR.match(error.cause)
        if code in ("MM001", "AASd-020") and isinstance(value, dict):
            name = attr.group(1).lower() if attr else "value"
            if isinstance(value.get(name), str):
                parts = [*parts, name]
                message = f"found {value[name]!r}, expected a {value.get('valueType')} {name}"
        out.append(finding(code, _paths.model_path(doc, parts), message, version,
                           location=SourceLocation(file, pointer=_paths.join_pointer(parts) if pointers else None)))
    return out


def _any_uri_false_positive(node: Any, cause: str) -> bool:
    """aas-core3.1 1.0.0 checks xs:anyURI against RFC 3986 (URIs, ASCII only); XSD 1.1 anyURI and the
    official examples admit IRI references (RFC 3987). Its rejection is false when aas-core3.0's RFC 3987
    matcher accepts the value."""
    from aas_core3.verification import matches_xs_any_uri

    attr = _VALUE_ATTR.match(cause)
    name = attr.group(1).lower() if attr else "value"
    value = node.get(name) if isinstance(node, dict) else node
    return isinstance(value, str) and matches_xs_any_uri(value)


def _value_type_of(doc: Any, parts: list[Any]) -> Any:
    for cut in (parts, parts[:-1]):
        node = _paths.get(doc, cut)
        if isinstance(node, dict) and "valueType" in node:
            return node["valueType"]
    return None


def _known() -> frozenset[str]:
    from .. import rules
    return frozenset(rules.RULES)


_KNOWN = _known()

# ------------------------------------------------------------------------------------------------ own checks

_IDENTIFIABLE_KEYS = {"AssetAdministrationShell", "Submodel", "ConceptDescription", "Identifiable"}
_ROOT_LISTS = (("assetAdministrationShells", "AssetAdministrationShell"), ("submodels", "Submodel"),
               ("conceptDescriptions", "ConceptDescription"))
_CHILD_ATTRS = {"SubmodelElementCollection": "value", "SubmodelElementList": "value", "Entity": "statements",
                "AnnotatedRelationshipElement": "annotations"}
_NUMERIC = {"xs:decimal", "xs:integer", "xs:double", "xs:float", "xs:long", "xs:int", "xs:short", "xs:byte",
            "xs:nonNegativeInteger", "xs:positiveInteger", "xs:nonPositiveInteger", "xs:negativeInteger",
            "xs:unsignedLong", "xs:unsignedInt", "xs:unsignedShort", "xs:unsignedByte"}


def iter_elements(sm: dict[str, Any], base: list[Any]) -> Iterator[tuple[dict[str, Any], list[Any], str | None]]:
    """(element, pointer parts, parent modelType) for every SubmodelElement of a submodel, depth-first."""
    stack: list[tuple[Any, list[Any], Any]] = []
    elems = sm.get("submodelElements")
    if isinstance(elems, list):
        stack.extend((e, [*base, "submodelElements", i], "Submodel") for i, e in reversed(list(enumerate(elems))))
    while stack:
        el, parts, parent_type = stack.pop()
        if not isinstance(el, dict):
            continue
        yield el, parts, parent_type
        mt = el.get("modelType")
        attr = _CHILD_ATTRS.get(mt) if isinstance(mt, str) else None
        children = el.get(attr) if attr else None
        if isinstance(children, list):
            stack.extend((c, [*parts, attr, i], mt) for i, c in reversed(list(enumerate(children))))
        if mt == "Operation":
            for var in ("inputVariables", "outputVariables", "inoutputVariables"):
                vs = el.get(var)
                if isinstance(vs, list):
                    for i, v in enumerate(vs):
                        if isinstance(v, dict):
                            stack.append((v.get("value"), [*parts, var, i, "value"], "Operation"))


def iter_references(node: Any, parts: list[Any]) -> Iterator[tuple[dict[str, Any], list[Any]]]:
    """Every Reference object (dict with ``type`` and ``keys``) below ``node``.

    Depth-first; a node's pointer is kept as a link to its parent's (``(link, key)``) and made a list only
    for the references yielded (one list per visited container made this walk cost as much as aas-core's).
    """
    stack: list[tuple[Any, Any]] = [(node, None)]  # (node, link: None or (parent link, key))
    while stack:
        cur, link = stack.pop()
        if isinstance(cur, dict):
            if isinstance(cur.get("keys"), list) and cur.get("type") in ("ModelReference", "ExternalReference"):
                yield cur, _unlink(parts, link)
            stack += [(v, (link, k)) for k, v in cur.items() if isinstance(v, (dict, list))]
        elif isinstance(cur, list):
            stack += [(v, (link, i)) for i, v in enumerate(cur) if isinstance(v, (dict, list))]


def _unlink(base: list[Any], link: Any) -> list[Any]:
    """Pointer parts of a ``(parent link, key)`` chain below ``base``."""
    tail: list[Any] = []
    while link is not None:
        link, key = link
        tail.append(key)
    tail.reverse()
    return [*base, *tail]


def _str(value: Any) -> str | None:
    """``value`` if it is a string (a wrong JSON type is reported by the schema and deserialize layers)."""
    return value if isinstance(value, str) else None


def own_checks(doc: Any, version: str, file: str | None, *, pointers: bool = True) -> list[Finding]:
    if not isinstance(doc, dict):
        return []
    out: list[Finding] = []

    def add(code: str, parts: list[Any], message: str) -> None:
        out.append(finding(code, _paths.model_path(doc, parts), message, version,
                           location=SourceLocation(file, pointer=_paths.join_pointer(parts) if pointers else None)))

    # MM010 duplicate ids
    by_id: dict[str, tuple[str, list[Any]]] = {}
    identifiables: dict[str, Any] = {}
    for key, kind in _ROOT_LISTS:
        items = doc.get(key)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in by_id:
                first_kind, first_parts = by_id[ident]
                add("MM010", [key, i, "id"], f"found id {ident!r} again, first used by the {first_kind} at "
                                             f"{_paths.join_pointer(first_parts)}, expected unique ids")
            else:
                by_id[ident] = (kind, [key, i])
                identifiables[ident] = item

    submodels: list[Any] = doc["submodels"] if isinstance(doc.get("submodels"), list) else []
    for si, sm in enumerate(submodels):
        if not isinstance(sm, dict):
            continue
        is_template = sm.get("kind") == "Template"
        for el, parts, _parent in iter_elements(sm, ["submodels", si]):
            # MM014 SMT qualifiers on instances
            quals = el.get("qualifiers")
            if not is_template and isinstance(quals, list):
                for qi, q in enumerate(quals):
                    qtype = q.get("type") if isinstance(q, dict) else None
                    if isinstance(q, dict) and q.get("kind") == "TemplateQualifier":
                        add("AASd-129", [*parts, "qualifiers", qi, "kind"],
                            f"found a TemplateQualifier {qtype!r} in a submodel of kind {sm.get('kind', 'Instance')}, "
                            "expected TemplateQualifiers only in submodels of kind Template")
                        continue
                    if isinstance(qtype, str) and qtype.startswith("SMT/") and q.get("kind") != "TemplateQualifier":
                        add("MM014", [*parts, "qualifiers", qi, "type"],
                            f"found template qualifier {qtype!r} in a submodel of kind "
                            f"{sm.get('kind', 'Instance')}, expected it only in templates")
            # REF001 Range min <= max
            if el.get("modelType") == "Range" and _str(el.get("valueType")) in _NUMERIC:
                lo, hi = finite_decimal(el.get("min")), finite_decimal(el.get("max"))
                if lo is not None and hi is not None and lo > hi:
                    add("REF001", [*parts, "min"], f"found min {el.get('min')} greater than max {el.get('max')}")

    # MM011 / MM012 / MM013 model references
    for ref, parts in iter_references(doc, []):
        if ref.get("type") != "ModelReference":
            continue
        keys = ref["keys"]
        if not keys or not all(isinstance(k, dict) for k in keys):
            continue
        first = keys[0]
        ktype, kval = _str(first.get("type")), first.get("value")
        if ktype not in _IDENTIFIABLE_KEYS or not isinstance(kval, str):
            continue
        target = identifiables.get(kval)
        if target is None:
            if ktype == "ConceptDescription":
                add("MM013", parts, f"found a reference to ConceptDescription {kval!r}, which is not in the environment")
            else:
                add("MM012", parts, f"found a reference to {ktype} {kval!r}, which is not in the environment")
            continue
        if target.get("modelType") == "ConceptDescription" and ktype != "ConceptDescription" and len(keys) == 1:
            add("MM011", [*parts, "keys", 0], f"found a {ktype} key for {kval!r}, which is a ConceptDescription "
                                               "of this file: the reference means that ConceptDescription "
                                               "(key type ConceptDescription, or an ExternalReference with a "
                                               "GlobalReference key as semanticIds usually are)")
            continue
        if target.get("modelType") and ktype not in ("Identifiable",) and target.get("modelType") != ktype:
            add("MM011", [*parts, "keys", 0], f"found {ktype} {kval!r} in the first key, but that id is a "
                                               f"{target.get('modelType')}")
            continue
        problem = _resolve_keys(target, keys[1:])
        if problem:
            add("MM011", parts, problem)
    return out


def _resolve_keys(node: dict[str, Any], keys: list[Any]) -> str | None:
    cur: Any = node
    walked: list[str] = []
    for key in keys:
        ktype, kval = _str(key.get("type")), key.get("value")
        if ktype in ("FragmentReference", "GlobalReference"):
            return None
        if not isinstance(cur, dict):
            return None  # a malformed element (reported by the schema / deserialize layers)
        mt = _str(cur.get("modelType"))
        children: list[Any]
        if mt == "SubmodelElementList":
            children = cur["value"] if isinstance(cur.get("value"), list) else []
            if not (isinstance(kval, str) and kval.isascii() and kval.isdigit() and int(kval) < len(children)):
                return f"found index {kval!r} after {'.'.join(walked) or 'the list'}, which has {len(children)} items"
            cur = children[int(kval)]
        else:
            attr = "submodelElements" if mt == "Submodel" else _CHILD_ATTRS.get(mt) if mt else None
            found = cur.get(attr) if attr else None
            children = found if isinstance(found, list) else []
            if mt == "Operation":
                children = [v.get("value") for var in ("inputVariables", "outputVariables", "inoutputVariables")
                            for v in (cur[var] if isinstance(cur.get(var), list) else []) if isinstance(v, dict)]
            match = next((c for c in children if isinstance(c, dict) and c.get("idShort") == kval), None)
            if match is None:
                where = ".".join(walked) or "the top level"
                return f"found no element {kval!r} at {where} of {node.get('id')!r}"
            cur = match
        walked.append(str(kval))
        cur_type = _str(cur.get("modelType")) if isinstance(cur, dict) else None
        if ktype and cur_type and ktype not in (cur_type, "SubmodelElement", "DataElement", "EventElement",
                                                "Referable"):
            return f"found key type {ktype} for {'.'.join(walked)}, which is a {cur_type}"
    return None
