"""Schema layer: the official JSON Schema (derived fast form, all errors) or XSD of the detected version."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from ..findings import Finding, ModelPath, SourceLocation
from . import _paths
from ._jsonschema import UnsupportedSchema, compile_schema, derive_schema, materialize
from ._make import finding

ENV_VAR = "AASREF_SCHEMA_DIR"
_KEYWORD_CODES = {"required": "SCH101", "type": "SCH102", "pattern": "SCH103", "minLength": "SCH104",
                  "maxLength": "SCH104", "minItems": "SCH104", "enum": "SCH105", "const": "SCH105",
                  "oneOf": "SCH106", "anyOf": "SCH106", "false": "SCH102"}
HINT = (f"no official schemas: run `aasref schemas install`, or pass --schema-dir DIR or set {ENV_VAR} "
        "(a folder with V3.0.9/ and V3.1.2/ holding aas.json and AAS.xsd)")


def resolve_schema_dir(schema_dir: str | os.PathLike[str] | None) -> Path | None:
    """``schema_dir``, else ``$AASREF_SCHEMA_DIR``, else the user data folder of ``aasref schemas install``."""
    from ..schemas import resolve_schema_dir as resolve

    return resolve(schema_dir)


def version_dir(schema_dir: Path, version: str) -> Path | None:
    """``V3.1.2`` for 3.1 (the highest ``V<version>.*`` folder present)."""
    candidates = [p for p in schema_dir.glob(f"V{version}.*") if p.is_dir()]
    if not candidates:
        return None

    def key(p: Path) -> tuple[Any, ...]:
        return tuple(int(x) if x.isdigit() else 0 for x in p.name[1:].split("."))
    return max(candidates, key=key)


def schema_file(schema_dir: Path | None, version: str, name: str) -> tuple[Path | None, str | None]:
    """(file, None) or (None, reason the schema layer is skipped)."""
    if schema_dir is None:
        return None, HINT
    vdir = version_dir(schema_dir, version)
    if vdir is None or not (vdir / name).is_file():
        return None, (f"no {name} for metamodel {version} in schema directory {schema_dir} "
                      "(aasref schemas status / aasref schemas install)")
    return vdir / name, None


@functools.lru_cache(maxsize=8)
def _json_validator(path: str, mtime: float) -> Any:
    with open(path, encoding="utf-8") as f:
        official = json.load(f)
    try:
        return compile_schema(derive_schema(official))
    except UnsupportedSchema:
        import jsonschema  # a schema we cannot compile: the reference implementation, slower

        validator = jsonschema.Draft201909Validator(derive_schema(official) if _derivable(official) else official)

        def run(instance: Any) -> list[Any]:
            out = []
            for err in validator.iter_errors(instance):
                for leaf in _leaves(err):
                    path: Any = None
                    for part in leaf.absolute_path:
                        path = (path, part)
                    out.append((path, str(leaf.validator), leaf.message, None))
            return out
        return run


def _derivable(official: dict[str, Any]) -> bool:
    try:
        derive_schema(official)
        return True
    except UnsupportedSchema:
        return False


def _leaves(err: Any) -> list[Any]:
    if err.validator in ("allOf",) and err.context:
        return [leaf for e in err.context for leaf in _leaves(e)]
    return [err]


def json_validator(path: Path) -> Any:
    return _json_validator(str(path), path.stat().st_mtime)


def check_json(doc: Any, schema_path: Path, version: str, file: str | None) -> list[Finding]:
    validate = json_validator(schema_path)
    out = []
    for path, keyword, message, details in validate(doc):
        parts = materialize(path)
        pointer = _paths.join_pointer(parts)
        code = _KEYWORD_CODES.get(keyword, "SCH102")
        out.append(finding(code, _paths.model_path(doc, parts), message, version,
                           location=SourceLocation(file, pointer=pointer),
                           details={"keyword": keyword, **(details or {})}))
    return out


@functools.lru_cache(maxsize=4)
def _xsd(path: str, mtime: float) -> Any:
    from lxml import etree

    from ._read import safe_xml_parser
    return etree.XMLSchema(etree.parse(path, safe_xml_parser()))


def check_xml(tree: Any, xsd_path: Path, version: str, file: str | None) -> list[Finding]:
    schema = _xsd(str(xsd_path), xsd_path.stat().st_mtime)
    schema.validate(tree)
    out = []
    for entry in schema.error_log:
        path = xml_model_path(tree, entry.path)
        message = _xsd_message(entry.message)
        out.append(finding("SCH201", path, message, version,
                           location=SourceLocation(file, line=entry.line, column=entry.column or None),
                           details={"type": entry.type_name, "xpath": entry.path}))
    return out


def _xsd_message(text: str) -> str:
    import re
    text = re.sub(r"\{https://admin-shell\.io/aas/3/[01]\}", "", text)
    text = text.replace("Element '", "element '")
    return text.rstrip(".")


def xml_model_path(tree: Any, xpath: str | None) -> ModelPath:
    """Model path of the element at ``xpath`` (as lxml reports it) in an AAS XML tree."""
    if not xpath:
        return ModelPath("Environment")
    try:
        nodes = tree.xpath(xpath)
    except Exception:
        return ModelPath("Environment")
    if not nodes or not hasattr(nodes[0], "tag"):
        return ModelPath("Environment")
    return element_model_path(nodes[0])


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(node: Any, name: str) -> str | None:
    for c in node:
        if _local(c.tag) == name:
            return (c.text or "").strip()
    return None


_IDENTIFIABLE_TAGS = {"assetAdministrationShell": "AssetAdministrationShell", "submodel": "Submodel",
                      "conceptDescription": "ConceptDescription"}
_ELEMENT_TAGS = {"property", "multiLanguageProperty", "range", "file", "blob", "referenceElement",
                 "relationshipElement", "annotatedRelationshipElement", "submodelElementCollection",
                 "submodelElementList", "entity", "basicEventElement", "operation", "capability"}


def element_model_path(node: Any) -> ModelPath:
    chain = []
    cur = node
    while cur is not None:
        chain.append(cur)
        cur = cur.getparent()
    chain.reverse()
    root = "Environment"
    segments: list[str] = []
    attrs: list[str] = []
    for i, el in enumerate(chain):
        tag = _local(el.tag)
        if tag in _IDENTIFIABLE_TAGS and root == "Environment":
            ident = _child_text(el, "id")
            parent = el.getparent()
            index = list(parent).index(el) if parent is not None else 0
            root = f"{_IDENTIFIABLE_TAGS[tag]}[id={ident}]" if ident else f"{_IDENTIFIABLE_TAGS[tag]}[{index}]"
            attrs = []
        elif tag in _ELEMENT_TAGS and root != "Environment" and not attrs:
            parent = el.getparent()
            grand = parent.getparent() if parent is not None else None
            if grand is not None and _local(grand.tag) == "submodelElementList":
                segments.append(f"[{[c for c in parent if isinstance(c.tag, str)].index(el)}]")
            else:
                id_short = _child_text(el, "idShort")
                segments.append(f".{id_short}" if id_short else f".{tag}")
        elif root != "Environment" and i > 0:
            if tag in ("value", "submodelElements", "statements", "annotations") and i + 1 < len(chain) \
                    and _local(chain[i + 1].tag) in _ELEMENT_TAGS and not attrs:
                continue
            if tag in _IDENTIFIABLE_TAGS or tag in ("submodels", "assetAdministrationShells", "conceptDescriptions"):
                continue
            attrs.append(tag)
    if attrs:
        segments.append("#" + ".".join(attrs))
    return ModelPath(root, tuple(segments))
