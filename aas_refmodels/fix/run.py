"""``fix_bytes``: repair one AAS file (AASX, JSON or XML) for a profile; the output keeps the input's format.

An AASX is repaired in place: only the AAS spec part, [Content_Types].xml and the relationships change
(plus an added thumbnail or template); every other part is copied byte for byte. JSON is repaired as JSON
(no round trip through an SDK); XML through the metamodel of its version.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ReadError
from . import Ledger

THUMBNAIL_PART = "aasx/thumbnail.png"


@dataclass
class Fixed:
    data: bytes
    format: str          # aasx | json | xml
    ledger: Ledger


def _doc_from(body: bytes, fmt: str) -> tuple[dict[str, Any], str | None]:
    """(jsonable environment, XML version or None)."""
    if fmt == "json":
        try:
            doc = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReadError(f"not a readable JSON environment: {str(exc).splitlines()[0]}") from None
        if not isinstance(doc, dict) or not set(doc) & {"assetAdministrationShells", "submodels",
                                                        "conceptDescriptions"}:
            raise ReadError("JSON is not an AAS environment")
        return doc, None
    from ..io.reader import _store_from_xml, xml_version
    from ..io.versions import v30_xml_to_jsonable

    version = xml_version(body)
    if version == "3.0":
        return v30_xml_to_jsonable(body), "3.0"
    from ..build.profile_kosmo import _to_jsonable
    return _to_jsonable(list(_store_from_xml(body, "3.1"))), "3.1"


def _require_environment(doc: Mapping[str, Any]) -> None:
    """Repairs need a file that reads as an AAS environment (aas-core 3.1 or 3.0); else ``ReadError``."""
    import importlib

    first: str | None = None
    for core in ("aas_core3_1", "aas_core3"):
        jsonization = importlib.import_module(f"{core}.jsonization")
        try:
            jsonization.environment_from_jsonable(doc)
            return
        except Exception as exc:  # aas-core raises its DeserializationException (and others on odd input)
            first = first or str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    raise ReadError(f"not a valid AAS environment, nothing repaired (aasref validate says why): {first}")


def _body_of(doc: Mapping[str, Any], fmt: str, version: str | None) -> bytes:
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    if version == "3.0":
        from ..io.versions import v30_xml_bytes
        return v30_xml_bytes(dict(doc))
    from ..build.profile_kosmo import from_jsonable
    from ..io.writer import serialize
    return serialize(from_jsonable(doc), "xml", "3.1")


def _templates(doc: Mapping[str, Any], base: str, policy: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The HandoverDocumentation template skeleton (structure, no values) for a file that lacks it."""
    from ..build import build_template
    from ..build.profile_kosmo import HANDOVER, _to_jsonable
    from ..spec import load_model

    shells = doc.get("assetAdministrationShells") or [{}]
    equipment = str(shells[0].get("idShort") or "Equipment")
    built = build_template(load_model(*HANDOVER, base_iri=base + "/"))
    env = _to_jsonable([*built.submodels, *built.concept_descriptions])
    sm = env["submodels"][0]
    adm = sm.get("administration") or {}
    sm["id"] = f"{base}/sm/{equipment}/HandoverDocumentation/{adm.get('version', '2')}/{adm.get('revision', '0')}"
    return {"HandoverDocumentation": {"submodel": sm, "conceptDescriptions": env.get("conceptDescriptions", [])}}


def fix_bytes(data: bytes, profile: str = "kosmo", policy: Mapping[str, Any] | str | Path | None = None) -> Fixed:
    """Repair ``data`` for ``profile`` (``ReadError`` if it is not a readable AAS file)."""
    from .. import profiles
    from ..io.png import default_thumbnail
    from ..io.reader import detect_format
    from . import kosmo, package

    if profile != "kosmo":
        raise profiles.PolicyError(f"aasref fix knows the kosmo profile only, not {profile!r}")
    prof, pol = profiles.resolve(profile, policy)
    ledger = Ledger()
    fmt = detect_format(data)
    if fmt != "aasx":
        doc, version = _doc_from(data, fmt)
        _require_environment(doc)
        kosmo.repair(doc, prof, pol, ledger, templates=_templates(doc, pol["iriBase"], pol))
        shells = doc.get("assetAdministrationShells") or []
        if shells and not ((shells[0].get("assetInformation") or {}).get("defaultThumbnail") or {}).get("path"):
            ledger.cannot("KOSMO-AAS-1", "Environment", "a thumbnail is a package part: convert the file to AASX "
                                                        "(aasref convert) and run aasref fix on the package")
        return Fixed(_body_of(doc, fmt, version), fmt, ledger)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        spec = package.spec_part(data)
        body = zf.read(spec) if spec else None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadError(f"not a readable AASX package: {exc}") from None
    if spec is None or body is None:
        raise ReadError("the AASX package has no AAS spec part (aasx-origin / aas-spec relationships)")
    part_fmt = "xml" if body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else "json"
    doc, version = _doc_from(body, part_fmt)
    _require_environment(doc)
    names = set(zf.namelist())
    shells = doc.get("assetAdministrationShells") or []
    info = (shells[0].get("assetInformation") or {}) if shells else {}
    thumb = (info.get("defaultThumbnail") or {}).get("path") if isinstance(info, dict) else None
    add: dict[str, tuple[bytes, str]] = {}
    thumb_arg = None
    part = kosmo_part(thumb) if thumb else None
    if shells and (part is None or part not in names):
        images = package.image_parts(data)
        if images:
            part = images[0]
            thumb_arg = ("/" + part, package.content_type_of(part), False)
        else:
            part = THUMBNAIL_PART
            add[part] = (default_thumbnail(128, str(shells[0].get("idShort", ""))), "image/png")
            thumb_arg = ("/" + part, "image/png", True)
    kosmo.repair(doc, prof, pol, ledger, templates=_templates(doc, pol["iriBase"], pol), thumbnail=thumb_arg)
    before = _thumb_registration(data, part) if part else (True, True)
    out = package.rewrite(data, replace={spec: _body_of(doc, part_fmt, version)}, add=add, thumbnail=part)
    if part and part not in add and before != (True, True):
        ledger.add("PKG-THUMB-PART", f"Package[{part}]", "registered the thumbnail part (relationship and "
                                                        "content-type Override)")
    return Fixed(out, "aasx", ledger)


def kosmo_part(path: str) -> str:
    from urllib.parse import unquote
    p = unquote(path)
    if p.startswith("file://"):
        p = p[len("file://"):]
    return p.lstrip("/")


def _thumb_registration(data: bytes, part: str) -> tuple[bool, bool]:
    """(a thumbnail relationship targets the part, an Override names it)."""
    from . import package
    zf = zipfile.ZipFile(io.BytesIO(data))
    rel = any(t == package.THUMBNAIL_REL and package._resolve("", target) == part
              for t, target in package._rels(zf, "_rels/.rels"))
    try:
        ct = zf.read("[Content_Types].xml").decode("utf-8", "replace")
    except KeyError:
        ct = ""
    return rel, f'PartName="/{part}"' in ct
