"""Reading input safely: size and depth limits, encoding, format and metamodel-version detection.

Nothing here raises on bad input: problems come back as :class:`Problem` tuples that the pipeline turns
into SER findings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

V30, V31 = "3.0", "3.1"
XML_NAMESPACES = {"https://admin-shell.io/aas/3/0": V30, "https://admin-shell.io/aas/3/1": V31}
ENV_KEYS = ("assetAdministrationShells", "submodels", "conceptDescriptions")


@dataclass(frozen=True)
class Limits:
    """Safety limits; every one is configurable (``validate(..., limits=Limits(max_depth=…))``)."""

    max_file_bytes: int = 512 * 1024 * 1024          # a JSON/XML file, or a part read from an AASX
    max_depth: int = 200                             # JSON / XML nesting
    max_zip_entries: int = 10_000
    max_zip_total_bytes: int = 2 * 1024 * 1024 * 1024  # sum of uncompressed sizes
    max_zip_ratio: float = 200.0                     # uncompressed / compressed, per entry (entries > 1 MiB)


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    line: int | None = None
    column: int | None = None
    pointer: str | None = None


def sniff_format(data: bytes) -> str | None:
    """``aasx``, ``json``, ``xml`` or None, from the content (never from the file name)."""
    if data[:2] == b"PK":
        return "aasx"
    head = data[:4096]
    for bom in (b"\xef\xbb\xbf",):
        if head.startswith(bom):
            head = head[len(bom):]
    head = head.lstrip()
    if head[:1] in (b"{", b"["):
        return "json"
    if head[:1] == b"<":
        return "xml"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "json" if b"{\x00" in head[:8] or b"\x00{" in head[:8] else "xml"
    return None


def decode_utf8(data: bytes) -> tuple[str | None, Problem | None]:
    from ..jsontext import JsonTextError, decode_json_text  # the one rule for JSON text (BOM, CP949 hint)

    try:
        return decode_json_text(data), None
    except JsonTextError as exc:
        line = data.count(b"\n", 0, exc.offset) + 1
        col = exc.offset - (data.rfind(b"\n", 0, exc.offset) + 1) + 1
        return None, Problem("SER002", exc.message, line, col)


def _parse_int(text: str) -> int | float:
    """JSON integers; literals too long for ``int()`` (Python's 4,300-digit guard) become a float (``inf``).

    AAS JSON carries no numbers at all (values are strings), so such a literal is reported by the schema
    layer as a wrong type, never as a crash.
    """
    return int(text) if len(text) < 4000 else float(text)


def load_json(text: str, limits: Limits) -> tuple[Any, Problem | None]:
    doc, _depth_found, problem = load_json_depth(text, limits)
    return doc, problem


def load_json_depth(text: str, limits: Limits) -> tuple[Any, int, Problem | None]:
    """(document, nesting depth, problem)."""
    doc, depth, _marked, problem = load_json_scan(text, limits, marks=False)
    return doc, depth, problem


def load_json_scan(text: str, limits: Limits, marks: bool = True) -> tuple[Any, int, bool, Problem | None]:
    """(document, nesting depth, whether it carries 3.1 evidence (``marks``; else False), problem)."""
    try:
        doc = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        return None, 0, False, Problem("SER001", f"not well-formed JSON: {exc.msg}", exc.lineno, exc.colno)
    except RecursionError:
        return None, 0, False, Problem("SER007", "JSON nesting deeper than the parser allows "
                                                 f"(limit {limits.max_depth})")
    depth, marked = json_depth_marked(doc, limits.max_depth) if marks else (json_depth(doc, limits.max_depth), False)
    if depth > limits.max_depth:
        return None, depth, False, Problem("SER007", f"JSON nesting depth exceeds the limit of {limits.max_depth}")
    return doc, depth, marked, None


def _depth(root: Any, children: Callable[[Any], Iterable[Any]], stop_after: int) -> int:
    """Maximum nesting depth (iterative; stops counting once ``stop_after`` is exceeded)."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > stop_after:
                return deepest
        stack.extend((c, depth + 1) for c in children(node))
    return deepest


def _json_children(node: Any) -> Iterable[Any]:
    values = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    return (v for v in values if isinstance(v, (dict, list)))


def json_depth(doc: Any, stop_after: int) -> int:
    """Same result as ``_depth(doc, _json_children, stop_after)``, level by level (list comprehensions: ~2× faster)."""
    level = [doc] if isinstance(doc, (dict, list)) else []
    depth = 0
    while level:
        depth += 1
        if depth > stop_after:
            return depth
        level = [v for node in level for v in (node.values() if isinstance(node, dict) else node)
                 if isinstance(v, (dict, list))]
    return max(depth, 1)


def json_depth_marked(doc: Any, stop_after: int) -> tuple[int, bool]:
    """(``json_depth(doc, stop_after)``, whether :func:`json_version_evidence` finds 3.1 evidence) in one walk.

    The nesting walk visits every object anyway; testing each for the marks of 3.1 on the way saves the
    second full walk of version detection on files without evidence (the usual case). The mark test is
    :func:`_marks_31` over a level, the same predicate as :func:`json_version_evidence` applies per object.
    """
    level = [doc] if isinstance(doc, (dict, list)) else []
    depth = 0
    marked = False
    while level:
        depth += 1
        if depth > stop_after:
            return depth, marked
        if not marked:
            marked = _marks_31([node for node in level if isinstance(node, dict)])
        level = [v for node in level for v in (node.values() if isinstance(node, dict) else node)
                 if isinstance(v, (dict, list))]
    return max(depth, 1), marked


def _marks_31(nodes: list[dict[str, Any]]) -> bool:
    """Whether any of ``nodes`` carries content that only 3.1 allows (the tests of :func:`json_version_evidence`)."""
    for node in nodes:
        id_short = node.get("idShort")
        if isinstance(id_short, str) and "-" in id_short:
            return True
        mt = node.get("modelType")
        if isinstance(mt, str) and mt in _MARK_TYPES:
            if mt in ("File", "Blob"):
                if "contentType" not in node:
                    return True
            elif mt == "Entity":
                if "entityType" not in node:
                    return True
            elif not ("first" in node and "second" in node):
                return True
        if "assetKind" in node and node["assetKind"] == "Role":
            return True
        ident = node.get("id")
        if isinstance(ident, str) and len(ident) > 2000:
            return True
    return False


def check_environment(doc: Any) -> Problem | None:
    if not isinstance(doc, dict):
        kind = "an array" if isinstance(doc, list) else type(doc).__name__
        return Problem("SER003", f"found {kind} at the top level, expected an AAS environment object", pointer="")
    if doc and not any(k in doc for k in ENV_KEYS):
        keys = ", ".join(sorted(doc)[:5])
        return Problem("SER003", f"found top-level keys {keys}, expected assetAdministrationShells, submodels "
                                 "or conceptDescriptions", pointer="")
    return None


# ------------------------------------------------------------------------------------------ version detection

def detect_json_version(doc: Any) -> tuple[str, str]:
    """Metamodel version of a JSON environment from its content: (version, reason); 3.1 without evidence."""
    version, reason = json_version_evidence(doc)
    return (version, reason) if version else (V31, reason)


def json_version_evidence(doc: Any) -> tuple[str | None, str]:
    """(version or None, reason naming the evidence) of a JSON environment.

    Only content that one version allows and the other does not counts as evidence. Of 3.1: assetKind Role,
    idShorts with a hyphen, File/Blob without contentType, Entity without entityType, relationships without
    first/second, ids over 2000 characters. The IEC 61360 data specification template IRI is *no* evidence:
    V3.1 files published by the IDTA carry ``…/DataSpecificationIec61360/3/0`` as often as V3.0 files do, and
    aasref writes ``…/3`` in both. One-character idShorts are no evidence of 3.0 either: they are a frequent
    error in 3.1 files. Without evidence the caller reads the file as 3.1 (and checks it under 3.0 as well only
    when it has metamodel errors as 3.1).
    """
    m31: list[str] = []
    stack = [doc]
    while stack and not m31:
        node = stack.pop()
        if isinstance(node, dict):
            id_short = node.get("idShort")
            if isinstance(id_short, str) and "-" in id_short:
                m31.append(f"idShort {id_short!r} with a hyphen")
            mt = node.get("modelType")
            if isinstance(mt, str) and mt in _MARK_TYPES:
                if mt in ("File", "Blob"):
                    if "contentType" not in node:
                        m31.append(f"{mt} without contentType")
                elif mt == "Entity":
                    if "entityType" not in node:
                        m31.append("Entity without entityType")
                elif not ("first" in node and "second" in node):
                    m31.append(f"{mt} without first/second")
            if "assetKind" in node and node["assetKind"] == "Role":
                m31.append("assetKind Role")
            if "id" in node:
                ident = node["id"]
                if isinstance(ident, str) and len(ident) > 2000:
                    m31.append("identifier longer than 2000 characters")
            stack += [v for v in node.values() if isinstance(v, (dict, list))]
        elif isinstance(node, list):
            stack += [v for v in node if isinstance(v, (dict, list))]
    if m31:
        return V31, f"3.1 detected from content ({m31[0]}, allowed in 3.1 only)"
    return None, NO_EVIDENCE


NO_EVIDENCE = "no version evidence in the content (JSON carries no version)"


_MARK_TYPES = frozenset({"File", "Blob", "Entity", "RelationshipElement", "AnnotatedRelationshipElement"})
_PROLOG_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def xml_has_dtd(data: bytes) -> bool:
    """A DOCTYPE (or ENTITY) declaration before the root element."""
    root = _ROOT_START.search(data)
    prolog = data[: root.start()] if root else data[:65536]
    return _PROLOG_DTD.search(prolog) is not None


def safe_xml_parser(**extra: Any) -> Any:
    from lxml import etree
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           dtd_validation=False, remove_blank_text=False, **extra)


def parse_xml(data: bytes, limits: Limits) -> tuple[Any, Problem | None]:
    tree, _depth_found, problem = parse_xml_depth(data, limits)
    return tree, problem


def parse_xml_depth(data: bytes, limits: Limits) -> tuple[Any, int, Problem | None]:
    """(tree, nesting depth, problem)."""
    tree, problem = _parse_xml(data, limits)
    if problem is not None:
        return None, 0, problem
    depth = _xml_depth(tree.getroot(), limits.max_depth)
    if depth > limits.max_depth:
        return None, depth, Problem("SER007", f"XML nesting depth exceeds the limit of {limits.max_depth}")
    return tree, depth, None


def _parse_xml(data: bytes, limits: Limits) -> tuple[Any, Problem | None]:
    from lxml import etree
    if xml_has_dtd(data):
        return None, Problem("SER006", "found a DOCTYPE or ENTITY declaration, expected none "
                                       "(DTDs and entities are refused)", 1, 1)
    try:
        tree = etree.fromstring(data, safe_xml_parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        msg = str(exc.msg if hasattr(exc, "msg") else exc)
        line, col = (exc.position if getattr(exc, "position", None) else (None, None))
        code = "SER002" if ("encoding" in msg.lower() or "utf-8" in msg.lower() or "utf8" in msg.lower()) else "SER001"
        msg = re.sub(r",? line \d+, column \d+", "", msg).rstrip(". ")
        return None, Problem(code, f"not well-formed XML: {msg}", line, col)
    except ValueError as exc:  # e.g. unicode strings with encoding declaration
        return None, Problem("SER001", f"not well-formed XML: {exc}")
    if tree.docinfo.doctype:
        return None, Problem("SER006", "found a DOCTYPE declaration, expected none", 1, 1)
    return tree, None


def _xml_depth(root: Any, stop_after: int) -> int:
    """Same result as ``_depth(root, iter, stop_after)`` (comments and processing instructions count as a level).

    Elements are walked by lxml's ``iterwalk`` (C, no generator per node: ~3× faster than ``_depth``); the
    few comments and processing instructions, which ``iterwalk`` leaves out, are measured by their ancestors.
    """
    from lxml import etree

    level = deepest = 0
    for event, _el in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            level += 1
            if level > deepest:
                deepest = level
                if deepest > stop_after:
                    return deepest
        else:
            level -= 1
    for other in root.iter(etree.Comment, etree.ProcessingInstruction):
        level = 1 + sum(1 for _ in other.iterancestors())
        if other is not root and level > deepest:
            deepest = min(level, stop_after + 1)
            if deepest > stop_after:
                return deepest
    return deepest


def xml_version(tree: Any) -> tuple[str | None, Problem | None]:
    from lxml import etree
    root = tree.getroot()
    qname = etree.QName(root)
    version = XML_NAMESPACES.get(qname.namespace or "")
    if version is None or qname.localname != "environment":
        return None, Problem("SER003", f"found root element {root.tag}, expected environment in namespace "
                                       "https://admin-shell.io/aas/3/0 or https://admin-shell.io/aas/3/1", 1, 1)
    return version, None
