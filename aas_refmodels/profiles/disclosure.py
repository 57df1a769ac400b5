"""Rule functions of the disclosure gate (DSC0xx): values, identifiers, files and free text above a level."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .. import disclosure as dsc
from ..findings import Finding, ModelPath
from . import Context, PolicyError

_SEGMENT = re.compile(r"\.[^.\[]+|\[\d+\]")


def check_policy(data: Mapping[str, Any], label: str, text: str | None) -> None:
    """The profile's policy check (called by ``profiles.resolve``): our JSON Schema, errors located."""
    try:
        dsc.check_policy(dict(data), label, text)
    except dsc.PolicyFileError as exc:
        raise PolicyError(str(exc)) from None


def _path(path: str) -> ModelPath:
    end = path.find("]") + 1
    return ModelPath(path[:end], tuple(_SEGMENT.findall(path[end:])))


def check(ctx: Context) -> list[Finding]:
    policy = dsc.Policy.from_mapping(ctx.policy)
    level = policy.level
    prof = ctx.profile
    out: list[Finding] = []

    def add(code: str, path: ModelPath, message: str, pointer: str | None, **details: Any) -> None:
        out.append(prof.finding(code, path, message, file=ctx.file, pointer=pointer, details=details))

    items = dsc.classify(ctx.doc, policy)
    referenced: set[str] = set()
    for c in items:
        el = c.element
        v = el.get("value")
        if c.model_type == "File" and isinstance(v, str) and v.startswith("/"):
            referenced.add(v.lstrip("/"))
        if c.identifier and c.model_type == "Property" and isinstance(v, str) and v:
            if not dsc.is_pseudonym(v):
                add("DSC002", _path(c.path), f"found an identifier that is not a pseudonym ({c.reason})",
                    c.pointer + "/value", reason=c.reason)
            continue
        if dsc._children(el) is not None and c.model_type != "Entity":
            continue
        if not dsc.has_value(el):
            continue
        if dsc.above(c.cls, level):
            if c.coarsen is not None and _coarse(el, c.coarsen):
                continue
            if c.model_type == "File" and isinstance(v, str) and v.startswith("/"):
                add("DSC003", _path(c.path), f"found an embedded file of class {c.cls} in a {level} file "
                    f"({c.reason})", c.pointer + "/value", disclosureClass=c.cls, reason=c.reason)
            else:
                add("DSC001", _path(c.path), f"found a value of class {c.cls} in a {level} file ({c.reason})",
                    c.pointer, disclosureClass=c.cls, reason=c.reason)
        elif dsc.is_free_text(c, policy) and c.cls != "public":
            add("DSC004", _path(c.path), f"found free text of class {c.cls}: check it names no customer, person "
                "or recipe", c.pointer)
    for i, aas in enumerate(ctx.doc.get("assetAdministrationShells") or []):
        if not isinstance(aas, dict):
            continue
        root = ModelPath(f"AssetAdministrationShell[id={aas.get('id')}]")
        info = aas.get("assetInformation") or {}
        base = f"/assetAdministrationShells/{i}/assetInformation"
        gid = info.get("globalAssetId")
        if isinstance(gid, str) and gid and not dsc.is_pseudonym(gid):
            add("DSC002", root.child("#assetInformation.globalAssetId"),
                "found an asset id that is not a pseudonym", base + "/globalAssetId")
        for j, sa in enumerate(info.get("specificAssetIds") or []):
            if isinstance(sa, dict) and isinstance(sa.get("value"), str) and not dsc.is_pseudonym(sa["value"]):
                add("DSC002", root.child(f"#assetInformation.specificAssetIds[{j}]"),
                    f"found a specific asset id ({sa.get('name')}) that is not a pseudonym",
                    f"{base}/specificAssetIds/{j}/value")
        tn = info.get("defaultThumbnail")
        if isinstance(tn, dict) and isinstance(tn.get("path"), str):
            referenced.add(str(tn["path"]).lstrip("/"))
            if dsc.above(policy.thumbnail, level):
                add("DSC003", root.child("#assetInformation.defaultThumbnail"),
                    f"found a thumbnail of class {policy.thumbnail} (policy thumbnail) in a {level} file",
                    base + "/defaultThumbnail")
    if ctx.package is not None and dsc.above(policy.default_class, level):
        for part in sorted(ctx.package.parts):
            if _payload(part) and part not in referenced and part not in _spec_parts(ctx):
                add("DSC003", ModelPath(f"Package[{part}]"), f"found a package file no element refers to (class "
                    f"{policy.default_class}, policy defaultClass) in a {level} file", None)
    return out


def _coarse(el: Mapping[str, Any], rule: dsc.Coarsen) -> bool:
    vt = str(el.get("valueType", ""))
    for k in ("value", "min", "max"):
        v = el.get(k)
        if isinstance(v, str) and dsc.coarsen(v, vt, rule) is None:
            return False
        if isinstance(v, str):
            again = dsc.coarsen(v, vt, rule)
            try:
                if again is None or float(again) != float(v):
                    return False
            except ValueError:
                return False
    return True


def _payload(part: str) -> bool:
    """A part that carries content (not OPC plumbing: relationships, content types, core properties)."""
    low = part.lower()
    return not (low.endswith(".rels") or low == "[content_types].xml" or low.startswith(("docprops/", "_rels/"))
                or low.endswith("aasx-origin"))


def _spec_parts(ctx: Context) -> set[str]:
    """The AAS spec parts (aas-spec relationship targets) of the package."""
    from lxml import etree

    assert ctx.package is not None
    out: set[str] = set()
    for name, data in ctx.package.xml_parts.items():
        if not name.endswith(".rels"):
            continue
        try:
            root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            continue
        folder = name.rsplit("_rels/", 1)[0]
        for rel in root:
            target = rel.get("Target") or ""
            if str(rel.get("Type", "")).endswith("/aas-spec"):
                out.add(target.lstrip("/") if target.startswith("/") else (folder + target).lstrip("/"))
    return out
