"""KOSMO rule functions: ``check(context)`` over the jsonable environment (and the AASX parts, when known).

Each rule follows the reading of V (vexplor-aas) unless the policy selects A's (AASist-tools); rule data,
remedies and policy defaults live in ``kosmo.yaml``. Traversal as V's ``traverse.ts``: submodel elements
depth first into collections, lists, Entity statements and annotations (not Operation variables).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from ..findings import Finding, ModelPath, Severity
from . import Context

_CHILDREN = {"SubmodelElementCollection": "value", "SubmodelElementList": "value", "Entity": "statements",
             "AnnotatedRelationshipElement": "annotations"}
_THUMBNAIL_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


@dataclass
class Node:
    el: dict[str, Any]
    parts: tuple[str | int, ...]          # JSON pointer parts from the environment root
    segments: tuple[str, ...]             # model path segments below the submodel
    kosmo: str                            # /submodels/3(OperationalData)/submodelElements/0/value/0
    parent: dict[str, Any] | None         # the parent element (None at the submodel's top level)
    submodel: dict[str, Any]


def pointer(parts: Sequence[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _first_key(ref: Any) -> str | None:
    if not isinstance(ref, dict):
        return None
    keys = ref.get("keys")
    if not isinstance(keys, list) or not keys or not isinstance(keys[0], dict):
        return None
    v = keys[0].get("value")
    return v if isinstance(v, str) and v else None


def _list(x: Any) -> list[Any]:
    return x if isinstance(x, list) else []


def _dict(x: Any) -> dict[str, Any]:
    return x if isinstance(x, dict) else {}


def _str(x: Any) -> str | None:
    return x if isinstance(x, str) and x else None


def iter_nodes(doc: Mapping[str, Any]) -> Iterator[Node]:
    for si, sm in enumerate(_list(doc.get("submodels"))):
        if not isinstance(sm, dict):
            continue
        base = f"/submodels/{si}" + (f"({sm['idShort']})" if _str(sm.get("idShort")) else "")
        yield from _walk(sm, _list(sm.get("submodelElements")), ("submodels", si, "submodelElements"), (),
                         base + "/submodelElements", None, False)


def _walk(sm: dict[str, Any], els: list[Any], parts: tuple[str | int, ...], segs: tuple[str, ...], kpath: str,
          parent: dict[str, Any] | None, in_list: bool) -> Iterator[Node]:
    for i, el in enumerate(els):
        if not isinstance(el, dict):
            continue
        ids = _str(el.get("idShort"))
        seg = f"[{i}]" if in_list else f".{ids or '?'}"
        kp = f"{kpath}/{i}" + (f"({ids})" if ids and not in_list else "")
        node = Node(el, (*parts, i), (*segs, seg), kp, parent, sm)
        yield node
        attr = _CHILDREN.get(str(el.get("modelType")))
        if attr:
            yield from _walk(sm, _list(el.get(attr)), (*parts, i, attr), (*segs, seg), f"{kp}/{attr}", el,
                             el.get("modelType") == "SubmodelElementList")


class _Checker:
    def __init__(self, ctx: Context) -> None:
        self.ctx, self.doc, self.p = ctx, ctx.doc, ctx.policy
        self.c = ctx.profile.constants
        self.out: list[Finding] = []
        rule = self.p.get("idShortRule", "V")
        self.id_short_re = re.compile(self.c["idShortPattern"][rule])
        self.irdi_re = re.compile(self.c["irdiPattern"])

    # -- helpers --------------------------------------------------------------------------------------------
    def add(self, code: str, path: ModelPath, parts: Sequence[str | int], message: str, *, element_type: str,
            key: str | None, kosmo: str, severity: Severity | None = None, note: str | None = None) -> None:
        self.out.append(self.ctx.profile.finding(
            code, path, message, file=self.ctx.file, pointer=pointer(parts), severity=severity, policy_note=note,
            details={"elementType": element_type, "key": key or "", "kosmoPath": kosmo}))

    def root(self, kind: str, node: Mapping[str, Any], index: int) -> ModelPath:
        ident = _str(node.get("id"))
        return ModelPath(f"{kind}[id={ident}]" if ident else f"{kind}[{index}]")

    def id_short_ok(self, value: str) -> bool:
        if self.p.get("idShortRule") == "A":
            return self.id_short_re.fullmatch(value) is not None
        return self.id_short_re.match(value) is not None

    def allowed_id(self, v: str) -> bool:
        return v.startswith(tuple(self.p["irdiPrefixes"])) or v.startswith(self.p["iriBase"] + "/")

    def is_idta(self, v: str) -> bool:
        return v.startswith(self.c["idtaIriPrefix"])

    def iri_or_irdi(self, v: str) -> bool:
        """A's id test: IRDI regex, or xs:anyURI (no whitespace or characters URIs cannot carry)."""
        return bool(self.irdi_re.match(v)) or re.search(r'[\s<>"{}|\\^`]', v) is None

    def version_suffix(self, obj: Mapping[str, Any]) -> str | None:
        """None when the id's last two segments are /version/revision, else the message (V: AAS-3, SM-2)."""
        adm = _dict(obj.get("administration"))
        ver, rev = _str(adm.get("version")), _str(adm.get("revision"))
        if not ver or not rev:
            return "administration version/revision missing (Version 정보가 부족)"
        ident = _str(obj.get("id")) or ""
        suffix = "/".join(ident.split("/")[-2:])
        if suffix != f"{ver}/{rev}":
            return f"id {ident!r} ends in {suffix!r}, expected '/{ver}/{rev}' (administration version/revision)"
        return None

    # -- rules ----------------------------------------------------------------------------------------------
    def run(self) -> list[Finding]:
        self.shells()
        self.submodels()
        self.elements()
        self.concepts()
        self.hierarchy()
        self.package()
        return self.out

    def shells(self) -> None:
        shells = _list(self.doc.get("assetAdministrationShells"))
        for ai, aas in enumerate(shells):
            if not isinstance(aas, dict):
                continue
            path, parts = self.root("AssetAdministrationShell", aas, ai), ("assetAdministrationShells", ai)
            kp = f"/assetAdministrationShells/{ai}" + (f"({aas['idShort']})" if _str(aas.get("idShort")) else "")
            key = _str(aas.get("idShort")) or _str(aas.get("id"))
            kw: dict[str, Any] = {"element_type": "AssetAdministrationShell", "key": key, "kosmo": kp}
            info = _dict(aas.get("assetInformation"))
            thumb = _dict(info.get("defaultThumbnail"))
            tpath = _str(thumb.get("path"))
            if not tpath:
                self.add("KOSMO-AAS-1", path.child("#assetInformation"), (*parts, "assetInformation"),
                         "assetInformation.defaultThumbnail is missing or has no path", **kw)
            elif self.ctx.package is not None and _part(tpath) not in self.ctx.package.parts:
                self.add("KOSMO-AAS-1", path.child("#assetInformation.defaultThumbnail.path"),
                         (*parts, "assetInformation", "defaultThumbnail", "path"),
                         f"thumbnail {tpath!r} is not a part of the package", **kw)
            ids = _str(aas.get("idShort"))
            if ids is None:
                if self.p["idShortRule"] == "V":
                    self.add("KOSMO-AAS-2", path.child("#idShort"), parts, "the AAS has no idShort", **kw)
            elif not self.id_short_ok(ids):
                self.add("KOSMO-AAS-2", path.child("#idShort"), (*parts, "idShort"),
                         f"idShort {ids!r} does not match {self.id_short_re.pattern}", **kw)
            self.id_format("KOSMO-AAS-3", aas, path, parts, kw)
            if not _str(info.get("globalAssetId")) and not _list(info.get("specificAssetIds")):
                self.add("KOSMO-AAS-5", path.child("#assetInformation.globalAssetId"), (*parts, "assetInformation"),
                         "assetInformation has neither a globalAssetId nor specificAssetIds", **kw)
            if info.get("assetKind") != "Type":
                self.add("KOSMO-AAS-6", path.child("#assetInformation.assetKind"),
                         (*parts, "assetInformation", "assetKind"),
                         f"assetKind is {info.get('assetKind')!r}, expected 'Type' (Kind가 Type으로 지정되어야 합니다)",
                         **kw)
        self.composition(shells)

    def id_format(self, code: str, obj: Mapping[str, Any], path: ModelPath, parts: tuple[str | int, ...],
                  kw: dict[str, Any]) -> None:
        if self.p["idRule"] == "A":
            ident = _str(obj.get("id")) or ""
            if not self.iri_or_irdi(ident):
                self.add(code, path.child("#id"), (*parts, "id"),
                         f"id {ident!r} is neither an IRDI nor an IRI (stray space?)", **kw)
            return
        problem = self.version_suffix(obj)
        if problem:
            self.add(code, path.child("#id"), (*parts, "id"), problem, **kw)

    def composition(self, shells: list[Any]) -> None:
        first = shells[0] if shells and isinstance(shells[0], dict) else None
        info = (first or {}).get("assetInformation") or {}
        asset_type = _str(info.get("assetType")) if isinstance(info, dict) else None
        base = self.p["iriBase"]
        if self.p.get("aasTypeExemption", True) and asset_type in {f"{base}/{t}"
                                                                    for t in self.c["organisationalAssetTypes"]}:
            return
        sms = [s for s in _list(self.doc.get("submodels")) if isinstance(s, dict)]
        names = {_str(s.get("idShort")) for s in sms}
        key = (_str(first.get("idShort")) or _str(first.get("id"))) if first else "AAS 없음"
        kw: dict[str, Any] = {"element_type": "AssetAdministrationShell", "key": key,
                              "kosmo": "/assetAdministrationShells/0" if first else "/"}
        path = self.root("AssetAdministrationShell", first, 0) if first else ModelPath("Environment")
        parts: tuple[str | int, ...] = ("assetAdministrationShells", 0) if first else ()
        missing = [n for n in self.p["requiredSubmodels"] if n not in names]
        if missing:
            self.add("KOSMO-AAS-4", path, parts, f"required submodel(s) missing (필수 Submodel이 없습니다): "
                                                 f"{', '.join(missing)}", **kw)
        rng = self.p.get("submodelCountRange")
        if rng is not None and not rng[0] <= len(sms) <= rng[1]:
            self.add("KOSMO-AAS-4", path, parts, f"the file has {len(sms)} submodels, expected {rng[0]} to {rng[1]}"
                                                 f" ({rng[1] + 1} or more is a violation)", **kw)

    def submodels(self) -> None:
        seen: dict[str, int] = {}
        sms = _list(self.doc.get("submodels"))
        for s in sms:
            if isinstance(s, dict) and _str(s.get("idShort")):
                seen[s["idShort"]] = seen.get(s["idShort"], 0) + 1
        for si, sm in enumerate(sms):
            if not isinstance(sm, dict):
                continue
            path, parts = self.root("Submodel", sm, si), ("submodels", si)
            ids = _str(sm.get("idShort"))
            kw: dict[str, Any] = {"element_type": "Submodel", "key": ids or _str(sm.get("id")),
                                  "kosmo": f"/submodels/{si}" + (f"({ids})" if ids else "")}
            if ids is None:
                if self.p["idShortRule"] == "V":
                    self.add("KOSMO-SM-1", path.child("#idShort"), parts, "the Submodel has no idShort", **kw)
            elif not self.id_short_ok(ids):
                self.add("KOSMO-SM-1", path.child("#idShort"), (*parts, "idShort"),
                         f"idShort {ids!r} does not match {self.id_short_re.pattern}", **kw)
            if ids and seen.get(ids, 0) > 1:
                self.add("SM-DUP-IDSHORT", path.child("#idShort"), (*parts, "idShort"),
                         f"{seen[ids]} submodels have the idShort {ids!r}", **kw)
            self.id_format("KOSMO-SM-2", sm, path, parts, kw)
            self.sm_semantic_id(sm, path, parts, kw)
            if self.p["smKindRule"] == "A":
                tq = any(isinstance(q, dict) and q.get("kind") == "TemplateQualifier"
                         for el in _list(sm.get("submodelElements")) if isinstance(el, dict)
                         for q in _list(el.get("qualifiers")))
                if tq and sm.get("kind") != "Template":
                    self.add("KOSMO-SM-4", path.child("#kind"), parts,
                             "an element has a TemplateQualifier but the submodel kind is not Template (AASd-129)", **kw)
            elif sm.get("kind") != "Template":
                self.add("KOSMO-SM-4", path.child("#kind"), (*parts, "kind"),
                         f"kind is {sm.get('kind') or 'missing (Instance)'}, expected Template", **kw)

    def sm_semantic_id(self, sm: Mapping[str, Any], path: ModelPath, parts: tuple[str | int, ...],
                       kw: dict[str, Any]) -> None:
        where = path.child("#semanticId")
        if self.p["smSemanticIdRule"] == "A":
            if _list(sm.get("supplementalSemanticIds")) and not isinstance(sm.get("semanticId"), dict):
                self.add("KOSMO-SM-3", where, parts, "supplementalSemanticIds without a semanticId (AASd-118)", **kw)
            return
        v = _first_key(sm.get("semanticId"))
        if v is None:
            self.add("KOSMO-SM-3", where, parts, "the Submodel has no semanticId", **kw)
            return
        sp = (*parts, "semanticId")
        if self.allowed_id(v):
            ref = sm["semanticId"]
            key_type = ref["keys"][0].get("type")
            if ref.get("type") == "ExternalReference" and key_type != "GlobalReference":
                self.add("KOSMO-SM-3", where, sp, f"semanticId key type is {key_type!r}, expected GlobalReference "
                                                  "(changing it to Submodel breaks AASd-122/124)", **kw)
            return
        if self.is_idta(v) and self.p["iriConflict"] == "idta-preserve":
            self.add("KOSMO-SM-3", where, sp, f"semanticId {v!r} is an IDTA IRI outside the allow-list (kept: "
                                              "iriConflict=idta-preserve)", severity=Severity.WARNING,
                     note="iriConflict=idta-preserve: KTL §4 note 1 keeps official IDTA IRIs", **kw)
            return
        self.add("KOSMO-SM-3", where, sp, f"semanticId {v!r} is not an IRDI (0173-, 0112/) and not under "
                                          f"{self.p['iriBase']}/", **kw)

    def elements(self) -> None:
        cds = {c["id"]: c for c in _list(self.doc.get("conceptDescriptions")) if isinstance(c, dict)
               and isinstance(c.get("id"), str)}
        excluded = set(self.c["excludedTypes"])
        sem_types = set(self.c["semanticRequiredTypes"])
        exempt = set(self.p["valueCheckExemptSubmodels"])
        std = tuple(self.c["standardTermPrefixes"])
        vt_table: Mapping[str, list[str]] = self.c["valueTypeDataTypes"]
        a_types = set(self.c["idShortTypesA"])
        for n in iter_nodes(self.doc):
            el, mt = n.el, str(n.el.get("modelType"))
            sm_path = self.root("Submodel", n.submodel, int(n.parts[1]))
            path = sm_path.child(*n.segments)
            ids = _str(el.get("idShort"))
            in_list = n.parent is not None and n.parent.get("modelType") == "SubmodelElementList"
            kw: dict[str, Any] = {"element_type": mt, "key": ids or "", "kosmo": n.kosmo}
            # SME-1
            if self.p["idShortRule"] == "A":
                if ids and mt in a_types and not self.id_short_ok(ids):
                    self.add("KOSMO-SME-1", path, (*n.parts, "idShort"),
                             f"idShort {ids!r} does not match {self.id_short_re.pattern}", **kw)
            elif ids is None:
                if not in_list:
                    self.add("KOSMO-SME-1", path, n.parts, f"the {mt} has no idShort", **kw)
            elif not self.id_short_ok(ids):
                self.add("KOSMO-SME-1", path, (*n.parts, "idShort"),
                         f"idShort {ids!r} does not match {self.id_short_re.pattern}", **kw)
            # AASd-120 under smlChildIdShort
            if in_list and ids and self.p["smlChildIdShort"] != "allow":
                sev = Severity.ERROR if self.p["smlChildIdShort"] == "forbid" else Severity.WARNING
                self.add("AASd-120", path, (*n.parts, "idShort"),
                         f"list item has the idShort {ids!r}", severity=sev,
                         note=f"smlChildIdShort={self.p['smlChildIdShort']}: KOSMO does not check this", **kw)
            # SME-2
            if mt in excluded:
                self.add("KOSMO-SME-2", path, n.parts, f"{mt} is not accepted by KOSMO", **kw)
            # SME-3
            if mt in sem_types:
                v = _first_key(el.get("semanticId"))
                if v is None:
                    if not (in_list and ids is None):
                        self.add("KOSMO-SME-3", path, n.parts, f"the {mt} has no semanticId", **kw)
                elif v not in cds:
                    if self.p["standardTemplateSemantics"] == "preserve" and v.startswith(std):
                        self.add("KOSMO-SME-3", path, (*n.parts, "semanticId"),
                                 f"no ConceptDescription with id {v!r} (standard term kept)", severity=Severity.INFO,
                                 note="standardTemplateSemantics=preserve: KTL §7 uses IDTA templates unchanged",
                                 **kw)
                    else:
                        self.add("KOSMO-SME-3", path, (*n.parts, "semanticId"),
                                 f"no ConceptDescription with id {v!r} in the file", **kw)
            # SME-4
            if mt == "Property" and _str(n.submodel.get("idShort")) not in exempt:
                value = el.get("value")
                if not isinstance(value, str) or not value.strip():
                    self.add("KOSMO-SME-4", path, n.parts, "the Property has no value (example data required)", **kw)
            # SME-5
            if mt == "Property":
                v = _first_key(el.get("semanticId"))
                cd = cds.get(v) if v else None
                vt = el.get("valueType")
                if cd is not None and isinstance(vt, str) and vt in vt_table:
                    iec = iec61360_of(cd)
                    dt = iec.get("dataType") if iec else None
                    if dt not in vt_table[vt]:
                        self.add("KOSMO-SME-5", path, (*n.parts, "valueType"),
                                 f"valueType {vt} but ConceptDescription {v!r} has dataType {dt or 'none'}, "
                                 f"expected {' or '.join(vt_table[vt])}", **kw)

    def concepts(self) -> None:
        cds = _list(self.doc.get("conceptDescriptions"))
        first_id: dict[str, int] = {}
        by_short: dict[str, list[int]] = {}
        allowed = set(self.c["cdDataTypes"])
        for ci, cd in enumerate(cds):
            if not isinstance(cd, dict):
                continue
            path, parts = self.root("ConceptDescription", cd, ci), ("conceptDescriptions", ci)
            ids, ident = _str(cd.get("idShort")), _str(cd.get("id")) or ""
            kw: dict[str, Any] = {"element_type": "ConceptDescription", "key": ids or ident,
                                  "kosmo": f"/conceptDescriptions/{ci}" + (f"({ids})" if ids else "")}
            # CD-1
            if ids is None:
                if self.p["idShortRule"] == "V":
                    self.add("KOSMO-CD-1", path.child("#idShort"), parts, "the ConceptDescription has no idShort",
                             **kw)
            elif not self.id_short_ok(ids):
                self.add("KOSMO-CD-1", path.child("#idShort"), (*parts, "idShort"),
                         f"idShort {ids!r} does not match {self.id_short_re.pattern}", **kw)
            # CD-2
            if self.p["cdIdRule"] == "A":
                if not self.iri_or_irdi(ident):
                    self.add("KOSMO-CD-2", path.child("#id"), (*parts, "id"),
                             f"id {ident!r} is neither an IRDI nor an IRI", **kw)
            elif not self.allowed_id(ident):
                if self.is_idta(ident) and self.p["iriConflict"] == "idta-preserve":
                    self.add("KOSMO-CD-2", path.child("#id"), (*parts, "id"),
                             f"id {ident!r} is an IDTA IRI outside the allow-list (kept: iriConflict=idta-preserve)",
                             severity=Severity.WARNING,
                             note="iriConflict=idta-preserve: KTL §4 note 1 keeps official IDTA IRIs", **kw)
                else:
                    self.add("KOSMO-CD-2", path.child("#id"), (*parts, "id"),
                             f"id {ident!r} is not an IRDI (0173-, 0112/) and not under {self.p['iriBase']}/", **kw)
            # CD-3
            self.definition(cd, path, parts, kw)
            # CD-4
            iec = iec61360_of(cd)
            if iec is None:
                self.add("KOSMO-CD-4", path.child("#embeddedDataSpecifications"), parts,
                         "no IEC 61360 data specification", **kw)
            elif not _str(iec.get("dataType")):
                self.add("KOSMO-CD-4", path.child("#dataType"), parts, "the IEC 61360 content has no dataType", **kw)
            elif iec["dataType"] not in allowed:
                self.add("KOSMO-CD-4", path.child("#dataType"), parts,
                         f"dataType {iec['dataType']} is not in the KOSMO allow-list", **kw)
            # CD-5
            if ident in first_id:
                self.add("KOSMO-CD-5", path.child("#id"), (*parts, "id"),
                         f"id {ident!r} repeats ConceptDescription {first_id[ident]}", **kw)
            else:
                first_id[ident] = ci
            if ids:
                by_short.setdefault(ids, []).append(ci)
        for ids, idx in by_short.items():
            if len(idx) < 2:
                continue
            all_irdi = all(str(cds[i].get("id", "")).startswith(tuple(self.p["irdiPrefixes"])) for i in idx)
            for i in idx[1:]:
                cd = cds[i]
                self.add("KOSMO-CD-5", self.root("ConceptDescription", cd, i).child("#idShort"),
                         ("conceptDescriptions", i, "idShort"),
                         f"idShort {ids!r} is used by {len(idx)} ConceptDescriptions"
                         + (" (all IRDI terms: leave them)" if all_irdi else ""),
                         severity=Severity.INFO if all_irdi else Severity.WARNING, element_type="ConceptDescription",
                         key=ids, kosmo=f"/conceptDescriptions/{i}({ids})")

    def definition(self, cd: Mapping[str, Any], path: ModelPath, parts: tuple[str | int, ...],
                   kw: dict[str, Any]) -> None:
        if self.p["cdDefinitionRule"] == "A":
            eds = _list(cd.get("embeddedDataSpecifications"))
            if not eds or _list(cd.get("description")):
                return
            for e in eds:
                content = e.get("dataSpecificationContent") if isinstance(e, dict) else None
                if isinstance(content, dict) and content.get("value") is None and not content.get("definition"):
                    self.add("KOSMO-CD-3", path.child("#definition"), parts,
                             "description/definition이 누락되었습니다 (no definition or description)", **kw)
                    return
            return
        iec = iec61360_of(cd)
        ok = any(isinstance(d, dict) and d.get("language") == "en" and str(d.get("text", "")).strip()
                 for d in _list((iec or {}).get("definition"))) or bool(_list(cd.get("description")))
        if ok:
            return
        if self.p["cdDefinition"] == "allow-empty":
            self.add("KOSMO-CD-3", path.child("#definition"), parts, "no English definition and no description",
                     severity=Severity.INFO, note="cdDefinition=allow-empty: KTL §8 leaves unknown definitions blank",
                     **kw)
        else:
            self.add("KOSMO-CD-3", path.child("#definition"), parts, "no English definition and no description", **kw)

    def hierarchy(self) -> None:
        name = self.c["hierarchySubmodel"]
        for si, sm in enumerate(_list(self.doc.get("submodels"))):
            if not isinstance(sm, dict) or sm.get("idShort") != name or not _list(sm.get("submodelElements")):
                continue
            els = [e for e in sm["submodelElements"] if isinstance(e, dict)]
            path, parts = self.root("Submodel", sm, si), ("submodels", si)
            kw: dict[str, Any] = {"element_type": "Submodel", "key": name, "kosmo": f"/submodels/{si}({name})"}
            entry = next((e for e in els if e.get("modelType") == "Entity"), None)
            arche = next((e for e in els if e.get("idShort") == "ArcheType"), None)
            if arche is None:
                self.add("HIER-1", path.child(".ArcheType"), parts, "no ArcheType element",
                         severity=Severity.WARNING, **kw)
            elif _str(arche.get("value")) and arche["value"] not in self.c["archeTypes"]:
                self.add("HIER-1", path.child(".ArcheType"), parts,
                         f"ArcheType {arche['value']!r} is not Full, OneDown or OneUp", **kw)
            if entry is None:
                self.add("HIER-1", path, parts, "no entry node (top-level Entity)", **kw)
                continue
            epath = path.child(f".{entry.get('idShort')}")
            stmts = [s for s in _list(entry.get("statements")) if isinstance(s, dict)]
            children = [s for s in stmts if s.get("modelType") == "Entity"]
            gids: dict[str, str] = {}
            for ch in children:
                gid = _str(ch.get("globalAssetId"))
                cpath = epath.child(f".{ch.get('idShort')}")
                if ch.get("entityType") == "SelfManagedEntity" and not gid:
                    self.add("HIER-2", cpath, parts, "self-managed child entity without globalAssetId", **kw)
                if gid and gid == _str(entry.get("globalAssetId")):
                    self.add("HIER-2", cpath, parts, "child entity has the entry node's globalAssetId", **kw)
                if gid and gid in gids:
                    self.add("HIER-2", cpath, parts, f"globalAssetId {gid!r} repeats child {gids[gid]!r}", **kw)
                elif gid:
                    gids[gid] = str(ch.get("idShort"))
            targets = []
            for s in stmts:
                if s.get("modelType") in ("RelationshipElement", "AnnotatedRelationshipElement"):
                    keys = _list((s.get("second") or {}).get("keys")) if isinstance(s.get("second"), dict) else []
                    if keys and isinstance(keys[-1], dict):
                        targets.append((s, str(keys[-1].get("value"))))
            names = {str(c.get("idShort")) for c in children}
            tnames = {t for _, t in targets}
            for ch in children:
                if str(ch.get("idShort")) not in tnames:
                    self.add("HIER-3", epath.child(f".{ch.get('idShort')}"), parts,
                             "child entity is not the target of any relationship of the entry node", **kw)
            for rel, t in targets:
                if t not in names:
                    self.add("HIER-3", epath.child(f".{rel.get('idShort')}"), parts,
                             f"relationship target {t!r} names no child entity", **kw)

    def package(self) -> None:
        fre = re.compile(self.c["fileUriPattern"])
        for n in iter_nodes(self.doc):
            if n.el.get("modelType") == "File" and _str(n.el.get("value")) and not fre.match(n.el["value"]):
                self.add("PKG-FILE-URI", self.root("Submodel", n.submodel, int(n.parts[1])).child(*n.segments),
                         (*n.parts, "value"), f"File value {n.el['value']!r} has no URI scheme",
                         element_type="File", key=_str(n.el.get("idShort")), kosmo=n.kosmo)
        self.thumb_part()
        sev = Severity.WARNING if self.p["langTagTypo"] == "preserve" else None
        note = "langTagTypo=preserve: KTL §7 keeps IDTA template errors" if sev else None
        for parts, langs in _lang_lists(self.doc):
            seen: set[str] = set()
            for i, entry in enumerate(langs):
                lang = entry.get("language") if isinstance(entry, dict) else None
                if not isinstance(lang, str):
                    continue
                if lang in seen:
                    self.add("PKG-LANG-DUP", _model_path(self.doc, parts), (*parts, i),
                             f"language {lang!r} occurs more than once", severity=sev, note=note,
                             element_type=_owner_type(self.doc, parts), key=_owner_key(self.doc, parts),
                             kosmo=pointer(parts))
                seen.add(lang)
        for parts in _empty_arrays(self.doc, ()):
            self.add("PKG-EMPTY-ARRAY", _model_path(self.doc, parts), parts, f"empty array {parts[-1]!r}",
                     element_type=_owner_type(self.doc, parts), key=_owner_key(self.doc, parts), kosmo=pointer(parts))

    def thumb_part(self) -> None:
        pkg = self.ctx.package
        shells = _list(self.doc.get("assetAdministrationShells"))
        if pkg is None or not shells or not isinstance(shells[0], dict):
            return
        info = shells[0].get("assetInformation") or {}
        thumb = info.get("defaultThumbnail") if isinstance(info, dict) else None
        tpath = _str(thumb.get("path")) if isinstance(thumb, dict) else None
        if not tpath:
            return
        part = _part(tpath)
        missing = []
        if part not in pkg.parts:
            missing.append("the ZIP part")
        if part not in _rel_targets(pkg):
            missing.append("a relationship to the part")
        overrides, defaults = _content_types(pkg)
        kw: dict[str, Any] = {"element_type": "AssetAdministrationShell", "key": _str(shells[0].get("idShort")),
                              "kosmo": "/assetAdministrationShells/0"}
        path = self.root("AssetAdministrationShell", shells[0], 0).child("#assetInformation.defaultThumbnail.path")
        ptr = ("assetAdministrationShells", 0, "assetInformation", "defaultThumbnail", "path")
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        if part not in overrides:
            if ext in defaults:
                self.add("PKG-THUMB-PART", path, ptr, f"thumbnail {tpath!r} has a content-type Default for .{ext} "
                                                      "but no Override (never seen rejected)",
                         severity=Severity.INFO, **kw)
            else:
                missing.append("a [Content_Types].xml Override")
        if missing:
            self.add("PKG-THUMB-PART", path, ptr, f"thumbnail {tpath!r} lacks {', '.join(missing)}", **kw)


def iec61360_of(cd: Mapping[str, Any]) -> dict[str, Any] | None:
    for e in _list(cd.get("embeddedDataSpecifications")):
        content = e.get("dataSpecificationContent") if isinstance(e, dict) else None
        if isinstance(content, dict) and content.get("modelType") == "DataSpecificationIec61360":
            return content
    return None


def _part(path: str) -> str:
    p = unquote(path)
    if p.startswith("file://"):
        p = p[len("file://"):]
    return posixpath.normpath("/" + p.lstrip("/")).lstrip("/")


def _xml(data: bytes) -> Any:
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None


def _rel_targets(pkg: Any) -> set[str]:
    out = set()
    for name, data in pkg.xml_parts.items():
        if not name.endswith(".rels"):
            continue
        root = _xml(data)
        if root is None:
            continue
        base = posixpath.dirname(posixpath.dirname(name))  # 'aasx/_rels/x.rels' -> 'aasx'
        for rel in root:
            target = rel.get("Target") if isinstance(rel.tag, str) else None
            if target and rel.get("TargetMode") != "External":
                t = unquote(target)
                out.add(posixpath.normpath(t).lstrip("/") if t.startswith("/")
                        else posixpath.normpath(posixpath.join(base, t)).lstrip("/"))
    return out


def _content_types(pkg: Any) -> tuple[set[str], set[str]]:
    root = _xml(pkg.xml_parts.get("[Content_Types].xml", b""))
    overrides, defaults = set(), set()
    if root is not None:
        for el in root:
            if not isinstance(el.tag, str):
                continue
            if el.tag.endswith("Override") and el.get("PartName"):
                overrides.add(unquote(el.get("PartName")).lstrip("/"))
            elif el.tag.endswith("Default") and el.get("Extension"):
                defaults.add(el.get("Extension").lower())
    return overrides, defaults


_LANG_KEYS = ("description", "displayName")


def _lang_lists(doc: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], list[Any]]]:
    for ci, cd in enumerate(_list(doc.get("conceptDescriptions"))):
        if not isinstance(cd, dict):
            continue
        for k in _LANG_KEYS:
            if _list(cd.get(k)):
                yield ("conceptDescriptions", ci, k), cd[k]
        for ei, e in enumerate(_list(cd.get("embeddedDataSpecifications"))):
            content = e.get("dataSpecificationContent") if isinstance(e, dict) else None
            if isinstance(content, dict) and content.get("modelType") == "DataSpecificationIec61360":
                for k in ("preferredName", "shortName", "definition"):
                    if _list(content.get(k)):
                        yield ("conceptDescriptions", ci, "embeddedDataSpecifications", ei, "dataSpecificationContent",
                               k), content[k]
                break
    for si, sm in enumerate(_list(doc.get("submodels"))):
        if isinstance(sm, dict):
            for k in _LANG_KEYS:
                if _list(sm.get(k)):
                    yield ("submodels", si, k), sm[k]
    for n in iter_nodes(doc):
        for k in _LANG_KEYS:
            if _list(n.el.get(k)):
                yield (*n.parts, k), n.el[k]
        if n.el.get("modelType") == "MultiLanguageProperty" and _list(n.el.get("value")):
            yield (*n.parts, "value"), n.el["value"]


def _empty_arrays(node: Any, parts: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, list) and not v:
                yield (*parts, k)
            else:
                yield from _empty_arrays(v, (*parts, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, list) and not v:
                yield (*parts, i)
            else:
                yield from _empty_arrays(v, (*parts, i))


def _get(doc: Any, parts: Sequence[str | int]) -> Any:
    node = doc
    for p in parts:
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _owner_parts(parts: Sequence[str | int]) -> tuple[str | int, ...]:
    """The parts of the closest object (element or Identifiable) holding the value at ``parts``."""
    last: tuple[str | int, ...] = ()
    for k in range(1, len(parts)):
        if isinstance(parts[k], int) and parts[k - 1] in _CONTAINERS:
            last = tuple(parts[:k + 1])
    return last


_CONTAINERS = ("submodels", "conceptDescriptions", "assetAdministrationShells", "submodelElements", "value",
               "statements", "annotations")


def _owner_type(doc: Any, parts: Sequence[str | int]) -> str:
    owner = _get(doc, _owner_parts(parts))
    if isinstance(owner, dict) and _str(owner.get("modelType")):
        return str(owner["modelType"])
    return "Environment"


def _owner_key(doc: Any, parts: Sequence[str | int]) -> str:
    owner = _get(doc, _owner_parts(parts))
    if isinstance(owner, dict):
        return _str(owner.get("idShort")) or _str(owner.get("id")) or ""
    return ""


def _model_path(doc: Any, parts: Sequence[str | int]) -> ModelPath:
    if len(parts) < 2 or parts[0] not in ("submodels", "conceptDescriptions", "assetAdministrationShells"):
        return ModelPath("Environment", (f"#{pointer(parts)}",))
    kind = {"submodels": "Submodel", "conceptDescriptions": "ConceptDescription",
            "assetAdministrationShells": "AssetAdministrationShell"}[str(parts[0])]
    ident = _get(doc, parts[:2])
    root = ModelPath(f"{kind}[id={ident.get('id')}]" if isinstance(ident, dict) else f"{kind}[{parts[1]}]")
    segs: list[str] = []
    node = ident
    i = 2
    while i < len(parts) - 1 and isinstance(parts[i], str) and parts[i] in ("submodelElements", "value", "statements",
                                                                            "annotations") \
            and isinstance(parts[i + 1], int) and isinstance(node, dict):
        in_list = node.get("modelType") == "SubmodelElementList"
        node = _get(node, parts[i:i + 2])
        if not isinstance(node, dict) or "modelType" not in node:
            break
        segs.append(f"[{parts[i + 1]}]" if in_list else f".{node.get('idShort')}")
        i += 2
    rest = "/".join(str(p) for p in parts[i:])
    return root.child(*segs, *((f"#{rest}",) if rest else ()))


def check(ctx: Context) -> list[Finding]:
    """Every KOSMO finding of one document (the profile's plug-in entry point)."""
    return _Checker(ctx).run()
