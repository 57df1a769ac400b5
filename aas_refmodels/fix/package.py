"""AASX package surgery for repairs: find the AAS spec part, replace it, add parts with relationship and
content type (thumbnail, supplementary files), write File values as ``file:`` URIs. Every other part is
copied byte for byte. Parsing is safe (no DTD, no entities, no network)."""

from __future__ import annotations

import io
import json
import posixpath
import zipfile
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from lxml import etree

_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
THUMBNAIL_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
_ORIGIN = ("http://admin-shell.io/aasx/relationships/aasx-origin",
           "http://www.admin-shell.io/aasx/relationships/aasx-origin")
_SPEC = ("http://admin-shell.io/aasx/relationships/aas-spec", "http://www.admin-shell.io/aasx/relationships/aas-spec")
_SUPPL = "http://admin-shell.io/aasx/relationships/aas-suppl"
_IMAGES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp",
           "svg": "image/svg+xml", "webp": "image/webp"}


def _xml(data: bytes) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser)


def _resolve(base_dir: str, target: str) -> str:
    t = unquote(target)
    if t.startswith("/"):
        return posixpath.normpath(t).lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, t)).lstrip("/")


def _rels(zf: zipfile.ZipFile, name: str) -> list[tuple[str, str]]:
    try:
        root = _xml(zf.read(name))
    except (KeyError, etree.XMLSyntaxError):
        return []
    return [(r.get("Type", ""), r.get("Target", "")) for r in root if isinstance(r.tag, str)
            and r.get("TargetMode") != "External"]


def spec_part(data: bytes) -> str | None:
    """Name of the first AAS spec part (via the aasx-origin relationships), or None."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    for rtype, target in _rels(zf, "_rels/.rels"):
        if rtype in _ORIGIN:
            origin = _resolve("", target)
            orels = posixpath.join(posixpath.dirname(origin), "_rels", posixpath.basename(origin) + ".rels")
            for stype, starget in _rels(zf, orels):
                if stype in _SPEC:
                    return _resolve(posixpath.dirname(origin), starget)
    return None


def image_parts(data: bytes) -> list[str]:
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    images = [n for n in names if posixpath.splitext(n)[1].lstrip(".").lower() in _IMAGES]
    return sorted(images, key=lambda n: (0 if "thumbnail" in n.lower() else 1, n))


def content_type_of(name: str) -> str:
    return _IMAGES.get(posixpath.splitext(name)[1].lstrip(".").lower(), "application/octet-stream")


def rewrite(data: bytes, *, replace: Mapping[str, bytes] | None = None,
            add: Mapping[str, tuple[bytes, str]] | None = None, thumbnail: str | None = None) -> bytes:
    """The package with parts replaced, parts added (each with a content-type Override), and ``thumbnail``
    (a part name) registered as the package thumbnail (relationship + Override)."""
    replace, add = dict(replace or {}), dict(add or {})
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    ct = _xml(src.read("[Content_Types].xml"))
    overrides = {unquote(el.get("PartName", "")).lstrip("/") for el in ct if isinstance(el.tag, str)
                 and el.tag.endswith("Override")}
    for name, (_, ctype) in add.items():
        if name not in overrides:
            etree.SubElement(ct, f"{{{_CT_NS}}}Override", PartName="/" + name, ContentType=ctype)
            overrides.add(name)
    if thumbnail and thumbnail not in overrides:
        etree.SubElement(ct, f"{{{_CT_NS}}}Override", PartName="/" + thumbnail,
                         ContentType=content_type_of(thumbnail))
    replace["[Content_Types].xml"] = etree.tostring(ct, xml_declaration=True, encoding="UTF-8")
    if thumbnail:
        rels = _xml(src.read("_rels/.rels")) if "_rels/.rels" in names else etree.Element(
            f"{{{_RELS_NS}}}Relationships")
        for r in list(rels):
            if isinstance(r.tag, str) and r.get("Type") == THUMBNAIL_REL:
                rels.remove(r)
        ids = {r.get("Id") for r in rels if isinstance(r.tag, str)}
        n = 1
        while f"rThumb{n}" in ids:
            n += 1
        etree.SubElement(rels, f"{{{_RELS_NS}}}Relationship", Type=THUMBNAIL_REL, Target="/" + thumbnail,
                         Id=f"rThumb{n}")
        replace["_rels/.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
    spec = spec_part(data)
    suppl = [n for n in add if n != thumbnail]
    if spec and suppl:
        rname = posixpath.join(posixpath.dirname(spec), "_rels", posixpath.basename(spec) + ".rels")
        rels = _xml(src.read(rname)) if rname in names else etree.Element(f"{{{_RELS_NS}}}Relationships")
        have = {_resolve(posixpath.dirname(spec), r.get("Target", "")) for r in rels if isinstance(r.tag, str)}
        for i, name in enumerate(suppl):
            if name not in have:
                etree.SubElement(rels, f"{{{_RELS_NS}}}Relationship", Type=_SUPPL, Target="/" + name,
                                 Id=f"rSuppl{i + 1}")
        replace[rname] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in add:
                continue
            dst.writestr(info, replace.pop(info.filename) if info.filename in replace else src.read(info))
        for name, body in replace.items():
            dst.writestr(name, body)
        for name, (body, _) in add.items():
            dst.writestr(name, body)
    return out.getvalue()


def file_values_as_uris(part: bytes, fmt: str) -> bytes:
    """Every File value that is a package path (``/aasx/x.pdf``) written as ``file:///aasx/x.pdf``."""
    if fmt == "json":
        doc = json.loads(part.decode("utf-8-sig"))

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if node.get("modelType") == "File" and isinstance(node.get("value"), str) and \
                        node["value"].startswith("/"):
                    node["value"] = "file://" + node["value"]
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(doc)
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    root = _xml(part)
    for el in root.iter():
        if isinstance(el.tag, str) and etree.QName(el).localname == "file":
            for child in el:
                if isinstance(child.tag, str) and etree.QName(child).localname == "value" and \
                        (child.text or "").startswith("/"):
                    child.text = "file://" + (child.text or "")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
