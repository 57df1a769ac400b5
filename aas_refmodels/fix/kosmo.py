"""KOSMO repairs on the jsonable environment: each one safe, explained in the ledger, never inventing a value.

Shared by ``aasref fix --profile kosmo`` and ``aasref build --profile kosmo`` (which composes our shell and
then runs the same repairs). Order matters: empty arrays and duplicate language tags first, then the
composition (renames, missing templates, submodels over the count), kinds, ids with every reference
rewritten, semanticIds (own id first, the original kept in supplementalSemanticIds), ConceptDescriptions.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..profiles import Profile
from . import Ledger

_CHILDREN = {"SubmodelElementCollection": "value", "SubmodelElementList": "value", "Entity": "statements",
             "AnnotatedRelationshipElement": "annotations"}
_INTEGERS = {"xs:integer", "xs:long", "xs:int", "xs:short", "xs:byte", "xs:nonNegativeInteger",
             "xs:nonPositiveInteger", "xs:positiveInteger", "xs:negativeInteger", "xs:unsignedLong",
             "xs:unsignedInt", "xs:unsignedShort", "xs:unsignedByte"}
_REALS = {"xs:double", "xs:float", "xs:decimal"}
_PLAIN = {"xs:boolean": "BOOLEAN", "xs:date": "DATE", "xs:dateTime": "TIMESTAMP", "xs:time": "TIME",
          "xs:anyURI": "IRI", "xs:string": "STRING"}
IEC61360_IRI = "https://admin-shell.io/DataSpecificationTemplates/DataSpecificationIec61360/3"


def _list(x: Any) -> list[Any]:
    return x if isinstance(x, list) else []


def _dict(x: Any) -> dict[str, Any]:
    return x if isinstance(x, dict) else {}


def _str(x: Any) -> str | None:
    return x if isinstance(x, str) and x else None


def _ref(value: str) -> dict[str, Any]:
    return {"type": "ExternalReference", "keys": [{"type": "GlobalReference", "value": value}]}


def _first(ref: Any) -> str | None:
    keys = _list(ref.get("keys")) if isinstance(ref, dict) else []
    return _str(keys[0].get("value")) if keys and isinstance(keys[0], dict) else None


def elements(doc: Mapping[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any], str]]:
    """(element, parent element, submodel, path) depth first, as V's traversal."""
    def walk(els: list[Any], parent: dict[str, Any] | None, sm: dict[str, Any], path: str,
             ) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any], str]]:
        for i, el in enumerate(els):
            if not isinstance(el, dict):
                continue
            in_list = parent is not None and parent.get("modelType") == "SubmodelElementList"
            p = f"{path}[{i}]" if in_list else f"{path}.{el.get('idShort')}"
            yield el, parent, sm, p
            attr = _CHILDREN.get(str(el.get("modelType")))
            if attr:
                yield from walk(_list(el.get(attr)), el, sm, p)
    for sm in _list(doc.get("submodels")):
        if isinstance(sm, dict):
            yield from walk(_list(sm.get("submodelElements")), None, sm, f"Submodel[id={sm.get('id')}]")


def version_of(identifier: str) -> tuple[str, str]:
    parts = identifier.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-1].isdigit() and parts[-2].isdigit():
        return parts[-2], parts[-1]
    return "1", "0"


def pascal(text: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)
    name = "".join(w[:1].upper() + w[1:] for w in words)
    if not name or not name[0].isalpha():
        name = "X" + name
    return name if len(name) >= 2 else name + "X"


def cd_data_type(el: Mapping[str, Any], unit: bool = False) -> str:
    """A KOSMO dataType consistent with the element (SME-5); *_MEASURE only with a unit (AASc-3a-009)."""
    mt, vt = el.get("modelType"), el.get("valueType")
    if mt == "MultiLanguageProperty":
        return "STRING_TRANSLATABLE"
    if mt == "ReferenceElement":
        return "IRI"
    if mt in ("Property", "Range") and isinstance(vt, str):
        if vt in _INTEGERS:
            return "INTEGER_MEASURE" if unit else "INTEGER_COUNT"
        if vt in _REALS:
            return "REAL_MEASURE" if unit else "REAL_COUNT"
        return _PLAIN.get(vt, "STRING")
    return "STRING"


class Repair:
    def __init__(self, doc: dict[str, Any], profile: Profile, policy: Mapping[str, Any], ledger: Ledger) -> None:
        self.doc, self.prof, self.p, self.led = doc, profile, policy, ledger
        self.base = str(policy["iriBase"]).rstrip("/")
        self.irdi = tuple(policy["irdiPrefixes"])

    def allowed(self, v: str) -> bool:
        return v.startswith(self.irdi) or v.startswith(self.base + "/")

    def keep_idta(self, v: str) -> bool:
        return self.p["iriConflict"] == "idta-preserve" and v.startswith(self.prof.constants["idtaIriPrefix"])

    # -- generic JSON repairs -------------------------------------------------------------------------------
    def empty_arrays(self) -> None:
        def walk(node: Any, path: str) -> None:
            if isinstance(node, dict):
                for k in list(node):
                    v = node[k]
                    if isinstance(v, list) and not v:
                        del node[k]
                        self.led.add("PKG-EMPTY-ARRAY", f"{path}/{k}", "deleted an empty array (schema minItems 1)")
                    else:
                        walk(v, f"{path}/{k}")
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    if isinstance(v, list) and not v:
                        self.led.cannot("PKG-EMPTY-ARRAY", f"{path}/{i}", "an empty array inside an array cannot be "
                                                                        "deleted without changing the positions")
                    else:
                        walk(v, f"{path}/{i}")
        walk(self.doc, "")

    def lang_dups(self) -> None:
        def dedupe(lst: Any, where: str) -> None:
            if not isinstance(lst, list):
                return
            seen: set[str] = set()
            keep = []
            for entry in lst:
                lang = entry.get("language") if isinstance(entry, dict) else None
                if isinstance(lang, str) and lang in seen:
                    self.led.add("PKG-LANG-DUP", where, f"dropped a repeated {lang!r} text", old=entry.get("text"))
                    continue
                if isinstance(lang, str):
                    seen.add(lang)
                keep.append(entry)
            lst[:] = keep
        if self.p["langTagTypo"] == "preserve":
            return
        for cd in _list(self.doc.get("conceptDescriptions")):
            if not isinstance(cd, dict):
                continue
            for k in ("description", "displayName"):
                dedupe(cd.get(k), f"ConceptDescription[id={cd.get('id')}]#{k}")
            for e in _list(cd.get("embeddedDataSpecifications")):
                content = e.get("dataSpecificationContent") if isinstance(e, dict) else None
                if isinstance(content, dict):
                    for k in ("preferredName", "shortName", "definition"):
                        dedupe(content.get(k), f"ConceptDescription[id={cd.get('id')}]#{k}")
        for sm in _list(self.doc.get("submodels")):
            if isinstance(sm, dict):
                for k in ("description", "displayName"):
                    dedupe(sm.get(k), f"Submodel[id={sm.get('id')}]#{k}")
        for el, _, _, path in elements(self.doc):
            for k in ("description", "displayName"):
                dedupe(el.get(k), f"{path}#{k}")
            if el.get("modelType") == "MultiLanguageProperty":
                dedupe(el.get("value"), f"{path}#value")

    # -- composition ----------------------------------------------------------------------------------------
    def composition(self, templates: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        comp = self.prof.data.get("composition", {})
        sms = [s for s in _list(self.doc.get("submodels")) if isinstance(s, dict)]
        names = {_str(s.get("idShort")) for s in sms}
        for entry in comp.get("submodels", ()):
            target, source = entry["idShort"], entry.get("from")
            if target in names or target not in self.p["requiredSubmodels"]:
                continue
            src = next((s for s in sms if s.get("idShort") == source), None)
            if src is not None and source != target:
                src["idShort"] = target
                names.add(target)
                self.led.add("KOSMO-AAS-4", f"Submodel[id={src.get('id')}]#idShort",
                             f"renamed the submodel to the KOSMO name {target!r}", old=source, new=target)
            elif templates and target in templates:
                add = copy.deepcopy(dict(templates[target]))
                self.doc.setdefault("submodels", []).append(add["submodel"])
                known = {c.get("id") for c in _list(self.doc.get("conceptDescriptions")) if isinstance(c, dict)}
                self.doc.setdefault("conceptDescriptions", []).extend(
                    c for c in add.get("conceptDescriptions", []) if c.get("id") not in known)
                for aas in _list(self.doc.get("assetAdministrationShells")):
                    aas.setdefault("submodels", []).append(
                        {"type": "ModelReference", "keys": [{"type": "Submodel", "value": add["submodel"]["id"]}]})
                names.add(target)
                self.led.add("KOSMO-AAS-4", f"Submodel[id={add['submodel']['id']}]",
                             f"added the {target} template (structure only, no values: fill in your documents)",
                             new=target)
        missing = [n for n in self.p["requiredSubmodels"] if n not in names]
        if missing:
            self.led.cannot("KOSMO-AAS-4", "Environment", f"required submodel(s) {', '.join(missing)} missing and "
                                                          "no safe source for them")
        rng = self.p.get("submodelCountRange")
        sms = [s for s in _list(self.doc.get("submodels")) if isinstance(s, dict)]
        if rng is not None and len(sms) > rng[1]:
            for name in comp.get("dropOrder", ()):
                if len(sms) <= rng[1]:
                    break
                victim = next((s for s in sms if s.get("idShort") == name), None)
                if victim is None:
                    continue
                self.drop_submodel(victim)
                sms.remove(victim)
            if len(sms) > rng[1]:
                self.led.cannot("KOSMO-AAS-4", "Environment", f"{len(sms)} submodels, more than {rng[1]}; none of "
                                                              "them is safe to drop")
        elif rng is not None and len(sms) < rng[0]:
            self.led.cannot("KOSMO-AAS-4", "Environment", f"{len(sms)} submodels, fewer than {rng[0]}: add submodels "
                                                          "of your own (e.g. MaintenanceInstructions)")

    def drop_submodel(self, sm: dict[str, Any]) -> None:
        self.doc["submodels"].remove(sm)
        sid = sm.get("id")
        for aas in _list(self.doc.get("assetAdministrationShells")):
            if isinstance(aas, dict) and isinstance(aas.get("submodels"), list):
                aas["submodels"] = [r for r in aas["submodels"] if _first(r) != sid]
                if not aas["submodels"]:
                    del aas["submodels"]
        self.led.removed.append(sm)
        self.led.add("KOSMO-AAS-4", f"Submodel[id={sid}]", f"moved the submodel {sm.get('idShort')!r} out of the file "
                                                           "to keep 6-8 submodels (kept whole in the ledger's "
                                                           "'removed' list; the plain shell still has it)")

    # -- shells and submodels -------------------------------------------------------------------------------
    def shells(self) -> None:
        for aas in _list(self.doc.get("assetAdministrationShells")):
            if not isinstance(aas, dict):
                continue
            where = f"AssetAdministrationShell[id={aas.get('id')}]"
            info = aas.setdefault("assetInformation", {})
            if info.get("assetKind") != "Type":
                self.led.add("KOSMO-AAS-6", f"{where}#assetInformation.assetKind", "set assetKind to Type",
                             old=info.get("assetKind"), new="Type")
                info["assetKind"] = "Type"
            if not _str(info.get("globalAssetId")) and not _list(info.get("specificAssetIds")):
                v, r = self.admin_of(aas)
                gid = f"{self.base}/asset/{aas.get('idShort') or 'Asset'}/{v}/{r}"
                info["globalAssetId"] = gid
                self.led.add("KOSMO-AAS-5", f"{where}#assetInformation.globalAssetId",
                             "set a globalAssetId under the iriBase (V's convention; replace it with the asset's own "
                             "IRI if it has one)", new=gid)

    def admin_of(self, obj: Mapping[str, Any]) -> tuple[str, str]:
        adm = _dict(obj.get("administration"))
        if _str(adm.get("version")) and _str(adm.get("revision")):
            return adm["version"], adm["revision"]
        return version_of(str(obj.get("id", "")))

    def kinds(self) -> None:
        for sm in _list(self.doc.get("submodels")):
            if isinstance(sm, dict) and sm.get("kind") != "Template":
                self.led.add("KOSMO-SM-4", f"Submodel[id={sm.get('id')}]#kind",
                             "set kind to Template (values kept: KOSMO wants filled templates)",
                             old=sm.get("kind", "Instance"), new="Template")
                sm["kind"] = "Template"

    def ids(self) -> None:
        """AAS-3 / SM-2: administration version/revision and ids ending in /version/revision."""
        mapping: dict[str, str] = {}
        used = {o.get("id") for key in ("assetAdministrationShells", "submodels", "conceptDescriptions")
                for o in _list(self.doc.get(key)) if isinstance(o, dict)}
        for key, code, kind in (("assetAdministrationShells", "KOSMO-AAS-3", "AssetAdministrationShell"),
                                ("submodels", "KOSMO-SM-2", "Submodel")):
            for obj in _list(self.doc.get(key)):
                if not isinstance(obj, dict) or not _str(obj.get("id")):
                    continue
                ident = obj["id"]
                where = f"{kind}[id={ident}]"
                adm = obj.get("administration") if isinstance(obj.get("administration"), dict) else None
                if adm is None or not _str(adm.get("version")) or not _str(adm.get("revision")):
                    v, r = version_of(ident)
                    derived = version_of(ident) != ("1", "0") or ident.rstrip("/").endswith("/1/0")
                    adm = dict(adm or {})
                    adm.update(version=v, revision=r)
                    obj["administration"] = adm
                    self.led.add(code, f"{where}#administration",
                                 f"set administration version {v}, revision {r} "
                                 + ("(from the id's last two segments)" if derived else
                                    "(first version: change it if this is not version 1.0)"), new=f"{v}/{r}")
                v, r = adm["version"], adm["revision"]
                parts = ident.rstrip("/").split("/")
                if "/".join(parts[-2:]) == f"{v}/{r}":
                    continue
                if len(parts) >= 2 and parts[-1].isdigit() and parts[-2].isdigit():
                    new = "/".join([*parts[:-2], v, r])
                else:
                    new = f"{ident.rstrip('/')}/{v}/{r}"
                if new in used:
                    self.led.cannot(code, where, f"the new id {new!r} is already used")
                    continue
                used.add(new)
                obj["id"] = new
                mapping[ident] = new
                self.led.add(code, f"{where}#id", "the id now ends in /version/revision; every reference rewritten",
                             old=ident, new=new)
        if mapping:
            self.rewrite_model_refs(mapping)

    def rewrite_model_refs(self, mapping: Mapping[str, str]) -> None:
        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if node.get("type") == "ModelReference" and isinstance(node.get("keys"), list):
                    for k in node["keys"]:
                        if isinstance(k, dict) and k.get("value") in mapping:
                            k["value"] = mapping[k["value"]]
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(self.doc)

    def sm_semantic_ids(self) -> None:
        for sm in _list(self.doc.get("submodels")):
            if not isinstance(sm, dict):
                continue
            where = f"Submodel[id={sm.get('id')}]#semanticId"
            v = _first(sm.get("semanticId"))
            if v is not None and self.allowed(v):
                key = sm["semanticId"]["keys"][0]
                if sm["semanticId"].get("type") == "ExternalReference" and key.get("type") != "GlobalReference":
                    self.led.add("KOSMO-SM-3", where, "set the semanticId key type to GlobalReference",
                                 old=key.get("type"), new="GlobalReference")
                    key["type"] = "GlobalReference"
                continue
            if v is not None and self.keep_idta(v):   # idta-preserve: the reverse, our own id supplemental
                sups = sm.setdefault("supplementalSemanticIds", [])
                if sm["id"] not in {_first(s) for s in sups}:
                    sups.append(_ref(str(sm["id"])))
                continue
            if not self.allowed(str(sm.get("id", ""))):
                self.relocate_submodel(sm)
            sm["semanticId"] = _ref(str(sm["id"]))
            if v is not None:
                sups = sm.setdefault("supplementalSemanticIds", [])
                if v not in {_first(s) for s in sups}:
                    sups.append(_ref(v))
                self.led.relocated[str(sm["id"])] = v
            self.led.add("KOSMO-SM-3", where, "semanticId = the submodel's own id (the original kept as "
                                              "supplementalSemanticId)", old=v, new=sm["id"])

    def relocate_submodel(self, sm: dict[str, Any]) -> None:
        """SM-3's own-id semanticId needs an id under the iriBase: {iriBase}/sm/{Equipment}/{idShort}/{v}/{r}."""
        shells = [a for a in _list(self.doc.get("assetAdministrationShells")) if isinstance(a, dict)]
        equipment = pascal(str(shells[0].get("idShort") or "Equipment")) if shells else "Equipment"
        v, r = self.admin_of(sm)
        old = str(sm.get("id"))
        new = f"{self.base}/sm/{equipment}/{sm.get('idShort') or 'Submodel'}/{v}/{r}"
        used = {o.get("id") for key in ("assetAdministrationShells", "submodels", "conceptDescriptions")
                for o in _list(self.doc.get(key)) if isinstance(o, dict)}
        if new in used:
            self.led.cannot("KOSMO-SM-3", f"Submodel[id={old}]", f"the id {new!r} under the iriBase is taken")
            return
        sm["id"] = new
        self.rewrite_model_refs({old: new})
        self.led.add("KOSMO-SM-3", f"Submodel[id={old}]#id", "moved the submodel id under the iriBase (its own "
                                                             "id becomes its semanticId); every reference rewritten",
                     old=old, new=new)

    # -- element semantics and concept descriptions ----------------------------------------------------------
    def semantics(self) -> None:
        """CD-2 / SME-3: relocate ids outside the allow-list to {iriBase}/cd/{Name}/{v}/{r}; a CD for every id."""
        cds = [c for c in _list(self.doc.get("conceptDescriptions")) if isinstance(c, dict)]
        by_id = {c.get("id"): c for c in cds}
        taken = {str(c.get("id")) for c in cds}
        mapping: dict[str, str] = {}

        def new_id(old: str, name: str) -> str:
            v, r = version_of(old)
            base = pascal(name)
            cand, n = f"{self.base}/cd/{base}/{v}/{r}", 2
            while cand in taken:
                cand, n = f"{self.base}/cd/{base}{n}/{v}/{r}", n + 1
            taken.add(cand)
            return cand

        def relocatable(v: str) -> bool:
            return not self.allowed(v) and not self.keep_idta(v) and not (
                self.p["standardTemplateSemantics"] == "preserve"
                and v.startswith(tuple(self.prof.constants["standardTermPrefixes"])) and v not in by_id)

        for cd in cds:
            cid = _str(cd.get("id"))
            if cid and relocatable(cid) and cid not in mapping:
                if not _str(cd.get("idShort")):
                    self.led.cannot("KOSMO-CD-2", f"ConceptDescription[id={cid}]", "no idShort to name the new id")
                    continue
                mapping[cid] = new_id(cid, cd["idShort"])
        for el, parent, _, _ in elements(self.doc):
            for attr in ("semanticId", "semanticIdListElement"):
                v = _first(el.get(attr))
                if v and relocatable(v) and v not in mapping:
                    mapping[v] = new_id(v, self.name_of(el, parent))
        # rewrite: CDs (original kept as isCaseOf), element semanticIds (original kept as supplemental)
        for cd in cds:
            old = cd.get("id")
            if old in mapping:
                cd["id"] = mapping[old]
                cases = cd.setdefault("isCaseOf", [])
                if old not in {_first(c) for c in cases}:
                    cases.append(_ref(str(old)))
                self.led.relocated[mapping[old]] = str(old)
                self.led.add("KOSMO-CD-2", f"ConceptDescription[id={old}]#id", "id moved under the iriBase, every "
                                                                               "reference rewritten, original kept "
                                                                               "as isCaseOf", old=old, new=cd["id"])
        kept: dict[str, str] = {}
        for el, parent, _, _path in elements(self.doc):
            v = _first(el.get("semanticId"))
            if v and self.keep_idta(v):   # idta-preserve: the reverse -- IDTA IRI first, our own id supplemental
                own = kept.setdefault(v, new_id(v, self.name_of(el, parent)))
                sups = el.setdefault("supplementalSemanticIds", [])
                if own not in {_first(s) for s in sups}:
                    sups.append(_ref(own))
            for attr in ("semanticId", "semanticIdListElement"):
                v = _first(el.get(attr))
                if v and v in mapping:
                    el[attr] = _ref(mapping[v])
                    if attr == "semanticId":
                        sups = el.setdefault("supplementalSemanticIds", [])
                        if v not in {_first(s) for s in sups}:
                            sups.append(_ref(v))
                    self.led.relocated.setdefault(mapping[v], v)
        if mapping:
            self.led.add("KOSMO-CD-2", "Environment", f"{len(mapping)} semantic id(s) outside the allow-list "
                                                      "relocated to own ids (originals in supplementalSemanticIds, "
                                                      "isCaseOf and the ledger's relocation table)")

    def name_of(self, el: Mapping[str, Any], parent: Mapping[str, Any] | None) -> str:
        ids = _str(el.get("idShort"))
        if ids:
            return re.sub(r"\d+$", "", ids) or ids
        for dn in _list(el.get("displayName")):
            if isinstance(dn, dict) and dn.get("language") == "en" and _str(dn.get("text")):
                return pascal(dn["text"])
        pname = _str(parent.get("idShort")) if parent else None
        if pname:
            return pname[:-3] + "y" if pname.endswith("ies") else pname[:-1] if pname.endswith("s") and \
                len(pname) > 3 else pname + "Entry"
        return "Item"

    def concepts(self) -> None:
        """SME-3: a CD for every element semanticId (names and definition from the element); CD-4, SME-5."""
        cds = self.doc.setdefault("conceptDescriptions", [])
        by_id = {c.get("id"): c for c in cds if isinstance(c, dict)}
        users: dict[str, list[dict[str, Any]]] = {}
        preserve = self.p["standardTemplateSemantics"] == "preserve"
        std = tuple(self.prof.constants["standardTermPrefixes"])
        self.short_taken = {str(c.get("idShort")) for c in cds if isinstance(c, dict)}
        for el, parent, _, path in elements(self.doc):
            v = _first(el.get("semanticId"))
            if not v:
                continue
            users.setdefault(v, []).append(el)
            if v in by_id or (preserve and v.startswith(std)):
                continue
            cd = self.new_cd(v, el, parent)
            cds.append(cd)
            by_id[v] = cd
            self.led.add("KOSMO-SME-3", path, "created the ConceptDescription from the element's names and "
                                              "description", new=v)
            if not _list(cd.get("description")) and not self.has_en_definition(cd):
                self.led.cannot("KOSMO-CD-3", f"ConceptDescription[id={v}]", "the element has no English "
                                                                             "description: quote the definition, "
                                                                             "aasref does not invent it")
        allowed = set(self.prof.constants["cdDataTypes"])
        table: Mapping[str, list[str]] = self.prof.constants["valueTypeDataTypes"]
        for cd in cds:
            if not isinstance(cd, dict):
                continue
            cid = str(cd.get("id"))
            where = f"ConceptDescription[id={cid}]"
            content = self.iec(cd)
            used_by = users.get(cid, [])
            if content is None:
                name = _str(cd.get("idShort")) or "Concept"
                cd.setdefault("embeddedDataSpecifications", []).append({
                    "dataSpecification": _ref(IEC61360_IRI),
                    "dataSpecificationContent": {"modelType": "DataSpecificationIec61360",
                                                 "preferredName": [{"language": "en", "text": name}],
                                                 "dataType": cd_data_type(used_by[0]) if used_by else "STRING"}})
                self.led.add("KOSMO-CD-4", where, "added an IEC 61360 data specification (preferred name = idShort)")
                continue
            unit = bool(_str(content.get("unit")) or content.get("unitId"))
            want = cd_data_type(used_by[0], unit) if used_by else "STRING"
            dt = content.get("dataType")
            if dt not in allowed:
                content["dataType"] = want if want in allowed else "STRING"
                self.led.add("KOSMO-CD-4", f"{where}#dataType", "dataType set from the elements that use it",
                             old=dt, new=content["dataType"])
                continue
            for el in used_by:
                vt = el.get("valueType")
                if el.get("modelType") == "Property" and isinstance(vt, str) and vt in table and \
                        content["dataType"] not in table[vt]:
                    if cid.startswith(self.irdi):
                        self.led.cannot("KOSMO-SME-5", where, f"the IRDI concept has dataType {content['dataType']} "
                                                              f"but an element uses {vt}: check the element's "
                                                              "valueType against the dictionary")
                    else:
                        cands = table[vt]
                        new = next((c for c in cands if c.endswith("_MEASURE") == unit), cands[0])
                        self.led.add("KOSMO-SME-5", f"{where}#dataType", f"dataType set to match valueType {vt}",
                                     old=content["dataType"], new=new)
                        content["dataType"] = new
                    break

    def cd_short_dups(self) -> None:
        """CD-5 (warning): give repeated CD idShorts a number, unless every one of them is an IRDI term (V: leave)."""
        cds = [c for c in _list(self.doc.get("conceptDescriptions")) if isinstance(c, dict) and _str(c.get("idShort"))]
        groups: dict[str, list[dict[str, Any]]] = {}
        for cd in cds:
            groups.setdefault(cd["idShort"], []).append(cd)
        taken = set(groups)
        for name, group in groups.items():
            if len(group) < 2 or all(str(c.get("id", "")).startswith(self.irdi) for c in group):
                continue
            n = 2
            for cd in group[1:]:
                while f"{name}{n}" in taken:
                    n += 1
                new = f"{name}{n}"
                taken.add(new)
                self.led.add("KOSMO-CD-5", f"ConceptDescription[id={cd.get('id')}]#idShort",
                             "renamed a repeated ConceptDescription idShort", old=name, new=new)
                cd["idShort"] = new

    @staticmethod
    def iec(cd: Mapping[str, Any]) -> dict[str, Any] | None:
        for e in _list(cd.get("embeddedDataSpecifications")):
            content = e.get("dataSpecificationContent") if isinstance(e, dict) else None
            if isinstance(content, dict) and content.get("modelType") == "DataSpecificationIec61360":
                return content
        return None

    def has_en_definition(self, cd: Mapping[str, Any]) -> bool:
        content = self.iec(cd) or {}
        return any(isinstance(d, dict) and d.get("language") == "en" and str(d.get("text", "")).strip()
                   for d in _list(content.get("definition")))

    def new_cd(self, cid: str, el: Mapping[str, Any], parent: Mapping[str, Any] | None) -> dict[str, Any]:
        base = name = pascal(self.name_of(el, parent))
        n = 2
        while name in self.short_taken:   # distinct idShorts: tools look concepts up by name (CD-5 warning)
            name, n = f"{base}{n}", n + 1
        self.short_taken.add(name)
        names = [dict(x) for x in _list(el.get("displayName")) if isinstance(x, dict) and _str(x.get("text"))]
        if not any(x.get("language") == "en" for x in names):
            names.insert(0, {"language": "en", "text": name})
        definition = [{"language": x["language"], "text": x["text"][:1023]} for x in _list(el.get("description"))
                      if isinstance(x, dict) and _str(x.get("text")) and _str(x.get("language"))]
        content: dict[str, Any] = {"modelType": "DataSpecificationIec61360",
                                   "preferredName": [{"language": x["language"], "text": x["text"][:255]}
                                                     for x in names],
                                   "dataType": cd_data_type(el)}
        if definition:
            content["definition"] = definition
        cd: dict[str, Any] = {"modelType": "ConceptDescription", "id": cid, "idShort": name,
                              "embeddedDataSpecifications": [{"dataSpecification": _ref(IEC61360_IRI),
                                                              "dataSpecificationContent": content}]}
        original = self.led.relocated.get(cid)
        if original:
            cd["isCaseOf"] = [_ref(original)]
        return cd

    def file_uris(self) -> None:
        pattern = re.compile(self.prof.constants["fileUriPattern"])
        for el, _, _, path in elements(self.doc):
            v = _str(el.get("value"))
            if el.get("modelType") == "File" and v and not pattern.match(v):
                p = v.replace("\\", "/")
                p = p[2:] if p.startswith("./") else p
                new = f"file://{p}" if p.startswith("/") else f"file:///{p}"
                el["value"] = new
                self.led.add("PKG-FILE-URI", f"{path}#value", "wrote the package path as a file: URI", old=v, new=new)

    def thumbnail(self, path: str, content_type: str, generated: bool) -> None:
        for aas in _list(self.doc.get("assetAdministrationShells"))[:1]:
            info = aas.setdefault("assetInformation", {})
            old = info.get("defaultThumbnail")
            info["defaultThumbnail"] = {"path": path, "contentType": content_type}
            self.led.add("KOSMO-AAS-1", f"AssetAdministrationShell[id={aas.get('id')}]#assetInformation."
                                        "defaultThumbnail",
                         "added a generated placeholder thumbnail (replace it with a picture of the equipment)"
                         if generated else "set the thumbnail to the package's image part",
                         old=(old or {}).get("path") if isinstance(old, dict) else None, new=path)

    def cd_duplicates(self) -> None:
        cds = _list(self.doc.get("conceptDescriptions"))
        seen: dict[str, Any] = {}
        keep = []
        for cd in cds:
            cid = cd.get("id") if isinstance(cd, dict) else None
            if isinstance(cid, str) and cid in seen:
                if seen[cid] == cd:
                    self.led.add("KOSMO-CD-5", f"ConceptDescription[id={cid}]", "dropped an identical repeated "
                                                                                "ConceptDescription")
                    continue
                self.led.cannot("KOSMO-CD-5", f"ConceptDescription[id={cid}]", "two different ConceptDescriptions "
                                                                               "share this id: choose one")
            elif isinstance(cid, str):
                seen[cid] = cd
            keep.append(cd)
        if cds:
            cds[:] = keep


def repair(doc: dict[str, Any], profile: Profile, policy: Mapping[str, Any], ledger: Ledger, *,
           templates: Mapping[str, Mapping[str, Any]] | None = None,
           thumbnail: tuple[str, str, bool] | None = None, file_uris: bool = True) -> dict[str, Any]:
    """Apply every safe KOSMO repair to ``doc`` in place (and return it); ``ledger`` records each change.

    ``templates``: KOSMO idShort -> ``{"submodel": .., "conceptDescriptions": [..]}`` to add when a required
    submodel is missing; ``thumbnail``: (package path, content type, generated?) to set as default thumbnail;
    ``file_uris=False`` leaves package paths for the writer (which then writes them as ``file:`` URIs).
    """
    r = Repair(doc, profile, policy, ledger)
    r.empty_arrays()
    r.lang_dups()
    r.composition(templates)
    r.shells()
    r.kinds()
    r.ids()
    r.sm_semantic_ids()
    r.semantics()
    r.cd_duplicates()
    r.concepts()
    r.cd_short_dups()
    if file_uris:
        r.file_uris()
    if thumbnail is not None:
        r.thumbnail(*thumbnail)
    return doc
